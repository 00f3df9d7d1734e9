#pragma once

// Consumer coordination bodies (json-bodies.md §5, §6.7, §6.8).
//
// LockBatchRequestBody (LOCK_BATCH_MQ 41) and UnlockBatchRequestBody (UNLOCK_BATCH_MQ 42):
//   {"clientId":"192.168.1.20@12345","consumerGroup":"CG",
//    "mqSet":[{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}]}
// LockBatchResponseBody: {"lockOKMQSet":[{"brokerName":..,"queueId":0,"topic":..}]}
// GetConsumerListByGroupResponseBody (38): {"consumerIdList":["192.168.1.20@12345"]}
// ResetOffsetBody (220 request / 222 response), bean keys (F6):
//   {"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:123}}
// ResetOffsetBodyForC (what a 4.9 broker sends CPP clients instead):
//   {"offsetTable":[{"brokerName":"b","offset":123,"queueId":0,"topic":"T"}]}
// ConsumerRunningInfo (GET_CONSUMER_RUNNING_INFO 307, written by the client): properties,
//   subscriptionSet, mqTable (bean keys -> ProcessQueueInfo), statusTable, jstack.
// ConsumeMessageDirectlyResult (CONSUME_MESSAGE_DIRECTLY 309):
//   {"autoCommit":true,"consumeResult":"CR_SUCCESS","order":false,"remark":"..",
//    "spentTimeMills":3}
// 5.x adds onlyThisBroker to the lock bodies; it is ignored when read.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/bodies_common.h"
#include "protocol/bodies_heartbeat.h"

namespace orbit::protocol {

struct LockBatchRequestBody {
  std::string consumer_group;
  std::string client_id;
  std::vector<MessageQueue> mq_set;

  bool operator==(const LockBatchRequestBody&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("clientId", s.client_id);
    v("consumerGroup", s.consumer_group);
    v("mqSet", s.mq_set);
  }

  static Result<LockBatchRequestBody> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

// Same members and encoding as the lock request.
using UnlockBatchRequestBody = LockBatchRequestBody;

struct LockBatchResponseBody {
  std::vector<MessageQueue> lock_ok_mq_set;

  bool operator==(const LockBatchResponseBody&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("lockOKMQSet", s.lock_ok_mq_set);
  }

  static Result<LockBatchResponseBody> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct GetConsumerListByGroupResponseBody {
  std::vector<std::string> consumer_id_list;

  bool operator==(const GetConsumerListByGroupResponseBody&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("consumerIdList", s.consumer_id_list);
  }

  static Result<GetConsumerListByGroupResponseBody> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct ResetOffsetBody {
  std::map<MessageQueue, int64_t> offset_table;

  bool operator==(const ResetOffsetBody&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("offsetTable", s.offset_table, kHashMapOrder);
  }

  static Result<ResetOffsetBody> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct MessageQueueForC {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t offset = 0;

  bool operator==(const MessageQueueForC&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerName", s.broker_name);
    v("offset", s.offset);
    v("queueId", s.queue_id);
    v("topic", s.topic);
  }
};

struct ResetOffsetBodyForC {
  std::vector<MessageQueueForC> offset_table;

  bool operator==(const ResetOffsetBodyForC&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("offsetTable", s.offset_table);
  }

  static Result<ResetOffsetBodyForC> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct ProcessQueueInfo {
  int64_t commit_offset = 0;
  int64_t cached_msg_min_offset = 0;
  int64_t cached_msg_max_offset = 0;
  int32_t cached_msg_count = 0;
  int32_t cached_msg_size_in_mib = 0;
  int64_t transaction_msg_min_offset = 0;
  int64_t transaction_msg_max_offset = 0;
  int32_t transaction_msg_count = 0;
  bool locked = false;
  int64_t try_unlock_times = 0;
  int64_t last_lock_timestamp = 0;
  bool droped = false;  // [sic]
  int64_t last_pull_timestamp = 0;
  int64_t last_consume_timestamp = 0;

  bool operator==(const ProcessQueueInfo&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("cachedMsgCount", s.cached_msg_count);
    v("cachedMsgMaxOffset", s.cached_msg_max_offset);
    v("cachedMsgMinOffset", s.cached_msg_min_offset);
    v("cachedMsgSizeInMiB", s.cached_msg_size_in_mib);
    v("commitOffset", s.commit_offset);
    v("droped", s.droped);
    v("lastConsumeTimestamp", s.last_consume_timestamp);
    v("lastLockTimestamp", s.last_lock_timestamp);
    v("lastPullTimestamp", s.last_pull_timestamp);
    v("locked", s.locked);
    v("transactionMsgCount", s.transaction_msg_count);
    v("transactionMsgMaxOffset", s.transaction_msg_max_offset);
    v("transactionMsgMinOffset", s.transaction_msg_min_offset);
    v("tryUnlockTimes", s.try_unlock_times);
  }
};

struct ConsumeStatus {
  double pull_rt = 0;
  double pull_tps = 0;
  double consume_rt = 0;
  double consume_ok_tps = 0;
  double consume_failed_tps = 0;
  int64_t consume_failed_msgs = 0;

  bool operator==(const ConsumeStatus&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("consumeFailedMsgs", s.consume_failed_msgs);
    v("consumeFailedTPS", s.consume_failed_tps);
    v("consumeOKTPS", s.consume_ok_tps);
    v("consumeRT", s.consume_rt);
    v("pullRT", s.pull_rt);
    v("pullTPS", s.pull_tps);
  }
};

// Keys of ConsumerRunningInfo::properties set by the Java client (besides its config).
inline constexpr std::string_view kPropNamesrvAddr = "PROP_NAMESERVER_ADDR";
inline constexpr std::string_view kPropThreadPoolCoreSize = "PROP_THREADPOOL_CORE_SIZE";
inline constexpr std::string_view kPropConsumeOrderly = "PROP_CONSUMEORDERLY";
inline constexpr std::string_view kPropConsumeType = "PROP_CONSUME_TYPE";
inline constexpr std::string_view kPropClientVersion = "PROP_CLIENT_VERSION";
inline constexpr std::string_view kPropConsumerStartTimestamp = "PROP_CONSUMER_START_TIMESTAMP";

struct ConsumerRunningInfo {
  // java.util.Properties: since JDK 9 backed by a ConcurrentHashMap(8), i.e. 16 buckets.
  std::map<std::string, std::string> properties;
  std::vector<SubscriptionData> subscription_set;     // a TreeSet; order kept
  std::map<MessageQueue, ProcessQueueInfo> mq_table;  // a TreeMap
  std::map<std::string, ConsumeStatus> status_table;  // topic -> status; a TreeMap
  std::string jstack;

  bool operator==(const ConsumerRunningInfo&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("jstack", s.jstack);
    v("mqTable", s.mq_table, kTreeMapOrder);
    v("properties", s.properties, kHashMapOrder);
    v("statusTable", s.status_table, kTreeMapOrder);
    v("subscriptionSet", s.subscription_set);
  }

  static Result<ConsumerRunningInfo> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

enum class CMResult : uint8_t {
  kCrSuccess,
  kCrLater,
  kCrRollback,
  kCrCommit,
  kCrThrowException,
  kCrReturnNull,
};
template <>
struct JavaEnumTraits<CMResult> {
  static constexpr std::string_view kNames[] = {
      "CR_SUCCESS", "CR_LATER", "CR_ROLLBACK", "CR_COMMIT", "CR_THROW_EXCEPTION", "CR_RETURN_NULL"};
};

struct ConsumeMessageDirectlyResult {
  bool order = false;
  bool auto_commit = true;
  std::optional<CMResult> consume_result;
  std::string remark;
  int64_t spent_time_mills = 0;

  bool operator==(const ConsumeMessageDirectlyResult&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("autoCommit", s.auto_commit);
    v("consumeResult", s.consume_result);
    v("order", s.order);
    v("remark", s.remark);
    v("spentTimeMills", s.spent_time_mills);
  }

  static Result<ConsumeMessageDirectlyResult> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

}  // namespace orbit::protocol
