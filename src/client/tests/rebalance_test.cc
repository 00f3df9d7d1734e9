// The rebalance's bookkeeping (RebalanceImpl's rules) with fake dependencies: which queues are
// taken and given up, when pull requests go out, and what is kept when a step fails.

#include "client/rebalance.h"

#include <gtest/gtest.h>

#include <ctime>

#include "client/offset_store.h"
#include "protocol/codes.h"

namespace orbit::client {
namespace {

using protocol::ConsumeType;
using protocol::MessageModel;

class FakeDeps final : public RebalanceDeps {
 public:
  Result<std::vector<std::string>> FindConsumerIdList(const std::string&,
                                                      const std::string&) override {
    ++id_lookups;
    if (!ids_error.ok()) return ids_error;
    return ids;
  }
  int64_t ComputePullFromWhere(const MessageQueue& queue) override {
    auto it = start_offsets.find(queue.queue_id);
    return it == start_offsets.end() ? 100 + queue.queue_id : it->second;
  }
  void RemoveDirtyOffset(const MessageQueue& queue) override { dirty_removed.insert(queue); }
  bool RemoveUnnecessaryMessageQueue(const MessageQueue& queue, ProcessQueue& pq) override {
    EXPECT_TRUE(pq.dropped()) << "dropped before it is let go";
    removed.push_back(queue);
    return let_go;
  }
  bool Lock(const MessageQueue& queue) override {
    locks.push_back(queue);
    return locked_elsewhere.count(queue.queue_id) == 0;
  }
  void DispatchPullRequests(std::vector<PullRequest> requests) override {
    for (auto& r : requests) pulls.push_back(std::move(r));
  }
  void MessageQueueChanged(const std::string&, const std::set<MessageQueue>& all,
                           const std::set<MessageQueue>& mine) override {
    ++changes;
    last_all = all;
    last_mine = mine;
  }

  std::vector<std::string> ids;
  Status ids_error;
  int id_lookups = 0;
  std::map<int32_t, int64_t> start_offsets;
  std::set<MessageQueue> dirty_removed;
  std::vector<MessageQueue> removed;
  bool let_go = true;
  std::vector<MessageQueue> locks;
  std::set<int32_t> locked_elsewhere;
  std::vector<PullRequest> pulls;
  int changes = 0;
  std::set<MessageQueue> last_all, last_mine;
};

std::vector<MessageQueue> Queues(const std::string& topic, int n) {
  std::vector<MessageQueue> out;
  for (int i = 0; i < n; ++i) out.push_back(MessageQueue{topic, "broker-a", i});
  return out;
}

std::set<int32_t> Ids(const std::map<MessageQueue, std::shared_ptr<ProcessQueue>>& table) {
  std::set<int32_t> out;
  for (const auto& [q, pq] : table) out.insert(q.queue_id);
  return out;
}

class RebalanceTest : public ::testing::Test {
 protected:
  Rebalancer Make(MessageModel model = MessageModel::kClustering) {
    return Rebalancer("G", model, ConsumeType::kConsumePassively, AllocateAveragely(), "c1", &deps_,
                      clock_);
  }
  FakeDeps deps_;
  ManualClock clock_;
};

TEST_F(RebalanceTest, ClusteringTakesItsShareAndPullsFromTheStartOffset) {
  Rebalancer r = Make();
  r.SetSubscribeInfo("T", Queues("T", 4));
  deps_.ids = {"c2", "c1"};  // sorted by the rebalance: c1 first, so c1 gets queues 0 and 1
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0, 1}));
  ASSERT_EQ(deps_.pulls.size(), 2u);
  EXPECT_EQ(deps_.pulls[0].queue.queue_id, 0);
  EXPECT_EQ(deps_.pulls[0].next_offset, 100);
  EXPECT_EQ(deps_.pulls[1].next_offset, 101);
  EXPECT_EQ(deps_.pulls[0].consumer_group, "G");
  EXPECT_EQ(deps_.pulls[0].process_queue, r.ProcessQueueOf(MessageQueue{"T", "broker-a", 0}));
  EXPECT_EQ(deps_.dirty_removed.size(), 2u);
  EXPECT_EQ(deps_.changes, 1);
  EXPECT_EQ(deps_.last_all.size(), 4u);
  EXPECT_EQ(deps_.last_mine.size(), 2u);

  // Nothing changed: no new pulls, no change event.
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(deps_.pulls.size(), 2u);
  EXPECT_EQ(deps_.changes, 1);
}

TEST_F(RebalanceTest, ShareGrowsAndShrinksWithTheGroup) {
  Rebalancer r = Make();
  r.SetSubscribeInfo("T", Queues("T", 4));
  deps_.ids = {"c1", "c2"};
  r.DoRebalance({"T"}, false);
  auto kept = r.ProcessQueueOf(MessageQueue{"T", "broker-a", 0});

  deps_.ids = {"c1"};  // alone: all four, the two held kept as they are
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0, 1, 2, 3}));
  EXPECT_EQ(deps_.pulls.size(), 4u);
  EXPECT_EQ(r.ProcessQueueOf(MessageQueue{"T", "broker-a", 0}), kept);

  deps_.ids = {"c1", "c2", "c3", "c4"};  // one each: queues 1-3 given up, dropped first
  auto leaving = r.ProcessQueueOf(MessageQueue{"T", "broker-a", 3});
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0}));
  EXPECT_EQ(deps_.removed.size(), 3u);
  EXPECT_TRUE(leaving->dropped());
  EXPECT_FALSE(kept->dropped());
  EXPECT_EQ(deps_.changes, 3);
}

TEST_F(RebalanceTest, AQueueNotLetGoStaysDroppedAndIsRetried) {
  Rebalancer r = Make();
  r.SetSubscribeInfo("T", Queues("T", 2));
  deps_.ids = {"c1"};
  r.DoRebalance({"T"}, false);
  deps_.ids = {"c1", "c2"};
  deps_.let_go = false;
  r.DoRebalance({"T"}, false);
  auto held = r.ProcessQueueOf(MessageQueue{"T", "broker-a", 1});
  ASSERT_NE(held, nullptr);
  EXPECT_TRUE(held->dropped());
  deps_.let_go = true;
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(r.ProcessQueueOf(MessageQueue{"T", "broker-a", 1}), nullptr);
  EXPECT_EQ(deps_.removed.size(), 2u);
}

TEST_F(RebalanceTest, NoStartOffsetMeansTryAgainLater) {
  Rebalancer r = Make();
  r.SetSubscribeInfo("T", Queues("T", 2));
  deps_.ids = {"c1"};
  deps_.start_offsets[1] = -1;
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0}));
  deps_.start_offsets.erase(1);
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0, 1}));
  EXPECT_EQ(deps_.pulls.size(), 2u);
}

TEST_F(RebalanceTest, OrderlyTakesOnlyTheQueuesItLocks) {
  Rebalancer r = Make();
  r.SetSubscribeInfo("T", Queues("T", 3));
  deps_.ids = {"c1"};
  deps_.locked_elsewhere = {2};
  r.DoRebalance({"T"}, true);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0, 1}));
  EXPECT_EQ(deps_.locks.size(), 3u);
  r.DoRebalance({"T"}, false);  // not orderly: no lock needed
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0, 1, 2}));
}

TEST_F(RebalanceTest, BroadcastingTakesEveryQueueWithoutAskingForTheGroup) {
  Rebalancer r = Make(MessageModel::kBroadcasting);
  r.SetSubscribeInfo("T", Queues("T", 3));
  r.DoRebalance({"T"}, false);
  EXPECT_EQ(Ids(r.ProcessQueues()), (std::set<int32_t>{0, 1, 2}));
  EXPECT_EQ(deps_.id_lookups, 0);
  EXPECT_EQ(deps_.last_mine, deps_.last_all);
}

TEST_F(RebalanceTest, PullExpiredQueuesAreDroppedAndTakenAgain) {
  Rebalancer r = Make();
  r.SetSubscribeInfo("T", Queues("T", 1));
  deps_.ids = {"c1"};
  r.DoRebalance({"T"}, false);
  auto first = r.ProcessQueueOf(MessageQueue{"T", "broker-a", 0});
  first->TouchLastPull();
  clock_.Advance(kPullMaxIdleTimeMs + 1);
  r.DoRebalance({"T"}, false);
  EXPECT_TRUE(first->dropped());
  auto again = r.ProcessQueueOf(MessageQueue{"T", "broker-a", 0});
  ASSERT_NE(again, nullptr);
  EXPECT_NE(again, first);
  EXPECT_EQ(deps_.pulls.size(), 2u);
}

TEST_F(RebalanceTest, FailuresChangeNothingAndUnsubscribedTopicsAreDropped) {
  Rebalancer r = Make();
  r.DoRebalance({"T"}, false);  // no route yet
  EXPECT_TRUE(r.ProcessQueues().empty());
  r.SetSubscribeInfo("T", Queues("T", 2));
  r.SetSubscribeInfo("U", Queues("U", 1));
  deps_.ids = {"c1"};
  r.DoRebalance({"T", "U"}, false);
  EXPECT_EQ(r.ProcessQueues().size(), 3u);

  deps_.ids_error = Status(ErrorCode::kTimeout, "no answer");
  r.DoRebalance({"T", "U"}, false);
  EXPECT_EQ(r.ProcessQueues().size(), 3u) << "an unknown group keeps what is held";

  deps_.ids = {"someone-else"};  // this client is not in the list: allocation gives nothing
  deps_.ids_error = Status::Ok();
  r.DoRebalance({"T", "U"}, false);
  EXPECT_TRUE(r.ProcessQueues().empty());

  deps_.ids = {"c1"};
  r.DoRebalance({"T", "U"}, false);
  auto u = r.ProcessQueueOf(MessageQueue{"U", "broker-a", 0});
  ASSERT_NE(u, nullptr);
  r.DoRebalance({"T"}, false);  // U unsubscribed
  EXPECT_TRUE(u->dropped());
  EXPECT_EQ(r.ProcessQueueOf(MessageQueue{"U", "broker-a", 0}), nullptr);
  EXPECT_EQ(r.ProcessQueues().size(), 2u);
}

// The broker side of an offset store: a fixed answer to QUERY_CONSUMER_OFFSET.
class FixedOffsetApi final : public OffsetBrokerApi {
 public:
  explicit FixedOffsetApi(Result<int64_t> answer) : answer_(std::move(answer)) {}
  Result<int64_t> QueryConsumerOffset(const MessageQueue&, const std::string&, int64_t) override {
    return answer_;
  }
  Status UpdateConsumerOffset(const MessageQueue&, const std::string&, int64_t, bool,
                              int64_t) override {
    return Status::Ok();
  }

 private:
  Result<int64_t> answer_;
};

int64_t StartOf(protocol::ConsumeFromWhere where, const std::string& topic, Result<int64_t> stored,
                Result<int64_t> max = int64_t{500}, Result<int64_t> by_time = int64_t{321}) {
  FixedOffsetApi api(std::move(stored));
  RemoteBrokerOffsetStore store(&api, "G");
  StartOffsetLookups lookups;
  lookups.max_offset = [&](const MessageQueue&) { return max; };
  lookups.search_offset = [&](const MessageQueue&, int64_t ts) -> Result<int64_t> {
    EXPECT_EQ(ts, 1234);
    return by_time;
  };
  return ComputePullFromWhere(where, MessageQueue{topic, "broker-a", 0}, store, lookups, 1234);
}

TEST(StartOffsetTest, StoredOffsetsWinAndConsumeFromWhereDecidesOtherwise) {
  using W = protocol::ConsumeFromWhere;
  const Status not_found = Status::Remote(protocol::ResponseCode::kQueryNotFound, "none");
  const Status broken = Status(ErrorCode::kTimeout, "no answer");
  for (W where : {W::kConsumeFromLastOffset, W::kConsumeFromFirstOffset, W::kConsumeFromTimestamp,
                  W::kConsumeFromMinOffset}) {
    EXPECT_EQ(StartOf(where, "T", int64_t{42}), 42);
    EXPECT_EQ(StartOf(where, "T", broken), -1) << "the store could not be asked: not now";
  }
  EXPECT_EQ(StartOf(W::kConsumeFromLastOffset, "T", not_found), 500);
  EXPECT_EQ(StartOf(W::kConsumeFromMaxOffset, "T", not_found), 500);
  EXPECT_EQ(StartOf(W::kConsumeFromLastOffset, "%RETRY%G", not_found), 0);
  EXPECT_EQ(StartOf(W::kConsumeFromLastOffset, "T", not_found, broken), -1);
  EXPECT_EQ(StartOf(W::kConsumeFromFirstOffset, "T", not_found), 0);
  EXPECT_EQ(StartOf(W::kConsumeFromTimestamp, "T", not_found), 321);
  EXPECT_EQ(StartOf(W::kConsumeFromTimestamp, "%RETRY%G", not_found), 500);
  EXPECT_EQ(StartOf(W::kConsumeFromTimestamp, "T", not_found, int64_t{500}, broken), -1);
}

TEST(StartOffsetTest, ConsumeTimestampIsLocalTimeInJavasFormat) {
  auto t = ParseConsumeTimestamp("20261122093000");
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::tm tm{};
  tm.tm_year = 2026 - 1900;
  tm.tm_mon = 10;
  tm.tm_mday = 22;
  tm.tm_hour = 9;
  tm.tm_min = 30;
  tm.tm_isdst = -1;
  EXPECT_EQ(*t, static_cast<int64_t>(std::mktime(&tm)) * 1000);
  for (const char* bad : {"", "2026112209300", "202611220930001",
                          "2026-11-22 09:", "20261330093000", "20260230093000", "20261122250000"}) {
    auto r = ParseConsumeTimestamp(bad);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << bad;
  }
}

}  // namespace
}  // namespace orbit::client
