#pragma once

// Typed custom headers of consumer management (shared/protocol/headers.md §3):
// CONSUMER_SEND_MSG_BACK (36), GET_CONSUMER_LIST_BY_GROUP (38), UNREGISTER_CLIENT (35),
// NOTIFY_CONSUMER_IDS_CHANGED (40), GET_CONSUMER_RUNNING_INFO (307), CONSUME_MESSAGE_DIRECTLY
// (309), RESET_CONSUMER_CLIENT_OFFSET / INVOKE_BROKER_TO_RESET_OFFSET (220/222),
// GET_CONSUMER_STATUS_FROM_CLIENT / INVOKE_BROKER_TO_GET_CONSUMER_STATUS (221/223).
// Decode/Encode contract: see protocol/headers.h.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

// ConsumerSendMsgBackRequestHeader (36); extends RpcRequestHeader. The response has no header.
struct ConsumerSendMsgBackRequestHeader {
  int64_t offset = 0;  // commit-log physical offset of the message returned
  std::string group;
  int32_t delay_level = 0;  // 0: broker picks 3 + reconsumeTimes; -1: DLQ; >0: that level
  std::optional<std::string> origin_msg_id;
  std::optional<std::string> origin_topic;
  std::optional<bool> unit_mode = false;  // Java: boolean, default false
  std::optional<int32_t> max_reconsume_times;
  std::optional<std::string> bname;

  static Result<ConsumerSendMsgBackRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ConsumerSendMsgBackRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("offset", h.offset);
    v("group", h.group);
    v("delayLevel", h.delay_level);
    v("originMsgId", h.origin_msg_id);
    v("originTopic", h.origin_topic);
    v("unitMode", h.unit_mode);
    v("maxReconsumeTimes", h.max_reconsume_times);
    v("bname", h.bname);
  }
};

// GetConsumerListByGroupRequestHeader (38). The response has no header; the body is
// {"consumerIdList":[...]}.
struct GetConsumerListByGroupRequestHeader {
  std::string consumer_group;

  static Result<GetConsumerListByGroupRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetConsumerListByGroupRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
  }
};

// UnregisterClientRequestHeader (35). Note the key "clientID" (capital ID).
struct UnregisterClientRequestHeader {
  std::string client_id;
  std::optional<std::string> producer_group;
  std::optional<std::string> consumer_group;

  static Result<UnregisterClientRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const UnregisterClientRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("clientID", h.client_id);
    v("producerGroup", h.producer_group);
    v("consumerGroup", h.consumer_group);
  }
};

// NotifyConsumerIdsChangedRequestHeader (40, broker -> client, oneway).
struct NotifyConsumerIdsChangedRequestHeader {
  std::string consumer_group;

  static Result<NotifyConsumerIdsChangedRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const NotifyConsumerIdsChangedRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
  }
};

// GetConsumerRunningInfoRequestHeader (307). Note the key "clientId" (lower-case d) here.
struct GetConsumerRunningInfoRequestHeader {
  std::string consumer_group;
  std::string client_id;
  std::optional<bool> jstack_enable = false;  // Java: boolean

  static Result<GetConsumerRunningInfoRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetConsumerRunningInfoRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
    v("clientId", h.client_id);
    v("jstackEnable", h.jstack_enable);
  }
};

// ConsumeMessageDirectlyResultRequestHeader (309).
struct ConsumeMessageDirectlyResultRequestHeader {
  std::string consumer_group;
  std::optional<std::string> client_id;
  std::optional<std::string> msg_id;
  std::optional<std::string> broker_name;

  static Result<ConsumeMessageDirectlyResultRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ConsumeMessageDirectlyResultRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
    v("clientId", h.client_id);
    v("msgId", h.msg_id);
    v("brokerName", h.broker_name);
  }
};

// ResetOffsetRequestHeader (220, 222).
struct ResetOffsetRequestHeader {
  std::string topic;
  std::string group;
  int64_t timestamp = 0;  // ms
  bool is_force = false;

  static Result<ResetOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ResetOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("group", h.group);
    v("timestamp", h.timestamp);
    v("isForce", h.is_force);
  }
};

// GetConsumerStatusRequestHeader (221, 223).
struct GetConsumerStatusRequestHeader {
  std::string topic;
  std::string group;
  std::optional<std::string> client_addr;

  static Result<GetConsumerStatusRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetConsumerStatusRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("group", h.group);
    v("clientAddr", h.client_addr);
  }
};

}  // namespace orbit::protocol
