#pragma once

// Admin bodies served by the broker (json-bodies.md §6).
//
// ConsumeStats (GET_CONSUME_STATS 208), bean keys (F6):
//   {"consumeTps":1.5,"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:
//     {"brokerOffset":100,"consumerOffset":90,"lastTimestamp":1700000000000}}}
// TopicStatsTable (GET_TOPIC_STATS_INFO 202), bean keys:
//   {"offsetTable":{{..MessageQueue..}:{"lastUpdateTimestamp":..,"maxOffset":100,"minOffset":0}}}
// ConsumerConnection (GET_CONSUMER_CONNECTION_LIST 203):
//   {"connectionSet":[{"clientAddr":"..","clientId":"..","language":"JAVA","version":409}],
//    "consumeFromWhere":"..","consumeType":"..","messageModel":"..",
//    "subscriptionTable":{"TopicTest":{..SubscriptionData..}}}
// ProducerConnection (GET_PRODUCER_CONNECTION_LIST 204): {"connectionSet":[...]}
// SubscriptionGroupConfig (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP 200 body):
//   {"brokerId":0,"consumeBroadcastEnable":true,"consumeEnable":true,"consumeFromMinEnable":true,
//    "groupName":"CG","notifyConsumerIdsChangedEnable":true,"retryMaxTimes":16,
//    "retryQueueNums":1,"whichBrokerWhenConsumeSlowly":1}
// SubscriptionGroupWrapper (GET_ALL_SUBSCRIPTIONGROUP_CONFIG 201; subscriptionGroup.json):
//   {"dataVersion":{..},"subscriptionGroupTable":{"CG":{..}}}
// GroupList (QUERY_TOPIC_CONSUME_BY_WHO 300): {"groupList":["CG1","CG2"]}

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/bodies_common.h"
#include "protocol/bodies_heartbeat.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

struct OffsetWrapper {
  int64_t broker_offset = 0;    // max logical offset of the queue
  int64_t consumer_offset = 0;  // committed offset, 0 if none
  int64_t last_timestamp = 0;   // store time of message consumerOffset - 1, 0 if none

  bool operator==(const OffsetWrapper&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerOffset", s.broker_offset);
    v("consumerOffset", s.consumer_offset);
    v("lastTimestamp", s.last_timestamp);
  }
};

struct ConsumeStats {
  std::map<MessageQueue, OffsetWrapper> offset_table;
  double consume_tps = 0;

  bool operator==(const ConsumeStats&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("consumeTps", s.consume_tps);
    v("offsetTable", s.offset_table, kHashMapOrder);
  }

  static Result<ConsumeStats> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct TopicOffset {
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  int64_t last_update_timestamp = 0;  // store time of message maxOffset - 1, 0 if empty

  bool operator==(const TopicOffset&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("lastUpdateTimestamp", s.last_update_timestamp);
    v("maxOffset", s.max_offset);
    v("minOffset", s.min_offset);
  }
};

// One entry per write queue.
struct TopicStatsTable {
  std::map<MessageQueue, TopicOffset> offset_table;

  bool operator==(const TopicStatsTable&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("offsetTable", s.offset_table, kHashMapOrder);
  }

  static Result<TopicStatsTable> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

// A client connection as the broker saw it: clientAddr is the remote socket address, language
// and version those of the client's HEART_BEAT request.
struct Connection {
  std::string client_id;
  std::string client_addr;
  std::optional<LanguageCode> language;
  int32_t version = 0;

  bool operator==(const Connection&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("clientAddr", s.client_addr);
    v("clientId", s.client_id);
    v("language", s.language);
    v("version", s.version);
  }
};

struct ConsumerConnection {
  std::vector<Connection> connection_set;
  std::map<std::string, SubscriptionData> subscription_table;  // topic -> subscription
  std::optional<ConsumeType> consume_type;
  std::optional<MessageModel> message_model;
  std::optional<ConsumeFromWhere> consume_from_where;

  bool operator==(const ConsumerConnection&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("connectionSet", s.connection_set);
    v("consumeFromWhere", s.consume_from_where);
    v("consumeType", s.consume_type);
    v("messageModel", s.message_model);
    v("subscriptionTable", s.subscription_table, kHashMapOrder);
  }

  static Result<ConsumerConnection> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct ProducerConnection {
  std::vector<Connection> connection_set;

  bool operator==(const ProducerConnection&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("connectionSet", s.connection_set);
  }

  static Result<ProducerConnection> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

// Defaults are those of `new SubscriptionGroupConfig()`.
struct SubscriptionGroupConfig {
  std::string group_name;
  bool consume_enable = true;
  bool consume_from_min_enable = true;
  bool consume_broadcast_enable = true;
  int32_t retry_queue_nums = 1;
  int32_t retry_max_times = 16;
  int64_t broker_id = 0;
  int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;

  bool operator==(const SubscriptionGroupConfig&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerId", s.broker_id);
    v("consumeBroadcastEnable", s.consume_broadcast_enable);
    v("consumeEnable", s.consume_enable);
    v("consumeFromMinEnable", s.consume_from_min_enable);
    v("groupName", s.group_name);
    v("notifyConsumerIdsChangedEnable", s.notify_consumer_ids_changed_enable);
    v("retryMaxTimes", s.retry_max_times);
    v("retryQueueNums", s.retry_queue_nums);
    v("whichBrokerWhenConsumeSlowly", s.which_broker_when_consume_slowly);
  }

  static Result<SubscriptionGroupConfig> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct SubscriptionGroupWrapper {
  std::map<std::string, SubscriptionGroupConfig> subscription_group_table;
  DataVersion data_version;

  bool operator==(const SubscriptionGroupWrapper&) const = default;

  // SubscriptionGroupManager's table: new ConcurrentHashMap<>(1024), 2048 buckets.
  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("dataVersion", s.data_version);
    v("subscriptionGroupTable", s.subscription_group_table,
      MapOrder{MapOrder::Kind::kJavaHash, 2048});
  }

  static Result<SubscriptionGroupWrapper> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
  // subscriptionGroup.json as the broker writes it (TAB-indented).
  std::string EncodePretty() const;
};

struct GroupList {
  std::vector<std::string> group_list;  // a Java HashSet; order kept as given

  bool operator==(const GroupList&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("groupList", s.group_list);
  }

  static Result<GroupList> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

}  // namespace orbit::protocol
