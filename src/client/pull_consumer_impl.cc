#include "client/pull_consumer_impl.h"

#include <chrono>
#include <utility>

#include "base/log.h"
#include "client/pull_api.h"
#include "client/validators.h"

namespace orbit::client {

PullConsumerImpl::PullConsumerImpl(PullConsumerConfig config) : config_(std::move(config)) {}

PullConsumerImpl::~PullConsumerImpl() { Shutdown(); }

std::string PullConsumerImpl::client_id() const {
  return client_id_.empty() ? ClientInstance::BuildClientId(config_) : client_id_;
}

Status PullConsumerImpl::CheckRunning() const {
  if (Running()) return Status::Ok();
  return Status(ErrorCode::kNotRunning, std::string("The PullConsumer service state not OK, ") +
                                            ServiceStateName(state_.load()));
}

void PullConsumerImpl::RegisterMessageQueueListener(const std::string& topic,
                                                    MessageQueueListener listener) {
  MutexLock lock(mu_);
  listeners_[WrapNamespace(config_.name_space, topic)] = std::move(listener);
}

Status PullConsumerImpl::Start() {
  ServiceState expected = ServiceState::kCreateJust;
  if (!state_.compare_exchange_strong(expected, ServiceState::kStartFailed)) {
    return Status(ErrorCode::kNotRunning,
                  std::string("The PullConsumer service state not OK, maybe started once, ") +
                      ServiceStateName(expected));
  }
  if (config_.broker_suspend_max_time_ms >= config_.consumer_timeout_ms_when_suspend) {
    return InvalidArgument(
        "broker_suspend_max_time_ms must be less than consumer_timeout_ms_when_suspend");
  }
  ORBIT_ASSIGN_OR_RETURN(
      ConsumerParts parts,
      MakeConsumerParts(config_, config_.group, clustering(), config_.local_offset_store_dir));
  group_ = std::move(parts.group);
  client_id_ = std::move(parts.client_id);
  instance_ = std::move(parts.instance);
  api_ = std::move(parts.api);
  offset_api_ = std::move(parts.offset_api);
  offset_store_ = std::move(parts.offset_store);
  std::vector<std::string> registered;
  {
    // Java's copySubscription: every registered topic, all tags.
    MutexLock lock(mu_);
    for (const auto& [topic, listener] : listeners_) {
      ORBIT_ASSIGN_OR_RETURN(subscriptions_[topic], BuildSubscription(topic, "*", WallMillis()));
      registered.push_back(topic);
    }
  }
  rebalancer_ = std::make_unique<Rebalancer>(
      group_, ToProtocol(config_.message_model), protocol::ConsumeType::kConsumeActively,
      config_.allocate_strategy ? config_.allocate_strategy : AllocateAveragely(), client_id_,
      this);
  state_.store(ServiceState::kRunning);
  if (Status st = instance_->RegisterConsumer(group_, this); !st.ok()) {
    state_.store(ServiceState::kStartFailed);
    instance_.reset();
    return st;
  }
  for (const auto& topic : registered) {
    (void)instance_->UpdateTopicRoute(topic);
    if (auto queues = instance_->SubscribeQueues(topic)) OnSubscribeInfo(topic, std::move(*queues));
  }
  instance_->SendHeartbeatToAllBrokers();
  instance_->RebalanceSoon();
  ORBIT_LOG_INFO("pull consumer {} started as {}", group_, client_id_);
  return Status::Ok();
}

void PullConsumerImpl::Shutdown() {
  ServiceState expected = ServiceState::kRunning;
  if (!state_.compare_exchange_strong(expected, ServiceState::kShutdownAlready)) return;
  PersistOffsets();
  instance_->UnregisterConsumer(group_);
  api_->StopProducer();
  instance_.reset();
  ORBIT_LOG_INFO("pull consumer {} shut down", group_);
}

MessageQueue PullConsumerImpl::Wrap(const MessageQueue& mq) const {
  return MessageQueue{WrapNamespace(config_.name_space, mq.topic), mq.broker_name, mq.queue_id};
}

void PullConsumerImpl::Unwrap(PullResult& result) const {
  if (config_.name_space.empty()) return;
  for (auto& msg : result.messages) msg.set_topic(UnwrapNamespace(config_.name_space, msg.topic()));
}

Result<std::vector<MessageQueue>> PullConsumerImpl::FetchSubscribeMessageQueues(
    const std::string& topic) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return FetchTopicQueues(*instance_, config_.name_space, topic);
}

std::vector<MessageQueue> PullConsumerImpl::FetchMessageQueuesInBalance(
    const std::string& topic) const {
  std::vector<MessageQueue> out;
  if (!rebalancer_) return out;
  const std::string wrapped = WrapNamespace(config_.name_space, topic);
  for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) {
    if (mq.topic == wrapped && !pq->dropped()) {
      out.push_back(MessageQueue{topic, mq.broker_name, mq.queue_id});
    }
  }
  return out;
}

Result<PullRequestSpec> PullConsumerImpl::MakeSpec(const MessageQueue& mq,
                                                   const std::string& expression, int64_t offset,
                                                   int32_t max_nums, bool block,
                                                   protocol::SubscriptionData* sub) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  if (offset < 0) return InvalidArgument("offset < 0: " + std::to_string(offset));
  if (max_nums <= 0) return InvalidArgument("maxNums <= 0: " + std::to_string(max_nums));
  const MessageQueue wire = Wrap(mq);
  ORBIT_ASSIGN_OR_RETURN(*sub, BuildSubscription(wire.topic, expression, 0));
  bool new_topic = false;
  {
    MutexLock lock(mu_);
    if (!subscriptions_.contains(wire.topic)) {
      ORBIT_ASSIGN_OR_RETURN(subscriptions_[wire.topic],
                             BuildSubscription(wire.topic, "*", WallMillis()));
      new_topic = true;
    }
  }
  if (new_topic || instance_->FindBrokerAddressInSubscribe(wire.broker_name).empty()) {
    (void)instance_->UpdateTopicRoute(wire.topic);
  }
  PullRequestSpec spec;
  spec.consumer_group = group_;
  spec.queue = wire;
  spec.offset = offset;
  spec.max_nums = max_nums;
  spec.sys_flag = BuildPullSysFlag(false, block, true, false);
  spec.subscription = sub->sub_string;
  spec.sub_version = 0;
  spec.expression_type = sub->expression_type;
  spec.suspend_timeout_ms = config_.broker_suspend_max_time_ms;
  return spec;
}

Result<PullResult> PullConsumerImpl::Pull(const MessageQueue& mq, const std::string& expression,
                                          int64_t offset, int32_t max_nums, int64_t timeout_ms,
                                          bool block) {
  protocol::SubscriptionData sub;
  ORBIT_ASSIGN_OR_RETURN(PullRequestSpec spec,
                         MakeSpec(mq, expression, offset, max_nums, block, &sub));
  const int64_t timeout = block ? config_.consumer_timeout_ms_when_suspend : timeout_ms;
  ORBIT_ASSIGN_OR_RETURN(PullResult result, api_->PullSync(spec, sub, timeout));
  Unwrap(result);
  return result;
}

Status PullConsumerImpl::PullAsync(const MessageQueue& mq, const std::string& expression,
                                   int64_t offset, int32_t max_nums, PullCallback callback) {
  protocol::SubscriptionData sub;
  ORBIT_ASSIGN_OR_RETURN(PullRequestSpec spec,
                         MakeSpec(mq, expression, offset, max_nums, false, &sub));
  api_->PullAsync(
      spec, sub, config_.consumer_pull_timeout_ms,
      [self = shared_from_this(), callback = std::move(callback)](Result<PullResult> result) {
        if (result.ok()) self->Unwrap(*result);
        callback(std::move(result));
      });
  return Status::Ok();
}

Status PullConsumerImpl::UpdateConsumeOffset(const MessageQueue& mq, int64_t offset) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  if (offset < 0) return InvalidArgument("offset < 0: " + std::to_string(offset));
  offset_store_->UpdateOffset(Wrap(mq), offset, false);
  return Status::Ok();
}

Result<int64_t> PullConsumerImpl::FetchConsumeOffset(const MessageQueue& mq, bool from_store) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  const int64_t offset =
      offset_store_->ReadOffset(Wrap(mq), from_store ? ReadOffsetType::kReadFromStore
                                                     : ReadOffsetType::kMemoryFirstThenStore);
  if (offset == -2) {
    return Status(ErrorCode::kBrokerNotFound,
                  "the offset of " + mq.ToString() + " could not be read from its broker");
  }
  return offset;
}

Result<int64_t> PullConsumerImpl::MinOffset(const MessageQueue& mq) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return api_->MinOffset(Wrap(mq));
}

Result<int64_t> PullConsumerImpl::MaxOffset(const MessageQueue& mq) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return api_->MaxOffset(Wrap(mq));
}

Result<int64_t> PullConsumerImpl::SearchOffset(const MessageQueue& mq, int64_t timestamp_ms) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return api_->SearchOffset(Wrap(mq), timestamp_ms);
}

Result<int64_t> PullConsumerImpl::EarliestMsgStoreTime(const MessageQueue& mq) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return api_->EarliestMsgStoreTime(Wrap(mq));
}

Status PullConsumerImpl::SendMessageBack(const MessageExt& msg, int32_t delay_level) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  return api_->SendMessageBack(msg, WrapNamespace(config_.name_space, msg.topic()), delay_level,
                               msg.broker_name, config_.max_reconsume_times);
}

protocol::ConsumerData PullConsumerImpl::HeartbeatEntry() {
  MutexLock lock(mu_);
  return MakeConsumerData(group_, protocol::ConsumeType::kConsumeActively, config_.message_model,
                          ConsumeFromWhere::kLastOffset, config_.unit_mode, subscriptions_);
}

std::vector<std::string> PullConsumerImpl::SubscribedTopics() {
  MutexLock lock(mu_);
  return TopicsOf(subscriptions_);
}

void PullConsumerImpl::OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) {
  rebalancer_->SetSubscribeInfo(topic, queues);
}

void PullConsumerImpl::DoRebalance() {
  if (!Running()) return;
  // Only the registered topics are shared out (the others are pulled as the application says).
  std::vector<std::string> topics;
  {
    MutexLock lock(mu_);
    for (const auto& [topic, listener] : listeners_) topics.push_back(topic);
  }
  rebalancer_->DoRebalance(topics, false);
}

void PullConsumerImpl::PersistOffsets() {
  if (!offset_store_) return;
  // Every queue the application gave an offset (Java persists only the rebalanced ones, so a
  // pull consumer without a registered topic never stored its offsets).
  std::set<MessageQueue> mqs;
  for (const auto& [mq, offset] : offset_store_->CloneOffsetTable("")) mqs.insert(mq);
  if (rebalancer_) {
    for (const auto& [mq, pq] : rebalancer_->ProcessQueues()) mqs.insert(mq);
  }
  if (Status st = offset_store_->PersistAll(mqs); !st.ok()) {
    ORBIT_LOG_WARN("consumer {}: offsets not stored: {}", group_, st.ToString());
  }
}

Result<std::vector<std::string>> PullConsumerImpl::FindConsumerIdList(const std::string& topic,
                                                                      const std::string& group) {
  return instance_->FindConsumerIdList(topic, group);
}

void PullConsumerImpl::RemoveDirtyOffset(const MessageQueue& queue) {
  offset_store_->RemoveOffset(queue);
}

bool PullConsumerImpl::RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue&) {
  (void)offset_store_->Persist(queue);
  offset_store_->RemoveOffset(queue);
  return true;
}

void PullConsumerImpl::MessageQueueChanged(const std::string& topic,
                                           const std::set<MessageQueue>& all,
                                           const std::set<MessageQueue>& mine) {
  MessageQueueListener listener;
  {
    MutexLock lock(mu_);
    auto it = listeners_.find(topic);
    if (it == listeners_.end()) return;
    listener = it->second;
  }
  const std::string plain = UnwrapNamespace(config_.name_space, topic);
  auto unwrap = [&](const std::set<MessageQueue>& mqs) {
    std::vector<MessageQueue> out;
    for (const auto& mq : mqs) out.push_back(MessageQueue{plain, mq.broker_name, mq.queue_id});
    return out;
  };
  try {
    listener(plain, unwrap(all), unwrap(mine));
  } catch (...) {
    ORBIT_LOG_WARN("consumer {}: the message queue listener of {} threw", group_, plain);
  }
}

}  // namespace orbit::client
