// The consumers' pull request and answer handling (client/pull_api) against an in-process
// broker: messages sent by the producer come back in queue order with their offsets, re-filtered
// by the exact tag, and the pull codes for an empty queue and a bad offset.

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "client/pull_api.h"
#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "net/remoting_client.h"
#include "orbit/producer.h"

namespace orbit {
namespace {

using client::PullRequestSpec;
using client::PullStatus;

class PullTest : public ::testing::Test {
 protected:
  void SetUp() override {
    EmbeddedClusterOptions options;
    auto c = EmbeddedCluster::Start(options);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, "TopicPull", 1, &error)) << error;
  }
  void TearDown() override { cluster_.reset(); }

  Result<client::PullResult> Pull(const std::string& expression, int64_t offset,
                                  int32_t max_nums = 32) {
    ORBIT_ASSIGN_OR_RETURN(auto sub, client::BuildSubscription("TopicPull", expression, 1));
    PullRequestSpec spec;
    spec.consumer_group = "PullGroup";
    spec.queue = MessageQueue{"TopicPull", "broker-a", 0};
    spec.offset = offset;
    spec.max_nums = max_nums;
    // No heartbeat in this test: the subscription travels with the pull; no long polling.
    spec.sys_flag = client::BuildPullSysFlag(false, false, true, false);
    spec.subscription = sub.sub_string;
    spec.suspend_timeout_ms = 0;
    ORBIT_ASSIGN_OR_RETURN(auto resp, client_.InvokeSync(cluster_->broker(0).addr(),
                                                         client::BuildPullRequest(spec), 5000));
    return client::ProcessPullResponse(resp, spec.queue, sub);
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  net::RemotingClient client_;
};

TEST_F(PullTest, SentMessagesComeBackInOrderFilteredByTag) {
  ProducerConfig config;
  config.group = "PullProducer";
  config.namesrv_addr = cluster_->namesrv_addr();
  Producer producer(config);
  ASSERT_TRUE(producer.Start().ok());
  std::vector<std::string> ids;
  for (int i = 0; i < 10; ++i) {
    auto sent = producer.Send(
        Message("TopicPull", i % 2 == 0 ? "TagA" : "TagB", "body-" + std::to_string(i)));
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    ASSERT_EQ(sent->queue_offset, i);
    ids.push_back(sent->msg_id);
  }
  producer.Shutdown();

  // The dispatch to the consume queue is asynchronous: wait until all ten can be pulled.
  Result<client::PullResult> all = Status(ErrorCode::kTimeout, "not pulled");
  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < give_up) {
    all = Pull("*", 0);
    if (all.ok() && all->messages.size() == 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  ASSERT_TRUE(all.ok()) << all.status().ToString();
  ASSERT_EQ(all->status, PullStatus::kFound);
  ASSERT_EQ(all->messages.size(), 10u);
  EXPECT_EQ(all->next_begin_offset, 10);
  EXPECT_EQ(all->min_offset, 0);
  EXPECT_EQ(all->max_offset, 10);
  for (int i = 0; i < 10; ++i) {
    const MessageExt& m = all->messages[static_cast<size_t>(i)];
    EXPECT_EQ(m.queue_offset, i);
    EXPECT_EQ(m.body(), "body-" + std::to_string(i));
    EXPECT_EQ(m.msg_id, ids[static_cast<size_t>(i)]);
    EXPECT_EQ(m.broker_name, "broker-a");
    EXPECT_EQ(m.GetProperty("MAX_OFFSET").value_or(""), "10");
  }

  auto tag_b = Pull("TagB", 0);
  ASSERT_TRUE(tag_b.ok()) << tag_b.status().ToString();
  ASSERT_EQ(tag_b->status, PullStatus::kFound);
  ASSERT_EQ(tag_b->messages.size(), 5u);
  for (const MessageExt& m : tag_b->messages) EXPECT_EQ(m.tags(), "TagB");
  EXPECT_EQ(tag_b->next_begin_offset, 10);

  auto batch = Pull("*", 4, 3);
  ASSERT_TRUE(batch.ok());
  ASSERT_EQ(batch->messages.size(), 3u);
  EXPECT_EQ(batch->messages.front().queue_offset, 4);
  EXPECT_EQ(batch->next_begin_offset, 7);

  auto none = Pull("*", 10);
  ASSERT_TRUE(none.ok()) << none.status().ToString();
  EXPECT_EQ(none->status, PullStatus::kNoNewMsg);
  EXPECT_EQ(none->next_begin_offset, 10);

  auto beyond = Pull("*", 50);
  ASSERT_TRUE(beyond.ok()) << beyond.status().ToString();
  EXPECT_EQ(beyond->status, PullStatus::kOffsetIllegal);
  // Past the end of a queue that starts at 0: back to 0 (the store's rule, as Apache's).
  EXPECT_EQ(beyond->next_begin_offset, 0);
}

TEST_F(PullTest, UnknownTopicIsTheBrokersError) {
  PullRequestSpec spec;
  spec.consumer_group = "PullGroup";
  spec.queue = MessageQueue{"NoSuchTopic", "broker-a", 0};
  spec.sys_flag = client::BuildPullSysFlag(false, false, true, false);
  spec.subscription = "*";
  auto resp = client_.InvokeSync(cluster_->broker(0).addr(), client::BuildPullRequest(spec), 5000);
  ASSERT_TRUE(resp.ok());
  auto result = client::ProcessPullResponse(*resp, spec.queue,
                                            *client::BuildSubscription("NoSuchTopic", "*", 1));
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(result.status().remote_code(), 17);  // TOPIC_NOT_EXIST
}

}  // namespace
}  // namespace orbit
