// The push consumer (orbit/consumer.h) against an in-process cluster: clustering shares the
// queues and delivers each message once per group; broadcasting delivers every message to every
// consumer; orderly keeps queue order; failed messages come back through the retry topic with
// their reconsume count and end in the dead-letter topic; offsets survive a restart.

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "client/received.h"
#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "orbit/consumer.h"
#include "orbit/producer.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit {
namespace {

using namespace std::chrono_literals;

size_t QueuesOf(const PushConsumer& c, const std::string& topic) {
  size_t n = 0;
  for (const auto& mq : c.AssignedQueues()) n += mq.topic == topic ? 1 : 0;
  return n;
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

// What a listener saw, shared with the test thread.
struct Received {
  std::mutex mu;
  std::vector<MessageExt> msgs;
  std::map<std::string, int> by_body;  // deliveries per body

  void Add(const std::vector<MessageExt>& batch) {
    std::lock_guard<std::mutex> lock(mu);
    for (const auto& m : batch) {
      msgs.push_back(m);
      by_body[m.body()] += 1;
    }
  }
  size_t distinct() {
    std::lock_guard<std::mutex> lock(mu);
    return by_body.size();
  }
  size_t total() {
    std::lock_guard<std::mutex> lock(mu);
    return msgs.size();
  }
};

class PushConsumerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartCluster(nullptr); }

  void StartCluster(std::function<void(int, broker::BrokerConfig&)> configure) {
    cluster_.reset();
    EmbeddedClusterOptions options;
    options.configure = std::move(configure);
    auto c = EmbeddedCluster::Start(options);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
  }

  void CreateTopic(const std::string& topic, int queues) {
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, topic, queues, &error)) << error;
  }

  PushConsumerConfig ConsumerConfig(const std::string& group, const std::string& instance) {
    PushConsumerConfig config;
    config.group = group;
    config.namesrv_addr = cluster_->namesrv_addr();
    config.instance_name = instance;
    config.consume_from_where = ConsumeFromWhere::kFirstOffset;
    config.consume_thread_min = 4;
    config.consume_thread_max = 4;
    return config;
  }

  std::unique_ptr<Producer> StartProducer() {
    ProducerConfig config;
    config.group = "PushTestProducer";
    config.namesrv_addr = cluster_->namesrv_addr();
    auto producer = std::make_unique<Producer>(config);
    EXPECT_TRUE(producer->Start().ok());
    return producer;
  }

  void SendBodies(Producer& producer, const std::string& topic, int from, int to,
                  const std::string& tag = "TagA") {
    for (int i = from; i < to; ++i) {
      auto sent = producer.Send(Message(topic, tag, "body-" + std::to_string(i)));
      ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    }
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
};

ConcurrentListener Collect(Received* received) {
  return [received](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&) {
    received->Add(msgs);
    return ConsumeConcurrentlyStatus::kConsumeSuccess;
  };
}

TEST_F(PushConsumerTest, StartChecksItsSettings) {
  {
    PushConsumer consumer(ConsumerConfig("Group-ok", "a"));
    ASSERT_TRUE(consumer.Subscribe("TopicX", "*").ok());
    Status st = consumer.Start();  // no listener
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument) << st.ToString();
  }
  {
    PushConsumer consumer(ConsumerConfig("bad group!", "a"));
    consumer.RegisterListener(
        ConcurrentListener([](const std::vector<MessageExt>&, ConsumeConcurrentlyContext&) {
          return ConsumeConcurrentlyStatus::kConsumeSuccess;
        }));
    EXPECT_EQ(consumer.Start().code(), ErrorCode::kInvalidArgument);
  }
  {
    auto config = ConsumerConfig("Group-ok", "a");
    config.pull_batch_size = 0;
    PushConsumer consumer(config);
    consumer.RegisterListener(
        ConcurrentListener([](const std::vector<MessageExt>&, ConsumeConcurrentlyContext&) {
          return ConsumeConcurrentlyStatus::kConsumeSuccess;
        }));
    Status st = consumer.Start();
    EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(st.message().find("pull_batch_size"), std::string::npos) << st.ToString();
  }
  PushConsumer consumer(ConsumerConfig("Group-ok", "a"));
  EXPECT_EQ(consumer.Subscribe("Topic", "a || || b").code(), ErrorCode::kOk);
  EXPECT_EQ(consumer.Subscribe("Topic", "||").code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(consumer.Subscribe("bad topic", "*").code(), ErrorCode::kInvalidArgument);
}

TEST_F(PushConsumerTest, ClusteringSharesQueuesAndDeliversEachMessageOnce) {
  CreateTopic("TopicPushC", 8);
  Received r1, r2;
  PushConsumer c1(ConsumerConfig("GroupC", "c1"));
  ASSERT_TRUE(c1.Subscribe("TopicPushC", "*").ok());
  c1.RegisterListener(Collect(&r1));
  ASSERT_TRUE(c1.Start().ok());
  EXPECT_TRUE(WaitFor([&] { return QueuesOf(c1, "TopicPushC") == 8; }, 20s));

  PushConsumer c2(ConsumerConfig("GroupC", "c2"));
  ASSERT_TRUE(c2.Subscribe("TopicPushC", "*").ok());
  c2.RegisterListener(Collect(&r2));
  ASSERT_TRUE(c2.Start().ok());
  // The broker tells c1 that the group changed: the queues are split 4 / 4.
  ASSERT_TRUE(WaitFor(
      [&] { return QueuesOf(c1, "TopicPushC") == 4 && QueuesOf(c2, "TopicPushC") == 4; }, 30s))
      << QueuesOf(c1, "TopicPushC") << " / " << QueuesOf(c2, "TopicPushC");
  // The group's retry topic (one queue) is taken by one of them.
  EXPECT_TRUE(WaitFor(
      [&] { return QueuesOf(c1, "%RETRY%GroupC") + QueuesOf(c2, "%RETRY%GroupC") == 1; }, 10s));

  auto producer = StartProducer();
  SendBodies(*producer, "TopicPushC", 0, 400);
  ASSERT_TRUE(WaitFor([&] { return r1.distinct() + r2.distinct() >= 400; }, 30s))
      << r1.distinct() << " + " << r2.distinct();
  std::this_thread::sleep_for(300ms);  // a duplicate would show up now
  EXPECT_EQ(r1.total() + r2.total(), 400u);
  EXPECT_GT(r1.total(), 0u);
  EXPECT_GT(r2.total(), 0u);
  std::set<std::string> all;
  for (Received* r : {&r1, &r2}) {
    std::lock_guard<std::mutex> lock(r->mu);
    for (const auto& m : r->msgs) {
      EXPECT_EQ(m.topic(), "TopicPushC");
      EXPECT_EQ(m.tags(), "TagA");
      EXPECT_FALSE(m.msg_id.empty());
      EXPECT_EQ(m.reconsume_times, 0);
      all.insert(m.body());
    }
  }
  EXPECT_EQ(all.size(), 400u);
  // Each consumer got messages only from the queues it holds.
  std::set<int32_t> q1;
  for (const auto& mq : c1.AssignedQueues()) {
    if (mq.topic == "TopicPushC") q1.insert(mq.queue_id);
  }
  {
    std::lock_guard<std::mutex> lock(r1.mu);
    for (const auto& m : r1.msgs) EXPECT_TRUE(q1.contains(m.queue_id)) << m.queue_id;
  }
}

TEST_F(PushConsumerTest, TagExpressionFiltersExactly) {
  CreateTopic("TopicPushTag", 2);
  Received r;
  PushConsumer c(ConsumerConfig("GroupTag", "t1"));
  ASSERT_TRUE(c.Subscribe("TopicPushTag", "TagA || TagC").ok());
  c.RegisterListener(Collect(&r));
  ASSERT_TRUE(c.Start().ok());
  auto producer = StartProducer();
  SendBodies(*producer, "TopicPushTag", 0, 30, "TagA");
  SendBodies(*producer, "TopicPushTag", 30, 60, "TagB");
  SendBodies(*producer, "TopicPushTag", 60, 90, "TagC");
  ASSERT_TRUE(WaitFor([&] { return r.distinct() >= 60; }, 30s)) << r.distinct();
  std::this_thread::sleep_for(300ms);
  std::lock_guard<std::mutex> lock(r.mu);
  EXPECT_EQ(r.msgs.size(), 60u);
  for (const auto& m : r.msgs) EXPECT_NE(m.tags(), "TagB");
}

TEST_F(PushConsumerTest, BroadcastingDeliversEveryMessageToEveryConsumer) {
  CreateTopic("TopicPushB", 4);
  const std::string dir = cluster_->data_dir() + "/offsets";
  Received r1, r2;
  auto config1 = ConsumerConfig("GroupB", "b1");
  config1.message_model = MessageModel::kBroadcasting;
  config1.local_offset_store_dir = dir;
  auto config2 = config1;
  config2.instance_name = "b2";
  PushConsumer c1(config1), c2(config2);
  for (auto [c, r] : {std::pair{&c1, &r1}, std::pair{&c2, &r2}}) {
    ASSERT_TRUE(c->Subscribe("TopicPushB", "*").ok());
    c->RegisterListener(Collect(r));
    ASSERT_TRUE(c->Start().ok());
  }
  ASSERT_TRUE(WaitFor(
      [&] { return c1.AssignedQueues().size() == 4 && c2.AssignedQueues().size() == 4; }, 20s));
  auto producer = StartProducer();
  SendBodies(*producer, "TopicPushB", 0, 100);
  ASSERT_TRUE(WaitFor([&] { return r1.distinct() >= 100 && r2.distinct() >= 100; }, 30s))
      << r1.distinct() << " / " << r2.distinct();
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(r1.total(), 100u);
  EXPECT_EQ(r2.total(), 100u);
  c1.Shutdown();
  c2.Shutdown();
  // The offsets went to each client's file, Java's layout: <dir>/<clientId>/<group>/offsets.json.
  for (PushConsumer* c : {&c1, &c2}) {
    const std::string path = dir + "/" + c->client_id() + "/GroupB/offsets.json";
    EXPECT_TRUE(std::filesystem::exists(path)) << path;
  }
}

TEST_F(PushConsumerTest, OffsetsSurviveARestartOfTheGroup) {
  CreateTopic("TopicPushR", 2);
  auto producer = StartProducer();
  {
    Received r;
    PushConsumer c(ConsumerConfig("GroupR", "r1"));
    ASSERT_TRUE(c.Subscribe("TopicPushR", "*").ok());
    c.RegisterListener(Collect(&r));
    ASSERT_TRUE(c.Start().ok());
    SendBodies(*producer, "TopicPushR", 0, 50);
    ASSERT_TRUE(WaitFor([&] { return r.distinct() >= 50; }, 30s)) << r.distinct();
    c.Shutdown();  // stores the offsets
  }
  SendBodies(*producer, "TopicPushR", 50, 80);
  Received r;
  PushConsumer c(ConsumerConfig("GroupR", "r2"));
  ASSERT_TRUE(c.Subscribe("TopicPushR", "*").ok());
  c.RegisterListener(Collect(&r));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return r.distinct() >= 30; }, 30s)) << r.distinct();
  std::this_thread::sleep_for(300ms);
  // Only what was sent while the group was away.
  std::lock_guard<std::mutex> lock(r.mu);
  EXPECT_EQ(r.msgs.size(), 30u);
  for (const auto& m : r.msgs) {
    EXPECT_GE(std::stoi(m.body().substr(5)), 50) << m.body();
  }
}

TEST_F(PushConsumerTest, OrderlyConsumesEachQueueInOrderOneThreadAtATime) {
  CreateTopic("TopicPushO", 4);
  std::mutex mu;
  std::map<int32_t, std::vector<int64_t>> offsets;  // per queue, in delivery order
  std::map<int32_t, int> in_flight;
  std::atomic<bool> overlap{false};
  std::atomic<int> count{0};
  auto config = ConsumerConfig("GroupO", "o1");
  config.consume_message_batch_max_size = 3;
  PushConsumer c(config);
  ASSERT_TRUE(c.Subscribe("TopicPushO", "*").ok());
  c.RegisterListener(
      OrderlyListener([&](const std::vector<MessageExt>& msgs, ConsumeOrderlyContext& context) {
        {
          std::lock_guard<std::mutex> lock(mu);
          if (in_flight[context.queue.queue_id]++ != 0) overlap = true;
        }
        std::this_thread::sleep_for(1ms);
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& m : msgs) offsets[m.queue_id].push_back(m.queue_offset);
        in_flight[context.queue.queue_id]--;
        count += static_cast<int>(msgs.size());
        return ConsumeOrderlyStatus::kSuccess;
      }));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return QueuesOf(c, "TopicPushO") == 4; }, 20s));
  auto producer = StartProducer();
  for (int i = 0; i < 200; ++i) {
    auto sent = producer->Send(Message("TopicPushO", "TagA", "body-" + std::to_string(i)),
                               SelectQueueByHash("key-" + std::to_string(i % 4)));
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  }
  ASSERT_TRUE(WaitFor([&] { return count.load() >= 200; }, 30s)) << count.load();
  std::this_thread::sleep_for(300ms);
  EXPECT_FALSE(overlap.load());
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(count.load(), 200);
  for (const auto& [queue, seq] : offsets) {
    for (size_t i = 0; i < seq.size(); ++i) {
      ASSERT_EQ(seq[i], static_cast<int64_t>(i)) << "queue " << queue;
    }
  }
}

TEST_F(PushConsumerTest, OrderlySuspendedBatchIsRetriedInPlace) {
  CreateTopic("TopicPushOS", 1);
  std::mutex mu;
  std::vector<std::string> seen;
  std::atomic<int> failures_left{2};
  auto config = ConsumerConfig("GroupOS", "os1");
  config.suspend_current_queue_time_ms = 50;
  PushConsumer c(config);
  ASSERT_TRUE(c.Subscribe("TopicPushOS", "*").ok());
  c.RegisterListener(
      OrderlyListener([&](const std::vector<MessageExt>& msgs, ConsumeOrderlyContext&) {
        std::lock_guard<std::mutex> lock(mu);
        if (msgs.front().body() == "body-3" && failures_left.fetch_sub(1) > 0) {
          seen.push_back("fail:" + msgs.front().body() + ":" +
                         std::to_string(msgs.front().reconsume_times));
          return ConsumeOrderlyStatus::kSuspendCurrentQueueAMoment;
        }
        for (const auto& m : msgs) seen.push_back(m.body());
        return ConsumeOrderlyStatus::kSuccess;
      }));
  ASSERT_TRUE(c.Start().ok());
  auto producer = StartProducer();
  SendBodies(*producer, "TopicPushOS", 0, 6);
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return seen.size() >= 8;
      },
      30s));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(seen, (std::vector<std::string>{"body-0", "body-1", "body-2", "fail:body-3:0",
                                            "fail:body-3:1", "body-3", "body-4", "body-5"}));
}

TEST_F(PushConsumerTest, FailedMessagesComeBackDelayedThenGoToTheDeadLetterTopic) {
  // Short delay levels so that the whole retry path takes seconds: level 3 + n is 1 s.
  StartCluster([](int, broker::BrokerConfig& config) {
    config.store.message_delay_level = "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s";
  });
  CreateTopic("TopicPushRetry", 1);
  std::mutex mu;
  std::vector<std::pair<int32_t, std::chrono::steady_clock::time_point>> deliveries;
  auto config = ConsumerConfig("GroupRetry", "rt1");
  config.max_reconsume_times = 2;
  PushConsumer c(config);
  ASSERT_TRUE(c.Subscribe("TopicPushRetry", "*").ok());
  c.RegisterListener(
      ConcurrentListener([&](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&) {
        std::lock_guard<std::mutex> lock(mu);
        for (const auto& m : msgs) {
          // The retry topic is hidden: the message keeps its topic and id.
          EXPECT_EQ(m.topic(), "TopicPushRetry");
          EXPECT_EQ(m.body(), "fail-me");
          deliveries.emplace_back(m.reconsume_times, std::chrono::steady_clock::now());
        }
        return ConsumeConcurrentlyStatus::kReconsumeLater;
      }));
  ASSERT_TRUE(c.Start().ok());

  auto producer = StartProducer();
  auto sent = producer->Send(Message("TopicPushRetry", "TagA", "fail-me"));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();

  // First delivery, then two redeliveries (reconsume 1 and 2), then the DLQ.
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(mu);
        return deliveries.size() >= 3;
      },
      40s));
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(deliveries.size(), 3u);
    for (int i = 0; i < 3; ++i) EXPECT_EQ(deliveries[i].first, i);
    // Each redelivery waited for its delay level (1 s here): not before, and not much after.
    for (int i = 1; i < 3; ++i) {
      auto gap = deliveries[i].second - deliveries[i - 1].second;
      EXPECT_GE(gap, 900ms);
      EXPECT_LE(gap, 5s);
    }
  }
  // The dead-letter topic is write-only (as Apache creates it): read it from the store.
  std::vector<protocol::MessageRecord> records;
  ASSERT_TRUE(WaitFor(
      [&] {
        records = orbit::testing::StoredRecords(*cluster_, 0, "%DLQ%GroupRetry", 0);
        return !records.empty();
      },
      20s));
  std::this_thread::sleep_for(1500ms);
  {
    std::lock_guard<std::mutex> lock(mu);
    EXPECT_EQ(deliveries.size(), 3u);  // not delivered again
  }
  ASSERT_EQ(records.size(), 1u);
  auto dead = client::ToMessageExt(records[0]);
  ASSERT_TRUE(dead.ok()) << dead.status().ToString();
  EXPECT_EQ(dead->body(), "fail-me");
  // The producer's id stays; the origin is the broker's id of the first record (as Apache sets
  // it when the message is first sent back).
  EXPECT_EQ(dead->msg_id, sent->msg_id);
  EXPECT_EQ(dead->GetProperty("ORIGIN_MESSAGE_ID").value_or(""), sent->offset_msg_id);
  EXPECT_EQ(dead->GetProperty("RETRY_TOPIC").value_or(""), "TopicPushRetry");
}

TEST_F(PushConsumerTest, SuspendStopsPullingAndResumeGoesOn) {
  CreateTopic("TopicPushS", 1);
  Received r;
  PushConsumer c(ConsumerConfig("GroupS", "s1"));
  ASSERT_TRUE(c.Subscribe("TopicPushS", "*").ok());
  c.RegisterListener(Collect(&r));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return QueuesOf(c, "TopicPushS") == 1; }, 20s));
  auto producer = StartProducer();
  SendBodies(*producer, "TopicPushS", 0, 5);
  ASSERT_TRUE(WaitFor([&] { return r.distinct() >= 5; }, 30s));
  c.Suspend();
  // A pull held by the broker may still bring what arrives first; after it, nothing more.
  std::this_thread::sleep_for(200ms);
  SendBodies(*producer, "TopicPushS", 5, 10);
  std::this_thread::sleep_for(2500ms);
  const size_t while_suspended = r.distinct();
  SendBodies(*producer, "TopicPushS", 10, 15);
  std::this_thread::sleep_for(1500ms);
  EXPECT_EQ(r.distinct(), while_suspended);
  c.Resume();
  ASSERT_TRUE(WaitFor([&] { return r.distinct() >= 15; }, 30s)) << r.distinct();
}

// What an operator's tool does to a running group, through the broker: reset its offsets
// (INVOKE_BROKER_TO_RESET_OFFSET → RESET_CONSUMER_CLIENT_OFFSET to the consumer), ask its
// running info (GET_CONSUMER_RUNNING_INFO, forwarded) and have it consume one stored message
// directly (CONSUME_MESSAGE_DIRECTLY, forwarded).
TEST_F(PushConsumerTest, BrokerDrivenResetRunningInfoAndDirectConsume) {
  CreateTopic("TopicPushAdmin", 2);
  Received r;
  PushConsumer c(ConsumerConfig("GroupAdmin", "adm1"));
  ASSERT_TRUE(c.Subscribe("TopicPushAdmin", "*").ok());
  c.RegisterListener(Collect(&r));
  ASSERT_TRUE(c.Start().ok());
  ASSERT_TRUE(WaitFor([&] { return QueuesOf(c, "TopicPushAdmin") == 2; }, 20s));
  auto producer = StartProducer();
  std::string offset_msg_id;
  for (int i = 0; i < 20; ++i) {
    auto sent = producer->Send(Message("TopicPushAdmin", "TagA", "body-" + std::to_string(i)));
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    if (i == 7) offset_msg_id = sent->offset_msg_id;
  }
  ASSERT_TRUE(WaitFor([&] { return r.distinct() >= 20; }, 30s)) << r.distinct();

  net::RemotingClient admin;
  const std::string broker = cluster_->broker(0).addr();
  // Back to the start of every queue (timestamp 0, forced): everything comes again. The broker
  // refuses until the group has committed offsets (every 5 s).
  Result<protocol::RemotingCommand> reset_answer = Internal("not sent");
  ASSERT_TRUE(WaitFor(
      [&] {
        auto reset =
            protocol::RemotingCommand::Request(protocol::RequestCode::kInvokeBrokerToResetOffset);
        protocol::ResetOffsetRequestHeader rh;
        rh.topic = "TopicPushAdmin";
        rh.group = "GroupAdmin";
        rh.timestamp = 0;
        rh.is_force = true;
        rh.Encode(&reset.ext_fields);
        reset_answer = admin.InvokeSync(broker, std::move(reset), 5000);
        return reset_answer.ok() && reset_answer->code == protocol::ResponseCode::kSuccess;
      },
      15s))
      << (reset_answer.ok() ? reset_answer->remark.value_or("") : reset_answer.status().ToString());
  auto offsets = protocol::ResetOffsetBody::Decode(reset_answer->body);
  ASSERT_TRUE(offsets.ok()) << offsets.status().ToString();
  ASSERT_EQ(offsets->offset_table.size(), 2u);
  for (const auto& [mq, offset] : offsets->offset_table) EXPECT_EQ(offset, 0) << mq.queue_id;
  ASSERT_TRUE(WaitFor(
      [&] {
        std::lock_guard<std::mutex> lock(r.mu);
        for (int i = 0; i < 20; ++i) {
          auto it = r.by_body.find("body-" + std::to_string(i));
          if (it == r.by_body.end() || it->second < 2) return false;
        }
        return true;
      },
      30s))
      << r.total();

  // Running info, as the broker relays it.
  auto info_req =
      protocol::RemotingCommand::Request(protocol::RequestCode::kGetConsumerRunningInfo);
  protocol::GetConsumerRunningInfoRequestHeader ih;
  ih.consumer_group = "GroupAdmin";
  ih.client_id = c.client_id();
  ih.Encode(&info_req.ext_fields);
  auto info_answer = admin.InvokeSync(broker, std::move(info_req), 5000);
  ASSERT_TRUE(info_answer.ok()) << info_answer.status().ToString();
  ASSERT_EQ(info_answer->code, protocol::ResponseCode::kSuccess)
      << info_answer->remark.value_or("");
  auto info = protocol::ConsumerRunningInfo::Decode(info_answer->body);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(info->properties[std::string(protocol::kPropConsumeType)], "CONSUME_PASSIVELY");
  EXPECT_EQ(info->properties[std::string(protocol::kPropConsumeOrderly)], "false");
  EXPECT_EQ(info->properties["consumerGroup"], "GroupAdmin");
  EXPECT_EQ(info->properties[std::string(protocol::kPropNamesrvAddr)], cluster_->namesrv_addr());
  int topic_queues = 0;
  for (const auto& [mq, pq] : info->mq_table) {
    if (mq.topic != "TopicPushAdmin") continue;
    ++topic_queues;
    EXPECT_GE(pq.commit_offset, 0) << mq.queue_id;
  }
  EXPECT_EQ(topic_queues, 2);
  bool subscribed = false;
  for (const auto& sub : info->subscription_set) subscribed |= sub.topic == "TopicPushAdmin";
  EXPECT_TRUE(subscribed);

  // One stored message consumed directly by the listener.
  const size_t before = r.total();
  auto direct = protocol::RemotingCommand::Request(protocol::RequestCode::kConsumeMessageDirectly);
  protocol::ConsumeMessageDirectlyResultRequestHeader dh;
  dh.consumer_group = "GroupAdmin";
  dh.client_id = c.client_id();
  dh.msg_id = offset_msg_id;
  dh.Encode(&direct.ext_fields);
  auto direct_answer = admin.InvokeSync(broker, std::move(direct), 10000);
  ASSERT_TRUE(direct_answer.ok()) << direct_answer.status().ToString();
  ASSERT_EQ(direct_answer->code, protocol::ResponseCode::kSuccess)
      << direct_answer->remark.value_or("");
  auto result = protocol::ConsumeMessageDirectlyResult::Decode(direct_answer->body);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->consume_result, protocol::CMResult::kCrSuccess);
  EXPECT_FALSE(result->order);
  {
    std::lock_guard<std::mutex> lock(r.mu);
    ASSERT_GT(r.msgs.size(), before);
    bool seen = false;
    for (size_t i = before; i < r.msgs.size(); ++i) seen |= r.msgs[i].body() == "body-7";
    EXPECT_TRUE(seen);
  }
  // A group this client does not have: a clear refusal, relayed.
  auto unknown = protocol::RemotingCommand::Request(protocol::RequestCode::kGetConsumerRunningInfo);
  ih.consumer_group = "NoSuchGroup";
  ih.Encode(&unknown.ext_fields);
  auto unknown_answer = admin.InvokeSync(broker, std::move(unknown), 5000);
  ASSERT_TRUE(unknown_answer.ok());
  EXPECT_NE(unknown_answer->code, protocol::ResponseCode::kSuccess);
  admin.Shutdown();
}

}  // namespace
}  // namespace orbit
