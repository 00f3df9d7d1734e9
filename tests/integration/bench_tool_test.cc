// orbit-bench producer and consumer as a user runs them: the built program against an in-process
// cluster (EmbeddedCluster), the producer's JSON summary checked against what the broker stored;
// async, batch and transactional runs, time limits and periodic reports; the consumer draining
// what the producer sent (concurrently and orderly); and the exit codes (0 ok, 1 failures or
// count not reached, 2 bad flags).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "embedded/embedded_cluster.h"
#include "golden/golden_store.h"
#include "integration/cluster_support.h"
#include "interop/process.h"

#if defined(ORBIT_HAVE_NLOHMANN_JSON)
#include <nlohmann/json.hpp>
#endif

namespace orbit {
namespace {

using testing::ChildProcess;

constexpr int kQueues = 4;

struct BenchRun {
  int code = -1;
  std::string output;  // stdout and stderr
  std::string json;    // the last line that starts with '{'
};

// The number after "key": in a flat search of the JSON text (keys used here are unique).
double JsonNumber(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) {
    ADD_FAILURE() << key << " missing in " << json;
    return -1;
  }
  return std::strtod(json.c_str() + at + needle.size(), nullptr);
}

class BenchToolTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = EmbeddedCluster::Start(EmbeddedClusterOptions{});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    CreateTopic("BenchTopic");
  }
  void TearDown() override { cluster_.reset(); }

  // UPDATE_AND_CREATE_TOPIC on the broker (the tool itself creates nothing).
  void CreateTopic(const std::string& topic) {
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, topic, kQueues, &error)) << error;
  }

  // Messages in the topic's queues, once dispatch has caught up.
  int64_t Stored(const std::string& topic) {
    auto& store = cluster_->broker(0).store();
    for (int i = 0; i < 300 && store.DispatchBehindBytes() > 0; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    int64_t n = 0;
    for (int q = 0; q < kQueues; ++q) n += store.GetMaxOffsetInQueue(topic, q);
    return n;
  }

  BenchRun Run(std::vector<std::string> args,
               std::chrono::milliseconds limit = std::chrono::seconds(120)) {
    BenchRun run;
    const std::string log = dir_.path() + "/run-" + std::to_string(++runs_) + ".txt";
    std::vector<std::string> argv = {ORBIT_BENCH_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    auto p = ChildProcess::Start(argv, log);
    if (!p) return run;
    run.code = p->Wait(limit).value_or(-2);
    run.output = testing::ReadFile(log);
    size_t start = 0;
    while (start < run.output.size()) {
      size_t end = run.output.find('\n', start);
      if (end == std::string::npos) end = run.output.size();
      if (run.output[start] == '{') run.json = run.output.substr(start, end - start);
      start = end + 1;
    }
    return run;
  }

  std::vector<std::string> Producer(std::vector<std::string> extra) {
    std::vector<std::string> args = {"producer", "-n",         cluster_->namesrv_addr(),
                                     "-t",       "BenchTopic", "--json"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  std::vector<std::string> Consumer(const std::string& group, std::vector<std::string> extra) {
    std::vector<std::string> args = {"consumer", "-n",         cluster_->namesrv_addr(),
                                     "-t",       "BenchTopic", "-g",
                                     group,      "--json",     "--no-progress"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  }

  // A consumer run that stopped by its count of `n`, with both latency distributions.
  void ExpectConsumed(const BenchRun& r, int64_t n) {
    ASSERT_EQ(r.code, 0) << r.output;
    ASSERT_FALSE(r.json.empty()) << r.output;
    EXPECT_GE(JsonNumber(r.json, "consumed"), n) << r.json;
    EXPECT_GT(JsonNumber(r.json, "consume_tps"), 0) << r.json;
    EXPECT_GE(JsonNumber(r.json, "first_message_s"), 0) << r.json;
    EXPECT_NE(r.json.find("\"stopped_by\":\"count\""), std::string::npos) << r.json;
    for (const char* key : {"\"store_to_consume_ms\":{", "\"born_to_consume_ms\":{"}) {
      EXPECT_NE(r.json.find(key), std::string::npos) << key << " missing in " << r.json;
    }
#if defined(ORBIT_HAVE_NLOHMANN_JSON)
    const auto doc = nlohmann::json::parse(r.json, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(doc.is_object()) << r.json;
    EXPECT_GE(doc["consumed"].get<int64_t>(), n);
    EXPECT_EQ(doc["config"]["topic"], "BenchTopic");
    for (const char* key : {"store_to_consume_ms", "born_to_consume_ms"}) {
      const auto& latency = doc[key];
      ASSERT_TRUE(latency.is_object()) << key << " in " << r.json;
      for (const char* q : {"avg", "p50", "p90", "p99", "p999", "max"}) {
        ASSERT_TRUE(latency[q].is_number()) << key << "." << q << " in " << r.json;
        EXPECT_GE(latency[q].get<double>(), 0) << key << "." << q << " in " << r.json;
      }
      EXPECT_GE(latency["max"].get<double>(), latency["p50"].get<double>()) << r.json;
      // Every message waited a little from its send to the listener.
      EXPECT_GT(latency["max"].get<double>(), 0) << key << " in " << r.json;
    }
#endif
  }

  // The counts of a run that sent `n` messages and failed none.
  void ExpectAllSent(const BenchRun& r, int64_t n) {
    ASSERT_EQ(r.code, 0) << r.output;
    ASSERT_FALSE(r.json.empty()) << r.output;
    EXPECT_EQ(JsonNumber(r.json, "sent"), n) << r.json;
    EXPECT_EQ(JsonNumber(r.json, "send_failed"), 0) << r.json;
    EXPECT_EQ(JsonNumber(r.json, "response_failed"), 0) << r.json;
    EXPECT_GT(JsonNumber(r.json, "send_tps"), 0) << r.json;
    EXPECT_GT(JsonNumber(r.json, "duration_s"), 0) << r.json;
    EXPECT_GT(JsonNumber(r.json, "p50"), 0) << r.json;
    EXPECT_GE(JsonNumber(r.json, "p99"), JsonNumber(r.json, "p50")) << r.json;
    EXPECT_GE(JsonNumber(r.json, "max"), JsonNumber(r.json, "p999")) << r.json;
    EXPECT_NE(r.json.find("\"stopped_by\":\"count\""), std::string::npos) << r.json;
#if defined(ORBIT_HAVE_NLOHMANN_JSON)
    const auto doc = nlohmann::json::parse(r.json, nullptr, /*allow_exceptions=*/false);
    ASSERT_TRUE(doc.is_object()) << r.json;
    EXPECT_EQ(doc["sent"].get<int64_t>(), n);
    EXPECT_EQ(doc["config"]["topic"], "BenchTopic");
    EXPECT_TRUE(doc["latency_ms"].is_object());
#endif
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  orbit::testing::TempDir dir_{"orbit-bench-tool-"};
  int runs_ = 0;
};

TEST_F(BenchToolTest, SyncRunSendsExactlyTheCount) {
  BenchRun r = Run(Producer({"--count", "2000", "-w", "4"}));
  ExpectAllSent(r, 2000);
  EXPECT_EQ(JsonNumber(r.json, "requests"), 2000) << r.json;
  EXPECT_EQ(JsonNumber(r.json, "threads"), 4) << r.json;
  EXPECT_EQ(Stored("BenchTopic"), 2000);
}

TEST_F(BenchToolTest, AsyncRunPipelinesWithinTheWindow) {
  BenchRun r =
      Run(Producer({"--async", "--window", "64", "-w", "2", "--count", "3000", "-k", "-l", "3"}));
  ExpectAllSent(r, 3000);
  EXPECT_NE(r.json.find("\"async\":true"), std::string::npos) << r.json;
  EXPECT_EQ(JsonNumber(r.json, "window"), 64) << r.json;
  EXPECT_EQ(Stored("BenchTopic"), 3000);
}

TEST_F(BenchToolTest, BatchRunCountsMessagesAndRequests) {
  // 1000 = 62 batches of 16 + one of 8.
  BenchRun r = Run(Producer({"--batch", "16", "-w", "2", "--count", "1000"}));
  ExpectAllSent(r, 1000);
  EXPECT_EQ(JsonNumber(r.json, "requests"), 63) << r.json;
  EXPECT_EQ(JsonNumber(r.json, "batch"), 16) << r.json;
  EXPECT_EQ(Stored("BenchTopic"), 1000);
}

TEST_F(BenchToolTest, TransactionalRunCommitsEveryMessageIntoTheTopic) {
  BenchRun r = Run(Producer({"--transaction", "-q", "50", "-w", "2"}));
  ExpectAllSent(r, 50);
  EXPECT_EQ(JsonNumber(r.json, "requests"), 50) << r.json;
  EXPECT_EQ(JsonNumber(r.json, "not_send_ok"), 0) << r.json;
  EXPECT_NE(r.json.find("\"transaction\":true"), std::string::npos) << r.json;
  // END_TRANSACTION is oneway: the last commits may reach the broker, and be dispatched to the
  // topic's queues, after the tool has exited.
  int64_t stored = 0;
  for (int i = 0; i < 50 && (stored = Stored("BenchTopic")) < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  EXPECT_EQ(stored, 50);
}

TEST_F(BenchToolTest, DurationBoundsTheRunAndReportsPeriodically) {
  BenchRun r = Run(
      Producer({"-w", "2", "--duration", "2.5", "--report-interval", "1", "--compress", "zstd"}));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.json.find("\"stopped_by\":\"duration\""), std::string::npos) << r.json;
  const double seconds = JsonNumber(r.json, "duration_s");
  EXPECT_GE(seconds, 2.5);
  EXPECT_LT(seconds, 10);
  EXPECT_GT(JsonNumber(r.json, "sent"), 0);
  EXPECT_EQ(Stored("BenchTopic"), JsonNumber(r.json, "sent"));
  // Apache's report line with percentiles, and the progress line (plain: not a terminal).
  for (const char* text : {"Current Time: ", "Send TPS: ", "p99 RT(ms): ", "Response Failed: ",
                           " msg/s ", "topic: BenchTopic threadCount: 2"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text << " missing in:\n" << r.output;
  }
}

TEST_F(BenchToolTest, TextSummaryWithoutJson) {
  BenchRun r = Run({"producer", "-n", cluster_->namesrv_addr(), "-t", "BenchTopic", "--count",
                    "100", "-w", "1"});
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(r.json.empty()) << r.output;
  EXPECT_NE(r.output.find("[Complete] Send Total: 100 Send TPS: "), std::string::npos) << r.output;
  EXPECT_NE(r.output.find("Latency RT(ms): p50 "), std::string::npos) << r.output;
}

TEST_F(BenchToolTest, FailedSendsExitWithOne) {
  // A name server nobody listens on: every send fails, none is sent.
  const std::string nowhere = "127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  BenchRun r = Run({"producer", "-n", nowhere, "-t", "BenchTopic", "--count", "3", "-w", "1",
                    "--send-timeout", "500", "--json"});
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_EQ(JsonNumber(r.json, "sent"), 0) << r.output;
  EXPECT_EQ(JsonNumber(r.json, "send_failed") + JsonNumber(r.json, "response_failed"), 3) << r.json;
  EXPECT_NE(r.json.find("\"first_error\":"), std::string::npos) << r.json;
  EXPECT_NE(r.output.find("orbit-bench: send failed: "), std::string::npos) << r.output;
}

TEST_F(BenchToolTest, PingPongMeasuresTheLoopbackRoundTrip) {
  BenchRun r = Run({"pingpong", "-q", "300", "--warmup", "20", "--json"}, std::chrono::seconds(60));
  ASSERT_EQ(r.code, 0) << r.output;
  ASSERT_FALSE(r.json.empty()) << r.output;
  EXPECT_EQ(JsonNumber(r.json, "round_trips"), 300) << r.json;
  EXPECT_GT(JsonNumber(r.json, "avg"), 0) << r.json;
  EXPECT_GE(JsonNumber(r.json, "p99"), JsonNumber(r.json, "p50")) << r.json;
  EXPECT_GT(JsonNumber(r.json, "round_trips_per_s"), 0) << r.json;
  BenchRun text = Run({"pingpong", "-q", "50", "--warmup", "0", "-s", "4096"});
  ASSERT_EQ(text.code, 0) << text.output;
  EXPECT_NE(text.output.find("pingpong 4096 B over 127.0.0.1: 50 round trips"), std::string::npos)
      << text.output;
}

TEST_F(BenchToolTest, ConsumerDrainsTheBacklogFromTheFirstOffset) {
  ExpectAllSent(Run(Producer({"--count", "2000", "-w", "4"})), 2000);
  BenchRun r =
      Run(Consumer("bench_drain", {"--from", "first", "--count", "2000", "--duration", "60"}),
          std::chrono::seconds(90));
  ExpectConsumed(r, 2000);
  EXPECT_LT(JsonNumber(r.json, "duration_s"), 60) << r.json;
  EXPECT_NE(r.json.find("\"group\":\"bench_drain\""), std::string::npos) << r.json;
  EXPECT_NE(r.json.find("\"from\":\"first\""), std::string::npos) << r.json;
}

TEST_F(BenchToolTest, OrderlyConsumerDrainsInBatches) {
  ExpectAllSent(Run(Producer({"--count", "500", "-w", "2"})), 500);
  BenchRun r = Run(Consumer("bench_orderly", {"--orderly", "--from", "first", "--batch", "8",
                                              "--count", "500", "--duration", "60", "-w", "4"}),
                   std::chrono::seconds(90));
  ExpectConsumed(r, 500);
  EXPECT_NE(r.json.find("\"orderly\":true"), std::string::npos) << r.json;
  // Batches of up to 8: fewer listener calls than messages.
  EXPECT_LT(JsonNumber(r.json, "listener_calls"), JsonNumber(r.json, "consumed")) << r.json;
}

TEST_F(BenchToolTest, ConsumerCountNotReachedInTimeExitsWithOne) {
  BenchRun r = Run(Consumer("bench_short", {"--count", "100000", "--duration", "3"}),
                   std::chrono::seconds(60));
  EXPECT_EQ(r.code, 1) << r.output;
  EXPECT_NE(r.json.find("\"stopped_by\":\"duration\""), std::string::npos) << r.json;
  EXPECT_LT(JsonNumber(r.json, "consumed"), 100000) << r.json;
  const double seconds = JsonNumber(r.json, "duration_s");
  EXPECT_GE(seconds, 3);
  EXPECT_LT(seconds, 15);
  EXPECT_NE(r.output.find("of --count 100000 messages consumed"), std::string::npos) << r.output;
}

TEST_F(BenchToolTest, ConsumerDurationOnlyExitsWithZeroAndReportsPeriodically) {
  // Default group (a new one) and --from last: nothing is stored yet, nothing is consumed.
  BenchRun r = Run({"consumer", "-n", cluster_->namesrv_addr(), "-t", "BenchTopic", "--duration",
                    "2.5", "--report-interval", "1"},
                   std::chrono::seconds(60));
  ASSERT_EQ(r.code, 0) << r.output;
  EXPECT_TRUE(r.json.empty()) << r.output;
  for (const char* text :
       {"topic: BenchTopic, threadCount 20, group: benchmark_consumer_", "Consumer Started.",
        "Current Time: ", "Consume TPS: ", "AVG(S2C) RT(ms): ", "p999(B2C) RT(ms): ", " consumed ",
        "[Complete] Consume Total: 0 ", "Store to consume RT(ms): ", "stopped by duration"}) {
    EXPECT_NE(r.output.find(text), std::string::npos) << text << " missing in:\n" << r.output;
  }
}

TEST_F(BenchToolTest, BadFlagsExitWithTwoAndSayWhy) {
  struct Case {
    std::vector<std::string> args;
    const char* message;
  };
  const std::vector<Case> cases = {
      {{"producer", "--no-such-flag"}, "--no-such-flag"},
      {{"producer", "-w", "0"}, "threadCount"},
      {{"producer", "-s", "abc"}, "messageSize"},
      {{"producer", "--compress", "snappy"}, "compress"},
      {{"producer", "--transaction", "--async"}, "transactional sends are sync only"},
      {{"producer", "--transaction", "--batch", "4"}, "a transaction holds a single message"},
      {{"producer", "--transaction", "--delay", "2"}, "cannot be delayed"},
      {{"producer", "--async", "--batch", "4"}, "async batch"},
      {{}, "subcommand"},
      {{"nosuchtool"}, "tools: producer consumer pingpong"},
      {{"consumer", "-w", "0"}, "threadCount"},
      {{"consumer", "--from", "middle"}, "from"},
      {{"consumer", "--pull-batch", "0"}, "pull-batch"},
      {{"consumer", "-m"}, "message trace"},
      {{"consumer", "-g", "no spaces"}, "-g/--group"},
  };
  for (const Case& c : cases) {
    BenchRun r = Run(c.args, std::chrono::seconds(20));
    EXPECT_EQ(r.code, 2) << r.output;
    EXPECT_NE(r.output.find(c.message), std::string::npos) << "'" << c.message << "' missing in:\n"
                                                           << r.output;
  }
  BenchRun help = Run({"producer", "--help"}, std::chrono::seconds(20));
  EXPECT_EQ(help.code, 0) << help.output;
  EXPECT_NE(help.output.find("--window"), std::string::npos) << help.output;
  EXPECT_NE(help.output.find("Exit code"), std::string::npos) << help.output;
  BenchRun consumer_help = Run({"consumer", "--help"}, std::chrono::seconds(20));
  EXPECT_EQ(consumer_help.code, 0) << consumer_help.output;
  EXPECT_NE(consumer_help.output.find("--from"), std::string::npos) << consumer_help.output;
}

}  // namespace
}  // namespace orbit
