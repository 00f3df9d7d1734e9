#include "client/producer_impl.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <random>

#include "base/clock.h"
#include "base/log.h"
#include "client/received.h"
#include "client/validators.h"
#include "protocol/codes.h"
#include "protocol/compression.h"
#include "protocol/message_flags.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"

namespace orbit::client {

using protocol::RemotingCommand;
using protocol::ResponseCode;

namespace {

int64_t SteadyNow() { return Clock::System().SteadyMillis(); }

protocol::CompressionType ToWire(CompressionType type) {
  switch (type) {
    case CompressionType::kLz4:
      return protocol::CompressionType::kLz4;
    case CompressionType::kZstd:
      return protocol::CompressionType::kZstd;
    case CompressionType::kZlib:
      break;
  }
  return protocol::CompressionType::kZlib;
}

std::string JoinBrokers(const std::vector<std::string>& brokers) {
  std::string out = "[";
  for (size_t i = 0; i < brokers.size(); ++i) out += (i ? ", " : "") + brokers[i];
  return out + "]";
}

}  // namespace

// Requests waiting for their reply, by correlation id, for the whole process (replies arrive
// through any client instance).
class ReplyTable {
 public:
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    std::optional<Result<Message>> reply;
  };
  static ReplyTable& Get() {
    static auto* table = new ReplyTable();  // used until the process exits
    return *table;
  }
  std::shared_ptr<Waiter> Add(const std::string& id) {
    auto waiter = std::make_shared<Waiter>();
    MutexLock lock(mu_);
    waiters_[id] = waiter;
    return waiter;
  }
  void Remove(const std::string& id) {
    MutexLock lock(mu_);
    waiters_.erase(id);
  }
  // False when nobody waits for `id` (any more).
  bool Complete(const std::string& id, Result<Message> reply) {
    std::shared_ptr<Waiter> waiter;
    {
      MutexLock lock(mu_);
      auto it = waiters_.find(id);
      if (it == waiters_.end()) return false;
      waiter = it->second;
      waiters_.erase(it);
    }
    {
      std::lock_guard<std::mutex> lock(waiter->mu);
      waiter->reply = std::move(reply);
    }
    waiter->cv.notify_all();
    return true;
  }

 private:
  Mutex mu_;
  std::map<std::string, std::shared_ptr<Waiter>> waiters_ ORBIT_GUARDED_BY(mu_);
};

std::string NewCorrelationId() {
  // A random (version 4) UUID, as Java's UUID.randomUUID().toString().
  static std::mutex mu;
  static std::mt19937_64 rng{std::random_device{}()};
  uint64_t hi, lo;
  {
    std::lock_guard<std::mutex> lock(mu);
    hi = rng();
    lo = rng();
  }
  hi = (hi & ~0xF000ULL) | 0x4000ULL;
  lo = (lo & ~(0xC0ULL << 56)) | (0x80ULL << 56);
  char out[37];
  std::snprintf(out, sizeof(out), "%08x-%04x-%04x-%04x-%012llx", static_cast<unsigned>(hi >> 32),
                static_cast<unsigned>((hi >> 16) & 0xFFFF), static_cast<unsigned>(hi & 0xFFFF),
                static_cast<unsigned>(lo >> 48),
                static_cast<unsigned long long>(lo & 0xFFFFFFFFFFFFULL));
  return out;
}

// PUSH_REPLY_MESSAGE_TO_CLIENT: the reply goes to whoever waits for its correlation id.
void OnPushReply(const net::ConnectionPtr& conn, RemotingCommand request) {
  auto header = protocol::ReplyMessageRequestHeader::Decode(request.ext_fields);
  if (!header.ok()) {
    return net::Reply(conn, request,
                      RemotingCommand::ResponseTo(request, ResponseCode::kSystemError,
                                                  "process reply message fail"));
  }
  Message reply;
  reply.set_topic(header->topic);
  reply.set_flag(header->flag);
  for (const auto& [name, value] : protocol::DecodeProperties(header->properties.value_or(""))) {
    reply.PutPropertyUnchecked(name, value);
  }
  std::string body = std::move(request.body);
  if ((header->sys_flag & protocol::kSysFlagCompressed) != 0) {
    auto type = static_cast<protocol::CompressionType>((header->sys_flag >> 8) & 0x7);
    auto plain = protocol::Decompress(
        type == protocol::CompressionType{0} ? protocol::CompressionType::kZlib : type, body);
    if (!plain.ok()) {
      return net::Reply(conn, request,
                        RemotingCommand::ResponseTo(request, ResponseCode::kSystemError,
                                                    "process reply message fail"));
    }
    body = std::move(*plain);
  }
  reply.set_body(std::move(body));
  reply.PutPropertyUnchecked(std::string(protocol::kPropertyReplyMessageArriveTime),
                             std::to_string(Clock::System().NowMillis()));
  auto id = reply.GetProperty(protocol::kPropertyCorrelationId);
  if (!id || !ReplyTable::Get().Complete(*id, std::move(reply))) {
    ORBIT_LOG_DEBUG("reply {} arrived after its request ended", id.value_or("(no id)"));
  }
  if (!request.is_oneway()) {
    net::Reply(conn, request, RemotingCommand::ResponseTo(request, ResponseCode::kSuccess));
  }
}

// An async send in progress: what its attempts share.
struct ProducerImpl::AsyncSend {
  Message message;
  Target target;                      // pointers valid only during SendAsync: see below
  std::optional<MessageQueue> queue;  // a copy of target.queue
  std::optional<QueueSelector> selector;
  SendCallback callback;
  int64_t begin_ms = 0;
  int64_t timeout_ms = 0;
  int attempts_left = 1;
  int attempts = 0;
  std::string last_broker;
  std::vector<std::string> brokers_sent;
};

ProducerImpl::ProducerImpl(ProducerConfig config)
    : config_(std::move(config)),
      fault_(config_.send_latency_fault_enable, config_.latency_max_ms,
             config_.not_available_duration_ms) {}

ProducerImpl::~ProducerImpl() { Shutdown(); }

std::string ProducerImpl::client_id() const {
  return client_id_.empty() ? ClientInstance::BuildClientId(config_) : client_id_;
}

Status ProducerImpl::CheckRunning() const {
  ServiceState s = state_.load();
  if (s == ServiceState::kRunning) return Status::Ok();
  return Status(ErrorCode::kNotRunning,
                std::string("The producer service state not OK, ") + ServiceStateName(s));
}

std::string ProducerImpl::WithNamespace(const std::string& name) const {
  return WrapNamespace(config_.name_space, name);
}

Status ProducerImpl::Start() {
  ServiceState expected = ServiceState::kCreateJust;
  if (!state_.compare_exchange_strong(expected, ServiceState::kStartFailed)) {
    return Status(ErrorCode::kNotRunning,
                  std::string("The producer service state not OK, maybe started once, ") +
                      ServiceStateName(expected));
  }
  ORBIT_RETURN_IF_ERROR(ValidateProducerGroup(config_.group));
  if (config_.async_queue_capacity <= 0 || config_.send_msg_timeout_ms <= 0 ||
      config_.retry_times_when_send_failed < 0 || config_.retry_times_when_send_async_failed < 0) {
    return InvalidArgument(
        "async_queue_capacity and send_msg_timeout_ms must be positive, retry counts not "
        "negative");
  }
  if (config_.latency_max_ms.size() != config_.not_available_duration_ms.size()) {
    return InvalidArgument("latency_max_ms and not_available_duration_ms differ in length");
  }
  client_id_ = ClientInstance::BuildClientId(config_);
  instance_ = ClientInstance::GetOrCreate(config_, client_id_);
  if (Status st = instance_->RegisterProducer(config_.group, this); !st.ok()) {
    instance_.reset();
    return st;
  }
  callbacks_ = std::make_unique<CallbackExecutor>("orbit-callback");
  if (tx_listener_) checks_ = std::make_unique<CallbackExecutor>("orbit-txcheck");
  instance_->SetReplyHandler(OnPushReply);
  {
    // Java starts with an empty publish info for the default topic so that its route is kept.
    MutexLock lock(mu_);
    publish_info_.emplace(config_.create_topic_key, nullptr);
  }
  state_.store(ServiceState::kRunning);
  instance_->scheduler().Post([instance = instance_] { instance->SendHeartbeatToAllBrokers(); });
  ORBIT_LOG_INFO("producer {} started as {}", config_.group, client_id_);
  return Status::Ok();
}

void ProducerImpl::Shutdown() {
  ServiceState expected = ServiceState::kRunning;
  if (!state_.compare_exchange_strong(expected, ServiceState::kShutdownAlready)) return;
  {
    // Every async send finishes within its timeout (each attempt's is what is left of it).
    std::unique_lock<std::mutex> lock(async_mu_);
    auto deadline = std::chrono::steady_clock::now() +
                    std::chrono::milliseconds(config_.send_msg_timeout_ms + 5000);
    while (async_in_flight_ > 0) {
      if (async_cv_.wait_until(lock, deadline) == std::cv_status::timeout) break;
    }
    if (async_in_flight_ > 0) {
      ORBIT_LOG_WARN("producer {}: {} async sends still in flight at shutdown", config_.group,
                     async_in_flight_);
    }
  }
  // Answers the check-backs already queued.
  if (checks_) checks_->Stop();
  instance_->UnregisterProducer(config_.group);
  // Runs the callbacks still queued; a late one runs on the thread that finishes it.
  callbacks_->Stop();
  ORBIT_LOG_INFO("producer {} shut down", config_.group);
}

void ProducerImpl::AddSendHook(std::shared_ptr<SendHook> hook) {
  MutexLock lock(mu_);
  hooks_.push_back(std::move(hook));
  has_hooks_.store(true, std::memory_order_release);
}

std::vector<std::shared_ptr<SendHook>> ProducerImpl::Hooks() const {
  MutexLock lock(mu_);
  return hooks_;
}

SendContext ProducerImpl::HookContext(const Message* message, const MessageQueue& queue,
                                      CommunicationMode mode) const {
  SendContext context;
  if (!has_hooks_.load(std::memory_order_acquire)) return context;
  context.producer_group = config_.group;
  context.message = message;
  context.queue = queue;
  context.mode = mode;
  return context;
}

void ProducerImpl::RunHooks(bool before, const SendContext& context) const {
  if (!has_hooks_.load(std::memory_order_acquire)) return;
  for (const auto& hook : Hooks()) {
    if (before) {
      hook->Before(context);
    } else {
      hook->After(context);
    }
  }
}

std::vector<std::string> ProducerImpl::PublishTopics() {
  MutexLock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [topic, info] : publish_info_) out.push_back(topic);
  return out;
}

void ProducerImpl::OnPublishInfo(const std::string& topic,
                                 std::shared_ptr<const TopicPublishInfo> info) {
  MutexLock lock(mu_);
  auto it = publish_info_.find(topic);
  if (it != publish_info_.end()) it->second = std::move(info);
}

Result<std::shared_ptr<const TopicPublishInfo>> ProducerImpl::FindPublishInfo(
    const std::string& topic) {
  {
    MutexLock lock(mu_);
    auto it = publish_info_.find(topic);
    if (it != publish_info_.end() && it->second && it->second->ok()) return it->second;
    publish_info_.emplace(topic, nullptr);
  }
  auto updated = instance_->UpdateTopicRoute(topic);
  if (!updated.ok() && updated.status().code() != ErrorCode::kNoRoute) return updated.status();
  {
    MutexLock lock(mu_);
    auto it = publish_info_.find(topic);
    if (it != publish_info_.end() && it->second && it->second->ok()) return it->second;
  }
  // Not known to the name servers: the default topic's route, for the broker to create it.
  auto from_default = instance_->UpdateTopicRoute(topic, config_.create_topic_key,
                                                  config_.default_topic_queue_nums);
  if (!from_default.ok() && from_default.status().code() != ErrorCode::kNoRoute) {
    return from_default.status();
  }
  MutexLock lock(mu_);
  auto it = publish_info_.find(topic);
  if (it != publish_info_.end() && it->second && it->second->ok()) return it->second;
  return Status(ErrorCode::kNoRoute,
                "No route info of this topic: " + topic +
                    " (create it first, or let the broker create it: autoCreateTopicEnable)");
}

Result<MessageQueue> ProducerImpl::ChooseQueue(const Message& message, Target target,
                                               const TopicPublishInfo& info,
                                               const std::string& last_broker) {
  if (target.queue != nullptr) return *target.queue;
  if (target.selector != nullptr) {
    const auto& queues = info.queues();
    size_t index = (*target.selector)(queues, message);
    if (index >= queues.size()) {
      return InvalidArgument("the queue selector chose queue " + std::to_string(index) + " of " +
                             std::to_string(queues.size()));
    }
    return queues[index];
  }
  return fault_.SelectOneMessageQueue(info, last_broker, SteadyNow());
}

Result<std::string> ProducerImpl::BrokerAddress(const std::string& topic,
                                                const std::string& broker_name) {
  std::string addr = instance_->FindBrokerAddressInPublish(broker_name);
  if (addr.empty()) {
    (void)instance_->UpdateTopicRoute(topic);
    addr = instance_->FindBrokerAddressInPublish(broker_name);
  }
  if (addr.empty()) {
    return Status(ErrorCode::kBrokerNotFound, "The broker[" + broker_name + "] not exist");
  }
  return addr;
}

const SendRequestOptions& ProducerImpl::RequestOptions() const {
  std::call_once(request_options_once_, [this] { request_options_ = MakeRequestOptions(); });
  return request_options_;
}

SendRequestOptions ProducerImpl::MakeRequestOptions() const {
  SendRequestOptions o;
  o.producer_group = WithNamespace(config_.group);
  o.default_topic = config_.create_topic_key;
  o.default_topic_queue_nums = config_.default_topic_queue_nums;
  o.compress_over = config_.compress_msg_body_over_howmuch;
  o.compress_type = ToWire(config_.compress_type);
  o.compress_level = config_.compress_level;
  o.binary_header = config_.binary_header;
  o.name_space = config_.name_space;
  return o;
}

bool ProducerImpl::IsRetriableResponse(const Status& status) const {
  if (status.code() != ErrorCode::kRemote) return true;  // transport and client errors
  switch (status.remote_code()) {
    case ResponseCode::kTopicNotExist:
    case ResponseCode::kServiceNotAvailable:
    case ResponseCode::kSystemError:
    case ResponseCode::kNoPermission:
    case ResponseCode::kNoBuyerId:
    case ResponseCode::kNotInCurrentUnit:
      return true;
    default:
      return false;
  }
}

Status ProducerImpl::FinalError(const Status& last, int attempts, int64_t cost_ms,
                                const std::string& topic,
                                const std::vector<std::string>& brokers) const {
  std::string text = "Send [" + std::to_string(attempts) + "] times, still failed, cost [" +
                     std::to_string(cost_ms) + "]ms, Topic: " + topic +
                     ", BrokersSent: " + JoinBrokers(brokers) + ": " + last.message();
  if (last.code() == ErrorCode::kRemote) return Status::Remote(last.remote_code(), text);
  return Status(last.code(), std::move(text));
}

Result<SendResult> ProducerImpl::SendOnce(Message* message, const MessageQueue& queue,
                                          int64_t timeout_ms, std::string* broker_addr) {
  ORBIT_ASSIGN_OR_RETURN(*broker_addr, BrokerAddress(queue.topic, queue.broker_name));
  ORBIT_ASSIGN_OR_RETURN(RemotingCommand req, BuildSendRequest(message, queue, RequestOptions(),
                                                               Clock::System().NowMillis()));
  ORBIT_ASSIGN_OR_RETURN(RemotingCommand resp,
                         instance_->InvokeSync(*broker_addr, std::move(req), timeout_ms));
  return ParseSendResponse(resp, queue, message->unique_id());
}

Status ProducerImpl::CheckTarget(const Message& message, Target target) const {
  if (target.queue != nullptr && target.queue->topic != message.topic()) {
    return InvalidArgument("message's topic " + message.topic() + " not equal mq's topic " +
                           target.queue->topic);
  }
  return Status::Ok();
}

Result<SendResult> ProducerImpl::Send(const Message& original, Target target, int64_t timeout_ms) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_RETURN_IF_ERROR(ValidateMessage(original, config_.max_message_size));
  ORBIT_RETURN_IF_ERROR(CheckTarget(original, target));
  Message message = original;
  message.set_topic(WithNamespace(original.topic()));
  EnsureUniqueId(&message);
  const int64_t begin = SteadyNow();
  ORBIT_ASSIGN_OR_RETURN(auto info, FindPublishInfo(message.topic()));
  // A chosen queue or a selector: one attempt (Java does not retry these).
  const bool chosen = target.queue != nullptr || target.selector != nullptr;
  const int attempts_max = chosen ? 1 : 1 + config_.retry_times_when_send_failed;
  std::string last_broker;
  std::vector<std::string> brokers;
  Status last;
  int attempts = 0;
  for (; attempts < attempts_max; ++attempts) {
    int64_t cost = SteadyNow() - begin;
    if (cost >= timeout_ms) {
      last = Status(ErrorCode::kTimeout, "sendDefaultImpl call timeout");
      break;
    }
    ORBIT_ASSIGN_OR_RETURN(MessageQueue queue, ChooseQueue(message, target, *info, last_broker));
    if (target.queue != nullptr) queue.topic = WithNamespace(queue.topic);
    last_broker = queue.broker_name;
    brokers.push_back(queue.broker_name);
    SendContext context = HookContext(&message, queue, CommunicationMode::kSync);
    RunHooks(true, context);
    const int64_t start = SteadyNow();
    std::string addr;
    Result<SendResult> result = SendOnce(&message, queue, timeout_ms - cost, &addr);
    const int64_t latency = SteadyNow() - start;
    context.broker_addr = addr;
    if (result.ok()) result->queue.topic = original.topic();
    context.result = &result;
    RunHooks(false, context);
    if (result.ok()) {
      fault_.UpdateFaultItem(queue.broker_name, latency, false, SteadyNow());
      if (result->status != SendStatus::kSendOk && config_.retry_another_broker_when_not_store_ok &&
          attempts + 1 < attempts_max) {
        continue;
      }
      return result;
    }
    last = result.status();
    // Any failed attempt isolates the broker for a while (Java does the same for every kind).
    fault_.UpdateFaultItem(queue.broker_name, latency, true, SteadyNow());
    if (!IsRetriableResponse(last)) return last;
  }
  return FinalError(last, std::max(attempts, 1), SteadyNow() - begin, message.topic(), brokers);
}

Result<SendResult> ProducerImpl::SendBatch(const std::vector<Message>& batch, int64_t timeout_ms) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  if (batch.empty()) return InvalidArgument("a batch needs at least one message");
  std::vector<Message> messages = batch;
  for (auto& m : messages) {
    ORBIT_RETURN_IF_ERROR(ValidateMessage(m, config_.max_message_size));
    m.set_topic(WithNamespace(m.topic()));
    EnsureUniqueId(&m);
  }
  const std::string topic = messages.front().topic();
  const int64_t begin = SteadyNow();
  ORBIT_ASSIGN_OR_RETURN(auto info, FindPublishInfo(topic));
  std::string last_broker;
  std::vector<std::string> brokers;
  Status last;
  int attempts = 0;
  for (; attempts < 1 + config_.retry_times_when_send_failed; ++attempts) {
    int64_t cost = SteadyNow() - begin;
    if (cost >= timeout_ms) {
      last = Status(ErrorCode::kTimeout, "sendDefaultImpl call timeout");
      break;
    }
    MessageQueue queue = fault_.SelectOneMessageQueue(*info, last_broker, SteadyNow());
    last_broker = queue.broker_name;
    brokers.push_back(queue.broker_name);
    SendContext context = HookContext(&messages.front(), queue, CommunicationMode::kSync);
    context.batch = &messages;
    RunHooks(true, context);
    const int64_t start = SteadyNow();
    Result<SendResult> result = [&]() -> Result<SendResult> {
      ORBIT_ASSIGN_OR_RETURN(std::string addr, BrokerAddress(queue.topic, queue.broker_name));
      context.broker_addr = addr;
      ORBIT_ASSIGN_OR_RETURN(
          RemotingCommand req,
          BuildBatchRequest(&messages, queue, RequestOptions(), Clock::System().NowMillis()));
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand resp,
                             instance_->InvokeSync(addr, std::move(req), timeout_ms - cost));
      std::string ids;
      for (const auto& m : messages) ids += (ids.empty() ? "" : ",") + m.unique_id();
      return ParseSendResponse(resp, queue, ids);
    }();
    const int64_t latency = SteadyNow() - start;
    if (result.ok()) result->queue.topic = batch.front().topic();
    context.result = &result;
    RunHooks(false, context);
    if (result.ok()) {
      fault_.UpdateFaultItem(queue.broker_name, latency, false, SteadyNow());
      return result;
    }
    last = result.status();
    fault_.UpdateFaultItem(queue.broker_name, latency, true, SteadyNow());
    if (!IsRetriableResponse(last)) return last;
  }
  return FinalError(last, std::max(attempts, 1), SteadyNow() - begin, topic, brokers);
}

Status ProducerImpl::AcquireAsyncSlot() {
  std::unique_lock<std::mutex> lock(async_mu_);
  if (async_in_flight_ >= config_.async_queue_capacity) {
    if (config_.async_full_policy == AsyncFullPolicy::kFail) {
      return Status(ErrorCode::kTooManyRequests, "the async send queue is full (" +
                                                     std::to_string(config_.async_queue_capacity) +
                                                     " sends in flight)");
    }
    auto deadline =
        std::chrono::steady_clock::now() + std::chrono::milliseconds(config_.send_msg_timeout_ms);
    while (async_in_flight_ >= config_.async_queue_capacity) {
      if (async_cv_.wait_until(lock, deadline) == std::cv_status::timeout &&
          async_in_flight_ >= config_.async_queue_capacity) {
        return Status(ErrorCode::kTooManyRequests, "the async send queue stayed full for " +
                                                       std::to_string(config_.send_msg_timeout_ms) +
                                                       " ms");
      }
    }
  }
  ++async_in_flight_;
  return Status::Ok();
}

void ProducerImpl::ReleaseAsyncSlot() {
  {
    std::lock_guard<std::mutex> lock(async_mu_);
    --async_in_flight_;
  }
  async_cv_.notify_all();
}

Status ProducerImpl::SendAsync(const Message& message, Target target, SendCallback callback) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_RETURN_IF_ERROR(ValidateMessage(message, config_.max_message_size));
  ORBIT_RETURN_IF_ERROR(CheckTarget(message, target));
  if (!callback) return InvalidArgument("an async send needs a callback");
  ORBIT_RETURN_IF_ERROR(AcquireAsyncSlot());
  auto op = std::make_shared<AsyncSend>();
  op->message = message;
  op->message.set_topic(WithNamespace(message.topic()));
  EnsureUniqueId(&op->message);
  if (target.queue != nullptr) {
    op->queue = *target.queue;
    op->queue->topic = WithNamespace(op->queue->topic);
  }
  if (target.selector != nullptr) op->selector = *target.selector;
  op->callback = std::move(callback);
  op->begin_ms = SteadyNow();
  op->timeout_ms = config_.send_msg_timeout_ms;
  const bool chosen = op->queue || op->selector;
  op->attempts_left = chosen ? 1 : 1 + config_.retry_times_when_send_async_failed;
  StartAsyncAttempt(op);
  return Status::Ok();
}

void ProducerImpl::StartAsyncAttempt(const std::shared_ptr<AsyncSend>& op) {
  auto fail = [&](Status st) { CompleteAsync(op, std::move(st)); };
  const int64_t cost = SteadyNow() - op->begin_ms;
  if (cost >= op->timeout_ms) {
    return fail(FinalError(Status(ErrorCode::kTimeout, "sendDefaultImpl call timeout"),
                           std::max(op->attempts, 1), cost, op->message.topic(), op->brokers_sent));
  }
  auto info = FindPublishInfo(op->message.topic());
  if (!info.ok()) return fail(info.status());
  Target target{op->queue ? &*op->queue : nullptr, op->selector ? &*op->selector : nullptr};
  auto queue = ChooseQueue(op->message, target, **info, op->last_broker);
  if (!queue.ok()) return fail(queue.status());
  auto addr = BrokerAddress(queue->topic, queue->broker_name);
  if (!addr.ok()) return fail(addr.status());
  auto req = BuildSendRequest(&op->message, *queue, RequestOptions(), Clock::System().NowMillis());
  if (!req.ok()) return fail(req.status());
  op->last_broker = queue->broker_name;
  op->brokers_sent.push_back(queue->broker_name);
  --op->attempts_left;
  ++op->attempts;
  if (has_hooks_.load(std::memory_order_acquire)) {
    SendContext context = HookContext(&op->message, *queue, CommunicationMode::kAsync);
    context.broker_addr = *addr;
    RunHooks(true, context);
  }
  const int64_t start = SteadyNow();
  instance_->InvokeAsync(
      *addr, std::move(*req), op->timeout_ms - cost,
      [self = shared_from_this(), op, mq = *queue, addr = *addr,
       start](Result<RemotingCommand> resp) {
        const int64_t latency = SteadyNow() - start;
        Result<SendResult> result =
            resp.ok() ? ParseSendResponse(*resp, mq, op->message.unique_id()) : resp.status();
        if (self->has_hooks_.load(std::memory_order_acquire)) {
          SendContext context = self->HookContext(&op->message, mq, CommunicationMode::kAsync);
          context.broker_addr = addr;
          context.result = &result;
          self->RunHooks(false, context);
        }
        if (resp.ok()) {
          self->fault_.UpdateFaultItem(mq.broker_name, latency, !result.ok(), SteadyNow());
          // A broker's refusal is final for async sends (as Java).
          return self->CompleteAsync(op, std::move(result));
        }
        self->fault_.UpdateFaultItem(mq.broker_name, latency, true, SteadyNow());
        if (op->attempts_left > 0 && self->state() == ServiceState::kRunning) {
          ORBIT_LOG_DEBUG("async send to {} failed ({}); retrying", mq.broker_name,
                          resp.status().ToString());
          return self->StartAsyncAttempt(op);
        }
        self->CompleteAsync(
            op, self->FinalError(resp.status(), op->attempts, SteadyNow() - op->begin_ms,
                                 op->message.topic(), op->brokers_sent));
      });
}

void ProducerImpl::CompleteAsync(const std::shared_ptr<AsyncSend>& op, Result<SendResult> result) {
  if (result.ok()) {
    result->queue.topic = op->queue ? op->queue->topic : op->message.topic();
    if (!config_.name_space.empty()) {
      const std::string prefix = config_.name_space + "%";
      if (result->queue.topic.rfind(prefix, 0) == 0) result->queue.topic.erase(0, prefix.size());
    }
  }
  ReleaseAsyncSlot();
  callbacks_->Post([callback = std::move(op->callback), result = std::move(result)]() mutable {
    callback(std::move(result));
  });
}

Status ProducerImpl::SendOneway(const Message& original, Target target) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_RETURN_IF_ERROR(ValidateMessage(original, config_.max_message_size));
  ORBIT_RETURN_IF_ERROR(CheckTarget(original, target));
  Message message = original;
  message.set_topic(WithNamespace(original.topic()));
  ORBIT_ASSIGN_OR_RETURN(auto info, FindPublishInfo(message.topic()));
  ORBIT_ASSIGN_OR_RETURN(MessageQueue queue, ChooseQueue(message, target, *info, ""));
  if (target.queue != nullptr) queue.topic = WithNamespace(queue.topic);
  ORBIT_ASSIGN_OR_RETURN(std::string addr, BrokerAddress(queue.topic, queue.broker_name));
  EnsureUniqueId(&message);
  ORBIT_ASSIGN_OR_RETURN(RemotingCommand req, BuildSendRequest(&message, queue, RequestOptions(),
                                                               Clock::System().NowMillis()));
  SendContext context = HookContext(&message, queue, CommunicationMode::kOneway);
  context.broker_addr = addr;
  RunHooks(true, context);
  Status written = instance_->InvokeOneway(addr, std::move(req));
  if (written.ok()) {
    RunHooks(false, context);
  } else if (has_hooks_.load(std::memory_order_acquire)) {
    Result<SendResult> failed = written;
    context.result = &failed;
    RunHooks(false, context);
  }
  return written;
}

Result<std::vector<MessageQueue>> ProducerImpl::FetchPublishQueues(const std::string& topic) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_ASSIGN_OR_RETURN(auto info, FindPublishInfo(WithNamespace(topic)));
  std::vector<MessageQueue> queues = info->queues();
  for (auto& q : queues) q.topic = topic;
  return queues;
}

void ProducerImpl::SetTransactionListener(std::shared_ptr<TransactionListener> listener,
                                          int hold_max) {
  tx_listener_ = std::move(listener);
  check_hold_max_ = hold_max;
}

namespace {

int32_t WireState(LocalTransactionState state) {
  switch (state) {
    case LocalTransactionState::kCommitMessage:
      return 8;  // TRANSACTION_COMMIT_TYPE
    case LocalTransactionState::kRollbackMessage:
      return 12;  // TRANSACTION_ROLLBACK_TYPE
    case LocalTransactionState::kUnknown:
      break;
  }
  return 0;  // TRANSACTION_NOT_TYPE
}

}  // namespace

void ProducerImpl::EndTransaction(const std::string& broker_addr,
                                  protocol::EndTransactionRequestHeader header,
                                  std::optional<std::string> remark) {
  RemotingCommand req = RemotingCommand::Request(protocol::RequestCode::kEndTransaction);
  header.Encode(&req.ext_fields);
  req.remark = std::move(remark);
  if (Status st = instance_->InvokeOneway(broker_addr, std::move(req)); !st.ok()) {
    ORBIT_LOG_WARN("END_TRANSACTION of {} to {} failed: {}", header.msg_id, broker_addr,
                   st.ToString());
  }
}

Result<TransactionSendResult> ProducerImpl::SendInTransaction(const Message& original,
                                                              const LocalExecutor& execute) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  if (!tx_listener_ && !execute) {
    return InvalidArgument("a transactional send needs a TransactionListener or an executor");
  }
  Message message = original;
  // Delay levels do not apply to transactional messages.
  message.ClearProperty(protocol::kPropertyDelayTimeLevel);
  ORBIT_RETURN_IF_ERROR(ValidateMessage(message, config_.max_message_size));
  message.PutPropertyUnchecked(std::string(protocol::kPropertyTransactionPrepared), "true");
  message.PutPropertyUnchecked(std::string(protocol::kPropertyProducerGroup),
                               WithNamespace(config_.group));
  ORBIT_ASSIGN_OR_RETURN(SendResult half, Send(message, {}, config_.send_msg_timeout_ms));

  TransactionSendResult out;
  static_cast<SendResult&>(out) = half;
  std::optional<std::string> remark;
  if (half.status == SendStatus::kSendOk) {
    if (out.transaction_id.empty()) out.transaction_id = half.msg_id;
    Message executed = original;
    executed.PutPropertyUnchecked(std::string(protocol::kPropertyUniqClientMessageIdKeyidx),
                                  half.msg_id);
    try {
      out.local_state = execute ? execute(executed, out) : tx_listener_->Execute(executed, out);
    } catch (const std::exception& e) {
      // The broker will check back; an exception is an unknown outcome.
      out.local_state = LocalTransactionState::kUnknown;
      remark = std::string("executeLocalTransactionBranch exception: ") + e.what();
      ORBIT_LOG_WARN("local transaction of {} threw: {}", half.msg_id, e.what());
    } catch (...) {
      out.local_state = LocalTransactionState::kUnknown;
      remark = "executeLocalTransactionBranch exception";
    }
  } else {
    // Stored, but not as durably as asked: Java rolls back.
    out.local_state = LocalTransactionState::kRollbackMessage;
  }

  auto h = EndTransactionAfterSend(WithNamespace(config_.group), half, WireState(out.local_state));
  auto addr = BrokerAddress(WithNamespace(original.topic()), half.queue.broker_name);
  if (!h.ok() || !addr.ok()) {
    ORBIT_LOG_WARN("cannot end the transaction of {}: {}", half.msg_id,
                   !h.ok() ? h.status().ToString() : addr.status().ToString());
    return out;
  }
  EndTransaction(*addr, std::move(*h), std::move(remark));
  return out;
}

void ProducerImpl::OnCheckTransactionState(const std::string& broker_addr,
                                           RemotingCommand request) {
  if (!tx_listener_ || state() != ServiceState::kRunning) return;
  auto header = protocol::CheckTransactionStateRequestHeader::Decode(request.ext_fields);
  auto record = protocol::DecodeRecord(request.body);
  if (!header.ok() || !record.ok()) {
    ORBIT_LOG_WARN("CHECK_TRANSACTION_STATE from {} does not decode: {}", broker_addr,
                   !header.ok() ? header.status().ToString() : record.status().ToString());
    return;
  }
  // The instance offers every check to each of its producers: only the message's group answers.
  if (record->properties.Get(protocol::kPropertyProducerGroup) != WithNamespace(config_.group)) {
    return;
  }
  if (checks_pending_.fetch_add(1) >= check_hold_max_) {
    checks_pending_.fetch_sub(1);
    ORBIT_LOG_WARN(
        "transaction check of {} dropped: {} checks already wait (the broker asks "
        "again)",
        header->msg_id.value_or(""), check_hold_max_);
    return;
  }
  checks_->Post(
      [self = shared_from_this(), broker_addr, h = std::move(*header), r = std::move(*record)] {
        LocalTransactionState state = LocalTransactionState::kUnknown;
        std::optional<std::string> remark;
        auto message = ToMessageExt(r);
        if (!message.ok()) {
          remark = "the half message does not decode: " + message.status().message();
        } else {
          message->transaction_id = h.transaction_id.value_or(message->msg_id);
          try {
            state = self->tx_listener_->Check(*message);
          } catch (const std::exception& e) {
            remark = std::string("checkLocalTransactionState exception: ") + e.what();
          } catch (...) {
            remark = "checkLocalTransactionState exception";
          }
        }
        const std::string* uniq = r.properties.Find(protocol::kPropertyUniqClientMessageIdKeyidx);
        auto end = EndTransactionAfterCheck(self->WithNamespace(self->config_.group), h,
                                            uniq != nullptr ? *uniq : "", WireState(state));
        self->EndTransaction(broker_addr, std::move(end), std::move(remark));
        self->checks_pending_.fetch_sub(1);
      });
}

Result<Message> ProducerImpl::Request(const Message& original, int64_t timeout_ms) {
  ORBIT_RETURN_IF_ERROR(CheckRunning());
  ORBIT_RETURN_IF_ERROR(ValidateMessage(original, config_.max_message_size));
  const int64_t begin = SteadyNow();
  // The broker pushes the reply over this client's connection: it must know the connection
  // (a heartbeat) before the request reaches a consumer.
  bool known = false;
  {
    MutexLock lock(mu_);
    auto it = publish_info_.find(WithNamespace(original.topic()));
    known = it != publish_info_.end() && it->second && it->second->ok();
  }
  if (!known) {
    ORBIT_RETURN_IF_ERROR(FindPublishInfo(WithNamespace(original.topic())).status());
    instance_->SendHeartbeatToAllBrokers();
  }
  Message message = original;
  const std::string id = NewCorrelationId();
  message.PutPropertyUnchecked(std::string(protocol::kPropertyCorrelationId), id);
  message.PutPropertyUnchecked(std::string(protocol::kPropertyMessageReplyToClient), client_id_);
  message.PutPropertyUnchecked(std::string(protocol::kPropertyMessageTtl),
                               std::to_string(timeout_ms));
  auto waiter = ReplyTable::Get().Add(id);
  const int64_t left = timeout_ms - (SteadyNow() - begin);
  Status st = left <= 0 ? Status(ErrorCode::kTimeout, "request timeout before sending")
                        : SendAsync(message, {}, [id](Result<SendResult> sent) {
                            if (!sent.ok()) ReplyTable::Get().Complete(id, sent.status());
                          });
  if (!st.ok()) {
    ReplyTable::Get().Remove(id);
    return st;
  }
  std::unique_lock<std::mutex> lock(waiter->mu);
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(
                                                         0, timeout_ms - (SteadyNow() - begin)));
  while (!waiter->reply) {
    if (waiter->cv.wait_until(lock, deadline) == std::cv_status::timeout && !waiter->reply) break;
  }
  if (!waiter->reply) {
    lock.unlock();
    ReplyTable::Get().Remove(id);
    return Status(ErrorCode::kTimeout, "request timeout, no reply message in " +
                                           std::to_string(timeout_ms) + " ms (correlation id " +
                                           id + ")");
  }
  return std::move(*waiter->reply);
}

}  // namespace orbit::client
