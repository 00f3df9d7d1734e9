#pragma once

// The meeting point of one blocking call (RemotingClient::InvokeSync) and the loop thread that
// receives its answer: a private futex word and the result, no lock and no condition variable.
//
// Wake-ups found while a loop thread handles one read are held back until that read's frames
// are all handled and its writes done (a WakeBatch on the loop thread's stack). A woken caller
// would otherwise preempt the loop thread in the middle of the read, once per answer: with 64
// blocking senders that doubled the loop thread's context switches.

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::net {

class SyncWaiter {
 public:
  SyncWaiter() = default;
  SyncWaiter(const SyncWaiter&) = delete;
  SyncWaiter& operator=(const SyncWaiter&) = delete;

  // Stores the result and wakes the caller: at once, or at the end of the current read when
  // called inside a WakeBatch. Any thread; at most once.
  static void Complete(const std::shared_ptr<SyncWaiter>& waiter,
                       Result<protocol::RemotingCommand> result);

  // Blocks until Complete or `deadline`; the result, or nullopt when the deadline came first.
  // The caller's thread; once.
  std::optional<Result<protocol::RemotingCommand>> Wait(
      std::chrono::steady_clock::time_point deadline);

  // Whether the caller is asleep in Wait (for tests).
  bool sleeping() const { return state_.load(std::memory_order_acquire) == kSleeping; }

 private:
  friend class WakeBatch;
  enum : uint32_t { kEmpty = 0, kSleeping = 1, kDone = 2 };

  void Wake();

  std::atomic<uint32_t> state_{kEmpty};
  std::optional<Result<protocol::RemotingCommand>> result_;  // written before state_ = kDone
};

// While one exists on a thread (the loop thread handling a read), SyncWaiter::Complete on that
// thread defers its wake-ups; the destructor does them.
class WakeBatch {
 public:
  WakeBatch();
  ~WakeBatch();
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;

 private:
  friend class SyncWaiter;
  std::vector<std::shared_ptr<SyncWaiter>> waiters_;
  WakeBatch* previous_;
};

}  // namespace orbit::net
