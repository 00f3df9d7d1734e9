// RebalanceLockManager: Apache's tryLockBatch / unlockBatch semantics, with time passed in.

#include "broker/rebalance_lock_manager.h"

#include <gtest/gtest.h>

namespace orbit::broker {
namespace {

using protocol::MessageQueue;

constexpr int64_t kT0 = 1'700'000'000'000;

MessageQueue Mq(int32_t id, std::string topic = "T") { return {std::move(topic), "broker-a", id}; }

TEST(RebalanceLockManagerTest, LocksFreeQueuesAndRefusesThoseOfAnotherClient) {
  RebalanceLockManager locks;
  auto got = locks.TryLockBatch("G", {Mq(0), Mq(1)}, "c1", kT0);
  EXPECT_EQ(got, (std::vector<MessageQueue>{Mq(0), Mq(1)}));
  // c2 gets only the queue nobody holds.
  got = locks.TryLockBatch("G", {Mq(1), Mq(2)}, "c2", kT0 + 1);
  EXPECT_EQ(got, (std::vector<MessageQueue>{Mq(2)}));
  EXPECT_EQ(locks.Owner("G", Mq(1), kT0 + 1), "c1");
  EXPECT_EQ(locks.Owner("G", Mq(2), kT0 + 1), "c2");
  EXPECT_EQ(locks.Owner("G", Mq(3), kT0 + 1), std::nullopt);
}

TEST(RebalanceLockManagerTest, LockingAgainRenewsTheClientsOwnLock) {
  RebalanceLockManager locks;
  ASSERT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c1", kT0).size(), 1u);
  // Renewed at +50 s: still held at +100 s, although 60 s passed since the first lock.
  ASSERT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c1", kT0 + 50000).size(), 1u);
  EXPECT_TRUE(locks.TryLockBatch("G", {Mq(0)}, "c2", kT0 + 100000).empty());
  EXPECT_EQ(locks.Owner("G", Mq(0), kT0 + 100000), "c1");
}

TEST(RebalanceLockManagerTest, ALockExpiresAfterMaxLiveTime) {
  RebalanceLockManager locks;
  EXPECT_EQ(locks.max_live_ms(), 60000);
  ASSERT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c1", kT0).size(), 1u);
  // Expired only when strictly more than 60 s passed (Apache: now - last > max).
  EXPECT_TRUE(locks.TryLockBatch("G", {Mq(0)}, "c2", kT0 + 60000).empty());
  EXPECT_EQ(locks.Owner("G", Mq(0), kT0 + 60001), std::nullopt);
  EXPECT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c2", kT0 + 60001).size(), 1u);
  EXPECT_EQ(locks.Owner("G", Mq(0), kT0 + 60001), "c2");
  // The former owner lost it.
  EXPECT_TRUE(locks.TryLockBatch("G", {Mq(0)}, "c1", kT0 + 60002).empty());
}

TEST(RebalanceLockManagerTest, MaxLiveTimeIsConfigurable) {
  RebalanceLockManager locks(1000);
  ASSERT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c1", kT0).size(), 1u);
  EXPECT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c2", kT0 + 1001).size(), 1u);
}

TEST(RebalanceLockManagerTest, OnlyTheOwnerUnlocks) {
  RebalanceLockManager locks;
  ASSERT_EQ(locks.TryLockBatch("G", {Mq(0), Mq(1)}, "c1", kT0).size(), 2u);
  locks.UnlockBatch("G", {Mq(0), Mq(1)}, "c2");
  EXPECT_EQ(locks.Owner("G", Mq(0), kT0), "c1");
  EXPECT_EQ(locks.Owner("G", Mq(1), kT0), "c1");
  locks.UnlockBatch("G", {Mq(0)}, "c1");
  EXPECT_EQ(locks.Owner("G", Mq(0), kT0), std::nullopt);
  EXPECT_EQ(locks.Owner("G", Mq(1), kT0), "c1");
  EXPECT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c2", kT0 + 1).size(), 1u);
  // Unlocking what is not locked, or an unknown group, is harmless.
  locks.UnlockBatch("G", {Mq(7)}, "c1");
  locks.UnlockBatch("nope", {Mq(0)}, "c1");
  EXPECT_EQ(locks.Owner("G", Mq(0), kT0 + 1), "c2");
}

TEST(RebalanceLockManagerTest, TheOwnerMayUnlockItsExpiredLock) {
  RebalanceLockManager locks;
  ASSERT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c1", kT0).size(), 1u);
  locks.UnlockBatch("G", {Mq(0)}, "c1");
  EXPECT_EQ(locks.TryLockBatch("G", {Mq(0)}, "c2", kT0 + 1).size(), 1u);
}

TEST(RebalanceLockManagerTest, GroupsAndTopicsAreIndependent) {
  RebalanceLockManager locks;
  ASSERT_EQ(locks.TryLockBatch("G1", {Mq(0)}, "c1", kT0).size(), 1u);
  EXPECT_EQ(locks.TryLockBatch("G2", {Mq(0)}, "c2", kT0).size(), 1u);
  EXPECT_EQ(locks.TryLockBatch("G1", {Mq(0, "U")}, "c2", kT0).size(), 1u);
  EXPECT_EQ(locks.Owner("G1", Mq(0), kT0), "c1");
  EXPECT_EQ(locks.Owner("G2", Mq(0), kT0), "c2");
}

TEST(RebalanceLockManagerTest, ARepeatedQueueIsReportedOnce) {
  RebalanceLockManager locks;
  auto got = locks.TryLockBatch("G", {Mq(0), Mq(0), Mq(1)}, "c1", kT0);
  EXPECT_EQ(got, (std::vector<MessageQueue>{Mq(0), Mq(1)}));
  EXPECT_TRUE(locks.TryLockBatch("G", {}, "c1", kT0).empty());
}

}  // namespace
}  // namespace orbit::broker
