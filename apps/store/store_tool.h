#pragma once

// orbit-store: an operator's tool for stores in Apache RocketMQ 4.9's on-disk format
// (commitlog/, consumequeue/, index/, config/, checkpoint).
//
//   orbit-store verify DIR [--strict] [--max-hash-slot-num N] [--max-details N]
//   orbit-store dump DIR [--topic T] [--json]
//   orbit-store bench [--dir DIR] [--seconds S] [--sizes 128,1024] [--writers 1,8,64]
//                     [--modes async,sync] [--json]
//
// verify and dump read a store without a broker and without a config file: segment sizes come
// from the files themselves. They never write: every file is opened through a read-only file
// system (internal/read_only_file_system.h).
//
// bench measures this machine's disk (buffered sequential write, 4 KiB append + fdatasync) and
// the store's throughput on it in one run, and reports each store figure as a ratio of its
// ceiling. It writes only in fresh temporary directories under DIR (default $ORBIT_BENCH_DIR,
// else /tmp), one per measurement, and removes them (internal/bench.h).
//
// Exit codes: 0 fine, 1 corrupt data found (bench: a put or read failed), 2 usage or I/O error.
// verify: warnings (torn tail, lagging queue or index, queue entries ahead of the log, abort
// file) are what an unclean stop leaves and what recovery repairs; they count as corruption only
// with --strict. dump: 1 when corrupt regions were skipped or a body could not be decompressed.
//
// The functions below are what main.cc runs; tests call them directly.
// Threads: each call is independent; calls on different stores may run concurrently.

#include <cstdint>
#include <map>
#include <optional>
#include <ostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace orbit::store_tool {

inline constexpr int kExitOk = 0;
inline constexpr int kExitCorrupt = 1;
inline constexpr int kExitUsage = 2;

struct VerifyOptions {
  std::string dir;
  // Warnings fail the check too (exit 1).
  bool strict = false;
  // Index layout: 0 derives it from the file size with Apache's default ratio
  // maxIndexNum = 4 x maxHashSlotNum; otherwise maxIndexNum follows from this and the size.
  int32_t max_hash_slot_num = 0;
  // Detail lines printed per kind of finding; 0 prints all.
  size_t max_details = 20;
};

struct DumpOptions {
  std::string dir;
  std::optional<std::string> topic;  // only this topic's records
  bool json = false;
};

struct BenchOptions {
  // Where the temporary directories go; empty: $ORBIT_BENCH_DIR, else /tmp. It should be on the
  // disk the broker's store would use (not tmpfs) for the figures to mean anything.
  std::string dir;
  double seconds = 3;                        // each ceiling and each case, (0, 3600]
  std::vector<int64_t> sizes = {128, 1024};  // body bytes, 1 to 4 MiB
  // ASYNC: writer threads; SYNC: puts in flight from one thread. 1 to 1024.
  std::vector<int64_t> writers = {1, 8, 64};
  std::vector<std::string> modes = {"async", "sync"};
  bool json = false;  // one JSON document instead of the table
};

// ---- verify's findings and report ----

enum class Severity {
  kWarning,     // what an unclean stop leaves; recovery repairs it
  kCorruption,  // bytes that are wrong
  kError,       // could not be checked (I/O)
};

struct Finding {
  Severity severity = Severity::kWarning;
  std::string kind;     // short stable name, e.g. "corrupt-record", "cq-behind"
  std::string message;  // one line, names the file and offset where there is one
};

// Findings, counted per kind, with at most `max_details` messages kept per kind.
class Findings {
 public:
  explicit Findings(size_t max_details = 20) : max_details_(max_details) {}

  void Add(Severity severity, std::string_view kind, std::string message);

  // The kept messages, in the order they were added.
  const std::vector<Finding>& details() const { return details_; }
  int64_t Count(Severity severity) const;
  int64_t CountKind(std::string_view kind) const;
  // Per kind, how many messages were not kept.
  std::map<std::string, int64_t> Omitted() const;

 private:
  size_t max_details_;
  std::vector<Finding> details_;
  std::map<std::string, int64_t, std::less<>> kind_counts_;
  int64_t severity_counts_[3] = {0, 0, 0};
};

struct CheckpointValues {
  int64_t physic_timestamp = 0;
  int64_t logics_timestamp = 0;
  int64_t index_timestamp = 0;
};

struct CommitLogSummary {
  uint64_t segment_size = 0;  // 0 when there are no files or their sizes differ
  int files = 0;
  int64_t min_offset = 0;  // start of the first file
  int64_t end_offset = 0;  // where valid data ends
  int64_t files_end = 0;   // end of the last file
  int64_t records = 0;
  int64_t record_bytes = 0;
  int64_t fillers = 0;  // end-of-file filler entries
  int64_t corrupt_regions = 0;
  int64_t corrupt_bytes = 0;
  int64_t torn_tail_offset = -1;  // first non-zero byte after the data end; -1 when none
  int64_t torn_tail_bytes = 0;    // from there to the last non-zero byte
  int64_t zero_tail_bytes = 0;    // zero bytes after the data end
  std::vector<std::string> preallocated_files;  // files after the data end, all zeros
  int64_t first_store_timestamp = 0;
  int64_t last_store_timestamp = 0;
};

struct QueueSummary {
  std::string topic;
  int32_t queue_id = 0;
  uint64_t segment_size = 0;
  int files = 0;
  int64_t min_offset = 0;       // first entry of the first file
  int64_t max_offset = 0;       // one past the last written entry
  int64_t entries = 0;          // entries that match their record
  int64_t blanks = 0;           // filler entries (offset 0, size 0x7FFFFFFF)
  int64_t expired = 0;          // pointing below the first commit-log file
  int64_t ahead = 0;            // pointing past the end of the commit log's data
  int64_t bad = 0;              // corrupt or not matching their record
  int64_t log_next_offset = 0;  // 1 + the highest queue offset of its records in the log
};

struct IndexSummary {
  std::string name;
  bool checked = false;  // false when its layout could not be derived from the size
  int32_t max_hash_slot_num = 0;
  int32_t max_index_num = 0;
  int32_t index_count = 0;  // the header's (next entry number)
  int32_t hash_slot_count = 0;
  int64_t begin_timestamp = 0;
  int64_t end_timestamp = 0;
  int64_t begin_phy_offset = 0;
  int64_t end_phy_offset = 0;
  int64_t entries = 0;  // entries that match their record
  int64_t expired = 0;
  int64_t ahead = 0;
  int64_t bad = 0;
};

struct VerifyReport {
  explicit VerifyReport(size_t max_details = 20) : findings(max_details) {}

  std::string dir;
  bool abort_file = false;
  std::optional<CheckpointValues> checkpoint;
  CommitLogSummary log;
  std::vector<QueueSummary> queues;  // by topic, then queue id
  std::vector<IndexSummary> index_files;
  int64_t index_behind_records = 0;  // records with keys past the newest index file
  int config_files = 0;              // config/*.json files that parse
  Findings findings;

  // Queues per topic, from `queues`.
  std::map<std::string, int> QueuesPerTopic() const;
};

// Checks the whole store. Fails (exit 2) only when DIR is not a readable store; everything found
// in it, I/O errors on single files included, is in the report.
Result<VerifyReport> VerifyStore(const VerifyOptions& options);
// 0, 1 or 2 for a finished report (see the exit codes above).
int VerifyExitCode(const VerifyReport& report, bool strict);
void PrintVerifyReport(const VerifyReport& report, const VerifyOptions& options, std::ostream& out);

// The commands: report on `out`, problems that stop them on `err`; return the exit code.
int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err);
int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err);
// Runs on the caller's thread (adding writer threads per ASYNC case) for about
// (2 + cases) x seconds plus the stores' start, fill and shutdown.
int RunBench(const BenchOptions& options, std::ostream& out, std::ostream& err);

// Parses a command line (args[0] is the program name) and runs the command. --help prints to
// `out` and returns 0; bad arguments print a message to `err` and return 2.
int RunCommandLine(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace orbit::store_tool
