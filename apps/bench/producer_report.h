#pragma once

// What `orbit-bench producer` prints (formats in producer_bench.h): the header, the progress and
// report lines the Reporter calls for, and the summary as text or JSON.

#include <cstdio>
#include <string>

#include "apps/bench/producer_bench.h"
#include "apps/bench/report.h"
#include "apps/bench/run_control.h"
#include "apps/bench/stats.h"

namespace orbit::bench {

// How a run ended.
struct ProducerOutcome {
  StatsSnapshot stats;
  double seconds = 0;  // from the first send to the last sender's end
  StopReason reason = StopReason::kNone;
  std::string first_error;
  int exit_code = 0;
};

// 0: something sent, nothing failed; 1 otherwise.
int ProducerExitCode(const StatsSnapshot& stats);

// -n, else $NAMESRV_ADDR, else 127.0.0.1:9876.
std::string NamesrvOf(const ProducerBenchOptions& options);

// Apache's settings lines, with ours appended.
std::string ProducerHeader(const ProducerBenchOptions& options);
// Apache's periodic line over the window, with percentiles.
std::string ProducerReportLine(const ReportWindow& w);
// The once-a-second line.
std::string ProducerProgressLine(const ReportWindow& w, bool async);

void PrintProducerText(std::FILE* out, const ProducerBenchOptions& options,
                       const ProducerOutcome& outcome);
// One line on stdout.
void PrintProducerJson(const ProducerBenchOptions& options, const ProducerOutcome& outcome);

}  // namespace orbit::bench
