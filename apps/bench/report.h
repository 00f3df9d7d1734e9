#pragma once

// The periodic output of the load tools, the JSON writer of their summaries, and what every tool
// sets up the same way (name servers, client logging, figures as printed).
//
// A Reporter samples the stats once per second on its own thread. It prints a progress line
// every second (redrawn in place with '\r' when the output is a terminal, one plain line per
// second otherwise) and, every `report_interval_s` seconds, a report line over the last window
// of that length (Apache's benchmark: 10 s, a sliding window of ten one-second snapshots). What
// the lines say is up to the tool: the Reporter knows only snapshots and formatters.

#include <cstdint>
#include <cstdio>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "apps/bench/run_control.h"
#include "apps/bench/stats.h"

namespace orbit::bench {

struct ReporterOptions {
  std::FILE* out = stdout;
  bool progress = true;
  bool tty = false;            // redraw the progress line in place
  int report_interval_s = 10;  // 0: no report lines
};

// What a formatter gets: the difference over the window, and everything since the start.
struct ReportWindow {
  const StatsSnapshot& window;
  double window_seconds;
  const StatsSnapshot& total;
  double elapsed_seconds;
};
using LineFormatter = std::function<std::string(const ReportWindow&)>;

class Reporter {
 public:
  // `sample` runs on the reporter thread and must be thread-safe (BenchStats::Snapshot is).
  Reporter(ReporterOptions options, std::function<StatsSnapshot()> sample, LineFormatter progress,
           LineFormatter report);
  // Stop().
  ~Reporter();
  Reporter(const Reporter&) = delete;
  Reporter& operator=(const Reporter&) = delete;

  // Controlling thread. Takes the starting snapshot at once.
  void Start();
  // Controlling thread; joins the reporter thread and clears a progress line left on a
  // terminal, so that the summary starts on a clean line. Idempotent.
  void Stop();

 private:
  void Loop();  // the reporter thread
  void Write(const std::string& text);

  const ReporterOptions options_;
  const std::function<StatsSnapshot()> sample_;
  const LineFormatter progress_;
  const LineFormatter report_;
  StopFlag stop_;
  std::thread thread_;
  bool progress_drawn_ = false;  // reporter thread, then (after join) the controlling thread
};

// "2024-05-01 12:00:00,123" in local time (Apache's UtilAll.timeMillisToHumanString2).
std::string WallClockString();

// The -n flag's value, else $NAMESRV_ADDR, else 127.0.0.1:9876.
std::string NamesrvOrDefault(const std::string& flag);

// The client logs through spdlog's default logger, to stdout unless told otherwise: sends it to
// stderr at `level`, keeping stdout for the results. Once per process.
void SetupClientLogging(const std::string& level);

// Figures as the tools print them: a rate (0 over no time), and a histogram's quantile and
// maximum in milliseconds.
inline double PerSecond(uint64_t n, double seconds) {
  return seconds > 0 ? static_cast<double>(n) / seconds : 0.0;
}
inline double QuantileMs(const HistogramSnapshot& h, double q) {
  return UsToMs(static_cast<double>(h.ValueAtQuantile(q)));
}
inline double MaxMs(const HistogramSnapshot& h) { return UsToMs(static_cast<double>(h.max_us)); }

// A compact JSON object writer for the summaries (one object, one line). Numbers that are not
// finite are written as 0.
class JsonWriter {
 public:
  JsonWriter& BeginObject(std::string_view key = {});
  JsonWriter& EndObject();
  JsonWriter& Field(std::string_view key, std::string_view value);
  JsonWriter& Field(std::string_view key, const char* value) {
    return Field(key, std::string_view(value));
  }
  JsonWriter& Field(std::string_view key, bool value);
  JsonWriter& Field(std::string_view key, int64_t value);
  JsonWriter& Field(std::string_view key, uint64_t value);
  JsonWriter& Field(std::string_view key, int value) { return Field(key, int64_t{value}); }
  // With `decimals` digits after the point.
  JsonWriter& Field(std::string_view key, double value, int decimals = 3);
  const std::string& str() const { return out_; }

 private:
  void Key(std::string_view key);
  void Quoted(std::string_view s);

  std::string out_;
  std::vector<bool> has_member_;  // per open object
};

}  // namespace orbit::bench
