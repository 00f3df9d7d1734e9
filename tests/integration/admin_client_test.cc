// The admin client (orbit/admin.h) against an in-process cluster: every method at least once,
// checked against what the cluster really holds (routes, stats after sending, groups, broker
// config, consume progress and offset resets, connections, messages by id and key), and the
// errors an operator meets (unknown topic, name server unreachable); a push consumer's running
// info and a message consumed directly, as the broker relays them.

#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <functional>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

#include "embedded/embedded_cluster.h"
#include "orbit/admin.h"
#include "orbit/consumer.h"
#include "orbit/producer.h"

namespace orbit {
namespace {

using namespace std::chrono_literals;

constexpr int64_t kForever = std::numeric_limits<int64_t>::max();

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (done()) return true;
    std::this_thread::sleep_for(50ms);
  }
  return done();
}

int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// A local port nothing listens on: bound once, then released.
int ClosedPort() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  socklen_t len = sizeof(addr);
  if (::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    ::close(fd);
    return 1;
  }
  ::close(fd);
  return ntohs(addr.sin_port);
}

class AdminClientTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto c = EmbeddedCluster::Start(EmbeddedClusterOptions{});
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = c->release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  void SetUp() override {
    ASSERT_NE(cluster_, nullptr);
    AdminConfig config;
    config.namesrv_addr = cluster_->namesrv_addr();
    config.timeout_ms = 3000;
    admin_ = std::make_unique<AdminClient>(config);
    ASSERT_TRUE(admin_->Start().ok());
    broker_addr_ = cluster_->broker(0).addr();
  }
  void TearDown() override {
    if (admin_) admin_->Shutdown();
  }

  // Creates `topic` with `queues` queues on the broker and waits until the route shows it.
  void CreateTopic(const std::string& topic, int32_t queues) {
    TopicSettings settings;
    settings.topic = topic;
    settings.read_queue_nums = queues;
    settings.write_queue_nums = queues;
    Status st = admin_->CreateOrUpdateTopic(broker_addr_, settings);
    ASSERT_TRUE(st.ok()) << st.ToString();
    ASSERT_TRUE(WaitFor([&] { return admin_->ExamineTopicRoute(topic).ok(); }, 5s));
  }

  std::unique_ptr<Producer> StartProducer(const std::string& group) {
    ProducerConfig pc;
    pc.group = group;
    pc.namesrv_addr = cluster_->namesrv_addr();
    pc.instance_name = group;
    auto producer = std::make_unique<Producer>(pc);
    Status st = producer->Start();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return producer;
  }

  // Sends `n` messages (keys "key-<i>", bodies "body-<i>") round-robin over `queues` queues.
  std::vector<SendResult> Send(Producer& producer, const std::string& topic, int n,
                               int32_t queues) {
    std::vector<SendResult> out;
    for (int i = 0; i < n; ++i) {
      Message msg(topic, "TagA", "key-" + std::to_string(i), "body-" + std::to_string(i));
      auto sent = producer.Send(msg, MessageQueue{topic, "broker-a", i % queues});
      EXPECT_TRUE(sent.ok()) << sent.status().ToString();
      if (sent.ok()) out.push_back(*sent);
    }
    return out;
  }

  static EmbeddedCluster* cluster_;
  std::unique_ptr<AdminClient> admin_;
  std::string broker_addr_;
};

EmbeddedCluster* AdminClientTest::cluster_ = nullptr;

TEST_F(AdminClientTest, ClusterTopicsAndRoutes) {
  auto info = admin_->ExamineClusterInfo();
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  ASSERT_TRUE(info->brokers.contains("broker-a"));
  EXPECT_EQ(info->brokers.at("broker-a").SelectAddr(), broker_addr_);
  EXPECT_EQ(info->clusters.at("DefaultCluster"), std::set<std::string>{"broker-a"});

  auto masters = admin_->MasterAddrsOfCluster("DefaultCluster");
  ASSERT_TRUE(masters.ok()) << masters.status().ToString();
  EXPECT_EQ(*masters, std::vector<std::string>{broker_addr_});
  auto names = admin_->BrokerNamesOfCluster("DefaultCluster");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, std::set<std::string>{"broker-a"});
  auto unknown_cluster = admin_->MasterAddrsOfCluster("NoSuchCluster");
  EXPECT_EQ(unknown_cluster.status().code(), ErrorCode::kNotFound);
  EXPECT_NE(unknown_cluster.status().message().find("NoSuchCluster"), std::string::npos);

  TopicSettings settings;
  settings.topic = "AdminTopicRoute";
  settings.read_queue_nums = 3;
  settings.write_queue_nums = 5;
  ASSERT_TRUE(admin_->CreateOrUpdateTopic(broker_addr_, settings).ok());
  Result<TopicRoute> route = Status(ErrorCode::kNotFound, "");
  ASSERT_TRUE(WaitFor(
      [&] {
        route = admin_->ExamineTopicRoute("AdminTopicRoute");
        return route.ok();
      },
      5s));
  ASSERT_EQ(route->queues.size(), 1u);
  EXPECT_EQ(route->queues[0].broker_name, "broker-a");
  EXPECT_EQ(route->queues[0].read_queue_nums, 3);
  EXPECT_EQ(route->queues[0].write_queue_nums, 5);
  EXPECT_EQ(PermToString(route->queues[0].perm), "RW-");
  ASSERT_EQ(route->brokers.size(), 1u);
  EXPECT_EQ(route->brokers[0].SelectAddr(), broker_addr_);

  auto topics = admin_->FetchAllTopicList();
  ASSERT_TRUE(topics.ok()) << topics.status().ToString();
  EXPECT_NE(std::find(topics->begin(), topics->end(), "AdminTopicRoute"), topics->end());

  // An unknown topic is NotFound, in words.
  auto missing = admin_->ExamineTopicRoute("NoSuchAdminTopic");
  EXPECT_EQ(missing.status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(missing.status().message(), "topic NoSuchAdminTopic does not exist");

  // Deleted at the broker, then at the name server: gone.
  ASSERT_TRUE(admin_->DeleteTopicInBrokers({broker_addr_}, "AdminTopicRoute").ok());
  ASSERT_TRUE(admin_->DeleteTopicInNameServers("AdminTopicRoute").ok());
  EXPECT_TRUE(WaitFor(
      [&] {
        return admin_->ExamineTopicRoute("AdminTopicRoute").status().code() == ErrorCode::kNotFound;
      },
      5s));
}

TEST_F(AdminClientTest, StatsOffsetsAndMessagesAfterSending) {
  CreateTopic("AdminTopicStats", 2);
  auto producer = StartProducer("AdminStatsProducer");
  const int64_t before = NowMs() - 1;
  std::vector<SendResult> sent = Send(*producer, "AdminTopicStats", 10, 2);
  ASSERT_EQ(sent.size(), 10u);

  // The queues show the messages once the broker dispatched them (just after the send).
  Result<std::vector<TopicQueueStats>> stats = Status(ErrorCode::kNotFound, "");
  auto total = [&] {
    int64_t sum = 0;
    for (const auto& q : *stats) sum += q.max_offset;
    return sum;
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        stats = admin_->ExamineTopicStats("AdminTopicStats");
        return stats.ok() && total() == 10;
      },
      5s))
      << stats.status().ToString();
  ASSERT_EQ(stats->size(), 2u);
  for (const auto& q : *stats) {
    EXPECT_EQ(q.queue.topic, "AdminTopicStats");
    EXPECT_EQ(q.min_offset, 0);
    EXPECT_GT(q.last_update_timestamp, 0);
  }

  const MessageQueue q0{"AdminTopicStats", "broker-a", 0};
  EXPECT_EQ(admin_->MaxOffset(q0).value_or(-1), 5);
  EXPECT_EQ(admin_->MinOffset(q0).value_or(-1), 0);
  EXPECT_EQ(admin_->SearchOffset(q0, before).value_or(-1), 0);
  EXPECT_EQ(admin_->MaxOffset(MessageQueue{"AdminTopicStats", "broker-zz", 0}).status().code(),
            ErrorCode::kNotFound);

  auto runtime = admin_->FetchBrokerRuntimeStats(broker_addr_);
  ASSERT_TRUE(runtime.ok()) << runtime.status().ToString();
  EXPECT_TRUE(runtime->contains("brokerVersionDesc"));
  EXPECT_TRUE(runtime->contains("msgPutTotalTodayNow"));

  // The producer is connected while it runs.
  Result<std::vector<ClientConnection>> producers = Status(ErrorCode::kNotFound, "");
  ASSERT_TRUE(WaitFor(
      [&] {
        producers = admin_->ExamineProducerConnectionInfo("AdminStatsProducer", "AdminTopicStats");
        return producers.ok();
      },
      10s))
      << producers.status().ToString();
  ASSERT_EQ(producers->size(), 1u);
  EXPECT_NE((*producers)[0].client_id.find("AdminStatsProducer"), std::string::npos);
  EXPECT_EQ((*producers)[0].language, "CPP");
  EXPECT_EQ(
      admin_->ExamineProducerConnectionInfo("NoSuchProducer", "AdminTopicStats").status().code(),
      ErrorCode::kNotFound);

  // A message by the broker's id.
  auto viewed = admin_->ViewMessage(sent[3].offset_msg_id);
  ASSERT_TRUE(viewed.ok()) << viewed.status().ToString();
  EXPECT_EQ(viewed->body(), "body-3");
  EXPECT_EQ(viewed->topic(), "AdminTopicStats");
  EXPECT_EQ(viewed->keys(), "key-3");
  EXPECT_EQ(viewed->msg_id, sent[3].msg_id);
  EXPECT_EQ(viewed->queue_id, sent[3].queue.queue_id);
  EXPECT_EQ(viewed->queue_offset, sent[3].queue_offset);
  EXPECT_EQ(admin_->ViewMessage("not-an-id").status().code(), ErrorCode::kInvalidArgument);

  // By key and by the producer's id (the index is written shortly after the message).
  Result<std::vector<MessageExt>> by_key = Status(ErrorCode::kNotFound, "");
  ASSERT_TRUE(WaitFor(
      [&] {
        by_key = admin_->QueryMessageByKey("AdminTopicStats", "key-7", 32, 0, kForever);
        return by_key.ok();
      },
      5s))
      << by_key.status().ToString();
  ASSERT_EQ(by_key->size(), 1u);
  EXPECT_EQ((*by_key)[0].body(), "body-7");
  EXPECT_EQ((*by_key)[0].broker_name, "broker-a");

  auto by_id = admin_->QueryMessageByUniqueKey("AdminTopicStats", sent[5].msg_id);
  ASSERT_TRUE(by_id.ok()) << by_id.status().ToString();
  ASSERT_EQ(by_id->size(), 1u);
  EXPECT_EQ((*by_id)[0].body(), "body-5");
  EXPECT_EQ((*by_id)[0].offset_msg_id, sent[5].offset_msg_id);

  auto none = admin_->QueryMessageByKey("AdminTopicStats", "no-such-key", 32, 0, kForever);
  EXPECT_EQ(none.status().code(), ErrorCode::kNotFound);
  producer->Shutdown();
}

TEST_F(AdminClientTest, SubscriptionGroupsAndBrokerConfig) {
  SubscriptionGroupSettings group;
  group.group = "AdminSubGroup";
  group.retry_max_times = 5;
  group.consume_broadcast_enable = false;
  ASSERT_TRUE(admin_->CreateOrUpdateSubscriptionGroup(broker_addr_, group).ok());
  auto stored = cluster_->broker(0).groups().Find("AdminSubGroup");
  ASSERT_TRUE(stored.has_value());
  EXPECT_EQ(stored->retry_max_times, 5);
  EXPECT_FALSE(stored->consume_broadcast_enable);
  ASSERT_TRUE(admin_->DeleteSubscriptionGroup(broker_addr_, "AdminSubGroup").ok());
  EXPECT_FALSE(cluster_->broker(0).groups().Find("AdminSubGroup").has_value());

  auto config = admin_->GetBrokerConfig(broker_addr_);
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  EXPECT_EQ(config->at("brokerName"), "broker-a");
  EXPECT_EQ(config->at("brokerClusterName"), "DefaultCluster");
  const std::string old_value = config->at("shortPollingTimeMills");
  Status st = admin_->UpdateBrokerConfig(broker_addr_, {{"shortPollingTimeMills", "1234"}});
  ASSERT_TRUE(st.ok()) << st.ToString();
  auto updated = admin_->GetBrokerConfig(broker_addr_);
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(updated->at("shortPollingTimeMills"), "1234");
  ASSERT_TRUE(
      admin_->UpdateBrokerConfig(broker_addr_, {{"shortPollingTimeMills", old_value}}).ok());

  // A refusal names the broker, the request and the broker's reason.
  Status refused = admin_->UpdateBrokerConfig(broker_addr_, {{"noSuchConfigKey", "1"}});
  EXPECT_EQ(refused.code(), ErrorCode::kRemote);
  EXPECT_NE(refused.message().find("broker " + broker_addr_ + " refused UPDATE_BROKER_CONFIG"),
            std::string::npos)
      << refused.message();
  EXPECT_NE(refused.message().find("noSuchConfigKey"), std::string::npos) << refused.message();
}

TEST_F(AdminClientTest, ConsumeStatsAndOfflineResetByTime) {
  CreateTopic("AdminTopicReset", 2);
  auto producer = StartProducer("AdminResetProducer");
  const int64_t before = NowMs() - 1;
  ASSERT_EQ(Send(*producer, "AdminTopicReset", 10, 2).size(), 10u);
  producer->Shutdown();
  ASSERT_TRUE(WaitFor(
      [&] {
        return admin_->MaxOffset(MessageQueue{"AdminTopicReset", "broker-a", 0}).value_or(0) == 5 &&
               admin_->MaxOffset(MessageQueue{"AdminTopicReset", "broker-a", 1}).value_or(0) == 5;
      },
      5s));

  // The group has consumed everything (committed directly, nobody online).
  const std::string group = "AdminResetGroup";
  for (int32_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(
        admin_->UpdateConsumeOffset(group, MessageQueue{"AdminTopicReset", "broker-a", i}, 5).ok());
  }
  auto progress = admin_->ExamineConsumeStats(group, "AdminTopicReset");
  ASSERT_TRUE(progress.ok()) << progress.status().ToString();
  ASSERT_EQ(progress->queues.size(), 2u);
  EXPECT_EQ(progress->queues[0].queue.queue_id, 0);
  EXPECT_EQ(progress->queues[1].queue.queue_id, 1);
  for (const auto& q : progress->queues) {
    EXPECT_EQ(q.broker_offset, 5);
    EXPECT_EQ(q.consumer_offset, 5);
    EXPECT_GT(q.last_timestamp, 0);
  }
  EXPECT_EQ(progress->Diff(), 0);
  auto all_topics = admin_->ExamineConsumeStats(group);
  ASSERT_TRUE(all_topics.ok()) << all_topics.status().ToString();
  EXPECT_EQ(all_topics->queues.size(), 2u);
  EXPECT_EQ(admin_->ExamineConsumeStats("AdminNoSuchGroup").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(admin_->ExamineConsumerConnectionInfo(group).status().code(), ErrorCode::kNotFound);

  // Back to before the messages: no consumer online, so the offsets are committed directly.
  auto reset = admin_->ResetOffsetByTimestamp("AdminTopicReset", group, before, false);
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  ASSERT_EQ(reset->size(), 2u);
  for (const auto& [queue, offset] : *reset) EXPECT_EQ(offset, 0) << queue.ToString();
  progress = admin_->ExamineConsumeStats(group, "AdminTopicReset");
  ASSERT_TRUE(progress.ok());
  for (const auto& q : progress->queues) EXPECT_EQ(q.consumer_offset, 0);
  EXPECT_EQ(progress->Diff(), 10);

  // -1: the ends of the queues; moving forward needs force.
  reset = admin_->ResetOffsetByTimestamp("AdminTopicReset", group, -1, false);
  ASSERT_TRUE(reset.ok());
  for (const auto& [queue, offset] : *reset) EXPECT_EQ(offset, 0);
  reset = admin_->ResetOffsetByTimestamp("AdminTopicReset", group, -1, true);
  ASSERT_TRUE(reset.ok());
  for (const auto& [queue, offset] : *reset) EXPECT_EQ(offset, 5);
  EXPECT_EQ(admin_->ExamineConsumeStats(group, "AdminTopicReset")->Diff(), 0);
}

TEST_F(AdminClientTest, ConsumerConnectionWhileAPushConsumerRuns) {
  CreateTopic("AdminTopicPush", 2);
  PushConsumerConfig config;
  config.group = "AdminPushGroup";
  config.namesrv_addr = cluster_->namesrv_addr();
  config.instance_name = "admin-push";
  PushConsumer consumer(config);
  ASSERT_TRUE(consumer.Subscribe("AdminTopicPush", "TagA || TagB").ok());
  consumer.RegisterListener([](const std::vector<MessageExt>&, ConsumeConcurrentlyContext&) {
    return ConsumeConcurrentlyStatus::kConsumeSuccess;
  });
  ASSERT_TRUE(consumer.Start().ok());

  Result<ConsumerConnectionInfo> info = Status(ErrorCode::kNotFound, "");
  ASSERT_TRUE(WaitFor(
      [&] {
        info = admin_->ExamineConsumerConnectionInfo("AdminPushGroup");
        return info.ok();
      },
      10s))
      << info.status().ToString();
  ASSERT_EQ(info->connections.size(), 1u);
  EXPECT_NE(info->connections[0].client_id.find("admin-push"), std::string::npos);
  EXPECT_EQ(info->connections[0].language, "CPP");
  EXPECT_EQ(info->consume_type, "CONSUME_PASSIVELY");
  EXPECT_EQ(info->message_model, "CLUSTERING");
  EXPECT_EQ(info->consume_from_where, "CONSUME_FROM_LAST_OFFSET");
  EXPECT_EQ(info->subscriptions.at("AdminTopicPush"), "TagA || TagB");

  auto groups = admin_->QueryTopicConsumeByWho("AdminTopicPush");
  ASSERT_TRUE(groups.ok()) << groups.status().ToString();
  EXPECT_TRUE(groups->contains("AdminPushGroup"));

  // With the consumer online the broker resets (and tells the consumer): its answer is the
  // new offsets.
  for (int32_t i = 0; i < 2; ++i) {
    ASSERT_TRUE(admin_
                    ->UpdateConsumeOffset("AdminPushGroup",
                                          MessageQueue{"AdminTopicPush", "broker-a", i}, 0)
                    .ok());
  }
  auto reset = admin_->ResetOffsetByTimestamp("AdminTopicPush", "AdminPushGroup", -1, true);
  ASSERT_TRUE(reset.ok()) << reset.status().ToString();
  EXPECT_EQ(reset->size(), 2u);
  for (const auto& [queue, offset] : *reset) EXPECT_EQ(offset, 0) << queue.ToString();

  consumer.Shutdown();
  EXPECT_TRUE(WaitFor(
      [&] {
        auto gone = admin_->ExamineConsumerConnectionInfo("AdminPushGroup");
        return gone.status().code() == ErrorCode::kNotFound &&
               gone.status().message() == "consumer group AdminPushGroup has no consumer online";
      },
      10s));
}

// A push consumer's own state through its broker (GET_CONSUMER_RUNNING_INFO) and a stored
// message handed to its listener (CONSUME_MESSAGE_DIRECTLY); an unknown client is refused
// clearly.
TEST_F(AdminClientTest, RunningInfoAndConsumeDirectlyOfAPushConsumer) {
  const std::string topic = "AdminTopicDirect";
  const std::string group = "AdminDirectGroup";
  CreateTopic(topic, 2);
  PushConsumerConfig config;
  config.group = group;
  config.namesrv_addr = cluster_->namesrv_addr();
  config.instance_name = "admin-direct";
  PushConsumer consumer(config);
  ASSERT_TRUE(consumer.Subscribe(topic, "TagA").ok());
  std::mutex mu;
  std::map<std::string, int> seen;  // body -> times the listener got it
  consumer.RegisterListener([&](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& m : msgs) ++seen[m.body()];
    return ConsumeConcurrentlyStatus::kConsumeSuccess;
  });
  ASSERT_TRUE(consumer.Start().ok());
  auto times_seen = [&](const std::string& body) {
    std::lock_guard<std::mutex> lock(mu);
    return seen.contains(body) ? seen.at(body) : 0;
  };

  // Both queues of the topic end up held by the only client.
  Result<ConsumerRunningInfo> info = Status(ErrorCode::kNotFound, "not asked");
  auto topic_queues = [&] {
    int n = 0;
    for (const auto& [queue, state] : info->queues) n += queue.topic == topic ? 1 : 0;
    return n;
  };
  ASSERT_TRUE(WaitFor(
      [&] {
        info = admin_->GetConsumerRunningInfo(group, consumer.client_id());
        return info.ok() && topic_queues() == 2;
      },
      20s))
      << (info.ok() ? std::to_string(topic_queues()) : info.status().ToString());
  EXPECT_TRUE(info->IsPushType());
  EXPECT_EQ(info->subscriptions.at(topic), "TagA");
  EXPECT_EQ(info->properties.at("consumerGroup"), group);
  for (const auto& [queue, state] : info->queues) {
    if (queue.topic != topic) continue;
    EXPECT_EQ(queue.broker_name, "broker-a");
    EXPECT_FALSE(state.dropped) << queue.ToString();
    EXPECT_GE(state.commit_offset, 0) << queue.ToString();
  }

  // A message consumed as usual, then handed to the listener once more, directly.
  auto producer = StartProducer("AdminDirectProducer");
  auto sent = producer->Send(Message(topic, "TagA", "direct-key", "direct-body"));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  ASSERT_TRUE(WaitFor([&] { return times_seen("direct-body") >= 1; }, 20s));
  const int before = times_seen("direct-body");
  auto direct = admin_->ConsumeMessageDirectly(group, consumer.client_id(), sent->offset_msg_id);
  ASSERT_TRUE(direct.ok()) << direct.status().ToString();
  EXPECT_EQ(direct->result, "CR_SUCCESS");
  EXPECT_FALSE(direct->order);
  EXPECT_GE(direct->spent_time_ms, 0);
  EXPECT_TRUE(WaitFor([&] { return times_seen("direct-body") > before; }, 5s));

  // An unknown client: the broker's words; an id that is no offset message id.
  auto unknown = admin_->GetConsumerRunningInfo(group, "10.0.0.1@no-such-client");
  ASSERT_FALSE(unknown.ok());
  EXPECT_NE(unknown.status().message().find("not online"), std::string::npos)
      << unknown.status().ToString();
  EXPECT_NE(unknown.status().message().find("10.0.0.1@no-such-client"), std::string::npos)
      << unknown.status().ToString();
  auto unknown_direct =
      admin_->ConsumeMessageDirectly(group, "10.0.0.1@no-such-client", sent->offset_msg_id);
  ASSERT_FALSE(unknown_direct.ok());
  EXPECT_NE(unknown_direct.status().message().find("not online"), std::string::npos)
      << unknown_direct.status().ToString();
  EXPECT_EQ(
      admin_->ConsumeMessageDirectly(group, consumer.client_id(), "not-an-id").status().code(),
      ErrorCode::kInvalidArgument);
  producer->Shutdown();
  consumer.Shutdown();
}

TEST(AdminVersionNameTest, NamesApacheVersionCodes) {
  EXPECT_EQ(VersionName(0), "V3_0_0_SNAPSHOT");
  EXPECT_EQ(VersionName(8), "V3_0_0_BETA6");
  EXPECT_EQ(VersionName(15), "V3_0_0_FINAL");
  EXPECT_EQ(VersionName(16), "V3_0_1_SNAPSHOT");
  EXPECT_EQ(VersionName(62), "V3_1_8_SNAPSHOT");
  EXPECT_EQ(VersionName(121), "V3_4_9");
  EXPECT_EQ(VersionName(212), "V4_0_0_SNAPSHOT");
  EXPECT_EQ(VersionName(401), "V4_9_4");
  EXPECT_EQ(VersionName(409), "V4_9_8");
  EXPECT_EQ(VersionName(413), "V5_0_0");
  EXPECT_EQ(VersionName(611), "V5_9_9");
  EXPECT_EQ(VersionName(612), "HIGHER_VERSION");
  EXPECT_EQ(VersionName(100000), "HIGHER_VERSION");
  EXPECT_EQ(VersionName(-1), "UNKNOWN");
}

TEST_F(AdminClientTest, UnreachableNameServerFailsClearlyAndQuickly) {
  AdminConfig config;
  const std::string addr = "127.0.0.1:" + std::to_string(ClosedPort());
  config.namesrv_addr = addr;
  config.timeout_ms = 2000;
  AdminClient admin(config);
  ASSERT_TRUE(admin.Start().ok());
  const auto start = std::chrono::steady_clock::now();
  auto info = admin.ExamineClusterInfo();
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_EQ(info.status().code(), ErrorCode::kNoNameServer);
  EXPECT_EQ(info.status().message().rfind("cannot reach name server " + addr + ": ", 0), 0u)
      << info.status().message();
  EXPECT_EQ(admin.ExamineTopicRoute("T").status().code(), ErrorCode::kNoNameServer);
  EXPECT_EQ(admin.Start().code(), ErrorCode::kInvalidArgument);  // started already
  admin.Shutdown();
  EXPECT_EQ(admin.FetchAllTopicList().status().code(), ErrorCode::kNotRunning);
}

}  // namespace
}  // namespace orbit
