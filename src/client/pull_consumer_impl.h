#pragma once

// The pull consumer's engine (Java's DefaultMQPullConsumerImpl with RebalancePullImpl), behind
// orbit::PullConsumer: pulls on the caller's request, offsets kept for the group, and the
// registered topics' queues shared among the group's consumers (rebalance without pulling:
// the MessageQueueListener hears of each change).
//
// Threads: any thread; rebalance and offset persistence run on the client instance's scheduler
// thread. mu_ is a leaf lock (topics, listeners, subscriptions).

#include <atomic>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "base/thread_annotations.h"
#include "client/client_instance.h"
#include "client/consumer_broker_api.h"
#include "client/offset_store.h"
#include "client/rebalance.h"
#include "orbit/pull_consumer.h"

namespace orbit::client {

class PullConsumerImpl : public ConsumerListener,
                         public RebalanceDeps,
                         public std::enable_shared_from_this<PullConsumerImpl> {
 public:
  explicit PullConsumerImpl(PullConsumerConfig config);
  ~PullConsumerImpl() override;

  void RegisterMessageQueueListener(const std::string& topic, MessageQueueListener listener)
      ORBIT_EXCLUDES(mu_);
  Status Start() ORBIT_EXCLUDES(mu_);
  void Shutdown();
  ServiceState state() const { return state_.load(); }
  const PullConsumerConfig& config() const { return config_; }
  std::string client_id() const;

  Result<std::vector<MessageQueue>> FetchSubscribeMessageQueues(const std::string& topic);
  std::vector<MessageQueue> FetchMessageQueuesInBalance(const std::string& topic) const;
  Result<PullResult> Pull(const MessageQueue& mq, const std::string& expression, int64_t offset,
                          int32_t max_nums, int64_t timeout_ms, bool block);
  Status PullAsync(const MessageQueue& mq, const std::string& expression, int64_t offset,
                   int32_t max_nums, PullCallback callback);
  Status UpdateConsumeOffset(const MessageQueue& mq, int64_t offset);
  Result<int64_t> FetchConsumeOffset(const MessageQueue& mq, bool from_store);
  Result<int64_t> MinOffset(const MessageQueue& mq);
  Result<int64_t> MaxOffset(const MessageQueue& mq);
  Result<int64_t> SearchOffset(const MessageQueue& mq, int64_t timestamp_ms);
  Result<int64_t> EarliestMsgStoreTime(const MessageQueue& mq);
  Status SendMessageBack(const MessageExt& msg, int32_t delay_level);

  // ConsumerListener.
  protocol::ConsumerData HeartbeatEntry() override ORBIT_EXCLUDES(mu_);
  std::vector<std::string> SubscribedTopics() override ORBIT_EXCLUDES(mu_);
  void OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) override;
  void DoRebalance() override;
  void PersistOffsets() override;

  // RebalanceDeps (Java's RebalancePullImpl).
  Result<std::vector<std::string>> FindConsumerIdList(const std::string& topic,
                                                      const std::string& group) override;
  int64_t ComputePullFromWhere(const MessageQueue&) override { return 0; }
  void RemoveDirtyOffset(const MessageQueue& queue) override;
  bool RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue& pq) override;
  bool Lock(const MessageQueue&) override { return true; }
  void DispatchPullRequests(std::vector<PullRequest>) override {}
  void MessageQueueChanged(const std::string& topic, const std::set<MessageQueue>& all,
                           const std::set<MessageQueue>& mine) override ORBIT_EXCLUDES(mu_);

 private:
  bool Running() const { return state_.load() == ServiceState::kRunning; }
  Status CheckRunning() const;
  bool clustering() const { return config_.message_model == MessageModel::kClustering; }
  // The request for one pull; `sub` gets the subscription (the topic is also added to the
  // heartbeat's subscriptions with "*", as Java's subscriptionAutomatically).
  Result<PullRequestSpec> MakeSpec(const MessageQueue& mq, const std::string& expression,
                                   int64_t offset, int32_t max_nums, bool block,
                                   protocol::SubscriptionData* sub) ORBIT_EXCLUDES(mu_);
  // Namespaced queue for the wire, and the result's topics back without the namespace.
  MessageQueue Wrap(const MessageQueue& mq) const;
  void Unwrap(PullResult& result) const;

  const PullConsumerConfig config_;
  std::atomic<ServiceState> state_{ServiceState::kCreateJust};
  std::string group_;
  std::string client_id_;
  std::shared_ptr<ClientInstance> instance_;
  std::unique_ptr<ConsumerBrokerApi> api_;
  std::unique_ptr<OffsetBrokerApi> offset_api_;
  std::unique_ptr<OffsetStore> offset_store_;
  std::unique_ptr<Rebalancer> rebalancer_;

  mutable Mutex mu_;
  std::map<std::string, MessageQueueListener> listeners_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, protocol::SubscriptionData> subscriptions_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::client
