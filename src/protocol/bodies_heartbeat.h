#pragma once

// Client registration bodies (json-bodies.md §2, §5.4): HEART_BEAT (34) and
// CHECK_CLIENT_CONFIG (46). Member order below is the order on the wire. Example:
//
//   {"clientID":"192.168.1.20@12345",
//    "consumerDataSet":[{"consumeFromWhere":"CONSUME_FROM_LAST_OFFSET",
//      "consumeType":"CONSUME_PASSIVELY","groupName":"CG","messageModel":"CLUSTERING",
//      "subscriptionDataSet":[{"classFilterMode":false,"codeSet":[2598919,2598920],
//        "expressionType":"TAG","subString":"TagA || TagB","subVersion":1700000000123,
//        "tagsSet":["TagA","TagB"],"topic":"TopicTest"}],
//      "unitMode":false}],
//    "producerDataSet":[{"groupName":"PG"}]}
//
// Java keeps the sets in HashSets; the vectors here keep the order received. 5.x additions
// (heartbeatFingerprint, withoutSub) are ignored when read.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/bodies_common.h"

namespace orbit::protocol {

// Values are Java ordinals.
enum class ConsumeType : uint8_t { kConsumeActively, kConsumePassively, kConsumePop };
enum class MessageModel : uint8_t { kBroadcasting, kClustering };
enum class ConsumeFromWhere : uint8_t {
  kConsumeFromLastOffset,
  kConsumeFromLastOffsetAndFromMinWhenBootFirst,  // deprecated
  kConsumeFromMinOffset,                          // deprecated
  kConsumeFromMaxOffset,                          // deprecated
  kConsumeFromFirstOffset,
  kConsumeFromTimestamp,
};

template <>
struct JavaEnumTraits<ConsumeType> {
  // CONSUME_POP is 5.x.
  static constexpr std::string_view kNames[] = {"CONSUME_ACTIVELY", "CONSUME_PASSIVELY",
                                                "CONSUME_POP"};
};
template <>
struct JavaEnumTraits<MessageModel> {
  static constexpr std::string_view kNames[] = {"BROADCASTING", "CLUSTERING"};
};
template <>
struct JavaEnumTraits<ConsumeFromWhere> {
  static constexpr std::string_view kNames[] = {
      "CONSUME_FROM_LAST_OFFSET",  "CONSUME_FROM_LAST_OFFSET_AND_FROM_MIN_WHEN_BOOT_FIRST",
      "CONSUME_FROM_MIN_OFFSET",   "CONSUME_FROM_MAX_OFFSET",
      "CONSUME_FROM_FIRST_OFFSET", "CONSUME_FROM_TIMESTAMP"};
};

// expressionType values.
inline constexpr std::string_view kExpressionTypeTag = "TAG";
inline constexpr std::string_view kExpressionTypeSql92 = "SQL92";

struct SubscriptionData {
  bool class_filter_mode = false;
  std::string topic;
  std::string sub_string;             // "*", "TagA || TagB" or SQL92 text
  std::vector<std::string> tags_set;  // trimmed tags; empty for "*"
  std::vector<int32_t> code_set;      // JavaStringHash of each tag
  int64_t sub_version = 0;            // ms timestamp, bumped on every rebalance change
  std::string expression_type = std::string(kExpressionTypeTag);

  bool operator==(const SubscriptionData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("classFilterMode", s.class_filter_mode);
    v("codeSet", s.code_set);
    v("expressionType", s.expression_type);
    v("subString", s.sub_string);
    v("subVersion", s.sub_version);
    v("tagsSet", s.tags_set);
    v("topic", s.topic);
  }
};

struct ProducerData {
  std::string group_name;

  bool operator==(const ProducerData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("groupName", s.group_name);
  }
};

struct ConsumerData {
  std::string group_name;
  std::optional<ConsumeType> consume_type;
  std::optional<MessageModel> message_model;
  std::optional<ConsumeFromWhere> consume_from_where;
  std::vector<SubscriptionData> subscription_data_set;
  bool unit_mode = false;

  bool operator==(const ConsumerData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("consumeFromWhere", s.consume_from_where);
    v("consumeType", s.consume_type);
    v("groupName", s.group_name);
    v("messageModel", s.message_model);
    v("subscriptionDataSet", s.subscription_data_set);
    v("unitMode", s.unit_mode);
  }
};

struct HeartbeatData {
  std::string client_id;  // "clientID" on the wire
  std::vector<ProducerData> producer_data_set;
  std::vector<ConsumerData> consumer_data_set;

  bool operator==(const HeartbeatData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("clientID", s.client_id);
    v("consumerDataSet", s.consumer_data_set);
    v("producerDataSet", s.producer_data_set);
  }

  static Result<HeartbeatData> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

// CHECK_CLIENT_CONFIG (46) request body.
struct CheckClientRequestBody {
  std::string client_id;
  std::string group;
  std::optional<SubscriptionData> subscription_data;

  bool operator==(const CheckClientRequestBody&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("clientId", s.client_id);
    v("group", s.group);
    v("subscriptionData", s.subscription_data);
  }

  static Result<CheckClientRequestBody> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

}  // namespace orbit::protocol
