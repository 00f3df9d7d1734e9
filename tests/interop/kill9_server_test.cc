// orbit-server killed with SIGKILL under a produce load, then started again on the same data:
// every message it acknowledged is there, intact, and it serves again within seconds. Run for
// ASYNC_FLUSH (the page cache survives a process kill) and SYNC_FLUSH.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "golden/golden_store.h"
#include "interop/orbit_server_process.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/properties.h"

namespace orbit::testing {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

constexpr int kQueues = 4;
constexpr const char* kTopic = "Kill9Topic";

RemotingCommand SendRequest(int i) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kSendMessageV2);
  protocol::SendMessageRequestHeaderV2 h;
  h.a = "PG_kill9";
  h.b = kTopic;
  h.c = "TBW102";
  h.d = kQueues;
  h.e = i % kQueues;
  h.g = 1700000000000 + i;
  protocol::MessageProperties props;
  props.Set(protocol::kPropertyKeys, "key-" + std::to_string(i));
  props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
  h.i = protocol::EncodeProperties(props);
  h.Encode(&req.ext_fields);
  req.body = "body-" + std::to_string(i) + "-" + std::string(static_cast<size_t>(i % 200), 'x');
  return req;
}

struct Acked {
  int32_t queue_id;
  int64_t queue_offset;
  std::string msg_id;
};

void RunKillTest(const std::string& flush_type) {
  TempDir dir("orbit-kill9-");
  auto first = OrbitServerProcess::Start(dir.path(), "flushDiskType=" + flush_type + "\n");
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  OrbitServerProcess& server = **first;
  ASSERT_TRUE(server.CreateTopic(kTopic, kQueues).ok());
  const int namesrv_port = server.namesrv_port();
  const int broker_port = server.broker_port();

  // Produce with up to 32 sends in flight until the kill; remember every acknowledgement.
  std::mutex mu;
  std::map<int, Acked> acked;
  std::atomic<int> in_flight{0};
  std::atomic<bool> stop{false};
  net::RemotingClient producer;
  std::thread load([&] {
    for (int i = 0; i < 2'000'000 && !stop.load(); ++i) {
      while (in_flight.load() >= 32 && !stop.load())
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      ++in_flight;
      producer.InvokeAsync(server.broker_addr(), SendRequest(i), 3000,
                           [&, i](Result<RemotingCommand> r) {
                             if (r.ok() && r->code == ResponseCode::kSuccess) {
                               auto h = protocol::SendMessageResponseHeader::Decode(r->ext_fields);
                               if (h.ok()) {
                                 std::lock_guard<std::mutex> lock(mu);
                                 acked[i] = Acked{h->queue_id, h->queue_offset, h->msg_id};
                               }
                             }
                             --in_flight;
                           });
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  server.process().Signal(SIGKILL);
  auto code = server.process().Wait(std::chrono::seconds(10));
  stop = true;
  load.join();
  producer.Shutdown();
  ASSERT_TRUE(code.has_value());
  EXPECT_EQ(*code, 128 + SIGKILL);
  size_t acknowledged = 0;
  {
    std::lock_guard<std::mutex> lock(mu);
    acknowledged = acked.size();
  }
  ASSERT_GT(acknowledged, 0u) << "nothing was acknowledged before the kill";
  first->reset();

  auto started = std::chrono::steady_clock::now();
  auto second = OrbitServerProcess::Start(dir.path(), "flushDiskType=" + flush_type + "\n",
                                          std::chrono::seconds(30), namesrv_port, broker_port);
  ASSERT_TRUE(second.ok()) << second.status().ToString();
  double restart_s =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  EXPECT_LT(restart_s, 30.0);
  std::cout << flush_type << ": " << acknowledged << " acknowledged before SIGKILL; serving again "
            << restart_s << " s after restart\n";

  // Read every queue back and find each acknowledged message at its place, intact.
  net::RemotingClient consumer;
  std::map<std::pair<int32_t, int64_t>, protocol::MessageRecord> stored;
  for (int q = 0; q < kQueues; ++q) {
    int64_t offset = 0;
    for (int rounds = 0; rounds < 100000; ++rounds) {
      RemotingCommand req = RemotingCommand::Request(RequestCode::kPullMessage);
      protocol::PullMessageRequestHeader h;
      h.consumer_group = "CG_kill9";
      h.topic = kTopic;
      h.queue_id = q;
      h.queue_offset = offset;
      h.max_msg_nums = 32;
      h.sys_flag = 0x4;
      h.subscription = "*";
      h.Encode(&req.ext_fields);
      auto r = consumer.InvokeSync((*second)->broker_addr(), std::move(req), 5000);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      if (r->code != ResponseCode::kSuccess) break;
      std::vector<protocol::MessageRecord> recs;
      ASSERT_TRUE(protocol::DecodeRecords(r->body, &recs).ok());
      for (auto& rec : recs) {
        ASSERT_TRUE(protocol::VerifyBodyCrc(rec).ok()) << "corrupt body served at queue " << q;
        stored[{rec.queue_id, rec.queue_offset}] = std::move(rec);
      }
      offset = protocol::PullMessageResponseHeader::Decode(r->ext_fields)->next_begin_offset;
    }
  }
  consumer.Shutdown();
  std::lock_guard<std::mutex> lock(mu);
  size_t lost = 0;
  for (const auto& [i, a] : acked) {
    auto it = stored.find({a.queue_id, a.queue_offset});
    if (it == stored.end()) {
      ++lost;
      continue;
    }
    EXPECT_EQ(it->second.properties.Get("KEYS"), "key-" + std::to_string(i));
    EXPECT_EQ(it->second.body, SendRequest(i).body);
    EXPECT_EQ(it->second.OffsetMsgId(), a.msg_id);
  }
  EXPECT_EQ(lost, 0u) << lost << " of " << acked.size() << " acknowledged messages are gone";
}

TEST(Kill9Server, AsyncFlushLosesNothingAcknowledged) { RunKillTest("ASYNC_FLUSH"); }
TEST(Kill9Server, SyncFlushLosesNothingAcknowledged) { RunKillTest("SYNC_FLUSH"); }

}  // namespace
}  // namespace orbit::testing
