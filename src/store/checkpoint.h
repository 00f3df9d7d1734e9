#pragma once

// The `checkpoint` file, as Apache writes it: 4,096 bytes holding three big-endian int64 store
// timestamps — physicMsgTimestamp @0 (last commit-log record known flushed),
// logicsMsgTimestamp @8 (last record whose consume-queue entry is flushed) and
// indexMsgTimestamp @16 (last record whose index entry is flushed). Crash recovery starts from
// the commit-log segment whose first record is older than these.
//
// Threads: setters from the flushers; Flush from the housekeeping thread.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "base/status.h"
#include "store/file_system.h"

namespace orbit::store {

class Checkpoint {
 public:
  static constexpr size_t kFileSize = 4096;

  // Opens or creates the file; a missing or short file reads as zeros.
  static Result<std::unique_ptr<Checkpoint>> Open(FileSystem& fs, const std::string& path);

  int64_t physic_timestamp() const { return physic_.load(); }
  int64_t logics_timestamp() const { return logics_.load(); }
  int64_t index_timestamp() const { return index_.load(); }
  void set_physic_timestamp(int64_t t) { physic_.store(t); }
  void set_logics_timestamp(int64_t t) { logics_.store(t); }
  void set_index_timestamp(int64_t t) { index_.store(t); }

  // min(physic, logics) - 3 s, not below 0: records stored before it are surely dispatched.
  int64_t MinTimestamp() const;
  // Also below the index timestamp (messageIndexSafe).
  int64_t MinTimestampIndex() const;

  // Writes the three values and syncs.
  Status Flush();

 private:
  explicit Checkpoint(std::unique_ptr<File> file) : file_(std::move(file)) {}

  std::unique_ptr<File> file_;
  std::atomic<int64_t> physic_{0};
  std::atomic<int64_t> logics_{0};
  std::atomic<int64_t> index_{0};
};

}  // namespace orbit::store
