// Interop of the push consumer and the producer with a client we did not write, both ways, against
// orbit-server as a real process: ali-ons (npm, pure JavaScript) produces and Orbit's PushConsumer
// consumes; Orbit's Producer produces and an ali-ons push consumer consumes. In each direction
// half of the messages are sent before the consumer starts (a new group from its first offset)
// and half while it runs; every message must arrive exactly once with its body (binary, some
// compressed), tag and keys intact (tests/interop/ali-ons/produce.js and consume.js).

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <random>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "golden/golden_store.h"
#include "interop/orbit_server_process.h"
#include "orbit/consumer.h"
#include "orbit/producer.h"

namespace orbit::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr int kMessages = 200;  // per direction, half before the consumer starts

bool WaitFor(const std::function<bool()>& done, milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return done();
}

std::optional<std::string> Unhex(std::string_view text) {
  if (text.size() % 2 != 0) return std::nullopt;
  auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
  };
  std::string out;
  for (size_t i = 0; i < text.size(); i += 2) {
    const int hi = nibble(text[i]), lo = nibble(text[i + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi << 4 | lo));
  }
  return out;
}

// A message as one side sent or the other received.
struct Record {
  std::string keys;
  std::string tags;
  std::string body;
  std::string msg_id;
};

// The "<marker> <hex keys> <hex tags> <hex body> <msgId>" lines of a script's output.
std::vector<Record> ParseRecords(const std::string& output, const std::string& marker) {
  std::vector<Record> out;
  std::istringstream in(output);
  std::string line;
  while (std::getline(in, line)) {
    std::istringstream fields(line);
    std::string tag, keys, tags, body, msg_id;
    if (!(fields >> tag >> keys >> tags >> body) || tag != marker) continue;
    fields >> msg_id;
    auto k = Unhex(keys), t = Unhex(tags), b = Unhex(body);
    if (!k || !t || !b) continue;
    out.push_back(Record{*k, *t, *b, msg_id});
  }
  return out;
}

class AliOnsConsumerInterop : public ::testing::Test {
 protected:
  void SetUp() override {
    script_dir_ = std::string(ORBIT_SOURCE_DIR) + "/tests/interop/ali-ons";
    ASSERT_TRUE(std::filesystem::exists(script_dir_ + "/node_modules/ali-ons"))
        << "ali-ons is not installed: run scripts/deps.sh (npm ci in tests/interop/ali-ons)";
    node_ = FindInPath("node");
    ASSERT_FALSE(node_.empty()) << "node is not installed: run scripts/deps.sh";
    dir_ = std::make_unique<TempDir>("orbit-ali-ons-consumer-");
    auto server = OrbitServerProcess::Start(dir_->path());
    ASSERT_TRUE(server.ok()) << server.status().ToString();
    server_ = std::move(*server);
  }

  void TearDown() override {
    if (!server_) return;
    server_->process().Signal(SIGTERM);
    auto code = server_->process().Wait(seconds(20));
    EXPECT_TRUE(code.has_value()) << "orbit-server did not stop on SIGTERM";
    if (code) {
      EXPECT_EQ(*code, 0);
    }
  }

  // Starts `script` with `args` in the scripts' directory; its output goes to `out`.
  std::optional<ChildProcess> StartScript(const std::string& script,
                                          const std::vector<std::string>& args,
                                          const std::string& out) {
    std::vector<std::string> argv = {node_, script_dir_ + "/" + script};
    argv.insert(argv.end(), args.begin(), args.end());
    return ChildProcess::Start(argv, out, script_dir_);
  }

  std::string ServerLog() { return ReadFile(server_->log_path()).substr(0, 20000); }

  std::string script_dir_;
  std::string node_;
  std::unique_ptr<TempDir> dir_;
  std::unique_ptr<OrbitServerProcess> server_;
};

TEST_F(AliOnsConsumerInterop, AliOnsProducesAndThePushConsumerGetsEachMessageOnceIntact) {
  constexpr const char* kTopic = "AliOnsToOrbit";
  ASSERT_TRUE(server_->CreateTopic(kTopic, 4).ok());
  auto produce = [&](const std::string& prefix) -> std::vector<Record> {
    const std::string out = dir_->path() + "/produce-" + prefix + ".out";
    auto js =
        StartScript("produce.js",
                    {server_->namesrv_addr(), kTopic, std::to_string(kMessages / 2), prefix}, out);
    EXPECT_TRUE(js.has_value());
    if (!js) return {};
    auto code = js->Wait(seconds(90));
    const std::string output = ReadFile(out);
    EXPECT_TRUE(code.has_value()) << "produce.js did not finish in time:\n" << output;
    if (code) {
      EXPECT_EQ(*code, 0) << output.substr(0, 20000);
    }
    return ParseRecords(output, "SENT");
  };

  // Half before the group exists, half while it consumes.
  std::vector<Record> sent = produce("before");
  std::mutex mu;
  std::map<std::string, std::vector<MessageExt>> received;  // keys -> deliveries
  PushConsumerConfig config;
  config.group = "GID_orbit_from_ali_ons";
  config.namesrv_addr = server_->namesrv_addr();
  config.instance_name = "ali-ons-interop";
  config.consume_from_where = ConsumeFromWhere::kFirstOffset;
  config.consume_thread_min = 4;
  config.consume_thread_max = 4;
  PushConsumer consumer(config);
  ASSERT_TRUE(consumer.Subscribe(kTopic, "*").ok());
  consumer.RegisterListener(
      ConcurrentListener([&](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&) {
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& m : msgs) received[m.keys()].push_back(m);
        return ConsumeConcurrentlyStatus::kConsumeSuccess;
      }));
  ASSERT_TRUE(consumer.Start().ok());
  for (auto& r : produce("while")) sent.push_back(std::move(r));
  ASSERT_EQ(sent.size(), static_cast<size_t>(kMessages));

  auto distinct = [&] {
    std::lock_guard<std::mutex> lock(mu);
    return received.size();
  };
  EXPECT_TRUE(WaitFor([&] { return distinct() >= sent.size(); }, seconds(60)))
      << distinct() << " of " << sent.size() << " arrived\n"
      << ServerLog();
  std::this_thread::sleep_for(milliseconds(1500));  // a duplicate would show up now
  consumer.Shutdown();

  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(received.size(), sent.size());
  int compressed = 0;
  for (const Record& want : sent) {
    auto it = received.find(want.keys);
    if (it == received.end()) {
      ADD_FAILURE() << "never arrived: " << want.keys;
      continue;
    }
    ASSERT_EQ(it->second.size(), 1u) << want.keys << " arrived " << it->second.size() << " times";
    const MessageExt& got = it->second.front();
    EXPECT_EQ(got.topic(), kTopic);
    EXPECT_EQ(got.tags(), want.tags) << want.keys;
    EXPECT_EQ(got.body(), want.body) << want.keys << ": body differs";
    // ali-ons sets no UNIQ_KEY: its id is the broker's (store address + commit-log offset).
    EXPECT_EQ(got.offset_msg_id, want.msg_id) << want.keys;
    EXPECT_EQ(got.reconsume_times, 0);
    compressed += want.body.size() >= 4096 ? 1 : 0;
  }
  EXPECT_GT(compressed, 0) << "no body was large enough for ali-ons to compress it";
}

TEST_F(AliOnsConsumerInterop, TheProducerSendsAndAnAliOnsConsumerGetsEachMessageOnceIntact) {
  constexpr const char* kTopic = "OrbitToAliOns";
  ASSERT_TRUE(server_->CreateTopic(kTopic, 4).ok());
  ProducerConfig config;
  config.group = "PG_orbit_to_ali_ons";
  config.namesrv_addr = server_->namesrv_addr();
  Producer producer(config);
  ASSERT_TRUE(producer.Start().ok());
  std::mt19937 rng(20261122);
  std::vector<Record> sent;
  auto send = [&](int from, int to) {
    for (int i = from; i < to; ++i) {
      // Binary bodies; every 25th over 4 KiB, which the producer compresses.
      std::string body = "orbit " + std::to_string(i) + " ";
      const size_t size = i % 25 == 0 ? 5000 + i : 1 + i % 200;
      for (size_t j = 0; j < size; ++j) body.push_back(static_cast<char>(rng() & 0xff));
      Message msg(kTopic, "Tag" + std::to_string(i % 3), body);
      msg.set_keys(
          std::vector<std::string>{"orbit-" + std::to_string(i), "second-" + std::to_string(i)});
      auto result = producer.Send(msg);
      ASSERT_TRUE(result.ok()) << result.status().ToString();
      // ali-ons reports the broker's id (store address + commit-log offset) as msgId.
      sent.push_back(Record{msg.keys(), msg.tags(), body, result->offset_msg_id});
    }
  };
  send(0, kMessages / 2);
  ASSERT_FALSE(::testing::Test::HasFatalFailure());

  const std::string out = dir_->path() + "/consume.out";
  auto js = StartScript("consume.js",
                        {server_->namesrv_addr(), kTopic, "GID_ali_ons_from_orbit",
                         std::to_string(kMessages), "60000"},
                        out);
  ASSERT_TRUE(js.has_value());
  const bool ready =
      WaitFor([&] { return ReadFile(out).find("READY\n") != std::string::npos; }, seconds(30));
  send(kMessages / 2, kMessages);
  producer.Shutdown();
  auto code = js->Wait(seconds(90));
  const std::string output = ReadFile(out);
  EXPECT_TRUE(ready) << output;
  ASSERT_TRUE(code.has_value()) << "consume.js did not finish in time:\n" << output;
  EXPECT_EQ(*code, 0) << output.substr(0, 20000) << "\nserver log:\n" << ServerLog();

  std::map<std::string, std::vector<Record>> received;
  for (auto& r : ParseRecords(output, "RECV")) received[r.keys].push_back(std::move(r));
  EXPECT_EQ(received.size(), sent.size());
  int compressed = 0;
  for (const Record& want : sent) {
    auto it = received.find(want.keys);
    if (it == received.end()) {
      ADD_FAILURE() << "never arrived: " << want.keys;
      continue;
    }
    ASSERT_EQ(it->second.size(), 1u) << want.keys << " arrived " << it->second.size() << " times";
    const Record& got = it->second.front();
    EXPECT_EQ(got.tags, want.tags) << want.keys;
    EXPECT_EQ(got.body, want.body) << want.keys << ": body differs";
    EXPECT_EQ(got.msg_id, want.msg_id) << want.keys;
    compressed += want.body.size() >= 4096 ? 1 : 0;
  }
  EXPECT_GT(compressed, 0);
}

}  // namespace
}  // namespace orbit::testing
