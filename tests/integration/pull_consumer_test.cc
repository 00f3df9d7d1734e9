// The pull consumer (orbit/pull_consumer.h) against an in-process cluster: pulls by queue and
// offset (at once, blocking, async), the queue offset lookups, the group's offsets kept on the
// broker across restarts, and registered topics shared among the group's consumers.

#include "orbit/pull_consumer.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <set>
#include <thread>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "orbit/producer.h"

namespace orbit {
namespace {

using namespace std::chrono_literals;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

class PullConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = EmbeddedCluster::Start(EmbeddedClusterOptions{});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, "TopicPC", 2, &error)) << error;
    ProducerConfig pc;
    pc.group = "PullConsumerTestProducer";
    pc.namesrv_addr = cluster_->namesrv_addr();
    producer_ = std::make_unique<Producer>(pc);
    ASSERT_TRUE(producer_->Start().ok());
  }

  PullConsumerConfig Config(const std::string& group, const std::string& instance) {
    PullConsumerConfig config;
    config.group = group;
    config.namesrv_addr = cluster_->namesrv_addr();
    config.instance_name = instance;
    return config;
  }

  // Sends `n` messages to queue `queue_id` of TopicPC, tags alternating TagA / TagB.
  void SendTo(int queue_id, int from, int n) {
    MessageQueue mq{"TopicPC", "broker-a", queue_id};
    for (int i = from; i < from + n; ++i) {
      auto sent = producer_->Send(
          Message("TopicPC", i % 2 == 0 ? "TagA" : "TagB", "body-" + std::to_string(i)), mq);
      ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    }
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::unique_ptr<Producer> producer_;
};

TEST_F(PullConsumerTest, PullsByOffsetWithTagFilterAndReportsTheQueueBounds) {
  PullConsumer consumer(Config("GroupPC1", "p1"));
  ASSERT_TRUE(consumer.Start().ok());
  auto queues = consumer.FetchSubscribeMessageQueues("TopicPC");
  ASSERT_TRUE(queues.ok()) << queues.status().ToString();
  ASSERT_EQ(queues->size(), 2u);
  EXPECT_EQ((*queues)[0].topic, "TopicPC");

  SendTo(0, 0, 10);
  const MessageQueue mq{"TopicPC", "broker-a", 0};
  ASSERT_TRUE(WaitFor([&] { return consumer.MaxOffset(mq).value_or(0) == 10; }, 10s));
  EXPECT_EQ(consumer.MinOffset(mq).value_or(-1), 0);

  Result<PullResult> all = Status(ErrorCode::kTimeout, "not pulled");
  ASSERT_TRUE(WaitFor(
      [&] {
        all = consumer.Pull(mq, "*", 0, 32);
        return all.ok() && all->messages.size() == 10;
      },
      10s));
  EXPECT_EQ(all->status, PullStatus::kFound);
  EXPECT_EQ(all->next_begin_offset, 10);
  EXPECT_EQ(all->max_offset, 10);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(all->messages[i].queue_offset, i);
    EXPECT_EQ(all->messages[i].body(), "body-" + std::to_string(i));
  }

  auto tag_b = consumer.Pull(mq, "TagB", 0, 32);
  ASSERT_TRUE(tag_b.ok()) << tag_b.status().ToString();
  ASSERT_EQ(tag_b->messages.size(), 5u);
  for (const auto& m : tag_b->messages) EXPECT_EQ(m.tags(), "TagB");

  // Nothing after the end: at once, no waiting.
  auto empty = consumer.Pull(mq, "*", 10, 32);
  ASSERT_TRUE(empty.ok()) << empty.status().ToString();
  EXPECT_EQ(empty->status, PullStatus::kNoNewMsg);
  // Far past the end: an illegal offset, and where to go on (the queue's min offset when it is 0,
  // as Apache's store answers OFFSET_OVERFLOW_BADLY).
  auto moved = consumer.Pull(mq, "*", 1000, 32);
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->status, PullStatus::kOffsetIllegal);
  EXPECT_EQ(moved->next_begin_offset, 0);

  // The first message's store time, and the offset of a time after every message.
  auto earliest = consumer.EarliestMsgStoreTime(mq);
  ASSERT_TRUE(earliest.ok()) << earliest.status().ToString();
  EXPECT_EQ(*earliest, all->messages[0].store_timestamp);
  auto at = consumer.SearchOffset(mq, all->messages[9].store_timestamp + 60'000);
  ASSERT_TRUE(at.ok()) << at.status().ToString();
  EXPECT_EQ(*at, 10);

  EXPECT_EQ(consumer.Pull(mq, "*", -1, 32).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(consumer.Pull(mq, "*", 0, 0).status().code(), ErrorCode::kInvalidArgument);
  consumer.Shutdown();
  EXPECT_EQ(consumer.Pull(mq, "*", 0, 32).status().code(), ErrorCode::kNotRunning);
}

TEST_F(PullConsumerTest, BlockingPullWaitsForTheNextMessageAndAsyncPullAnswersOnce) {
  PullConsumer consumer(Config("GroupPC2", "p2"));
  ASSERT_TRUE(consumer.Start().ok());
  const MessageQueue mq{"TopicPC", "broker-a", 1};
  ASSERT_TRUE(consumer.FetchSubscribeMessageQueues("TopicPC").ok());
  std::thread later([&] {
    std::this_thread::sleep_for(500ms);
    SendTo(1, 0, 1);
  });
  const auto start = std::chrono::steady_clock::now();
  auto got = consumer.PullBlockIfNotFound(mq, "*", 0, 32);
  const auto waited = std::chrono::steady_clock::now() - start;
  later.join();
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_EQ(got->status, PullStatus::kFound);
  ASSERT_EQ(got->messages.size(), 1u);
  EXPECT_GE(waited, 400ms);  // the broker held the request until the message came
  EXPECT_LT(waited, 15s);

  std::promise<Result<PullResult>> answer;
  std::atomic<int> calls{0};
  ASSERT_TRUE(consumer
                  .PullAsync(mq, "*", 0, 32,
                             [&](Result<PullResult> r) {
                               if (calls.fetch_add(1) == 0) answer.set_value(std::move(r));
                             })
                  .ok());
  auto future = answer.get_future();
  ASSERT_EQ(future.wait_for(10s), std::future_status::ready);
  auto async_result = future.get();
  ASSERT_TRUE(async_result.ok()) << async_result.status().ToString();
  EXPECT_EQ(async_result->messages.size(), 1u);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(calls.load(), 1);
}

TEST_F(PullConsumerTest, OffsetsAreStoredOnTheBrokerAndReadBackAfterARestart) {
  const MessageQueue mq{"TopicPC", "broker-a", 0};
  {
    PullConsumer consumer(Config("GroupPC3", "p3"));
    ASSERT_TRUE(consumer.Start().ok());
    // A new group: the broker answers 0 for a queue that still starts at 0 (Apache's rule).
    EXPECT_EQ(consumer.FetchConsumeOffset(mq, true).value_or(-9), 0);
    ASSERT_TRUE(consumer.UpdateConsumeOffset(mq, 7).ok());
    EXPECT_EQ(consumer.FetchConsumeOffset(mq, false).value_or(-9), 7);
    EXPECT_EQ(consumer.UpdateConsumeOffset(mq, -3).code(), ErrorCode::kInvalidArgument);
    consumer.Shutdown();  // stores it
  }
  PullConsumer again(Config("GroupPC3", "p3b"));
  ASSERT_TRUE(again.Start().ok());
  EXPECT_TRUE(WaitFor([&] { return again.FetchConsumeOffset(mq, true).value_or(-9) == 7; }, 10s))
      << again.FetchConsumeOffset(mq, true).value_or(-9);
}

TEST_F(PullConsumerTest, RegisteredTopicsAreSharedAmongTheGroup) {
  std::mutex mu;
  std::map<std::string, std::vector<MessageQueue>> last;  // instance -> its share
  auto make = [&](const std::string& instance) {
    auto consumer = std::make_unique<PullConsumer>(Config("GroupPC4", instance));
    consumer->RegisterMessageQueueListener(
        "TopicPC",
        [&mu, &last, instance](const std::string& topic, const std::vector<MessageQueue>& all,
                               const std::vector<MessageQueue>& mine) {
          EXPECT_EQ(topic, "TopicPC");
          EXPECT_EQ(all.size(), 2u);
          std::lock_guard<std::mutex> lock(mu);
          last[instance] = mine;
        });
    EXPECT_TRUE(consumer->Start().ok());
    return consumer;
  };
  auto a = make("a");
  ASSERT_TRUE(WaitFor([&] { return a->FetchMessageQueuesInBalance("TopicPC").size() == 2; }, 20s));
  auto b = make("b");
  ASSERT_TRUE(WaitFor(
      [&] {
        return a->FetchMessageQueuesInBalance("TopicPC").size() == 1 &&
               b->FetchMessageQueuesInBalance("TopicPC").size() == 1;
      },
      30s));
  std::set<int32_t> ids;
  for (auto* c : {a.get(), b.get()}) {
    for (const auto& mq : c->FetchMessageQueuesInBalance("TopicPC")) ids.insert(mq.queue_id);
  }
  EXPECT_EQ(ids, (std::set<int32_t>{0, 1}));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(last["a"].size(), 1u);
  EXPECT_EQ(last["b"].size(), 1u);
}

}  // namespace
}  // namespace orbit
