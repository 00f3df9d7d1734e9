#pragma once

// One consume queue: consumequeue/<topic>/<queueId>/ segment files of 20-byte entries
// (big-endian commit-log offset i64, record size i32, tags code i64). Entry n is logical
// (queue) offset n, at byte n * 20 of the queue; segment files are named by their first byte.
//
// Threads: Put, Truncate and CorrectMinOffset run on the store's dispatch thread (or during
// recovery, before any other thread starts); Flush on the flush thread; reads from any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "base/status.h"
#include "store/segment.h"

namespace orbit::store {

inline constexpr size_t kCqEntrySize = 20;

struct CqEntry {
  int64_t commit_log_offset = 0;
  int32_t size = 0;
  int64_t tags_code = 0;

  // The filler Apache writes for queue offsets that have no message (offset 0, size INT_MAX).
  bool is_blank() const { return commit_log_offset == 0 && size == 0x7FFFFFFF; }
  bool operator==(const CqEntry&) const = default;
};

class ConsumeQueue {
 public:
  // `root` is the consumequeue directory; `segment_bytes` a multiple of 20.
  ConsumeQueue(FileSystem& fs, const std::string& root, std::string topic, int32_t queue_id,
               size_t segment_bytes);

  const std::string& topic() const { return topic_; }
  int32_t queue_id() const { return queue_id_; }
  const std::string& dir() const { return segments_.dir(); }

  // Maps the existing segment files.
  Status Load();
  // Finds the last valid entry (scanning from the third-last segment, as Apache does; an entry
  // is valid when its offset is >= 0 and its size > 0) and cuts everything after it. The first
  // entry of the first segment fixes the min offset (see CorrectMinOffset for the rest).
  Status Recover();

  // Writes the entry for `queue_offset`. An offset below the end (a re-dispatch) is ignored; one
  // past the end fills the gap with blank entries (logged). Thread: dispatch.
  Status Put(int64_t queue_offset, const CqEntry& entry);

  // First and next-to-write logical offsets.
  int64_t MinOffset() const { return min_offset_.load(std::memory_order_acquire); }
  int64_t MaxOffset() const;
  // End (offset + size) of the record of the last entry; -1 when empty.
  int64_t MaxPhysicalEnd() const;

  // The entry at `queue_offset`; NotFound outside [min, max).
  Result<CqEntry> Get(int64_t queue_offset) const;
  // Appends up to `max_count` entries from `queue_offset` on (stopping at the end of data),
  // returns how many.
  size_t GetEntries(int64_t queue_offset, size_t max_count, std::vector<CqEntry>* out) const;

  // The first queue offset whose message was stored at or after `timestamp_ms`; `store_time`
  // reads a record's store timestamp (negative when it cannot be read). MaxOffset() when every
  // message is older, MinOffset() when every message is newer.
  int64_t OffsetForTimestamp(
      int64_t timestamp_ms,
      const std::function<int64_t(int64_t commit_log_offset, int32_t size)>& store_time) const;

  // Drops entries whose record does not end at or before `commit_log_end` (after recovery cut
  // the commit log).
  Status TruncateBeyond(int64_t commit_log_end);
  // Moves the min offset to the first entry whose record is at or after `commit_log_min`.
  void CorrectMinOffset(int64_t commit_log_min);
  // Removes segment files whose entries all point below `commit_log_min`; returns the count.
  Result<int> DeleteExpired(int64_t commit_log_min);

  Result<bool> Flush(int least_pages) { return segments_.Flush(least_pages); }
  Status Destroy() { return segments_.DestroyAll(); }
  size_t segment_count() const { return segments_.Segments().size(); }

 private:
  static CqEntry ReadEntry(const char* p);

  FileSystem& fs_;
  const std::string topic_;
  const int32_t queue_id_;
  SegmentQueue segments_;
  std::atomic<int64_t> min_offset_{0};
};

}  // namespace orbit::store
