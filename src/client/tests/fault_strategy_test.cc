// Latency fault tolerance and the producer's queue choice with it (producer.md §3.4), with time
// passed in explicitly.

#include "client/fault_strategy.h"

#include <gtest/gtest.h>

#include <map>
#include <set>
#include <thread>

#include "protocol/bodies_register.h"

namespace orbit::client {
namespace {

using protocol::BrokerData;
using protocol::QueueData;
using protocol::TopicRouteData;

constexpr uint32_t kMask = 0x7FFFFFFF;
const std::vector<int64_t> kLatencyMax49 = {50, 100, 550, 1000, 2000, 3000, 15000};
const std::vector<int64_t> kNotAvailable49 = {0, 0, 30000, 60000, 120000, 180000, 600000};
const std::vector<int64_t> kLatencyMax5 = {50, 100, 550, 1800, 3000, 5000, 15000};
const std::vector<int64_t> kNotAvailable5 = {0, 0, 2000, 5000, 6000, 10000, 30000};

QueueData Queues(std::string broker, int32_t nums, int32_t perm = 6) {
  QueueData qd;
  qd.broker_name = std::move(broker);
  qd.read_queue_nums = nums;
  qd.write_queue_nums = nums;
  qd.perm = perm;
  return qd;
}

BrokerData Master(std::string name) {
  BrokerData bd;
  bd.broker_name = name;
  bd.broker_addrs = {{0, name + ":10911"}};
  return bd;
}

// broker-a with 4 queues and broker-b with 2 in the publish list; broker-r in the route with 8
// write queues but read-only, so not in the list.
std::shared_ptr<const TopicPublishInfo> Info() {
  TopicRouteData route;
  route.queue_datas = {Queues("broker-a", 4), Queues("broker-b", 2), Queues("broker-r", 8, 4)};
  route.broker_datas = {Master("broker-a"), Master("broker-b"), Master("broker-r")};
  return TopicPublishInfo::FromRoute("T", route);
}

FaultStrategy Enabled() { return FaultStrategy(true, kLatencyMax49, kNotAvailable49); }

// ---- durations ----

TEST(FaultStrategyTest, DurationsFromTheJava49Tables) {
  FaultStrategy s = Enabled();
  const std::map<int64_t, int64_t> expected = {
      {0, 0},          {49, 0},         {50, 0},         {100, 0},
      {549, 0},        {550, 30000},    {999, 30000},    {1000, 60000},
      {1999, 60000},   {2000, 120000},  {2999, 120000},  {3000, 180000},
      {14999, 180000}, {15000, 600000}, {30000, 600000}, {-5, 0}};
  for (const auto& [latency, duration] : expected) {
    EXPECT_EQ(s.ComputeNotAvailableDuration(latency), duration) << latency;
  }
}

TEST(FaultStrategyTest, DurationsFromTheJava5Tables) {
  FaultStrategy s(true, kLatencyMax5, kNotAvailable5);
  EXPECT_EQ(s.ComputeNotAvailableDuration(549), 0);
  EXPECT_EQ(s.ComputeNotAvailableDuration(550), 2000);
  EXPECT_EQ(s.ComputeNotAvailableDuration(1799), 2000);
  EXPECT_EQ(s.ComputeNotAvailableDuration(1800), 5000);
  EXPECT_EQ(s.ComputeNotAvailableDuration(3000), 6000);
  EXPECT_EQ(s.ComputeNotAvailableDuration(5000), 10000);
  EXPECT_EQ(s.ComputeNotAvailableDuration(15000), 30000);
}

TEST(FaultStrategyTest, MismatchedTablesUseTheShorterLength) {
  FaultStrategy s(true, {50, 100, 550}, {0, 7});
  EXPECT_EQ(s.ComputeNotAvailableDuration(10000), 7);
  FaultStrategy t(true, {50}, {3, 4, 5});
  EXPECT_EQ(t.ComputeNotAvailableDuration(10000), 3);
  FaultStrategy empty(true, {}, {});
  EXPECT_EQ(empty.ComputeNotAvailableDuration(10000), 0);
}

TEST(FaultStrategyTest, SlowBrokerUnavailableForItsDuration) {
  FaultStrategy s = Enabled();
  s.UpdateFaultItem("broker-a", 1000, false, 5000);  // 60 s
  s.UpdateFaultItem("broker-b", 99, false, 5000);    // 0 s
  auto& ft = s.fault_tolerance();
  EXPECT_FALSE(ft.IsAvailable("broker-a", 5000));
  EXPECT_FALSE(ft.IsAvailable("broker-a", 64999));
  EXPECT_TRUE(ft.IsAvailable("broker-a", 65000));
  EXPECT_TRUE(ft.IsAvailable("broker-b", 5000));
  EXPECT_TRUE(ft.IsAvailable("broker-c", 5000));  // never recorded
  // A later fast answer makes it available at once.
  s.UpdateFaultItem("broker-a", 10, false, 6000);
  EXPECT_TRUE(ft.IsAvailable("broker-a", 6000));
}

TEST(FaultStrategyTest, IsolationCountsAs30Seconds) {
  FaultStrategy s = Enabled();
  s.UpdateFaultItem("broker-a", 5, true, 1000);  // 30000 ms ≥ 15000 → 600 s
  auto& ft = s.fault_tolerance();
  EXPECT_FALSE(ft.IsAvailable("broker-a", 1000 + 599999));
  EXPECT_TRUE(ft.IsAvailable("broker-a", 1000 + 600000));
  FaultStrategy five(true, kLatencyMax5, kNotAvailable5);
  five.UpdateFaultItem("broker-a", 5, true, 0);
  EXPECT_FALSE(five.fault_tolerance().IsAvailable("broker-a", 29999));
  EXPECT_TRUE(five.fault_tolerance().IsAvailable("broker-a", 30000));
  // The recorded latency stays the measured one: isolated broker-a (5 ms) sorts before
  // broker-b (2000 ms, 120 s) when both are unavailable.
  s.UpdateFaultItem("broker-b", 2000, false, 1000);
  EXPECT_EQ(s.fault_tolerance().PickOneAtLeast(2000), "broker-a");
}

TEST(FaultStrategyTest, DisabledRecordsNothingAndAvoidsTheLastBroker) {
  FaultStrategy s(false, kLatencyMax49, kNotAvailable49);
  EXPECT_FALSE(s.enabled());
  s.UpdateFaultItem("broker-a", 100000, true, 0);
  EXPECT_TRUE(s.fault_tolerance().IsAvailable("broker-a", 0));
  EXPECT_EQ(s.fault_tolerance().PickOneAtLeast(0), std::nullopt);
  auto info = Info();
  for (int k = 0; k < 30; ++k) {
    EXPECT_EQ(s.SelectOneMessageQueue(*info, "broker-a", 0).broker_name, "broker-b");
  }
  uint32_t i = info->NextIndex();
  EXPECT_EQ(s.SelectOneMessageQueue(*info, "", 0), info->queues()[((i + 1) & kMask) % 6]);
}

// ---- selection with fault tolerance ----

TEST(FaultStrategyTest, AvailableQueueRoundRobin) {
  FaultStrategy s = Enabled();
  auto info = Info();  // a0 a1 a2 a3 b0 b1
  uint32_t i = info->NextIndex();
  for (uint32_t k = 1; k <= 6; ++k) {
    EXPECT_EQ(s.SelectOneMessageQueue(*info, "", 0), info->queues()[((i + k) & kMask) % 6]);
  }
}

TEST(FaultStrategyTest, SkipsUnavailableBrokersUntilTheirTimeComes) {
  FaultStrategy s = Enabled();
  auto info = Info();
  s.UpdateFaultItem("broker-a", 600, false, 0);  // 30 s
  for (int k = 0; k < 30; ++k) {
    EXPECT_EQ(s.SelectOneMessageQueue(*info, "", 29999).broker_name, "broker-b");
  }
  std::set<std::string> brokers;
  for (int k = 0; k < 6; ++k) brokers.insert(s.SelectOneMessageQueue(*info, "", 30000).broker_name);
  EXPECT_EQ(brokers, (std::set<std::string>{"broker-a", "broker-b"}));
}

TEST(FaultStrategyTest, ScanUsesOneCounterStep) {
  FaultStrategy s = Enabled();
  auto info = Info();  // a0 a1 a2 a3 b0 b1
  s.UpdateFaultItem("broker-b", 600, false, 0);
  uint32_t i = info->NextIndex();
  MessageQueue mq = s.SelectOneMessageQueue(*info, "", 0);
  uint32_t steps = 1;
  while (info->queues()[((i + steps) & kMask) % 6].broker_name == "broker-b") ++steps;
  EXPECT_EQ(mq, info->queues()[((i + steps) & kMask) % 6]);
  EXPECT_EQ(info->NextIndex(), (i + 2) & kMask);
}

TEST(FaultStrategyTest, EnabledIgnoresTheLastBroker) {
  // Java 4.9's MQFaultStrategy takes the first available queue, last broker or not.
  FaultStrategy s = Enabled();
  auto info = Info();
  uint32_t i = info->NextIndex();
  for (uint32_t k = 1; k <= 6; ++k) {
    EXPECT_EQ(s.SelectOneMessageQueue(*info, "broker-a", 0), info->queues()[((i + k) & kMask) % 6]);
  }
}

TEST(FaultStrategyTest, AllUnavailablePicksTheLeastBadBrokerOnItsOwnQueueIds) {
  FaultStrategy s = Enabled();
  auto info = Info();
  const std::vector<MessageQueue> before = info->queues();
  s.UpdateFaultItem("broker-a", 3000, false, 0);  // 180 s
  s.UpdateFaultItem("broker-b", 1000, false, 0);  // 60 s
  uint32_t i = info->NextIndex();
  // Two items, half = 1: the better one, broker-b (lower latency). Counter steps: the scan, the
  // plain selection whose topic is kept, and the queue id.
  MessageQueue mq = s.SelectOneMessageQueue(*info, "", 1000);
  EXPECT_EQ(mq, (MessageQueue{"T", "broker-b", static_cast<int32_t>(((i + 3) & kMask) % 2)}));
  EXPECT_EQ(info->NextIndex(), (i + 4) & kMask);
  EXPECT_EQ(info->queues(), before);  // the shared list is never changed
}

TEST(FaultStrategyTest, PickedBrokerOutsideThePublishListStillUsed) {
  // As Java 4.9: the picked broker only needs writeQueueNums > 0 in the route, so a read-only
  // broker of the route can be chosen, with a queue id below its write queue count.
  FaultStrategy s = Enabled();
  auto info = Info();
  s.UpdateFaultItem("broker-a", 2000, false, 0);
  s.UpdateFaultItem("broker-b", 2000, false, 0);
  s.UpdateFaultItem("broker-r", 10, false, 0);  // available: sorts first; half = 1
  uint32_t i = info->NextIndex();
  MessageQueue mq = s.SelectOneMessageQueue(*info, "", 10);
  EXPECT_EQ(mq, (MessageQueue{"T", "broker-r", static_cast<int32_t>(((i + 3) & kMask) % 8)}));
}

TEST(FaultStrategyTest, PickedBrokerUnknownToTheRouteIsDropped) {
  FaultStrategy s = Enabled();
  auto info = Info();
  s.UpdateFaultItem("broker-a", 2000, false, 0);
  s.UpdateFaultItem("broker-b", 2500, false, 0);
  s.UpdateFaultItem("broker-gone", 10, false, 0);  // available: sorts first; half = 1
  uint32_t i = info->NextIndex();
  // broker-gone is picked, has no queue data: removed, then the plain next queue (one scan step,
  // one selection step).
  MessageQueue mq = s.SelectOneMessageQueue(*info, "", 10);
  EXPECT_EQ(mq, info->queues()[((i + 2) & kMask) % 6]);
  EXPECT_TRUE(s.fault_tolerance().IsAvailable("broker-gone", 10));
  // Two items left, half = 1: always the better one.
  for (int k = 0; k < 4; ++k) EXPECT_EQ(s.fault_tolerance().PickOneAtLeast(10), "broker-a");
}

// ---- LatencyFaultTolerance ----

TEST(LatencyFaultToleranceTest, EmptyAndSingle) {
  LatencyFaultTolerance ft;
  EXPECT_EQ(ft.PickOneAtLeast(0), std::nullopt);
  EXPECT_TRUE(ft.IsAvailable("x", 0));
  ft.UpdateFaultItem("x", 100, 1000, 0);
  EXPECT_EQ(ft.PickOneAtLeast(0), "x");
  EXPECT_FALSE(ft.IsAvailable("x", 999));
  EXPECT_TRUE(ft.IsAvailable("x", 1000));
  ft.Remove("x");
  ft.Remove("never-there");
  EXPECT_TRUE(ft.IsAvailable("x", 0));
  EXPECT_EQ(ft.PickOneAtLeast(0), std::nullopt);
}

TEST(LatencyFaultToleranceTest, BetterHalfRoundRobin) {
  LatencyFaultTolerance ft;
  ft.UpdateFaultItem("lat40", 40, 1000, 0);
  ft.UpdateFaultItem("lat10", 10, 1000, 0);
  ft.UpdateFaultItem("lat30", 30, 1000, 0);
  ft.UpdateFaultItem("lat20", 20, 1000, 0);
  std::optional<std::string> prev;
  std::set<std::string> picked;
  for (int k = 0; k < 10; ++k) {
    std::optional<std::string> p = ft.PickOneAtLeast(0);
    ASSERT_TRUE(p);
    picked.insert(*p);
    if (prev) {
      EXPECT_NE(*p, *prev) << k;  // half = 2: alternates
    }
    prev = p;
  }
  EXPECT_EQ(picked, (std::set<std::string>{"lat10", "lat20"}));
}

TEST(LatencyFaultToleranceTest, OddCountHalfRoundsDown) {
  LatencyFaultTolerance ft;
  ft.UpdateFaultItem("lat10", 10, 1000, 0);
  ft.UpdateFaultItem("lat20", 20, 1000, 0);
  ft.UpdateFaultItem("lat30", 30, 1000, 0);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(ft.PickOneAtLeast(0), "lat10");
  // Five items: half = 2.
  ft.UpdateFaultItem("lat5", 5, 1000, 0);
  ft.UpdateFaultItem("lat50", 50, 1000, 0);
  std::set<std::string> picked;
  for (int k = 0; k < 6; ++k) picked.insert(*ft.PickOneAtLeast(0));
  EXPECT_EQ(picked, (std::set<std::string>{"lat5", "lat10"}));
}

TEST(LatencyFaultToleranceTest, AvailableFirstThenLatencyThenStart) {
  LatencyFaultTolerance ft;
  ft.UpdateFaultItem("slow-but-back", 5000, 100, 0);  // available from 100
  ft.UpdateFaultItem("fast-away", 10, 1000, 0);
  ft.UpdateFaultItem("mid-away", 20, 1000, 0);
  ft.UpdateFaultItem("slowest-away", 30, 1000, 0);
  std::set<std::string> picked;
  for (int k = 0; k < 6; ++k) picked.insert(*ft.PickOneAtLeast(500));
  EXPECT_EQ(picked, (std::set<std::string>{"slow-but-back", "fast-away"}));
  // Before 100 nothing is available: lowest latencies win.
  picked.clear();
  for (int k = 0; k < 6; ++k) picked.insert(*ft.PickOneAtLeast(50));
  EXPECT_EQ(picked, (std::set<std::string>{"fast-away", "mid-away"}));

  // Equal latencies: the earlier end of unavailability first.
  LatencyFaultTolerance same;
  same.UpdateFaultItem("ends-400", 100, 400, 0);
  same.UpdateFaultItem("ends-100", 100, 100, 0);
  same.UpdateFaultItem("ends-300", 100, 300, 0);
  same.UpdateFaultItem("ends-200", 100, 200, 0);
  picked.clear();
  for (int k = 0; k < 6; ++k) picked.insert(*same.PickOneAtLeast(0));
  EXPECT_EQ(picked, (std::set<std::string>{"ends-100", "ends-200"}));
}

TEST(LatencyFaultToleranceTest, UpdateReplacesTheItem) {
  LatencyFaultTolerance ft;
  ft.UpdateFaultItem("a", 10, 1000, 0);
  ft.UpdateFaultItem("b", 20, 1000, 0);
  ft.UpdateFaultItem("c", 30, 1000, 0);
  ft.UpdateFaultItem("d", 40, 1000, 0);
  ft.UpdateFaultItem("a", 50, 1000, 0);  // now the worst
  std::set<std::string> picked;
  for (int k = 0; k < 6; ++k) picked.insert(*ft.PickOneAtLeast(0));
  EXPECT_EQ(picked, (std::set<std::string>{"b", "c"}));
  ft.UpdateFaultItem("a", 50, 0, 10);
  EXPECT_TRUE(ft.IsAvailable("a", 10));
}

TEST(LatencyFaultToleranceTest, ConcurrentUse) {
  FaultStrategy s = Enabled();
  auto info = Info();
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 2000; ++k) {
        int64_t now = k;
        MessageQueue mq = s.SelectOneMessageQueue(*info, "", now);
        EXPECT_FALSE(mq.broker_name.empty());
        s.UpdateFaultItem(mq.broker_name, (k * 37 + t) % 4000, k % 7 == 0, now);
        if (k % 100 == 0) s.fault_tolerance().Remove("broker-a");
      }
    });
  }
  for (auto& th : threads) th.join();
}

}  // namespace
}  // namespace orbit::client
