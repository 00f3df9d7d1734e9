// orbit-admin (apps/admin) as an operator runs it: the built program against an in-process
// cluster (EmbeddedCluster), each command with real flags, its stdout, stderr and exit code
// checked (and its --json document parsed with nlohmann_json when available). Topics, messages,
// groups, the cluster and its brokers, consumer progress and offset resets while SDK clients run
// in this process, and the errors a person gets: unreachable name server, unknown topic, unknown
// command, bad flags.

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "interop/process.h"
#include "orbit/consumer.h"
#include "orbit/producer.h"

#if defined(ORBIT_HAVE_NLOHMANN_JSON)
#include <nlohmann/json.hpp>
#endif

namespace orbit {
namespace {

using testing::ChildProcess;
using namespace std::chrono_literals;

constexpr const char* kTopic = "AdminCliTopic";
constexpr int kQueues = 4;

struct CliRun {
  int code = -1;
  std::string out;  // stdout
  std::string err;  // stderr
  std::chrono::milliseconds took{0};
  std::string Both() const { return "stdout:\n" + out + "\nstderr:\n" + err; }
};

// The string value of "key":"..." in a flat search of a JSON text (no escapes in the values the
// tests look up).
std::string JsonString(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":\"";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return "";
  const size_t start = at + needle.size();
  return json.substr(start, json.find('"', start) - start);
}

int64_t JsonInt(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const size_t at = json.find(needle);
  if (at == std::string::npos) return -1;
  return std::strtoll(json.c_str() + at + needle.size(), nullptr, 10);
}

bool Contains(const std::string& s, const std::string& part) {
  return s.find(part) != std::string::npos;
}

class AdminCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = EmbeddedCluster::Start(EmbeddedClusterOptions{});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c).release();
    char tmpl[] = "/tmp/orbit-admin-cli-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = new std::string(tmpl);
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
    if (dir_ != nullptr) {
      std::string cmd = "rm -rf '" + *dir_ + "'";
      EXPECT_EQ(std::system(cmd.c_str()), 0);
      delete dir_;
      dir_ = nullptr;
    }
  }

  static std::string Namesrv() { return cluster_->namesrv_addr(); }
  static std::string BrokerAddr() { return cluster_->broker(0).addr(); }
  static std::string BrokerName() { return cluster_->broker(0).config().broker_name; }

  // Runs orbit-admin with `args` (no -n added); `shell` runs first in the child's shell
  // ("export X=y;", "unset X;").
  static CliRun RunRaw(const std::vector<std::string>& args, const std::string& shell = "",
                       std::chrono::milliseconds limit = 30s) {
    CliRun run;
    static std::atomic<int> runs{0};
    const std::string base = *dir_ + "/run-" + std::to_string(++runs);
    const std::string script = shell + " exec \"$0\" \"$@\" 2>" + base + ".err";
    std::vector<std::string> argv = {"/bin/sh", "-c", script, ORBIT_ADMIN_BINARY};
    argv.insert(argv.end(), args.begin(), args.end());
    const auto start = std::chrono::steady_clock::now();
    auto p = ChildProcess::Start(argv, base + ".out");
    if (!p) return run;
    run.code = p->Wait(limit).value_or(-2);
    run.took = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    run.out = testing::ReadFile(base + ".out");
    run.err = testing::ReadFile(base + ".err");
    // ORBIT_ADMIN_CLI_TEST_VERBOSE=1: every command line and what it printed.
    if (std::getenv("ORBIT_ADMIN_CLI_TEST_VERBOSE") != nullptr) {
      std::string line = "$ orbit-admin";
      for (const auto& a : args) line += " " + a;
      std::fprintf(stderr, "%s\n%s%s[exit %d]\n\n", line.c_str(), run.out.c_str(), run.err.c_str(),
                   run.code);
    }
    return run;
  }

  // Runs `command` against the cluster: orbit-admin COMMAND -n NAMESRV ARGS...
  static CliRun Admin(const std::string& command, std::vector<std::string> args) {
    std::vector<std::string> all = {command, "-n", Namesrv()};
    all.insert(all.end(), args.begin(), args.end());
    return RunRaw(all);
  }

  // Runs until `done` says the run is what the test waits for (the broker's index and offsets
  // catch up asynchronously), at most ~10 s; returns the last run.
  template <typename Pred>
  static CliRun AdminUntil(const std::string& command, std::vector<std::string> args, Pred done) {
    CliRun r;
    for (int i = 0; i < 40; ++i) {
      r = Admin(command, args);
      if (done(r)) break;
      std::this_thread::sleep_for(250ms);
    }
    return r;
  }

  static void CreateTopic(const std::string& topic) {
    const CliRun r = Admin("updateTopic", {"-c", "DefaultCluster", "-t", topic, "-r",
                                           std::to_string(kQueues), "-w", std::to_string(kQueues)});
    ASSERT_EQ(r.code, 0) << r.Both();
  }

  static EmbeddedCluster* cluster_;
  static std::string* dir_;
};

EmbeddedCluster* AdminCliTest::cluster_ = nullptr;
std::string* AdminCliTest::dir_ = nullptr;

#if defined(ORBIT_HAVE_NLOHMANN_JSON)
nlohmann::json Parse(const CliRun& r) {
  auto doc = nlohmann::json::parse(r.out, nullptr, /*allow_exceptions=*/false);
  EXPECT_FALSE(doc.is_discarded()) << r.Both();
  return doc;
}
#endif

TEST_F(AdminCliTest, HelpAndUsageErrors) {
  CliRun r = RunRaw({});
  ASSERT_EQ(r.code, 0) << r.Both();
  for (const char* c :
       {"updateTopic",      "deleteTopic",        "topicList",           "topicRoute",
        "topicStatus",      "topicClusterList",   "updateSubGroup",      "deleteSubGroup",
        "clusterList",      "brokerStatus",       "getBrokerConfig",     "updateBrokerConfig",
        "consumerProgress", "consumerConnection", "producerConnection",  "resetOffsetByTime",
        "queryMsgById",     "queryMsgByKey",      "queryMsgByUniqueKey", "queryMsgByOffset",
        "printMsg",         "sendMessage",        "consumeMessage"}) {
    EXPECT_TRUE(Contains(r.out, std::string("  ") + c + " ")) << c << " missing in " << r.out;
  }
  EXPECT_EQ(RunRaw({"help"}).out, r.out);

  r = RunRaw({"help", "updateTopic"});
  ASSERT_EQ(r.code, 0) << r.Both();
  for (const char* flag : {"-t,--topic", "-r,--readQueueNums", "-w,--writeQueueNums", "-p,--perm",
                           "-n,--namesrvAddr", "--json", "--accessKey"}) {
    EXPECT_TRUE(Contains(r.out, flag)) << flag << " missing in " << r.out;
  }
  EXPECT_EQ(RunRaw({"updateTopic", "-h"}).out, r.out);

  r = RunRaw({"noSuchCommand"});
  EXPECT_EQ(r.code, 2) << r.Both();
  EXPECT_TRUE(Contains(r.err, "unknown command 'noSuchCommand'")) << r.Both();
  r = RunRaw({"help", "noSuchCommand"});
  EXPECT_EQ(r.code, 2) << r.Both();

  // A missing required flag, -b and -c together, an unknown flag: the command's usage, exit 2.
  r = Admin("topicRoute", {});
  EXPECT_EQ(r.code, 2) << r.Both();
  EXPECT_TRUE(Contains(r.err, "orbit-admin: topicRoute: ")) << r.Both();
  EXPECT_TRUE(Contains(r.err, "--topic")) << r.Both();
  r = Admin("updateTopic", {"-t", "X", "-b", BrokerAddr(), "-c", "DefaultCluster"});
  EXPECT_EQ(r.code, 2) << r.Both();
  EXPECT_TRUE(Contains(r.err, "either -b/--brokerAddr or -c/--clusterName")) << r.Both();
  r = Admin("topicList", {"--noSuchFlag"});
  EXPECT_EQ(r.code, 2) << r.Both();
  r = Admin("sendMessage", {"-t", kTopic, "-p", "x", "-i", "1"});
  EXPECT_EQ(r.code, 2) << r.Both();
  EXPECT_TRUE(Contains(r.err, "-i/--qid needs -b/--broker")) << r.Both();
}

TEST_F(AdminCliTest, ErrorsAreOneClearLine) {
  // Nothing listens on port 1: a clear message, exit 1, quickly.
  CliRun r = RunRaw({"topicList", "-n", "127.0.0.1:1"});
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "orbit-admin: topicList: ")) << r.Both();
  EXPECT_TRUE(Contains(r.err, "127.0.0.1:1")) << r.Both();
  EXPECT_LT(r.took, 10s) << r.Both();
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.Both();
  EXPECT_TRUE(r.out.empty()) << r.Both();

  r = Admin("topicRoute", {"-t", "NoSuchTopicAtAll"});
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "orbit-admin: topicRoute: ")) << r.Both();
  EXPECT_TRUE(Contains(r.err, "NoSuchTopicAtAll")) << r.Both();
  EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.Both();
  EXPECT_FALSE(Contains(r.err, "orbit::")) << r.Both();

  // No -n and no NAMESRV_ADDR; then NAMESRV_ADDR alone is enough.
  r = RunRaw({"topicList"}, "unset NAMESRV_ADDR;");
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "NAMESRV_ADDR")) << r.Both();
  r = RunRaw({"topicList"}, "export NAMESRV_ADDR='" + Namesrv() + "';");
  EXPECT_EQ(r.code, 0) << r.Both();
}

TEST_F(AdminCliTest, Topics) {
  const std::string topic = "AdminCliTopics";
  CliRun r =
      Admin("updateTopic", {"-c", "DefaultCluster", "-t", topic, "-r", "3", "-w", "3", "-p", "6"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "create topic to " + BrokerAddr() + " success.")) << r.Both();

  r = Admin("topicRoute", {"-t", topic});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#BrokerName")) << r.out;
  EXPECT_TRUE(Contains(r.out, BrokerName())) << r.out;
  EXPECT_TRUE(Contains(r.out, BrokerAddr())) << r.out;
  EXPECT_TRUE(Contains(r.out, "RW-")) << r.out;
  r = Admin("topicRoute", {"-t", topic, "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonInt(r.out, "readQueueNums"), 3) << r.out;
#if defined(ORBIT_HAVE_NLOHMANN_JSON)
  {
    auto doc = Parse(r);
    ASSERT_EQ(doc["queueDatas"].size(), 1u) << r.out;
    EXPECT_EQ(doc["queueDatas"][0]["brokerName"], BrokerName());
    EXPECT_EQ(doc["queueDatas"][0]["writeQueueNums"], 3);
    EXPECT_EQ(doc["queueDatas"][0]["perm"], 6);
    EXPECT_EQ(doc["brokerDatas"][0]["brokerAddrs"]["0"], BrokerAddr());
  }
#endif

  r = Admin("topicList", {});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, topic + "\n")) << r.out;
  r = Admin("topicList", {"--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "\"" + topic + "\"")) << r.out;
  r = Admin("topicList", {"-c"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#Consumer Group")) << r.out;
  EXPECT_TRUE(Contains(r.out, "DefaultCluster  " + topic)) << r.out;

  r = Admin("topicStatus", {"-t", topic});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#Min Offset")) << r.out;
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), '\n'), 1 + 3) << r.out;
  r = Admin("topicStatus", {"-t", topic, "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
#if defined(ORBIT_HAVE_NLOHMANN_JSON)
  EXPECT_EQ(Parse(r).size(), 3u) << r.out;
#endif

  r = Admin("topicClusterList", {"-t", topic});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(r.out, "DefaultCluster\n");

  r = Admin("deleteTopic", {"-t", topic, "-c", "DefaultCluster"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "delete topic [" + topic + "] from NameServer success.")) << r.out;
  r = Admin("topicRoute", {"-t", topic});
  EXPECT_EQ(r.code, 1) << r.Both();
}

TEST_F(AdminCliTest, SendAndReadMessages) {
  CreateTopic(kTopic);
  const std::string body = "hello from orbit-admin";
  CliRun r = Admin("sendMessage", {"-t", kTopic, "-p", body, "-k", "AdminKey1", "-c", "TagA"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#Send Result")) << r.out;
  EXPECT_TRUE(Contains(r.out, "SEND_OK")) << r.out;

  // To a chosen queue, with JSON for the ids.
  r = Admin("sendMessage", {"-t", kTopic, "-p", body, "-k", "AdminKey2", "-c", "TagB", "-b",
                            BrokerName(), "-i", "2", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  const std::string msg_id = JsonString(r.out, "msgId");
  const std::string offset_msg_id = JsonString(r.out, "offsetMsgId");
  const int64_t queue_offset = JsonInt(r.out, "queueOffset");
  ASSERT_FALSE(msg_id.empty()) << r.out;
  ASSERT_FALSE(offset_msg_id.empty()) << r.out;
  EXPECT_EQ(JsonInt(r.out, "queueId"), 2) << r.out;
  EXPECT_EQ(JsonString(r.out, "sendStatus"), "SEND_OK") << r.out;

  r = Admin("queryMsgById", {"-i", offset_msg_id});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "Message Body:        " + body)) << r.out;
  EXPECT_TRUE(Contains(r.out, "Keys:                [AdminKey2]")) << r.out;
  EXPECT_TRUE(Contains(r.out, "Queue ID:            2")) << r.out;
  r = Admin("queryMsgById", {"-i", offset_msg_id, "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonString(r.out, "body"), body) << r.out;
  EXPECT_EQ(JsonString(r.out, "tags"), "TagB") << r.out;
  // A producer's id is not an offset id: said so, unless a topic is given to look it up in.
  r = Admin("queryMsgById", {"-i", msg_id});
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "queryMsgByUniqueKey")) << r.Both();
  r = Admin("queryMsgById", {"-i", msg_id, "-t", kTopic});
  EXPECT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, body)) << r.Both();

  r = AdminUntil("queryMsgByKey", {"-t", kTopic, "-k", "AdminKey2"},
                 [&](const CliRun& x) { return Contains(x.out, msg_id); });
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#Message ID")) << r.out;
  EXPECT_TRUE(Contains(r.out, msg_id)) << r.out;
  EXPECT_FALSE(Contains(r.out, "AdminKey1")) << r.out;
  r = Admin("queryMsgByKey", {"-t", kTopic, "-k", "AdminKey2", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonString(r.out, "body"), body) << r.out;

  r = AdminUntil("queryMsgByUniqueKey", {"-i", msg_id, "-t", kTopic},
                 [](const CliRun& x) { return x.code == 0; });
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, body)) << r.out;
  EXPECT_TRUE(Contains(r.out, "OffsetID:            " + offset_msg_id)) << r.out;

  r = Admin("queryMsgByOffset",
            {"-t", kTopic, "-b", BrokerName(), "-i", "2", "-o", std::to_string(queue_offset)});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "Message Body:        " + body)) << r.out;
  EXPECT_TRUE(Contains(r.out, "Tags:                [TagB]")) << r.out;
  r = Admin("queryMsgByOffset", {"-t", kTopic, "-b", BrokerName(), "-i", "2", "-o", "999"});
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "no message at offset 999")) << r.Both();

  r = Admin("printMsg", {"-t", kTopic});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(std::count(r.out.begin(), r.out.end(), 'M') >= 2, true);
  EXPECT_TRUE(Contains(r.out, "MSGID: " + msg_id + " QUEUE: 2")) << r.out;
  EXPECT_TRUE(Contains(r.out, "KEYS: [AdminKey1] TAGS: [TagA]")) << r.out;
  EXPECT_TRUE(Contains(r.out, "BODY: " + body)) << r.out;
  EXPECT_TRUE(Contains(r.out, "minOffset=")) << r.out;
  r = Admin("printMsg", {"-t", kTopic, "-d", "false", "-s", "TagB"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "NOT PRINT BODY")) << r.out;
  EXPECT_FALSE(Contains(r.out, "TAGS: [TagA]")) << r.out;
  // A time range that ends before the messages were stored: nothing.
  r = Admin("printMsg", {"-t", kTopic, "-b", "1000", "-e", "2000", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "\"messages\":[]")) << r.out;
  r = Admin("printMsg", {"-t", kTopic, "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
#if defined(ORBIT_HAVE_NLOHMANN_JSON)
  {
    auto doc = Parse(r);
    EXPECT_EQ(doc["queues"].size(), static_cast<size_t>(kQueues));
    ASSERT_EQ(doc["messages"].size(), 2u) << r.out;
    EXPECT_EQ(doc["messages"][0]["body"], body);
  }
#endif

  r = Admin("consumeMessage", {"-t", kTopic});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "Consume ok")) << r.out;
  EXPECT_TRUE(Contains(r.out, "BODY: " + body)) << r.out;
  EXPECT_TRUE(Contains(r.out, "Consumed 2 message(s)")) << r.out;
  r = Admin("consumeMessage", {"-t", kTopic, "-c", "1"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "Consumed 1 message(s)")) << r.out;
  r = Admin("consumeMessage", {"-t", kTopic, "-b", BrokerName(), "-i", "2", "-o",
                               std::to_string(queue_offset), "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonString(r.out, "msgId"), msg_id) << r.out;
  EXPECT_EQ(JsonString(r.out, "body"), body) << r.out;
  r = Admin("consumeMessage", {"-t", kTopic, "-o", "1"});
  EXPECT_EQ(r.code, 2) << r.Both();

  // The broker auto-creates topics, but not ones with a bad name.
  r = Admin("sendMessage", {"-t", "bad topic name", "-p", "x"});
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "orbit-admin: sendMessage: ")) << r.Both();
}

TEST_F(AdminCliTest, SubscriptionGroups) {
  CliRun r = Admin("updateSubGroup", {"-c", "DefaultCluster", "-g", "AdminCliSubGroup", "-r", "5"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "create subscription group to " + BrokerAddr() + " success."))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "retryMaxTimes=5")) << r.out;
  r = Admin("updateSubGroup",
            {"-b", BrokerAddr(), "-g", "AdminCliSubGroup", "-s", "false", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "\"consumeEnable\":false")) << r.out;
  r = Admin("deleteSubGroup", {"-b", BrokerAddr(), "-g", "AdminCliSubGroup"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "delete subscription group [AdminCliSubGroup] from broker [" +
                                  BrokerAddr() + "] success."))
      << r.out;
  r = Admin("updateSubGroup", {"-g", "AdminCliSubGroup"});
  EXPECT_EQ(r.code, 2) << r.Both();
}

TEST_F(AdminCliTest, ClusterAndBrokers) {
  CliRun r = Admin("clusterList", {});
  ASSERT_EQ(r.code, 0) << r.Both();
  for (const char* col : {"#Cluster Name", "#Broker Name", "#BID", "#Addr", "#Version",
                          "#InTPS(LOAD)", "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"}) {
    EXPECT_TRUE(Contains(r.out, col)) << col << " missing in " << r.out;
  }
  EXPECT_TRUE(Contains(r.out, "DefaultCluster  " + BrokerName())) << r.out;
  EXPECT_TRUE(Contains(r.out, BrokerAddr())) << r.out;
  r = Admin("clusterList", {"-m"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#InTotalToday")) << r.out;
  r = Admin("clusterList", {"--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonString(r.out, "addr"), BrokerAddr()) << r.out;
  EXPECT_FALSE(Contains(r.out, "\"error\"")) << r.out;
  r = Admin("clusterList", {"-c", "NoSuchCluster"});
  EXPECT_EQ(r.code, 1) << r.Both();

  r = Admin("brokerStatus", {"-b", BrokerAddr()});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "brokerVersionDesc")) << r.out;
  r = Admin("brokerStatus", {"-c", "DefaultCluster", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "{\"" + BrokerAddr() + "\":{")) << r.out;

  r = Admin("getBrokerConfig", {"-b", BrokerAddr()});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "brokerName")) << r.out;
  EXPECT_TRUE(Contains(r.out, BrokerName())) << r.out;

  r = Admin("updateBrokerConfig",
            {"-b", BrokerAddr(), "-k", "shortPollingTimeMills", "-v", "1234"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "update broker config success, " + BrokerAddr())) << r.out;
  r = Admin("getBrokerConfig", {"-c", "DefaultCluster", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonString(r.out, "shortPollingTimeMills"), "1234") << r.out;
  r = Admin("getBrokerConfig", {"-b", BrokerAddr()});
  EXPECT_TRUE(Contains(r.out, " = 1234")) << r.out;
  // A broker that refuses says so, with its code.
  r = Admin("updateBrokerConfig", {"-b", BrokerAddr(), "-k", "noSuchKeyAtAll", "-v", "1"});
  if (r.code != 0) {
    EXPECT_EQ(r.code, 1) << r.Both();
    EXPECT_TRUE(Contains(r.err, "orbit-admin: updateBrokerConfig: ")) << r.Both();
  }
}

TEST_F(AdminCliTest, GroupsWhileClientsRun) {
  const std::string topic = "AdminCliProgress";
  const std::string group = "AdminCliConsumers";
  CreateTopic(topic);

  ProducerConfig pc;
  pc.namesrv_addr = Namesrv();
  pc.group = "AdminCliProducers";
  // The producer tells the topic's broker about itself with its next heartbeat.
  pc.heartbeat_broker_interval_ms = 200;
  Producer producer(pc);
  ASSERT_TRUE(producer.Start().ok());
  constexpr int kMessages = 8;
  SendResult first;
  for (int i = 0; i < kMessages; ++i) {
    auto sent = producer.Send(Message(topic, "TagP", "progress-" + std::to_string(i)));
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    if (i == 0) first = *sent;
  }

  CliRun r = AdminUntil("producerConnection", {"-g", "AdminCliProducers", "-t", topic},
                        [](const CliRun& x) { return x.code == 0; });
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#ClientId")) << r.out;
  EXPECT_TRUE(Contains(r.out, producer.client_id())) << r.out;
  EXPECT_TRUE(Contains(r.out, "CPP")) << r.out;

  PushConsumerConfig cc;
  cc.namesrv_addr = Namesrv();
  cc.group = group;
  cc.consume_from_where = ConsumeFromWhere::kFirstOffset;
  cc.persist_consumer_offset_interval_ms = 200;
  PushConsumer consumer(cc);
  std::atomic<int> consumed{0};
  ASSERT_TRUE(consumer.Subscribe(topic, "*").ok());
  consumer.RegisterListener([&](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&) {
    consumed += static_cast<int>(msgs.size());
    return ConsumeConcurrentlyStatus::kConsumeSuccess;
  });
  ASSERT_TRUE(consumer.Start().ok());
  for (int i = 0; i < 200 && consumed < kMessages; ++i) std::this_thread::sleep_for(50ms);
  ASSERT_GE(consumed.load(), kMessages);

  r = AdminUntil("consumerProgress", {"-g", group},
                 [](const CliRun& x) { return Contains(x.out, "Diff Total: 0\n"); });
  ASSERT_EQ(r.code, 0) << r.Both();
  for (const char* col : {"#Topic", "#Broker Name", "#QID", "#Broker Offset", "#Consumer Offset",
                          "#Diff", "#LastTime", "Consume TPS:", "Diff Total: 0"}) {
    EXPECT_TRUE(Contains(r.out, col)) << col << " missing in " << r.out;
  }
  EXPECT_TRUE(Contains(r.out, "\n" + topic + " ")) << r.out;
  EXPECT_TRUE(Contains(r.out, " " + BrokerName() + " ")) << r.out;
  r = Admin("consumerProgress", {"-g", group, "-s", "true", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonInt(r.out, "diffTotal"), 0) << r.out;
  // -s: the IP of the client holding each queue, from the client's running info (the consumer
  // connects from the address it reaches the broker at).
  const std::string client_ip = BrokerAddr().substr(0, BrokerAddr().find(':'));
  EXPECT_EQ(JsonString(r.out, "clientIp"), client_ip) << r.out;
  r = Admin("consumerProgress", {"-g", group, "-s"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#Client IP")) << r.out;
  EXPECT_TRUE(Contains(r.out, " " + client_ip + " ")) << r.out;
  EXPECT_FALSE(Contains(r.out, " NA ")) << r.out;

  // A stored message pushed to the consumer's listener, by offset id and by the producer's id.
  const int before = consumed.load();
  r = Admin("queryMsgById", {"-i", first.offset_msg_id, "-g", group, "-d", consumer.client_id()});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out,
                       "ConsumeMessageDirectlyResult [order=false, autoCommit=true, "
                       "consumeResult=CR_SUCCESS, remark="))
      << r.out;
  EXPECT_GT(consumed.load(), before);
  r = Admin("queryMsgByUniqueKey",
            {"-i", first.msg_id, "-t", topic, "-g", group, "-d", consumer.client_id(), "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_EQ(JsonString(r.out, "consumeResult"), "CR_SUCCESS") << r.out;
  const int pushed = consumed.load() - before;  // the listener ran before the answer
  r = Admin("queryMsgById", {"-i", first.offset_msg_id, "-g", group, "-d", "10.0.0.1@nobody"});
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "not online")) << r.Both();
  r = Admin("queryMsgById", {"-i", first.offset_msg_id, "-g", group});
  EXPECT_EQ(r.code, 2) << r.Both();
  EXPECT_TRUE(Contains(r.err, "go together")) << r.Both();
  r = Admin("consumerProgress", {});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "#Group")) << r.out;
  EXPECT_TRUE(Contains(r.out, group)) << r.out;

  r = Admin("consumerConnection", {"-g", group});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, consumer.client_id())) << r.out;
  EXPECT_TRUE(Contains(r.out, "Below is subscription:")) << r.out;
  EXPECT_TRUE(Contains(r.out, topic)) << r.out;
  EXPECT_TRUE(Contains(r.out, "MessageModel: CLUSTERING")) << r.out;
  EXPECT_TRUE(Contains(r.out, " V4_9_8")) << r.out;  // the version Orbit clients announce
  r = Admin("consumerConnection", {"-g", "NoSuchGroupOnline"});
  EXPECT_EQ(r.code, 1) << r.Both();

  // Back to the beginning while the consumer runs: the broker tells the consumer, which
  // consumes everything again.
  r = Admin("resetOffsetByTime", {"-g", group, "-t", topic, "-s", "0"});
  ASSERT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "rollback consumer offset by specified group[" + group + "]"))
      << r.out;
  EXPECT_TRUE(Contains(r.out, "#brokerName")) << r.out;
  EXPECT_TRUE(Contains(r.out, BrokerName() + "     3         0")) << r.out;
  for (int i = 0; i < 200 && consumed < 2 * kMessages + pushed; ++i) {
    std::this_thread::sleep_for(50ms);
  }
  EXPECT_GE(consumed.load(), 2 * kMessages + pushed);

  // With no consumer online, the offsets are committed directly: to the beginning, then to the
  // end ("now").
  consumer.Shutdown();
  r = Admin("resetOffsetByTime", {"-g", group, "-t", topic, "-s", "0"});
  ASSERT_EQ(r.code, 0) << r.Both();
  r = AdminUntil("consumerProgress", {"-g", group, "--json"},
                 [](const CliRun& x) { return JsonInt(x.out, "diffTotal") == kMessages; });
  EXPECT_EQ(JsonInt(r.out, "diffTotal"), kMessages) << r.Both();
  r = Admin("resetOffsetByTime", {"-g", group, "-t", topic, "-s", "now", "--json"});
  ASSERT_EQ(r.code, 0) << r.Both();
  r = AdminUntil("consumerProgress", {"-g", group, "--json"},
                 [](const CliRun& x) { return JsonInt(x.out, "diffTotal") == 0; });
  EXPECT_EQ(JsonInt(r.out, "diffTotal"), 0) << r.Both();
  producer.Shutdown();
}

// ACL 1.0: a broker with aclEnable refuses the unsigned admin request and a wrong secret, and
// takes the signed one (keys from the flags or from the environment).
TEST_F(AdminCliTest, SignsRequestsWithAcl) {
  const std::string acl_file = *dir_ + "/plain_acl.yml";
  {
    std::ofstream out(acl_file);
    out << "accounts:\n"
           "  - accessKey: AdminCliKey\n"
           "    secretKey: AdminCliSecret\n"
           "    admin: true\n";
  }
  EmbeddedClusterOptions options;
  options.configure = [&](int, broker::BrokerConfig& c) {
    c.acl_enable = true;
    c.acl_file = acl_file;
  };
  auto acl_cluster = EmbeddedCluster::Start(options);
  ASSERT_TRUE(acl_cluster.ok()) << acl_cluster.status().ToString();
  const std::string namesrv = (*acl_cluster)->namesrv_addr();
  const std::string broker = (*acl_cluster)->broker(0).addr();
  const std::vector<std::string> update = {"updateTopic", "-n", namesrv,           "-b",
                                           broker,        "-t", "AdminCliAclTopic"};
  const auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = update;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };

  CliRun r = RunRaw(update, "unset ORBIT_ACCESS_KEY ORBIT_SECRET_KEY;");
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "orbit-admin: updateTopic: ")) << r.Both();
  EXPECT_TRUE(Contains(r.err, "accessKey")) << r.Both();
  r = RunRaw(with({"--accessKey", "AdminCliKey", "--secretKey", "wrong-secret"}));
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "signature")) << r.Both();
  r = RunRaw(with({"--accessKey", "AdminCliKey"}));
  EXPECT_EQ(r.code, 1) << r.Both();
  EXPECT_TRUE(Contains(r.err, "--secretKey")) << r.Both();

  r = RunRaw(with({"--accessKey", "AdminCliKey", "--secretKey", "AdminCliSecret"}));
  EXPECT_EQ(r.code, 0) << r.Both();
  EXPECT_TRUE(Contains(r.out, "create topic to " + broker + " success.")) << r.Both();
  r = RunRaw(with({}), "export ORBIT_ACCESS_KEY=AdminCliKey ORBIT_SECRET_KEY=AdminCliSecret;");
  EXPECT_EQ(r.code, 0) << r.Both();
}

}  // namespace
}  // namespace orbit
