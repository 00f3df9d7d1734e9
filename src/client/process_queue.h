#pragma once

// The push consumer's per-queue buffer (Java's ProcessQueue, 4.9.x; consumer.md §4, §7, §9):
// the messages pulled from one MessageQueue and not yet consumed, keyed by queue offset.
//
//   - The pull thread puts each FOUND batch in (PutMessage) and reads the flow-control figures
//     (cached count, cached body bytes, offset span) before the next pull.
//   - Concurrently: consume threads remove what they consumed (RemoveMessage), which answers the
//     offset to commit: the smallest offset still held, or one past the highest offset ever put
//     once the queue is empty. A slow message therefore holds the committed offset back.
//   - Orderly: one consume thread at a time (holding consume_lock()) takes the first messages
//     (TakeMessages) into a "consuming" set, then commits them (Commit), puts them back for a
//     retry (MakeMessageToConsumeAgain) or rolls everything back (Rollback). The broker-side
//     queue lock the rebalance holds is mirrored by locked() and the last lock time.
//   - The rebalance thread marks the queue dropped, checks lock and pull expiry, and takes
//     consume_lock() with a timeout before unlocking a queue at the broker.
//
// Not here: Java's cleanExpiredMsg (sending back messages consumed for longer than
// consumeTimeout) needs the consumer's send-back path; the concurrent consume service does it.
//
// Times are milliseconds of the injected Clock's steady time, so tests control expiry.
//
// Threads: every method may be called from any thread. Lock order: consume_lock() before mu_;
// mu_ is a leaf (no callbacks, no I/O under it). Java guards its maps with a read-write lock; a
// plain mutex is enough here since every critical section is a few map operations.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

#include "base/clock.h"
#include "base/thread_annotations.h"
#include "orbit/message.h"
#include "protocol/bodies_consumer.h"

namespace orbit::client {

// A client treats its broker-side queue lock as valid this long after the last successful lock
// (rocketmq.client.rebalance.lockMaxLiveTime).
inline constexpr int64_t kRebalanceLockMaxLiveTimeMs = 30'000;
// How often held queues are re-locked (rocketmq.client.rebalance.lockInterval).
inline constexpr int64_t kRebalanceLockIntervalMs = 20'000;
// A queue not pulled for this long is dropped by the rebalance
// (rocketmq.client.pull.pullMaxIdleTime).
inline constexpr int64_t kPullMaxIdleTimeMs = 120'000;

// Java's lockConsume: held by the orderly consume thread around one listener call, tried with a
// timeout by the rebalance before it unlocks the queue at the broker. Not reentrant.
class ORBIT_CAPABILITY("mutex") ConsumeLock {
 public:
  void Lock() ORBIT_ACQUIRE();
  // False when the lock was not free within `timeout`.
  bool TryLockFor(std::chrono::milliseconds timeout) ORBIT_TSA(try_acquire_capability(true));
  void Unlock() ORBIT_RELEASE();

 private:
  // A flag under a plain mutex rather than std::timed_mutex, whose timed wait sanitizers do not
  // all follow.
  std::mutex mu_;
  std::condition_variable cv_;
  bool held_ = false;
};

class ProcessQueue {
 public:
  explicit ProcessQueue(const Clock& clock = Clock::System());
  ProcessQueue(const ProcessQueue&) = delete;
  ProcessQueue& operator=(const ProcessQueue&) = delete;

  // Pull thread. Adds the messages not already held (a message whose offset is held replaces
  // the held one without being counted again). Returns true when the consume service should be
  // started for this queue: something is held and no consume round is marked running; the
  // queue is then marked consuming until TakeMessages finds it empty. (Only the orderly service
  // acts on it; the concurrent one submits every batch.) Updates msg_acc_cnt() from the
  // MAX_OFFSET property of the last message when that is ahead of it.
  // PutMessage keeps the whole messages (orderly: TakeMessages hands them out);
  // TrackMessages keeps only what the accounting and a send-back by the broker need (ids,
  // offsets, hosts, reconsume times, body size): the concurrent and lite pull consumers hand
  // the messages themselves to their listeners, and a whole copy per message was a third of
  // their allocations.
  bool PutMessage(std::vector<MessageExt> msgs) ORBIT_EXCLUDES(mu_);
  bool TrackMessages(const std::vector<MessageExt>& msgs) ORBIT_EXCLUDES(mu_);

  // Concurrent consume thread, after a batch was consumed or sent back. Forgets the messages
  // (by queue offset) and returns the offset to commit: -1 if nothing was held before the call,
  // else the smallest offset still held, or the highest offset ever put + 1 once empty.
  int64_t RemoveMessage(const std::vector<MessageExt>& msgs) ORBIT_EXCLUDES(mu_);

  // Offset distance between the last and the first held message; 0 when empty (flow control of
  // the concurrent consumer, consumeConcurrentlyMaxSpan). Excludes the orderly consuming set.
  int64_t GetMaxSpan() const ORBIT_EXCLUDES(mu_);

  // Flow control: messages and body bytes held, the orderly consuming set included.
  int64_t msg_count() const { return msg_count_.load(std::memory_order_relaxed); }
  int64_t msg_size() const { return msg_size_.load(std::memory_order_relaxed); }

  bool ContainsMessage(const MessageExt& msg) const ORBIT_EXCLUDES(mu_);

  // Concurrently: records `now_ms` (wall clock) as the consume start time of the held entries
  // of `msgs`, as a listener starts on them (Java's CONSUME_START_TIME of its shared copies).
  void MarkConsumeStart(const std::vector<MessageExt>& msgs, int64_t now_ms) ORBIT_EXCLUDES(mu_);
  // Concurrently: the first held message when its listener started more than `timeout_ms`
  // before `now_ms` (Java's cleanExpiredMsg looks only at the first one). A tracked message
  // comes back without its body and properties.
  std::optional<MessageExt> FirstExpired(int64_t now_ms, int64_t timeout_ms) const
      ORBIT_EXCLUDES(mu_);
  // Whether messages wait to be consumed (the orderly consuming set not included).
  bool HasTempMessage() const ORBIT_EXCLUDES(mu_);
  // Forgets every message (both sets) and the highest offset; flags and times stay.
  void Clear() ORBIT_EXCLUDES(mu_);

  // ---- orderly consumption (the caller holds consume_lock()) ----

  // Moves up to `batch_size` messages with the smallest offsets into the consuming set and
  // returns them in offset order. An empty result clears the consuming mark (see PutMessage).
  std::vector<MessageExt> TakeMessages(int batch_size) ORBIT_EXCLUDES(mu_);
  // The consuming set was consumed: forgets it and returns its highest offset + 1 to commit, or
  // -1 when it was empty.
  int64_t Commit() ORBIT_EXCLUDES(mu_);
  // Puts the whole consuming set back to be taken again.
  void Rollback() ORBIT_EXCLUDES(mu_);
  // Puts these messages (as given: the caller may have raised reconsume_times) back to be taken
  // again, out of the consuming set.
  void MakeMessageToConsumeAgain(const std::vector<MessageExt>& msgs) ORBIT_EXCLUDES(mu_);

  ConsumeLock& consume_lock() { return consume_lock_; }

  // ---- flags and times ----

  bool dropped() const { return dropped_.load(); }
  void set_dropped(bool dropped) { dropped_.store(dropped); }
  // Whether this client holds the broker-side lock of the queue (orderly, clustering).
  bool locked() const { return locked_.load(); }
  void set_locked(bool locked) { locked_.store(locked); }

  // Records now as the last successful broker lock / the last pull.
  void TouchLastLock() { last_lock_ms_.store(clock_.SteadyMillis()); }
  void TouchLastPull() { last_pull_ms_.store(clock_.SteadyMillis()); }
  int64_t last_lock_timestamp() const { return last_lock_ms_.load(); }
  int64_t last_pull_timestamp() const { return last_pull_ms_.load(); }
  // Last RemoveMessage / TakeMessages.
  int64_t last_consume_timestamp() const { return last_consume_ms_.load(); }

  // More than kRebalanceLockMaxLiveTimeMs since the last lock.
  bool IsLockExpired() const;
  // More than kPullMaxIdleTimeMs since the last pull.
  bool IsPullExpired() const;

  // How many messages the broker held beyond the last pulled one (MAX_OFFSET - its offset).
  int64_t msg_acc_cnt() const { return msg_acc_cnt_.load(); }
  void set_msg_acc_cnt(int64_t n) { msg_acc_cnt_.store(n); }

  // Times the rebalance failed to take consume_lock() before unlocking the queue.
  int64_t try_unlock_times() const { return try_unlock_times_.load(); }
  void IncTryUnlockTimes() { try_unlock_times_.fetch_add(1); }

  // The snapshot GET_CONSUMER_RUNNING_INFO reports (commit_offset is the caller's to set).
  // Times are converted to wall-clock milliseconds, as Java reports them.
  void FillProcessQueueInfo(protocol::ProcessQueueInfo* info) const ORBIT_EXCLUDES(mu_);

 private:
  // A held message: whole (PutMessage) or only its ids and offsets (TrackMessages).
  struct Held {
    MessageExt msg;
    int64_t body_size = 0;
    int64_t consume_start_ms = 0;  // wall clock; 0 until a listener starts on it
  };
  static Held HoldWhole(MessageExt msg);
  static Held HoldTracked(const MessageExt& msg);
  bool PutLocked(std::vector<Held> held) ORBIT_REQUIRES(mu_);
  void AddLocked(const Held& held) ORBIT_REQUIRES(mu_);
  void SubtractLocked(const Held& held) ORBIT_REQUIRES(mu_);
  int64_t ToWallMillis(int64_t steady_ms) const;

  const Clock& clock_;
  ConsumeLock consume_lock_;

  mutable Mutex mu_;
  std::map<int64_t, Held> msgs_ ORBIT_GUARDED_BY(mu_);
  // Orderly: taken and being consumed, not committed yet. Disjoint from msgs_.
  std::map<int64_t, Held> consuming_msgs_ ORBIT_GUARDED_BY(mu_);
  int64_t queue_offset_max_ ORBIT_GUARDED_BY(mu_) = 0;
  bool consuming_ ORBIT_GUARDED_BY(mu_) = false;
  // Written under mu_ (so they match the maps), read without it.
  std::atomic<int64_t> msg_count_{0};
  std::atomic<int64_t> msg_size_{0};

  std::atomic<bool> dropped_{false};
  std::atomic<bool> locked_{false};
  std::atomic<int64_t> last_pull_ms_;
  std::atomic<int64_t> last_consume_ms_;
  std::atomic<int64_t> last_lock_ms_;
  std::atomic<int64_t> msg_acc_cnt_{0};
  std::atomic<int64_t> try_unlock_times_{0};
};

}  // namespace orbit::client
