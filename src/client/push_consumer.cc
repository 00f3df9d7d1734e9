#include "client/push_consumer_impl.h"
#include "orbit/consumer.h"

namespace orbit {

PushConsumer::PushConsumer(PushConsumerConfig config)
    : impl_(std::make_shared<client::PushConsumerImpl>(std::move(config))) {}

PushConsumer::~PushConsumer() {
  if (impl_) impl_->Shutdown();
}

PushConsumer::PushConsumer(PushConsumer&&) noexcept = default;
PushConsumer& PushConsumer::operator=(PushConsumer&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->Shutdown();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Status PushConsumer::Subscribe(const std::string& topic, const std::string& expression) {
  return impl_->Subscribe(topic, expression);
}
void PushConsumer::Unsubscribe(const std::string& topic) { impl_->Unsubscribe(topic); }
void PushConsumer::RegisterListener(ConcurrentListener listener) {
  impl_->SetListener(std::move(listener));
}
void PushConsumer::RegisterListener(OrderlyListener listener) {
  impl_->SetListener(std::move(listener));
}
Status PushConsumer::Start() { return impl_->Start(); }
void PushConsumer::Shutdown() { impl_->Shutdown(); }
void PushConsumer::Suspend() { impl_->Suspend(); }
void PushConsumer::Resume() { impl_->Resume(); }
ServiceState PushConsumer::state() const { return impl_->state(); }
const PushConsumerConfig& PushConsumer::config() const { return impl_->config(); }
std::string PushConsumer::client_id() const { return impl_->client_id(); }
std::vector<MessageQueue> PushConsumer::AssignedQueues() const { return impl_->AssignedQueues(); }
Status PushConsumer::SendMessageBack(const MessageExt& msg, int32_t delay_level) {
  return impl_->SendMessageBack(msg, delay_level, msg.broker_name);
}

}  // namespace orbit
