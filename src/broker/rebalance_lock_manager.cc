#include "broker/rebalance_lock_manager.h"

#include <set>

#include "base/log.h"

namespace orbit::broker {

std::vector<protocol::MessageQueue> RebalanceLockManager::TryLockBatch(
    std::string_view group, const std::vector<protocol::MessageQueue>& mqs,
    std::string_view client_id, int64_t now_ms) {
  std::vector<protocol::MessageQueue> locked;
  if (mqs.empty()) return locked;
  locked.reserve(mqs.size());
  MutexLock lock(mu_);
  auto g = table_.find(group);
  if (g == table_.end())
    g = table_.emplace(std::string(group), std::map<protocol::MessageQueue, LockEntry>{}).first;
  std::set<protocol::MessageQueue> seen;  // a JSON array may repeat what Java reads as a Set
  for (const auto& mq : mqs) {
    if (!seen.insert(mq).second) continue;
    auto [it, fresh] = g->second.try_emplace(mq, LockEntry{std::string(client_id), now_ms});
    LockEntry& e = it->second;
    if (fresh) {
      ORBIT_LOG_INFO("rebalance lock: {} locked {}/{}/{} for group {}", client_id, mq.topic,
                     mq.broker_name, mq.queue_id, group);
    } else if (e.client_id == client_id) {
      // Held by this client (live or expired): renewed.
      e.last_update_ms = now_ms;
    } else if (Expired(e, now_ms)) {
      ORBIT_LOG_WARN("rebalance lock: {}/{}/{} of group {} expired for {}, now locked by {}",
                     mq.topic, mq.broker_name, mq.queue_id, group, e.client_id, client_id);
      e.client_id = std::string(client_id);
      e.last_update_ms = now_ms;
    } else {
      ORBIT_LOG_DEBUG("rebalance lock: {}/{}/{} of group {} is held by {}, not by {}", mq.topic,
                      mq.broker_name, mq.queue_id, group, e.client_id, client_id);
      continue;
    }
    locked.push_back(mq);
  }
  return locked;
}

void RebalanceLockManager::UnlockBatch(std::string_view group,
                                       const std::vector<protocol::MessageQueue>& mqs,
                                       std::string_view client_id) {
  MutexLock lock(mu_);
  auto g = table_.find(group);
  if (g == table_.end()) return;
  for (const auto& mq : mqs) {
    auto it = g->second.find(mq);
    if (it == g->second.end()) continue;
    if (it->second.client_id == client_id) {
      g->second.erase(it);
    } else {
      ORBIT_LOG_WARN("rebalance unlock: {}/{}/{} of group {} is held by {}, not by {}: kept",
                     mq.topic, mq.broker_name, mq.queue_id, group, it->second.client_id, client_id);
    }
  }
  if (g->second.empty()) table_.erase(g);
}

std::optional<std::string> RebalanceLockManager::Owner(std::string_view group,
                                                       const protocol::MessageQueue& mq,
                                                       int64_t now_ms) const {
  MutexLock lock(mu_);
  auto g = table_.find(group);
  if (g == table_.end()) return std::nullopt;
  auto it = g->second.find(mq);
  if (it == g->second.end() || Expired(it->second, now_ms)) return std::nullopt;
  return it->second.client_id;
}

}  // namespace orbit::broker
