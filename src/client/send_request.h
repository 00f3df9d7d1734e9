#pragma once

// The send request of one message or one batch, and the result of its response (producer.md §4,
// §7; message-format.md §3-§7). Building is pure except for the UNIQ_KEY it gives a message
// that has none; the caller owns routing, timeouts, retries and hooks.
//
// SEND_MESSAGE_V2 (310) / SEND_REPLY_MESSAGE_V2 (325), short header keys:
//   a producerGroup  b topic (message->topic(), namespace already applied by the caller)
//   c defaultTopic   d defaultTopicQueueNums  e queueId  f sysFlag  g bornTimestamp  h flag
//   i properties (+ INSTANCE_ID with a namespace; RECONSUME_TIME / MAX_RECONSUME_TIMES moved
//     into j / l for %RETRY% topics)
//   j reconsumeTimes (0)  k unitMode  l maxReconsumeTimes (retry topics only)  m batch  n bname
//   sysFlag: 0x1 | type << 8 when the body was compressed, | 0x4 when TRAN_MSG=true.
//
// SEND_BATCH_MESSAGE (320): the same header with m=true, sysFlag 0 and i = the batch wrapper's
// properties (WAIT of the first message, INSTANCE_ID with a namespace); the body is the batch
// encoding of the messages with their own properties, never compressed.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "orbit/message.h"
#include "orbit/status.h"
#include "protocol/compression.h"
#include "protocol/headers_transaction.h"
#include "protocol/message_id.h"
#include "protocol/remoting_command.h"

namespace orbit::client {

// Gives `message` a UNIQ_KEY from the process's source unless it has one.
void EnsureUniqueId(Message* message);

// UNIQ_KEY values for this process (message-format.md §7.2).
// Thread-safe: Next may be called from any thread at once.
class UniqueIdSource {
 public:
  // The process-wide source: this host's IPv4 address (a public one before a private one; if
  // there is none, four bytes of the current time, as Java does), the process id and a random
  // int, with the system clock. Created on first use.
  static UniqueIdSource& Process();

  // A source with a fixed identity and clock. REQUIRES: ip is 4 or 16 raw bytes; `clock`
  // outlives the source.
  UniqueIdSource(std::string_view ip, int32_t pid, int32_t random, const Clock& clock);

  UniqueIdSource(const UniqueIdSource&) = delete;
  UniqueIdSource& operator=(const UniqueIdSource&) = delete;

  std::string Next() ORBIT_EXCLUDES(mu_);

 private:
  protocol::UniqueIdGenerator generator_;
  const Clock& clock_;
  Mutex mu_;
  // The local month containing the last id's time: [month_start_ms_, next_month_start_ms_).
  int64_t month_start_ms_ ORBIT_GUARDED_BY(mu_) = 0;
  int64_t next_month_start_ms_ ORBIT_GUARDED_BY(mu_) = 0;
};

// Start of the month containing `now_ms` and of the month after, in the local time zone (ms
// since the epoch), as Java's Calendar computes them for the unique id.
struct MonthBounds {
  int64_t start_ms = 0;
  int64_t next_start_ms = 0;
};
MonthBounds LocalMonthBounds(int64_t now_ms);

struct SendRequestOptions {
  std::string producer_group;
  std::string default_topic = "TBW102";
  int32_t default_topic_queue_nums = 4;
  int32_t compress_over = 4096;  // compress a single body of at least this size
  protocol::CompressionType compress_type = protocol::CompressionType::kZlib;
  int compress_level = 5;
  bool binary_header = false;  // SerializeType ROCKETMQ instead of JSON
  std::string name_space;      // non-empty: property INSTANCE_ID = namespace
  bool unit_mode = false;
};

// The request for one message to `queue`: SEND_MESSAGE_V2 (310), or SEND_REPLY_MESSAGE_V2 (325)
// when the message's MSG_TYPE is "reply". Sets UNIQ_KEY on *message when it has none, so that a
// retry of the same Message sends the same id; nothing else of *message changes (the compressed
// body and the header-only properties live in the request). Errors: kInvalidArgument for a
// RECONSUME_TIME / MAX_RECONSUME_TIMES that is not an int on a %RETRY% topic; kCompression when
// the body cannot be compressed with the options' type and level.
// The caller validates the message first (ValidateMessage).
Result<protocol::RemotingCommand> BuildSendRequest(Message* message, const MessageQueue& queue,
                                                   const SendRequestOptions& options,
                                                   int64_t born_ms);

// The request for a batch to `queue`: SEND_BATCH_MESSAGE (320). Every message gets a UNIQ_KEY
// when it has none. kInvalidArgument (and no message changed) when the batch is empty, its
// messages differ in topic or WAIT flag, one has a delay level, the topic is a %RETRY% topic, or
// a message's properties do not fit the batch encoding. The caller validates each message first.
Result<protocol::RemotingCommand> BuildBatchRequest(std::vector<Message>* batch,
                                                    const MessageQueue& queue,
                                                    const SendRequestOptions& options,
                                                    int64_t born_ms);

// The UNIQ_KEYs of a batch joined with ',' (the msg_id of its SendResult).
std::string BatchMessageId(const std::vector<Message>& batch);

// The result of a send response. Codes SUCCESS (0), FLUSH_DISK_TIMEOUT (10),
// FLUSH_SLAVE_TIMEOUT (12) and SLAVE_NOT_AVAILABLE (11) mean stored, with that status; any other
// code is Status::Remote(code, remark). `queue` gives the topic (without namespace) and broker
// name; the queue id comes from the response. `msg_id` is the UNIQ_KEY (BatchMessageId for a
// batch). A stored answer whose header does not decode is an error (kMissingField/kMalformed).
Result<SendResult> ParseSendResponse(const protocol::RemotingCommand& response,
                                     const MessageQueue& queue, std::string msg_id);

// END_TRANSACTION after the local transaction of a half message the broker stored (`half`, whose
// offset_msg_id gives the commit-log offset): producerGroup, tranStateTableOffset = the queue
// offset, commitLogOffset, commitOrRollback (8 commit, 12 rollback, 0 unknown),
// fromTransactionCheck=false, msgId = the UNIQ_KEY, transactionId when the broker gave one,
// bname. kMalformed when offset_msg_id does not decode.
Result<protocol::EndTransactionRequestHeader> EndTransactionAfterSend(const std::string& group,
                                                                      const SendResult& half,
                                                                      int32_t commit_or_rollback);
// END_TRANSACTION answering a check-back: the check's offsets and transaction id,
// fromTransactionCheck=true, msgId = the half message's UNIQ_KEY (`uniq_key`, or the check's
// msgId when empty), no bname (as Java).
protocol::EndTransactionRequestHeader EndTransactionAfterCheck(
    const std::string& group, const protocol::CheckTransactionStateRequestHeader& check,
    const std::string& uniq_key, int32_t commit_or_rollback);

}  // namespace orbit::client
