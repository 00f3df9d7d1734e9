#pragma once

// The lite pull consumer's engine (Java's DefaultLitePullConsumerImpl with RebalanceLitePullImpl
// and AssignedMessageQueue), behind orbit::LitePullConsumer.
//
// Each queue this consumer holds (from the rebalance when subscribed, from Assign otherwise) has
// a QueueState: its ProcessQueue, the offset of the next pull, the offset to commit (one past
// the last polled message), a pause flag and a generation that Seek bumps. One async pull is in
// flight per queue (long polling through the client instance); a FOUND answer goes into the
// ProcessQueue and, as one ConsumeRequest, into the poll cache; Poll() takes requests from the
// cache. An answer for an older generation (a Seek came meanwhile) is dropped and the queue is
// pulled again from the new offset.
//
// Unlike Java, the pulls do not block threads (Java's pullThreadNums pool): they are async, and
// delays (pause, flow control, errors) run on the consumer's scheduler thread ("orbit-lite").
//
// Threads: any thread. mu_ guards the queue table and the cache (leaf lock: no I/O, no user code
// under it).

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/scheduler.h"
#include "base/thread_annotations.h"
#include "client/client_instance.h"
#include "client/consumer_broker_api.h"
#include "client/offset_store.h"
#include "client/process_queue.h"
#include "client/rebalance.h"
#include "orbit/lite_pull_consumer.h"

namespace orbit::client {

class LitePullConsumerImpl : public ConsumerListener,
                             public RebalanceDeps,
                             public std::enable_shared_from_this<LitePullConsumerImpl> {
 public:
  explicit LitePullConsumerImpl(LitePullConsumerConfig config);
  ~LitePullConsumerImpl() override;

  Status Subscribe(const std::string& topic, const std::string& expression) ORBIT_EXCLUDES(mu_);
  void Unsubscribe(const std::string& topic) ORBIT_EXCLUDES(mu_);
  Status Assign(const std::vector<MessageQueue>& queues) ORBIT_EXCLUDES(mu_);
  Status Start() ORBIT_EXCLUDES(mu_);
  void Shutdown() ORBIT_EXCLUDES(mu_);
  ServiceState state() const { return state_.load(); }
  const LitePullConsumerConfig& config() const { return config_; }
  std::string client_id() const;

  Result<std::vector<MessageExt>> Poll(int64_t timeout_ms) ORBIT_EXCLUDES(mu_);
  Status Seek(const MessageQueue& queue, int64_t offset) ORBIT_EXCLUDES(mu_);
  Status SeekToBegin(const MessageQueue& queue);
  Status SeekToEnd(const MessageQueue& queue);
  void Pause(const std::vector<MessageQueue>& queues, bool paused) ORBIT_EXCLUDES(mu_);
  Status CommitSync() ORBIT_EXCLUDES(mu_);
  Result<int64_t> Committed(const MessageQueue& queue);
  std::vector<MessageQueue> Assignment() const ORBIT_EXCLUDES(mu_);
  Result<std::vector<MessageQueue>> FetchMessageQueues(const std::string& topic);
  Result<int64_t> OffsetForTimestamp(const MessageQueue& queue, int64_t timestamp_ms);

  // ConsumerListener.
  protocol::ConsumerData HeartbeatEntry() override ORBIT_EXCLUDES(mu_);
  std::vector<std::string> SubscribedTopics() override ORBIT_EXCLUDES(mu_);
  void OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) override;
  void DoRebalance() override;
  void PersistOffsets() override ORBIT_EXCLUDES(mu_);

  // RebalanceDeps (Java's RebalanceLitePullImpl), subscribe mode only.
  Result<std::vector<std::string>> FindConsumerIdList(const std::string& topic,
                                                      const std::string& group) override;
  int64_t ComputePullFromWhere(const MessageQueue& queue) override;
  void RemoveDirtyOffset(const MessageQueue& queue) override;
  bool RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue& pq) override
      ORBIT_EXCLUDES(mu_);
  bool Lock(const MessageQueue&) override { return true; }
  void DispatchPullRequests(std::vector<PullRequest> requests) override ORBIT_EXCLUDES(mu_);
  void MessageQueueChanged(const std::string&, const std::set<MessageQueue>&,
                           const std::set<MessageQueue>&) override {}

 private:
  enum class Mode { kNone, kSubscribe, kAssign };
  struct QueueState {
    MessageQueue queue;  // namespaced
    std::shared_ptr<ProcessQueue> pq;
    int64_t pull_offset = 0;
    int64_t consume_offset = -1;  // to commit; -1 until something was polled
    bool paused = false;
    uint64_t generation = 0;
  };
  struct ConsumeRequest {
    std::vector<MessageExt> msgs;
    std::shared_ptr<QueueState> state;
    uint64_t generation = 0;
  };

  bool Running() const { return state_.load() == ServiceState::kRunning; }
  Status CheckRunning() const;
  bool clustering() const { return config_.message_model == MessageModel::kClustering; }
  MessageQueue Wrap(const MessageQueue& mq) const;
  MessageQueue Unwrap(const MessageQueue& mq) const;
  std::weak_ptr<LitePullConsumerImpl> weak() { return weak_from_this(); }

  // Adds a queue (pulled from `offset`) unless held; the caller starts its pulls.
  std::shared_ptr<QueueState> AddQueue(const MessageQueue& queue, std::shared_ptr<ProcessQueue> pq,
                                       int64_t offset) ORBIT_EXCLUDES(mu_);
  // Forgets the cached requests of `qs`.
  void EraseCachedLocked(const std::shared_ptr<QueueState>& qs) ORBIT_REQUIRES(mu_);
  // Drops a queue: no more pulls, its cached requests gone; returns its state (null if none).
  std::shared_ptr<QueueState> DropQueue(const MessageQueue& queue) ORBIT_EXCLUDES(mu_);
  // Assign mode: the held queues become `queues` (wire names); offsets as a new queue's.
  void UpdateAssigned(const std::set<MessageQueue>& queues) ORBIT_EXCLUDES(mu_);

  // One chain of pulls per queue and generation: a chain whose generation is no longer the
  // queue's (a Seek started a new one) ends.
  void PullQueue(const std::shared_ptr<QueueState>& qs, uint64_t generation) ORBIT_EXCLUDES(mu_);
  void PullLater(const std::shared_ptr<QueueState>& qs, uint64_t generation, int64_t delay_ms);
  void OnPullAnswer(const std::shared_ptr<QueueState>& qs, uint64_t generation,
                    Result<PullResult> result) ORBIT_EXCLUDES(mu_);
  // Memory offsets of every held queue from what was polled.
  void CommitToMemory() ORBIT_EXCLUDES(mu_);
  void MaybeAutoCommit() ORBIT_EXCLUDES(mu_);
  // Waits until a request is cached (or the deadline, or shutdown) and takes it.
  std::optional<ConsumeRequest> TakeRequest(std::chrono::steady_clock::time_point deadline)
      ORBIT_EXCLUDES(mu_);

  const LitePullConsumerConfig config_;
  std::atomic<ServiceState> state_{ServiceState::kCreateJust};
  std::string group_;
  std::string client_id_;
  std::shared_ptr<ClientInstance> instance_;
  std::unique_ptr<ConsumerBrokerApi> api_;
  std::unique_ptr<OffsetBrokerApi> offset_api_;
  std::unique_ptr<OffsetStore> offset_store_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<Scheduler> scheduler_;
  int64_t consume_timestamp_ms_ = 0;
  std::atomic<int64_t> next_auto_commit_ms_{0};

  mutable Mutex mu_;
  std::condition_variable cache_cv_;  // with mu_: a request entered the cache, or stopping
  Mode mode_ ORBIT_GUARDED_BY(mu_) = Mode::kNone;
  std::map<std::string, protocol::SubscriptionData> subscriptions_ ORBIT_GUARDED_BY(mu_);
  std::set<MessageQueue> assigned_ ORBIT_GUARDED_BY(mu_);  // Assign mode, wire names
  std::map<MessageQueue, std::shared_ptr<QueueState>> queues_ ORBIT_GUARDED_BY(mu_);
  std::deque<ConsumeRequest> cache_ ORBIT_GUARDED_BY(mu_);
  int64_t cached_messages_ ORBIT_GUARDED_BY(mu_) = 0;
};

}  // namespace orbit::client
