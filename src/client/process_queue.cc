#include "client/process_queue.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string>

#include "protocol/properties.h"

namespace orbit::client {
namespace {

std::optional<int64_t> ParseInt64(const std::string& text) {
  int64_t value = 0;
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return std::nullopt;
  return value;
}

}  // namespace

void ConsumeLock::Lock() {
  std::unique_lock lock(mu_);
  cv_.wait(lock, [this] { return !held_; });
  held_ = true;
}

bool ConsumeLock::TryLockFor(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mu_);
  if (!cv_.wait_for(lock, timeout, [this] { return !held_; })) return false;
  held_ = true;
  return true;
}

void ConsumeLock::Unlock() {
  {
    std::lock_guard lock(mu_);
    held_ = false;
  }
  cv_.notify_one();
}

ProcessQueue::ProcessQueue(const Clock& clock)
    : clock_(clock),
      last_pull_ms_(clock.SteadyMillis()),
      last_consume_ms_(clock.SteadyMillis()),
      last_lock_ms_(clock.SteadyMillis()) {}

ProcessQueue::Held ProcessQueue::HoldWhole(MessageExt msg) {
  Held held;
  held.body_size = static_cast<int64_t>(msg.body().size());
  held.msg = std::move(msg);
  return held;
}

ProcessQueue::Held ProcessQueue::HoldTracked(const MessageExt& msg) {
  Held held;
  held.body_size = static_cast<int64_t>(msg.body().size());
  MessageExt& slim = held.msg;
  slim.set_topic(msg.topic());
  slim.msg_id = msg.msg_id;
  slim.offset_msg_id = msg.offset_msg_id;
  slim.broker_name = msg.broker_name;
  slim.queue_id = msg.queue_id;
  slim.queue_offset = msg.queue_offset;
  slim.commit_log_offset = msg.commit_log_offset;
  slim.born_timestamp = msg.born_timestamp;
  slim.store_timestamp = msg.store_timestamp;
  slim.store_host = msg.store_host;
  slim.reconsume_times = msg.reconsume_times;
  slim.sys_flag = msg.sys_flag;
  // A message from the retry topic is sent back under its original topic.
  if (auto retry_topic = msg.GetProperty(protocol::kPropertyRetryTopic)) {
    slim.PutPropertyUnchecked(std::string(protocol::kPropertyRetryTopic), std::move(*retry_topic));
  }
  return held;
}

// Counters follow the maps: msg_count_ and msg_size_ are the count and body bytes of msgs_ and
// consuming_msgs_ together.
void ProcessQueue::AddLocked(const Held& held) {
  msg_count_.fetch_add(1, std::memory_order_relaxed);
  msg_size_.fetch_add(held.body_size, std::memory_order_relaxed);
}

void ProcessQueue::SubtractLocked(const Held& held) {
  msg_count_.fetch_sub(1, std::memory_order_relaxed);
  msg_size_.fetch_sub(held.body_size, std::memory_order_relaxed);
}

namespace {

// How many messages the broker had beyond `last` (its MAX_OFFSET property); 0 when unknown.
int64_t BehindOf(const MessageExt& last) {
  if (auto max = last.GetProperty(protocol::kPropertyMaxOffset)) {
    if (auto max_offset = ParseInt64(*max)) return *max_offset - last.queue_offset;
  }
  return 0;
}

}  // namespace

bool ProcessQueue::PutMessage(std::vector<MessageExt> msgs) {
  const int64_t behind = msgs.empty() ? 0 : BehindOf(msgs.back());
  std::vector<Held> held;
  held.reserve(msgs.size());
  for (MessageExt& msg : msgs) held.push_back(HoldWhole(std::move(msg)));
  MutexLock lock(mu_);
  if (behind > 0) msg_acc_cnt_.store(behind);
  return PutLocked(std::move(held));
}

bool ProcessQueue::TrackMessages(const std::vector<MessageExt>& msgs) {
  const int64_t behind = msgs.empty() ? 0 : BehindOf(msgs.back());
  std::vector<Held> held;
  held.reserve(msgs.size());
  for (const MessageExt& msg : msgs) held.push_back(HoldTracked(msg));
  MutexLock lock(mu_);
  if (behind > 0) msg_acc_cnt_.store(behind);
  return PutLocked(std::move(held));
}

bool ProcessQueue::PutLocked(std::vector<Held> held) {
  for (Held& h : held) {
    const int64_t offset = h.msg.queue_offset;
    auto it = msgs_.find(offset);
    if (it == msgs_.end()) {
      AddLocked(h);
      // Java takes the offset of the last new message; pull results are ascending, so the
      // maximum is the same there and stays right for any other order.
      queue_offset_max_ = std::max(queue_offset_max_, offset);
      msgs_.emplace(offset, std::move(h));
    } else {
      // The same offset again (a re-pull): the newer copy replaces the held one, counted once.
      SubtractLocked(it->second);
      AddLocked(h);
      it->second = std::move(h);
    }
  }
  if (!msgs_.empty() && !consuming_) {
    consuming_ = true;
    return true;
  }
  return false;
}

int64_t ProcessQueue::RemoveMessage(const std::vector<MessageExt>& msgs) {
  MutexLock lock(mu_);
  last_consume_ms_.store(clock_.SteadyMillis());
  if (msgs_.empty()) return -1;
  for (const MessageExt& msg : msgs) {
    auto it = msgs_.find(msg.queue_offset);
    if (it == msgs_.end()) continue;
    SubtractLocked(it->second);
    msgs_.erase(it);
  }
  return msgs_.empty() ? queue_offset_max_ + 1 : msgs_.begin()->first;
}

int64_t ProcessQueue::GetMaxSpan() const {
  MutexLock lock(mu_);
  if (msgs_.empty()) return 0;
  return msgs_.rbegin()->first - msgs_.begin()->first;
}

bool ProcessQueue::ContainsMessage(const MessageExt& msg) const {
  MutexLock lock(mu_);
  return msgs_.contains(msg.queue_offset);
}

bool ProcessQueue::HasTempMessage() const {
  MutexLock lock(mu_);
  return !msgs_.empty();
}

void ProcessQueue::Clear() {
  MutexLock lock(mu_);
  msgs_.clear();
  consuming_msgs_.clear();
  msg_count_.store(0);
  msg_size_.store(0);
  queue_offset_max_ = 0;
}

std::vector<MessageExt> ProcessQueue::TakeMessages(int batch_size) {
  std::vector<MessageExt> taken;
  MutexLock lock(mu_);
  last_consume_ms_.store(clock_.SteadyMillis());
  while (static_cast<int>(taken.size()) < batch_size && !msgs_.empty()) {
    auto node = msgs_.extract(msgs_.begin());
    taken.push_back(node.mapped().msg);
    consuming_msgs_.insert(std::move(node));
  }
  if (taken.empty()) consuming_ = false;
  return taken;
}

int64_t ProcessQueue::Commit() {
  MutexLock lock(mu_);
  if (consuming_msgs_.empty()) return -1;
  int64_t next = consuming_msgs_.rbegin()->first + 1;
  for (const auto& [offset, held] : consuming_msgs_) SubtractLocked(held);
  consuming_msgs_.clear();
  return next;
}

void ProcessQueue::Rollback() {
  MutexLock lock(mu_);
  while (!consuming_msgs_.empty()) {
    auto node = consuming_msgs_.extract(consuming_msgs_.begin());
    auto held = msgs_.find(node.key());
    if (held != msgs_.end()) {
      // Pulled again meanwhile: the consuming copy wins, as in Java, and is counted once.
      SubtractLocked(held->second);
      msgs_.erase(held);
    }
    msgs_.insert(std::move(node));
  }
}

void ProcessQueue::MakeMessageToConsumeAgain(const std::vector<MessageExt>& msgs) {
  MutexLock lock(mu_);
  for (const MessageExt& msg : msgs) {
    if (auto it = consuming_msgs_.find(msg.queue_offset); it != consuming_msgs_.end()) {
      SubtractLocked(it->second);
      consuming_msgs_.erase(it);
    }
    Held held = HoldWhole(msg);
    auto [it, inserted] = msgs_.try_emplace(msg.queue_offset);
    if (!inserted) SubtractLocked(it->second);
    AddLocked(held);
    it->second = std::move(held);
  }
}

bool ProcessQueue::IsLockExpired() const {
  return clock_.SteadyMillis() - last_lock_ms_.load() > kRebalanceLockMaxLiveTimeMs;
}

bool ProcessQueue::IsPullExpired() const {
  return clock_.SteadyMillis() - last_pull_ms_.load() > kPullMaxIdleTimeMs;
}

void ProcessQueue::MarkConsumeStart(const std::vector<MessageExt>& msgs, int64_t now_ms) {
  MutexLock lock(mu_);
  for (const MessageExt& msg : msgs) {
    auto it = msgs_.find(msg.queue_offset);
    if (it != msgs_.end()) it->second.consume_start_ms = now_ms;
  }
}

std::optional<MessageExt> ProcessQueue::FirstExpired(int64_t now_ms, int64_t timeout_ms) const {
  MutexLock lock(mu_);
  if (msgs_.empty()) return std::nullopt;
  const Held& first = msgs_.begin()->second;
  if (first.consume_start_ms == 0 || now_ms - first.consume_start_ms <= timeout_ms) {
    return std::nullopt;
  }
  return first.msg;
}

int64_t ProcessQueue::ToWallMillis(int64_t steady_ms) const {
  return clock_.NowMillis() - (clock_.SteadyMillis() - steady_ms);
}

void ProcessQueue::FillProcessQueueInfo(protocol::ProcessQueueInfo* info) const {
  {
    MutexLock lock(mu_);
    if (!msgs_.empty()) {
      info->cached_msg_min_offset = msgs_.begin()->first;
      info->cached_msg_max_offset = msgs_.rbegin()->first;
      info->cached_msg_count = static_cast<int32_t>(msgs_.size());
    }
    info->cached_msg_size_in_mib = static_cast<int32_t>(msg_size() / (1024 * 1024));
    if (!consuming_msgs_.empty()) {
      info->transaction_msg_min_offset = consuming_msgs_.begin()->first;
      info->transaction_msg_max_offset = consuming_msgs_.rbegin()->first;
      info->transaction_msg_count = static_cast<int32_t>(consuming_msgs_.size());
    }
  }
  info->locked = locked();
  info->try_unlock_times = try_unlock_times();
  info->last_lock_timestamp = ToWallMillis(last_lock_timestamp());
  info->droped = dropped();
  info->last_pull_timestamp = ToWallMillis(last_pull_timestamp());
  info->last_consume_timestamp = ToWallMillis(last_consume_timestamp());
}

}  // namespace orbit::client
