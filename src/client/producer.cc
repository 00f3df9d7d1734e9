#include "orbit/producer.h"

#include <cstdlib>

#include "client/producer_impl.h"

namespace orbit {

namespace {

int32_t JavaStringHash(const std::string& s) {
  // String.hashCode over UTF-16 units; for ASCII keys the bytes are the units.
  uint32_t h = 0;
  for (unsigned char c : s) h = 31 * h + c;
  return static_cast<int32_t>(h);
}

}  // namespace

QueueSelector SelectQueueByHash(std::string key) {
  return [key = std::move(key)](const std::vector<MessageQueue>& queues, const Message&) {
    // Java's SelectMessageQueueByHash: abs(hashCode % size).
    int64_t value = JavaStringHash(key) % static_cast<int64_t>(queues.size());
    return static_cast<size_t>(value < 0 ? -value : value);
  };
}

Producer::Producer(ProducerConfig config)
    : impl_(std::make_shared<client::ProducerImpl>(std::move(config))) {}
Producer::Producer(std::shared_ptr<client::ProducerImpl> impl) : impl_(std::move(impl)) {}
Producer::~Producer() {
  if (impl_) impl_->Shutdown();
}
Producer::Producer(Producer&&) noexcept = default;
Producer& Producer::operator=(Producer&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->Shutdown();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Status Producer::Start() { return impl_->Start(); }
void Producer::Shutdown() { impl_->Shutdown(); }
ServiceState Producer::state() const { return impl_->state(); }
const ProducerConfig& Producer::config() const { return impl_->config(); }
std::string Producer::client_id() const { return impl_->client_id(); }

Result<SendResult> Producer::Send(const Message& message) {
  return impl_->Send(message, {}, impl_->config().send_msg_timeout_ms);
}
Result<SendResult> Producer::Send(const Message& message, int64_t timeout_ms) {
  return impl_->Send(message, {}, timeout_ms);
}
Result<SendResult> Producer::Send(const Message& message, const MessageQueue& queue) {
  return impl_->Send(message, {&queue, nullptr}, impl_->config().send_msg_timeout_ms);
}
Result<SendResult> Producer::Send(const Message& message, const QueueSelector& selector) {
  return impl_->Send(message, {nullptr, &selector}, impl_->config().send_msg_timeout_ms);
}
Result<SendResult> Producer::Send(const std::vector<Message>& batch) {
  return impl_->SendBatch(batch, impl_->config().send_msg_timeout_ms);
}

Status Producer::SendAsync(const Message& message, SendCallback callback) {
  return impl_->SendAsync(message, {}, std::move(callback));
}
Status Producer::SendAsync(const Message& message, const MessageQueue& queue,
                           SendCallback callback) {
  return impl_->SendAsync(message, {&queue, nullptr}, std::move(callback));
}
Status Producer::SendAsync(const Message& message, const QueueSelector& selector,
                           SendCallback callback) {
  return impl_->SendAsync(message, {nullptr, &selector}, std::move(callback));
}
std::future<Result<SendResult>> Producer::SendAsync(const Message& message) {
  auto promise = std::make_shared<std::promise<Result<SendResult>>>();
  auto future = promise->get_future();
  Status st = impl_->SendAsync(
      message, {}, [promise](Result<SendResult> result) { promise->set_value(std::move(result)); });
  if (!st.ok()) promise->set_value(std::move(st));
  return future;
}

Status Producer::SendOneway(const Message& message) { return impl_->SendOneway(message, {}); }
Status Producer::SendOneway(const Message& message, const MessageQueue& queue) {
  return impl_->SendOneway(message, {&queue, nullptr});
}

Result<Message> Producer::Request(const Message& message, int64_t timeout_ms) {
  return impl_->Request(message, timeout_ms);
}

Result<Message> CreateReplyMessage(const Message& request, std::string body) {
  auto cluster = request.GetProperty("CLUSTER");
  auto reply_to = request.GetProperty("REPLY_TO_CLIENT");
  if (!cluster || cluster->empty() || !reply_to) {
    return InvalidArgument(
        "create reply message fail, the request has no CLUSTER or REPLY_TO_CLIENT property");
  }
  Message reply(*cluster + "_REPLY_TOPIC", std::move(body));
  reply.PutPropertyUnchecked("MSG_TYPE", "reply");
  for (const char* name : {"CORRELATION_ID", "REPLY_TO_CLIENT", "TTL"}) {
    if (auto v = request.GetProperty(name)) reply.PutPropertyUnchecked(name, *v);
  }
  return reply;
}

Result<std::vector<MessageQueue>> Producer::FetchPublishQueues(const std::string& topic) {
  return impl_->FetchPublishQueues(topic);
}

void Producer::AddSendHook(std::shared_ptr<SendHook> hook) { impl_->AddSendHook(std::move(hook)); }

}  // namespace orbit
