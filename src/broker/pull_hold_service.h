#pragma once

// Long polling (Apache's PullRequestHoldService): a pull that finds nothing is held here instead
// of answered, and resumed, at most once, when
// - a message matching its subscription arrives in its queue past the offset it waits at (the
//   store's dispatch hook calls OnMessageArrived), or
// - its queue has messages past that offset at a periodic check (CheckHeld), or
// - its suspend time ends (CheckHeld), or the broker shuts down (ResumeAll).
// Resuming re-runs the pull on its connection's loop thread with suspension not allowed, so the
// client always gets an answer.
//
// Threads: thread-safe. OnMessageArrived runs on the store's dispatch thread for every message,
// so it returns at once when nothing is held.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/thread_annotations.h"
#include "net/connection.h"
#include "protocol/bodies.h"
#include "protocol/remoting_command.h"

namespace orbit::broker {

struct HeldPull {
  net::ConnectionPtr conn;
  protocol::RemotingCommand request;
  int64_t pull_from_offset = 0;
  // The tags filter by hash code (empty or "*": every message matches).
  protocol::SubscriptionData subscription;
  int64_t suspended_at_ms = 0;
  int64_t timeout_ms = 0;
};

class PullHoldService {
 public:
  // Re-runs a held pull (on the connection's loop thread).
  using Resume = std::function<void(const net::ConnectionPtr&, protocol::RemotingCommand)>;
  explicit PullHoldService(Resume resume) : resume_(std::move(resume)) {}

  void Hold(std::string topic, int32_t queue_id, HeldPull pull);

  // A message with `tags_code` was dispatched to (topic, queue_id); the queue's next offset is
  // now `max_offset`.
  void OnMessageArrived(std::string_view topic, int32_t queue_id, int64_t max_offset,
                        int64_t tags_code);
  // Resumes held pulls whose time is up or whose queue's max offset (from `max_offset_of`) is
  // past their offset.
  void CheckHeld(int64_t now_ms,
                 const std::function<int64_t(std::string_view, int32_t)>& max_offset_of);
  // Resumes everything (shutdown).
  void ResumeAll();

  size_t held_count() const { return held_.load(std::memory_order_relaxed); }

 private:
  using Key = std::pair<std::string, int32_t>;
  using KeyRef = std::pair<std::string_view, int32_t>;
  struct KeyLess {
    using is_transparent = void;
    static KeyRef Ref(const Key& k) { return {k.first, k.second}; }
    static KeyRef Ref(const KeyRef& k) { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Ref(a) < Ref(b);
    }
  };
  using Table = std::map<Key, std::vector<HeldPull>, KeyLess>;
  void ResumeNow(std::vector<HeldPull> pulls);
  // Removes and returns the pulls of one queue that `wake_it` selects (dropping the queue's
  // entry when none is left).
  template <typename Pred>
  std::vector<HeldPull> TakeLocked(Table::iterator it, Pred&& wake_it) ORBIT_REQUIRES(mu_);

  Resume resume_;
  std::atomic<size_t> held_{0};
  mutable Mutex mu_;
  Table table_ ORBIT_GUARDED_BY(mu_);
};

// Whether a consume-queue tags code passes a TAG subscription (Apache's
// ExpressionMessageFilter.isMatchedByConsumeQueue): "*" or no tags matches all.
bool MatchesTagsCode(const protocol::SubscriptionData& subscription, int64_t tags_code);

}  // namespace orbit::broker
