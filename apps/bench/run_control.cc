#include "apps/bench/run_control.h"

#include <csignal>
#include <mutex>

namespace orbit::bench {
namespace {

volatile std::sig_atomic_t g_signal = 0;

void OnStopSignal(int sig) {
  g_signal = 1;
  // A second Ctrl-C should not wait for sends in flight.
  std::signal(sig, SIG_DFL);
}

}  // namespace

const char* StopReasonName(StopReason reason) {
  switch (reason) {
    case StopReason::kNone:
      return "none";
    case StopReason::kCount:
      return "count";
    case StopReason::kDuration:
      return "duration";
    case StopReason::kSignal:
      return "signal";
    case StopReason::kError:
      return "error";
  }
  return "none";
}

void StopFlag::Stop(StopReason reason) {
  {
    MutexLock lock(mu_);
    if (reason_ == StopReason::kNone) reason_ = reason;
    stopped_.store(true, std::memory_order_relaxed);
  }
  cv_.notify_all();
}

StopReason StopFlag::reason() const {
  MutexLock lock(mu_);
  return reason_;
}

bool StopFlag::WaitFor(std::chrono::milliseconds d) ORBIT_NO_THREAD_SAFETY_ANALYSIS {
  // The wait goes through Mutex::native(), which the analysis cannot follow.
  std::unique_lock<std::mutex> lock(mu_.native());
  cv_.wait_for(lock, d, [this] { return stopped_.load(std::memory_order_relaxed); });
  return stopped_.load(std::memory_order_relaxed);
}

bool InFlightWindow::Acquire(std::chrono::milliseconds d) {
  if (in_use_.fetch_add(1) < capacity_) return true;
  in_use_.fetch_sub(1);
  return WaitUntil(std::chrono::steady_clock::now() + d, [this] {
    // Under the lock: only the sender takes slots, so room seen here stays.
    if (in_use_.load() >= capacity_) return false;
    in_use_.fetch_add(1);
    return true;
  });
}

void InFlightWindow::Release() {
  in_use_.fetch_sub(1);
  if (waiting_.load()) {
    MutexLock lock(mu_);
    cv_.notify_all();
  }
}

bool InFlightWindow::WaitAllFree(std::chrono::steady_clock::time_point deadline) {
  return WaitUntil(deadline, [this] { return in_use_.load() == 0; });
}

template <typename Pred>
bool InFlightWindow::WaitUntil(std::chrono::steady_clock::time_point deadline,
                               Pred pred) ORBIT_NO_THREAD_SAFETY_ANALYSIS {
  std::unique_lock<std::mutex> lock(mu_.native());
  waiting_.store(true);
  const bool ok = cv_.wait_until(lock, deadline, pred);
  waiting_.store(false);
  return ok;
}

void InstallStopSignalHandlers() {
  std::signal(SIGINT, OnStopSignal);
  std::signal(SIGTERM, OnStopSignal);
}

bool StopSignalReceived() { return g_signal != 0; }

}  // namespace orbit::bench
