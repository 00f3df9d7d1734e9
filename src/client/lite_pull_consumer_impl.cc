#include "client/lite_pull_consumer_impl.h"

#include <utility>

#include "base/log.h"
#include "client/pull_api.h"
#include "client/pull_flow_control.h"
#include "client/validators.h"

namespace orbit::client {

namespace {

// Java's DefaultLitePullConsumerImpl delays.
constexpr int64_t kPullDelayWhenPauseMs = 1000;
constexpr int64_t kPullDelayOnExceptionMs = 3000;
constexpr int64_t kPullDelayWhenCacheFullMs = 50;

}  // namespace

LitePullConsumerImpl::LitePullConsumerImpl(LitePullConsumerConfig config)
    : config_(std::move(config)) {}

LitePullConsumerImpl::~LitePullConsumerImpl() { Shutdown(); }

std::string LitePullConsumerImpl::client_id() const {
  return client_id_.empty() ? ClientInstance::BuildClientId(config_) : client_id_;
}

Status LitePullConsumerImpl::CheckRunning() const {
  if (Running()) return Status::Ok();
  return Status(ErrorCode::kNotRunning, std::string("The LitePullConsumer service state not OK, ") +
                                            ServiceStateName(state_.load()));
}

MessageQueue LitePullConsumerImpl::Wrap(const MessageQueue& mq) const {
  return MessageQueue{WrapNamespace(config_.name_space, mq.topic), mq.broker_name, mq.queue_id};
}

MessageQueue LitePullConsumerImpl::Unwrap(const MessageQueue& mq) const {
  return MessageQueue{UnwrapNamespace(config_.name_space, mq.topic), mq.broker_name, mq.queue_id};
}

// ---------------------------------------------------------------------------------------------
// Subscriptions and assignment

Status LitePullConsumerImpl::Subscribe(const std::string& topic, const std::string& expression) {
  ORBIT_RETURN_IF_ERROR(ValidateTopic(topic));
  const std::string wrapped = WrapNamespace(config_.name_space, topic);
  ORBIT_ASSIGN_OR_RETURN(protocol::SubscriptionData sub,
                         BuildSubscription(wrapped, expression, WallMillis()));
  {
    MutexLock lock(mu_);
    if (mode_ == Mode::kAssign) {
      return InvalidArgument("Subscribe and Assign are mutually exclusive (queues are assigned)");
    }
    mode_ = Mode::kSubscribe;
    subscriptions_[wrapped] = std::move(sub);
  }
  if (Running()) RefreshAfterSubscribe(instance_, weak(), wrapped);
  return Status::Ok();
}

void LitePullConsumerImpl::Unsubscribe(const std::string& topic) {
  MutexLock lock(mu_);
  subscriptions_.erase(WrapNamespace(config_.name_space, topic));
}

Status LitePullConsumerImpl::Assign(const std::vector<MessageQueue>& queues) {
  if (queues.empty()) return InvalidArgument("Message queues can not be empty");
  std::set<MessageQueue> wire;
  for (const auto& mq : queues) wire.insert(Wrap(mq));
  {
    MutexLock lock(mu_);
    if (mode_ == Mode::kSubscribe) {
      return InvalidArgument("Subscribe and Assign are mutually exclusive (topics are subscribed)");
    }
    mode_ = Mode::kAssign;
    assigned_ = wire;
    // The topics in the heartbeat, all tags (Java's assign does the same).
    subscriptions_.clear();
    for (const auto& mq : wire) {
      if (subscriptions_.contains(mq.topic)) continue;
      ORBIT_ASSIGN_OR_RETURN(subscriptions_[mq.topic],
                             BuildSubscription(mq.topic, "*", WallMillis()));
    }
  }
  if (Running()) UpdateAssigned(wire);
  return Status::Ok();
}

std::shared_ptr<LitePullConsumerImpl::QueueState> LitePullConsumerImpl::AddQueue(
    const MessageQueue& queue, std::shared_ptr<ProcessQueue> pq, int64_t offset) {
  MutexLock lock(mu_);
  if (queues_.contains(queue)) return nullptr;
  auto qs = std::make_shared<QueueState>();
  qs->queue = queue;
  qs->pq = std::move(pq);
  qs->pull_offset = offset;
  queues_[queue] = qs;
  return qs;
}

void LitePullConsumerImpl::EraseCachedLocked(const std::shared_ptr<QueueState>& qs) {
  for (auto it = cache_.begin(); it != cache_.end();) {
    if (it->state == qs) {
      cached_messages_ -= static_cast<int64_t>(it->msgs.size());
      it = cache_.erase(it);
    } else {
      ++it;
    }
  }
}

std::shared_ptr<LitePullConsumerImpl::QueueState> LitePullConsumerImpl::DropQueue(
    const MessageQueue& queue) {
  MutexLock lock(mu_);
  auto it = queues_.find(queue);
  if (it == queues_.end()) return nullptr;
  std::shared_ptr<QueueState> qs = it->second;
  queues_.erase(it);
  qs->pq->set_dropped(true);
  EraseCachedLocked(qs);
  return qs;
}

void LitePullConsumerImpl::UpdateAssigned(const std::set<MessageQueue>& queues) {
  for (const MessageQueue& mq : Assignment()) {
    const MessageQueue wire = Wrap(mq);
    if (queues.contains(wire)) continue;
    if (auto qs = DropQueue(wire)) {
      if (qs->consume_offset >= 0) offset_store_->UpdateOffset(wire, qs->consume_offset, false);
      (void)offset_store_->Persist(wire);
    }
  }
  for (const MessageQueue& mq : queues) {
    {
      MutexLock lock(mu_);
      if (queues_.contains(mq)) continue;
    }
    const int64_t offset = ComputePullFromWhere(mq);
    if (offset < 0) {
      ORBIT_LOG_WARN("consumer {}: no start offset for {} yet; tried again later", group_,
                     mq.ToString());
      scheduler_->PostAfter(kPullDelayOnExceptionMs, [weak = weak()] {
        auto self = weak.lock();
        if (!self || !self->Running()) return;
        std::set<MessageQueue> assigned;
        {
          MutexLock lock(self->mu_);
          assigned = self->assigned_;
        }
        self->UpdateAssigned(assigned);
      });
      continue;
    }
    if (auto qs = AddQueue(mq, std::make_shared<ProcessQueue>(), offset)) PullQueue(qs, 0);
  }
}

// ---------------------------------------------------------------------------------------------
// Start and shutdown

Status LitePullConsumerImpl::Start() {
  ServiceState expected = ServiceState::kCreateJust;
  if (!state_.compare_exchange_strong(expected, ServiceState::kStartFailed)) {
    return Status(ErrorCode::kNotRunning,
                  std::string("The LitePullConsumer service state not OK, maybe started once, ") +
                      ServiceStateName(expected));
  }
  if (config_.pull_batch_size <= 0 || config_.pull_batch_size > 1024) {
    return InvalidArgument("pull_batch_size out of range [1, 1024]");
  }
  if (config_.broker_suspend_max_time_ms >= config_.consumer_timeout_ms_when_suspend) {
    return InvalidArgument(
        "broker_suspend_max_time_ms must be less than consumer_timeout_ms_when_suspend");
  }
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
  rebalancer_ = std::make_unique<Rebalancer>(
      group_, ToProtocol(config_.message_model), protocol::ConsumeType::kConsumeActively,
      config_.allocate_strategy ? config_.allocate_strategy : AllocateAveragely(), client_id_,
      this);
  scheduler_ = std::make_unique<Scheduler>("orbit-lite");
  scheduler_->Start();
  next_auto_commit_ms_.store(WallMillis() + config_.auto_commit_interval_ms);

  state_.store(ServiceState::kRunning);
  if (Status st = instance_->RegisterConsumer(group_, this); !st.ok()) {
    state_.store(ServiceState::kStartFailed);
    scheduler_->Stop();
    instance_.reset();
    return st;
  }
  Mode mode;
  std::set<MessageQueue> assigned;
  {
    MutexLock lock(mu_);
    mode = mode_;
    assigned = assigned_;
  }
  for (const std::string& topic : SubscribedTopics()) {
    (void)instance_->UpdateTopicRoute(topic);
    if (auto queues = instance_->SubscribeQueues(topic)) OnSubscribeInfo(topic, std::move(*queues));
  }
  instance_->SendHeartbeatToAllBrokers();
  if (mode == Mode::kAssign) {
    UpdateAssigned(assigned);
  } else {
    instance_->RebalanceSoon();
  }
  ORBIT_LOG_INFO("lite pull consumer {} started as {}", group_, client_id_);
  return Status::Ok();
}

void LitePullConsumerImpl::Shutdown() {
  ServiceState expected = ServiceState::kRunning;
  if (!state_.compare_exchange_strong(expected, ServiceState::kShutdownAlready)) return;
  scheduler_->Stop();
  {
    MutexLock lock(mu_);
    cache_cv_.notify_all();  // pollers return
  }
  if (config_.auto_commit) CommitToMemory();
  PersistOffsets();
  instance_->UnregisterConsumer(group_);
  api_->StopProducer();
  MutexLock lock(mu_);
  for (const auto& [mq, qs] : queues_) qs->pq->set_dropped(true);
  cache_.clear();
  cached_messages_ = 0;
  ORBIT_LOG_INFO("lite pull consumer {} shut down", group_);
}

// ---------------------------------------------------------------------------------------------
// Pulling

void LitePullConsumerImpl::PullLater(const std::shared_ptr<QueueState>& qs, uint64_t generation,
                                     int64_t delay_ms) {
  scheduler_->PostAfter(delay_ms, [weak = weak(), qs, generation] {
    if (auto self = weak.lock()) self->PullQueue(qs, generation);
  });
}

void LitePullConsumerImpl::PullQueue(const std::shared_ptr<QueueState>& qs, uint64_t generation) {
  if (!Running() || qs->pq->dropped()) return;
  int64_t offset = 0;
  bool paused = false;
  int64_t cached = 0;
  std::optional<protocol::SubscriptionData> sub;
  {
    MutexLock lock(mu_);
    if (qs->generation != generation) return;  // a Seek started another chain
    offset = qs->pull_offset;
    paused = qs->paused;
    cached = cached_messages_;
    auto it = subscriptions_.find(qs->queue.topic);
    if (it != subscriptions_.end()) sub = it->second;
  }
  if (paused) {
    PullLater(qs, generation, kPullDelayWhenPauseMs);
    return;
  }
  if (cached > config_.pull_threshold_for_all) {
    PullLater(qs, generation, kPullDelayWhenCacheFullMs);
    return;
  }
  PullThresholds thresholds;
  thresholds.max_messages = config_.pull_threshold_for_queue;
  thresholds.max_size_mib = config_.pull_threshold_size_for_queue;
  thresholds.max_span = config_.consume_max_span;
  const PullDecision decision = DecidePull(*qs->pq, thresholds, false, false);
  if (decision == PullDecision::kDropped) return;
  if (decision != PullDecision::kPull) {
    PullLater(qs, generation, PullDelayMs(decision));
    return;
  }
  if (!sub) {
    PullLater(qs, generation, kPullDelayOnExceptionMs);
    return;
  }
  qs->pq->TouchLastPull();
  PullRequestSpec spec;
  spec.consumer_group = group_;
  spec.queue = qs->queue;
  spec.offset = offset;
  spec.max_nums = config_.pull_batch_size;
  spec.sys_flag = BuildPullSysFlag(false, true, true, false);
  spec.subscription = sub->sub_string;
  spec.sub_version = sub->sub_version;
  spec.expression_type = sub->expression_type;
  spec.suspend_timeout_ms = config_.broker_suspend_max_time_ms;
  api_->PullAsync(spec, *sub, config_.consumer_timeout_ms_when_suspend,
                  [weak = weak(), qs, generation](Result<PullResult> result) {
                    if (auto self = weak.lock()) {
                      self->OnPullAnswer(qs, generation, std::move(result));
                    }
                  });
}

void LitePullConsumerImpl::OnPullAnswer(const std::shared_ptr<QueueState>& qs, uint64_t generation,
                                        Result<PullResult> result) {
  if (!Running() || qs->pq->dropped()) return;
  if (!result.ok()) {
    ORBIT_LOG_WARN("consumer {}: pull of {} failed: {}", group_, qs->queue.ToString(),
                   result.status().ToString());
    PullLater(qs, generation, kPullDelayOnExceptionMs);
    return;
  }
  {
    MutexLock lock(mu_);
    // A Seek came while the pull was out: the answer is for the old position, and the Seek
    // started a new chain.
    if (qs->generation != generation) return;
    if (result->status == PullStatus::kOffsetIllegal) {
      ORBIT_LOG_WARN("consumer {}: offset {} of {} is illegal; continues at {}", group_,
                     qs->pull_offset, qs->queue.ToString(), result->next_begin_offset);
    }
    qs->pull_offset = result->next_begin_offset;
    if (result->status == PullStatus::kFound && !result->messages.empty()) {
      qs->pq->TrackMessages(result->messages);
      cached_messages_ += static_cast<int64_t>(result->messages.size());
      cache_.push_back(ConsumeRequest{std::move(result->messages), qs, generation});
      cache_cv_.notify_one();
    }
  }
  PullQueue(qs, generation);
}

// ---------------------------------------------------------------------------------------------
// Poll, seek, commit

std::optional<LitePullConsumerImpl::ConsumeRequest> LitePullConsumerImpl::TakeRequest(
    std::chrono::steady_clock::time_point deadline) ORBIT_NO_THREAD_SAFETY_ANALYSIS {
  std::unique_lock<std::mutex> lock(mu_.native());
  for (;;) {
    while (!cache_.empty()) {
      ConsumeRequest request = std::move(cache_.front());
      cache_.pop_front();
      cached_messages_ -= static_cast<int64_t>(request.msgs.size());
      if (request.state->pq->dropped() || request.generation != request.state->generation) {
        continue;
      }
      return request;
    }
    if (!Running()) return std::nullopt;
    if (cache_cv_.wait_until(lock, deadline) == std::cv_status::timeout && cache_.empty()) {
      return std::nullopt;
    }
  }
}

Result<std::vector<MessageExt>> LitePullConsumerImpl::Poll(int64_t timeout_ms) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  if (timeout_ms < 0) return InvalidArgument("timeout < 0: " + std::to_string(timeout_ms));
  if (config_.auto_commit) MaybeAutoCommit();
  auto request =
      TakeRequest(std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms));
  if (!request) return std::vector<MessageExt>{};
  const int64_t offset = request->state->pq->RemoveMessage(request->msgs);
  {
    MutexLock lock(mu_);
    if (request->generation == request->state->generation && offset >= 0) {
      request->state->consume_offset = offset;
    }
  }
  if (!config_.name_space.empty()) {
    for (auto& msg : request->msgs) {
      msg.set_topic(UnwrapNamespace(config_.name_space, msg.topic()));
    }
  }
  return std::move(request->msgs);
}

Status LitePullConsumerImpl::Seek(const MessageQueue& queue, int64_t offset) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  const MessageQueue wire = Wrap(queue);
  {
    MutexLock lock(mu_);
    if (!queues_.contains(wire)) {
      return InvalidArgument("The message queue is not in assigned list, may be rebalancing, " +
                             queue.ToString());
    }
  }
  ORBIT_ASSIGN_OR_RETURN(int64_t min, api_->MinOffset(wire));
  ORBIT_ASSIGN_OR_RETURN(int64_t max, api_->MaxOffset(wire));
  if (offset < min || offset > max) {
    return InvalidArgument("Seek offset illegal: " + std::to_string(offset) + " not in [" +
                           std::to_string(min) + ", " + std::to_string(max) + "] of " +
                           queue.ToString());
  }
  std::shared_ptr<QueueState> qs;
  uint64_t generation = 0;
  {
    MutexLock lock(mu_);
    auto it = queues_.find(wire);
    if (it == queues_.end()) return InvalidArgument("The message queue is not in assigned list");
    qs = it->second;
    generation = ++qs->generation;
    qs->pull_offset = offset;
    qs->consume_offset = offset;
    qs->pq->Clear();
    EraseCachedLocked(qs);
  }
  // A new chain from the new offset at once; the old one ends with its answer.
  PullQueue(qs, generation);
  return Status::Ok();
}

Status LitePullConsumerImpl::SeekToBegin(const MessageQueue& queue) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_ASSIGN_OR_RETURN(int64_t min, api_->MinOffset(Wrap(queue)));
  return Seek(queue, min);
}

Status LitePullConsumerImpl::SeekToEnd(const MessageQueue& queue) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_ASSIGN_OR_RETURN(int64_t max, api_->MaxOffset(Wrap(queue)));
  return Seek(queue, max);
}

void LitePullConsumerImpl::Pause(const std::vector<MessageQueue>& queues, bool paused) {
  MutexLock lock(mu_);
  for (const auto& mq : queues) {
    auto it = queues_.find(Wrap(mq));
    if (it != queues_.end()) it->second->paused = paused;
  }
}

void LitePullConsumerImpl::CommitToMemory() {
  std::vector<std::pair<MessageQueue, int64_t>> offsets;
  {
    MutexLock lock(mu_);
    for (const auto& [mq, qs] : queues_) {
      if (qs->consume_offset >= 0 && !qs->pq->dropped()) {
        offsets.emplace_back(mq, qs->consume_offset);
      }
    }
  }
  for (const auto& [mq, offset] : offsets) offset_store_->UpdateOffset(mq, offset, false);
}

void LitePullConsumerImpl::MaybeAutoCommit() {
  const int64_t now = WallMillis();
  int64_t due = next_auto_commit_ms_.load();
  if (now < due) return;
  if (!next_auto_commit_ms_.compare_exchange_strong(due, now + config_.auto_commit_interval_ms)) {
    return;  // another poller commits
  }
  CommitToMemory();
}

Status LitePullConsumerImpl::CommitSync() {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  CommitToMemory();
  std::set<MessageQueue> held;
  {
    MutexLock lock(mu_);
    for (const auto& [mq, qs] : queues_) held.insert(mq);
  }
  return offset_store_->PersistAll(held);
}

Result<int64_t> LitePullConsumerImpl::Committed(const MessageQueue& queue) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  const int64_t offset = offset_store_->ReadOffset(Wrap(queue), ReadOffsetType::kReadFromStore);
  if (offset == -2) {
    return Status(ErrorCode::kBrokerNotFound,
                  "the offset of " + queue.ToString() + " could not be read from its broker");
  }
  return offset;
}

std::vector<MessageQueue> LitePullConsumerImpl::Assignment() const {
  MutexLock lock(mu_);
  std::vector<MessageQueue> out;
  for (const auto& [mq, qs] : queues_) out.push_back(Unwrap(mq));
  return out;
}

Result<std::vector<MessageQueue>> LitePullConsumerImpl::FetchMessageQueues(
    const std::string& topic) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return FetchTopicQueues(*instance_, config_.name_space, topic);
}

Result<int64_t> LitePullConsumerImpl::OffsetForTimestamp(const MessageQueue& queue,
                                                         int64_t timestamp_ms) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return api_->SearchOffset(Wrap(queue), timestamp_ms);
}

// ---------------------------------------------------------------------------------------------
// ConsumerListener and RebalanceDeps

protocol::ConsumerData LitePullConsumerImpl::HeartbeatEntry() {
  MutexLock lock(mu_);
  return MakeConsumerData(group_, protocol::ConsumeType::kConsumeActively, config_.message_model,
                          config_.consume_from_where, config_.unit_mode, subscriptions_);
}

std::vector<std::string> LitePullConsumerImpl::SubscribedTopics() {
  MutexLock lock(mu_);
  return TopicsOf(subscriptions_);
}

void LitePullConsumerImpl::OnSubscribeInfo(const std::string& topic,
                                           std::vector<MessageQueue> queues) {
  rebalancer_->SetSubscribeInfo(topic, queues);
}

void LitePullConsumerImpl::DoRebalance() {
  if (!Running()) return;
  {
    MutexLock lock(mu_);
    if (mode_ != Mode::kSubscribe) return;
  }
  rebalancer_->DoRebalance(SubscribedTopics(), false);
}

void LitePullConsumerImpl::PersistOffsets() {
  if (!offset_store_) return;
  std::set<MessageQueue> held;
  {
    MutexLock lock(mu_);
    for (const auto& [mq, qs] : queues_) held.insert(mq);
  }
  if (Status st = offset_store_->PersistAll(held); !st.ok()) {
    ORBIT_LOG_WARN("consumer {}: offsets not stored: {}", group_, st.ToString());
  }
}

Result<std::vector<std::string>> LitePullConsumerImpl::FindConsumerIdList(
    const std::string& topic, const std::string& group) {
  return instance_->FindConsumerIdList(topic, group);
}

int64_t LitePullConsumerImpl::ComputePullFromWhere(const MessageQueue& queue) {
  StartOffsetLookups lookups;
  lookups.max_offset = [this](const MessageQueue& mq) { return api_->MaxOffset(mq); };
  lookups.search_offset = [this](const MessageQueue& mq, int64_t ts) {
    return api_->SearchOffset(mq, ts);
  };
  return client::ComputePullFromWhere(ToProtocol(config_.consume_from_where), queue, *offset_store_,
                                      lookups, consume_timestamp_ms_);
}

void LitePullConsumerImpl::RemoveDirtyOffset(const MessageQueue& queue) {
  offset_store_->RemoveOffset(queue);
}

bool LitePullConsumerImpl::RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue&) {
  // What was polled from the queue is committed before another consumer takes it.
  if (auto qs = DropQueue(queue)) {
    if (qs->consume_offset >= 0) offset_store_->UpdateOffset(queue, qs->consume_offset, false);
  }
  (void)offset_store_->Persist(queue);
  offset_store_->RemoveOffset(queue);
  return true;
}

void LitePullConsumerImpl::DispatchPullRequests(std::vector<PullRequest> requests) {
  for (auto& request : requests) {
    ORBIT_LOG_INFO("consumer {}: takes {} from offset {}", group_, request.queue.ToString(),
                   request.next_offset);
    if (auto qs = AddQueue(request.queue, request.process_queue, request.next_offset)) {
      PullQueue(qs, 0);
    }
  }
}

}  // namespace orbit::client
