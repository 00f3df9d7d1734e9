// The examples (examples/*.cc, examples/c/producer.c) as a user runs them: each built binary as a
// child process with -n <namesrv> -t <topic> against an in-process cluster. Each must exit 0
// and print its sends and their results; and exit non-zero when it cannot send.

#include <gtest/gtest.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
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
