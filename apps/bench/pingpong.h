#pragma once

// orbit-bench pingpong: the loopback ceiling a request/response figure is a ratio of. One
// client thread sends `size` bytes over TCP (TCP_NODELAY, 127.0.0.1) to an echo thread and waits
// for them to come back, `count` times, both blocking in read(). By default the client runs on
// CPU 0 and the echo thread on CPU 1 (../shared/limits' tcp_pingpong does the same): a request
// and its answer cross cores, as a client's and a broker's threads mostly do. That is what one sync
// send costs the machine at the least (two wake-ups across threads), so a producer's average RT
// over this RTT says how much Orbit adds. Run it in the same run as the figure it divides: on a
// shared machine the RTT moves by 2x within minutes.

#include <CLI/CLI.hpp>
#include <cstddef>
#include <cstdint>

namespace orbit::bench {

struct PingPongOptions {
  int64_t count = 20000;
  int64_t warmup = 2000;
  size_t size = 100;
  double max_seconds = 10;
  bool json = false;
  bool pin = true;  // client on CPU 0, echo on CPU 1 (when there are two)
};

struct PingPongResult {
  int64_t round_trips = 0;
  double seconds = 0;
  double avg_us = 0;
  double p50_us = 0;
  double p99_us = 0;
  double round_trips_per_s = 0;
};

CLI::App* AddPingPongCommand(CLI::App& app, PingPongOptions* options);
// Measures; false (with a message on stderr) when a socket call fails.
bool MeasurePingPong(const PingPongOptions& options, PingPongResult* result);
// Runs the tool: prints the result (text, or one JSON object with --json); exit code 0 or 1.
int RunPingPongBench(const PingPongOptions& options);

}  // namespace orbit::bench
