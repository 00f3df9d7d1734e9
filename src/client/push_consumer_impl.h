#pragma once

// The push consumer's engine (Java's DefaultMQPushConsumerImpl with its RebalancePushImpl,
// PullMessageService, ConsumeMessageConcurrentlyService and ConsumeMessageOrderlyService), behind
// orbit::PushConsumer. consumer.md has the protocol; docs/client.md the design.
//
// The flow, per queue this consumer holds:
//   rebalance (client instance's scheduler thread) → a PullRequest with the start offset →
//   PULL_MESSAGE sent async (long polling: the broker holds it up to 15 s) → the answer, on an
//   I/O thread, is decoded into the queue's ProcessQueue and handed to the consume pool → the
//   next pull is sent at once (or later: flow control, errors, pull_interval_ms).
// Consume threads ("orbit-consume") run the listener; concurrently, any thread takes any batch
// and the offset committed is the smallest still held; orderly, one thread at a time per queue
// (the queue's consume lock), in offset order, with the queue locked at the broker.
//
// Threads and lifetime: owned through a shared_ptr; pulls in flight and delayed tasks hold a
// weak_ptr and do nothing once the engine is gone or shut down. Delayed pulls, consume retries
// and the periodic orderly re-lock run on the consumer's own scheduler thread ("orbit-pull").
// Lock order: mu_ is a leaf (subscriptions, listeners, inner producer); no I/O under it.

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/scheduler.h"
#include "base/thread_annotations.h"
#include "base/thread_pool.h"
#include "client/client_instance.h"
#include "client/consumer_broker_api.h"
#include "client/offset_store.h"
#include "client/process_queue.h"
#include "client/pull_flow_control.h"
#include "client/rebalance.h"
#include "orbit/consumer.h"
#include "orbit/producer.h"

namespace orbit::client {

class PushConsumerImpl : public ConsumerListener,
                         public RebalanceDeps,
                         public std::enable_shared_from_this<PushConsumerImpl> {
 public:
  explicit PushConsumerImpl(PushConsumerConfig config);
  ~PushConsumerImpl() override;

  Status Subscribe(const std::string& topic, const std::string& expression) ORBIT_EXCLUDES(mu_);
  void Unsubscribe(const std::string& topic) ORBIT_EXCLUDES(mu_);
  void SetListener(ConcurrentListener listener) ORBIT_EXCLUDES(mu_);
  void SetListener(OrderlyListener listener) ORBIT_EXCLUDES(mu_);

  Status Start() ORBIT_EXCLUDES(mu_);
  void Shutdown() ORBIT_EXCLUDES(mu_);
  void Suspend() { paused_.store(true); }
  void Resume() { paused_.store(false); }
  ServiceState state() const { return state_.load(); }
  const PushConsumerConfig& config() const { return config_; }
  std::string client_id() const;
  std::vector<MessageQueue> AssignedQueues() const;

  // Java's DefaultMQPushConsumerImpl.sendMessageBack: CONSUMER_SEND_MSG_BACK to the broker of
  // `broker_name` (the message's store host when empty); when that fails, the message is sent
  // to the retry topic by a producer. Ok when either worked.
  Status SendMessageBack(const MessageExt& msg, int32_t delay_level, const std::string& broker_name)
      ORBIT_EXCLUDES(mu_);

  // ConsumerListener (client instance).
  protocol::ConsumerData HeartbeatEntry() override ORBIT_EXCLUDES(mu_);
  std::vector<std::string> SubscribedTopics() override ORBIT_EXCLUDES(mu_);
  void OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) override;
  void DoRebalance() override;
  void PersistOffsets() override;
  void OnResetOffset(const std::string& topic,
                     const std::map<MessageQueue, int64_t>& offsets) override;
  std::optional<protocol::ConsumerRunningInfo> RunningInfo() override ORBIT_EXCLUDES(mu_);
  bool ConsumeMessageDirectly(MessageExt msg, DirectResultCallback done) override;

  // RebalanceDeps (the rebalancer, on the client instance's scheduler thread).
  Result<std::vector<std::string>> FindConsumerIdList(const std::string& topic,
                                                      const std::string& group) override;
  int64_t ComputePullFromWhere(const MessageQueue& queue) override;
  void RemoveDirtyOffset(const MessageQueue& queue) override;
  bool RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue& pq) override;
  bool Lock(const MessageQueue& queue) override;
  void DispatchPullRequests(std::vector<PullRequest> requests) override;
  void MessageQueueChanged(const std::string& topic, const std::set<MessageQueue>& all,
                           const std::set<MessageQueue>& mine) override;

 private:
  struct ConsumeRequest;

  bool orderly() const { return orderly_listener_ != nullptr; }
  bool clustering() const { return config_.message_model == MessageModel::kClustering; }
  bool Running() const { return state_.load() == ServiceState::kRunning; }
  int32_t MaxReconsumeTimes() const;
  std::optional<protocol::SubscriptionData> SubscriptionOf(const std::string& topic) const
      ORBIT_EXCLUDES(mu_);
  std::weak_ptr<PushConsumerImpl> weak() { return weak_from_this(); }

  // ---- pulling ----
  // Java's pullMessage: flow control, then PULL_MESSAGE async.
  void PullMessage(const std::shared_ptr<PullRequest>& request);
  void PullLater(const std::shared_ptr<PullRequest>& request, int64_t delay_ms);
  void OnPullAnswer(const std::shared_ptr<PullRequest>& request, Result<PullResult> result);
  // Java's correctTagsOffset: an empty queue's offset follows the pulls.
  void CorrectTagsOffset(const PullRequest& request);

  // ---- consuming ----
  void SubmitConsume(std::vector<MessageExt> msgs, const std::shared_ptr<ProcessQueue>& pq,
                     const MessageQueue& mq, bool dispatch);
  void ConsumeConcurrently(std::vector<MessageExt> msgs, const std::shared_ptr<ProcessQueue>& pq,
                           const MessageQueue& mq);
  void SubmitConcurrentLater(std::vector<MessageExt> msgs, const std::shared_ptr<ProcessQueue>& pq,
                             const MessageQueue& mq);
  void ConsumeOrderly(const std::shared_ptr<ProcessQueue>& pq, const MessageQueue& mq);
  void SubmitOrderlyLater(const std::shared_ptr<ProcessQueue>& pq, const MessageQueue& mq,
                          int64_t delay_ms);
  void TryLockLaterAndReconsume(const std::shared_ptr<ProcessQueue>& pq, const MessageQueue& mq,
                                int64_t delay_ms);
  // Orderly: whether the batch must wait (some message could not be sent to the DLQ, or may
  // still be retried); raises the reconsume counts.
  bool CheckReconsumeTimes(std::vector<MessageExt>& msgs);
  // Orderly, past max reconsume times: to the retry topic with the count (the broker moves it
  // to the DLQ).
  bool SendBackOrderly(const MessageExt& msg);
  std::shared_ptr<std::mutex> QueueLock(const MessageQueue& mq) ORBIT_EXCLUDES(mu_);
  // Java's resetRetryAndNamespace: a message from the retry topic gets its original topic.
  void ResetRetryTopic(std::vector<MessageExt>& msgs) const;
  // Concurrently: sends back the messages held longer than consume_timeout_minutes.
  void CleanExpiredMessages();

  // ---- broker calls ----
  // Orderly, clustering: re-locks every held queue (every 20 s) and marks the answers.
  void LockAll();
  void UnlockAll();

  const PushConsumerConfig config_;
  std::atomic<ServiceState> state_{ServiceState::kCreateJust};
  std::atomic<bool> paused_{false};
  std::string client_id_;
  std::shared_ptr<ClientInstance> instance_;
  std::unique_ptr<ConsumerBrokerApi> api_;
  std::unique_ptr<OffsetBrokerApi> offset_api_;
  std::unique_ptr<OffsetStore> offset_store_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<ThreadPool> consume_pool_;
  std::unique_ptr<Scheduler> pull_scheduler_;
  std::string group_;  // with the namespace
  // pullThresholdForQueue / SizeForQueue as in force (per-topic limits spread over the queues).
  std::atomic<int64_t> threshold_count_{1000};
  std::atomic<int64_t> threshold_size_mib_{100};
  std::atomic<uint64_t> flow_control_times_{0};
  int64_t consume_timestamp_ms_ = 0;
  int64_t start_timestamp_ms_ = 0;          // wall clock, for the running info
  ConcurrentListener concurrent_listener_;  // set before Start, then read-only
  OrderlyListener orderly_listener_;

  mutable Mutex mu_;
  std::map<std::string, protocol::SubscriptionData> subscriptions_ ORBIT_GUARDED_BY(mu_);
  // Orderly: one consume thread per queue at a time (Java's MessageQueueLock).
  std::map<MessageQueue, std::shared_ptr<std::mutex>> queue_locks_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::client
