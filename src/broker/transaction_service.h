#pragma once

// Transactional messages, as Apache 4.9's TransactionalMessageBridge,
// TransactionalMessageServiceImpl, TransactionalMessageCheckService and
// DefaultTransactionalMessageCheckListener (shared/protocol/transactions-and-delay.md §4-6).
//
// Records:
// - half message: a send with TRAN_MSG=true is stored in RMQ_SYS_TRANS_HALF_TOPIC queue 0 with
//   REAL_TOPIC / REAL_QID added and its transaction type reset to NOT_TYPE, so it has a
//   consume-queue entry in the half queue and none in its real topic (ToHalfMessage);
// - op record: END_TRANSACTION (commit or rollback) writes one to RMQ_SYS_TRANS_OP_HALF_TOPIC,
//   queue = the half's queue, tags "d", body = the half's queue offset in decimal, properties
//   WAIT=true and TAGS=d, born and store host = this broker (PutOpMessage);
// - the committed message: END_TRANSACTION's own business (end_transaction_processor.h).
// Property strings the broker rebuilds from a message's properties are written in the iteration
// order of the java.util.HashMap that Apache builds them from (EncodePropertiesJavaOrder), so
// that the records are byte for byte those of Apache.
//
// Check-back (Check, every transactionCheckInterval on the check thread, master only): for each
// half queue, from the group CID_RMQ_SYS_TRANS's consume offsets of the half and op queues, a half
// message without an op record and older than transactionTimeOut (or its
// CHECK_IMMUNITY_TIME_IN_SECONDS) is stored again in the half queue with TRANSACTION_CHECK_TIMES
// counted up, and CHECK_TRANSACTION_STATE (39, oneway) for the new copy goes to a live producer
// connection of its PGROUP. The producer answers with END_TRANSACTION fromTransactionCheck=true
// for the copy. A half message already checked transactionCheckMax times (or older than
// fileReservedTime) is copied to TRANS_CHECK_MAX_TIME_TOPIC queue 0 instead and never checked
// again. The consume offsets advance past everything finished and are persisted with the other
// consumer offsets (consumerOffset.json), so a restarted broker continues where it was.
//
// Threads: ToHalfMessage, LookHalfMessage and PutOpMessage run on any thread (the send and
// END_TRANSACTION processors call them on connection loops); Check runs on the check thread
// (or a test's); Start and Stop on the broker's control thread.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/status.h"
#include "protocol/message.h"
#include "protocol/properties.h"
#include "store/message_store.h"

namespace orbit::broker {

class Broker;

// TransactionalMessageUtil.buildConsumerGroup(): the group of the half and op queue offsets.
inline constexpr std::string_view kTransactionConsumerGroup = "CID_RMQ_SYS_TRANS";
// TransactionalMessageUtil.REMOVETAG: the tags of an op record.
inline constexpr std::string_view kTransactionRemoveTag = "d";

// Whether a send is a half message: Boolean.parseBoolean(TRAN_MSG).
bool IsTransactionPrepared(const protocol::MessageProperties& props);

// The properties in the iteration order of a java.util.HashMap<String, String> (16 buckets,
// doubled past 3/4 full) into which they were put in their current order: by bucket of the
// spread String.hashCode(), then in insertion order.
protocol::MessageProperties JavaHashMapOrder(const protocol::MessageProperties& props);
// MessageDecoder.messageProperties2String over such a map.
std::string EncodePropertiesJavaOrder(const protocol::MessageProperties& props);

// TransactionalMessageBridge.parseHalfMessageInner for the send path: `in` (the message as the
// send processor would store it in its real topic) becomes its half message. `props` are the
// properties the send processor stores (the producer's without WAIT, plus CLUSTER);
// `sent_properties` is the producer's property string, whose WAIT Apache puts back before the
// half message's string is built. `*properties` receives that string; `in->properties` points
// into it, so it must outlive the put.
void ToHalfMessage(const protocol::MessageProperties& props, std::string_view sent_properties,
                   store::MessageInput* in, std::string* properties);

// A put of `rec` as stored (body, flag, sysFlag, born time and host, reconsume times) to `topic`
// / `queue_id` with `properties`, not waiting for a flush (Apache's setWaitStoreMsgOK(false)).
// The views point into the arguments.
store::MessageInput InputFromRecord(const protocol::MessageRecord& rec, std::string_view topic,
                                    int32_t queue_id, std::string_view properties);

class TransactionService {
 public:
  // How far check passes got (for tests and logs).
  struct Stats {
    int64_t passes = 0;
    int64_t checks_sent = 0;
    int64_t checks_without_producer = 0;  // due, but no live connection of the PGROUP
    int64_t discarded = 0;
  };

  // `broker` must outlive this service; its store, topics and offsets exist already.
  explicit TransactionService(Broker& broker);
  // Stop().
  ~TransactionService();
  TransactionService(const TransactionService&) = delete;
  TransactionService& operator=(const TransactionService&) = delete;

  // Starts the check thread ("broker-txcheck"), which runs Check() every
  // transactionCheckInterval ms (the first after one interval). Nothing on a slave. Once.
  void Start();
  // Stops the check thread (a pass in progress stops at its next message). Idempotent. Must run
  // before the store shuts down and before the consumer offsets are persisted for the last time.
  void Stop();
  // transactionCheckInterval changed (UPDATE_BROKER_CONFIG): the next pass is that long from
  // now, not from the last pass.
  void OnIntervalChanged();

  // One check pass over every queue of the half topic (creating its topic config, one queue, as
  // Apache's fetchMessageQueues does).
  void Check();

  // The half message stored at `commit_log_offset`: NotFound when no record starts there or it
  // is not in the half topic.
  Result<protocol::MessageRecord> LookHalfMessage(int64_t commit_log_offset) const;
  // Writes the op record of the half message at `half_queue_offset` of half queue
  // `half_queue_id` (deletePrepareMessage). `done` runs as PutMessageAsync's callback.
  void PutOpMessage(int32_t half_queue_id, int64_t half_queue_offset, store::PutCallback done);

  Stats stats() const;

 private:
  // Op records read so far in one pass over one queue (fillOpRemoveMap).
  struct OpScan {
    int64_t base = 0;                   // the op queue's consume offset
    int64_t next = 0;                   // next op queue offset to read
    int64_t min_half = 0;               // the half queue's consume offset
    bool exhausted = false;             // read up to the end of the op queue
    std::map<int64_t, int64_t> remove;  // half queue offset -> op queue offset
    std::vector<int64_t> done;          // op queue offsets whose half is behind us
  };

  void Loop();
  void CheckQueue(int32_t queue_id, int64_t timeout_ms, int32_t check_max);
  int64_t FetchConsumeOffset(std::string_view topic, int32_t queue_id) const;
  void FillOps(int32_t queue_id, OpScan* ops);
  // The half message at a queue offset; on a miss, the store's status and next offset.
  struct HalfRead {
    std::optional<protocol::MessageRecord> msg;
    store::GetStatus status = store::GetStatus::kNoMessageInQueue;
    int64_t next_begin_offset = 0;
  };
  HalfRead GetHalf(int32_t queue_id, int64_t queue_offset) const;
  bool NeedDiscard(protocol::MessageRecord* msg, int32_t check_max) const;
  bool NeedSkip(const protocol::MessageRecord& msg) const;
  // checkPrepareQueueOffset: true when the half message is done with for this pass.
  bool CheckPrepareQueueOffset(OpScan* ops, const protocol::MessageRecord& msg);
  bool PutImmunityBack(const protocol::MessageRecord& msg);
  // putBackHalfMsgQueue: stores the copy and points `msg` at it.
  bool PutBack(protocol::MessageRecord* msg);
  void SendCheckMessage(protocol::MessageRecord msg);
  void ResolveDiscard(const protocol::MessageRecord& msg);

  Broker& broker_;
  std::atomic<bool> stopping_{false};
  std::mutex mu_;  // guards stop_ and interval_changed_ for cv_
  std::condition_variable cv_;
  bool stop_ = false;
  bool interval_changed_ = false;
  std::thread thread_;
  std::atomic<int64_t> passes_{0};
  std::atomic<int64_t> checks_sent_{0};
  std::atomic<int64_t> checks_without_producer_{0};
  std::atomic<int64_t> discarded_{0};
};

}  // namespace orbit::broker
