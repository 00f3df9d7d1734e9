#include "client/push_consumer_impl.h"

#include <algorithm>
#include <chrono>
#include <climits>
#include <exception>
#include <utility>

#include "base/log.h"
#include "client/pull_api.h"
#include "client/validators.h"
#include "protocol/bodies_consumer.h"
#include "protocol/codes.h"
#include "protocol/headers_consumer.h"
#include "protocol/headers_pull.h"
#include "protocol/properties.h"

namespace orbit::client {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// Java's DefaultMQPushConsumerImpl / ConsumeMessage*Service constants.
constexpr int64_t kBrokerSuspendMaxTimeMs = 15000;
constexpr int64_t kConsumerTimeoutWhenSuspendMs = 30000;
constexpr int64_t kOffsetMovedRemoveDelayMs = 10000;
constexpr int64_t kConsumeRetryDelayMs = 5000;            // submitConsumeRequestLater
constexpr int64_t kMaxTimeConsumeContinuouslyMs = 60000;  // orderly, per queue and round
constexpr int64_t kUnlockDelayMs = 20000;                 // orderly, a queue still holding messages
constexpr int32_t kDefaultMaxReconsumeTimes = 16;
// After a reset, how long the dropped queues are left for the pulls and listeners in flight to
// see that they were dropped, before the new offsets are stored (Java waits 10 s).
constexpr int64_t kResetOffsetSettleMs = 1000;

int64_t SteadyMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// The messages of `msgs` whose queue offsets are not in `remove`.
std::vector<MessageExt> Without(std::vector<MessageExt> msgs,
                                const std::vector<MessageExt>& remove) {
  std::set<int64_t> offsets;
  for (const auto& m : remove) offsets.insert(m.queue_offset);
  std::erase_if(msgs, [&](const MessageExt& m) { return offsets.contains(m.queue_offset); });
  return msgs;
}

Status CheckRange(const char* name, int64_t value, int64_t lo, int64_t hi) {
  if (value >= lo && value <= hi) return Status::Ok();
  return InvalidArgument(std::string(name) + " out of range [" + std::to_string(lo) + ", " +
                         std::to_string(hi) + "]: " + std::to_string(value));
}

}  // namespace

PushConsumerImpl::PushConsumerImpl(PushConsumerConfig config) : config_(std::move(config)) {}

PushConsumerImpl::~PushConsumerImpl() { Shutdown(); }

std::string PushConsumerImpl::client_id() const {
  return client_id_.empty() ? ClientInstance::BuildClientId(config_) : client_id_;
}

int32_t PushConsumerImpl::MaxReconsumeTimes() const {
  if (config_.max_reconsume_times != -1) return config_.max_reconsume_times;
  return orderly() ? INT32_MAX : kDefaultMaxReconsumeTimes;
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and listeners

Status PushConsumerImpl::Subscribe(const std::string& topic, const std::string& expression) {
  ORBIT_RETURN_IF_ERROR(ValidateTopic(topic));
  const std::string wrapped = WrapNamespace(config_.name_space, topic);
  ORBIT_ASSIGN_OR_RETURN(protocol::SubscriptionData sub,
                         BuildSubscription(wrapped, expression, WallMillis()));
  {
    MutexLock lock(mu_);
    subscriptions_[wrapped] = std::move(sub);
  }
  if (Running()) RefreshAfterSubscribe(instance_, weak(), wrapped);
  return Status::Ok();
}

void PushConsumerImpl::Unsubscribe(const std::string& topic) {
  MutexLock lock(mu_);
  subscriptions_.erase(WrapNamespace(config_.name_space, topic));
}

void PushConsumerImpl::SetListener(ConcurrentListener listener) {
  if (state_.load() != ServiceState::kCreateJust) return;
  concurrent_listener_ = std::move(listener);
  orderly_listener_ = nullptr;
}

void PushConsumerImpl::SetListener(OrderlyListener listener) {
  if (state_.load() != ServiceState::kCreateJust) return;
  orderly_listener_ = std::move(listener);
  concurrent_listener_ = nullptr;
}

std::optional<protocol::SubscriptionData> PushConsumerImpl::SubscriptionOf(
    const std::string& topic) const {
  MutexLock lock(mu_);
  auto it = subscriptions_.find(topic);
  if (it == subscriptions_.end()) return std::nullopt;
  return it->second;
}

// ---------------------------------------------------------------------------------------------
// Start and shutdown

Status PushConsumerImpl::Start() {
  ServiceState expected = ServiceState::kCreateJust;
  if (!state_.compare_exchange_strong(expected, ServiceState::kStartFailed)) {
    return Status(ErrorCode::kNotRunning,
                  std::string("The PushConsumer service state not OK, maybe started once, ") +
                      ServiceStateName(expected));
  }
  if (!concurrent_listener_ && !orderly_listener_) {
    return InvalidArgument("no message listener: call RegisterListener before Start");
  }
  ORBIT_RETURN_IF_ERROR(CheckRange("consume_thread_min", config_.consume_thread_min, 1, 1000));
  ORBIT_RETURN_IF_ERROR(CheckRange("consume_thread_max", config_.consume_thread_max,
                                   config_.consume_thread_min, 1000));
  ORBIT_RETURN_IF_ERROR(
      CheckRange("consume_concurrently_max_span", config_.consume_concurrently_max_span, 1, 65535));
  ORBIT_RETURN_IF_ERROR(
      CheckRange("pull_threshold_for_queue", config_.pull_threshold_for_queue, 1, 65535));
  ORBIT_RETURN_IF_ERROR(
      CheckRange("pull_threshold_size_for_queue", config_.pull_threshold_size_for_queue, 1, 1024));
  if (config_.pull_threshold_for_topic != -1) {
    ORBIT_RETURN_IF_ERROR(
        CheckRange("pull_threshold_for_topic", config_.pull_threshold_for_topic, 1, 6553500));
  }
  if (config_.pull_threshold_size_for_topic != -1) {
    ORBIT_RETURN_IF_ERROR(CheckRange("pull_threshold_size_for_topic",
                                     config_.pull_threshold_size_for_topic, 1, 102400));
  }
  ORBIT_RETURN_IF_ERROR(CheckRange("pull_interval_ms", config_.pull_interval_ms, 0, 65535));
  ORBIT_RETURN_IF_ERROR(CheckRange("consume_message_batch_max_size",
                                   config_.consume_message_batch_max_size, 1, 1024));
  ORBIT_RETURN_IF_ERROR(CheckRange("pull_batch_size", config_.pull_batch_size, 1, 1024));
  ORBIT_RETURN_IF_ERROR(
      CheckRange("consume_timeout_minutes", config_.consume_timeout_minutes, 1, INT32_MAX));
  ORBIT_ASSIGN_OR_RETURN(consume_timestamp_ms_, ConsumeTimestampMillis(config_.consume_from_where,
                                                                       config_.consume_timestamp));

  ORBIT_ASSIGN_OR_RETURN(
      ConsumerParts parts,
      MakeConsumerParts(config_, config_.group, clustering(), config_.local_offset_store_dir));
  group_ = std::move(parts.group);
  client_id_ = std::move(parts.client_id);
  instance_ = std::move(parts.instance);
  api_ = std::move(parts.api);
  offset_api_ = std::move(parts.offset_api);
  offset_store_ = std::move(parts.offset_store);
  if (clustering()) {
    // The retry topic of the group is always subscribed (Java's copySubscription).
    ORBIT_ASSIGN_OR_RETURN(protocol::SubscriptionData retry,
                           BuildSubscription(RetryTopic(group_), "*", WallMillis()));
    MutexLock lock(mu_);
    subscriptions_[retry.topic] = std::move(retry);
  }
  std::shared_ptr<AllocateStrategy> strategy =
      config_.allocate_strategy ? config_.allocate_strategy : AllocateAveragely();
  rebalancer_ = std::make_unique<Rebalancer>(group_, ToProtocol(config_.message_model),
                                             protocol::ConsumeType::kConsumePassively, strategy,
                                             client_id_, this);
  threshold_count_.store(config_.pull_threshold_for_queue);
  threshold_size_mib_.store(config_.pull_threshold_size_for_queue);

  consume_pool_ = std::make_unique<ThreadPool>("orbit-consume", config_.consume_thread_min);
  pull_scheduler_ = std::make_unique<Scheduler>("orbit-pull");
  if (orderly() && clustering()) {
    pull_scheduler_->Add("lock-all", 1000, kRebalanceLockIntervalMs, [this] { LockAll(); });
  }
  if (!orderly()) {
    const int64_t every = config_.consume_timeout_minutes * 60 * 1000;
    pull_scheduler_->Add("clean-expired", every, every, [this] { CleanExpiredMessages(); });
  }
  pull_scheduler_->Start();

  // Running before the instance can call back (rebalance, route updates).
  start_timestamp_ms_ = WallMillis();
  state_.store(ServiceState::kRunning);
  if (Status st = instance_->RegisterConsumer(group_, this); !st.ok()) {
    state_.store(ServiceState::kStartFailed);
    pull_scheduler_->Stop();
    consume_pool_->Stop(0);
    instance_.reset();
    return st;
  }
  for (const std::string& topic : SubscribedTopics()) {
    auto changed = instance_->UpdateTopicRoute(topic);
    if (!changed.ok() && !topic.starts_with(kRetryTopicPrefix)) {
      ORBIT_LOG_WARN("consumer {}: route of {}: {}", group_, topic, changed.status().ToString());
    }
    // The route may have been stored already (another client of this instance): not a change.
    if (auto queues = instance_->SubscribeQueues(topic)) OnSubscribeInfo(topic, std::move(*queues));
  }
  instance_->SendHeartbeatToAllBrokers();
  // A new group's retry topic exists once a broker had the heartbeat (it is routed before the
  // answer): fetched now rather than at the next route refresh, so that the first messages sent
  // back come back on time.
  for (const std::string& topic : SubscribedTopics()) {
    if (instance_->SubscribeQueues(topic)) continue;
    if (instance_->UpdateTopicRoute(topic).ok()) {
      if (auto queues = instance_->SubscribeQueues(topic)) {
        OnSubscribeInfo(topic, std::move(*queues));
      }
    }
  }
  instance_->RebalanceSoon();
  ORBIT_LOG_INFO("push consumer {} started as {} ({}, {})", group_, client_id_,
                 clustering() ? "clustering" : "broadcasting",
                 orderly() ? "orderly" : "concurrently");
  return Status::Ok();
}

void PushConsumerImpl::Shutdown() {
  ServiceState expected = ServiceState::kRunning;
  if (!state_.compare_exchange_strong(expected, ServiceState::kShutdownAlready)) return;
  // No more pulls, retries or re-locks; then the listeners end.
  pull_scheduler_->Stop();
  if (!consume_pool_->Stop(config_.await_termination_millis_when_shutdown)) {
    ORBIT_LOG_WARN("consumer {}: listeners still running after {} ms; not waited for", group_,
                   config_.await_termination_millis_when_shutdown);
  }
  if (orderly() && clustering()) UnlockAll();
  // The offsets of what was consumed go first (oneway, on the connection the unregister request
  // then takes): the consumers that take the queues over read them.
  PersistOffsets();
  // Waits for a rebalance in progress (none starts: not running), then tells the brokers.
  instance_->UnregisterConsumer(group_);
  api_->StopProducer();
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) pq->set_dropped(true);
  instance_.reset();
  ORBIT_LOG_INFO("push consumer {} shut down", group_);
}

std::vector<MessageQueue> PushConsumerImpl::AssignedQueues() const {
  std::vector<MessageQueue> out;
  if (!rebalancer_) return out;
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) {
    if (!pq->dropped()) out.push_back(mq);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// ConsumerListener

protocol::ConsumerData PushConsumerImpl::HeartbeatEntry() {
  MutexLock lock(mu_);
  return MakeConsumerData(group_, protocol::ConsumeType::kConsumePassively, config_.message_model,
                          config_.consume_from_where, config_.unit_mode, subscriptions_);
}

std::vector<std::string> PushConsumerImpl::SubscribedTopics() {
  MutexLock lock(mu_);
  return TopicsOf(subscriptions_);
}

void PushConsumerImpl::OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) {
  if (!SubscriptionOf(topic)) return;
  rebalancer_->SetSubscribeInfo(topic, queues);
}

void PushConsumerImpl::DoRebalance() {
  if (!Running()) return;
  rebalancer_->DoRebalance(SubscribedTopics(), orderly());
}

void PushConsumerImpl::PersistOffsets() {
  if (!offset_store_ || !rebalancer_) return;
  std::set<MessageQueue> mqs;
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) mqs.insert(mq);
  if (Status st = offset_store_->PersistAll(mqs); !st.ok()) {
    ORBIT_LOG_WARN("consumer {}: offsets not stored: {}", group_, st.ToString());
  }
}

void PushConsumerImpl::OnResetOffset(const std::string& topic,
                                     const std::map<MessageQueue, int64_t>& offsets) {
  if (!Running()) return;
  // Java's MQClientInstance.resetOffset: the queues of the topic held here are dropped at once
  // (their pulls and listeners in flight commit nothing more); a moment later the new offsets
  // are stored, the queues let go, and a rebalance takes them again from the new offsets.
  std::map<MessageQueue, int64_t> held;
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) {
    auto it = offsets.find(mq);
    if (mq.topic != topic || it == offsets.end()) continue;
    pq->set_dropped(true);
    pq->Clear();
    held.emplace(mq, it->second);
  }
  if (held.empty()) return;
  pull_scheduler_->PostAfter(kResetOffsetSettleMs, [weak = weak(), held = std::move(held)] {
    auto self = weak.lock();
    if (!self || !self->Running()) return;
    for (const auto& [mq, offset] : held) {
      self->offset_store_->UpdateOffset(mq, offset, false);
      // Stores the offset (at the broker, or in the local file) and forgets it here.
      self->rebalancer_->RemoveProcessQueue(mq);
      ORBIT_LOG_INFO("consumer {}: {} reset to offset {}", self->group_, mq.ToString(), offset);
    }
    self->instance_->RebalanceSoon();
  });
}

std::optional<protocol::ConsumerRunningInfo> PushConsumerImpl::RunningInfo() {
  if (!Running()) return std::nullopt;
  protocol::ConsumerRunningInfo info;
  auto& props = info.properties;
  // The settings a Java consumer reports (its config as properties), by Java's names.
  props["consumerGroup"] = group_;
  props["messageModel"] = clustering() ? "CLUSTERING" : "BROADCASTING";
  props["consumeFromWhere"] =
      std::string(protocol::JavaEnumName(ToProtocol(config_.consume_from_where)));
  props["consumeTimestamp"] = config_.consume_timestamp;
  props["consumeThreadMin"] = std::to_string(config_.consume_thread_min);
  props["consumeThreadMax"] = std::to_string(config_.consume_thread_max);
  props["consumeMessageBatchMaxSize"] = std::to_string(config_.consume_message_batch_max_size);
  props["pullBatchSize"] = std::to_string(config_.pull_batch_size);
  props["pullInterval"] = std::to_string(config_.pull_interval_ms);
  props["pullThresholdForQueue"] = std::to_string(config_.pull_threshold_for_queue);
  props["pullThresholdSizeForQueue"] = std::to_string(config_.pull_threshold_size_for_queue);
  props["consumeConcurrentlyMaxSpan"] = std::to_string(config_.consume_concurrently_max_span);
  props["maxReconsumeTimes"] = std::to_string(MaxReconsumeTimes());
  props["consumeTimeout"] = std::to_string(config_.consume_timeout_minutes);
  props["instanceName"] = config_.instance_name;
  props["unitMode"] = config_.unit_mode ? "true" : "false";
  props[std::string(protocol::kPropConsumeOrderly)] = orderly() ? "true" : "false";
  props[std::string(protocol::kPropThreadPoolCoreSize)] =
      std::to_string(config_.consume_thread_min);
  props[std::string(protocol::kPropConsumeType)] = "CONSUME_PASSIVELY";
  props[std::string(protocol::kPropConsumerStartTimestamp)] = std::to_string(start_timestamp_ms_);
  props[std::string(protocol::kPropClientVersion)] = std::to_string(protocol::kOrbitVersion);
  {
    MutexLock lock(mu_);
    for (const auto& [topic, sub] : subscriptions_) info.subscription_set.push_back(sub);
  }
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) {
    protocol::ProcessQueueInfo pqi;
    pq->FillProcessQueueInfo(&pqi);
    pqi.commit_offset = offset_store_->ReadOffset(mq, ReadOffsetType::kReadFromMemory);
    info.mq_table[protocol::MessageQueue{mq.topic, mq.broker_name, mq.queue_id}] = pqi;
  }
  // The consume statistics (statusTable) are not kept by this client: the table stays empty.
  return info;
}

bool PushConsumerImpl::ConsumeMessageDirectly(MessageExt msg, DirectResultCallback done) {
  if (!Running()) return false;
  consume_pool_->Submit([self = shared_from_this(), msg = std::move(msg),
                         done = std::move(done)]() mutable {
    std::vector<MessageExt> msgs{std::move(msg)};
    self->ResetRetryTopic(msgs);
    MessageQueue mq{msgs.front().topic(), msgs.front().broker_name, msgs.front().queue_id};
    protocol::ConsumeMessageDirectlyResult result;
    result.order = self->orderly();
    result.auto_commit = true;
    const int64_t start = WallMillis();
    try {
      if (self->orderly()) {
        ConsumeOrderlyContext context;
        context.queue = mq;
        result.consume_result =
            self->orderly_listener_(msgs, context) == ConsumeOrderlyStatus::kSuccess
                ? protocol::CMResult::kCrSuccess
                : protocol::CMResult::kCrLater;
      } else {
        ConsumeConcurrentlyContext context;
        context.queue = mq;
        result.consume_result =
            self->concurrent_listener_(msgs, context) == ConsumeConcurrentlyStatus::kConsumeSuccess
                ? protocol::CMResult::kCrSuccess
                : protocol::CMResult::kCrLater;
      }
    } catch (const std::exception& e) {
      result.consume_result = protocol::CMResult::kCrThrowException;
      result.remark = e.what();
    } catch (...) {
      result.consume_result = protocol::CMResult::kCrThrowException;
      result.remark = "the listener threw";
    }
    result.spent_time_mills = WallMillis() - start;
    done(std::move(result));
  });
  return true;
}

// ---------------------------------------------------------------------------------------------
// RebalanceDeps

Result<std::vector<std::string>> PushConsumerImpl::FindConsumerIdList(const std::string& topic,
                                                                      const std::string& group) {
  return instance_->FindConsumerIdList(topic, group);
}

int64_t PushConsumerImpl::ComputePullFromWhere(const MessageQueue& queue) {
  StartOffsetLookups lookups;
  lookups.max_offset = [this](const MessageQueue& mq) { return api_->MaxOffset(mq); };
  lookups.search_offset = [this](const MessageQueue& mq, int64_t ts) {
    return api_->SearchOffset(mq, ts);
  };
  return client::ComputePullFromWhere(ToProtocol(config_.consume_from_where), queue, *offset_store_,
                                      lookups, consume_timestamp_ms_);
}

void PushConsumerImpl::RemoveDirtyOffset(const MessageQueue& queue) {
  offset_store_->RemoveOffset(queue);
}

bool PushConsumerImpl::RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue& pq) {
  (void)offset_store_->Persist(queue);
  offset_store_->RemoveOffset(queue);
  if (!(orderly() && clustering())) return true;
  // Orderly: give the broker lock back, but not while a listener runs on the queue.
  if (!pq.consume_lock().TryLockFor(std::chrono::milliseconds(1000))) {
    ORBIT_LOG_WARN("consumer {}: {} is being consumed; unlock tried again later", group_,
                   queue.ToString());
    pq.IncTryUnlockTimes();
    return false;
  }
  if (pq.HasTempMessage()) {
    // Java's unlockDelay: messages still held may be consumed by this client meanwhile.
    pull_scheduler_->PostAfter(kUnlockDelayMs, [weak = weak(), queue] {
      if (auto self = weak.lock()) self->api_->UnlockBatch(queue.broker_name, {queue}, true);
    });
  } else {
    api_->UnlockBatch(queue.broker_name, {queue}, true);
  }
  pq.consume_lock().Unlock();
  return true;
}

bool PushConsumerImpl::Lock(const MessageQueue& queue) {
  // Broadcasting: every consumer consumes every queue; a broker lock would let only one of them.
  if (!clustering()) return true;
  auto locked = api_->LockBatch(queue.broker_name, {queue});
  if (!locked.ok()) {
    ORBIT_LOG_WARN("consumer {}: lock of {} failed: {}", group_, queue.ToString(),
                   locked.status().ToString());
    return false;
  }
  const bool ok = locked->contains(queue);
  if (ok) {
    if (auto pq = rebalancer_->ProcessQueueOf(queue)) {
      pq->set_locked(true);
      pq->TouchLastLock();
    }
  }
  return ok;
}

void PushConsumerImpl::DispatchPullRequests(std::vector<PullRequest> requests) {
  for (auto& request : requests) {
    ORBIT_LOG_INFO("consumer {}: takes {} from offset {}", group_, request.queue.ToString(),
                   request.next_offset);
    PullMessage(std::make_shared<PullRequest>(std::move(request)));
  }
}

void PushConsumerImpl::MessageQueueChanged(const std::string& /*topic*/,
                                           const std::set<MessageQueue>& /*all*/,
                                           const std::set<MessageQueue>& mine) {
  const auto n = static_cast<int64_t>(mine.size());
  threshold_count_.store(
      ThresholdPerQueue(config_.pull_threshold_for_topic, n, config_.pull_threshold_for_queue));
  threshold_size_mib_.store(ThresholdPerQueue(config_.pull_threshold_size_for_topic, n,
                                              config_.pull_threshold_size_for_queue));
  // Java tells the brokers at once (the group's subscription versions changed).
  instance_->SendHeartbeatToAllBrokers();
}

// ---------------------------------------------------------------------------------------------
// Pulling

void PushConsumerImpl::PullLater(const std::shared_ptr<PullRequest>& request, int64_t delay_ms) {
  pull_scheduler_->PostAfter(delay_ms, [weak = weak(), request] {
    if (auto self = weak.lock()) self->PullMessage(request);
  });
}

void PushConsumerImpl::PullMessage(const std::shared_ptr<PullRequest>& request) {
  if (!Running()) return;
  ProcessQueue& pq = *request->process_queue;
  if (pq.dropped()) return;
  pq.TouchLastPull();
  PullThresholds thresholds;
  thresholds.max_messages = threshold_count_.load();
  thresholds.max_size_mib = threshold_size_mib_.load();
  thresholds.max_span = config_.consume_concurrently_max_span;
  const PullDecision decision = DecidePull(pq, thresholds, orderly(), paused_.load());
  if (decision == PullDecision::kDropped) return;
  if (decision != PullDecision::kPull) {
    if ((flow_control_times_.fetch_add(1) % 1000) == 0 && decision != PullDecision::kPaused) {
      ORBIT_LOG_WARN("consumer {}: {} waits ({}; {} messages, {} bytes held)", group_,
                     request->queue.ToString(), PullDecisionName(decision), pq.msg_count(),
                     pq.msg_size());
    }
    PullLater(request, PullDelayMs(decision));
    return;
  }
  std::optional<protocol::SubscriptionData> sub = SubscriptionOf(request->queue.topic);
  if (!sub) {
    ORBIT_LOG_WARN("consumer {}: no subscription of {} any more", group_, request->queue.topic);
    PullLater(request, kPullDelayWhenExceptionMs);
    return;
  }
  PullRequestSpec spec;
  spec.consumer_group = group_;
  spec.queue = request->queue;
  spec.offset = request->next_offset;
  spec.max_nums = config_.pull_batch_size;
  bool commit = false;
  if (clustering()) {
    spec.commit_offset = offset_store_->ReadOffset(request->queue, ReadOffsetType::kReadFromMemory);
    commit = spec.commit_offset > 0;
    if (!commit) spec.commit_offset = 0;
  }
  const bool post_sub = config_.post_subscription_when_pull && !sub->class_filter_mode;
  spec.sys_flag = BuildPullSysFlag(commit, true, post_sub, false);
  if (post_sub) spec.subscription = sub->sub_string;
  spec.sub_version = sub->sub_version;
  spec.expression_type = sub->expression_type;
  spec.suspend_timeout_ms = kBrokerSuspendMaxTimeMs;
  api_->PullAsync(spec, *sub, kConsumerTimeoutWhenSuspendMs,
                  [weak = weak(), request](Result<PullResult> result) {
                    if (auto self = weak.lock()) self->OnPullAnswer(request, std::move(result));
                  });
}

void PushConsumerImpl::OnPullAnswer(const std::shared_ptr<PullRequest>& request,
                                    Result<PullResult> result) {
  if (!Running()) return;
  const MessageQueue& mq = request->queue;
  if (!result.ok()) {
    ORBIT_LOG_WARN("consumer {}: pull of {} failed: {}", group_, mq.ToString(),
                   result.status().ToString());
    PullLater(request, kPullDelayWhenExceptionMs);
    return;
  }
  const std::shared_ptr<ProcessQueue>& pq = request->process_queue;
  switch (result->status) {
    case PullStatus::kFound: {
      request->next_offset = result->next_begin_offset;
      if (result->messages.empty()) {
        PullMessage(request);
        return;
      }
      // Orderly: the process queue keeps the messages and hands them out. Concurrently: the
      // consume task takes them, the queue keeps track of their offsets.
      if (orderly()) {
        const bool dispatch = pq->PutMessage(std::move(result->messages));
        SubmitConsume({}, pq, mq, dispatch);
      } else {
        pq->TrackMessages(result->messages);
        SubmitConsume(std::move(result->messages), pq, mq, true);
      }
      if (config_.pull_interval_ms > 0) {
        PullLater(request, config_.pull_interval_ms);
      } else {
        PullMessage(request);
      }
      return;
    }
    case PullStatus::kNoNewMsg:
    case PullStatus::kNoMatchedMsg:
      request->next_offset = result->next_begin_offset;
      CorrectTagsOffset(*request);
      PullMessage(request);
      return;
    case PullStatus::kOffsetIllegal: {
      ORBIT_LOG_WARN("consumer {}: offset {} of {} is illegal; the queue restarts at {}", group_,
                     request->next_offset, mq.ToString(), result->next_begin_offset);
      request->next_offset = result->next_begin_offset;
      pq->set_dropped(true);
      pull_scheduler_->PostAfter(kOffsetMovedRemoveDelayMs, [weak = weak(), request] {
        auto self = weak.lock();
        if (!self || !self->Running()) return;
        self->offset_store_->UpdateOffset(request->queue, request->next_offset, false);
        (void)self->offset_store_->Persist(request->queue);
        self->rebalancer_->RemoveProcessQueue(request->queue);
      });
      return;
    }
  }
}

void PushConsumerImpl::CorrectTagsOffset(const PullRequest& request) {
  // Nothing held: everything up to the next offset was filtered out or consumed.
  if (request.process_queue->msg_count() == 0) {
    offset_store_->UpdateOffset(request.queue, request.next_offset, true);
  }
}

// ---------------------------------------------------------------------------------------------
// Consuming

void PushConsumerImpl::SubmitConsume(std::vector<MessageExt> msgs,
                                     const std::shared_ptr<ProcessQueue>& pq,
                                     const MessageQueue& mq, bool dispatch) {
  if (orderly()) {
    if (!dispatch) return;
    consume_pool_->Submit([self = shared_from_this(), pq, mq] { self->ConsumeOrderly(pq, mq); });
    return;
  }
  // One task per pulled batch, calling the listener for each consume_message_batch_max_size
  // slice in turn (Java submits every slice as its own task: a thread wake-up per listener call,
  // which costs more than the call itself at one message per call). Slices of one pull run in
  // order on one thread; the next pull of the queue, and the other queues, run on the others.
  consume_pool_->Submit([self = shared_from_this(), msgs = std::move(msgs), pq, mq]() mutable {
    if (pq->dropped() || msgs.empty()) return;
    // The held copies get their start time once per pulled batch (for the consume timeout).
    pq->MarkConsumeStart(msgs, WallMillis());
    const size_t batch = static_cast<size_t>(self->config_.consume_message_batch_max_size);
    if (msgs.size() <= batch) {
      self->ConsumeConcurrently(std::move(msgs), pq, mq);
      return;
    }
    for (size_t i = 0; i < msgs.size() && !pq->dropped(); i += batch) {
      const size_t end = std::min(msgs.size(), i + batch);
      std::vector<MessageExt> part(
          std::make_move_iterator(msgs.begin() + static_cast<ptrdiff_t>(i)),
          std::make_move_iterator(msgs.begin() + static_cast<ptrdiff_t>(end)));
      self->ConsumeConcurrently(std::move(part), pq, mq);
    }
  });
}

void PushConsumerImpl::ResetRetryTopic(std::vector<MessageExt>& msgs) const {
  const std::string retry = RetryTopic(group_);
  for (MessageExt& msg : msgs) {
    if (msg.topic() == retry) {
      if (auto original = msg.GetProperty(protocol::kPropertyRetryTopic)) {
        msg.set_topic(std::move(*original));
      }
    }
    if (!config_.name_space.empty()) {
      msg.set_topic(UnwrapNamespace(config_.name_space, msg.topic()));
    }
  }
}

void PushConsumerImpl::ConsumeConcurrently(std::vector<MessageExt> msgs,
                                           const std::shared_ptr<ProcessQueue>& pq,
                                           const MessageQueue& mq) {
  if (pq->dropped() || msgs.empty()) return;
  ResetRetryTopic(msgs);
  const int64_t start = WallMillis();
  const std::string stamp = std::to_string(start);
  for (MessageExt& msg : msgs) {
    msg.PutPropertyUnchecked(std::string(protocol::kPropertyConsumeStartTimestamp), stamp);
  }
  ConsumeConcurrentlyContext context;
  context.queue = mq;
  ConsumeConcurrentlyStatus status = ConsumeConcurrentlyStatus::kReconsumeLater;
  try {
    status = concurrent_listener_(msgs, context);
  } catch (const std::exception& e) {
    ORBIT_LOG_WARN("consumer {}: listener threw on {} ({}): {}; consumed again later", group_,
                   msgs.front().msg_id, mq.ToString(), e.what());
  } catch (...) {
    ORBIT_LOG_WARN("consumer {}: listener threw on {} ({}); consumed again later", group_,
                   msgs.front().msg_id, mq.ToString());
  }
  if (pq->dropped()) {
    // The queue went to another consumer meanwhile; it consumes from the committed offset.
    ORBIT_LOG_WARN("consumer {}: {} was let go during consumption; result dropped", group_,
                   mq.ToString());
    return;
  }
  // Java's processConsumeResult.
  int64_t ack_index = context.ack_index;
  if (status == ConsumeConcurrentlyStatus::kConsumeSuccess) {
    ack_index = std::min<int64_t>(ack_index, static_cast<int64_t>(msgs.size()) - 1);
  } else {
    ack_index = -1;
  }
  std::vector<MessageExt> back_failed;
  for (size_t i = static_cast<size_t>(ack_index + 1); i < msgs.size(); ++i) {
    MessageExt& msg = msgs[i];
    if (!clustering()) {
      ORBIT_LOG_WARN("consumer {}: broadcasting, message {} failed and is dropped", group_,
                     msg.msg_id);
      continue;
    }
    Status back = SendMessageBack(msg, context.delay_level_when_next_consume, mq.broker_name);
    if (!back.ok()) {
      ORBIT_LOG_WARN("consumer {}: message {} could not be sent back ({}); consumed again here",
                     group_, msg.msg_id, back.ToString());
      msg.reconsume_times += 1;
      back_failed.push_back(msg);
    }
  }
  if (!back_failed.empty()) {
    msgs = Without(std::move(msgs), back_failed);
    SubmitConcurrentLater(std::move(back_failed), pq, mq);
  }
  const int64_t offset = pq->RemoveMessage(msgs);
  if (offset >= 0 && !pq->dropped()) offset_store_->UpdateOffset(mq, offset, true);
}

void PushConsumerImpl::SubmitConcurrentLater(std::vector<MessageExt> msgs,
                                             const std::shared_ptr<ProcessQueue>& pq,
                                             const MessageQueue& mq) {
  pull_scheduler_->PostAfter(kConsumeRetryDelayMs,
                             [weak = weak(), msgs = std::move(msgs), pq, mq]() mutable {
                               auto self = weak.lock();
                               if (self && self->Running()) {
                                 self->SubmitConsume(std::move(msgs), pq, mq, true);
                               }
                             });
}

void PushConsumerImpl::CleanExpiredMessages() {
  const int64_t timeout_ms = config_.consume_timeout_minutes * 60 * 1000;
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) {
    // Java looks at up to 16 messages from the head of each queue.
    for (int i = 0; i < 16 && Running(); ++i) {
      std::optional<MessageExt> msg = pq->FirstExpired(WallMillis(), timeout_ms);
      if (!msg) break;
      ORBIT_LOG_WARN("consumer {}: message {} of {} consumed for more than {} min; sent back",
                     group_, msg->msg_id, mq.ToString(), config_.consume_timeout_minutes);
      std::vector<MessageExt> one{*msg};
      ResetRetryTopic(one);
      // The queue keeps no body: the broker must take it back from its store (no resend
      // through a producer); when it cannot, the message stays and is tried again next round.
      Status back =
          Running() ? api_->SendMessageBack(one.front(),
                                            WrapNamespace(config_.name_space, one.front().topic()),
                                            3, mq.broker_name, MaxReconsumeTimes(), false)
                    : Status(ErrorCode::kNotRunning, "the consumer is not running");
      if (!back.ok()) {
        ORBIT_LOG_WARN("consumer {}: expired message {} not sent back: {}", group_, msg->msg_id,
                       back.ToString());
        break;
      }
      (void)pq->RemoveMessage({*msg});
    }
  }
}

std::shared_ptr<std::mutex> PushConsumerImpl::QueueLock(const MessageQueue& mq) {
  MutexLock lock(mu_);
  auto& slot = queue_locks_[mq];
  if (!slot) slot = std::make_shared<std::mutex>();
  return slot;
}

void PushConsumerImpl::ConsumeOrderly(const std::shared_ptr<ProcessQueue>& pq,
                                      const MessageQueue& mq) {
  if (pq->dropped()) return;
  // One thread per queue at a time, whatever process queue it has now.
  std::shared_ptr<std::mutex> queue_lock = QueueLock(mq);
  std::lock_guard<std::mutex> guard(*queue_lock);
  if (clustering() && (!pq->locked() || pq->IsLockExpired())) {
    if (!pq->dropped()) TryLockLaterAndReconsume(pq, mq, 100);
    return;
  }
  const int64_t begin = SteadyMillis();
  for (;;) {
    if (pq->dropped() || !Running()) break;
    if (clustering() && (!pq->locked() || pq->IsLockExpired())) {
      TryLockLaterAndReconsume(pq, mq, 10);
      break;
    }
    if (SteadyMillis() - begin > kMaxTimeConsumeContinuouslyMs) {
      // Let the other queues have the threads.
      SubmitOrderlyLater(pq, mq, 10);
      break;
    }
    std::vector<MessageExt> msgs = pq->TakeMessages(config_.consume_message_batch_max_size);
    if (msgs.empty()) break;
    ResetRetryTopic(msgs);
    ConsumeOrderlyContext context;
    context.queue = mq;
    ConsumeOrderlyStatus status = ConsumeOrderlyStatus::kSuspendCurrentQueueAMoment;
    pq->consume_lock().Lock();
    if (pq->dropped()) {
      pq->consume_lock().Unlock();
      break;
    }
    try {
      status = orderly_listener_(msgs, context);
    } catch (const std::exception& e) {
      ORBIT_LOG_WARN("consumer {}: listener threw on {} ({}): {}; queue suspended", group_,
                     msgs.front().msg_id, mq.ToString(), e.what());
    } catch (...) {
      ORBIT_LOG_WARN("consumer {}: listener threw on {} ({}); queue suspended", group_,
                     msgs.front().msg_id, mq.ToString());
    }
    pq->consume_lock().Unlock();

    // Java's processConsumeResult with autoCommit.
    int64_t commit = -1;
    bool go_on = true;
    if (status == ConsumeOrderlyStatus::kSuccess) {
      commit = pq->Commit();
    } else if (CheckReconsumeTimes(msgs)) {
      pq->MakeMessageToConsumeAgain(msgs);
      SubmitOrderlyLater(pq, mq,
                         context.suspend_current_queue_time_ms > 0
                             ? context.suspend_current_queue_time_ms
                             : config_.suspend_current_queue_time_ms);
      go_on = false;
    } else {
      commit = pq->Commit();
    }
    if (commit >= 0 && !pq->dropped()) offset_store_->UpdateOffset(mq, commit, false);
    if (!go_on) break;
  }
}

bool PushConsumerImpl::CheckReconsumeTimes(std::vector<MessageExt>& msgs) {
  bool suspend = false;
  const int32_t max = MaxReconsumeTimes();
  for (MessageExt& msg : msgs) {
    if (msg.reconsume_times >= max) {
      msg.PutPropertyUnchecked(std::string(protocol::kPropertyReconsumeTime),
                               std::to_string(msg.reconsume_times));
      if (!SendBackOrderly(msg)) {
        suspend = true;
        msg.reconsume_times += 1;
      }
    } else {
      suspend = true;
      msg.reconsume_times += 1;
    }
  }
  return suspend;
}

bool PushConsumerImpl::SendBackOrderly(const MessageExt& msg) {
  auto sent = api_->SendThroughProducer(
      api_->RetryMessage(msg, WrapNamespace(config_.name_space, msg.topic()), msg.reconsume_times,
                         MaxReconsumeTimes()));
  if (!sent.ok()) {
    ORBIT_LOG_WARN("consumer {}: message {} not sent back: {}", group_, msg.msg_id,
                   sent.status().ToString());
  }
  return sent.ok();
}

void PushConsumerImpl::SubmitOrderlyLater(const std::shared_ptr<ProcessQueue>& pq,
                                          const MessageQueue& mq, int64_t delay_ms) {
  delay_ms = std::clamp<int64_t>(delay_ms, 10, 30000);
  pull_scheduler_->PostAfter(delay_ms, [weak = weak(), pq, mq] {
    auto self = weak.lock();
    if (self && self->Running()) self->SubmitConsume({}, pq, mq, true);
  });
}

void PushConsumerImpl::TryLockLaterAndReconsume(const std::shared_ptr<ProcessQueue>& pq,
                                                const MessageQueue& mq, int64_t delay_ms) {
  pull_scheduler_->PostAfter(delay_ms, [weak = weak(), pq, mq] {
    auto self = weak.lock();
    if (!self || !self->Running()) return;
    const bool locked = self->Lock(mq);
    if (locked) {
      pq->set_locked(true);
      pq->TouchLastLock();
    }
    self->SubmitOrderlyLater(pq, mq, locked ? 10 : 3000);
  });
}

// ---------------------------------------------------------------------------------------------
// Broker calls

void PushConsumerImpl::LockAll() {
  if (!Running()) return;
  std::map<std::string, std::set<MessageQueue>> by_broker;
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) by_broker[mq.broker_name].insert(mq);
  for (const auto& [broker, mqs] : by_broker) {
    auto locked = api_->LockBatch(broker, mqs);
    if (!locked.ok()) {
      ORBIT_LOG_WARN("consumer {}: re-lock at {} failed: {}", group_, broker,
                     locked.status().ToString());
      continue;
    }
    for (const auto& mq : mqs) {
      auto pq = rebalancer_->ProcessQueueOf(mq);
      if (!pq) continue;
      if (locked->contains(mq)) {
        pq->set_locked(true);
        pq->TouchLastLock();
      } else {
        ORBIT_LOG_WARN("consumer {}: lost the lock of {}", group_, mq.ToString());
        pq->set_locked(false);
      }
    }
  }
}

void PushConsumerImpl::UnlockAll() {
  std::map<std::string, std::set<MessageQueue>> by_broker;
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) {
    by_broker[mq.broker_name].insert(mq);
    pq->set_locked(false);
  }
  for (const auto& [broker, mqs] : by_broker) api_->UnlockBatch(broker, mqs, false);
}

Status PushConsumerImpl::SendMessageBack(const MessageExt& msg, int32_t delay_level,
                                         const std::string& broker_name) {
  if (!Running()) return Status(ErrorCode::kNotRunning, "the consumer is not running");
  return api_->SendMessageBack(msg, WrapNamespace(config_.name_space, msg.topic()), delay_level,
                               broker_name, MaxReconsumeTimes());
}

}  // namespace orbit::client
