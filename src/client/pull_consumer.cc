#include "orbit/pull_consumer.h"

#include "client/pull_consumer_impl.h"

namespace orbit {

PullConsumer::PullConsumer(PullConsumerConfig config)
    : impl_(std::make_shared<client::PullConsumerImpl>(std::move(config))) {}

PullConsumer::~PullConsumer() {
  if (impl_) impl_->Shutdown();
}

PullConsumer::PullConsumer(PullConsumer&&) noexcept = default;
PullConsumer& PullConsumer::operator=(PullConsumer&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->Shutdown();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

void PullConsumer::RegisterMessageQueueListener(const std::string& topic,
                                                MessageQueueListener listener) {
  impl_->RegisterMessageQueueListener(topic, std::move(listener));
}
Status PullConsumer::Start() { return impl_->Start(); }
void PullConsumer::Shutdown() { impl_->Shutdown(); }
ServiceState PullConsumer::state() const { return impl_->state(); }
const PullConsumerConfig& PullConsumer::config() const { return impl_->config(); }
std::string PullConsumer::client_id() const { return impl_->client_id(); }

Result<std::vector<MessageQueue>> PullConsumer::FetchSubscribeMessageQueues(
    const std::string& topic) {
  return impl_->FetchSubscribeMessageQueues(topic);
}
std::vector<MessageQueue> PullConsumer::FetchMessageQueuesInBalance(
    const std::string& topic) const {
  return impl_->FetchMessageQueuesInBalance(topic);
}
Result<PullResult> PullConsumer::Pull(const MessageQueue& mq, const std::string& expression,
                                      int64_t offset, int32_t max_nums) {
  return impl_->Pull(mq, expression, offset, max_nums, impl_->config().consumer_pull_timeout_ms,
                     false);
}
Result<PullResult> PullConsumer::Pull(const MessageQueue& mq, const std::string& expression,
                                      int64_t offset, int32_t max_nums, int64_t timeout_ms) {
  return impl_->Pull(mq, expression, offset, max_nums, timeout_ms, false);
}
Status PullConsumer::PullAsync(const MessageQueue& mq, const std::string& expression,
                               int64_t offset, int32_t max_nums, PullCallback callback) {
  return impl_->PullAsync(mq, expression, offset, max_nums, std::move(callback));
}
Result<PullResult> PullConsumer::PullBlockIfNotFound(const MessageQueue& mq,
                                                     const std::string& expression, int64_t offset,
                                                     int32_t max_nums) {
  return impl_->Pull(mq, expression, offset, max_nums, 0, true);
}
Status PullConsumer::UpdateConsumeOffset(const MessageQueue& mq, int64_t offset) {
  return impl_->UpdateConsumeOffset(mq, offset);
}
Result<int64_t> PullConsumer::FetchConsumeOffset(const MessageQueue& mq, bool from_store) {
  return impl_->FetchConsumeOffset(mq, from_store);
}
Result<int64_t> PullConsumer::MinOffset(const MessageQueue& mq) { return impl_->MinOffset(mq); }
Result<int64_t> PullConsumer::MaxOffset(const MessageQueue& mq) { return impl_->MaxOffset(mq); }
Result<int64_t> PullConsumer::SearchOffset(const MessageQueue& mq, int64_t timestamp_ms) {
  return impl_->SearchOffset(mq, timestamp_ms);
}
Result<int64_t> PullConsumer::EarliestMsgStoreTime(const MessageQueue& mq) {
  return impl_->EarliestMsgStoreTime(mq);
}
Status PullConsumer::SendMessageBack(const MessageExt& msg, int32_t delay_level) {
  return impl_->SendMessageBack(msg, delay_level);
}

}  // namespace orbit
