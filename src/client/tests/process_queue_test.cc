// The push consumer's per-queue buffer (Java's ProcessQueue): offsets to commit, flow-control
// figures, orderly take/commit/rollback, lock and pull expiry on a manual clock, and a bounded
// run of pull and consume threads at once.

#include "client/process_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <deque>
#include <string>
#include <thread>
#include <vector>

#include "protocol/properties.h"

namespace orbit::client {
namespace {

MessageExt Msg(int64_t offset, size_t body_size = 10) {
  MessageExt msg;
  msg.set_topic("TopicTest");
  msg.set_body(std::string(body_size, 'x'));
  msg.queue_offset = offset;
  return msg;
}

// Messages at offsets [from, to).
std::vector<MessageExt> Range(int64_t from, int64_t to, size_t body_size = 10) {
  std::vector<MessageExt> msgs;
  for (int64_t o = from; o < to; ++o) msgs.push_back(Msg(o, body_size));
  return msgs;
}

std::vector<int64_t> Offsets(const std::vector<MessageExt>& msgs) {
  std::vector<int64_t> offsets;
  for (const MessageExt& m : msgs) offsets.push_back(m.queue_offset);
  return offsets;
}

class ProcessQueueTest : public ::testing::Test {
 protected:
  ManualClock clock_{1'000'000};
  ProcessQueue pq_{clock_};
};

TEST_F(ProcessQueueTest, RemoveInOrderCommitsNextHeldThenPastTheEnd) {
  EXPECT_EQ(pq_.RemoveMessage(Range(0, 1)), -1);  // nothing held yet
  pq_.PutMessage(Range(0, 10));
  EXPECT_EQ(pq_.RemoveMessage(Range(0, 5)), 5);
  EXPECT_EQ(pq_.RemoveMessage(Range(5, 10)), 10);
  EXPECT_EQ(pq_.RemoveMessage(Range(0, 10)), -1);  // empty again
}

TEST_F(ProcessQueueTest, TrackedMessagesCountLikeWholeOnesAndExpireWithoutTheirBody) {
  std::vector<MessageExt> msgs = Range(0, 4, 100);
  msgs[0].msg_id = "ID-0";
  msgs[0].commit_log_offset = 4242;
  msgs[0].store_host = "127.0.0.1:10911";
  msgs[0].reconsume_times = 2;
  msgs[0].PutPropertyUnchecked(std::string(protocol::kPropertyRetryTopic), "OriginTopic");
  msgs[0].PutPropertyUnchecked("user", "value");
  msgs[3].PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), "10");
  pq_.TrackMessages(msgs);
  EXPECT_EQ(pq_.msg_count(), 4);
  EXPECT_EQ(pq_.msg_size(), 400);
  EXPECT_EQ(pq_.msg_acc_cnt(), 7);  // MAX_OFFSET 10 - offset 3
  EXPECT_EQ(pq_.GetMaxSpan(), 3);

  // Not started: never expired. Started: expired once past the timeout.
  EXPECT_FALSE(pq_.FirstExpired(10'000'000, 1000).has_value());
  pq_.MarkConsumeStart(msgs, 5000);
  EXPECT_FALSE(pq_.FirstExpired(6000, 1000).has_value());
  std::optional<MessageExt> expired = pq_.FirstExpired(6001, 1000);
  ASSERT_TRUE(expired.has_value());
  EXPECT_EQ(expired->queue_offset, 0);
  EXPECT_EQ(expired->msg_id, "ID-0");
  EXPECT_EQ(expired->commit_log_offset, 4242);
  EXPECT_EQ(expired->store_host, "127.0.0.1:10911");
  EXPECT_EQ(expired->reconsume_times, 2);
  EXPECT_EQ(expired->topic(), "TopicTest");
  EXPECT_TRUE(expired->body().empty());
  EXPECT_EQ(expired->GetProperty(protocol::kPropertyRetryTopic), "OriginTopic");
  EXPECT_FALSE(expired->GetProperty("user").has_value());

  EXPECT_EQ(pq_.RemoveMessage(Range(0, 2)), 2);
  EXPECT_EQ(pq_.msg_count(), 2);
  EXPECT_EQ(pq_.msg_size(), 200);
  // The same offset tracked again is counted once.
  pq_.TrackMessages(Range(3, 5, 50));
  EXPECT_EQ(pq_.msg_count(), 3);
  EXPECT_EQ(pq_.msg_size(), 100 + 50 + 50);
  EXPECT_EQ(pq_.RemoveMessage(Range(2, 5)), 5);
  EXPECT_EQ(pq_.msg_count(), 0);
  EXPECT_EQ(pq_.msg_size(), 0);
}

TEST_F(ProcessQueueTest, RemoveOutOfOrderHoldsTheCommitBack) {
  pq_.PutMessage(Range(0, 10));
  EXPECT_EQ(pq_.RemoveMessage(Range(5, 10)), 0);
  EXPECT_EQ(pq_.RemoveMessage({Msg(3)}), 0);
  EXPECT_EQ(pq_.RemoveMessage({Msg(0)}), 1);
  EXPECT_EQ(pq_.RemoveMessage({Msg(1), Msg(2), Msg(4)}), 10);
}

TEST_F(ProcessQueueTest, RemoveAllEmptiesCounters) {
  pq_.PutMessage(Range(100, 132));
  EXPECT_EQ(pq_.RemoveMessage(Range(100, 132)), 132);
  EXPECT_EQ(pq_.msg_count(), 0);
  EXPECT_EQ(pq_.msg_size(), 0);
  EXPECT_FALSE(pq_.HasTempMessage());
}

TEST_F(ProcessQueueTest, RemoveUnknownMessageChangesNothing) {
  pq_.PutMessage(Range(0, 5));
  EXPECT_EQ(pq_.RemoveMessage({Msg(7)}), 0);
  EXPECT_EQ(pq_.msg_count(), 5);
  EXPECT_EQ(pq_.msg_size(), 50);
}

TEST_F(ProcessQueueTest, DuplicatePutCountedOnce) {
  pq_.PutMessage(Range(0, 5));
  pq_.PutMessage(Range(0, 5));
  pq_.PutMessage(Range(3, 7));
  EXPECT_EQ(pq_.msg_count(), 7);
  EXPECT_EQ(pq_.msg_size(), 70);
  // A re-pulled copy replaces the held one; sizes follow the copy held.
  pq_.PutMessage({Msg(6, 25)});
  EXPECT_EQ(pq_.msg_count(), 7);
  EXPECT_EQ(pq_.msg_size(), 85);
  EXPECT_EQ(pq_.RemoveMessage(Range(0, 7)), 7);
  EXPECT_EQ(pq_.msg_count(), 0);
  EXPECT_EQ(pq_.msg_size(), 0);
}

TEST_F(ProcessQueueTest, HighestOffsetSurvivesEmptying) {
  pq_.PutMessage(Range(0, 5));
  EXPECT_EQ(pq_.RemoveMessage(Range(0, 5)), 5);
  pq_.PutMessage(Range(5, 8));
  EXPECT_EQ(pq_.RemoveMessage(Range(5, 8)), 8);
  pq_.Clear();
  pq_.PutMessage({Msg(2)});
  EXPECT_EQ(pq_.RemoveMessage({Msg(2)}), 3);
}

TEST_F(ProcessQueueTest, CountsAndSizes) {
  pq_.PutMessage({Msg(0, 1), Msg(1, 100), Msg(2, 0), Msg(3, 1000)});
  EXPECT_EQ(pq_.msg_count(), 4);
  EXPECT_EQ(pq_.msg_size(), 1101);
  pq_.RemoveMessage({Msg(1, 100)});
  EXPECT_EQ(pq_.msg_count(), 3);
  EXPECT_EQ(pq_.msg_size(), 1001);
  EXPECT_TRUE(pq_.ContainsMessage(Msg(3)));
  EXPECT_FALSE(pq_.ContainsMessage(Msg(1)));
  pq_.Clear();
  EXPECT_EQ(pq_.msg_count(), 0);
  EXPECT_EQ(pq_.msg_size(), 0);
}

TEST_F(ProcessQueueTest, MaxSpan) {
  EXPECT_EQ(pq_.GetMaxSpan(), 0);
  pq_.PutMessage({Msg(3)});
  EXPECT_EQ(pq_.GetMaxSpan(), 0);
  pq_.PutMessage({Msg(10), Msg(7)});
  EXPECT_EQ(pq_.GetMaxSpan(), 7);
  pq_.RemoveMessage({Msg(3)});
  EXPECT_EQ(pq_.GetMaxSpan(), 3);
  pq_.RemoveMessage({Msg(10)});
  EXPECT_EQ(pq_.GetMaxSpan(), 0);
}

TEST_F(ProcessQueueTest, MsgAccCntFromMaxOffsetOfLastMessage) {
  std::vector<MessageExt> msgs = Range(0, 11);
  msgs.back().PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), "25");
  pq_.PutMessage(msgs);
  EXPECT_EQ(pq_.msg_acc_cnt(), 15);

  // Caught up (MAX_OFFSET not ahead of the message): the previous figure stays, as in Java.
  MessageExt caught_up = Msg(11);
  caught_up.PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), "11");
  pq_.PutMessage({caught_up});
  EXPECT_EQ(pq_.msg_acc_cnt(), 15);

  // Only the last message of a batch counts; a malformed value is ignored.
  MessageExt first = Msg(12);
  first.PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), "100");
  MessageExt bad = Msg(13);
  bad.PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), "12x");
  pq_.PutMessage({first, bad});
  EXPECT_EQ(pq_.msg_acc_cnt(), 15);

  MessageExt ahead = Msg(14);
  ahead.PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), "20");
  pq_.PutMessage({ahead});
  EXPECT_EQ(pq_.msg_acc_cnt(), 6);
}

TEST_F(ProcessQueueTest, DispatchOnlyWhenNotAlreadyConsuming) {
  EXPECT_FALSE(pq_.PutMessage({}));  // nothing held
  EXPECT_TRUE(pq_.PutMessage(Range(0, 2)));
  EXPECT_FALSE(pq_.PutMessage(Range(2, 4)));  // a consume round is already marked
  EXPECT_EQ(pq_.TakeMessages(10).size(), 4u);
  EXPECT_FALSE(pq_.PutMessage({}));  // still marked: the round has not found the queue empty
  EXPECT_TRUE(pq_.TakeMessages(10).empty());
  EXPECT_EQ(pq_.Commit(), 4);
  EXPECT_TRUE(pq_.PutMessage(Range(4, 5)));
}

TEST_F(ProcessQueueTest, OrderlyTakeAndCommit) {
  pq_.PutMessage(Range(0, 10));
  EXPECT_EQ(pq_.Commit(), -1);  // nothing taken
  std::vector<MessageExt> taken = pq_.TakeMessages(3);
  EXPECT_EQ(Offsets(taken), (std::vector<int64_t>{0, 1, 2}));
  // Taken messages still count for flow control until committed.
  EXPECT_EQ(pq_.msg_count(), 10);
  EXPECT_EQ(pq_.msg_size(), 100);
  EXPECT_EQ(pq_.GetMaxSpan(), 6);  // 3..9
  EXPECT_FALSE(pq_.ContainsMessage(Msg(0)));

  EXPECT_EQ(pq_.Commit(), 3);
  EXPECT_EQ(pq_.msg_count(), 7);
  EXPECT_EQ(pq_.msg_size(), 70);
  EXPECT_EQ(pq_.Commit(), -1);

  EXPECT_EQ(Offsets(pq_.TakeMessages(100)), (std::vector<int64_t>{3, 4, 5, 6, 7, 8, 9}));
  EXPECT_FALSE(pq_.HasTempMessage());
  EXPECT_EQ(pq_.Commit(), 10);
  EXPECT_EQ(pq_.msg_count(), 0);
  EXPECT_EQ(pq_.msg_size(), 0);
}

TEST_F(ProcessQueueTest, OrderlyRollbackPutsEverythingBack) {
  pq_.PutMessage(Range(0, 6));
  pq_.TakeMessages(3);
  pq_.Rollback();
  EXPECT_EQ(pq_.Commit(), -1);
  EXPECT_EQ(pq_.msg_count(), 6);
  EXPECT_EQ(Offsets(pq_.TakeMessages(4)), (std::vector<int64_t>{0, 1, 2, 3}));

  // A message pulled again while it was being consumed is still counted once after rollback.
  pq_.PutMessage({Msg(1)});
  EXPECT_EQ(pq_.msg_count(), 7);  // Java counts the re-pulled copy too
  pq_.Rollback();
  EXPECT_EQ(pq_.msg_count(), 6);
  EXPECT_EQ(pq_.msg_size(), 60);
}

TEST_F(ProcessQueueTest, OrderlyConsumeAgain) {
  pq_.PutMessage(Range(0, 10));
  std::vector<MessageExt> taken = pq_.TakeMessages(3);
  taken[1].reconsume_times = 1;
  pq_.MakeMessageToConsumeAgain({taken[1]});
  EXPECT_EQ(pq_.msg_count(), 10);
  EXPECT_EQ(pq_.msg_size(), 100);
  EXPECT_EQ(pq_.Commit(), 3);  // 0 and 2 committed
  EXPECT_EQ(pq_.msg_count(), 8);

  std::vector<MessageExt> again = pq_.TakeMessages(1);
  ASSERT_EQ(again.size(), 1u);
  EXPECT_EQ(again[0].queue_offset, 1);
  EXPECT_EQ(again[0].reconsume_times, 1);

  // The whole batch back (a suspended listener).
  pq_.MakeMessageToConsumeAgain(again);
  EXPECT_EQ(pq_.Commit(), -1);
  EXPECT_EQ(pq_.msg_count(), 8);
  EXPECT_EQ(Offsets(pq_.TakeMessages(2)), (std::vector<int64_t>{1, 3}));
}

TEST_F(ProcessQueueTest, LockAndPullExpiry) {
  EXPECT_FALSE(pq_.IsLockExpired());
  EXPECT_FALSE(pq_.IsPullExpired());
  clock_.Advance(kRebalanceLockMaxLiveTimeMs);
  EXPECT_FALSE(pq_.IsLockExpired());  // strictly more than the live time
  clock_.Advance(1);
  EXPECT_TRUE(pq_.IsLockExpired());
  pq_.TouchLastLock();
  EXPECT_FALSE(pq_.IsLockExpired());
  EXPECT_EQ(pq_.last_lock_timestamp(), clock_.SteadyMillis());

  clock_.Advance(kPullMaxIdleTimeMs - kRebalanceLockMaxLiveTimeMs - 1);
  EXPECT_FALSE(pq_.IsPullExpired());
  clock_.Advance(1);
  EXPECT_TRUE(pq_.IsPullExpired());
  pq_.TouchLastPull();
  EXPECT_FALSE(pq_.IsPullExpired());
}

TEST_F(ProcessQueueTest, ConsumeTimestampFollowsRemoveAndTake) {
  int64_t start = pq_.last_consume_timestamp();
  clock_.Advance(5);
  pq_.RemoveMessage({});
  EXPECT_EQ(pq_.last_consume_timestamp(), start + 5);
  clock_.Advance(5);
  pq_.TakeMessages(1);
  EXPECT_EQ(pq_.last_consume_timestamp(), start + 10);
}

TEST_F(ProcessQueueTest, FlagsAndUnlockTries) {
  EXPECT_FALSE(pq_.dropped());
  pq_.set_dropped(true);
  EXPECT_TRUE(pq_.dropped());
  EXPECT_FALSE(pq_.locked());
  pq_.set_locked(true);
  EXPECT_TRUE(pq_.locked());
  pq_.IncTryUnlockTimes();
  pq_.IncTryUnlockTimes();
  EXPECT_EQ(pq_.try_unlock_times(), 2);
}

TEST_F(ProcessQueueTest, ConsumeLockTryWithTimeout) {
  pq_.consume_lock().Lock();
  bool got = true;
  std::thread rebalance([&] {
    got = false;
    if (pq_.consume_lock().TryLockFor(std::chrono::milliseconds(10))) {
      got = true;
      pq_.consume_lock().Unlock();
    }
  });
  rebalance.join();
  EXPECT_FALSE(got);
  pq_.consume_lock().Unlock();
  std::thread again([&] {
    got = false;
    if (pq_.consume_lock().TryLockFor(std::chrono::milliseconds(10))) {
      got = true;
      pq_.consume_lock().Unlock();
    }
  });
  again.join();
  EXPECT_TRUE(got);
}

TEST_F(ProcessQueueTest, FillProcessQueueInfo) {
  ManualClock clock(5'000);
  ProcessQueue pq(clock);
  pq.PutMessage(Range(10, 20, 1024 * 1024));
  pq.TakeMessages(2);
  pq.set_locked(true);
  pq.IncTryUnlockTimes();
  clock.Advance(7);
  pq.TouchLastPull();

  protocol::ProcessQueueInfo info;
  pq.FillProcessQueueInfo(&info);
  EXPECT_EQ(info.cached_msg_min_offset, 12);
  EXPECT_EQ(info.cached_msg_max_offset, 19);
  EXPECT_EQ(info.cached_msg_count, 8);
  EXPECT_EQ(info.cached_msg_size_in_mib, 10);
  EXPECT_EQ(info.transaction_msg_min_offset, 10);
  EXPECT_EQ(info.transaction_msg_max_offset, 11);
  EXPECT_EQ(info.transaction_msg_count, 2);
  EXPECT_TRUE(info.locked);
  EXPECT_FALSE(info.droped);
  EXPECT_EQ(info.try_unlock_times, 1);
  EXPECT_EQ(info.last_lock_timestamp, 5'000);
  EXPECT_EQ(info.last_pull_timestamp, 5'007);
}

// Pull threads put disjoint offset ranges while consume threads remove what was put; at the end
// nothing is held and the next offset to commit is one past the highest put.
TEST(ProcessQueueConcurrencyTest, PutAndRemoveFromSeveralThreads) {
  constexpr int kPullers = 2;
  constexpr int kBatches = 200;
  constexpr int kBatch = 8;
  ProcessQueue pq;
  Mutex mu;
  std::deque<std::vector<MessageExt>> pending;  // guarded by mu
  std::atomic<int> pullers_left{kPullers};

  std::vector<std::thread> threads;
  for (int p = 0; p < kPullers; ++p) {
    threads.emplace_back([&, p] {
      for (int b = 0; b < kBatches; ++b) {
        int64_t first = (static_cast<int64_t>(b) * kPullers + p) * kBatch;
        std::vector<MessageExt> batch = Range(first, first + kBatch, 1 + b % 7);
        pq.PutMessage(batch);
        MutexLock lock(mu);
        pending.push_back(std::move(batch));
      }
      pullers_left.fetch_sub(1);
    });
  }
  for (int c = 0; c < 2; ++c) {
    threads.emplace_back([&] {
      for (;;) {
        std::vector<MessageExt> batch;
        bool done = false;
        {
          MutexLock lock(mu);
          if (!pending.empty()) {
            batch = std::move(pending.front());
            pending.pop_front();
          } else {
            done = pullers_left.load() == 0;
          }
        }
        if (done) return;
        if (batch.empty()) {
          std::this_thread::yield();
          continue;
        }
        int64_t commit = pq.RemoveMessage(batch);
        EXPECT_GE(commit, 0);
        pq.GetMaxSpan();
      }
    });
  }
  for (std::thread& t : threads) t.join();

  EXPECT_EQ(pq.msg_count(), 0);
  EXPECT_EQ(pq.msg_size(), 0);
  EXPECT_FALSE(pq.HasTempMessage());
  constexpr int64_t kTotal = int64_t{kPullers} * kBatches * kBatch;
  pq.PutMessage({Msg(kTotal - 1)});  // already removed offset, now held again
  EXPECT_EQ(pq.RemoveMessage({Msg(kTotal - 1)}), kTotal);
}

// An orderly consume thread takes and commits under the consume lock while a pull thread puts;
// every message is committed exactly once and in order.
TEST(ProcessQueueConcurrencyTest, OrderlyTakeCommitWhilePulling) {
  constexpr int64_t kTotal = 2000;
  ProcessQueue pq;
  std::thread puller([&] {
    for (int64_t o = 0; o < kTotal; o += 10) pq.PutMessage(Range(o, o + 10));
  });
  int64_t next_expected = 0;
  int64_t last_commit = -1;
  while (next_expected < kTotal) {
    pq.consume_lock().Lock();
    std::vector<MessageExt> taken = pq.TakeMessages(7);
    for (const MessageExt& m : taken) EXPECT_EQ(m.queue_offset, next_expected++);
    if (!taken.empty()) last_commit = pq.Commit();
    pq.consume_lock().Unlock();
    if (taken.empty()) std::this_thread::yield();
  }
  puller.join();
  EXPECT_EQ(last_commit, kTotal);
  EXPECT_EQ(pq.msg_count(), 0);
  EXPECT_EQ(pq.msg_size(), 0);
}

}  // namespace
}  // namespace orbit::client
