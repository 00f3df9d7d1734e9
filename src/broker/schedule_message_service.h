#pragma once

// Delivery of delayed messages, as Apache 4.9's ScheduleMessageService
// (transactions-and-delay.md §3). A delayed send or a send-back is parked in SCHEDULE_TOPIC_XXXX,
// queue level - 1 (delay_level.h); the store's dispatcher writes its delivery time (store time +
// the level's delay) as the consume-queue tags code. This service reads each level's queue from
// its offset in config/delayOffset.json and, once an entry is due, appends its record again to
// REAL_TOPIC / REAL_QID (messageTimeup): same body, flag, sysFlag, born time and host,
// reconsumeTimes, and the stored property string unchanged — Apache builds the new string
// before it clears DELAY, so DELAY, REAL_TOPIC and REAL_QID stay in it (message-format.md §3).
// The new record gets a new store time, offsets and tags code (from TAGS); WAIT=false for the
// append, so a SYNC_FLUSH store does not wait for the flush.
//
// Offsets: the table maps level -> next consume-queue offset to deliver. It advances only past
// entries that were appended again (or can never be: unreadable records, a missing REAL_TOPIC or
// REAL_QID, the transaction half topic, all logged and dropped as Apache does); a failed append is
// retried at the same offset after kRetryAfterFailureMs. A level appears in the table once its
// queue exists (as in Apache). The table is persisted every flushDelayOffsetInterval by the
// broker's scheduler and by Shutdown(), and loaded by Load(); a clean restart therefore neither
// loses nor repeats a delivery. After a crash, deliveries since the last persist are repeated
// (at least once, as Apache).
//
// Offsets outside the queue (a store that lost its tail, or a delayOffset.json from another
// store) are moved into it: below the minimum to the minimum (Apache), beyond the maximum to the
// maximum (Apache 4.9.8's correctDelayOffset at load; here at any time).
//
// Threads: one delivery thread ("broker-delay") between Start() and Shutdown(); it looks at each
// level at least every kPollIntervalMs (Apache's DELAY_FOR_A_WHILE) and sooner when an entry
// comes due. Persist() and OffsetTable() may run on any thread. Only a master starts it; a
// slave's table is only loaded (the broker never starts nor persists it).

#include <condition_variable>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "protocol/bodies_files.h"
#include "store/file_system.h"
#include "store/message_store.h"

namespace orbit::broker {

class ScheduleMessageService {
 public:
  static constexpr int64_t kPollIntervalMs = 100;            // DELAY_FOR_A_WHILE
  static constexpr int64_t kRetryAfterFailureMs = 10000;     // DELAY_FOR_A_PERIOD
  static constexpr int kMaxDeliveriesPerLevelPerRound = 64;  // fairness between levels

  // `store` must outlive this service; `config_dir` holds delayOffset.json.
  ScheduleMessageService(store::MessageStore& store, store::FileSystem& fs, std::string config_dir,
                         const Clock& clock);
  // Shutdown().
  ~ScheduleMessageService();
  ScheduleMessageService(const ScheduleMessageService&) = delete;
  ScheduleMessageService& operator=(const ScheduleMessageService&) = delete;

  // Reads delayOffset.json (or its .bak); a missing file is an empty table. Before Start().
  Status Load();
  // Starts the delivery thread. Once.
  void Start();
  // Stops the delivery thread (an append in progress finishes first) and persists the table
  // when the thread had been started. Idempotent. Must run before the store shuts down.
  void Shutdown();
  bool started() const { return thread_.joinable(); }

  // Writes delayOffset.json now. Any thread; persists are serialized.
  Status Persist() ORBIT_EXCLUDES(persist_mu_, mu_);
  // level -> next offset (GET_ALL_DELAY_OFFSET's body is Snapshot().EncodePretty()).
  std::map<int32_t, int64_t> OffsetTable() const ORBIT_EXCLUDES(mu_);
  protocol::DelayOffsetSerializeWrapper Snapshot() const ORBIT_EXCLUDES(mu_);

 private:
  enum class Delivered { kDone, kDropped, kFailed };

  void Loop() ORBIT_NO_THREAD_SAFETY_ANALYSIS;  // waits on stop_cv_ over Mutex::native()
  // Delivers what is due on one level (1-based). Returns the steady-clock ms at which the level
  // wants to be looked at again.
  int64_t RunLevel(int32_t level, int64_t steady_now_ms) ORBIT_EXCLUDES(mu_);
  // Appends the parked record `record` (a SCHEDULE_TOPIC_XXXX record) to its real queue.
  Delivered Deliver(std::string_view record, int32_t level, int64_t queue_offset);
  // The level's next offset, or nullopt when the level is not in the table yet.
  std::optional<int64_t> Offset(int32_t level) const ORBIT_EXCLUDES(mu_);
  void SetOffset(int32_t level, int64_t offset) ORBIT_EXCLUDES(mu_);
  bool stopping() const ORBIT_EXCLUDES(mu_);

  store::MessageStore& store_;
  store::FileSystem& fs_;
  const std::string config_dir_;
  const Clock& clock_;

  mutable Mutex mu_;
  std::map<int32_t, int64_t> offsets_ ORBIT_GUARDED_BY(mu_);
  bool stop_ ORBIT_GUARDED_BY(mu_) = false;
  std::condition_variable stop_cv_;

  Mutex persist_mu_;  // one delayOffset.json write at a time; taken before mu_
  std::thread thread_;
  bool shut_down_ = false;
};

}  // namespace orbit::broker
