#pragma once

// The lite pull consumer (RocketMQ's DefaultLitePullConsumer): the consumer pulls in the
// background (long polling, flow control as the push consumer) and the application takes the
// messages with Poll(), like a Kafka consumer. Either Subscribe() to topics (the group's
// consumers share the queues, rebalanced as for push consumers) or Assign() queues yourself.
// Offsets: a message handed out by Poll() counts as consumed; with auto_commit (the default) the
// offsets are committed every auto_commit_interval_ms from Poll(), and at shutdown; otherwise
// CommitSync() commits them. Seek() moves a queue to another offset.
//
//   orbit::LitePullConsumerConfig config;
//   config.group = "my-group";
//   config.namesrv_addr = "127.0.0.1:9876";
//   orbit::LitePullConsumer consumer(config);
//   consumer.Subscribe("TopicTest", "*");
//   consumer.Start();
//   while (running) {
//     auto msgs = consumer.Poll();
//     if (msgs.ok()) for (const auto& m : *msgs) handle(m);
//   }
//
// Threads: every method may be called from any thread; Poll() blocks the calling thread up to
// its timeout. The pulls themselves run asynchronously on the client's I/O thread.

#include <cstdint>
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
class LitePullConsumerImpl;
}

struct LitePullConsumerConfig : ClientConfig {
  // Required; [%|a-zA-Z0-9_-]{1,255}, not DEFAULT_CONSUMER.
  std::string group;
  MessageModel message_model = MessageModel::kClustering;
  // Where a queue without a stored offset starts (see PushConsumerConfig).
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kLastOffset;
  std::string consume_timestamp;
  std::shared_ptr<AllocateStrategy> allocate_strategy;
  bool auto_commit = true;
  int64_t auto_commit_interval_ms = 5000;
  // Messages per pull.
  int32_t pull_batch_size = 10;
  // Stop pulling while this many messages wait to be polled, in all.
  int64_t pull_threshold_for_all = 10000;
  // Per queue: held messages, MiB of bodies and offset span before pulling waits.
  int32_t pull_threshold_for_queue = 1000;
  int32_t pull_threshold_size_for_queue = 100;
  int32_t consume_max_span = 2000;
  // Poll() without a timeout waits this long.
  int64_t poll_timeout_ms = 5000;
  // How long the broker may hold a pull when there is nothing new, and the client's timeout.
  int64_t broker_suspend_max_time_ms = 20000;
  int64_t consumer_timeout_ms_when_suspend = 30000;
  // Broadcasting: the directory of the offset files (see PushConsumerConfig).
  std::string local_offset_store_dir;
  bool unit_mode = false;
};

class LitePullConsumer {
 public:
  explicit LitePullConsumer(LitePullConsumerConfig config);
  // Shuts down (see Shutdown) if running.
  ~LitePullConsumer();
  LitePullConsumer(const LitePullConsumer&) = delete;
  LitePullConsumer& operator=(const LitePullConsumer&) = delete;
  LitePullConsumer(LitePullConsumer&&) noexcept;
  LitePullConsumer& operator=(LitePullConsumer&&) noexcept;

  // Subscribe and Assign exclude each other (kInvalidArgument).
  Status Subscribe(const std::string& topic, const std::string& expression = "*");
  void Unsubscribe(const std::string& topic);
  // Consumes exactly these queues (no rebalance); replaces an earlier assignment.
  Status Assign(const std::vector<MessageQueue>& queues);

  // Errors: a bad group name or setting, a group already started in this client instance, or a
  // second start.
  Status Start();
  // Commits (with auto_commit), stores the offsets, unregisters. Idempotent.
  void Shutdown();
  ServiceState state() const;
  const LitePullConsumerConfig& config() const;
  std::string client_id() const;

  // The next pulled messages (of one queue, in order), waiting up to `timeout_ms`
  // (poll_timeout_ms without it); empty when none came. kNotRunning when not running.
  Result<std::vector<MessageExt>> Poll();
  Result<std::vector<MessageExt>> Poll(int64_t timeout_ms);

  // The queue continues from `offset` (between its min and max offsets); messages already
  // pulled from it and not polled are dropped. kInvalidArgument for a queue not assigned to this
  // consumer or an offset outside the queue.
  Status Seek(const MessageQueue& queue, int64_t offset);
  Status SeekToBegin(const MessageQueue& queue);
  Status SeekToEnd(const MessageQueue& queue);
  // Stop / go on pulling these queues (what was pulled is still polled).
  void Pause(const std::vector<MessageQueue>& queues);
  void Resume(const std::vector<MessageQueue>& queues);

  // Commits the offsets of everything polled so far and stores them now.
  Status CommitSync();
  // The group's committed offset of `queue` as stored (on the broker, or the local file); -1
  // when there is none.
  Result<int64_t> Committed(const MessageQueue& queue);
  // The queues this consumer pulls now.
  std::vector<MessageQueue> Assignment() const;
  // The topic's readable queues (from the name server).
  Result<std::vector<MessageQueue>> FetchMessageQueues(const std::string& topic);
  // The offset of the first message stored at or after `timestamp_ms`.
  Result<int64_t> OffsetForTimestamp(const MessageQueue& queue, int64_t timestamp_ms);

 private:
  std::shared_ptr<client::LitePullConsumerImpl> impl_;
};

}  // namespace orbit
