// The client instance's side of consumers, against an in-process cluster: routes of subscribed
// topics reach the consumer as queues, heartbeats carry the group so that the broker lists its
// consumers, a second consumer of the group makes the broker tell the first to rebalance, and
// unregistering removes it.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "client/client_instance.h"
#include "client/pull_api.h"
#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"

namespace orbit::client {
namespace {

using namespace std::chrono_literals;

class FakeConsumer final : public ConsumerListener {
 public:
  FakeConsumer(std::string group, std::string topic)
      : group_(std::move(group)), topic_(std::move(topic)) {}

  protocol::ConsumerData HeartbeatEntry() override {
    protocol::ConsumerData d;
    d.group_name = group_;
    d.consume_type = protocol::ConsumeType::kConsumePassively;
    d.message_model = protocol::MessageModel::kClustering;
    d.consume_from_where = protocol::ConsumeFromWhere::kConsumeFromLastOffset;
    d.subscription_data_set.push_back(*BuildSubscription(topic_, "*", 1));
    return d;
  }
  std::vector<std::string> SubscribedTopics() override { return {topic_}; }
  void OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) override {
    std::lock_guard<std::mutex> lock(mu_);
    subscribe_info_[topic] = std::move(queues);
  }
  void DoRebalance() override {
    std::lock_guard<std::mutex> lock(mu_);
    ++rebalances_;
    cv_.notify_all();
  }
  void PersistOffsets() override {}

  std::vector<MessageQueue> Queues(const std::string& topic) {
    std::lock_guard<std::mutex> lock(mu_);
    return subscribe_info_[topic];
  }
  int rebalances() {
    std::lock_guard<std::mutex> lock(mu_);
    return rebalances_;
  }
  // Waits (at most 10 s) until DoRebalance ran more than `seen` times.
  bool WaitForRebalanceAfter(int seen) {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, 10s, [&] { return rebalances_ > seen; });
  }

 private:
  const std::string group_;
  const std::string topic_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::map<std::string, std::vector<MessageQueue>> subscribe_info_;
  int rebalances_ = 0;
};

class ConsumerRegistrationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = EmbeddedCluster::Start(EmbeddedClusterOptions{});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, "TopicSub", 4, &error)) << error;
  }

  std::shared_ptr<ClientInstance> Instance(const std::string& name) {
    ClientConfig config;
    config.namesrv_addr = cluster_->namesrv_addr();
    config.client_ip = "127.0.0.1";
    config.instance_name = name;
    return std::make_shared<ClientInstance>(config, ClientInstance::BuildClientId(config));
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
};

TEST_F(ConsumerRegistrationTest, HeartbeatsListTheGroupAndChangesTriggerRebalance) {
  FakeConsumer first_consumer("GroupSub", "TopicSub");
  auto first = Instance("first");
  ASSERT_TRUE(first->RegisterConsumer("GroupSub", &first_consumer).ok());
  EXPECT_FALSE(first->RegisterConsumer("GroupSub", &first_consumer).ok()) << "one per group";

  auto changed = first->UpdateTopicRoute("TopicSub");
  ASSERT_TRUE(changed.ok()) << changed.status().ToString();
  std::vector<MessageQueue> queues = first_consumer.Queues("TopicSub");
  ASSERT_EQ(queues.size(), 4u);
  for (int i = 0; i < 4; ++i) {
    EXPECT_EQ(queues[static_cast<size_t>(i)], (MessageQueue{"TopicSub", "broker-a", i}));
  }
  EXPECT_EQ(first->FindBrokerAddressInSubscribe("broker-a"), cluster_->broker(0).addr());
  EXPECT_EQ(first->FindBrokerAddressInSubscribe("broker-x"), "");

  first->SendHeartbeatToAllBrokers();
  auto ids = first->FindConsumerIdList("TopicSub", "GroupSub");
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  EXPECT_EQ(*ids, std::vector<std::string>{first->client_id()});

  // A second consumer of the group: the broker tells the first one to rebalance.
  const int before = first_consumer.rebalances();
  FakeConsumer second_consumer("GroupSub", "TopicSub");
  auto second = Instance("second");
  ASSERT_TRUE(second->RegisterConsumer("GroupSub", &second_consumer).ok());
  ASSERT_TRUE(second->UpdateTopicRoute("TopicSub").ok());
  second->SendHeartbeatToAllBrokers();
  EXPECT_TRUE(first_consumer.WaitForRebalanceAfter(before)) << "no NOTIFY_CONSUMER_IDS_CHANGED";
  ids = first->FindConsumerIdList("TopicSub", "GroupSub");
  ASSERT_TRUE(ids.ok());
  std::vector<std::string> both{first->client_id(), second->client_id()};
  std::sort(both.begin(), both.end());
  std::vector<std::string> got = *ids;
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, both);

  // The second leaves: the first is told again and the broker lists it alone.
  const int before_leave = first_consumer.rebalances();
  second->UnregisterConsumer("GroupSub");
  EXPECT_TRUE(first_consumer.WaitForRebalanceAfter(before_leave));
  ids = first->FindConsumerIdList("TopicSub", "GroupSub");
  ASSERT_TRUE(ids.ok());
  EXPECT_EQ(*ids, std::vector<std::string>{first->client_id()});

  first->UnregisterConsumer("GroupSub");
}

TEST_F(ConsumerRegistrationTest, ConsumerListOfAnUnknownTopicIsAClearError) {
  FakeConsumer consumer("GroupSub", "TopicSub");
  auto instance = Instance("lonely");
  ASSERT_TRUE(instance->RegisterConsumer("GroupSub", &consumer).ok());
  auto ids = instance->FindConsumerIdList("NoSuchTopic", "GroupSub");
  ASSERT_FALSE(ids.ok());
  EXPECT_EQ(ids.status().code(), ErrorCode::kNoRoute);
  instance->UnregisterConsumer("GroupSub");
}

}  // namespace
}  // namespace orbit::client
