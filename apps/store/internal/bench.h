#pragma once

// The measurements of `orbit-store bench` (bench.cc validates the options, runs these in order and
// prints the report): the disk's own ceilings, measured with plain POSIX calls, and the store
// cases, each on its own store in a fresh directory under the bench root that is removed when the
// case ends, on error too.
//
// Every loop is bounded by its time, by a count, and for writes by a byte budget that keeps the
// disk from filling (CaseByteBudget).
//
// Threads: each function runs on the caller's thread and returns when its case has ended. An
// ASYNC case adds `writers` threads for its duration; SYNC completions run on the store's flush
// thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>

#include "base/status.h"

namespace orbit::store_tool {

using BenchClock = std::chrono::steady_clock;

inline BenchClock::duration BenchDuration(double seconds) {
  return std::chrono::duration_cast<BenchClock::duration>(std::chrono::duration<double>(seconds));
}
inline double SecondsBetween(BenchClock::time_point from, BenchClock::time_point to) {
  return std::chrono::duration<double>(to - from).count();
}

// A fresh directory (mkdtemp) under the bench root, removed with its contents by the destructor.
class ScratchDir {
 public:
  static Result<std::unique_ptr<ScratchDir>> Make(const std::string& root, std::string_view tag);
  ~ScratchDir();
  ScratchDir(const ScratchDir&) = delete;
  ScratchDir& operator=(const ScratchDir&) = delete;

  const std::string& path() const { return path_; }

 private:
  explicit ScratchDir(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// The most operations (puts, gets, writes) of one case or ceiling, whatever its time.
inline constexpr int64_t kBenchMaxOps = 50'000'000;

// The disk must keep this much free: the bench refuses to start or go on below it.
inline constexpr int64_t kBenchMinFreeBytes = int64_t{2} << 30;

// How many bytes a case may append under `root`: what leaves kBenchMinFreeBytes free and keeps
// the disk below the store's diskSpaceWarningLevelRatio (above it the store refuses puts).
// kDiskFull, with a message that says why, when that is nothing.
Result<int64_t> CaseByteBudget(const std::string& root);

struct Ceilings {
  // Buffered sequential write: 64 KiB pwrites at the end of a file (page cache).
  double buffered_write_bytes_per_s = 0;
  // One writer: 4 KiB pwrite at the end of a file + fdatasync, per operation.
  double fdatasync_ops_per_s = 0;
};

// Each ceiling for `seconds`.
Result<Ceilings> MeasureCeilings(const std::string& root, double seconds);
// The fdatasync ceiling alone. The disk's sync latency drifts within seconds on a shared
// machine, so each SYNC case is compared with a measurement taken just before it.
Result<double> MeasureFdatasync(const std::string& root, double seconds);

// One store case, as measured; bench.cc adds the ratios.
struct CaseResult {
  std::string mode;      // "async", "sync" or "read"
  int64_t size = 0;      // body bytes
  int64_t writers = 0;   // async: threads; sync: puts in flight; read: 1
  double seconds = 0;    // from the first put (or get) to the last completion
  int64_t messages = 0;  // puts acknowledged Ok, or messages read
  int64_t failures = 0;  // failed puts or gets (callbacks that never came included)
  std::string first_error;
  int64_t dispatch_behind_bytes = -1;  // async: DispatchBehindBytes() at the end; else -1
  // sync: acknowledged puts per commit-log sync (StoreStats::flushes) and the mean time of one
  // sync in microseconds; else 0.
  double puts_per_flush = 0;
  double flush_us = 0;
  // sync: the fdatasync ceiling measured just before this case; 0 when not measured.
  double fdatasync_ops_per_s = 0;
  std::string notes;  // why a case stopped early, and such

  double msg_per_s() const { return seconds > 0 ? static_cast<double>(messages) / seconds : 0; }
  double body_bytes_per_s() const { return msg_per_s() * static_cast<double>(size); }
};

// ASYNC_FLUSH: `writers` threads each call PutMessageAsync in a loop for `seconds`.
Result<CaseResult> RunAsyncCase(const std::string& root, double seconds, int64_t size,
                                int64_t writers);
// SYNC_FLUSH as the broker drives it: this thread keeps `in_flight` puts outstanding with
// PutMessageAsync; each completes on the flush thread after its group commit.
Result<CaseResult> RunSyncCase(const std::string& root, double seconds, int64_t size,
                               int64_t in_flight);
// Reads: fills queue 0 of a store (ASYNC), waits for the dispatcher, then GetMessage of 32 in a
// loop over the queue for `seconds`.
Result<CaseResult> RunReadCase(const std::string& root, double seconds, int64_t size);

}  // namespace orbit::store_tool
