#pragma once

// The message index: files that map "topic#key" to commit-log offsets, so that QUERY_MESSAGE can
// find records by KEYS and UNIQ_KEY. The files are Apache RocketMQ 4.9's, byte for byte; a store
// written by either broker can be opened by the other.
//
// File `index/<yyyyMMddHHmmssSSS>` (local time of creation), all integers big-endian:
//
//   | bytes                  | content                                                       |
//   |------------------------|---------------------------------------------------------------|
//   | 0..40                  | header                                                        |
//   | 40..40+4*S             | S hash slots (maxHashSlotNum), int32 each                     |
//   | ..+20*N                | N entries (maxIndexNum), 20 bytes each                        |
//
//   header: beginTimestamp i64 @0, endTimestamp i64 @8, beginPhyOffset i64 @16,
//           endPhyOffset i64 @24, hashSlotCount i32 @32, indexCount i32 @36
//   entry:  keyHash i32, phyOffset i64, timeDiff i32, prevIndex i32
//
// - keyHash = |Java String.hashCode("topic#key")| (0 when that overflows); slot = keyHash % S.
// - A slot holds the number of the newest entry with that slot (0 = empty); each entry holds the
//   number of the previous entry of its slot (0 = none), so a slot is a chain, newest first.
// - indexCount is the next entry number; it starts at 1 (entry 0 is never used), so a file holds
//   N - 1 entries. hashSlotCount counts the slots that went from empty to used (4.9 semantics).
// - timeDiff = (storeTimestamp - beginTimestamp) / 1000 in seconds, clamped to [0, INT32_MAX];
//   0 while beginTimestamp is 0. A new file starts with begin = end = the previous file's end
//   values; the first entry then sets the begin values (so that entry's timeDiff is measured from
//   the previous file's end, as Apache does).
// - The file format has no checksums. Readers treat out-of-range entry numbers as the end of a
//   chain, and follow only chains whose entry numbers strictly decrease, so a torn or corrupt file
//   can give wrong answers but never loops or reads outside the file.
//
// Apache writes the header only when it flushes (and leaves indexCount 0 in a new file until
// its first put; both read as an empty file); Orbit keeps the header in the mapping current
// after every put. Order of one put: the entry, then the header, then the slot, so a reader (or a
// process crash) never sees a slot pointing at an entry that is not written.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/file_system.h"

namespace orbit::store {

inline constexpr size_t kIndexHeaderSize = 40;
inline constexpr size_t kIndexSlotSize = 4;
inline constexpr size_t kIndexEntrySize = 20;

// 40 + slots * 4 + entries * 20.
uint64_t IndexFileSize(int32_t max_hash_slot_num, int32_t max_index_num);
// |Java String.hashCode(key)| over UTF-16 code units, with Integer.MIN_VALUE mapped to 0.
int32_t IndexKeyHash(std::string_view key);
// "topic#key", the string that is hashed.
std::string IndexKey(std::string_view topic, std::string_view key);
// yyyyMMddHHmmssSSS in local time, as Apache names index files.
std::string IndexFileName(int64_t epoch_ms);

// One mapped index file.
// Threads: one writer (Put) at a time, serialized by the caller; Select, the accessors and Flush
// run concurrently with it. Slot words are read and written atomically; header values are
// mirrored in atomics, published in the order entry → indexCount → endTimestamp → slot.
class IndexFile {
 public:
  // Creates, allocates and maps a new file. The header starts with begin = end =
  // (prev_end_phy_offset, prev_end_timestamp); zeros for the first file. indexCount is 1.
  static Result<std::shared_ptr<IndexFile>> Create(FileSystem& fs, const std::string& path,
                                                   int32_t max_hash_slot_num, int32_t max_index_num,
                                                   int64_t prev_end_phy_offset,
                                                   int64_t prev_end_timestamp);
  // Maps an existing file. kMalformed when its size is not IndexFileSize or the header's counts
  // are out of range (indexCount <= 0 is read as 1, as Apache does).
  static Result<std::shared_ptr<IndexFile>> Open(FileSystem& fs, const std::string& path,
                                                 int32_t max_hash_slot_num, int32_t max_index_num);

  // Adds an entry for `key` (the full "topic#key"). False when the file is full.
  // REQUIRES: the caller's writer serialization.
  bool Put(std::string_view key, int64_t phy_offset, int64_t store_timestamp);

  // Appends to `out` the offsets of entries whose keyHash equals key's and whose time
  // (beginTimestamp + timeDiff * 1000) lies in [begin_ms, end_ms], newest first, until `out`
  // holds max_num offsets. Entries of other keys with the same hash are included: callers
  // re-check the key in the record.
  void Select(std::string_view key, size_t max_num, int64_t begin_ms, int64_t end_ms,
              std::vector<int64_t>* out) const;

  // Whether [begin_timestamp, end_timestamp] overlaps [begin_ms, end_ms].
  bool TimeOverlaps(int64_t begin_ms, int64_t end_ms) const;
  bool full() const { return index_count() >= max_index_num_; }

  // Syncs the header, the slots and the entries added since the last flush. Returns the
  // endTimestamp that is now durable (everything stored up to it is on disk).
  // REQUIRES: one flusher at a time.
  Result<int64_t> Flush();

  const std::string& path() const { return path_; }
  int64_t begin_timestamp() const { return begin_timestamp_.load(std::memory_order_acquire); }
  int64_t end_timestamp() const { return end_timestamp_.load(std::memory_order_acquire); }
  int64_t begin_phy_offset() const { return begin_phy_offset_.load(std::memory_order_acquire); }
  int64_t end_phy_offset() const { return end_phy_offset_.load(std::memory_order_acquire); }
  int32_t hash_slot_count() const { return hash_slot_count_.load(std::memory_order_acquire); }
  // Next entry number (1 in an empty file).
  int32_t index_count() const { return index_count_.load(std::memory_order_acquire); }
  // Entries held (index_count - 1).
  int32_t entry_count() const { return index_count() - 1; }
  // True when entries were added since the last Flush (or since Open).
  bool dirty() const { return index_count() > flushed_count_.load(std::memory_order_acquire); }

 private:
  IndexFile(std::string path, int32_t max_hash_slot_num, int32_t max_index_num,
            std::unique_ptr<File> file, std::unique_ptr<MappedRegion> region);

  static Result<std::shared_ptr<IndexFile>> Map(FileSystem& fs, const std::string& path,
                                                int32_t max_hash_slot_num, int32_t max_index_num,
                                                bool create);
  size_t SlotPos(int32_t key_hash) const;
  size_t EntryPos(int32_t entry) const;
  int32_t LoadSlot(size_t pos) const;
  void StoreSlot(size_t pos, int32_t entry);
  void WriteHeader();

  const std::string path_;
  const int32_t max_hash_slot_num_;
  const int32_t max_index_num_;
  std::unique_ptr<File> file_;
  std::unique_ptr<MappedRegion> region_;
  char* const base_;

  std::atomic<int64_t> begin_timestamp_{0};
  std::atomic<int64_t> end_timestamp_{0};
  std::atomic<int64_t> begin_phy_offset_{0};
  std::atomic<int64_t> end_phy_offset_{0};
  std::atomic<int32_t> hash_slot_count_{0};
  std::atomic<int32_t> index_count_{1};
  // index_count covered by the last successful Flush; 1 after Open, so that the first Flush
  // makes a loaded file's entries durable too (a killed process may have left them unsynced).
  std::atomic<int32_t> flushed_count_{1};
};

// What one record contributes to the index (fields of the dispatch request).
struct IndexRequest {
  std::string_view topic;
  std::string_view keys;      // the KEYS property: space-separated keys
  std::string_view uniq_key;  // the UNIQ_KEY property; empty when absent
  int64_t commit_log_offset = 0;
  int64_t store_timestamp = 0;
  int32_t sys_flag = 0;
};

struct IndexQueryResult {
  std::vector<int64_t> offsets;  // commit-log offsets, newest file first
  // endTimestamp and endPhyOffset of the newest file (Apache's indexLastUpdateTimestamp and
  // indexLastUpdatePhyoffset), 0 when there is no file.
  int64_t index_last_update_timestamp = 0;
  int64_t index_last_update_phy_offset = 0;
};

// The index files of one store: builds entries from dispatched records, answers key queries,
// flushes and deletes the files.
//
// Threads: BuildIndex from the dispatch thread, Flush/FlushedTimestamp from the flush
// (housekeeping) thread, QueryOffsets from request threads, DeleteExpired from the cleaner; all
// may run at once. Load before any of them. Lock order: build_mu_ → flush_mu_ → mu_. Queries
// only take mu_ to copy the file list, then read the files without a lock.
class IndexService {
 public:
  IndexService(FileSystem& fs, std::string index_dir, int32_t max_hash_slot_num,
               int32_t max_index_num, const Clock* clock);

  // Opens the files of the directory in name order. Files that are not named like index files,
  // or whose size or header does not fit the settings, are skipped with a warning. After an
  // unclean exit, files whose endTimestamp is past `index_checkpoint_ms` (the checkpoint's
  // indexMsgTimestamp) are removed: recovery re-dispatches their records.
  Status Load(bool last_exit_ok, int64_t index_checkpoint_ms) ORBIT_EXCLUDES(build_mu_, mu_);

  // Indexes UNIQ_KEY, then each key of KEYS. Skips ROLLBACK records and records below the
  // newest file's endPhyOffset (already indexed: re-dispatch after recovery). Rolls to a new
  // file when the current one is full. An I/O error (e.g. kDiskFull creating a file) is logged
  // and returned; the keys put before it stay.
  Status BuildIndex(const IndexRequest& req) ORBIT_EXCLUDES(build_mu_, mu_);

  // Up to max_num offsets of records with `key` in `topic` stored in [begin_ms, end_ms].
  IndexQueryResult QueryOffsets(std::string_view topic, std::string_view key, int max_num,
                                int64_t begin_ms, int64_t end_ms) const ORBIT_EXCLUDES(mu_);

  // Syncs every file with entries added since its last flush (and the directory when a file was
  // created). On success FlushedTimestamp covers everything indexed before the call.
  Status Flush() ORBIT_EXCLUDES(flush_mu_, mu_);
  // The endTimestamp made durable by the last successful Flush (0 before the first one); the
  // store writes it into the checkpoint as indexMsgTimestamp.
  int64_t FlushedTimestamp() const { return flushed_timestamp_.load(std::memory_order_acquire); }

  // Removes the oldest files whose endPhyOffset < commit_log_min_offset (all their records are
  // gone), never the newest file. Returns how many were removed.
  Result<int> DeleteExpired(int64_t commit_log_min_offset) ORBIT_EXCLUDES(mu_);
  // Removes every file.
  Status Destroy() ORBIT_EXCLUDES(build_mu_, flush_mu_, mu_);

  size_t FileCount() const ORBIT_EXCLUDES(mu_);
  int64_t TotalEntryCount() const ORBIT_EXCLUDES(mu_);
  // A snapshot of the files, oldest first (holding one keeps its mapping alive).
  std::vector<std::shared_ptr<IndexFile>> Files() const ORBIT_EXCLUDES(mu_);

 private:
  std::shared_ptr<IndexFile> LastFile() const ORBIT_EXCLUDES(mu_);
  // Puts `key` into *file, rolling to a new file when it is full (or when there is none).
  Status PutKey(std::shared_ptr<IndexFile>* file, std::string_view key, const IndexRequest& req)
      ORBIT_REQUIRES(build_mu_) ORBIT_EXCLUDES(mu_);
  Result<std::shared_ptr<IndexFile>> CreateFile(const IndexFile* prev) ORBIT_REQUIRES(build_mu_)
      ORBIT_EXCLUDES(mu_);
  std::string NewFilePath(const std::string& newest_name) const;
  void SyncDirBestEffort();

  FileSystem& fs_;
  const std::string dir_;
  const int32_t max_hash_slot_num_;
  const int32_t max_index_num_;
  const Clock* const clock_;

  Mutex build_mu_;  // one builder at a time; Destroy waits for it
  Mutex flush_mu_;  // one flusher at a time
  mutable Mutex mu_;
  std::vector<std::shared_ptr<IndexFile>> files_ ORBIT_GUARDED_BY(mu_);
  std::string key_buf_ ORBIT_GUARDED_BY(build_mu_);
  std::atomic<bool> dir_dirty_{false};
  std::atomic<int64_t> flushed_timestamp_{0};
};

}  // namespace orbit::store
