#pragma once

// The producer's engine (Java's DefaultMQProducerImpl), behind orbit::Producer.
//
// Threads: sends run on the caller's thread up to the write; sync sends wait for their answer
// there. Answers arrive on the client instance's I/O thread, which finishes an async send (or
// starts its retry) and hands the user's callback to the producer's callback thread
// ("orbit-callback"). Owned through a shared_ptr: an async send in flight keeps it alive.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "base/thread_annotations.h"
#include "client/callback_executor.h"
#include "client/client_instance.h"
#include "client/fault_strategy.h"
#include "client/send_request.h"
#include "client/topic_publish_info.h"
#include "orbit/producer.h"
#include "orbit/transaction_producer.h"

namespace orbit::client {

class ProducerImpl : public ProducerListener, public std::enable_shared_from_this<ProducerImpl> {
 public:
  explicit ProducerImpl(ProducerConfig config);
  ~ProducerImpl() override;

  Status Start();
  void Shutdown();
  ServiceState state() const { return state_.load(); }
  const ProducerConfig& config() const { return config_; }
  std::string client_id() const;

  // Where a send goes: chosen by the producer (with retries), a given queue, or a selector.
  struct Target {
    const MessageQueue* queue = nullptr;
    const QueueSelector* selector = nullptr;
  };
  Result<SendResult> Send(const Message& message, Target target, int64_t timeout_ms);
  Result<SendResult> SendBatch(const std::vector<Message>& batch, int64_t timeout_ms);
  Status SendAsync(const Message& message, Target target, SendCallback callback);
  Status SendOneway(const Message& message, Target target);
  Result<std::vector<MessageQueue>> FetchPublishQueues(const std::string& topic);
  Result<Message> Request(const Message& message, int64_t timeout_ms);
  void AddSendHook(std::shared_ptr<SendHook> hook) ORBIT_EXCLUDES(mu_);

  // Transactions. Before Start(): makes this a transactional producer.
  void SetTransactionListener(std::shared_ptr<TransactionListener> listener, int hold_max);
  using LocalExecutor = std::function<LocalTransactionState(const Message&, const SendResult&)>;
  Result<TransactionSendResult> SendInTransaction(const Message& message,
                                                  const LocalExecutor& execute);

  // ProducerListener.
  std::vector<std::string> PublishTopics() override ORBIT_EXCLUDES(mu_);
  void OnPublishInfo(const std::string& topic,
                     std::shared_ptr<const TopicPublishInfo> info) override ORBIT_EXCLUDES(mu_);
  void OnCheckTransactionState(const std::string& broker_addr,
                               protocol::RemotingCommand request) override;

 private:
  struct AsyncSend;

  Status CheckRunning() const;
  // A given queue must be of the message's topic.
  Status CheckTarget(const Message& message, Target target) const;
  // The topic as sent: with the namespace prefix when one is configured.
  std::string WithNamespace(const std::string& name) const;
  // Java's tryToFindTopicPublishInfo: the cached publish info, else the route from the name
  // servers, else the default topic's route (auto-creation). kNoRoute when there is none.
  Result<std::shared_ptr<const TopicPublishInfo>> FindPublishInfo(const std::string& topic)
      ORBIT_EXCLUDES(mu_);
  // The queue for one attempt, and its broker's master address.
  Result<MessageQueue> ChooseQueue(const Message& message, Target target,
                                   const TopicPublishInfo& info, const std::string& last_broker);
  Result<std::string> BrokerAddress(const std::string& topic, const std::string& broker_name);
  // The same for every send (the config does not change once started): built once.
  const SendRequestOptions& RequestOptions() const;
  SendRequestOptions MakeRequestOptions() const;
  std::vector<std::shared_ptr<SendHook>> Hooks() const ORBIT_EXCLUDES(mu_);
  // What the hooks see of an attempt (empty when there are no hooks: nothing to copy).
  SendContext HookContext(const Message* message, const MessageQueue& queue,
                          CommunicationMode mode) const;
  void RunHooks(bool before, const SendContext& context) const;
  // One sync attempt to `queue`; `message` gets its UNIQ_KEY on the first attempt.
  Result<SendResult> SendOnce(Message* message, const MessageQueue& queue, int64_t timeout_ms,
                              std::string* broker_addr);
  // Async: one attempt of `op`; finishes it (Complete) or retries from the answer's thread.
  void StartAsyncAttempt(const std::shared_ptr<AsyncSend>& op);
  void CompleteAsync(const std::shared_ptr<AsyncSend>& op, Result<SendResult> result);
  Status AcquireAsyncSlot();
  void ReleaseAsyncSlot();
  // The error after the last failed attempt (Java's "Send [N] times, still failed ...").
  Status FinalError(const Status& last, int attempts, int64_t cost_ms, const std::string& topic,
                    const std::vector<std::string>& brokers) const;
  bool IsRetriableResponse(const Status& status) const;
  // END_TRANSACTION (oneway) to `broker_addr`.
  void EndTransaction(const std::string& broker_addr, protocol::EndTransactionRequestHeader header,
                      std::optional<std::string> remark);

  const ProducerConfig config_;
  std::atomic<ServiceState> state_{ServiceState::kCreateJust};
  std::string client_id_;
  std::shared_ptr<ClientInstance> instance_;
  FaultStrategy fault_;
  std::unique_ptr<CallbackExecutor> callbacks_;
  std::shared_ptr<TransactionListener> tx_listener_;  // set before Start, then read-only
  int check_hold_max_ = 2000;
  std::unique_ptr<CallbackExecutor> checks_;  // "orbit-txcheck"
  std::atomic<int> checks_pending_{0};

  mutable Mutex mu_;
  std::map<std::string, std::shared_ptr<const TopicPublishInfo>> publish_info_
      ORBIT_GUARDED_BY(mu_);
  std::vector<std::shared_ptr<SendHook>> hooks_ ORBIT_GUARDED_BY(mu_);
  std::atomic<bool> has_hooks_{false};
  mutable std::once_flag request_options_once_;
  mutable SendRequestOptions request_options_;

  std::mutex async_mu_;  // guards async_in_flight_ for async_cv_
  std::condition_variable async_cv_;
  int async_in_flight_ = 0;
};

}  // namespace orbit::client
