#include "broker/pull_hold_service.h"

#include <algorithm>

namespace orbit::broker {

bool MatchesTagsCode(const protocol::SubscriptionData& subscription, int64_t tags_code) {
  if (subscription.sub_string.empty() || subscription.sub_string == "*") return true;
  if (subscription.code_set.empty()) return true;
  return std::find(subscription.code_set.begin(), subscription.code_set.end(),
                   static_cast<int32_t>(tags_code)) != subscription.code_set.end();
}

void PullHoldService::Hold(std::string topic, int32_t queue_id, HeldPull pull) {
  MutexLock lock(mu_);
  auto it = table_.find(KeyRef(topic, queue_id));
  if (it == table_.end())
    it = table_.emplace(Key(std::move(topic), queue_id), std::vector<HeldPull>{}).first;
  it->second.push_back(std::move(pull));
  held_.fetch_add(1, std::memory_order_relaxed);
}

template <typename Pred>
std::vector<HeldPull> PullHoldService::TakeLocked(Table::iterator it, Pred&& wake_it) {
  std::vector<HeldPull> taken;
  auto& pulls = it->second;
  for (size_t i = 0; i < pulls.size();) {
    if (wake_it(pulls[i])) {
      taken.push_back(std::move(pulls[i]));
      pulls[i] = std::move(pulls.back());
      pulls.pop_back();
    } else {
      ++i;
    }
  }
  if (pulls.empty()) table_.erase(it);
  held_.fetch_sub(taken.size(), std::memory_order_relaxed);
  return taken;
}

void PullHoldService::OnMessageArrived(std::string_view topic, int32_t queue_id, int64_t max_offset,
                                       int64_t tags_code) {
  if (held_.load(std::memory_order_relaxed) == 0) return;
  std::vector<HeldPull> wake;
  {
    MutexLock lock(mu_);
    auto it = table_.find(KeyRef(topic, queue_id));
    if (it == table_.end()) return;
    wake = TakeLocked(it, [&](const HeldPull& p) {
      return max_offset > p.pull_from_offset && MatchesTagsCode(p.subscription, tags_code);
    });
  }
  ResumeNow(std::move(wake));
}

void PullHoldService::CheckHeld(
    int64_t now_ms, const std::function<int64_t(std::string_view, int32_t)>& max_offset_of) {
  std::vector<Key> keys;
  {
    MutexLock lock(mu_);
    for (const auto& [key, pulls] : table_) keys.push_back(key);
  }
  for (const Key& key : keys) {
    // Outside the mutex: the store may take its own locks.
    int64_t max_offset = max_offset_of(key.first, key.second);
    std::vector<HeldPull> wake;
    {
      MutexLock lock(mu_);
      auto it = table_.find(KeyRef(key.first, key.second));
      if (it == table_.end()) continue;
      wake = TakeLocked(it, [&](const HeldPull& p) {
        return max_offset > p.pull_from_offset || now_ms >= p.suspended_at_ms + p.timeout_ms ||
               p.conn->closed();
      });
    }
    ResumeNow(std::move(wake));
  }
}

void PullHoldService::ResumeAll() {
  std::vector<HeldPull> wake;
  {
    MutexLock lock(mu_);
    for (auto& [key, pulls] : table_) {
      for (auto& p : pulls) wake.push_back(std::move(p));
    }
    table_.clear();
    held_.store(0, std::memory_order_relaxed);
  }
  ResumeNow(std::move(wake));
}

void PullHoldService::ResumeNow(std::vector<HeldPull> pulls) {
  for (auto& p : pulls) {
    if (p.conn->closed()) continue;  // nobody to answer
    net::ConnectionPtr conn = p.conn;
    conn->Post([resume = resume_, conn, request = std::move(p.request)]() mutable {
      resume(conn, std::move(request));
    });
  }
}

}  // namespace orbit::broker
