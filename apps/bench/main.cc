// orbit-bench: load tools for RocketMQ-compatible clusters, after Apache RocketMQ's benchmark
// programs (org.apache.rocketmq.example.benchmark).
//   orbit-bench producer [flags]   sends and reports TPS and latency (producer_bench.h)
//   orbit-bench consumer [flags]   consumes and reports TPS and end-to-end latency
//                                  (consumer_bench.h)
//   orbit-bench pingpong [flags]   the loopback RTT that latency figures are ratios of
// A tool is a subcommand: Add<Tool>Command registers its flags, Run<Tool>Bench runs it and
// returns the exit code. Exit code 2: bad flags (for every tool).

#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>

#include "apps/bench/consumer_bench.h"
#include "apps/bench/pingpong.h"
#include "apps/bench/producer_bench.h"

int main(int argc, char** argv) {
  CLI::App app{"Orbit benchmark tools, after Apache RocketMQ's benchmark programs", "orbit-bench"};
  app.require_subcommand(1, 1);
  orbit::bench::ProducerBenchOptions producer_options;
  CLI::App* producer = orbit::bench::AddProducerCommand(app, &producer_options);
  orbit::bench::ConsumerBenchOptions consumer_options;
  CLI::App* consumer = orbit::bench::AddConsumerCommand(app, &consumer_options);
  orbit::bench::PingPongOptions pingpong_options;
  CLI::App* pingpong = orbit::bench::AddPingPongCommand(app, &pingpong_options);
  // An unknown tool: say which tools there are (CLI11 would only say that one is required).
  if (argc > 1 && argv[1][0] != '-') {
    bool known = false;
    std::string tools;
    for (CLI::App* sub : app.get_subcommands({})) {
      known = known || sub->check_name(argv[1]);
      tools += " " + sub->get_name();
    }
    if (!known) {
      std::fprintf(stderr, "orbit-bench: unknown tool '%s' (tools:%s)\n", argv[1], tools.c_str());
      return 2;
    }
  }
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help prints and exits 0; every other parse error prints its message and exits 2.
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (producer->parsed()) return orbit::bench::RunProducerBench(producer_options);
  if (consumer->parsed()) return orbit::bench::RunConsumerBench(consumer_options);
  if (pingpong->parsed()) return orbit::bench::RunPingPongBench(pingpong_options);
  return 2;
}
