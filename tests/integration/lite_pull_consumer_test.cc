// The lite pull consumer (orbit/lite_pull_consumer.h) against an in-process cluster: subscribe
// and poll every message once with offsets committed; assigned queues with seek, pause and
// resume; manual commits.

#include "orbit/lite_pull_consumer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <map>
#include <set>
#include <string>
#include <thread>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "orbit/producer.h"

namespace orbit {
namespace {

using namespace std::chrono_literals;

class LitePullConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = EmbeddedCluster::Start(EmbeddedClusterOptions{});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, "TopicLite", 4, &error)) << error;
    ProducerConfig pc;
    pc.group = "LiteTestProducer";
    pc.namesrv_addr = cluster_->namesrv_addr();
    producer_ = std::make_unique<Producer>(pc);
    ASSERT_TRUE(producer_->Start().ok());
  }

  LitePullConsumerConfig Config(const std::string& group) {
    LitePullConsumerConfig config;
    config.group = group;
    config.namesrv_addr = cluster_->namesrv_addr();
    config.instance_name = group + "-1";
    config.consume_from_where = ConsumeFromWhere::kFirstOffset;
    config.poll_timeout_ms = 200;
    return config;
  }

  void Send(int from, int to, const MessageQueue* queue = nullptr) {
    for (int i = from; i < to; ++i) {
      Message m("TopicLite", "TagA", "body-" + std::to_string(i));
      auto sent = queue != nullptr ? producer_->Send(m, *queue) : producer_->Send(m);
      ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    }
  }

  // Polls until `n` messages came or 30 s passed.
  std::vector<MessageExt> PollN(LitePullConsumer& consumer, size_t n) {
    std::vector<MessageExt> out;
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (out.size() < n && std::chrono::steady_clock::now() < give_up) {
      auto got = consumer.Poll();
      EXPECT_TRUE(got.ok()) << got.status().ToString();
      if (!got.ok()) break;
      for (auto& m : *got) out.push_back(std::move(m));
    }
    return out;
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(LitePullConsumerTest, SubscribedTopicIsPolledOnceInQueueOrderAndCommitted) {
  LitePullConsumer consumer(Config("GroupLite1"));
  ASSERT_TRUE(consumer.Subscribe("TopicLite", "*").ok());
  EXPECT_EQ(consumer.Assign({MessageQueue{"TopicLite", "broker-a", 0}}).code(),
            ErrorCode::kInvalidArgument);
  ASSERT_TRUE(consumer.Start().ok());
  Send(0, 200);
  auto msgs = PollN(consumer, 200);
  ASSERT_EQ(msgs.size(), 200u);
  std::set<std::string> bodies;
  std::map<int32_t, int64_t> last;  // per queue: offsets increase by one
  for (const auto& m : msgs) {
    EXPECT_EQ(m.topic(), "TopicLite");
    bodies.insert(m.body());
    auto it = last.find(m.queue_id);
    if (it != last.end()) {
      EXPECT_EQ(m.queue_offset, it->second + 1);
    }
    last[m.queue_id] = m.queue_offset;
  }
  EXPECT_EQ(bodies.size(), 200u);
  auto more = consumer.Poll(300);
  ASSERT_TRUE(more.ok());
  EXPECT_TRUE(more->empty());
  EXPECT_EQ(consumer.Assignment().size(), 4u);
  consumer.Shutdown();  // auto commit: the polled offsets are stored
  EXPECT_EQ(consumer.Poll(10).status().code(), ErrorCode::kNotRunning);

  LitePullConsumer again(Config("GroupLite1"));
  ASSERT_TRUE(again.Subscribe("TopicLite", "*").ok());
  ASSERT_TRUE(again.Start().ok());
  Send(200, 210);
  auto rest = PollN(again, 10);
  ASSERT_EQ(rest.size(), 10u);
  for (const auto& m : rest) EXPECT_GE(std::stoi(m.body().substr(5)), 200) << m.body();
  for (const auto& [queue, offset] : last) {
    auto committed = again.Committed(MessageQueue{"TopicLite", "broker-a", queue});
    ASSERT_TRUE(committed.ok()) << committed.status().ToString();
    EXPECT_GE(*committed, offset + 1);
  }
}

TEST_F(LitePullConsumerTest, AssignedQueueSeeksPausesAndCommitsByHand) {
  const MessageQueue q0{"TopicLite", "broker-a", 0};
  Send(0, 20, &q0);
  auto config = Config("GroupLite2");
  config.auto_commit = false;
  LitePullConsumer consumer(config);
  ASSERT_TRUE(consumer.Assign({q0}).ok());
  EXPECT_EQ(consumer.Subscribe("TopicLite", "*").code(), ErrorCode::kInvalidArgument);
  ASSERT_TRUE(consumer.Start().ok());
  auto first = PollN(consumer, 20);
  ASSERT_EQ(first.size(), 20u);
  EXPECT_EQ(first.front().queue_offset, 0);
  EXPECT_EQ(first.back().queue_offset, 19);

  // Back to offset 5: everything from there again.
  ASSERT_TRUE(consumer.Seek(q0, 5).ok());
  auto again = PollN(consumer, 15);
  ASSERT_EQ(again.size(), 15u);
  EXPECT_EQ(again.front().queue_offset, 5);
  EXPECT_EQ(consumer.Seek(q0, 1000).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(consumer.Seek(MessageQueue{"TopicLite", "broker-a", 3}, 0).code(),
            ErrorCode::kInvalidArgument);  // not assigned

  // Paused: new messages are not pulled (one pull held by the broker may still bring them).
  consumer.Pause({q0});
  std::this_thread::sleep_for(200ms);
  Send(20, 25, &q0);
  std::this_thread::sleep_for(300ms);
  size_t while_paused = 0;
  for (int i = 0; i < 3; ++i) while_paused += consumer.Poll(100)->size();
  Send(25, 30, &q0);
  std::this_thread::sleep_for(1500ms);
  auto nothing = consumer.Poll(200);
  ASSERT_TRUE(nothing.ok());
  EXPECT_TRUE(nothing->empty());
  consumer.Resume({q0});
  auto resumed = PollN(consumer, 10 - while_paused);
  EXPECT_EQ(resumed.size(), 10 - while_paused);
  ASSERT_FALSE(resumed.empty());
  EXPECT_EQ(resumed.back().queue_offset, 29);

  // Nothing committed yet (no auto commit): the broker has no offset for the group and answers
  // 0, its rule for a new group on a queue still starting at 0.
  EXPECT_EQ(consumer.Committed(q0).value_or(-9), 0);
  ASSERT_TRUE(consumer.CommitSync().ok());
  std::this_thread::sleep_for(200ms);  // the update is oneway
  EXPECT_EQ(consumer.Committed(q0).value_or(-9), 30);
  ASSERT_TRUE(consumer.SeekToBegin(q0).ok());
  EXPECT_EQ(PollN(consumer, 30).size(), 30u);
}

}  // namespace
}  // namespace orbit
