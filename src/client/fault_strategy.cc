#include "client/fault_strategy.h"

#include <algorithm>
#include <cassert>
#include <random>
#include <utility>

namespace orbit::client {

namespace {

// The latency an isolating failure counts as.
constexpr int64_t kIsolationLatencyMs = 30000;

std::mt19937& ShuffleRng() {
  thread_local std::mt19937 rng{std::random_device{}()};
  return rng;
}

}  // namespace

// ---- LatencyFaultTolerance ----

void LatencyFaultTolerance::UpdateFaultItem(const std::string& broker, int64_t current_latency_ms,
                                            int64_t not_available_ms, int64_t now_ms) {
  MutexLock lock(mu_);
  FaultItem& item = items_[broker];
  item.current_latency_ms = current_latency_ms;
  item.start_timestamp_ms = now_ms + not_available_ms;
}

bool LatencyFaultTolerance::IsAvailable(std::string_view broker, int64_t now_ms) const {
  MutexLock lock(mu_);
  auto it = items_.find(broker);
  return it == items_.end() || now_ms >= it->second.start_timestamp_ms;
}

void LatencyFaultTolerance::Remove(std::string_view broker) {
  MutexLock lock(mu_);
  auto it = items_.find(broker);
  if (it != items_.end()) items_.erase(it);
}

std::optional<std::string> LatencyFaultTolerance::PickOneAtLeast(int64_t now_ms) {
  struct Candidate {
    const std::string* name;
    bool available;
    int64_t latency_ms;
    int64_t start_ms;
  };
  std::vector<Candidate> list;
  MutexLock lock(mu_);
  if (items_.empty()) return std::nullopt;
  list.reserve(items_.size());
  for (const auto& [name, item] : items_) {
    list.push_back(Candidate{&name, now_ms >= item.start_timestamp_ms, item.current_latency_ms,
                             item.start_timestamp_ms});
  }
  // Shuffled first so that equal items come out in random order (the sort is stable).
  std::shuffle(list.begin(), list.end(), ShuffleRng());
  std::stable_sort(list.begin(), list.end(), [](const Candidate& a, const Candidate& b) {
    if (a.available != b.available) return a.available;
    if (a.latency_ms != b.latency_ms) return a.latency_ms < b.latency_ms;
    return a.start_ms < b.start_ms;
  });
  const size_t half = list.size() / 2;
  if (half == 0) return *list.front().name;
  return *list[which_item_worst_.IncrementAndGet() % half].name;
}

// ---- FaultStrategy ----

FaultStrategy::FaultStrategy(bool enabled, std::vector<int64_t> latency_max_ms,
                             std::vector<int64_t> not_available_duration_ms)
    : enabled_(enabled),
      latency_max_ms_(std::move(latency_max_ms)),
      not_available_duration_ms_(std::move(not_available_duration_ms)) {}

int64_t FaultStrategy::ComputeNotAvailableDuration(int64_t latency_ms) const {
  size_t i = std::min(latency_max_ms_.size(), not_available_duration_ms_.size());
  while (i > 0) {
    --i;
    if (latency_ms >= latency_max_ms_[i]) return not_available_duration_ms_[i];
  }
  return 0;
}

void FaultStrategy::UpdateFaultItem(const std::string& broker, int64_t latency_ms, bool isolation,
                                    int64_t now_ms) {
  if (!enabled_) return;
  int64_t duration = ComputeNotAvailableDuration(isolation ? kIsolationLatencyMs : latency_ms);
  tolerance_.UpdateFaultItem(broker, latency_ms, duration, now_ms);
}

MessageQueue FaultStrategy::SelectOneMessageQueue(const TopicPublishInfo& info,
                                                  std::string_view last_broker, int64_t now_ms) {
  if (!enabled_) return info.SelectOneMessageQueue(last_broker);
  assert(info.ok());
  const std::vector<MessageQueue>& queues = info.queues();
  // One counter step for the whole scan: successive positions from there.
  uint32_t index = info.NextIndex();
  for (size_t i = 0; i < queues.size(); ++i) {
    const MessageQueue& mq = queues[TopicPublishInfo::PositionOf(index++, queues.size())];
    if (tolerance_.IsAvailable(mq.broker_name, now_ms)) return mq;
  }
  // Every broker of the list is to be avoided: take the least bad recorded one, on a queue id
  // of its own, if the route gives it writable queue numbers.
  if (std::optional<std::string> not_best = tolerance_.PickOneAtLeast(now_ms)) {
    int32_t write_queue_nums = info.WriteQueueNumsOf(*not_best);
    if (write_queue_nums > 0) {
      MessageQueue mq = info.SelectOneMessageQueue();
      mq.broker_name = std::move(*not_best);
      mq.queue_id =
          static_cast<int32_t>(info.NextIndex() % static_cast<uint32_t>(write_queue_nums));
      return mq;
    }
    tolerance_.Remove(*not_best);
  }
  return info.SelectOneMessageQueue();
}

}  // namespace orbit::client
