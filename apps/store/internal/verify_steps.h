#pragma once

// The steps of `orbit-store verify`, in the order VerifyStore runs them: index headers (to know
// how far the index claims to reach), the commit log, the consume queues, the index entries.
// Each step adds its summary and findings to the report.

#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>

#include "apps/store/store_tool.h"
#include "store/commit_log.h"
#include "store/file_system.h"

namespace orbit::store_tool {

// What the later steps need to know about the commit log.
struct LogFacts {
  const store::CommitLog* log = nullptr;  // null when the log could not be opened
  uint64_t segment_size = 0;
  int64_t min_offset = 0;
  int64_t end_offset = 0;
  std::vector<std::pair<int64_t, int64_t>> corrupt;  // [begin, end), ascending
  // (topic, queue id) -> 1 + the highest queue offset of the records that get a queue entry.
  std::map<std::pair<std::string, int32_t>, int64_t> next_queue_offset;

  bool InCorruptRegion(int64_t offset) const;
  std::string Describe(int64_t offset) const;
};

// Walks the commit log; records with index keys stored after `index_end_phy_offset` are counted
// in report->index_behind_records (-1: no index files, nothing counted).
// REQUIRES: *log_out outlives *facts.
void VerifyCommitLog(store::FileSystem& fs, const std::string& dir, int64_t index_end_phy_offset,
                     VerifyReport* report, std::unique_ptr<store::CommitLog>* log_out,
                     LogFacts* facts);

void VerifyConsumeQueues(store::FileSystem& fs, const std::string& dir, const LogFacts& facts,
                         VerifyReport* report);

// Reads the headers of index/* into report->index_files; returns the newest file's
// endPhyOffset, or -1 when there are no index files.
int64_t ReadIndexHeaders(store::FileSystem& fs, const std::string& dir, int32_t max_hash_slot_num,
                         VerifyReport* report);
// Checks the slots and entries of the files ReadIndexHeaders found.
void VerifyIndexEntries(store::FileSystem& fs, const std::string& dir, const LogFacts& facts,
                        VerifyReport* report);

// Parses config/*.json; abort file and checkpoint.
void VerifyStoreFiles(store::FileSystem& fs, const std::string& dir, VerifyReport* report);

}  // namespace orbit::store_tool
