// Queue allocation strategies against answers worked out by hand from the Java client's
// algorithms (Apache RocketMQ 4.9), plus the properties every group relies on: across all the
// consumers of a group, each queue is given exactly once.

#include "orbit/allocate_strategy.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <utility>
#include <vector>

namespace orbit {
namespace {

using Queues = std::vector<MessageQueue>;
using Ids = std::vector<std::string>;

// `n` queues of TopicTest on `broker`, sorted.
Queues MakeQueues(int n, const std::string& broker = "broker-a") {
  Queues out;
  for (int i = 0; i < n; ++i) out.push_back(MessageQueue{"TopicTest", broker, i});
  return out;
}

// "client-00", "client-01", ...: sorted as strings and as numbers alike.
Ids MakeClients(int n) {
  Ids out;
  for (int i = 0; i < n; ++i) out.push_back((i < 10 ? "client-0" : "client-") + std::to_string(i));
  return out;
}

std::vector<int32_t> QueueIds(const Queues& queues) {
  std::vector<int32_t> ids;
  for (const MessageQueue& mq : queues) ids.push_back(mq.queue_id);
  return ids;
}

// The queue ids `client` gets; fails the test on an error.
std::vector<int32_t> Share(const AllocateStrategy& s, const std::string& client,
                           const Queues& queues, const Ids& clients) {
  auto r = s.Allocate("group", client, queues, clients);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? QueueIds(*r) : std::vector<int32_t>{};
}

// Every client's share, by client id.
std::map<std::string, Queues> AllShares(const AllocateStrategy& s, const Queues& queues,
                                        const Ids& clients) {
  std::map<std::string, Queues> out;
  for (const std::string& c : clients) {
    auto r = s.Allocate("group", c, queues, clients);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (r.ok()) out[c] = *r;
  }
  return out;
}

// Over all clients, each queue given exactly once and nothing else given.
void ExpectPartition(const AllocateStrategy& s, const Queues& queues, const Ids& clients) {
  std::map<MessageQueue, int> seen;
  for (const auto& [client, share] : AllShares(s, queues, clients)) {
    for (const MessageQueue& mq : share) ++seen[mq];
  }
  ASSERT_EQ(seen.size(), queues.size())
      << s.Name() << " " << queues.size() << "/" << clients.size();
  for (const MessageQueue& mq : queues) {
    EXPECT_EQ(seen[mq], 1) << s.Name() << " " << mq.ToString() << " with " << queues.size()
                           << " queues, " << clients.size() << " clients";
  }
}

TEST(AllocateStrategyTest, Names) {
  EXPECT_EQ(AllocateAveragely()->Name(), "AVG");
  EXPECT_EQ(AllocateAveragelyByCircle()->Name(), "AVG_BY_CIRCLE");
  EXPECT_EQ(AllocateConsistentHash()->Name(), "CONSISTENT_HASH");
  EXPECT_EQ(AllocateByConfig({})->Name(), "CONFIG");
  EXPECT_EQ(AllocateByMachineRoom({})->Name(), "MACHINE_ROOM");
}

TEST(AllocateAveragelyTest, ContiguousRangesFirstClientsTakeTheRemainder) {
  auto s = AllocateAveragely();
  const Queues q = MakeQueues(8);
  const Ids c = MakeClients(3);
  // 8 = 3 + 3 + 2: the first 8 % 3 = 2 clients take one more.
  EXPECT_EQ(Share(*s, c[0], q, c), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(Share(*s, c[1], q, c), (std::vector<int32_t>{3, 4, 5}));
  EXPECT_EQ(Share(*s, c[2], q, c), (std::vector<int32_t>{6, 7}));
  // 10 over 4: 3, 3, 2, 2.
  const Queues q10 = MakeQueues(10);
  const Ids c4 = MakeClients(4);
  EXPECT_EQ(Share(*s, c4[0], q10, c4), (std::vector<int32_t>{0, 1, 2}));
  EXPECT_EQ(Share(*s, c4[1], q10, c4), (std::vector<int32_t>{3, 4, 5}));
  EXPECT_EQ(Share(*s, c4[2], q10, c4), (std::vector<int32_t>{6, 7}));
  EXPECT_EQ(Share(*s, c4[3], q10, c4), (std::vector<int32_t>{8, 9}));
  // Even split: 6 over 3.
  const Queues q6 = MakeQueues(6);
  EXPECT_EQ(Share(*s, c[1], q6, c), (std::vector<int32_t>{2, 3}));
}

TEST(AllocateAveragelyTest, FewerQueuesThanClients) {
  auto s = AllocateAveragely();
  const Queues q = MakeQueues(2);
  const Ids c = MakeClients(4);
  EXPECT_EQ(Share(*s, c[0], q, c), (std::vector<int32_t>{0}));
  EXPECT_EQ(Share(*s, c[1], q, c), (std::vector<int32_t>{1}));
  EXPECT_TRUE(Share(*s, c[2], q, c).empty());
  EXPECT_TRUE(Share(*s, c[3], q, c).empty());
  // As many queues as clients: one each.
  const Queues q4 = MakeQueues(4);
  EXPECT_EQ(Share(*s, c[3], q4, c), (std::vector<int32_t>{3}));
}

TEST(AllocateAveragelyByCircleTest, RoundRobin) {
  auto s = AllocateAveragelyByCircle();
  const Queues q = MakeQueues(8);
  const Ids c = MakeClients(3);
  EXPECT_EQ(Share(*s, c[0], q, c), (std::vector<int32_t>{0, 3, 6}));
  EXPECT_EQ(Share(*s, c[1], q, c), (std::vector<int32_t>{1, 4, 7}));
  EXPECT_EQ(Share(*s, c[2], q, c), (std::vector<int32_t>{2, 5}));
  const Queues q2 = MakeQueues(2);
  EXPECT_EQ(Share(*s, c[1], q2, c), (std::vector<int32_t>{1}));
  EXPECT_TRUE(Share(*s, c[2], q2, c).empty());
}

TEST(AllocateStrategyTest, EveryQueueGivenExactlyOnce) {
  const std::vector<std::shared_ptr<AllocateStrategy>> strategies = {
      AllocateAveragely(), AllocateAveragelyByCircle(), AllocateConsistentHash(),
      AllocateConsistentHash(1), AllocateConsistentHash(50)};
  for (const auto& s : strategies) {
    for (int nq = 1; nq <= 20; ++nq) {
      for (int nc = 1; nc <= 7; ++nc) ExpectPartition(*s, MakeQueues(nq), MakeClients(nc));
    }
  }
}

TEST(AllocateStrategyTest, QueuesOfSeveralBrokersKeepTheirOrder) {
  // The caller sorts the queues (topic, then broker, then id); AVG cuts that order into runs.
  Queues q = MakeQueues(3, "broker-a");
  for (const MessageQueue& mq : MakeQueues(3, "broker-b")) q.push_back(mq);
  const Ids c = MakeClients(2);
  auto r = AllocateAveragely()->Allocate("group", c[1], q, c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, Queues(q.begin() + 3, q.end()));
  r = AllocateAveragelyByCircle()->Allocate("group", c[1], q, c);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, (Queues{q[1], q[3], q[5]}));
}

// Java throws IllegalArgumentException for these three; Orbit returns kInvalidArgument.
TEST(AllocateStrategyTest, InvalidArguments) {
  const Queues q = MakeQueues(4);
  const Ids c = MakeClients(2);
  for (const auto& s :
       {AllocateAveragely(), AllocateAveragelyByCircle(), AllocateConsistentHash()}) {
    auto r = s->Allocate("group", "", q, c);
    ASSERT_FALSE(r.ok()) << s->Name();
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("client id is empty"), std::string::npos);
    r = s->Allocate("group", c[0], {}, c);
    ASSERT_FALSE(r.ok()) << s->Name();
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("queues is empty"), std::string::npos);
    r = s->Allocate("group", c[0], q, {});
    ASSERT_FALSE(r.ok()) << s->Name();
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(r.status().message().find("client ids is empty"), std::string::npos);
  }
}

// Java logs "[BUG] ... not in cidAll" and returns an empty list: not an error.
TEST(AllocateStrategyTest, UnknownClientGetsNothing) {
  const Queues q = MakeQueues(4);
  const Ids c = MakeClients(2);
  for (const auto& s : {AllocateAveragely(), AllocateAveragelyByCircle(), AllocateConsistentHash(),
                        AllocateByMachineRoom({"idc1"})}) {
    auto r = s->Allocate("group", "stranger", q, c);
    ASSERT_TRUE(r.ok()) << s->Name() << ": " << r.status().ToString();
    EXPECT_TRUE(r->empty()) << s->Name();
  }
}

// Expected shares from an independent model of Java's ConsistentHashRouter in Python (hashlib):
//   h(s) = int.from_bytes(md5(s.encode()).digest()[:4], "big")
//   ring[h(f"{cid}-{i}")] = cid for each cid in order, i in 0..vn-1 (later points overwrite);
//   a queue goes to ring[first key >= h(mq.toString())], wrapping to the first key.
// The queue strings are "MessageQueue [topic=TopicTest, brokerName=broker-a, queueId=N]".
TEST(AllocateConsistentHashTest, MatchesJavaHashRing) {
  auto s = AllocateConsistentHash();
  const Queues q = MakeQueues(8);
  const Ids c3 = {"client-a", "client-b", "client-c"};
  EXPECT_EQ(Share(*s, "client-a", q, c3), (std::vector<int32_t>{0, 2, 6}));
  EXPECT_EQ(Share(*s, "client-b", q, c3), (std::vector<int32_t>{1, 4, 7}));
  EXPECT_EQ(Share(*s, "client-c", q, c3), (std::vector<int32_t>{3, 5}));
  // Adding client-d takes queues 2 and 6 from client-a; nothing else moves.
  const Ids c4 = {"client-a", "client-b", "client-c", "client-d"};
  EXPECT_EQ(Share(*s, "client-a", q, c4), (std::vector<int32_t>{0}));
  EXPECT_EQ(Share(*s, "client-b", q, c4), (std::vector<int32_t>{1, 4, 7}));
  EXPECT_EQ(Share(*s, "client-c", q, c4), (std::vector<int32_t>{3, 5}));
  EXPECT_EQ(Share(*s, "client-d", q, c4), (std::vector<int32_t>{2, 6}));
}

// One point per client, checkable by eye. MD5 prefixes: "client-a-0" d3183e1e, "client-b-0"
// ba47913d; queues 0..3: 767d59fc, ffc8cd39, 32df78bf, d9b9174a. Queues 0 and 2 fall before
// ba47913d (client-b); 1 and 3 lie past d3183e1e and wrap around to the lowest point, client-b's.
TEST(AllocateConsistentHashTest, OneVirtualNodeByHand) {
  auto s = AllocateConsistentHash(1);
  const Queues q = MakeQueues(4);
  const Ids c = {"client-a", "client-b"};
  EXPECT_TRUE(Share(*s, "client-a", q, c).empty());
  EXPECT_EQ(Share(*s, "client-b", q, c), (std::vector<int32_t>{0, 1, 2, 3}));
}

// A client listed twice gets points numbered on ("client-a-10" .. "client-a-19"), as Java's
// ConsistentHashRouter.addNode does; same Python model as above.
TEST(AllocateConsistentHashTest, DuplicateClientIdAddsMorePoints) {
  auto s = AllocateConsistentHash();
  const Queues q = MakeQueues(8);
  const Ids c = {"client-a", "client-a", "client-b"};
  EXPECT_EQ(Share(*s, "client-a", q, c), (std::vector<int32_t>{0, 1, 2, 5, 6, 7}));
  EXPECT_EQ(Share(*s, "client-b", q, c), (std::vector<int32_t>{3, 4}));
  // 20 points each is a different ring.
  const Ids c2 = {"client-a", "client-b"};
  EXPECT_EQ(Share(*AllocateConsistentHash(20), "client-a", q, c2), (std::vector<int32_t>{0, 2}));
}

TEST(AllocateConsistentHashTest, StableAndMovesOnlySomeQueuesWhenAClientJoins) {
  auto s = AllocateConsistentHash();
  const Queues q = MakeQueues(16, "broker-x");
  for (int n = 1; n < 7; ++n) {
    const Ids before = MakeClients(n);
    const Ids after = MakeClients(n + 1);
    const auto shares = AllShares(*s, q, before);
    EXPECT_EQ(shares, AllShares(*s, q, before));  // the same inputs, the same answer
    const auto shares_after = AllShares(*s, q, after);
    // Only queues that the newcomer takes change hands.
    const std::string& newcomer = after.back();
    size_t moved = 0;
    for (const std::string& c : before) {
      const Queues& old_share = shares.at(c);
      const Queues& new_share = shares_after.at(c);
      for (const MessageQueue& mq : new_share) {
        EXPECT_NE(std::find(old_share.begin(), old_share.end(), mq), old_share.end())
            << c << " gained " << mq.ToString() << " when " << newcomer << " joined";
      }
      moved += old_share.size() - new_share.size();
    }
    EXPECT_EQ(moved, shares_after.at(newcomer).size());
    EXPECT_LT(moved, q.size()) << "n=" << n;
  }
}

TEST(AllocateConsistentHashTest, VirtualNodeCounts) {
  const Queues q = MakeQueues(4);
  const Ids c = MakeClients(2);
  // No points on the ring: nobody gets anything (Java's router returns null for every queue).
  for (const std::string& id : c) {
    auto r = AllocateConsistentHash(0)->Allocate("group", id, q, c);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
  }
  auto r = AllocateConsistentHash(-1)->Allocate("group", c[0], q, c);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
}

TEST(AllocateByConfigTest, ReturnsItsQueuesWhateverTheArguments) {
  const Queues mine = {MessageQueue{"T", "broker-b", 3}, MessageQueue{"T", "broker-a", 1}};
  auto s = AllocateByConfig(mine);
  const Ids c = MakeClients(3);
  for (const std::string& id : {c[0], c[2], std::string("stranger"), std::string()}) {
    auto r = s->Allocate("group", id, MakeQueues(8), c);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(*r, mine);
  }
  auto r = s->Allocate("group", "", {}, {});
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(*r, mine);
  r = AllocateByConfig({})->Allocate("group", c[0], MakeQueues(2), c);
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(AllocateByMachineRoomTest, OnlyQueuesOfTheConsumersRooms) {
  // Sorted: plain broker-d (2 queues), hz@broker-a (2), sh@broker-b (3), sz@broker-c (2). The
  // queues in rooms hz and sh are q[2] .. q[6].
  Queues q;
  for (const MessageQueue& mq : MakeQueues(2, "broker-d")) q.push_back(mq);
  for (const MessageQueue& mq : MakeQueues(2, "hz@broker-a")) q.push_back(mq);
  for (const MessageQueue& mq : MakeQueues(3, "sh@broker-b")) q.push_back(mq);
  for (const MessageQueue& mq : MakeQueues(2, "sz@broker-c")) q.push_back(mq);
  auto s = AllocateByMachineRoom({"hz", "sh"});
  // 5 queues in the rooms over 2 clients: 5 / 2 = 2 each, in runs, then the 5 % 2 = 1 leftover
  // (the last one, sh@broker-b 2) to the first client.
  const Ids c = MakeClients(2);
  auto r0 = s->Allocate("group", c[0], q, c);
  auto r1 = s->Allocate("group", c[1], q, c);
  ASSERT_TRUE(r0.ok());
  ASSERT_TRUE(r1.ok());
  EXPECT_EQ(*r0, (Queues{q[2], q[3], q[6]}));
  EXPECT_EQ(*r1, (Queues{q[4], q[5]}));

  // 5 over 3: one each in a run (0, 1, 2), leftovers 3 and 4 to the first two clients. The runs
  // and the leftovers interleave differently from AVG.
  const Ids c3 = MakeClients(3);
  EXPECT_EQ(s->Allocate("group", c3[0], q, c3).value(), (Queues{q[2], q[5]}));
  EXPECT_EQ(s->Allocate("group", c3[1], q, c3).value(), (Queues{q[3], q[6]}));
  EXPECT_EQ(s->Allocate("group", c3[2], q, c3).value(), (Queues{q[4]}));

  // More clients than queues in the rooms: the first ones get one each.
  const Ids c7 = MakeClients(7);
  EXPECT_EQ(s->Allocate("group", c7[4], q, c7).value(), (Queues{q[6]}));
  EXPECT_TRUE(s->Allocate("group", c7[5], q, c7).value().empty());
}

TEST(AllocateByMachineRoomTest, BrokerNamesSplitAsJavaSplits) {
  // Java keeps a queue when brokerName.split("@") has exactly two parts; split drops trailing
  // empty parts, so "hz@b@" has two parts and "hz@" only one.
  const Queues q = {
      MessageQueue{"T", "@b", 0},      // ["", "b"]: idc "" (not configured)
      MessageQueue{"T", "hz", 0},      // ["hz"]
      MessageQueue{"T", "hz@", 0},     // ["hz"]
      MessageQueue{"T", "hz@b", 0},    // ["hz", "b"]: kept
      MessageQueue{"T", "hz@b@", 0},   // ["hz", "b"]: kept
      MessageQueue{"T", "hz@b@c", 0},  // three parts
      MessageQueue{"T", "hz@b@@", 0},  // ["hz", "b"]: kept
      MessageQueue{"T", "xx@b", 0},    // another room
  };
  const Ids c = MakeClients(1);
  EXPECT_EQ(AllocateByMachineRoom({"hz"})->Allocate("group", c[0], q, c).value(),
            (Queues{q[3], q[4], q[6]}));
  // An empty idc is matched too, as in Java.
  EXPECT_EQ(AllocateByMachineRoom({""})->Allocate("group", c[0], q, c).value(), (Queues{q[0]}));
}

// Java's strategy checks nothing but whether the client is listed: no errors, only empty lists.
TEST(AllocateByMachineRoomTest, NoErrors) {
  auto s = AllocateByMachineRoom({"hz"});
  const Queues q = MakeQueues(2, "hz@broker-a");
  for (const auto& [id, clients] :
       std::vector<std::pair<std::string, Ids>>{{"", MakeClients(2)}, {"client-00", {}}}) {
    auto r = s->Allocate("group", id, q, clients);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(r->empty());
  }
  auto r = s->Allocate("group", "client-00", {}, MakeClients(2));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
  // With nothing in the rooms, every listed client gets nothing.
  r = AllocateByMachineRoom({})->Allocate("group", "client-00", q, MakeClients(2));
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->empty());
}

TEST(AllocateByMachineRoomTest, EveryRoomQueueGivenExactlyOnce) {
  auto s = AllocateByMachineRoom({"hz"});
  for (int nq = 1; nq <= 20; ++nq) {
    for (int nc = 1; nc <= 7; ++nc) ExpectPartition(*s, MakeQueues(nq, "hz@b"), MakeClients(nc));
  }
}

}  // namespace
}  // namespace orbit
