#pragma once

// The push consumer (RocketMQ's DefaultMQPushConsumer): subscribe to topics, register a listener,
// and the consumer pulls the queues assigned to it (long polling) and hands the messages to the
// listener on its consume threads, keeping the group's offsets. Works against Apache RocketMQ
// 4.x/5.x brokers and Orbit's.
//
//   orbit::PushConsumerConfig config;
//   config.group = "my-group";
//   config.namesrv_addr = "127.0.0.1:9876";
//   orbit::PushConsumer consumer(config);
//   consumer.Subscribe("TopicTest", "TagA || TagB");
//   consumer.RegisterListener([](const std::vector<orbit::MessageExt>& msgs,
//                                orbit::ConsumeConcurrentlyContext&) {
//     for (const auto& m : msgs) std::cout << m.msg_id << " " << m.body() << "\n";
//     return orbit::ConsumeConcurrentlyStatus::kConsumeSuccess;
//   });
//   if (orbit::Status st = consumer.Start(); !st.ok()) { ... st.ToString() ... }
//
// Delivery is at least once. Clustering (the default): each message goes to one consumer of
// the group; the group's queues are shared among its consumers (rebalanced every 20 s and when
// a consumer joins or leaves) and the offsets live on the brokers. Broadcasting: every consumer
// gets every message; offsets live in a local file.
//
// Concurrently: a message the listener fails (kReconsumeLater, or an exception) is sent back to
// the broker and delivered again later (delay level 3 + its reconsume count: 10 s, 30 s, 1 min,
// ...), up to max_reconsume_times (16); then it goes to the dead-letter topic %DLQ%<group>.
// Orderly: one thread at a time per queue, in queue order; the queue is locked at the broker so
// that no other consumer of the group takes it; a failed batch is retried after
// suspend_current_queue_time_ms.
//
// Threads: the listener runs on the consumer's consume threads (consume_thread_min of them),
// never on an I/O thread. Every method may be called from any thread, but not from a listener
// (Shutdown waits for the listeners).

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "orbit/allocate_strategy.h"
#include "orbit/client_config.h"
#include "orbit/message.h"
#include "orbit/status.h"

namespace orbit {

namespace client {
class PushConsumerImpl;
}

enum class MessageModel {
  kClustering,    // each message to one consumer of the group
  kBroadcasting,  // each message to every consumer of the group
};

// Where a group that has no stored offset for a queue starts (RocketMQ's ConsumeFromWhere).
// Only a brand-new group is concerned: once an offset is stored, the consumer goes on from it.
enum class ConsumeFromWhere {
  kLastOffset,   // the queue's end (a broker may start a brand-new group at 0; see docs)
  kFirstOffset,  // the queue's first message still stored
  kTimestamp,    // the first message stored at or after consume_timestamp
};

enum class ConsumeConcurrentlyStatus {
  kConsumeSuccess,
  kReconsumeLater,  // send the batch back, to be delivered again later
};

struct ConsumeConcurrentlyContext {
  MessageQueue queue;
  // 0: the broker picks (3 + reconsume times); > 0: this delay level for every message sent
  // back; < 0: straight to the dead-letter topic.
  int32_t delay_level_when_next_consume = 0;
  // On success, the messages after this index are sent back as if failed (Java's ackIndex);
  // the default acknowledges the whole batch.
  int32_t ack_index = INT32_MAX;
};

enum class ConsumeOrderlyStatus {
  kSuccess,
  kSuspendCurrentQueueAMoment,  // retry the batch later, the queue waits
};

struct ConsumeOrderlyContext {
  MessageQueue queue;
  // When kSuspendCurrentQueueAMoment is returned: wait this long before the retry (> 0), else
  // the consumer's suspend_current_queue_time_ms.
  int64_t suspend_current_queue_time_ms = -1;
};

// Listeners run on a consume thread. A listener that throws counts as kReconsumeLater
// (kSuspendCurrentQueueAMoment for orderly).
using ConcurrentListener = std::function<ConsumeConcurrentlyStatus(
    const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext& context)>;
using OrderlyListener = std::function<ConsumeOrderlyStatus(const std::vector<MessageExt>& msgs,
                                                           ConsumeOrderlyContext& context)>;

struct PushConsumerConfig : ClientConfig {
  // Required; [%|a-zA-Z0-9_-]{1,255}, not DEFAULT_CONSUMER.
  std::string group;
  MessageModel message_model = MessageModel::kClustering;
  ConsumeFromWhere consume_from_where = ConsumeFromWhere::kLastOffset;
  // For kTimestamp: "yyyyMMddHHmmss" in local time. Empty: half an hour before Start().
  std::string consume_timestamp;
  // Which queues of the group this consumer takes (clustering). Null: AllocateAveragely().
  std::shared_ptr<AllocateStrategy> allocate_strategy;
  // Consume threads (Java's pool grows only past an unbounded queue, so min is what runs).
  int consume_thread_min = 20;
  int consume_thread_max = 20;
  // Concurrently: stop pulling a queue while its held messages span more offsets than this.
  int32_t consume_concurrently_max_span = 2000;
  // Stop pulling a queue while it holds this many messages / MiB of bodies.
  int32_t pull_threshold_for_queue = 1000;
  int32_t pull_threshold_size_for_queue = 100;
  // The same per topic (spread over the queues this consumer holds); -1: off.
  int32_t pull_threshold_for_topic = -1;
  int32_t pull_threshold_size_for_topic = -1;
  // Pause between two pulls of a queue.
  int64_t pull_interval_ms = 0;
  // Messages per listener call.
  int32_t consume_message_batch_max_size = 1;
  // Messages per pull.
  int32_t pull_batch_size = 32;
  // Send the subscription expression with every pull (the broker then uses it, not the one
  // from the heartbeats).
  bool post_subscription_when_pull = false;
  // Deliveries of a failed message before it goes to %DLQ%<group>: -1 means 16 (concurrently)
  // or unbounded (orderly).
  int32_t max_reconsume_times = -1;
  // Orderly: the pause before a suspended queue is tried again.
  int64_t suspend_current_queue_time_ms = 1000;
  // Concurrently: a message held by a listener this long is sent back (and its slot freed).
  int64_t consume_timeout_minutes = 15;
  // Shutdown waits this long for running listeners (0: until they return).
  int64_t await_termination_millis_when_shutdown = 0;
  // Broadcasting: the directory of the offset files (Java's rocketmq.client.localOffsetStoreDir).
  // Empty: $ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR, else $HOME/.rocketmq_offsets.
  std::string local_offset_store_dir;
  bool unit_mode = false;
};

class PushConsumer {
 public:
  explicit PushConsumer(PushConsumerConfig config);
  // Shuts down (see Shutdown) if running.
  ~PushConsumer();
  PushConsumer(const PushConsumer&) = delete;
  PushConsumer& operator=(const PushConsumer&) = delete;
  PushConsumer(PushConsumer&&) noexcept;
  PushConsumer& operator=(PushConsumer&&) noexcept;

  // Subscribes to `topic` with a tag expression: "*" (every message), "TagA", "TagA || TagB".
  // kInvalidArgument for a bad topic name or expression (SQL92 is not supported yet). May be
  // called while running (the next rebalance picks it up).
  Status Subscribe(const std::string& topic, const std::string& expression = "*");
  // Stops consuming `topic` (its queues are let go at the next rebalance).
  void Unsubscribe(const std::string& topic);

  // One of the two, before Start().
  void RegisterListener(ConcurrentListener listener);
  void RegisterListener(OrderlyListener listener);

  // Checks the config, joins the process's client instance, registers the group, fetches the
  // subscribed topics' routes, tells every broker and takes its share of queues. Errors: a bad
  // group name, no listener, a setting out of range, a group already started in this client
  // instance, a bad consume_timestamp, or a second start.
  Status Start();
  // Stops pulling, waits for running listeners (see await_termination_millis_when_shutdown),
  // stores the offsets, gives back the orderly queue locks and unregisters from the brokers.
  // Messages pulled but not consumed are delivered again later (to this group). Idempotent.
  void Shutdown();
  // Pauses / resumes pulling (messages already pulled are still consumed).
  void Suspend();
  void Resume();

  ServiceState state() const;
  const PushConsumerConfig& config() const;
  // "ip@instance" (the client instance this consumer runs in).
  std::string client_id() const;
  // The queues this consumer holds now (after the last rebalance).
  std::vector<MessageQueue> AssignedQueues() const;

  // Sends a message back to its broker to be delivered again after `delay_level` (Java's
  // sendMessageBack): what the consumer does itself with failed messages.
  Status SendMessageBack(const MessageExt& msg, int32_t delay_level);

 private:
  std::shared_ptr<client::PushConsumerImpl> impl_;
};

}  // namespace orbit
