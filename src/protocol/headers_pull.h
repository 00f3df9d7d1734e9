#pragma once

// Typed custom headers of pulling and queue offsets (shared/protocol/headers.md §2):
// PULL_MESSAGE (11), QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15),
// SEARCH_OFFSET_BY_TIMESTAMP (29), GET_MAX_OFFSET (30), GET_MIN_OFFSET (31),
// GET_EARLIEST_MSG_STORETIME (32). All requests here extend RpcRequestHeader (optional bname).
// Decode/Encode contract: see protocol/headers.h.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

// PullMessageRequestHeader (11).
struct PullMessageRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;  // first logical offset wanted
  int32_t max_msg_nums = 32;
  int32_t sys_flag = 0;       // PullSysFlag bits (consumer.md §2)
  int64_t commit_offset = 0;  // piggy-backed commit, used when sys_flag bit 0 is set
  int64_t suspend_timeout_millis = 0;
  std::optional<std::string> subscription;  // only when sys_flag bit 2 is set
  int64_t sub_version = 0;
  std::optional<std::string> expression_type;  // "TAG" (default) or "SQL92"
  std::optional<std::string> bname;

  static Result<PullMessageRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const PullMessageRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("queueOffset", h.queue_offset);
    v("maxMsgNums", h.max_msg_nums);
    v("sysFlag", h.sys_flag);
    v("commitOffset", h.commit_offset);
    v("suspendTimeoutMillis", h.suspend_timeout_millis);
    v("subscription", h.subscription);
    v("subVersion", h.sub_version);
    v("expressionType", h.expression_type);
    v("bname", h.bname);
  }
};

// PullMessageResponseHeader (also sent with PULL_NOT_FOUND / RETRY_IMMEDIATELY / OFFSET_MOVED).
struct PullMessageResponseHeader {
  int64_t suggest_which_broker_id = 0;  // 0 = master
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;  // next offset to be written

  static Result<PullMessageResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const PullMessageResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("suggestWhichBrokerId", h.suggest_which_broker_id);
    v("nextBeginOffset", h.next_begin_offset);
    v("minOffset", h.min_offset);
    v("maxOffset", h.max_offset);
  }
};

// QueryConsumerOffsetRequestHeader (14).
struct QueryConsumerOffsetRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;
  std::optional<bool> set_zero_if_not_found;  // 5.x
  std::optional<std::string> bname;

  static Result<QueryConsumerOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryConsumerOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("setZeroIfNotFound", h.set_zero_if_not_found);
    v("bname", h.bname);
  }
};

// QueryConsumerOffsetResponseHeader (14).
struct QueryConsumerOffsetResponseHeader {
  int64_t offset = 0;

  static Result<QueryConsumerOffsetResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryConsumerOffsetResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("offset", h.offset);
  }
};

// UpdateConsumerOffsetRequestHeader (15). The response has no header.
struct UpdateConsumerOffsetRequestHeader {
  std::string consumer_group;
  std::string topic;
  int32_t queue_id = 0;
  int64_t commit_offset = 0;
  std::optional<std::string> bname;

  static Result<UpdateConsumerOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const UpdateConsumerOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("consumerGroup", h.consumer_group);
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("commitOffset", h.commit_offset);
    v("bname", h.bname);
  }
};

// GetMaxOffsetRequestHeader (30).
struct GetMaxOffsetRequestHeader {
  std::string topic;
  int32_t queue_id = 0;
  std::optional<bool> committed;  // 5.x
  std::optional<std::string> bname;

  static Result<GetMaxOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetMaxOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("committed", h.committed);
    v("bname", h.bname);
  }
};

// GetMaxOffsetResponseHeader (30).
struct GetMaxOffsetResponseHeader {
  int64_t offset = 0;

  static Result<GetMaxOffsetResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetMaxOffsetResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("offset", h.offset);
  }
};

// GetMinOffsetRequestHeader (31).
struct GetMinOffsetRequestHeader {
  std::string topic;
  int32_t queue_id = 0;
  std::optional<std::string> bname;

  static Result<GetMinOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetMinOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("bname", h.bname);
  }
};

// GetMinOffsetResponseHeader (31).
struct GetMinOffsetResponseHeader {
  int64_t offset = 0;

  static Result<GetMinOffsetResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetMinOffsetResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("offset", h.offset);
  }
};

// GetEarliestMsgStoretimeRequestHeader (32).
struct GetEarliestMsgStoretimeRequestHeader {
  std::string topic;
  int32_t queue_id = 0;
  std::optional<std::string> bname;

  static Result<GetEarliestMsgStoretimeRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetEarliestMsgStoretimeRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("bname", h.bname);
  }
};

// GetEarliestMsgStoretimeResponseHeader (32).
struct GetEarliestMsgStoretimeResponseHeader {
  int64_t timestamp = 0;  // ms

  static Result<GetEarliestMsgStoretimeResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetEarliestMsgStoretimeResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("timestamp", h.timestamp);
  }
};

// SearchOffsetRequestHeader (29).
struct SearchOffsetRequestHeader {
  std::string topic;
  int32_t queue_id = 0;
  int64_t timestamp = 0;                     // ms
  std::optional<std::string> boundary_type;  // 5.x: "lower" / "upper"
  std::optional<std::string> bname;

  static Result<SearchOffsetRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const SearchOffsetRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("queueId", h.queue_id);
    v("timestamp", h.timestamp);
    v("boundaryType", h.boundary_type);
    v("bname", h.bname);
  }
};

// SearchOffsetResponseHeader (29).
struct SearchOffsetResponseHeader {
  int64_t offset = 0;

  static Result<SearchOffsetResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const SearchOffsetResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("offset", h.offset);
  }
};

}  // namespace orbit::protocol
