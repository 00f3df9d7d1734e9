// verify: the commit log, and the small files of the store root (abort, checkpoint, config/).

#include <algorithm>
#include <cstdint>
#include <iterator>

#include "apps/store/internal/store_files.h"
#include "apps/store/internal/verify_steps.h"
#include "protocol/json.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"

namespace orbit::store_tool {
namespace {

// Whether the index service would add entries for this record: not a ROLLBACK, and a UNIQ_KEY
// or at least one key.
bool HasIndexKeys(const RecordInfo& r) {
  if (protocol::GetTransactionType(r.sys_flag) == protocol::TransactionType::kRollback) {
    return false;
  }
  protocol::MessageProperties props = protocol::DecodeProperties(r.properties);
  return props.Contains(protocol::kPropertyUniqKey) ||
         !protocol::SplitKeys(props.Get(protocol::kPropertyKeys)).empty();
}

// Why the bytes at `offset` are not a record (the scan only says that they are not).
std::string WhyInvalid(const store::CommitLog& log, int64_t offset) {
  auto range = log.ReadFrom(offset);
  if (!range.ok()) return range.status().message();
  protocol::RecordLayout layout;
  Status st = store::CheckRecord(range->view(), offset, true, &layout);
  return st.ok() ? "valid record that the scan could not reach" : st.message();
}

}  // namespace

bool LogFacts::InCorruptRegion(int64_t offset) const {
  auto it = std::upper_bound(corrupt.begin(), corrupt.end(), std::make_pair(offset, INT64_MAX));
  return it != corrupt.begin() && offset < std::prev(it)->second;
}

std::string LogFacts::Describe(int64_t offset) const {
  return DescribeLogOffset(segment_size, offset);
}

void VerifyCommitLog(store::FileSystem& fs, const std::string& dir, int64_t index_end_phy_offset,
                     VerifyReport* report, std::unique_ptr<store::CommitLog>* log_out,
                     LogFacts* facts) {
  Findings& findings = report->findings;
  auto opened = OpenCommitLog(fs, dir);
  if (!opened.ok()) {
    findings.Add(Severity::kError, "io", "commit log: " + opened.status().ToString());
    return;
  }
  CommitLogSummary& sum = report->log;
  const SegmentDir& files = opened->files;
  sum.files = static_cast<int>(files.files.size());
  for (const auto& name : files.strays) {
    findings.Add(Severity::kWarning, "stray-file",
                 "commitlog/" + name + " is not a segment file (a broker ignores it)");
  }
  for (const auto& problem : files.problems) {
    findings.Add(Severity::kCorruption, "segment-size",
                 "commitlog: " + problem + "; the commit log cannot be read");
  }
  if (opened->log == nullptr) return;
  for (const auto& [begin, end] : files.gaps) {
    findings.Add(Severity::kCorruption, "segment-gap",
                 "commitlog: files missing for offsets [" + std::to_string(begin) + ", " +
                     std::to_string(end) + ")");
  }
  store::CommitLog& log = *opened->log;
  sum.segment_size = files.segment_size;
  sum.min_offset = log.MinOffset();
  sum.files_end = files.files.empty()
                      ? 0
                      : static_cast<int64_t>(files.files.back().start + files.files.back().size);
  facts->log = &log;
  facts->segment_size = files.segment_size;

  LogEvents events;
  events.record = [&](const store::ScannedRecord& rec) {
    RecordInfo r = GetRecordInfo(rec.offset, rec.bytes, rec.layout);
    if (sum.first_store_timestamp == 0) sum.first_store_timestamp = r.store_timestamp;
    sum.last_store_timestamp = r.store_timestamp;
    if (IsDispatched(r.sys_flag)) {
      int64_t& next = facts->next_queue_offset[{std::string(r.topic), r.queue_id}];
      next = std::max(next, r.queue_offset + 1);
    }
    if (index_end_phy_offset >= 0 && r.offset > index_end_phy_offset && HasIndexKeys(r)) {
      ++report->index_behind_records;
    }
  };
  events.corrupt = [&](int64_t begin, int64_t end) {
    findings.Add(Severity::kCorruption, "corrupt-record",
                 "corrupt commit-log data at offset " + std::to_string(begin) + " (" +
                     facts->Describe(begin) + "), " + std::to_string(end - begin) +
                     " bytes skipped up to the next valid record at " + std::to_string(end) + ": " +
                     WhyInvalid(log, begin));
  };
  LogWalk walk = WalkLog(log, events);

  sum.end_offset = walk.scan.end_offset;
  sum.records = walk.scan.records;
  sum.record_bytes = walk.record_bytes;
  sum.fillers = walk.fillers;
  sum.corrupt_regions = walk.scan.corrupt_regions;
  sum.corrupt_bytes = walk.scan.corrupt_bytes;
  sum.torn_tail_offset = walk.tail.first_nonzero;
  sum.torn_tail_bytes = walk.tail.nonzero_span;
  sum.zero_tail_bytes = walk.tail.zero_bytes;
  for (const auto& path : walk.tail.zero_files) {
    sum.preallocated_files.push_back(path.substr(path.rfind('/') + 1));
  }
  if (walk.tail.first_nonzero >= 0) {
    findings.Add(Severity::kWarning, "torn-tail",
                 "torn tail: " + std::to_string(walk.tail.nonzero_span) +
                     " bytes that are not a valid record at offset " +
                     std::to_string(walk.tail.first_nonzero) + " (" +
                     facts->Describe(walk.tail.first_nonzero) + "), after the last valid " +
                     "record; valid data ends at " + std::to_string(sum.end_offset) +
                     ". An unclean stop leaves this; recovery cuts it");
  }
  facts->min_offset = sum.min_offset;
  facts->end_offset = sum.end_offset;
  facts->corrupt = walk.scan.corrupt;
  std::sort(facts->corrupt.begin(), facts->corrupt.end());
  *log_out = std::move(opened->log);
}

void VerifyStoreFiles(store::FileSystem& fs, const std::string& dir, VerifyReport* report) {
  Findings& findings = report->findings;
  report->abort_file = fs.Exists(store::JoinPath(dir, "abort"));
  if (report->abort_file) {
    findings.Add(Severity::kWarning, "abort-file",
                 "abort file present: the broker did not stop cleanly (or is running now); the "
                 "next start runs crash recovery");
  }
  auto checkpoint = ReadCheckpoint(fs, store::JoinPath(dir, "checkpoint"));
  if (checkpoint.ok()) {
    report->checkpoint = *checkpoint;
  } else {
    findings.Add(Severity::kWarning, "checkpoint", "checkpoint: " + checkpoint.status().message());
  }

  std::string config = store::JoinPath(dir, "config");
  if (!fs.IsDirectory(config)) return;
  auto names = fs.List(config);
  if (!names.ok()) {
    findings.Add(Severity::kError, "io", names.status().ToString());
    return;
  }
  for (const auto& name : *names) {
    if (name.size() < 5 || name.substr(name.size() - 5) != ".json") continue;
    auto text = store::ReadWholeFile(fs, store::JoinPath(config, name));
    if (!text.ok()) {
      findings.Add(Severity::kError, "io", text.status().ToString());
      continue;
    }
    auto json = protocol::ParseJson(*text);
    if (json.ok()) {
      ++report->config_files;
    } else {
      findings.Add(Severity::kWarning, "config-json",
                   "config/" + name + " does not parse (a broker falls back to its .bak): " +
                       json.status().message());
    }
  }
}

}  // namespace orbit::store_tool
