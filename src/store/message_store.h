#pragma once

// MessageStore: the broker's store, usable without any network. It owns the commit log, the
// consume queues, the index, the checkpoint and the abort/lock files of one store directory, and
// runs the store's threads:
//
// | thread        | what it does                                                            |
// |---------------|-------------------------------------------------------------------------|
// | caller        | Put*: validates, appends under the append lock, returns (ASYNC_FLUSH)    |
// | flush         | commit-log flush: periodic (ASYNC) or group commit (SYNC); completes     |
// |               | SYNC puts, so their callbacks run on this thread                         |
// | dispatch      | reads new records, writes consume-queue and index entries, calls the hook|
// | housekeeping  | flushes consume queues and index, writes the checkpoint, retention       |
//
// Durability contract: a put's callback reports success only when the configured durability
// holds — ASYNC_FLUSH: the record is in the page cache (survives a process kill); SYNC_FLUSH
// (and WAIT not "false"): an fdatasync/msync covering the record returned Ok. A failed sync
// fences the store: every later put fails with kStoreFenced until the store is reopened.

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "protocol/properties.h"
#include "store/checkpoint.h"
#include "store/commit_log.h"
#include "store/consume_queue.h"
#include "store/file_system.h"
#include "store/store_config.h"

namespace orbit::store {

class IndexService;

// What the dispatcher learned about one record; given to the dispatch hook.
struct DispatchRequest {
  std::string_view topic;
  int32_t queue_id = 0;
  int64_t commit_log_offset = 0;
  int32_t size = 0;
  int64_t tags_code = 0;
  int64_t store_timestamp = 0;
  int64_t queue_offset = 0;
  int32_t sys_flag = 0;
  int64_t prepared_transaction_offset = 0;
  std::string_view keys;
  std::string_view uniq_key;
  std::string_view properties;           // the raw property string
  bool has_consume_queue_entry = false;  // NOT_TYPE and COMMIT records
};

using DispatchHook = std::function<void(const DispatchRequest&)>;

struct PutResult {
  Status status;  // kFlushTimeout still means stored (as Apache's FLUSH_DISK_TIMEOUT)
  AppendResult append;
};
using PutCallback = std::function<void(PutResult)>;

// Apache's GetMessageStatus.
enum class GetStatus {
  kFound,
  kNoMatchedMessage,
  kMessageWasRemoving,
  kOffsetFoundNull,
  kOffsetOverflowBadly,
  kOffsetOverflowOne,
  kOffsetTooSmall,
  kNoMatchedLogicQueue,
  kNoMessageInQueue,
};
const char* GetStatusName(GetStatus status);

struct GetResult {
  GetStatus status = GetStatus::kNoMatchedLogicQueue;
  int64_t next_begin_offset = 0;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  std::vector<SelectedRange> messages;
  // Queue offset of each message in `messages`.
  std::vector<int64_t> queue_offsets;
  size_t total_bytes = 0;
  bool suggest_pulling_from_slave = false;
};

// Filter on consume-queue tags codes (null: everything matches).
using TagsFilter = std::function<bool(int64_t tags_code)>;

struct QueryResult {
  std::vector<SelectedRange> messages;
  int64_t index_last_update_timestamp = 0;
  int64_t index_last_update_phy_offset = 0;
};

struct StoreOptions {
  FileSystem* fs = nullptr;      // null: FileSystem::Default()
  const Clock* clock = nullptr;  // null: Clock::System()
  protocol::HostAddress store_host = protocol::HostAddress::IPv4(127, 0, 0, 1, 10911);
  DispatchHook dispatch_hook;  // runs on the dispatch thread
  bool start_threads = true;   // false: tests drive flush/dispatch by hand
};

struct StoreStats {
  int64_t puts = 0;
  int64_t put_failures = 0;
  int64_t corrupt_regions_at_recovery = 0;
  int64_t corrupt_bytes_at_recovery = 0;
  int64_t torn_tail_bytes_at_recovery = 0;
  int64_t records_redispatched_at_recovery = 0;
  int64_t flushes = 0;       // commit-log syncs that wrote something
  int64_t flush_micros = 0;  // time those syncs took, in all
  int64_t skipped_corrupt_reads = 0;
  bool last_exit_ok = true;
  // Since open, for the broker's runtime info (Apache's StoreStatsService counters).
  int64_t put_messages = 0;     // messages stored (each message of a batch counts)
  int64_t put_bytes = 0;        // bytes of the records stored
  int64_t get_found = 0;        // GetMessage calls that returned messages
  int64_t get_miss = 0;         // GetMessage calls that returned none
  int64_t get_transferred = 0;  // messages GetMessage returned
};

class MessageStore {
 public:
  // Opens (creating when missing) the store in config.store_path_root_dir, recovers it and
  // starts its threads.
  static Result<std::unique_ptr<MessageStore>> Open(const StoreConfig& config,
                                                    StoreOptions options);
  // Shutdown() unless already done.
  ~MessageStore();
  MessageStore(const MessageStore&) = delete;
  MessageStore& operator=(const MessageStore&) = delete;

  // Stops the threads after dispatching everything appended, flushes everything, writes the
  // checkpoint and removes the abort file (a clean stop). Pending SYNC puts complete first.
  Status Shutdown();

  // --- writes -----------------------------------------------------------------------------
  // `done` runs exactly once: on this thread for ASYNC_FLUSH and errors, on the flush thread
  // after the group commit for SYNC_FLUSH.
  void PutMessageAsync(const MessageInput& msg, PutCallback done);
  // A batch: all to one topic and queue, stored as consecutive records in one segment.
  void PutMessagesAsync(std::span<const MessageInput> batch, PutCallback done);
  // Blocking forms (tests, tools): wait for the callback.
  PutResult PutMessage(const MessageInput& msg);
  PutResult PutMessages(std::span<const MessageInput> batch);

  // --- reads ------------------------------------------------------------------------------
  // Up to `max_count` messages of a queue from `queue_offset`, as Apache's getMessage.
  GetResult GetMessage(std::string_view topic, int32_t queue_id, int64_t queue_offset,
                       int32_t max_count, const TagsFilter& filter = nullptr) const;
  // The record at a commit-log offset (its size read from the record).
  Result<SelectedRange> LookMessageByOffset(int64_t commit_log_offset) const;
  // Messages whose KEYS or UNIQ_KEY equal `key` (hash matches: callers re-check the key).
  QueryResult QueryMessage(std::string_view topic, std::string_view key, int32_t max_num,
                           int64_t begin_ms, int64_t end_ms) const;

  int64_t GetMinOffsetInQueue(std::string_view topic, int32_t queue_id) const;
  int64_t GetMaxOffsetInQueue(std::string_view topic, int32_t queue_id) const;
  // Commit-log offset of the entry at `queue_offset`, 0 when none.
  int64_t GetCommitLogOffsetInQueue(std::string_view topic, int32_t queue_id,
                                    int64_t queue_offset) const;
  // First queue offset stored at or after `timestamp_ms`.
  int64_t GetOffsetInQueueByTime(std::string_view topic, int32_t queue_id,
                                 int64_t timestamp_ms) const;
  // Store time of the first message of a queue (-1 when none), and of the whole log.
  int64_t GetEarliestMessageTime(std::string_view topic, int32_t queue_id) const;
  int64_t GetEarliestMessageTime() const;
  int64_t GetMessageStoreTimestamp(std::string_view topic, int32_t queue_id,
                                   int64_t queue_offset) const;

  int64_t GetMinPhyOffset() const { return commit_log_->MinOffset(); }
  int64_t GetMaxPhyOffset() const { return commit_log_->MaxOffset(); }
  int64_t FlushedPhyOffset() const { return commit_log_->FlushedOffset(); }
  // How far the dispatcher has read.
  int64_t DispatchedOffset() const { return reput_offset_.load(); }
  int64_t DispatchBehindBytes() const { return GetMaxPhyOffset() - DispatchedOffset(); }

  // topic -> queue ids with a consume queue.
  std::map<std::string, std::vector<int32_t>> ConsumeQueueTopics() const;
  // Removes a topic's consume queues (DELETE_TOPIC_IN_BROKER); the commit log keeps its records.
  Status DeleteTopics(const std::vector<std::string>& topics);

  // --- maintenance --------------------------------------------------------------------------
  // One pass of retention now: `manual` deletes expired files regardless of the hour.
  Status RunRetention(bool manual);
  // Flushes consume queues and index and writes the checkpoint (the housekeeping thread's job).
  // With `least_pages` > 0 (the periodic flush), a consume queue is synced only when that many
  // pages of it are dirty, and the index and the checkpoint's logics and index timestamps wait
  // for the next thorough flush (least_pages 0), as with Apache's flushConsumeQueueLeastPages:
  // with a thousand queues, syncing each one every second costs more than the sends. The
  // checkpoint file itself is written either way.
  Status FlushLogicsAndCheckpoint(int least_pages = 0);
  // Without threads (start_threads=false): flush the commit log / dispatch everything now.
  Status FlushCommitLogNow();
  void DispatchNow();
  // Waits until the dispatcher has read up to the current end (bounded by `timeout_ms`).
  bool WaitDispatched(int64_t timeout_ms) const;

  bool fenced() const { return fenced_.load(); }
  bool disk_full() const { return disk_full_.load(); }
  StoreStats stats() const;
  const StoreConfig& config() const { return config_; }
  const std::vector<int64_t>& delay_levels() const { return delay_levels_; }
  FileSystem& fs() const { return *fs_; }
  CommitLog& commit_log() { return *commit_log_; }
  IndexService* index() { return index_.get(); }

 private:
  MessageStore(StoreConfig config, StoreOptions options);
  Status Recover();
  Status LoadConsumeQueues();
  std::shared_ptr<ConsumeQueue> FindConsumeQueue(std::string_view topic, int32_t queue_id) const;
  Result<std::shared_ptr<ConsumeQueue>> FindOrCreateConsumeQueue(std::string_view topic,
                                                                 int32_t queue_id);
  void Dispatch(const ScannedRecord& rec);
  void StartThreads();
  void StopThreads();
  // The loops wait on condition variables over Mutex::native(), which the analysis cannot see.
  void FlushLoop() ORBIT_NO_THREAD_SAFETY_ANALYSIS;
  void DispatchLoop() ORBIT_NO_THREAD_SAFETY_ANALYSIS;
  void HousekeepingLoop() ORBIT_NO_THREAD_SAFETY_ANALYSIS;
  void WakeDispatcher();
  void Fence(const Status& why);
  Status CheckWritable() const;
  // Whether a put with these properties completes only after its flush (SYNC_FLUSH and not
  // WAIT=false).
  bool WaitsForFlush(std::string_view properties) const;
  void CompletePut(Result<AppendResult> appended, bool wait, PutCallback done);
  bool InCorruptRegion(int64_t offset) const;
  bool TheBatchIsFull(int32_t size, int32_t max_count, size_t total_bytes, size_t count,
                      bool in_disk) const;
  // GetMessage without the counters.
  GetResult GetMessageUncounted(std::string_view topic, int32_t queue_id, int64_t queue_offset,
                                int32_t max_count, const TagsFilter& filter) const;

  const StoreConfig config_;
  StoreOptions options_;
  FileSystem* fs_;
  const Clock* clock_;
  std::vector<int64_t> delay_levels_;
  std::unique_ptr<FileLock> lock_;
  std::unique_ptr<Checkpoint> checkpoint_;
  std::unique_ptr<CommitLog> commit_log_;
  std::unique_ptr<IndexService> index_;
  uint64_t memory_bytes_ = 0;

  mutable Mutex cq_mu_;
  using QueueMap = std::map<int32_t, std::shared_ptr<ConsumeQueue>>;
  std::map<std::string, QueueMap, std::less<>> cqs_ ORBIT_GUARDED_BY(cq_mu_);

  std::vector<std::pair<int64_t, int64_t>> corrupt_regions_;  // fixed after recovery

  std::atomic<bool> fenced_{false};
  std::atomic<bool> disk_full_{false};
  std::atomic<bool> stopping_{false};
  std::atomic<bool> shut_down_{false};
  bool threads_started_ = false;
  bool opened_ = false;  // Recover finished

  // Group commit (SYNC_FLUSH).
  struct FlushRequest {
    int64_t end_offset;
    int64_t deadline_ms;
    PutCallback done;
    AppendResult append;
  };
  Mutex flush_mu_;
  std::condition_variable flush_cv_;
  std::vector<FlushRequest> flush_requests_ ORBIT_GUARDED_BY(flush_mu_);
  bool flush_stop_ ORBIT_GUARDED_BY(flush_mu_) = false;
  // A put wakes the flush thread when flush_requests_ reaches this size (SYNC_FLUSH).
  size_t flush_wake_at_ ORBIT_GUARDED_BY(flush_mu_) = 1;
  std::thread flush_thread_;

  // Dispatch.
  std::atomic<int64_t> reput_offset_{0};
  std::atomic<int64_t> last_dispatched_timestamp_{0};
  std::atomic<bool> dispatcher_sleeping_{false};
  mutable Mutex dispatch_mu_;
  mutable std::condition_variable dispatch_cv_;
  bool dispatch_stop_ ORBIT_GUARDED_BY(dispatch_mu_) = false;
  std::thread dispatch_thread_;
  Mutex dispatch_run_mu_;  // one dispatcher at a time (thread or DispatchNow)

  // Warming: faults the pages ahead of the append position in, off the writer's thread.
  void WarmLoop() ORBIT_NO_THREAD_SAFETY_ANALYSIS;
  Mutex warm_mu_;
  std::condition_variable warm_cv_;
  bool warm_stop_ ORBIT_GUARDED_BY(warm_mu_) = false;
  std::thread warm_thread_;

  // Housekeeping.
  Mutex house_mu_;
  std::condition_variable house_cv_;
  bool house_stop_ ORBIT_GUARDED_BY(house_mu_) = false;
  std::thread house_thread_;
  Mutex retention_mu_;

  mutable std::atomic<int64_t> puts_{0};
  mutable std::atomic<int64_t> put_failures_{0};
  mutable std::atomic<int64_t> flushes_{0};
  std::atomic<int64_t> flush_micros_{0};
  mutable std::atomic<int64_t> skipped_corrupt_reads_{0};
  std::atomic<int64_t> put_messages_{0};
  std::atomic<int64_t> put_bytes_{0};
  mutable std::atomic<int64_t> get_found_{0};
  mutable std::atomic<int64_t> get_miss_{0};
  mutable std::atomic<int64_t> get_transferred_{0};
  StoreStats recovery_stats_;
};

// The value of property `name` in an encoded property string, or nullopt-like empty + false.
bool FindProperty(std::string_view properties, std::string_view name, std::string_view* value);

// Calls visit(name, value) for each name=value item of encoded properties, in order; items
// without a separator are skipped.
template <typename Visit>
void ForEachProperty(std::string_view properties, Visit&& visit) {
  const char* p = properties.data();
  const char* end = p + properties.size();
  while (p < end) {
    const char* item_end = static_cast<const char*>(
        std::memchr(p, protocol::kPropertySeparator, static_cast<size_t>(end - p)));
    if (item_end == nullptr) item_end = end;
    const char* eq = static_cast<const char*>(
        std::memchr(p, protocol::kNameValueSeparator, static_cast<size_t>(item_end - p)));
    if (eq != nullptr) {
      visit(std::string_view(p, static_cast<size_t>(eq - p)),
            std::string_view(eq + 1, static_cast<size_t>(item_end - eq - 1)));
    }
    p = item_end + 1;
  }
}

}  // namespace orbit::store
