#include "orbit/lite_pull_consumer.h"

#include "client/lite_pull_consumer_impl.h"

namespace orbit {

LitePullConsumer::LitePullConsumer(LitePullConsumerConfig config)
    : impl_(std::make_shared<client::LitePullConsumerImpl>(std::move(config))) {}

LitePullConsumer::~LitePullConsumer() {
  if (impl_) impl_->Shutdown();
}

LitePullConsumer::LitePullConsumer(LitePullConsumer&&) noexcept = default;
LitePullConsumer& LitePullConsumer::operator=(LitePullConsumer&& other) noexcept {
  if (this != &other) {
    if (impl_) impl_->Shutdown();
    impl_ = std::move(other.impl_);
  }
  return *this;
}

Status LitePullConsumer::Subscribe(const std::string& topic, const std::string& expression) {
  return impl_->Subscribe(topic, expression);
}
void LitePullConsumer::Unsubscribe(const std::string& topic) { impl_->Unsubscribe(topic); }
Status LitePullConsumer::Assign(const std::vector<MessageQueue>& queues) {
  return impl_->Assign(queues);
}
Status LitePullConsumer::Start() { return impl_->Start(); }
void LitePullConsumer::Shutdown() { impl_->Shutdown(); }
ServiceState LitePullConsumer::state() const { return impl_->state(); }
const LitePullConsumerConfig& LitePullConsumer::config() const { return impl_->config(); }
std::string LitePullConsumer::client_id() const { return impl_->client_id(); }
Result<std::vector<MessageExt>> LitePullConsumer::Poll() {
  return impl_->Poll(impl_->config().poll_timeout_ms);
}
Result<std::vector<MessageExt>> LitePullConsumer::Poll(int64_t timeout_ms) {
  return impl_->Poll(timeout_ms);
}
Status LitePullConsumer::Seek(const MessageQueue& queue, int64_t offset) {
  return impl_->Seek(queue, offset);
}
Status LitePullConsumer::SeekToBegin(const MessageQueue& queue) {
  return impl_->SeekToBegin(queue);
}
Status LitePullConsumer::SeekToEnd(const MessageQueue& queue) { return impl_->SeekToEnd(queue); }
void LitePullConsumer::Pause(const std::vector<MessageQueue>& queues) {
  impl_->Pause(queues, true);
}
void LitePullConsumer::Resume(const std::vector<MessageQueue>& queues) {
  impl_->Pause(queues, false);
}
Status LitePullConsumer::CommitSync() { return impl_->CommitSync(); }
Result<int64_t> LitePullConsumer::Committed(const MessageQueue& queue) {
  return impl_->Committed(queue);
}
std::vector<MessageQueue> LitePullConsumer::Assignment() const { return impl_->Assignment(); }
Result<std::vector<MessageQueue>> LitePullConsumer::FetchMessageQueues(const std::string& topic) {
  return impl_->FetchMessageQueues(topic);
}
Result<int64_t> LitePullConsumer::OffsetForTimestamp(const MessageQueue& queue,
                                                     int64_t timestamp_ms) {
  return impl_->OffsetForTimestamp(queue, timestamp_ms);
}

}  // namespace orbit
