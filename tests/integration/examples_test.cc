// The examples (examples/*.cc, examples/c/*.c) as a user runs them: each built binary as a child
// process with -n <namesrv> -t <topic> against an in-process cluster. Each producer must exit 0
// and print its sends and their results, and exit non-zero when it cannot send; each consumer,
// run after a producer example filled its topic, must print every message and exit 0, and exit
// non-zero when the messages do not come in time.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <string>
#include <vector>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "interop/process.h"

namespace orbit {
namespace {

namespace fs = std::filesystem;

struct Outcome {
  int exit_code = -1;
  std::string output;
};

// How many times `needle` occurs in `text`.
int Count(const std::string& text, const std::string& needle) {
  int n = 0;
  for (size_t at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

class ExamplesTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = EmbeddedCluster::Start({});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c).release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }
  void SetUp() override { ASSERT_NE(cluster_, nullptr); }

  // Runs examples/<name> with `args`, at most 60 s.
  Outcome RunExample(const std::string& name, const std::vector<std::string>& args) {
    const std::string binary = std::string(ORBIT_EXAMPLES_DIR) + "/" + name;
    const std::string log = (fs::temp_directory_path() /
                             ("orbit_example_" + name + "_" + std::to_string(getpid()) + ".log"))
                                .string();
    fs::remove(log);
    std::vector<std::string> argv{binary};
    argv.insert(argv.end(), args.begin(), args.end());
    Outcome run;
    auto child = testing::ChildProcess::Start(argv, log);
    EXPECT_TRUE(child.has_value()) << binary;
    if (!child) return run;
    auto code = child->Wait(std::chrono::seconds(60));
    EXPECT_TRUE(code.has_value()) << name << " still runs after 60 s";
    run.exit_code = code.value_or(-1);
    run.output = testing::ReadFile(log);
    fs::remove(log);
    return run;
  }

  // Runs `name` against the cluster on a topic of its own, created with 4 queues.
  Outcome RunAgainstCluster(const std::string& name) {
    const std::string topic = "Example_" + name;
    std::string error;
    EXPECT_TRUE(testing::CreateTopic(*cluster_, topic, 4, &error)) << error;
    Outcome run = RunExample(name, {"-n", cluster_->namesrv_addr(), "-t", topic});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_NE(run.output.find("send"), std::string::npos) << run.output;
    EXPECT_NE(run.output.find(topic), std::string::npos) << run.output;
    return run;
  }

  // Fills topic Example_<consumer> with `producer` (an example), then runs `consumer` on it with
  // -c `count`: it must receive every message and exit 0.
  Outcome RunConsumerAfter(const std::string& producer, const std::string& consumer, int count) {
    const std::string topic = "Example_" + consumer;
    std::string error;
    EXPECT_TRUE(testing::CreateTopic(*cluster_, topic, 4, &error)) << error;
    Outcome sent = RunExample(producer, {"-n", cluster_->namesrv_addr(), "-t", topic});
    EXPECT_EQ(sent.exit_code, 0) << sent.output;
    Outcome run = RunExample(consumer, {"-n", cluster_->namesrv_addr(), "-t", topic, "-c",
                                        std::to_string(count), "-w", "30"});
    EXPECT_EQ(run.exit_code, 0) << run.output;
    EXPECT_EQ(Count(run.output, "received: "), count) << run.output;
    EXPECT_EQ(Count(run.output, "consumed " + std::to_string(count) + " messages"), 1)
        << run.output;
    EXPECT_NE(run.output.find(topic), std::string::npos) << run.output;
    return run;
  }

  static EmbeddedCluster* cluster_;
};

EmbeddedCluster* ExamplesTest::cluster_ = nullptr;

TEST_F(ExamplesTest, SyncProducer) {
  Outcome run = RunAgainstCluster("sync_producer");
  EXPECT_EQ(Count(run.output, "sendStatus=SEND_OK"), 3) << run.output;
}

TEST_F(ExamplesTest, AsyncProducerWithCallbacksAndAFuture) {
  Outcome run = RunAgainstCluster("async_producer");
  EXPECT_EQ(Count(run.output, "sendStatus=SEND_OK"), 5) << run.output;
  EXPECT_EQ(Count(run.output, "callback "), 4) << run.output;
  EXPECT_EQ(Count(run.output, "future: SendResult"), 1) << run.output;
}

TEST_F(ExamplesTest, OnewayProducer) {
  Outcome run = RunAgainstCluster("oneway_producer");
  EXPECT_EQ(Count(run.output, "sent oneway"), 3) << run.output;
}

TEST_F(ExamplesTest, OrderedProducerKeepsEachOrderInOneQueue) {
  Outcome run = RunAgainstCluster("ordered_producer");
  EXPECT_EQ(Count(run.output, "sendStatus=SEND_OK"), 9) << run.output;
  EXPECT_EQ(Count(run.output, ": every step in MessageQueue"), 3) << run.output;
}

TEST_F(ExamplesTest, BatchProducer) {
  Outcome run = RunAgainstCluster("batch_producer");
  EXPECT_EQ(Count(run.output, "sendStatus=SEND_OK"), 1) << run.output;
}

TEST_F(ExamplesTest, DelayProducer) {
  Outcome run = RunAgainstCluster("delay_producer");
  EXPECT_EQ(Count(run.output, "sendStatus=SEND_OK"), 3) << run.output;
}

TEST_F(ExamplesTest, CProducer) {
  Outcome run = RunAgainstCluster("c_producer");
  // sync, ordered, 3 async callbacks
  EXPECT_EQ(Count(run.output, "status=SEND_OK"), 5) << run.output;
  EXPECT_EQ(Count(run.output, "sent oneway"), 1) << run.output;
}

TEST_F(ExamplesTest, PushConsumer) {
  Outcome run = RunConsumerAfter("sync_producer", "push_consumer", 3);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(Count(run.output, "body=\"Hello Orbit " + std::to_string(i) + "\""), 1) << run.output;
  }
  EXPECT_EQ(Count(run.output, "tags=TagA"), 3) << run.output;
}

TEST_F(ExamplesTest, OrderlyConsumerSeesEachOrderInOrder) {
  Outcome run = RunConsumerAfter("ordered_producer", "orderly_consumer", 9);
  for (int order = 0; order < 3; ++order) {
    const std::string id = "order-" + std::to_string(order);
    EXPECT_EQ(Count(run.output,
                    id + ": \"" + id + " created\" \"" + id + " paid\" \"" + id + " shipped\"\n"),
              1)
        << run.output;
  }
  EXPECT_NE(run.output.find("in queue order"), std::string::npos) << run.output;
}

TEST_F(ExamplesTest, BroadcastConsumerKeepsOffsetsInALocalFile) {
  // The offset files go to a directory of this test (the child inherits the environment).
  const fs::path dir =
      fs::temp_directory_path() / ("orbit_example_offsets_" + std::to_string(getpid()));
  fs::remove_all(dir);
  ASSERT_EQ(setenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR", dir.c_str(), 1), 0);
  Outcome run = RunConsumerAfter("sync_producer", "broadcast_consumer", 3);
  unsetenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR");
  EXPECT_NE(run.output.find("(broadcasting)"), std::string::npos) << run.output;
  int files = 0;
  if (fs::exists(dir)) {
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
      files += entry.path().filename() == "offsets.json" ? 1 : 0;
    }
  }
  EXPECT_EQ(files, 1);
  fs::remove_all(dir);
}

TEST_F(ExamplesTest, PullConsumerPullsEveryQueue) {
  Outcome run = RunConsumerAfter("sync_producer", "pull_consumer", 3);
  EXPECT_EQ(Count(run.output, ": starting at offset 0"), 4) << run.output;
  EXPECT_EQ(Count(run.output, "next offset "), 4) << run.output;
}

TEST_F(ExamplesTest, LitePullConsumerCommits) {
  Outcome run = RunConsumerAfter("sync_producer", "lite_pull_consumer", 3);
  EXPECT_GE(Count(run.output, "committed "), 1) << run.output;
}

TEST_F(ExamplesTest, CConsumer) {
  // c_producer: sync, ordered, 3 async and 1 oneway send.
  Outcome run = RunConsumerAfter("c_producer", "c_consumer", 6);
  EXPECT_EQ(Count(run.output, "body=\"Hello from C\""), 6) << run.output;
  EXPECT_EQ(Count(run.output, "tags=TagC"), 6) << run.output;
}

TEST_F(ExamplesTest, ConsumersTimeOutWithoutMessages) {
  std::string error;
  ASSERT_TRUE(testing::CreateTopic(*cluster_, "Example_Empty", 4, &error)) << error;
  for (const char* name : {"push_consumer", "lite_pull_consumer", "c_consumer"}) {
    Outcome run =
        RunExample(name, {"-n", cluster_->namesrv_addr(), "-t", "Example_Empty", "-w", "1"});
    EXPECT_EQ(run.exit_code, 1) << name << ": " << run.output;
    EXPECT_NE(run.output.find("timed out after 1 s: 0 of 3 messages"), std::string::npos)
        << name << ": " << run.output;
  }
  EXPECT_EQ(RunExample("pull_consumer", {"-c", "0"}).exit_code, 2);
  EXPECT_EQ(RunExample("c_consumer", {"-w", "x"}).exit_code, 2);
  EXPECT_EQ(RunExample("orderly_consumer", {"-h"}).exit_code, 0);
}

TEST_F(ExamplesTest, UsageAndFailuresExitNonZero) {
  EXPECT_EQ(RunExample("sync_producer", {"-h"}).exit_code, 0);
  EXPECT_EQ(RunExample("sync_producer", {"--bogus"}).exit_code, 2);
  EXPECT_EQ(RunExample("c_producer", {"-x"}).exit_code, 2);
  // No name server at this address: the first send fails within its 3 s budget.
  const std::string nowhere = "127.0.0.1:" + std::to_string(testing::FreeLoopbackPort());
  Outcome sync = RunExample("sync_producer", {"-n", nowhere, "-t", "TopicNowhere"});
  EXPECT_EQ(sync.exit_code, 1) << sync.output;
  EXPECT_NE(sync.output.find("send failed"), std::string::npos) << sync.output;
  Outcome c = RunExample("c_producer", {"-n", nowhere, "-t", "TopicNowhere"});
  EXPECT_EQ(c.exit_code, 1) << c.output;
  EXPECT_NE(c.output.find("sync send failed"), std::string::npos) << c.output;
}

}  // namespace
}  // namespace orbit
