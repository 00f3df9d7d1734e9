#pragma once

// What `orbit-bench consumer` prints (formats in consumer_bench.h): the header, the progress and
// report lines the Reporter calls for, and the summary as text or JSON. In the stats, `latency`
// is store→consume and `second_latency` born→consume; ok_requests counts listener calls.

#include <cstdio>
#include <string>

#include "apps/bench/consumer_bench.h"
#include "apps/bench/report.h"
#include "apps/bench/run_control.h"
#include "apps/bench/stats.h"

namespace orbit::bench {

// How a run ended.
struct ConsumerOutcome {
  StatsSnapshot stats;  // at the stop
  uint64_t consumed_after_stop = 0;
  uint64_t measured = 0;        // the messages consume_tps is of
  double seconds = 0;           // from Start() to the stop
  double consume_seconds = 0;   // from the first message to the stop
  double first_message_s = -1;  // from Start() to the first message; -1: none came
  StopReason reason = StopReason::kNone;
  std::string error;  // why the consumer did not start
  int exit_code = 0;
};

// 0: stopped by the count, or by time or a signal without a count; 1 otherwise.
int ConsumerExitCode(const ConsumerBenchOptions& options, StopReason reason);

// Apache's settings line, with ours appended. options.group: the group the run uses (resolved by
// ConsumerGroupOf).
std::string ConsumerHeader(const ConsumerBenchOptions& options);
// Apache's periodic line over the window, with percentiles.
std::string ConsumerReportLine(const ReportWindow& w);
// The once-a-second line.
std::string ConsumerProgressLine(const ReportWindow& w);

void PrintConsumerText(std::FILE* out, const ConsumerBenchOptions& options,
                       const ConsumerOutcome& outcome);
// One line on stdout.
void PrintConsumerJson(const ConsumerBenchOptions& options, const ConsumerOutcome& outcome);

}  // namespace orbit::bench
