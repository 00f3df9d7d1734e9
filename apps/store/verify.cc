// verify: the driver, the findings table and the printed report.

#include <cstdint>
#include <ctime>
#include <set>

#include "apps/store/internal/read_only_file_system.h"
#include "apps/store/internal/verify_steps.h"
#include "apps/store/store_tool.h"
#include "store/commit_log.h"

namespace orbit::store_tool {
namespace {

// "2026-11-21 13:57:35.711 UTC"; "0" for 0.
std::string FormatTime(int64_t ms) {
  if (ms <= 0) return std::to_string(ms);
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[48];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02d %02d:%02d:%02d.%03d UTC", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                static_cast<int>(ms % 1000));
  return buf;
}

std::string Plural(int64_t n, std::string_view one, std::string_view many) {
  return std::to_string(n) + " " + std::string(n == 1 ? one : many);
}

const char* SeverityLabel(Severity s) {
  switch (s) {
    case Severity::kWarning:
      return "warning";
    case Severity::kCorruption:
      return "CORRUPT";
    case Severity::kError:
      return "ERROR  ";
  }
  return "?";
}

void PrintHeader(const VerifyReport& r, std::ostream& out) {
  out << "store " << r.dir << "\n";
  out << "  abort file: "
      << (r.abort_file ? "present (the broker did not stop cleanly, or is running)"
                       : "absent (clean shutdown)")
      << "\n";
  if (r.checkpoint) {
    out << "  checkpoint: physicMsgTimestamp " << FormatTime(r.checkpoint->physic_timestamp)
        << ", logicsMsgTimestamp " << FormatTime(r.checkpoint->logics_timestamp)
        << ", indexMsgTimestamp " << FormatTime(r.checkpoint->index_timestamp) << "\n";
  }
}

void PrintLog(const CommitLogSummary& l, std::ostream& out) {
  out << "\ncommit log: " << Plural(l.files, "file", "files");
  if (l.segment_size != 0) {
    out << " of " << l.segment_size << " bytes (size read from the files), offsets ["
        << l.min_offset << ", " << l.files_end << ")";
  }
  if (l.segment_size == 0 && l.files > 0) {
    out << "\n  not read (see the findings)\n";
    return;
  }
  out << "\n  " << Plural(l.records, "record", "records") << " (" << l.record_bytes
      << " bytes) and " << Plural(l.fillers, "end-of-file filler", "end-of-file fillers")
      << "; valid data ends at " << l.end_offset << "\n";
  if (l.records > 0) {
    out << "  store times " << FormatTime(l.first_store_timestamp) << " to "
        << FormatTime(l.last_store_timestamp) << "\n";
  }
  out << "  corrupt regions: ";
  if (l.corrupt_regions == 0) {
    out << "none\n";
  } else {
    out << l.corrupt_regions << " (" << l.corrupt_bytes << " bytes skipped)\n";
  }
  out << "  after the data end: " << l.zero_tail_bytes << " zero bytes";
  if (l.torn_tail_offset >= 0) {
    out << "; torn tail of " << l.torn_tail_bytes << " bytes from offset " << l.torn_tail_offset;
  }
  out << "\n";
  for (const auto& name : l.preallocated_files) {
    out << "  pre-allocated file " << name
        << ": all zeros after the data end (a broker maps the next file ahead; a clean shutdown "
           "removes it)\n";
  }
}

void PrintQueues(const std::vector<QueueSummary>& queues, bool log_read, std::ostream& out) {
  std::set<std::string> topics;
  for (const auto& q : queues) topics.insert(q.topic);
  out << "\nconsume queues: " << Plural(static_cast<int64_t>(queues.size()), "queue", "queues")
      << " in " << Plural(static_cast<int64_t>(topics.size()), "topic", "topics");
  if (!queues.empty()) out << " (file size " << queues.front().segment_size << " bytes)";
  out << "\n";
  if (!log_read) {
    out << "  not checked: the commit log could not be read\n";
    return;
  }
  for (size_t i = 0; i < queues.size();) {
    size_t j = i;
    int64_t entries = 0;
    QueueSummary sum;
    std::string ranges;
    for (; j < queues.size() && queues[j].topic == queues[i].topic; ++j) {
      const QueueSummary& q = queues[j];
      entries += q.max_offset - q.min_offset;
      sum.blanks += q.blanks;
      sum.expired += q.expired;
      sum.ahead += q.ahead;
      sum.bad += q.bad;
      if (j - i < 16) {
        ranges += " " + std::to_string(q.queue_id) + ":[" + std::to_string(q.min_offset) + "," +
                  std::to_string(q.max_offset) + ")";
      } else if (j - i == 16) {
        ranges += " ...";
      }
    }
    out << "  " << queues[i].topic << ": " << Plural(static_cast<int64_t>(j - i), "queue", "queues")
        << ", " << Plural(entries, "entry", "entries");
    std::string extra;
    auto add = [&](int64_t n, const char* what) {
      if (n > 0) extra += (extra.empty() ? "" : ", ") + std::to_string(n) + " " + what;
    };
    add(sum.blanks, "blank");
    add(sum.expired, "expired");
    add(sum.ahead, "ahead of the log");
    add(sum.bad, "bad");
    if (!extra.empty()) out << " (" << extra << ")";
    out << ";" << ranges << "\n";
    i = j;
  }
}

void PrintIndex(const VerifyReport& r, std::ostream& out) {
  out << "\nindex: " << Plural(static_cast<int64_t>(r.index_files.size()), "file", "files") << "\n";
  for (const auto& s : r.index_files) {
    out << "  " << s.name << ": ";
    if (!s.checked) {
      out << "not checked\n";
      continue;
    }
    out << Plural(s.index_count - 1, "entry", "entries") << " of " << s.max_index_num - 1
        << " (maxHashSlotNum " << s.max_hash_slot_num << ", maxIndexNum " << s.max_index_num
        << "), phyOffsets [" << s.begin_phy_offset << ", " << s.end_phy_offset << "]";
    if (s.expired > 0) out << ", " << s.expired << " expired";
    if (s.ahead > 0) out << ", " << s.ahead << " ahead of the log";
    if (s.bad > 0) out << ", " << s.bad << " bad";
    out << "\n";
  }
}

void PrintFindings(const Findings& findings, std::ostream& out) {
  if (findings.details().empty()) return;
  out << "\nfindings:\n";
  for (const auto& f : findings.details()) {
    out << "  " << SeverityLabel(f.severity) << " [" << f.kind << "] " << f.message << "\n";
  }
  for (const auto& [kind, n] : findings.Omitted()) {
    out << "  ... and " << n << " more [" << kind << "] (--max-details 0 shows all)\n";
  }
}

}  // namespace

void Findings::Add(Severity severity, std::string_view kind, std::string message) {
  auto it = kind_counts_.find(kind);
  if (it == kind_counts_.end()) it = kind_counts_.emplace(std::string(kind), 0).first;
  if (max_details_ == 0 || static_cast<size_t>(it->second) < max_details_) {
    details_.push_back(Finding{severity, std::string(kind), std::move(message)});
  }
  ++it->second;
  ++severity_counts_[static_cast<int>(severity)];
}

int64_t Findings::Count(Severity severity) const {
  return severity_counts_[static_cast<int>(severity)];
}

int64_t Findings::CountKind(std::string_view kind) const {
  auto it = kind_counts_.find(kind);
  return it == kind_counts_.end() ? 0 : it->second;
}

std::map<std::string, int64_t> Findings::Omitted() const {
  std::map<std::string, int64_t> out;
  if (max_details_ == 0) return out;
  for (const auto& [kind, n] : kind_counts_) {
    if (static_cast<size_t>(n) > max_details_) out[kind] = n - static_cast<int64_t>(max_details_);
  }
  return out;
}

std::map<std::string, int> VerifyReport::QueuesPerTopic() const {
  std::map<std::string, int> out;
  for (const auto& q : queues) ++out[q.topic];
  return out;
}

Result<VerifyReport> VerifyStore(const VerifyOptions& options) {
  if (options.dir.empty()) return InvalidArgument("no store directory given");
  store::FileSystem& fs = *ReadOnlyFileSystem();
  if (!fs.IsDirectory(options.dir)) return NotFound(options.dir + " is not a directory");
  if (!fs.IsDirectory(store::JoinPath(options.dir, "commitlog"))) {
    return NotFound(options.dir + " is not a store: it has no commitlog directory");
  }
  VerifyReport report(options.max_details);
  report.dir = options.dir;
  VerifyStoreFiles(fs, options.dir, &report);
  int64_t index_end = ReadIndexHeaders(fs, options.dir, options.max_hash_slot_num, &report);
  std::unique_ptr<store::CommitLog> log;
  LogFacts facts;
  VerifyCommitLog(fs, options.dir, index_end, &report, &log, &facts);
  VerifyConsumeQueues(fs, options.dir, facts, &report);
  VerifyIndexEntries(fs, options.dir, facts, &report);
  return report;
}

int VerifyExitCode(const VerifyReport& report, bool strict) {
  if (report.findings.Count(Severity::kCorruption) > 0) return kExitCorrupt;
  if (report.findings.Count(Severity::kError) > 0) return kExitUsage;
  if (strict && report.findings.Count(Severity::kWarning) > 0) return kExitCorrupt;
  return kExitOk;
}

void PrintVerifyReport(const VerifyReport& report, const VerifyOptions& options,
                       std::ostream& out) {
  PrintHeader(report, out);
  PrintLog(report.log, out);
  bool log_read = report.log.segment_size != 0 || report.log.files == 0;
  PrintQueues(report.queues, log_read, out);
  PrintIndex(report, out);
  if (report.config_files > 0) {
    out << "\nconfig: " << Plural(report.config_files, "JSON file parses", "JSON files parse")
        << "\n";
  }
  PrintFindings(report.findings, out);

  const Findings& f = report.findings;
  int64_t corrupt = f.Count(Severity::kCorruption);
  int64_t errors = f.Count(Severity::kError);
  int64_t warnings = f.Count(Severity::kWarning);
  int code = VerifyExitCode(report, options.strict);
  out << "\nsummary: ";
  if (corrupt > 0) {
    out << "CORRUPT - " << Plural(corrupt, "finding", "findings") << " of corrupt data";
  } else if (errors > 0) {
    out << "INCOMPLETE - no corruption found, but " << Plural(errors, "check", "checks")
        << " could not read their files";
  } else {
    out << (code == kExitOk ? "OK" : "FAILED (--strict)") << " - no corruption";
  }
  out << ", "
      << (warnings == 0 ? std::string("no warnings") : Plural(warnings, "warning", "warnings"));
  if (warnings > 0) {
    out << " (warnings such as a torn tail, lagging queues or index and the abort file are what "
           "an unclean stop leaves and recovery repairs; they fail the check only with --strict)";
  }
  out << "; checked " << Plural(report.log.records, "record", "records") << ", "
      << Plural(static_cast<int64_t>(report.queues.size()), "queue", "queues") << ", "
      << Plural(static_cast<int64_t>(report.index_files.size()), "index file", "index files")
      << "; exit " << code << "\n";
}

int RunVerify(const VerifyOptions& options, std::ostream& out, std::ostream& err) {
  auto report = VerifyStore(options);
  if (!report.ok()) {
    err << "orbit-store verify: " << report.status().message() << "\n";
    return kExitUsage;
  }
  PrintVerifyReport(*report, options, out);
  return VerifyExitCode(*report, options.strict);
}

}  // namespace orbit::store_tool
