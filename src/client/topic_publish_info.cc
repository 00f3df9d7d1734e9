#include "client/topic_publish_info.h"

#include <algorithm>
#include <atomic>
#include <cassert>
#include <charconv>
#include <cstdlib>
#include <limits>
#include <random>
#include <unordered_map>

#include "protocol/bodies_register.h"

namespace orbit::client {

namespace {

constexpr uint32_t kPositiveMask = 0x7FFFFFFF;
// Counters of destroyed objects (a route refresh replaces the publish info) cannot be erased by
// their owner, which does not know the threads that used it. Instead, when a thread holds this
// many counters it forgets those it has not used in its last kMaxCountersPerThread / 2 calls:
// that frees at least half of the table, and a counter in use is never lost (were it lost, it
// would only restart at a random value).
constexpr size_t kMaxCountersPerThread = 4096;

std::atomic<uint64_t> next_index_id{1};

struct ThreadCounters {
  struct Counter {
    uint32_t value;
    uint64_t last_use;  // `calls` when last used
  };
  std::unordered_map<uint64_t, Counter> counters;
  uint64_t calls = 0;
  std::mt19937 rng{std::random_device{}()};

  void ForgetUnused() {
    constexpr uint64_t kWindow = kMaxCountersPerThread / 2;
    const uint64_t oldest_kept = calls > kWindow ? calls - kWindow : 0;
    std::erase_if(counters,
                  [oldest_kept](const auto& entry) { return entry.second.last_use < oldest_kept; });
  }
};

ThreadCounters& Counters() {
  thread_local ThreadCounters counters;
  return counters;
}

// "name:count" of an orderTopicConf; false when the entry is not of that form.
bool ParseOrderEntry(std::string_view entry, std::string_view* name, int32_t* count) {
  size_t colon = entry.find(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view number = entry.substr(colon + 1);
  number = number.substr(0, number.find(':'));  // "b:4:x" counts as "b:4", as Java splits it
  if (!number.empty() && number.front() == '+') number.remove_prefix(1);
  auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), *count);
  if (ec != std::errc() || end != number.data() + number.size() || number.empty()) return false;
  *name = entry.substr(0, colon);
  return true;
}

}  // namespace

ThreadLocalIndex::ThreadLocalIndex() : id_(next_index_id.fetch_add(1, std::memory_order_relaxed)) {}

uint32_t ThreadLocalIndex::IncrementAndGet() const {
  ThreadCounters& t = Counters();
  ++t.calls;
  auto it = t.counters.find(id_);
  if (it == t.counters.end()) {
    if (t.counters.size() >= kMaxCountersPerThread) t.ForgetUnused();
    it = t.counters.emplace(id_, ThreadCounters::Counter{static_cast<uint32_t>(t.rng()), 0}).first;
  }
  it->second.last_use = t.calls;
  return ++it->second.value & kPositiveMask;
}

size_t TopicPublishInfo::PositionOf(uint32_t index, size_t n) {
  assert(n > 0);
  auto value = static_cast<int32_t>(index);
  if (value == std::numeric_limits<int32_t>::min()) return 0;
  return static_cast<size_t>(std::abs(value)) % n;
}

std::shared_ptr<const TopicPublishInfo> TopicPublishInfo::FromRoute(
    const std::string& topic, const protocol::TopicRouteData& route) {
  std::shared_ptr<TopicPublishInfo> info(new TopicPublishInfo());
  info->topic_ = topic;
  info->route_ = route;
  std::string_view conf = info->route_.order_topic_conf;
  if (!conf.empty()) {
    // Ordered topic: the administrator's broker list and counts, whatever the queue datas say.
    while (!conf.empty()) {
      size_t semi = conf.find(';');
      std::string_view entry = conf.substr(0, semi);
      conf = semi == std::string_view::npos ? std::string_view() : conf.substr(semi + 1);
      std::string_view broker;
      int32_t count = 0;
      if (!ParseOrderEntry(entry, &broker, &count)) continue;
      for (int32_t id = 0; id < count; ++id) {
        info->queues_.push_back(MessageQueue{topic, std::string(broker), id});
      }
    }
    info->order_topic_ = true;
    return info;
  }
  std::vector<protocol::QueueData>& qds = info->route_.queue_datas;
  std::stable_sort(qds.begin(), qds.end(),
                   [](const protocol::QueueData& a, const protocol::QueueData& b) {
                     return a.broker_name < b.broker_name;
                   });
  for (const protocol::QueueData& qd : qds) {
    if (!protocol::IsWriteable(qd.perm)) continue;
    // Sends go to masters only: a broker whose master is gone takes no new messages.
    const protocol::BrokerData* broker = nullptr;
    for (const protocol::BrokerData& bd : info->route_.broker_datas) {
      if (bd.broker_name == qd.broker_name) {
        broker = &bd;
        break;
      }
    }
    if (broker == nullptr || !broker->broker_addrs.contains(protocol::kMasterBrokerId)) continue;
    for (int32_t id = 0; id < qd.write_queue_nums; ++id) {
      info->queues_.push_back(MessageQueue{topic, qd.broker_name, id});
    }
  }
  return info;
}

const MessageQueue& TopicPublishInfo::SelectOneMessageQueue(std::string_view last_broker) const {
  assert(ok());
  const size_t n = queues_.size();
  if (!last_broker.empty()) {
    for (size_t i = 0; i < n; ++i) {
      const MessageQueue& mq = queues_[PositionOf(index_.IncrementAndGet(), n)];
      if (mq.broker_name != last_broker) return mq;
    }
  }
  return queues_[PositionOf(index_.IncrementAndGet(), n)];
}

int32_t TopicPublishInfo::WriteQueueNumsOf(std::string_view broker_name) const {
  for (const protocol::QueueData& qd : route_.queue_datas) {
    if (qd.broker_name == broker_name) return qd.write_queue_nums;
  }
  return -1;
}

std::string TopicPublishInfo::FindBrokerMaster(std::string_view broker_name) const {
  for (const protocol::BrokerData& bd : route_.broker_datas) {
    if (bd.broker_name != broker_name) continue;
    auto it = bd.broker_addrs.find(protocol::kMasterBrokerId);
    return it != bd.broker_addrs.end() ? it->second : std::string();
  }
  return {};
}

protocol::TopicRouteData ClampDefaultTopicRoute(protocol::TopicRouteData route,
                                                int32_t default_queue_nums) {
  for (protocol::QueueData& qd : route.queue_datas) {
    int32_t nums = std::min(default_queue_nums, qd.read_queue_nums);
    qd.read_queue_nums = nums;
    qd.write_queue_nums = nums;
  }
  return route;
}

}  // namespace orbit::client
