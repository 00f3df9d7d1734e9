#pragma once

// Typed custom headers of transactions and message queries (shared/protocol/headers.md §4, §5):
// END_TRANSACTION (37), CHECK_TRANSACTION_STATE (39), QUERY_MESSAGE (12),
// VIEW_MESSAGE_BY_ID (33). Decode/Encode contract: see protocol/headers.h.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

// EndTransactionRequestHeader (37, oneway); extends RpcRequestHeader. The request remark may
// carry the text of the local transaction's exception.
struct EndTransactionRequestHeader {
  std::string producer_group;           // must equal the half message's PGROUP property
  int64_t tran_state_table_offset = 0;  // queue offset of the half message
  int64_t commit_log_offset = 0;        // physical offset of the half message
  int32_t commit_or_rollback = 0;       // 0 unknown, 8 commit, 12 rollback
  std::optional<bool> from_transaction_check = false;  // Java: Boolean, default false
  std::string msg_id;                                  // client msgId (UNIQ_KEY)
  std::optional<std::string> transaction_id;
  std::optional<std::string> topic;  // 5.x
  std::optional<std::string> bname;

  static Result<EndTransactionRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const EndTransactionRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("producerGroup", h.producer_group);
    v("tranStateTableOffset", h.tran_state_table_offset);
    v("commitLogOffset", h.commit_log_offset);
    v("commitOrRollback", h.commit_or_rollback);
    v("fromTransactionCheck", h.from_transaction_check);
    v("msgId", h.msg_id);
    v("transactionId", h.transaction_id);
    v("topic", h.topic);
    v("bname", h.bname);
  }
};

// CheckTransactionStateRequestHeader (39, broker -> producer, oneway); the body is the half
// message.
struct CheckTransactionStateRequestHeader {
  int64_t tran_state_table_offset = 0;  // of the re-written half message
  int64_t commit_log_offset = 0;
  std::optional<std::string> msg_id;          // UNIQ_KEY
  std::optional<std::string> transaction_id;  // = msg_id
  std::optional<std::string> offset_msg_id;
  std::optional<std::string> topic;  // 5.x
  std::optional<std::string> bname;

  static Result<CheckTransactionStateRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const CheckTransactionStateRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("tranStateTableOffset", h.tran_state_table_offset);
    v("commitLogOffset", h.commit_log_offset);
    v("msgId", h.msg_id);
    v("transactionId", h.transaction_id);
    v("offsetMsgId", h.offset_msg_id);
    v("topic", h.topic);
    v("bname", h.bname);
  }
};

// CheckTransactionStateResponseHeader: defined by Java but never sent (the producer answers a
// check with a new END_TRANSACTION request). Kept for completeness.
struct CheckTransactionStateResponseHeader {
  std::string producer_group;
  int64_t tran_state_table_offset = 0;
  int64_t commit_log_offset = 0;
  int32_t commit_or_rollback = 0;

  static Result<CheckTransactionStateResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const CheckTransactionStateResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("producerGroup", h.producer_group);
    v("tranStateTableOffset", h.tran_state_table_offset);
    v("commitLogOffset", h.commit_log_offset);
    v("commitOrRollback", h.commit_or_rollback);
  }
};

// QueryMessageRequestHeader (12). The Java client also sends the extField _UNIQUE_KEY_QUERY
// ("true"/"false"), which is not a field of this header: read it from extFields directly.
struct QueryMessageRequestHeader {
  std::string topic;
  std::string key;  // message key or UNIQ_KEY
  int32_t max_num = 0;
  int64_t begin_timestamp = 0;  // ms
  int64_t end_timestamp = 0;    // ms

  static Result<QueryMessageRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryMessageRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("key", h.key);
    v("maxNum", h.max_num);
    v("beginTimestamp", h.begin_timestamp);
    v("endTimestamp", h.end_timestamp);
  }
};

// QueryMessageResponseHeader (12).
struct QueryMessageResponseHeader {
  int64_t index_last_update_timestamp = 0;
  int64_t index_last_update_phyoffset = 0;

  static Result<QueryMessageResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryMessageResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("indexLastUpdateTimestamp", h.index_last_update_timestamp);
    v("indexLastUpdatePhyoffset", h.index_last_update_phyoffset);
  }
};

// ViewMessageRequestHeader (33). The response has no header.
struct ViewMessageRequestHeader {
  int64_t offset = 0;                // commit-log physical offset
  std::optional<std::string> topic;  // 5.x

  static Result<ViewMessageRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const ViewMessageRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("offset", h.offset);
    v("topic", h.topic);
  }
};

}  // namespace orbit::protocol
