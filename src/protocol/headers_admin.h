#pragma once

// Typed custom headers of broker administration (shared/protocol/headers.md §7): topic and
// subscription-group management, stats and consume-progress queries used by mqadmin.
// Decode/Encode contract: see protocol/headers.h.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

// CreateTopicRequestHeader (UPDATE_AND_CREATE_TOPIC 17).
struct CreateTopicRequestHeader {
  std::string topic;
  std::string default_topic;  // mqadmin sends "TBW102"
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 6;               // PermName bits, 6 = read|write
  std::string topic_filter_type;  // "SINGLE_TAG" or "MULTI_TAG"
  std::optional<int32_t> topic_sys_flag;
  bool order = false;  // required (Java: Boolean = false); not applied by 4.9 brokers
  std::optional<std::string> attributes;  // 5.x
  std::optional<bool> force;              // 5.x

  static Result<CreateTopicRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const CreateTopicRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("defaultTopic", h.default_topic);
    v("readQueueNums", h.read_queue_nums);
    v("writeQueueNums", h.write_queue_nums);
    v("perm", h.perm);
    v("topicFilterType", h.topic_filter_type);
    v("topicSysFlag", h.topic_sys_flag);
    v("order", h.order);
    v("attributes", h.attributes);
    v("force", h.force);
  }
};

// DeleteTopicRequestHeader (DELETE_TOPIC_IN_BROKER 215).
struct DeleteTopicRequestHeader {
  std::string topic;

  static Result<DeleteTopicRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const DeleteTopicRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
  }
};

// GetTopicStatsInfoRequestHeader (202).
struct GetTopicStatsInfoRequestHeader {
  std::string topic;

  static Result<GetTopicStatsInfoRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetTopicStatsInfoRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
  }
};

// GetConsumeStatsRequestHeader (208). An absent or blank topic means every topic the group has
// offsets for.
struct GetConsumeStatsRequestHeader {
  std::string consumer_group;
  std::optional<std::string> topic;

  static Result<GetConsumeStatsRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetConsumeStatsRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
    v("topic", h.topic);
  }
};

// GetConsumerConnectionListRequestHeader (203).
struct GetConsumerConnectionListRequestHeader {
  std::string consumer_group;

  static Result<GetConsumerConnectionListRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetConsumerConnectionListRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
  }
};

// GetProducerConnectionListRequestHeader (204).
struct GetProducerConnectionListRequestHeader {
  std::string producer_group;

  static Result<GetProducerConnectionListRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetProducerConnectionListRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("producerGroup", h.producer_group);
  }
};

// QueryTopicConsumeByWhoRequestHeader (300).
struct QueryTopicConsumeByWhoRequestHeader {
  std::string topic;

  static Result<QueryTopicConsumeByWhoRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryTopicConsumeByWhoRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
  }
};

// DeleteSubscriptionGroupRequestHeader (DELETE_SUBSCRIPTIONGROUP 207).
struct DeleteSubscriptionGroupRequestHeader {
  std::string group_name;
  std::optional<bool> remove_offset = false;  // Java: boolean

  static Result<DeleteSubscriptionGroupRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const DeleteSubscriptionGroupRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("groupName", h.group_name);
    v("removeOffset", h.remove_offset);
  }
};

// GetConsumeStatsInBrokerHeader (GET_BROKER_CONSUME_STATS 317).
struct GetConsumeStatsInBrokerHeader {
  bool is_order = false;

  static Result<GetConsumeStatsInBrokerHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetConsumeStatsInBrokerHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("isOrder", h.is_order);
  }
};

// QueryConsumeTimeSpanRequestHeader (303).
struct QueryConsumeTimeSpanRequestHeader {
  std::string topic;
  std::string group;

  static Result<QueryConsumeTimeSpanRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryConsumeTimeSpanRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("group", h.group);
  }
};

// CloneGroupOffsetRequestHeader (314).
struct CloneGroupOffsetRequestHeader {
  std::string src_group;
  std::string dest_group;
  std::optional<std::string> topic;
  std::optional<bool> offline = false;  // Java: boolean

  static Result<CloneGroupOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const CloneGroupOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("srcGroup", h.src_group);
    v("destGroup", h.dest_group);
    v("topic", h.topic);
    v("offline", h.offline);
  }
};

// ViewBrokerStatsDataRequestHeader (315).
struct ViewBrokerStatsDataRequestHeader {
  std::string stats_name;
  std::string stats_key;

  static Result<ViewBrokerStatsDataRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ViewBrokerStatsDataRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("statsName", h.stats_name);
    v("statsKey", h.stats_key);
  }
};

// QueryConsumeQueueRequestHeader (321). Java declares no field required; the numbers are
// primitives (always sent, 0 when unset).
struct QueryConsumeQueueRequestHeader {
  std::optional<std::string> topic;
  std::optional<int32_t> queue_id = 0;
  std::optional<int64_t> index = 0;
  std::optional<int32_t> count = 0;
  std::optional<std::string> consumer_group;

  static Result<QueryConsumeQueueRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryConsumeQueueRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("index", h.index);
    v("count", h.count);
    v("consumerGroup", h.consumer_group);
  }
};

// ResumeCheckHalfMessageRequestHeader (323).
struct ResumeCheckHalfMessageRequestHeader {
  std::optional<std::string> msg_id;

  static Result<ResumeCheckHalfMessageRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ResumeCheckHalfMessageRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("msgId", h.msg_id);
  }
};

// GetBrokerConfigResponseHeader (GET_BROKER_CONFIG 26); the body is the properties text.
struct GetBrokerConfigResponseHeader {
  std::string version;  // DataVersion JSON of the broker config

  static Result<GetBrokerConfigResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetBrokerConfigResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("version", h.version);
  }
};

}  // namespace orbit::protocol
