// The check-back half of TransactionService (transaction_service.h): one pass over the half
// queues as TransactionalMessageServiceImpl.check, the check request as
// AbstractTransactionalMessageCheckListener.sendCheckMessage, and the discard as
// DefaultTransactionalMessageCheckListener.resolveDiscardMsg.
//
// Threads: the check thread (or a test calling Check()).

#include <algorithm>
#include <charconv>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/transaction_service.h"
#include "protocol/codes.h"
#include "protocol/headers_transaction.h"
#include "protocol/message_id.h"

namespace orbit::broker {
namespace {

// TransactionalMessageServiceImpl.MAX_QUEUE_PROCESS_TIME: a pass's budget per queue.
constexpr int64_t kMaxQueueProcessMillis = 60000;
// fillOpRemoveMap reads op records 32 at a time.
constexpr int32_t kOpPullBatch = 32;
// getMessageNullCount's limit (MAX_RETRY_COUNT_WHEN_HALF_NULL).
constexpr int kMaxRetryWhenHalfNull = 1;

// Long.valueOf / Integer.valueOf, or -1 when the text is not a number (Apache's getLong/getInt).
template <typename T>
T ParseOr(std::string_view text, T fallback) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  T v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  return ec == std::errc() && end == text.data() + text.size() && !text.empty() ? v : fallback;
}

}  // namespace

void TransactionService::Check() {
  const BrokerConfig& config = broker_.config();
  passes_.fetch_add(1);
  auto topic = broker_.topics().CreateTopicInSendMessageBackMethod(
      kTransHalfTopic, 1, protocol::kPermWrite | protocol::kPermRead, 0);
  if (!topic.ok()) {
    ORBIT_LOG_WARN("transaction check: no topic {}: {}", kTransHalfTopic, topic.status().message());
    return;
  }
  for (int32_t q = 0; q < topic->read_queue_nums && !stopping_.load(); ++q) {
    CheckQueue(q, config.transaction_timeout, config.transaction_check_max);
  }
}

int64_t TransactionService::FetchConsumeOffset(std::string_view topic, int32_t queue_id) const {
  int64_t offset = broker_.offsets().Query(kTransactionConsumerGroup, topic, queue_id);
  return offset == -1 ? broker_.store().GetMinOffsetInQueue(topic, queue_id) : offset;
}

void TransactionService::CheckQueue(int32_t queue_id, int64_t timeout_ms, int32_t check_max) {
  const Clock& clock = broker_.clock();
  const int64_t start = clock.NowMillis();
  const int64_t half_offset = FetchConsumeOffset(kTransHalfTopic, queue_id);
  const int64_t op_offset = FetchConsumeOffset(kTransOpHalfTopic, queue_id);
  if (half_offset < 0 || op_offset < 0) return;
  OpScan ops;
  ops.base = ops.next = op_offset;
  ops.min_half = half_offset;
  FillOps(queue_id, &ops);

  int null_count = 1;
  int64_t i = half_offset;
  int64_t new_offset = half_offset;
  while (!stopping_.load() && clock.NowMillis() - start <= kMaxQueueProcessMillis) {
    if (auto done = ops.remove.find(i); done != ops.remove.end()) {
      ops.done.push_back(done->second);
      ops.remove.erase(done);
      new_offset = ++i;
      continue;
    }
    HalfRead read = GetHalf(queue_id, i);
    if (!read.msg) {
      if (null_count++ > kMaxRetryWhenHalfNull) break;
      if (read.status == store::GetStatus::kNoMessageInQueue ||
          read.status == store::GetStatus::kOffsetOverflowOne) {
        break;  // no new message
      }
      new_offset = i = read.next_begin_offset;
      continue;
    }
    protocol::MessageRecord& msg = *read.msg;
    if (NeedDiscard(&msg, check_max) || NeedSkip(msg)) {
      ResolveDiscard(msg);
      new_offset = ++i;
      continue;
    }
    if (msg.store_timestamp >= start) break;  // stored during this pass: next pass

    const int64_t age = clock.NowMillis() - msg.born_timestamp;
    int64_t immunity = timeout_ms;
    if (const std::string* s = msg.properties.Find(protocol::kPropertyCheckImmunityTimeInSeconds)) {
      int64_t seconds = ParseOr<int64_t>(*s, -1);
      immunity = seconds == -1 ? timeout_ms : seconds * 1000;
      if (age < immunity && CheckPrepareQueueOffset(&ops, msg)) {
        new_offset = ++i;
        continue;
      }
    } else if (age >= 0 && age < immunity) {
      break;  // the first message still within the timeout: so are the ones after it
    }
    if (!ops.exhausted) {
      // Apache decides only once the op queue is read to its end: an op record for this half
      // message may be further on.
      FillOps(queue_id, &ops);
      continue;
    }
    if (!(age > immunity || age <= -1)) break;
    if (!PutBack(&msg)) break;
    SendCheckMessage(std::move(msg));
    new_offset = ++i;
  }

  if (new_offset != half_offset) {
    broker_.offsets().Commit(kTransactionConsumerGroup, kTransHalfTopic, queue_id, new_offset);
  }
  // calculateOpOffset: past the op records done with, while they are contiguous.
  std::sort(ops.done.begin(), ops.done.end());
  int64_t new_op = ops.base;
  for (int64_t done : ops.done) {
    if (done != new_op) break;
    ++new_op;
  }
  if (new_op != ops.base) {
    broker_.offsets().Commit(kTransactionConsumerGroup, kTransOpHalfTopic, queue_id, new_op);
  }
}

void TransactionService::FillOps(int32_t queue_id, OpScan* ops) {
  store::GetResult r =
      broker_.store().GetMessage(kTransOpHalfTopic, queue_id, ops->next, kOpPullBatch);
  switch (r.status) {
    case store::GetStatus::kFound:
      break;
    case store::GetStatus::kNoMessageInQueue:
    case store::GetStatus::kOffsetOverflowOne:
      ops->exhausted = true;
      return;
    default:
      // An offset outside the op queue (or no queue yet): Apache moves the op offset to where the
      // store says reading can begin and checks without further op records.
      if (r.status != store::GetStatus::kNoMatchedLogicQueue) {
        ORBIT_LOG_WARN("transaction check: op queue {} offset {} is illegal ({}), moved to {}",
                       queue_id, ops->next, store::GetStatusName(r.status), r.next_begin_offset);
      }
      if (broker_.offsets().Query(kTransactionConsumerGroup, kTransOpHalfTopic, queue_id) !=
          r.next_begin_offset) {
        broker_.offsets().Commit(kTransactionConsumerGroup, kTransOpHalfTopic, queue_id,
                                 r.next_begin_offset);
      }
      ops->base = ops->next = r.next_begin_offset;
      ops->exhausted = true;
      return;
  }
  ops->next = r.next_begin_offset;
  if (r.messages.empty()) ops->exhausted = true;
  for (size_t k = 0; k < r.messages.size(); ++k) {
    auto op = protocol::DecodeRecord(r.messages[k].view());
    if (!op.ok()) {
      ORBIT_LOG_ERROR("transaction check: unreadable op record: {}", op.status().message());
      continue;
    }
    if (op->properties.Get(protocol::kPropertyTags) != kTransactionRemoveTag) {
      ORBIT_LOG_ERROR("transaction check: op record at queue offset {} has tags '{}', not 'd'",
                      r.queue_offsets[k], op->properties.Get(protocol::kPropertyTags));
      continue;
    }
    int64_t half = ParseOr<int64_t>(op->body, -1);
    if (half < ops->min_half) {
      ops->done.push_back(r.queue_offsets[k]);
    } else {
      ops->remove[half] = r.queue_offsets[k];
    }
  }
}

TransactionService::HalfRead TransactionService::GetHalf(int32_t queue_id,
                                                         int64_t queue_offset) const {
  HalfRead out;
  store::GetResult r = broker_.store().GetMessage(kTransHalfTopic, queue_id, queue_offset, 1);
  out.status = r.status;
  out.next_begin_offset = r.next_begin_offset;
  if (r.status != store::GetStatus::kFound || r.messages.empty()) return out;
  auto rec = protocol::DecodeRecord(r.messages[0].view());
  if (!rec.ok()) {
    ORBIT_LOG_ERROR("transaction check: unreadable half record at queue offset {}: {}",
                    queue_offset, rec.status().message());
    out.status = store::GetStatus::kMessageWasRemoving;  // skipped as an illegal offset
    return out;
  }
  out.msg = std::move(*rec);
  return out;
}

bool TransactionService::NeedDiscard(protocol::MessageRecord* msg, int32_t check_max) const {
  int32_t times = 1;
  if (const std::string* s = msg->properties.Find(protocol::kPropertyTransactionCheckTimes)) {
    times = ParseOr<int32_t>(*s, -1);
    if (times >= check_max) return true;
    ++times;
  }
  msg->properties.Set(protocol::kPropertyTransactionCheckTimes, std::to_string(times));
  return false;
}

bool TransactionService::NeedSkip(const protocol::MessageRecord& msg) const {
  int64_t reserved_ms = int64_t{broker_.store().config().file_reserved_time} * 3600 * 1000;
  return broker_.clock().NowMillis() - msg.born_timestamp > reserved_ms;
}

bool TransactionService::CheckPrepareQueueOffset(OpScan* ops, const protocol::MessageRecord& msg) {
  const std::string* prepared =
      msg.properties.Find(protocol::kPropertyTransactionPreparedQueueOffset);
  if (prepared == nullptr) return PutImmunityBack(msg);
  int64_t offset = ParseOr<int64_t>(*prepared, -1);
  if (offset == -1) return false;
  if (auto done = ops->remove.find(offset); done != ops->remove.end()) {
    ops->done.push_back(done->second);
    ops->remove.erase(done);
    return true;
  }
  return PutImmunityBack(msg);
}

bool TransactionService::PutImmunityBack(const protocol::MessageRecord& msg) {
  // renewImmunityHalfMessageInner: the string is built after renewHalfMessageInner set WAIT=false
  // in the shared map, with TRAN_PREPARED_QUEUE_OFFSET = the first copy's queue offset.
  protocol::MessageProperties props = msg.properties;
  props.Set(protocol::kPropertyWaitStoreMsgOk, "false");
  if (!props.Contains(protocol::kPropertyTransactionPreparedQueueOffset)) {
    props.Set(protocol::kPropertyTransactionPreparedQueueOffset, std::to_string(msg.queue_offset));
  }
  const std::string properties = EncodePropertiesJavaOrder(props);
  store::PutResult r =
      broker_.store().PutMessage(InputFromRecord(msg, msg.topic, msg.queue_id, properties));
  if (!r.status.ok()) {
    ORBIT_LOG_ERROR("transaction check: immunity half message not stored again: {}",
                    r.status.ToString());
    return false;
  }
  return true;
}

bool TransactionService::PutBack(protocol::MessageRecord* msg) {
  // renewHalfMessageInner: same topic, queue, body, sysFlag and born time and host, the string
  // built from the properties with TRANSACTION_CHECK_TIMES counted (WAIT still as stored).
  const std::string properties = EncodePropertiesJavaOrder(msg->properties);
  store::PutResult r =
      broker_.store().PutMessage(InputFromRecord(*msg, msg->topic, msg->queue_id, properties));
  if (!r.status.ok() && r.status.code() != ErrorCode::kFlushTimeout) {
    ORBIT_LOG_ERROR("transaction check: half message at {} not stored again: {}",
                    msg->physical_offset, r.status.ToString());
    return false;
  }
  msg->queue_offset = r.append.queue_offset;
  msg->physical_offset = r.append.commit_log_offset;
  msg->store_host = r.append.store_host;
  return true;
}

void TransactionService::SendCheckMessage(protocol::MessageRecord msg) {
  protocol::CheckTransactionStateRequestHeader h;
  h.commit_log_offset = msg.physical_offset;
  h.tran_state_table_offset = msg.queue_offset;
  h.offset_msg_id = msg.OffsetMsgId();
  if (const std::string* uniq = msg.properties.Find(protocol::kPropertyUniqKey)) {
    h.msg_id = *uniq;
    h.transaction_id = *uniq;
  }
  const std::string* real_topic = msg.properties.Find(protocol::kPropertyRealTopic);
  const std::string* real_qid = msg.properties.Find(protocol::kPropertyRealQueueId);
  int32_t queue_id = real_qid == nullptr ? -1 : ParseOr<int32_t>(*real_qid, -1);
  if (real_topic == nullptr || queue_id < 0) {
    ORBIT_LOG_ERROR("transaction check: half message {} has no REAL_TOPIC / REAL_QID",
                    *h.offset_msg_id);
    return;
  }
  msg.topic = *real_topic;
  msg.queue_id = queue_id;
  // renewHalfMessageInner's setWaitStoreMsgOK(false) changed the shared map after the stored
  // string was built; the check's body is encoded from that map.
  msg.properties.Set(protocol::kPropertyWaitStoreMsgOk, "false");
  msg.properties = JavaHashMapOrder(msg.properties);

  const std::string group(msg.properties.Get(protocol::kPropertyProducerGroup));
  net::ConnectionPtr conn = broker_.producers().AvailableConnection(group);
  if (conn == nullptr) {
    checks_without_producer_.fetch_add(1);
    ORBIT_LOG_WARN("transaction check: no live producer of group '{}' for half message {}", group,
                   *h.offset_msg_id);
    return;
  }
  protocol::RemotingCommand req =
      protocol::RemotingCommand::Request(protocol::RequestCode::kCheckTransactionState);
  h.Encode(&req.ext_fields);
  if (Status st = protocol::EncodeRecord(msg, &req.body); !st.ok()) {
    ORBIT_LOG_ERROR("transaction check: cannot encode half message {}: {}", *h.offset_msg_id,
                    st.ToString());
    return;
  }
  conn->SendOneway(std::move(req), nullptr);
  checks_sent_.fetch_add(1);
}

void TransactionService::ResolveDiscard(const protocol::MessageRecord& msg) {
  ORBIT_LOG_ERROR("half message {} (UNIQ_KEY {}) checked too many times or too old: moved to {}",
                  msg.OffsetMsgId(), msg.properties.Get(protocol::kPropertyUniqKey),
                  kTransCheckMaxTimeTopic);
  auto topic = broker_.topics().CreateTopicInSendMessageBackMethod(
      kTransCheckMaxTimeTopic, 1, protocol::kPermRead | protocol::kPermWrite, 0);
  if (!topic.ok()) {
    ORBIT_LOG_ERROR("transaction check: no topic {}: {}", kTransCheckMaxTimeTopic,
                    topic.status().message());
    return;
  }
  const std::string properties = EncodePropertiesJavaOrder(msg.properties);
  store::PutResult r = broker_.store().PutMessage(
      InputFromRecord(msg, kTransCheckMaxTimeTopic, /*queue_id=*/0, properties));
  if (!r.status.ok() && r.status.code() != ErrorCode::kFlushTimeout) {
    ORBIT_LOG_ERROR("transaction check: {} put failed: {}", kTransCheckMaxTimeTopic,
                    r.status.ToString());
    return;
  }
  discarded_.fetch_add(1);
}

}  // namespace orbit::broker
