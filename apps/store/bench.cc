// orbit-store bench: checks the options, measures the disk's ceilings, runs the store cases
// (internal/bench.h) and reports each store figure as a ratio of its ceiling measured in the
// same run: on a shared, noisy machine the ratios are what can be compared between runs.

#include "apps/store/internal/bench.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "apps/store/store_tool.h"
#include "protocol/json.h"

namespace orbit::store_tool {
namespace {

constexpr int64_t kMaxBodySize = 4 * 1024 * 1024;  // the store's default maxMessageSize
constexpr int64_t kMaxWriters = 1024;
constexpr double kMaxSeconds = 3600;
constexpr double kMB = 1e6;

Status ValidateBenchOptions(const BenchOptions& o) {
  if (!(o.seconds > 0 && o.seconds <= kMaxSeconds)) {
    return InvalidArgument("--seconds must be more than 0 and at most 3600");
  }
  if (o.sizes.empty()) return InvalidArgument("--sizes: give at least one body size");
  for (int64_t size : o.sizes) {
    if (size < 1 || size > kMaxBodySize) {
      return InvalidArgument("--sizes: " + std::to_string(size) +
                             " is not a body size from 1 to 4194304 bytes (4 MiB)");
    }
  }
  if (o.writers.empty()) return InvalidArgument("--writers: give at least one count");
  for (int64_t writers : o.writers) {
    if (writers < 1 || writers > kMaxWriters) {
      return InvalidArgument("--writers: " + std::to_string(writers) +
                             " is not a count from 1 to 1024");
    }
  }
  if (o.modes.empty()) return InvalidArgument("--modes: give async, sync or both");
  for (const std::string& mode : o.modes) {
    if (mode != "async" && mode != "sync") {
      return InvalidArgument("--modes: unknown mode '" + mode + "' (async or sync)");
    }
  }
  return Status::Ok();
}

std::string BenchRoot(const BenchOptions& o) {
  if (!o.dir.empty()) return o.dir;
  const char* env = std::getenv("ORBIT_BENCH_DIR");
  return env != nullptr && *env != '\0' ? env : "/tmp";
}

std::string Fixed(double v, int decimals) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", decimals, v);
  return buf;
}

// For JSON: three decimals are plenty, and spare the reader 17-digit noise.
double Round3(double v) { return std::round(v * 1000) / 1000; }

// A case with its name and ratio, as reported.
struct CaseReport {
  CaseResult r;
  std::string name;
  const char* ratio_key = nullptr;  // null: no ceiling to compare with (reads)
  double ratio = 0;
};

CaseReport MakeReport(CaseResult r, const Ceilings& ceilings) {
  CaseReport c;
  c.name = r.mode + " " + std::to_string(r.size) + "B";
  if (r.mode == "async") {
    c.name += " " + std::to_string(r.writers) + (r.writers == 1 ? " writer" : " writers");
    c.ratio_key = "ratio_to_buffered_write";
    if (ceilings.buffered_write_bytes_per_s > 0) {
      c.ratio = r.body_bytes_per_s() / ceilings.buffered_write_bytes_per_s;
    }
    char behind[64];
    std::snprintf(behind, sizeof(behind), "dispatch behind %.1f MB; ",
                  static_cast<double>(r.dispatch_behind_bytes) / kMB);
    r.notes = behind + r.notes;
  } else if (r.mode == "sync") {
    c.name += " " + std::to_string(r.writers) + " in flight";
    c.ratio_key = "ratio_to_fdatasync";
    double ceiling =
        r.fdatasync_ops_per_s > 0 ? r.fdatasync_ops_per_s : ceilings.fdatasync_ops_per_s;
    if (ceiling > 0) c.ratio = r.msg_per_s() / ceiling;
    if (r.puts_per_flush > 0) {
      r.notes = Fixed(r.puts_per_flush, 1) + " puts per sync of " + Fixed(r.flush_us, 0) +
                " us; fdatasync just before: " + Fixed(ceiling, 0) + " ops/s; " + r.notes;
    }
  }
  if (r.failures > 0) r.notes += std::to_string(r.failures) + " failed: " + r.first_error + "; ";
  if (r.notes.size() >= 2) r.notes.resize(r.notes.size() - 2);  // the last "; "
  c.r = std::move(r);
  return c;
}

void PrintHeader(const std::string& root, double seconds, const Ceilings& c, std::ostream& out) {
  out << "orbit-store bench in " << root << ", " << Fixed(seconds, 1)
      << " s per measurement (MB = 10^6 bytes)\n"
      << "ceilings:\n"
      << "  buffered write (64 KiB pwrite at the end of a file)  "
      << Fixed(c.buffered_write_bytes_per_s / kMB, 1) << " MB/s\n"
      << "  4 KiB append + fdatasync, one writer                 "
      << Fixed(c.fdatasync_ops_per_s, 0) << " ops/s\n"
      << "ratio: async = body MB/s / buffered write MB/s; sync = msg/s / fdatasync ops/s,\n"
      << "       with fdatasync measured again just before each sync case\n\n";
  char line[160];
  std::snprintf(line, sizeof(line), "%-26s %12s %10s %8s  %s\n", "case", "msg/s", "MB/s", "ratio",
                "notes");
  out << line << std::flush;
}

void PrintCase(const CaseReport& c, std::ostream& out) {
  char line[160];
  std::snprintf(line, sizeof(line), "%-26s %12.0f %10.1f %8s  ", c.name.c_str(), c.r.msg_per_s(),
                c.r.body_bytes_per_s() / kMB,
                c.ratio_key != nullptr ? Fixed(c.ratio, c.ratio < 10 ? 3 : 1).c_str() : "-");
  out << line << c.r.notes << "\n" << std::flush;
}

void WriteCaseJson(const CaseReport& c, protocol::JsonWriter& w) {
  w.BeginObject();
  w.Key("name").String(c.name).Key("mode").String(c.r.mode);
  w.Key("size").Int(c.r.size).Key("writers").Int(c.r.writers);
  w.Key("seconds").Double(Round3(c.r.seconds));
  w.Key("messages").Int(c.r.messages).Key("failures").Int(c.r.failures);
  w.Key("msg_per_s").Double(Round3(c.r.msg_per_s()));
  w.Key("MB_per_s").Double(Round3(c.r.body_bytes_per_s() / kMB));
  if (c.ratio_key != nullptr) w.Key(c.ratio_key).Double(Round3(c.ratio));
  if (c.r.dispatch_behind_bytes >= 0) {
    w.Key("dispatch_behind_MB")
        .Double(Round3(static_cast<double>(c.r.dispatch_behind_bytes) / kMB));
  }
  if (c.r.mode == "sync") {
    w.Key("puts_per_flush").Double(Round3(c.r.puts_per_flush));
    w.Key("flush_us").Double(Round3(c.r.flush_us));
    w.Key("fdatasync_ops_per_s_before").Double(Round3(c.r.fdatasync_ops_per_s));
  }
  if (!c.r.first_error.empty()) w.Key("error").String(c.r.first_error);
  w.Key("notes").String(c.r.notes);
  w.EndObject();
}

std::string BenchJson(const std::string& root, double seconds, const Ceilings& ceilings,
                      const std::vector<CaseReport>& cases) {
  std::string text;
  protocol::JsonWriter w(&text);
  w.BeginObject().Key("dir").String(root).Key("seconds").Double(seconds);
  w.Key("ceilings").BeginObject();
  w.Key("buffered_write_MB_per_s").Double(Round3(ceilings.buffered_write_bytes_per_s / kMB));
  w.Key("fdatasync_ops_per_s").Double(Round3(ceilings.fdatasync_ops_per_s));
  w.EndObject().Key("cases").BeginArray();
  int64_t failures = 0;
  for (const CaseReport& c : cases) {
    WriteCaseJson(c, w);
    failures += c.r.failures;
  }
  w.EndArray().Key("failures").Int(failures).EndObject();
  return text;
}

// The store cases in report order: each mode x size x writers, then one read case per size.
struct CaseSpec {
  std::string mode;
  int64_t size;
  int64_t writers;
};

std::vector<CaseSpec> CasesOf(const BenchOptions& o) {
  std::vector<CaseSpec> specs;
  for (const std::string& mode : o.modes) {
    for (int64_t size : o.sizes) {
      for (int64_t writers : o.writers) specs.push_back({mode, size, writers});
    }
  }
  for (int64_t size : o.sizes) specs.push_back({"read", size, 1});
  return specs;
}

Result<CaseResult> RunCase(const CaseSpec& spec, const std::string& root, double seconds) {
  if (spec.mode == "async") return RunAsyncCase(root, seconds, spec.size, spec.writers);
  if (spec.mode == "sync") {
    ORBIT_ASSIGN_OR_RETURN(double ceiling, MeasureFdatasync(root, std::min(seconds, 2.0)));
    ORBIT_ASSIGN_OR_RETURN(CaseResult c, RunSyncCase(root, seconds, spec.size, spec.writers));
    c.fdatasync_ops_per_s = ceiling;
    return c;
  }
  return RunReadCase(root, seconds, spec.size);
}

}  // namespace

int RunBench(const BenchOptions& options, std::ostream& out, std::ostream& err) {
  if (Status s = ValidateBenchOptions(options); !s.ok()) {
    err << "orbit-store bench: " << s.message() << "\n";
    return kExitUsage;
  }
  const std::string root = BenchRoot(options);
  std::error_code ec;
  if (!std::filesystem::is_directory(root, ec)) {
    err << "orbit-store bench: " << root << " is not a directory\n";
    return kExitUsage;
  }
  auto fail = [&](const Status& s) {
    err << "orbit-store bench: " << s.message() << "\n";
    return kExitUsage;
  };
  // Checks the free space before anything is written; each case checks it again.
  if (auto budget = CaseByteBudget(root); !budget.ok()) return fail(budget.status());
  auto ceilings = MeasureCeilings(root, options.seconds);
  if (!ceilings.ok()) return fail(ceilings.status());
  if (!options.json) PrintHeader(root, options.seconds, *ceilings, out);
  std::vector<CaseReport> reports;
  int64_t failures = 0;
  for (const CaseSpec& spec : CasesOf(options)) {
    auto result = RunCase(spec, root, options.seconds);
    if (!result.ok()) return fail(result.status());
    failures += result->failures;
    reports.push_back(MakeReport(std::move(*result), *ceilings));
    if (!options.json) PrintCase(reports.back(), out);
  }
  if (options.json) out << BenchJson(root, options.seconds, *ceilings, reports) << "\n";
  return failures > 0 ? kExitCorrupt : kExitOk;
}

}  // namespace orbit::store_tool
