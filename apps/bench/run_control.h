#pragma once

// What bounds a load run: a message budget shared by the workers (--count), a stop flag that the
// controlling thread raises at the deadline (--duration) or on SIGINT/SIGTERM, and the signal
// hook that feeds it.
//
// Locks: StopFlag::mu_ and InFlightWindow::mu_ (and ErrorLog::mu_ in producer_senders.h) are
// leaves: none is held while another lock is taken or while calling into the client.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>

#include "base/thread_annotations.h"

namespace orbit::bench {

// Messages still to be attempted; shared by every worker of a run. Lock-free.
class WorkBudget {
 public:
  // 0: unlimited.
  explicit WorkBudget(int64_t limit) : limit_(limit) {}
  // Any thread: claims up to `want` messages and returns how many were granted (0: the budget
  // is spent). Workers claim before they send, so a run sends exactly `limit` messages.
  int64_t Claim(int64_t want) {
    if (limit_ <= 0) return want;
    const int64_t before = claimed_.fetch_add(want, std::memory_order_relaxed);
    if (before >= limit_) return 0;
    return before + want <= limit_ ? want : limit_ - before;
  }
  int64_t limit() const { return limit_; }

 private:
  const int64_t limit_;
  std::atomic<int64_t> claimed_{0};
};

// Why a run ended (first reason wins).
enum class StopReason { kNone, kCount, kDuration, kSignal, kError };
const char* StopReasonName(StopReason reason);

// Raised once; workers poll stopped() on every iteration (one relaxed load), the controlling
// thread sleeps in WaitFor.
class StopFlag {
 public:
  // Any thread. Only the first reason is kept.
  void Stop(StopReason reason) ORBIT_EXCLUDES(mu_);
  bool stopped() const { return stopped_.load(std::memory_order_relaxed); }
  StopReason reason() const ORBIT_EXCLUDES(mu_);
  // Sleeps for `d` or until Stop(); returns stopped().
  bool WaitFor(std::chrono::milliseconds d) ORBIT_EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::condition_variable cv_;  // over mu_.native()
  StopReason reason_ ORBIT_GUARDED_BY(mu_) = StopReason::kNone;
  std::atomic<bool> stopped_{false};
};

// The window of one async sender: at most `capacity` sends in flight. Taking and returning a slot
// is one atomic operation while the window has room; the mutex and condition variable are only
// for a sender that waits on a full window, and for the callbacks that free a slot then.
class InFlightWindow {
 public:
  explicit InFlightWindow(int capacity) : capacity_(capacity) {}
  // The sender thread: takes a slot, waiting at most `d` for one. False: none came free.
  bool Acquire(std::chrono::milliseconds d) ORBIT_EXCLUDES(mu_);
  // Any thread (the send's callback): returns a slot.
  void Release() ORBIT_EXCLUDES(mu_);
  // The sender thread: waits until every slot is back, at most until `deadline`.
  bool WaitAllFree(std::chrono::steady_clock::time_point deadline) ORBIT_EXCLUDES(mu_);
  int in_use() const { return in_use_.load(std::memory_order_relaxed); }

 private:
  template <typename Pred>
  bool WaitUntil(std::chrono::steady_clock::time_point deadline, Pred pred) ORBIT_EXCLUDES(mu_);

  const int capacity_;
  std::atomic<int> in_use_{0};
  // Set while the sender waits. Release and the waiter use seq_cst on in_use_ and waiting_, so
  // that either the waiter sees the freed slot or Release sees the waiter and wakes it.
  std::atomic<bool> waiting_{false};
  Mutex mu_;
  std::condition_variable cv_;  // over mu_.native()
};

// Installs SIGINT/SIGTERM handlers that only set a flag (the first signal asks for a graceful
// stop; a second one ends the process at once), and reads it.
void InstallStopSignalHandlers();
bool StopSignalReceived();

}  // namespace orbit::bench
