// Publish queue lists from routes (nameserver.md §5), the TBW102 clamp (§7) and the per-thread
// round robin (producer.md §3.3).

#include "client/topic_publish_info.h"

#include <gtest/gtest.h>

#include <set>
#include <thread>

#include "protocol/bodies_register.h"

namespace orbit::client {
namespace {

using protocol::BrokerData;
using protocol::QueueData;
using protocol::TopicRouteData;

constexpr int32_t kRW = protocol::kPermRead | protocol::kPermWrite;
constexpr int32_t kR = protocol::kPermRead;
constexpr uint32_t kMask = 0x7FFFFFFF;

QueueData Queues(std::string broker, int32_t read, int32_t write, int32_t perm = kRW) {
  QueueData qd;
  qd.broker_name = std::move(broker);
  qd.read_queue_nums = read;
  qd.write_queue_nums = write;
  qd.perm = perm;
  return qd;
}

BrokerData Broker(std::string name, std::map<int64_t, std::string> addrs) {
  BrokerData bd;
  bd.cluster = "DefaultCluster";
  bd.broker_name = std::move(name);
  bd.broker_addrs = std::move(addrs);
  return bd;
}

MessageQueue Mq(std::string broker, int32_t id) { return MessageQueue{"T", std::move(broker), id}; }

// Two masters a (3 queues) and b (2 queues), listed out of order.
TopicRouteData TwoBrokers() {
  TopicRouteData route;
  route.queue_datas = {Queues("broker-b", 2, 2), Queues("broker-a", 3, 3)};
  route.broker_datas = {Broker("broker-a", {{0, "10.0.0.1:10911"}, {1, "10.0.0.2:10911"}}),
                        Broker("broker-b", {{0, "10.0.0.3:10911"}})};
  return route;
}

TEST(TopicPublishInfoTest, QueuesSortedByBrokerWritableWithMasterOnly) {
  TopicRouteData route;
  route.queue_datas = {
      Queues("broker-c", 2, 2),       // kept
      Queues("broker-a", 8, 3),       // kept: write queue count, not read
      Queues("broker-b", 4, 4, kR),   // not writable
      Queues("broker-d", 2, 2),       // only a slave in the route
      Queues("broker-e", 2, 2),       // no broker data at all
      Queues("broker-0", 1, 1, 0x7),  // RWX: writable, sorts first
  };
  route.broker_datas = {Broker("broker-a", {{0, "a:1"}}), Broker("broker-b", {{0, "b:1"}}),
                        Broker("broker-c", {{0, "c:1"}, {1, "c:2"}}),
                        Broker("broker-d", {{1, "d:2"}}), Broker("broker-0", {{0, "z:1"}})};
  auto info = TopicPublishInfo::FromRoute("T", route);
  EXPECT_TRUE(info->ok());
  EXPECT_FALSE(info->order_topic());
  EXPECT_EQ(info->topic(), "T");
  EXPECT_EQ(info->queues(),
            (std::vector<MessageQueue>{Mq("broker-0", 0), Mq("broker-a", 0), Mq("broker-a", 1),
                                       Mq("broker-a", 2), Mq("broker-c", 0), Mq("broker-c", 1)}));
  // The kept route has its queue datas sorted by broker name; nothing else changes.
  std::vector<std::string> names;
  for (const auto& qd : info->route().queue_datas) names.push_back(qd.broker_name);
  EXPECT_EQ(names, (std::vector<std::string>{"broker-0", "broker-a", "broker-b", "broker-c",
                                             "broker-d", "broker-e"}));
  EXPECT_EQ(info->route().broker_datas, route.broker_datas);
}

TEST(TopicPublishInfoTest, EmptyOrUnusableRouteIsNotOk) {
  EXPECT_FALSE(TopicPublishInfo::FromRoute("T", TopicRouteData())->ok());
  TopicRouteData route = TwoBrokers();
  for (auto& qd : route.queue_datas) qd.perm = kR;
  EXPECT_FALSE(TopicPublishInfo::FromRoute("T", route)->ok());
  route = TwoBrokers();
  for (auto& bd : route.broker_datas) bd.broker_addrs.erase(0);
  EXPECT_FALSE(TopicPublishInfo::FromRoute("T", route)->ok());
}

TEST(TopicPublishInfoTest, OrderTopicConfWins) {
  TopicRouteData route = TwoBrokers();
  // Neither writability nor masters matter for an ordered topic, and the conf's order is kept.
  route.queue_datas[0].perm = kR;
  route.broker_datas.clear();
  route.order_topic_conf = "broker-b:4;broker-a:4";
  auto info = TopicPublishInfo::FromRoute("T", route);
  EXPECT_TRUE(info->order_topic());
  EXPECT_EQ(info->queues(),
            (std::vector<MessageQueue>{Mq("broker-b", 0), Mq("broker-b", 1), Mq("broker-b", 2),
                                       Mq("broker-b", 3), Mq("broker-a", 0), Mq("broker-a", 1),
                                       Mq("broker-a", 2), Mq("broker-a", 3)}));
  // Queue datas are left as they came.
  EXPECT_EQ(info->route().queue_datas, route.queue_datas);

  route.order_topic_conf = "broker-a:4;broker-b:4";
  info = TopicPublishInfo::FromRoute("T", route);
  ASSERT_EQ(info->queues().size(), 8u);
  EXPECT_EQ(info->queues()[0], Mq("broker-a", 0));
  EXPECT_EQ(info->queues()[7], Mq("broker-b", 3));
}

TEST(TopicPublishInfoTest, MalformedOrderEntriesAreSkipped) {
  TopicRouteData route;
  route.order_topic_conf = "broker-a:2;;junk;broker-b:x;:3;broker-d:+1;broker-e:-2;broker-c:1;";
  auto info = TopicPublishInfo::FromRoute("T", route);
  EXPECT_TRUE(info->order_topic());
  EXPECT_EQ(info->queues(), (std::vector<MessageQueue>{Mq("broker-a", 0), Mq("broker-a", 1),
                                                       Mq("broker-d", 0), Mq("broker-c", 0)}));
}

TEST(TopicPublishInfoTest, ClampDefaultTopicRoute) {
  TopicRouteData tbw;
  tbw.queue_datas = {Queues("broker-a", 8, 8, 0x7), Queues("broker-b", 2, 8, 0x7),
                     Queues("broker-c", 16, 1, 0x7)};
  tbw.broker_datas = {Broker("broker-a", {{0, "a:1"}}), Broker("broker-b", {{0, "b:1"}}),
                      Broker("broker-c", {{0, "c:1"}})};
  TopicRouteData clamped = ClampDefaultTopicRoute(tbw, 4);
  ASSERT_EQ(clamped.queue_datas.size(), 3u);
  // min(4, readQueueNums) for both counts; the write count follows the read count even upwards.
  EXPECT_EQ(clamped.queue_datas[0].read_queue_nums, 4);
  EXPECT_EQ(clamped.queue_datas[0].write_queue_nums, 4);
  EXPECT_EQ(clamped.queue_datas[1].read_queue_nums, 2);
  EXPECT_EQ(clamped.queue_datas[1].write_queue_nums, 2);
  EXPECT_EQ(clamped.queue_datas[2].read_queue_nums, 4);
  EXPECT_EQ(clamped.queue_datas[2].write_queue_nums, 4);
  EXPECT_EQ(clamped.queue_datas[0].perm, 0x7);
  EXPECT_EQ(clamped.broker_datas, tbw.broker_datas);
  auto info = TopicPublishInfo::FromRoute("NewTopic", clamped);
  EXPECT_EQ(info->queues().size(), 10u);
  EXPECT_EQ(info->queues()[4], (MessageQueue{"NewTopic", "broker-b", 0}));
  EXPECT_EQ(ClampDefaultTopicRoute(tbw, 16).queue_datas[2].write_queue_nums, 16);
}

TEST(TopicPublishInfoTest, WriteQueueNumsAndMaster) {
  TopicRouteData route = TwoBrokers();
  route.queue_datas.push_back(Queues("broker-r", 4, 6, kR));
  route.queue_datas.push_back(Queues("broker-s", 4, 4));
  route.broker_datas.push_back(Broker("broker-s", {{1, "s:2"}}));
  auto info = TopicPublishInfo::FromRoute("T", route);
  EXPECT_EQ(info->WriteQueueNumsOf("broker-a"), 3);
  EXPECT_EQ(info->WriteQueueNumsOf("broker-b"), 2);
  EXPECT_EQ(info->WriteQueueNumsOf("broker-r"), 6);  // in the route though not writable
  EXPECT_EQ(info->WriteQueueNumsOf("broker-x"), -1);
  EXPECT_EQ(info->FindBrokerMaster("broker-a"), "10.0.0.1:10911");
  EXPECT_EQ(info->FindBrokerMaster("broker-b"), "10.0.0.3:10911");
  EXPECT_EQ(info->FindBrokerMaster("broker-s"), "");  // slave only
  EXPECT_EQ(info->FindBrokerMaster("broker-x"), "");
}

TEST(TopicPublishInfoTest, PositionOfFollowsJavaIntArithmetic) {
  EXPECT_EQ(TopicPublishInfo::PositionOf(0, 5), 0u);
  EXPECT_EQ(TopicPublishInfo::PositionOf(7, 5), 2u);
  EXPECT_EQ(TopicPublishInfo::PositionOf(0x7FFFFFFF, 3), 1u);  // 2147483647 % 3
  EXPECT_EQ(TopicPublishInfo::PositionOf(0x80000000, 3), 0u);  // abs(MIN_VALUE) < 0 → 0
  EXPECT_EQ(TopicPublishInfo::PositionOf(0x80000001, 3), 1u);  // abs(MIN_VALUE + 1) % 3
  EXPECT_EQ(TopicPublishInfo::PositionOf(0xFFFFFFFF, 4), 1u);  // abs(-1)
}

TEST(TopicPublishInfoTest, RoundRobinFromTheThreadsCounter) {
  auto info = TopicPublishInfo::FromRoute("T", TwoBrokers());
  const auto& queues = info->queues();
  ASSERT_EQ(queues.size(), 5u);
  uint32_t i = info->NextIndex();
  EXPECT_LE(i, kMask);
  std::set<MessageQueue> seen;
  for (uint32_t k = 1; k <= 5; ++k) {
    const MessageQueue& mq = info->SelectOneMessageQueue();
    EXPECT_EQ(&mq, &queues[((i + k) & kMask) % 5]) << k;
    seen.insert(mq);
  }
  EXPECT_EQ(seen.size(), 5u);  // one full turn visits every queue once
  EXPECT_EQ(info->NextIndex(), (i + 6) & kMask);
}

TEST(TopicPublishInfoTest, CountersArePerThreadAndPerInfo) {
  auto info = TopicPublishInfo::FromRoute("T", TwoBrokers());
  auto other = TopicPublishInfo::FromRoute("T", TwoBrokers());
  uint32_t i = info->NextIndex();
  std::thread t([&] {
    for (int k = 0; k < 7; ++k) info->SelectOneMessageQueue();
  });
  t.join();
  for (int k = 0; k < 3; ++k) other->SelectOneMessageQueue();
  EXPECT_EQ(info->NextIndex(), (i + 1) & kMask);
}

TEST(TopicPublishInfoTest, CounterInUseSurvivesManyShortLivedInfos) {
  // Route refreshes replace infos; their dead counters are dropped from the thread's table, but
  // the counter of an info still in use keeps counting.
  auto info = TopicPublishInfo::FromRoute("T", TwoBrokers());
  uint32_t i = info->NextIndex();
  for (uint32_t k = 1; k <= 10000; ++k) {
    TopicPublishInfo::FromRoute("T", TwoBrokers())->NextIndex();
    ASSERT_EQ(info->NextIndex(), (i + k) & kMask) << k;
  }
}

TEST(TopicPublishInfoTest, StartsAtARandomValue) {
  // Fresh infos start at random values: 16 of them all starting at the same position of 1024
  // would be a broken random start (probability 2^-150 otherwise).
  std::set<uint32_t> starts;
  for (int k = 0; k < 16; ++k) {
    starts.insert(TopicPublishInfo::FromRoute("T", TwoBrokers())->NextIndex() % 1024);
  }
  EXPECT_GT(starts.size(), 1u);
}

TEST(TopicPublishInfoTest, RetryAvoidsTheLastBroker) {
  auto info = TopicPublishInfo::FromRoute("T", TwoBrokers());  // a0 a1 a2 b0 b1
  for (int k = 0; k < 50; ++k) {
    EXPECT_EQ(info->SelectOneMessageQueue("broker-a").broker_name, "broker-b");
    EXPECT_EQ(info->SelectOneMessageQueue("broker-b").broker_name, "broker-a");
  }
  // The first queue off the last broker from the next position: count the skipped steps.
  uint32_t i = info->NextIndex();
  const MessageQueue& mq = info->SelectOneMessageQueue("broker-b");
  uint32_t steps = 1;
  while (info->queues()[((i + steps) & kMask) % 5].broker_name == "broker-b") ++steps;
  EXPECT_EQ(&mq, &info->queues()[((i + steps) & kMask) % 5]);
  EXPECT_EQ(info->NextIndex(), (i + steps + 1) & kMask);
  // An unknown last broker: the plain next queue.
  i = info->NextIndex();
  EXPECT_EQ(&info->SelectOneMessageQueue("broker-x"), &info->queues()[((i + 1) & kMask) % 5]);
}

TEST(TopicPublishInfoTest, RetryOnASingleBrokerFallsBackToThePlainNextQueue) {
  TopicRouteData route;
  route.queue_datas = {Queues("broker-a", 4, 4)};
  route.broker_datas = {Broker("broker-a", {{0, "a:1"}})};
  auto info = TopicPublishInfo::FromRoute("T", route);
  uint32_t i = info->NextIndex();
  const MessageQueue& mq = info->SelectOneMessageQueue("broker-a");
  // size() tries on broker-a, then one more step.
  EXPECT_EQ(&mq, &info->queues()[((i + 5) & kMask) % 4]);
  EXPECT_EQ(info->NextIndex(), (i + 6) & kMask);
}

}  // namespace
}  // namespace orbit::client
