#include "client/rebalance.h"

#include <algorithm>
#include <optional>
#include <utility>

#include "base/log.h"
#include "client/offset_store.h"

namespace orbit::client {
namespace {

constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";

}  // namespace

int64_t ComputePullFromWhere(protocol::ConsumeFromWhere where, const MessageQueue& queue,
                             OffsetStore& store, const StartOffsetLookups& lookups,
                             int64_t consume_timestamp_ms) {
  const int64_t stored = store.ReadOffset(queue, ReadOffsetType::kReadFromStore);
  if (stored >= 0) return stored;
  if (stored != -1) return -1;  // the store could not be asked: not now
  const bool retry_topic = queue.topic.starts_with(kRetryGroupTopicPrefix);
  auto or_minus_one = [&](const Result<int64_t>& r, const char* what) -> int64_t {
    if (r.ok()) return *r;
    ORBIT_LOG_WARN("{} of {}: {}", what, queue.ToString(), r.status().ToString());
    return -1;
  };
  switch (where) {
    case protocol::ConsumeFromWhere::kConsumeFromFirstOffset:
      return 0;
    case protocol::ConsumeFromWhere::kConsumeFromTimestamp:
      if (retry_topic) return or_minus_one(lookups.max_offset(queue), "max offset");
      return or_minus_one(lookups.search_offset(queue, consume_timestamp_ms), "offset by time");
    case protocol::ConsumeFromWhere::kConsumeFromLastOffset:
    case protocol::ConsumeFromWhere::kConsumeFromLastOffsetAndFromMinWhenBootFirst:
    case protocol::ConsumeFromWhere::kConsumeFromMinOffset:
    case protocol::ConsumeFromWhere::kConsumeFromMaxOffset:
      break;
  }
  if (retry_topic) return 0;
  return or_minus_one(lookups.max_offset(queue), "max offset");
}

Result<int64_t> ParseConsumeTimestamp(std::string_view text) {
  auto bad = [&] {
    return InvalidArgument("consume timestamp '" + std::string(text) +
                           "' is not yyyyMMddHHmmss (e.g. 20261122093000)");
  };
  if (text.size() != 14 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return bad();
  }
  bool normalized = false;
  std::optional<int64_t> ms = LocalDateTimeMillis(text, &normalized);
  if (!ms || normalized) return bad();  // February 30, hour 25, ...
  return *ms;
}

Rebalancer::Rebalancer(std::string group, protocol::MessageModel model,
                       protocol::ConsumeType consume_type,
                       std::shared_ptr<AllocateStrategy> strategy, std::string client_id,
                       RebalanceDeps* deps, const Clock& clock)
    : group_(std::move(group)),
      model_(model),
      consume_type_(consume_type),
      strategy_(std::move(strategy)),
      client_id_(std::move(client_id)),
      deps_(deps),
      clock_(clock) {}

void Rebalancer::SetSubscribeInfo(const std::string& topic,
                                  const std::vector<MessageQueue>& queues) {
  MutexLock lock(mu_);
  subscribe_info_[topic] = std::set<MessageQueue>(queues.begin(), queues.end());
}

std::set<MessageQueue> Rebalancer::SubscribeInfo(const std::string& topic) const {
  MutexLock lock(mu_);
  auto it = subscribe_info_.find(topic);
  return it == subscribe_info_.end() ? std::set<MessageQueue>() : it->second;
}

std::shared_ptr<ProcessQueue> Rebalancer::ProcessQueueOf(const MessageQueue& queue) const {
  MutexLock lock(mu_);
  auto it = process_queues_.find(queue);
  return it == process_queues_.end() ? nullptr : it->second;
}

std::map<MessageQueue, std::shared_ptr<ProcessQueue>> Rebalancer::ProcessQueues() const {
  MutexLock lock(mu_);
  return process_queues_;
}

void Rebalancer::DoRebalance(const std::vector<std::string>& topics, bool orderly) {
  for (const std::string& topic : topics) RebalanceTopic(topic, orderly);
  TruncateQueuesNotSubscribed(std::set<std::string>(topics.begin(), topics.end()));
}

void Rebalancer::RebalanceTopic(const std::string& topic, bool orderly) {
  std::optional<std::set<MessageQueue>> all;
  {
    MutexLock lock(mu_);
    auto it = subscribe_info_.find(topic);
    if (it != subscribe_info_.end()) all = it->second;
  }
  const bool retry_topic = topic.starts_with(kRetryGroupTopicPrefix);
  if (!all) {
    if (!retry_topic) {
      ORBIT_LOG_WARN("rebalance of {}: no route for topic {} yet", group_, topic);
    }
    return;
  }
  if (model_ == protocol::MessageModel::kBroadcasting) {
    if (UpdateProcessQueueTable(topic, *all, orderly)) {
      deps_->MessageQueueChanged(topic, *all, *all);
    }
    return;
  }
  auto ids = deps_->FindConsumerIdList(topic, group_);
  if (!ids.ok()) {
    ORBIT_LOG_WARN("rebalance of {}: consumers of topic {} unknown: {}", group_, topic,
                   ids.status().ToString());
    return;
  }
  std::vector<MessageQueue> queues(all->begin(), all->end());  // sorted: a std::set
  std::vector<std::string> clients = std::move(*ids);
  std::sort(clients.begin(), clients.end());
  auto mine = strategy_->Allocate(group_, client_id_, queues, clients);
  if (!mine.ok()) {
    ORBIT_LOG_WARN("rebalance of {}: allocation ({}) failed: {}", group_, strategy_->Name(),
                   mine.status().ToString());
    return;
  }
  const std::set<MessageQueue> mine_set(mine->begin(), mine->end());
  if (UpdateProcessQueueTable(topic, mine_set, orderly)) {
    ORBIT_LOG_INFO("rebalance of {} topic {}: {} of {} queues, {} consumers", group_, topic,
                   mine_set.size(), queues.size(), clients.size());
    deps_->MessageQueueChanged(topic, *all, mine_set);
  }
}

void Rebalancer::RemoveProcessQueue(const MessageQueue& queue) {
  std::shared_ptr<ProcessQueue> pq;
  {
    MutexLock lock(mu_);
    auto it = process_queues_.find(queue);
    if (it == process_queues_.end()) return;
    pq = std::move(it->second);
    process_queues_.erase(it);
  }
  pq->set_dropped(true);
  deps_->RemoveUnnecessaryMessageQueue(queue, *pq);
}

bool Rebalancer::DropQueue(const MessageQueue& queue, const std::shared_ptr<ProcessQueue>& pq) {
  pq->set_dropped(true);
  if (!deps_->RemoveUnnecessaryMessageQueue(queue, *pq)) return false;
  MutexLock lock(mu_);
  auto it = process_queues_.find(queue);
  if (it != process_queues_.end() && it->second == pq) process_queues_.erase(it);
  return true;
}

bool Rebalancer::UpdateProcessQueueTable(const std::string& topic,
                                         const std::set<MessageQueue>& mine, bool orderly) {
  bool changed = false;
  for (const auto& [queue, pq] : ProcessQueues()) {
    if (queue.topic != topic) continue;
    if (mine.count(queue) == 0) {
      changed = DropQueue(queue, pq) || changed;
    } else if (consume_type_ == protocol::ConsumeType::kConsumePassively && pq->IsPullExpired()) {
      ORBIT_LOG_WARN("rebalance of {}: {} was not pulled for too long; dropped", group_,
                     queue.ToString());
      changed = DropQueue(queue, pq) || changed;
    }
  }

  std::vector<PullRequest> requests;
  for (const MessageQueue& queue : mine) {
    {
      MutexLock lock(mu_);
      if (process_queues_.count(queue) != 0) continue;
    }
    if (orderly && !deps_->Lock(queue)) {
      ORBIT_LOG_WARN("rebalance of {}: {} is locked by another consumer; not taken", group_,
                     queue.ToString());
      continue;
    }
    deps_->RemoveDirtyOffset(queue);
    const int64_t next_offset = deps_->ComputePullFromWhere(queue);
    if (next_offset < 0) {
      ORBIT_LOG_WARN("rebalance of {}: no start offset for {}; tried again later", group_,
                     queue.ToString());
      continue;
    }
    auto pq = std::make_shared<ProcessQueue>(clock_);
    if (orderly) {
      // The broker granted the lock just now: the queue can be pulled and consumed at once
      // (Java waits for the next periodic lockAll to mark it).
      pq->set_locked(true);
      pq->TouchLastLock();
    }
    {
      MutexLock lock(mu_);
      if (!process_queues_.emplace(queue, pq).second) continue;
    }
    requests.push_back(PullRequest{group_, queue, pq, next_offset});
    changed = true;
  }
  if (!requests.empty()) deps_->DispatchPullRequests(std::move(requests));
  return changed;
}

void Rebalancer::TruncateQueuesNotSubscribed(const std::set<std::string>& topics) {
  for (const auto& [queue, pq] : ProcessQueues()) {
    if (topics.count(queue.topic) != 0) continue;
    pq->set_dropped(true);
    MutexLock lock(mu_);
    process_queues_.erase(queue);
    ORBIT_LOG_INFO("rebalance of {}: {} is no longer subscribed; dropped", group_,
                   queue.ToString());
  }
}

}  // namespace orbit::client
