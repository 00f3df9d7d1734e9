#pragma once

// The pull consumer (RocketMQ's DefaultMQPullConsumer): the application chooses the queues and
// offsets and pulls itself; the consumer keeps the group's offsets (on the brokers in
// clustering, in a local file in broadcasting) and, for the topics registered with a
// MessageQueueListener, shares the topic's queues among the group's consumers.
//
//   orbit::PullConsumerConfig config;
//   config.group = "my-group";
//   config.namesrv_addr = "127.0.0.1:9876";
//   orbit::PullConsumer consumer(config);
//   consumer.Start();
//   for (const auto& mq : *consumer.FetchSubscribeMessageQueues("TopicTest")) {
//     int64_t offset = consumer.FetchConsumeOffset(mq, true).value_or(0);
//     auto result = consumer.PullBlockIfNotFound(mq, "*", std::max<int64_t>(offset, 0), 32);
//     if (result.ok() && result->status == orbit::PullStatus::kFound) { ... }
//     consumer.UpdateConsumeOffset(mq, result->next_begin_offset);
//   }
//
// Threads: every method may be called from any thread. PullAsync callbacks run on the client's
// I/O thread: they must not block (hand long work to another thread).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "orbit/allocate_strategy.h"
#include "orbit/client_config.h"
#include "orbit/consumer.h"
#include "orbit/message.h"
#include "orbit/status.h"

namespace orbit {

namespace client {
class PullConsumerImpl;
}

enum class PullStatus {
  kFound,          // messages (possibly none after the client's exact tag filter)
  kNoNewMsg,       // nothing at or after the offset (yet)
  kNoMatchedMsg,   // entries scanned, none matched the subscription
  kOffsetIllegal,  // the offset is outside the queue: start again at next_begin_offset
};
// "FOUND", "NO_NEW_MSG", "NO_MATCHED_MSG", "OFFSET_ILLEGAL".
const char* PullStatusName(PullStatus status);

struct PullResult {
  PullStatus status = PullStatus::kNoNewMsg;
  // Where the next pull of the queue starts.
  int64_t next_begin_offset = 0;
  // The queue's first and end offsets when the broker answered.
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  // The broker to pull this queue from next time (0 = master), as the broker suggests.
  int64_t suggest_which_broker_id = 0;
  std::vector<MessageExt> messages;
};

using PullCallback = std::function<void(Result<PullResult>)>;

// The share of a topic's queues this consumer holds changed (rebalance of a registered topic):
// every readable queue of the topic, and this consumer's.
using MessageQueueListener =
    std::function<void(const std::string& topic, const std::vector<MessageQueue>& all,
                       const std::vector<MessageQueue>& mine)>;

struct PullConsumerConfig : ClientConfig {
  // Required; [%|a-zA-Z0-9_-]{1,255}, not DEFAULT_CONSUMER.
  std::string group;
  MessageModel message_model = MessageModel::kClustering;
  // Which queues of a registered topic this consumer takes. Null: AllocateAveragely().
  std::shared_ptr<AllocateStrategy> allocate_strategy;
  // PullBlockIfNotFound: how long the broker may hold the request, and the client's timeout.
  int64_t broker_suspend_max_time_ms = 20000;
  int64_t consumer_timeout_ms_when_suspend = 30000;
  // Pull without blocking: the client's timeout.
  int64_t consumer_pull_timeout_ms = 10000;
  // Deliveries of a message sent back before it goes to %DLQ%<group>.
  int32_t max_reconsume_times = 16;
  // Broadcasting: the directory of the offset files (see PushConsumerConfig).
  std::string local_offset_store_dir;
  bool unit_mode = false;
};

class PullConsumer {
 public:
  explicit PullConsumer(PullConsumerConfig config);
  // Shuts down (see Shutdown) if running.
  ~PullConsumer();
  PullConsumer(const PullConsumer&) = delete;
  PullConsumer& operator=(const PullConsumer&) = delete;
  PullConsumer(PullConsumer&&) noexcept;
  PullConsumer& operator=(PullConsumer&&) noexcept;

  // Before Start(): `topic`'s queues are shared among the group's consumers (rebalanced every
  // 20 s and when a consumer joins or leaves), and `listener` hears of each change.
  void RegisterMessageQueueListener(const std::string& topic, MessageQueueListener listener);

  // Checks the config, registers the group in the process's client instance and tells the
  // brokers. Errors: a bad group name, a group already started in this client instance, or a
  // second start.
  Status Start();
  // Stores the offsets and unregisters from the brokers. Idempotent.
  void Shutdown();
  ServiceState state() const;
  const PullConsumerConfig& config() const;
  std::string client_id() const;

  // The topic's readable queues (from the name server).
  Result<std::vector<MessageQueue>> FetchSubscribeMessageQueues(const std::string& topic);
  // The queues of a registered topic this consumer holds now.
  std::vector<MessageQueue> FetchMessageQueuesInBalance(const std::string& topic) const;

  // Pulls up to `max_nums` messages of `mq` from `offset` with a tag expression ("*",
  // "TagA || TagB"). Answers at once (kNoNewMsg when there is nothing yet).
  Result<PullResult> Pull(const MessageQueue& mq, const std::string& expression, int64_t offset,
                          int32_t max_nums);
  Result<PullResult> Pull(const MessageQueue& mq, const std::string& expression, int64_t offset,
                          int32_t max_nums, int64_t timeout_ms);
  // The same, answered through `callback` (exactly once, on an I/O thread). Not ok: the
  // callback never runs.
  Status PullAsync(const MessageQueue& mq, const std::string& expression, int64_t offset,
                   int32_t max_nums, PullCallback callback);
  // Waits (long polling, up to broker_suspend_max_time_ms) for messages when there are none.
  Result<PullResult> PullBlockIfNotFound(const MessageQueue& mq, const std::string& expression,
                                         int64_t offset, int32_t max_nums);

  // The group's offset of `mq`: kept in memory (stored every persist interval and at
  // shutdown), or, with `from_store`, read from the broker (or the local file). -1 when the group
  // has none.
  Status UpdateConsumeOffset(const MessageQueue& mq, int64_t offset);
  Result<int64_t> FetchConsumeOffset(const MessageQueue& mq, bool from_store);

  // The queue's first offset, end offset, the offset of the first message stored at or after
  // `timestamp_ms`, and its earliest store time.
  Result<int64_t> MinOffset(const MessageQueue& mq);
  Result<int64_t> MaxOffset(const MessageQueue& mq);
  Result<int64_t> SearchOffset(const MessageQueue& mq, int64_t timestamp_ms);
  Result<int64_t> EarliestMsgStoreTime(const MessageQueue& mq);

  // Sends a message back to be delivered again after `delay_level` (to the group's retry topic;
  // after max_reconsume_times to %DLQ%<group>).
  Status SendMessageBack(const MessageExt& msg, int32_t delay_level);

 private:
  std::shared_ptr<client::PullConsumerImpl> impl_;
};

}  // namespace orbit
