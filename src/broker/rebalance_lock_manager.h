#pragma once

// Queue locks of orderly consumers (Apache's RebalanceLockManager): within a consumer group, a
// queue is held by at most one client id at a time, so that only that client consumes it in
// order. A client takes its queues with LOCK_BATCH_MQ and renews them by asking again (its
// rebalance runs every 20 s); a lock not renewed for `max_live_ms` (Apache's
// REBALANCE_LOCK_MAX_LIVE_TIME, 60 s, system property rocketmq.broker.rebalance.lockMaxLiveTime)
// expires and any client of the group may take it. UNLOCK_BATCH_MQ releases only the owner's
// locks. The table is in memory only: after a restart every queue is free.
//
// Threads: thread-safe (one mutex). Callers pass the wall-clock time, so expiry is testable.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "protocol/bodies.h"

namespace orbit::broker {

inline constexpr int64_t kRebalanceLockMaxLiveTimeMs = 60000;

class RebalanceLockManager {
 public:
  explicit RebalanceLockManager(int64_t max_live_ms = kRebalanceLockMaxLiveTimeMs)
      : max_live_ms_(max_live_ms) {}

  // Apache's tryLockBatch: locks each queue of `mqs` that is free, expired, or already held by
  // `client_id` (whose lock is renewed); returns those, in the order given. Queues held by
  // another client and not expired are left out.
  std::vector<protocol::MessageQueue> TryLockBatch(std::string_view group,
                                                   const std::vector<protocol::MessageQueue>& mqs,
                                                   std::string_view client_id, int64_t now_ms);
  // Apache's unlockBatch: releases the queues of `mqs` held by `client_id` (expired or not);
  // queues held by another client stay locked.
  void UnlockBatch(std::string_view group, const std::vector<protocol::MessageQueue>& mqs,
                   std::string_view client_id);
  // The client holding a live lock on the queue, if any.
  std::optional<std::string> Owner(std::string_view group, const protocol::MessageQueue& mq,
                                   int64_t now_ms) const;

  int64_t max_live_ms() const { return max_live_ms_; }

 private:
  struct LockEntry {
    std::string client_id;
    int64_t last_update_ms = 0;
  };

  bool Expired(const LockEntry& e, int64_t now_ms) const {
    return now_ms - e.last_update_ms > max_live_ms_;
  }

  const int64_t max_live_ms_;
  mutable Mutex mu_;
  // group -> queue -> lock
  std::map<std::string, std::map<protocol::MessageQueue, LockEntry>, std::less<>> table_
      ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::broker
