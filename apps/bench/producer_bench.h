#pragma once

// `orbit-bench producer`: Apache RocketMQ's benchmark Producer
// (org.apache.rocketmq.example.benchmark.Producer, BatchProducer's -b and TransactionProducer's
// transactional sends) with its flag names, plus pipelined async sends, count and time limits,
// percentiles and a JSON summary.
//
//   orbit-bench producer -n 127.0.0.1:9876 -t BenchmarkTest -w 64 -s 128 --duration 60
//   orbit-bench producer -n ... --async --window 256 -w 4 --count 1000000 --json
//   orbit-bench producer -n ... --transaction -w 16 --duration 60
//
// Load: -w sender threads. Sync (default): each thread loops Send() (or Send(batch) with
// --batch N > 1). Async: each thread keeps up to --window SendAsync() calls in flight, waiting for
// a callback to free a slot. Transactional (--transaction): each thread loops
// SendMessageInTransaction(); the local transaction commits at once (and a check-back from the
// broker is answered "commit" too), so a message costs a sync half-message send plus a oneway
// END_TRANSACTION. Sync single messages only, without delay levels. A run ends when --count
// messages were attempted (sent or failed), when --duration seconds have passed, or on
// SIGINT/SIGTERM (a second signal kills at once); without --count and --duration it runs until
// interrupted, as Apache's does.
//
// Output (stdout; with --json everything but the JSON object goes to stderr):
//   - a header with the settings;
//   - every second a progress line (redrawn in place on a terminal, a plain line otherwise;
//     --no-progress turns it off);
//   - every 10 s (--report-interval) Apache's line over the last 10 s, with percentiles:
//     "Current Time: ... Send TPS: N Max RT(ms): ... Average RT(ms): ... p50 RT(ms): ...
//      p99 RT(ms): ... p999 RT(ms): ... Send Failed: N Response Failed: N"
//     (Max RT is the window's; the failure counts are since the start, as Apache's);
//   - at the end "[Complete] Send Total: ..." and a latency line, or with --json one object:
//     {"mode":"producer","send_tps":..,"sent":..,"send_failed":..,"response_failed":..,
//      "not_send_ok":..,"requests":..,"duration_s":..,"mib_per_s":..,
//      "latency_ms":{"avg","p50","p90","p99","p999","max"},"stopped_by":"count|duration|signal",
//      "exit_code":..,"config":{...,"transaction":true|false}}
// Counts are messages (a batch of 16 counts 16), latencies are per request (one per batch) and
// only of successful requests. "Send Failed": no answer (timeout, connection, local error);
// "Response Failed": the broker answered with an error code (Apache's MQBrokerException). A
// failed sender pauses 100 ms before its next send (Apache: 3 s). Transactional: "sent" counts
// the half messages the broker stored, then committed; those stored but not SEND_OK are also in
// "not_send_ok", and the client rolls them back instead (sent, never delivered).
//
// Exit code: 0 when at least one message was sent and none failed; 1 when any send failed,
// nothing was sent, or the producer did not start; 2 for bad or unsupported flags.
//
// Topics: the tool creates nothing; it relies on an existing topic or on the broker's
// auto-creation (autoCreateTopicEnable, through TBW102), like Apache's.

#include <CLI/CLI.hpp>
#include <cstdint>
#include <string>

#include "orbit/status.h"

namespace orbit::bench {

struct ProducerBenchOptions {
  std::string namesrv;  // empty: $NAMESRV_ADDR, else 127.0.0.1:9876
  std::string topic = "BenchmarkTest";
  std::string group = "benchmark_producer";
  int threads = 64;
  int message_size = 128;
  bool keys = false;
  int tag_count = 0;
  int property_size = 0;
  int64_t count = 0;  // 0: no limit
  double duration_s = 0;
  bool delay_enable = false;
  int delay_level = 1;
  int delay = 0;  // --delay LEVEL: the same as -d -e LEVEL
  bool async = false;
  int window = 128;
  int batch = 0;          // 0 or 1: single messages
  std::string compress;   // empty: never; zlib, lz4 or zstd
  int compress_over = 0;  // bodies of this size or more are compressed (with --compress)
  int compress_level = 5;
  bool acl = false;
  std::string access_key = "rocketmq2";  // Apache's AclClient defaults
  std::string secret_key = "12345678";
  bool trace = false;        // refused: not supported yet
  bool transaction = false;  // SendMessageInTransaction, committing every message
  int64_t send_timeout_ms = 3000;
  bool json = false;
  int report_interval_s = 10;
  bool no_progress = false;
  std::string log_level = "warn";

  // The effective delay level (0: none).
  int DelayLevel() const { return delay > 0 ? delay : (delay_enable ? delay_level : 0); }
  int BatchSize() const { return batch > 1 ? batch : 1; }
};

// Adds the `producer` subcommand and its flags to `app`; parsed values land in `*options`.
CLI::App* AddProducerCommand(CLI::App& app, ProducerBenchOptions* options);

// Flag combinations CLI11 cannot check. kUnsupported: a feature not there yet.
Status ValidateProducerOptions(const ProducerBenchOptions& options);

// Runs the benchmark; returns the exit code (above).
int RunProducerBench(ProducerBenchOptions options);

}  // namespace orbit::bench
