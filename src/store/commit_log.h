#pragma once

// The commit log: one append-only log of message records for every topic, in segment files of
// mappedFileSizeCommitLog bytes (message format: protocol/message.h). A record never spans two
// segments: when the next one does not fit, the segment ends with a filler entry
// (`int32 remaining, int32 0xCBD43194`) and the record starts the next segment.
//
// Appends are serialized by one lock (the append lock); inside it the appender takes the store
// timestamp, assigns the physical offset and the queue offset (from the topic-queue table), and
// encodes the record straight into the mapped segment. The body CRC is computed before the lock.
//
// Threads: Append* from any thread (serialized inside); Read from any thread; Scan only during
// recovery, before appends start.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "protocol/message.h"
#include "protocol/message_id.h"
#include "store/segment.h"

namespace orbit::store {

// A message as a producer sends it: the store adds offsets, store time and store host. The views
// must stay valid for the duration of the append call only.
struct MessageInput {
  std::string_view topic;
  int32_t queue_id = 0;
  int32_t flag = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  protocol::HostAddress born_host;
  int32_t reconsume_times = 0;
  int64_t prepared_transaction_offset = 0;
  std::string_view body;        // as stored: compressed when the sysFlag says so
  std::string_view properties;  // encoded (protocol/properties.h)
  // SYNC_FLUSH: whether the put waits for its flush. Unset: the WAIT property decides (absent
  // means wait). The broker sets it because it does not store WAIT, as Apache does not.
  std::optional<bool> wait_store_msg_ok;
};

// Where an append went. For a batch, offsets are those of the first record and `count` records
// were written consecutively.
struct AppendResult {
  int64_t commit_log_offset = 0;
  int32_t bytes = 0;  // all records of the append
  int64_t queue_offset = 0;
  int32_t count = 0;
  int64_t store_timestamp = 0;
  protocol::HostAddress store_host;
  // Sizes of the records of a batch (count > 1), in order; empty for a single record.
  std::vector<int32_t> record_sizes;

  // The offset message ids of the records, joined by ',' as Apache reports a batch. Computed on
  // demand: most puts never need the text.
  std::string OffsetMessageIds() const;
};

// A range of the commit log, kept readable (and mapped) for as long as this lives: a broker
// can hand `data` to writev, or `fd` + `file_offset` to sendfile, without copying.
struct SelectedRange {
  std::shared_ptr<Segment> segment;
  int64_t commit_log_offset = 0;
  const char* data = nullptr;
  size_t size = 0;

  std::string_view view() const { return {data, size}; }
  int fd() const { return segment->file().native_handle(); }
  uint64_t file_offset() const {
    return static_cast<uint64_t>(commit_log_offset) - segment->start_offset();
  }
};

// One record seen by Scan.
struct ScannedRecord {
  int64_t offset = 0;
  std::string_view bytes;  // the whole record
  protocol::RecordLayout layout;
};

struct ScanReport {
  int64_t end_offset = 0;       // where valid data ends (the next append position)
  int64_t records = 0;          // valid records seen
  int64_t corrupt_regions = 0;  // invalid regions followed by valid records (skipped)
  int64_t corrupt_bytes = 0;
  int64_t torn_tail_bytes = 0;  // bytes cut after the last valid record (non-zero ones)
  std::vector<std::pair<int64_t, int64_t>> corrupt;  // [begin, end) of skipped regions
};

struct CommitLogOptions {
  size_t segment_size = 1024 * 1024 * 1024;
  int32_t max_message_size = 4 * 1024 * 1024;
  protocol::HostAddress store_host;
  const Clock* clock = nullptr;  // null: the system clock
};

// Checks one record at the front of `data` as recovery does: layout, magic, the physical offset
// field equal to `offset`, a topic of Apache's topic alphabet, a property string that parses
// (name\1value pairs joined by \2, no NUL), a store time, and (when `check_crc`) the body CRC.
// Fills `*layout`. The record format checksums only the body: a flipped bit inside a property
// value or in a fixed field such as FLAG cannot be detected by any reader.
bool PropertiesWellFormed(std::string_view properties);

// Whether a record of this sysFlag gets a consume-queue entry: transaction type NOT or COMMIT
// (half and rollback records stay in the commit log only).
bool HasConsumeQueueEntry(int32_t sys_flag);

Status CheckRecord(std::string_view data, int64_t offset, bool check_crc,
                   protocol::RecordLayout* layout);

// The structural part of CheckRecord alone: the layout parses within `data` and the record's
// physical-offset field says `offset`. For records this process appended or recovery checked.
Status ParseRecordAt(std::string_view data, int64_t offset, protocol::RecordLayout* layout);

class CommitLog {
 public:
  CommitLog(FileSystem& fs, std::string dir, CommitLogOptions options);

  const std::string& dir() const { return segments_.dir(); }
  SegmentQueue& segments() { return segments_; }
  const CommitLogOptions& options() const { return options_; }

  Status Load() { return segments_.Load(); }

  // Recovery: walks records from `from` (a segment start) to the end of data, calling `visit`
  // for each valid one. Records stored before `durable_before_ms` are known to have been
  // flushed: an invalid record right after one of them, followed later by valid records, is
  // corruption of durable data — reported (log line with file and offset), skipped and never
  // visited, and the scan goes on. Past that point an invalid record is a torn write of data
  // that was never flushed, and ends the data (later bytes survived a power loss by chance and
  // would leave a gap). INT64_MAX after a clean stop, when everything was flushed. Does not
  // change any file.
  ScanReport Scan(int64_t from, bool check_crc, int64_t durable_before_ms,
                  const std::function<void(const ScannedRecord&)>& visit);

  // Cuts the log at `end` (zeroing the rest of its segment, removing later segments) and makes
  // it the append position.
  Status TruncateTo(int64_t end);

  // Sets the next queue offset of every topic-queue (rebuilt from the consume queues).
  void SetQueueOffsets(const std::map<std::pair<std::string, int32_t>, int64_t>& table);
  void SetQueueOffset(std::string_view topic, int32_t queue_id, int64_t next);
  void RemoveQueueOffsets(std::string_view topic);
  int64_t NextQueueOffset(std::string_view topic, int32_t queue_id) const;

  // Appends one record / a batch (all to the same topic and queue; one segment). Errors:
  // kMessageIllegal (sizes), kDiskFull (no room for a new segment), kIoError (a new segment
  // could not be created). Nothing is written on error.
  Result<AppendResult> Append(const MessageInput& msg);
  Result<AppendResult> AppendBatch(std::span<const MessageInput> batch);

  // Bytes [offset, offset + size) when they lie in one segment and are written.
  Result<SelectedRange> Read(int64_t offset, int32_t size) const;
  // From `offset` to the end of written data in its segment.
  Result<SelectedRange> ReadFrom(int64_t offset) const;

  int64_t MinOffset() const;
  int64_t MaxOffset() const { return static_cast<int64_t>(segments_.MaxOffset()); }
  int64_t FlushedOffset() const { return static_cast<int64_t>(segments_.FlushedOffset()); }
  // Store timestamp of the last appended record (for the checkpoint), 0 before the first.
  int64_t LastStoreTimestamp() const { return last_store_timestamp_.load(); }

  // The store timestamp of the first record of the segment starting at `segment_start`, or -1.
  int64_t FirstStoreTimestampOf(const Segment& segment) const;
  // Store timestamp of the record at `offset`, -1 when it cannot be read.
  int64_t StoreTimestampAt(int64_t offset, int32_t size) const;

 private:
  struct Encoded;
  Result<AppendResult> AppendLocked(std::span<const MessageInput> batch,
                                    std::span<const int32_t> crcs) ORBIT_REQUIRES(append_mu_);

  FileSystem& fs_;
  CommitLogOptions options_;
  SegmentQueue segments_;
  const Clock* clock_;

  mutable Mutex append_mu_;
  // Next queue offset per (topic, queue id): Apache's topicQueueTable. Looked up with a
  // (string_view, id) pair so that an append builds no key string.
  using QueueKey = std::pair<std::string, int32_t>;
  using QueueRef = std::pair<std::string_view, int32_t>;
  struct QueueKeyLess {
    using is_transparent = void;
    static QueueRef Ref(const QueueKey& k) { return {k.first, k.second}; }
    static QueueRef Ref(const QueueRef& k) { return k; }
    template <typename A, typename B>
    bool operator()(const A& a, const B& b) const {
      return Ref(a) < Ref(b);
    }
  };
  std::map<QueueKey, int64_t, QueueKeyLess> queue_offsets_ ORBIT_GUARDED_BY(append_mu_);
  std::atomic<int64_t> last_store_timestamp_{0};
};

}  // namespace orbit::store
