#include "net/sync_waiter.h"

#include <linux/futex.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <ctime>

namespace orbit::net {

namespace {

thread_local WakeBatch* current_batch = nullptr;

long Futex(std::atomic<uint32_t>* word, int op, uint32_t value, const timespec* timeout) {
  return syscall(SYS_futex, reinterpret_cast<uint32_t*>(word), op, value, timeout, nullptr, 0);
}

}  // namespace

void SyncWaiter::Complete(const std::shared_ptr<SyncWaiter>& waiter,
                          Result<protocol::RemotingCommand> result) {
  waiter->result_.emplace(std::move(result));
  // Only a caller that went to sleep needs the system call.
  if (waiter->state_.exchange(kDone, std::memory_order_acq_rel) != kSleeping) return;
  if (current_batch != nullptr) {
    current_batch->waiters_.push_back(waiter);
  } else {
    waiter->Wake();
  }
}

void SyncWaiter::Wake() { Futex(&state_, FUTEX_WAKE_PRIVATE, 1, nullptr); }

std::optional<Result<protocol::RemotingCommand>> SyncWaiter::Wait(
    std::chrono::steady_clock::time_point deadline) {
  uint32_t state = state_.load(std::memory_order_acquire);
  while (state != kDone) {
    if (state == kEmpty &&
        !state_.compare_exchange_strong(state, kSleeping, std::memory_order_acq_rel)) {
      continue;  // completed meanwhile: state is now kDone
    }
    const auto left = deadline - std::chrono::steady_clock::now();
    if (left <= std::chrono::steady_clock::duration::zero()) {
      // Completed in the last moment still counts.
      if (state_.load(std::memory_order_acquire) == kDone) break;
      return std::nullopt;
    }
    const auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(left).count();
    timespec ts{static_cast<time_t>(ns / 1000000000), static_cast<long>(ns % 1000000000)};
    Futex(&state_, FUTEX_WAIT_PRIVATE, kSleeping, &ts);  // EAGAIN, EINTR, ETIMEDOUT: look again
    state = state_.load(std::memory_order_acquire);
  }
  return std::move(result_);
}

WakeBatch::WakeBatch() : previous_(current_batch) { current_batch = this; }

WakeBatch::~WakeBatch() {
  current_batch = previous_;
  for (const auto& waiter : waiters_) waiter->Wake();
}

}  // namespace orbit::net
