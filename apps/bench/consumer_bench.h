#pragma once

// `orbit-bench consumer`: Apache RocketMQ's benchmark Consumer
// (org.apache.rocketmq.example.benchmark.Consumer) on orbit::PushConsumer, with its flag names,
// plus count and time limits, the start position, orderly and broadcasting consumption,
// percentiles of both end-to-end latencies and a JSON summary.
//
//   orbit-bench consumer -n 127.0.0.1:9876 -t BenchmarkTest                 (until Ctrl-C)
//   orbit-bench consumer -n ... -g drain --from first --count 1000000 --json  (drain a backlog)
//   orbit-bench consumer -n ... --duration 60 --orderly
//
// The listener does no work: per message it records two latencies and acknowledges, so the run
// measures the client and the broker. Store→consume (S2C) is now - store_timestamp, the time a
// message waited in the broker plus its trip to the listener; born→consume (B2C) is
// now - born_timestamp, from the producer's send to the listener (across hosts, both include the
// clock difference; a negative one counts as 0). The timestamps are milliseconds, so each figure
// is up to 1 ms above the true one. When a backlog is drained, S2C is the messages' age.
//
// A run ends when --count messages were consumed, when --duration seconds have passed, or on
// SIGINT/SIGTERM (a second signal kills at once); without either limit it runs until interrupted,
// as Apache's does. Delivery is at least once: a message delivered twice counts twice.
//
// Group: -g, else "benchmark_consumer_<pid>_<random>" (a new group per run, as Apache appends
// "_<millis % 100>"); -p appends that suffix to -g too. A new group starts where --from says:
// last (the default, as Apache's) at the queues' ends, except that a broker (Apache's as Orbit's)
// starts a brand-new group at 0 in a queue whose first message is still in memory; first at the
// oldest message still stored, to drain a backlog. A group that has consumed before goes on from
// its stored offsets, whatever --from says.
//
// Output (stdout; with --json everything but the JSON object goes to stderr):
//   - a header with the settings, then "Consumer Started.";
//   - every second a progress line (redrawn in place on a terminal, a plain line otherwise;
//     --no-progress turns it off);
//   - every 10 s (--report-interval) Apache's line over the last 10 s, with percentiles:
//     "Current Time: ... Consume TPS: N AVG(B2C) RT(ms): ... AVG(S2C) RT(ms): ...
//      MAX(B2C) RT(ms): ... MAX(S2C) RT(ms): ... p50(B2C) RT(ms): ... p99(B2C) ... p999(B2C) ...
//      p50(S2C) ... p99(S2C) ... p999(S2C) RT(ms): ..."
//   - at the end "[Complete] Consume Total: ..." and two latency lines, or with --json one
//     object:
//     {"mode":"consumer","consume_tps":..,"consumed":..,"consumed_after_stop":..,
//      "listener_calls":..,"duration_s":..,"consume_s":..,"first_message_s":..,
//      "store_to_consume_ms":{"avg","p50","p90","p99","p999","max"},
//      "born_to_consume_ms":{...},"stopped_by":"count|duration|signal|error","exit_code":..,
//      "config":{...}}
// "consumed" counts the messages the listener got until the run stopped; the latencies are of
// those. consume_tps is consumed / consume_s, where consume_s runs from the first message to the
// stop (with --count: to the message that reached it), so the start-up (route, rebalance, first
// pull) is not in it; that is first_message_s, from Start() to the first message. duration_s is
// the whole run from Start(). "consumed_after_stop": messages the listener still got (and
// acknowledged) while the consumer shut down.
//
// Exit code: 0 when the run ended by --count, or by --duration or a signal when no --count was
// given; 1 when --count was given and not reached, or the consumer did not start; 2 for bad or
// unsupported flags.
//
// Topics: the tool creates nothing; the topic must exist (a consumer does not auto-create).

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "orbit/status.h"

namespace orbit::bench {

struct ConsumerBenchOptions {
  std::string namesrv;  // empty: $NAMESRV_ADDR, else 127.0.0.1:9876
  std::string topic = "BenchmarkTest";
  std::string group;          // empty: kDefaultConsumerGroupPrefix plus a suffix
  bool group_suffix = false;  // -p: append the suffix to -g too
  std::string expression = "*";
  int threads = 20;
  int batch = 1;        // messages per listener call
  int pull_batch = 32;  // messages per pull
  std::string from = "last";
  bool orderly = false;
  bool broadcast = false;
  int64_t count = 0;  // 0: no limit
  double duration_s = 0;
  bool acl = false;
  std::string access_key = "rocketmq2";  // Apache's AclClient defaults
  std::string secret_key = "12345678";
  bool trace = false;  // refused: not supported yet
  bool json = false;
  int report_interval_s = 10;
  bool no_progress = false;
  std::string log_level = "warn";
};

inline constexpr char kDefaultConsumerGroupPrefix[] = "benchmark_consumer";

// Adds the `consumer` subcommand and its flags to `app`; parsed values land in `*options`.
CLI::App* AddConsumerCommand(CLI::App& app, ConsumerBenchOptions* options);

// Flag combinations CLI11 cannot check. kUnsupported: a feature not there yet.
Status ValidateConsumerOptions(const ConsumerBenchOptions& options);

// The group the run uses: -g, with `suffix` appended when -g is empty (then after the default
// prefix) or -p is set.
std::string ConsumerGroupOf(const ConsumerBenchOptions& options, const std::string& suffix);

// Runs the benchmark; returns the exit code (above).
int RunConsumerBench(ConsumerBenchOptions options);

}  // namespace orbit::bench
