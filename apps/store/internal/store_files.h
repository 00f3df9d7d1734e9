#pragma once

// What orbit-store's commands share: finding the files of a store and their sizes, opening the
// commit log read-only, walking it with the store's recovery scan, and reading one record's
// fields where a consume-queue or index entry points.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apps/store/store_tool.h"
#include "base/status.h"
#include "store/commit_log.h"
#include "store/file_system.h"

namespace orbit::store_tool {

// One file of a directory of segments named by their 20-digit start offset.
struct SegmentFile {
  std::string name;
  std::string path;
  uint64_t start = 0;
  uint64_t size = 0;
};

struct SegmentDir {
  std::string dir;
  std::vector<SegmentFile> files;   // in offset order
  std::vector<std::string> strays;  // names that are not 20 digits (or are directories)
  // The size every file has, 0 when there are none or they differ (see `problems`).
  uint64_t segment_size = 0;
  // Why the files cannot be loaded as one segment queue: sizes differ, a size is not a multiple
  // of `entry_size`, a start is not a multiple of the size.
  std::vector<std::string> problems;
  // [end of a file, start of the next) where files are missing.
  std::vector<std::pair<uint64_t, uint64_t>> gaps;
};

// Lists `dir` and reads each segment's size. `entry_size` is 20 for consume queues, 1 otherwise.
Result<SegmentDir> ListSegments(store::FileSystem& fs, const std::string& dir, uint64_t entry_size);

// Reads the `checkpoint` file; NotFound when it is missing, Malformed when shorter than 24 bytes.
Result<CheckpointValues> ReadCheckpoint(store::FileSystem& fs, const std::string& path);

// Whether a record of this sysFlag gets a consume-queue entry (transaction type NOT or COMMIT).
bool IsDispatched(int32_t sys_flag);

// The fields of one valid record that entries are checked against. Views into the mapping.
struct RecordInfo {
  int64_t offset = 0;
  int32_t size = 0;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int32_t sys_flag = 0;
  int64_t store_timestamp = 0;
  std::string_view topic;
  std::string_view properties;  // encoded
};

RecordInfo GetRecordInfo(int64_t offset, std::string_view bytes,
                         const protocol::RecordLayout& layout);

// The record starting at `offset`: its layout must parse and its PHYSICALOFFSET field must say
// `offset` (the body CRC is not checked again). Malformed with a reason otherwise.
Result<RecordInfo> RecordAt(const store::CommitLog& log, int64_t offset);

// "commitlog/00000000000001048576 position 1234" for a commit-log offset.
std::string DescribeLogOffset(uint64_t segment_size, int64_t offset);

// The commit log of a store, opened read-only.
struct OpenedLog {
  SegmentDir files;
  std::unique_ptr<store::CommitLog> log;  // null when `files.problems` is not empty
};
Result<OpenedLog> OpenCommitLog(store::FileSystem& fs, const std::string& store_dir);

// A walk over the whole commit log with CommitLog::Scan (body CRCs checked), reporting what lies
// between valid records.
struct LogEvents {
  std::function<void(const store::ScannedRecord&)> record;
  // A filler entry [offset, offset + length) closing a file.
  std::function<void(int64_t offset, int64_t length)> filler;
  // Invalid bytes [begin, end) followed by valid records (skipped).
  std::function<void(int64_t begin, int64_t end)> corrupt;
};

struct LogTail {
  int64_t first_nonzero = -1;  // first non-zero byte after the data end
  int64_t nonzero_span = 0;    // from it to the last non-zero byte
  int64_t zero_bytes = 0;
  std::vector<std::string> zero_files;  // files wholly after the data end, all zeros
};

struct LogWalk {
  store::ScanReport scan;
  int64_t record_bytes = 0;
  int64_t fillers = 0;
  LogTail tail;
};

LogWalk WalkLog(store::CommitLog& log, const LogEvents& events);

}  // namespace orbit::store_tool
