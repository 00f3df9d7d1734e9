// The store's contract, run over both flush modes.

#include "store/message_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <filesystem>
#include <set>
#include <thread>

#include "base/bytes.h"
#include "golden/golden_store.h"
#include "protocol/message.h"
#include "protocol/message_flags.h"
#include "protocol/tag_hash.h"
#include "store/tests/store_test_util.h"

namespace orbit::store {
namespace {

using testing::MakeMessage;
using testing::OwnedMessage;

class MessageStoreTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    config_.store_path_root_dir = dir_;
    config_.flush_disk_type = GetParam();
    config_.mapped_file_size_commit_log = 1024 * 1024;
    config_.mapped_file_size_consume_queue = 300 * 20;
    config_.max_hash_slot_num = 1000;
    config_.max_index_num = 4000;
    config_.flush_interval_commit_log = 20;
    config_.flush_interval_consume_queue = 50;
  }
  void TearDown() override { store_.reset(); }

  void Open(StoreOptions options = {}) {
    if (options.clock == nullptr) options.clock = &Clock::System();
    auto s = MessageStore::Open(config_, std::move(options));
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  PutResult Put(const OwnedMessage& m) { return store_->PutMessage(m.input()); }

  static protocol::MessageRecord Decode(const SelectedRange& r) {
    auto rec = protocol::DecodeRecord(r.view());
    EXPECT_TRUE(rec.ok()) << rec.status().ToString();
    return rec.ok() ? *rec : protocol::MessageRecord{};
  }

  orbit::testing::TempDir tmp_{"orbit-store-"};
  const std::string dir_ = tmp_.path();
  StoreConfig config_;
  ManualClock manual_clock_{1'800'000'000'000};  // outlives store_
  std::unique_ptr<MessageStore> store_;
};

TEST_P(MessageStoreTest, PutThenGetReturnsTheRecordsInQueueOrder) {
  Open();
  for (int i = 0; i < 50; ++i) {
    PutResult r = Put(MakeMessage("TopicA", i % 2, i));
    ASSERT_TRUE(r.status.ok()) << r.status.ToString();
    EXPECT_EQ(r.append.queue_offset, i / 2);
    if (config_.flush_type() == FlushDiskType::kSyncFlush) {
      EXPECT_GE(store_->FlushedPhyOffset(), r.append.commit_log_offset + r.append.bytes);
    }
  }
  ASSERT_TRUE(store_->WaitDispatched(5000));
  EXPECT_EQ(store_->GetMaxOffsetInQueue("TopicA", 0), 25);
  EXPECT_EQ(store_->GetMaxOffsetInQueue("TopicA", 1), 25);
  EXPECT_EQ(store_->GetMinOffsetInQueue("TopicA", 1), 0);

  GetResult g = store_->GetMessage("TopicA", 1, 3, 10);
  ASSERT_EQ(g.status, GetStatus::kFound);
  ASSERT_EQ(g.messages.size(), 10u);
  EXPECT_EQ(g.next_begin_offset, 13);
  for (size_t i = 0; i < g.messages.size(); ++i) {
    auto rec = Decode(g.messages[i]);
    EXPECT_EQ(rec.queue_offset, 3 + static_cast<int64_t>(i));
    EXPECT_EQ(g.queue_offsets[i], rec.queue_offset);
    EXPECT_EQ(rec.queue_id, 1);
    int n = static_cast<int>(rec.queue_offset) * 2 + 1;
    EXPECT_EQ(rec.body, MakeMessage("TopicA", 1, n).body);
    EXPECT_TRUE(protocol::VerifyBodyCrc(rec).ok());
  }
}

TEST_P(MessageStoreTest, GetReportsOffsetProblemsAsApacheDoes) {
  Open();
  EXPECT_EQ(store_->GetMessage("Nope", 0, 0, 32).status, GetStatus::kNoMatchedLogicQueue);
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(Put(MakeMessage("T", 0, i)).status.ok());
  ASSERT_TRUE(store_->WaitDispatched(5000));
  GetResult one = store_->GetMessage("T", 0, 5, 32);
  EXPECT_EQ(one.status, GetStatus::kOffsetOverflowOne);
  EXPECT_EQ(one.next_begin_offset, 5);
  GetResult badly = store_->GetMessage("T", 0, 9, 32);
  EXPECT_EQ(badly.status, GetStatus::kOffsetOverflowBadly);
  EXPECT_EQ(badly.next_begin_offset, 0);  // min offset is 0
  EXPECT_EQ(badly.max_offset, 5);
  GetResult all = store_->GetMessage("T", 0, 0, 32);
  EXPECT_EQ(all.status, GetStatus::kFound);
  EXPECT_EQ(all.messages.size(), 5u);
}

TEST_P(MessageStoreTest, GetHonoursTheTransferLimitsAndTheTagsFilter) {
  Open();
  for (int i = 0; i < 100; ++i) ASSERT_TRUE(Put(MakeMessage("T", 0, i)).status.ok());
  ASSERT_TRUE(store_->WaitDispatched(5000));
  GetResult g = store_->GetMessage("T", 0, 0, 64);
  EXPECT_EQ(g.messages.size(),
            static_cast<size_t>(config_.max_transfer_count_on_message_in_memory));
  int64_t tag_a = protocol::TagsCode("TagA");
  GetResult f = store_->GetMessage("T", 0, 0, 10, [&](int64_t code) { return code == tag_a; });
  ASSERT_EQ(f.status, GetStatus::kFound);
  ASSERT_EQ(f.messages.size(), 10u);
  for (size_t i = 0; i < f.messages.size(); ++i) {
    EXPECT_EQ(Decode(f.messages[i]).properties.Get(protocol::kPropertyTags), "TagA");
  }
  EXPECT_EQ(f.next_begin_offset, 19);  // offsets 0, 2, ..., 18 matched
  GetResult none = store_->GetMessage("T", 0, 0, 10, [](int64_t) { return false; });
  EXPECT_EQ(none.status, GetStatus::kNoMatchedMessage);
  EXPECT_EQ(none.next_begin_offset, 100);
}

TEST_P(MessageStoreTest, ACleanRestartKeepsEverythingAndContinuesTheOffsets) {
  Open();
  std::vector<int64_t> offsets;
  for (int i = 0; i < 300; ++i) {
    PutResult r = Put(MakeMessage("R", i % 3, i, 5000));
    ASSERT_TRUE(r.status.ok());
    offsets.push_back(r.append.commit_log_offset);
  }
  ASSERT_TRUE(store_->Shutdown().ok());
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/abort"));
  store_.reset();

  Open();
  EXPECT_TRUE(store_->stats().last_exit_ok);
  EXPECT_EQ(store_->GetMaxOffsetInQueue("R", 0), 100);
  PutResult r = Put(MakeMessage("R", 0, 1000));
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.append.queue_offset, 100);
  EXPECT_GT(r.append.commit_log_offset, offsets.back());
  ASSERT_TRUE(store_->WaitDispatched(5000));
  for (int i = 0; i < 300; i += 37) {
    auto m = store_->LookMessageByOffset(offsets[static_cast<size_t>(i)]);
    ASSERT_TRUE(m.ok());
    EXPECT_EQ(Decode(*m).body, MakeMessage("R", i % 3, i, 5000).body);
  }
  EXPECT_EQ(store_->GetMessage("R", 0, 100, 1).messages.size(), 1u);
}

TEST_P(MessageStoreTest, BatchesGetConsecutiveQueueOffsets) {
  Open();
  ASSERT_TRUE(Put(MakeMessage("B", 0, 0)).status.ok());
  std::vector<OwnedMessage> owned;
  std::vector<MessageInput> batch;
  for (int i = 1; i <= 10; ++i) owned.push_back(MakeMessage("B", 0, i));
  for (auto& o : owned) batch.push_back(o.input());
  PutResult r = store_->PutMessages(batch);
  ASSERT_TRUE(r.status.ok()) << r.status.ToString();
  EXPECT_EQ(r.append.queue_offset, 1);
  EXPECT_EQ(r.append.count, 10);
  ASSERT_TRUE(store_->WaitDispatched(5000));
  GetResult g = store_->GetMessage("B", 0, 0, 32);
  ASSERT_EQ(g.messages.size(), 11u);
  EXPECT_EQ(Decode(g.messages[10]).body, owned[9].body);
}

TEST_P(MessageStoreTest, QueryByKeyAndUniqueKey) {
  Open();
  for (int i = 0; i < 30; ++i) ASSERT_TRUE(Put(MakeMessage("Q", 0, i)).status.ok());
  ASSERT_TRUE(store_->WaitDispatched(5000));
  QueryResult q = store_->QueryMessage("Q", "key-7", 32, 0, INT64_MAX);
  ASSERT_EQ(q.messages.size(), 1u);
  EXPECT_EQ(Decode(q.messages[0]).properties.Get(protocol::kPropertyUniqKey), "UNIQ7");
  QueryResult u = store_->QueryMessage("Q", "UNIQ12", 32, 0, INT64_MAX);
  ASSERT_EQ(u.messages.size(), 1u);
  QueryResult shared = store_->QueryMessage("Q", "shared-1", 32, 0, INT64_MAX);
  EXPECT_EQ(shared.messages.size(), 10u);
  QueryResult capped = store_->QueryMessage("Q", "shared-1", 4, 0, INT64_MAX);
  EXPECT_EQ(capped.messages.size(), 4u);
  EXPECT_TRUE(store_->QueryMessage("Other", "key-7", 32, 0, INT64_MAX).messages.empty());
}

TEST_P(MessageStoreTest, SearchByTimestamp) {
  ManualClock& clock = manual_clock_;
  StoreOptions options;
  options.clock = &clock;
  Open(std::move(options));
  for (int i = 0; i < 20; ++i) {
    ASSERT_TRUE(Put(MakeMessage("TS", 0, i)).status.ok());
    clock.Advance(1000);
  }
  ASSERT_TRUE(store_->WaitDispatched(5000));
  EXPECT_EQ(store_->GetOffsetInQueueByTime("TS", 0, 1'800'000'005'000), 5);
  EXPECT_EQ(store_->GetOffsetInQueueByTime("TS", 0, 1'800'000'005'001), 6);
  EXPECT_EQ(store_->GetOffsetInQueueByTime("TS", 0, 0), 0);
  EXPECT_EQ(store_->GetOffsetInQueueByTime("TS", 0, 1'900'000'000'000), 20);
  EXPECT_EQ(store_->GetEarliestMessageTime("TS", 0), 1'800'000'000'000);
  EXPECT_EQ(store_->GetMessageStoreTimestamp("TS", 0, 3), 1'800'000'003'000);
}

TEST_P(MessageStoreTest, TheHookSeesEveryMessageOnce) {
  std::atomic<int> seen{0};
  std::atomic<int64_t> last{-1};
  StoreOptions options;
  options.dispatch_hook = [&](const DispatchRequest& r) {
    if (r.topic == "H" && r.queue_offset == last.load() + 1) last.store(r.queue_offset);
    seen.fetch_add(1);
  };
  Open(std::move(options));
  for (int i = 0; i < 40; ++i) ASSERT_TRUE(Put(MakeMessage("H", 0, i)).status.ok());
  ASSERT_TRUE(store_->WaitDispatched(5000));
  EXPECT_EQ(seen.load(), 40);
  EXPECT_EQ(last.load(), 39);
}

TEST_P(MessageStoreTest, DelayedAndTransactionalRecordsAreDispatchedAsApacheDoes) {
  ManualClock& clock = manual_clock_;
  StoreOptions options;
  options.clock = &clock;
  Open(std::move(options));
  OwnedMessage delayed = MakeMessage("SCHEDULE_TOPIC_XXXX", 2, 1);
  delayed.properties +=
      "\x02"
      "DELAY\x01"
      "3";
  ASSERT_TRUE(Put(delayed).status.ok());
  OwnedMessage half = MakeMessage("RMQ_SYS_TRANS_HALF_TOPIC", 0, 2);
  ASSERT_TRUE(Put(half).status.ok());
  OwnedMessage prepared = MakeMessage("TX", 0, 3);
  prepared.sys_flag = protocol::kSysFlagTransactionPrepared;
  PutResult p = Put(prepared);
  ASSERT_TRUE(p.status.ok());
  EXPECT_EQ(p.append.queue_offset, 0);
  OwnedMessage committed = MakeMessage("TX", 0, 4);
  committed.sys_flag = protocol::kSysFlagTransactionCommit;
  ASSERT_TRUE(Put(committed).status.ok());
  ASSERT_TRUE(store_->WaitDispatched(5000));

  GetResult d = store_->GetMessage("SCHEDULE_TOPIC_XXXX", 2, 0, 1);
  ASSERT_EQ(d.status, GetStatus::kFound);
  // Level 3 is 10 s: the consume-queue tags code is the delivery time.
  EXPECT_EQ(store_->GetCommitLogOffsetInQueue("SCHEDULE_TOPIC_XXXX", 2, 0),
            d.messages[0].commit_log_offset);
  std::vector<int64_t> seen_tags;
  GetResult matched = store_->GetMessage("SCHEDULE_TOPIC_XXXX", 2, 0, 1, [&](int64_t code) {
    seen_tags.push_back(code);
    return true;
  });
  ASSERT_EQ(seen_tags.size(), 1u);
  EXPECT_EQ(seen_tags[0], 1'800'000'000'000 + 10'000);

  // Only the committed record is in the queue.
  EXPECT_EQ(store_->GetMaxOffsetInQueue("TX", 0), 1);
  GetResult tx = store_->GetMessage("TX", 0, 0, 8);
  ASSERT_EQ(tx.messages.size(), 1u);
  EXPECT_EQ(Decode(tx.messages[0]).body, committed.body);
}

TEST_P(MessageStoreTest, ConcurrentWritersGetUniqueContiguousOffsets) {
  Open();
  constexpr int kThreads = 8;
  constexpr int kPerThread = 200;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        if (!Put(MakeMessage("C", t % 2, t * 1000 + i)).status.ok()) failures.fetch_add(1);
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures.load(), 0);
  ASSERT_TRUE(store_->WaitDispatched(5000));
  for (int q = 0; q < 2; ++q) {
    EXPECT_EQ(store_->GetMaxOffsetInQueue("C", q), kThreads / 2 * kPerThread);
    std::set<std::string> bodies;
    for (int64_t off = 0; off < store_->GetMaxOffsetInQueue("C", q); off += 32) {
      GetResult g = store_->GetMessage("C", q, off, 32);
      for (size_t i = 0; i < g.messages.size(); ++i) {
        auto rec = Decode(g.messages[i]);
        EXPECT_EQ(rec.queue_offset, g.queue_offsets[i]);
        bodies.insert(rec.properties.Get(protocol::kPropertyUniqKey).data());
      }
    }
    EXPECT_EQ(bodies.size(), static_cast<size_t>(kThreads / 2 * kPerThread));
  }
}

TEST_P(MessageStoreTest, RetentionDeletesOldFilesAndMovesMinOffsets) {
  config_.file_reserved_time = 1;
  // Only age decides here, not how full the machine's disk happens to be.
  config_.disk_max_used_space_ratio = 95;
  config_.clean_file_forcibly_enable = false;
  auto space = FileSystem::Default()->Space(dir_);
  ASSERT_TRUE(space.ok()) << space.status().ToString();
  if (space->used_ratio() * 100.0 > config_.disk_max_used_space_ratio) {
    GTEST_SKIP() << "the disk under " << dir_ << " is " << space->used_ratio() * 100.0
                 << "% used: retention would delete by space, not by age";
  }
  Open();
  std::vector<int64_t> offsets;
  for (int i = 0; i < 700; ++i) {
    PutResult r = Put(MakeMessage("Old", 0, i, 4000));
    ASSERT_TRUE(r.status.ok());
    offsets.push_back(r.append.commit_log_offset);
  }
  ASSERT_TRUE(store_->WaitDispatched(5000));
  auto segs = store_->commit_log().segments().Segments();
  ASSERT_GE(segs.size(), 3u);
  // Nothing is old enough yet.
  ASSERT_TRUE(store_->RunRetention(true).ok());
  EXPECT_EQ(store_->commit_log().segments().Segments().size(), segs.size());
  // Age the first two files by two hours.
  for (size_t i = 0; i < 2; ++i) {
    auto old = std::filesystem::last_write_time(segs[i]->path());
    std::filesystem::last_write_time(segs[i]->path(), old - std::chrono::hours(2));
  }
  ASSERT_TRUE(store_->RunRetention(true).ok());
  EXPECT_EQ(store_->commit_log().segments().Segments().size(), segs.size() - 2);
  EXPECT_FALSE(std::filesystem::exists(segs[0]->path()));
  EXPECT_EQ(store_->GetMinPhyOffset(), static_cast<int64_t>(segs[2]->start_offset()));
  int64_t min = store_->GetMinOffsetInQueue("Old", 0);
  EXPECT_GT(min, 0);
  EXPECT_GE(store_->GetCommitLogOffsetInQueue("Old", 0, min), store_->GetMinPhyOffset());
  GetResult g = store_->GetMessage("Old", 0, 0, 4);
  EXPECT_EQ(g.status, GetStatus::kOffsetTooSmall);
  EXPECT_EQ(g.next_begin_offset, min);
  EXPECT_EQ(store_->GetMessage("Old", 0, min, 4).status, GetStatus::kFound);
}

TEST_P(MessageStoreTest, DeleteTopicRemovesItsQueues) {
  Open();
  ASSERT_TRUE(Put(MakeMessage("Gone", 0, 1)).status.ok());
  ASSERT_TRUE(Put(MakeMessage("Kept", 0, 1)).status.ok());
  ASSERT_TRUE(store_->WaitDispatched(5000));
  ASSERT_TRUE(store_->DeleteTopics({"Gone"}).ok());
  EXPECT_EQ(store_->GetMessage("Gone", 0, 0, 1).status, GetStatus::kNoMatchedLogicQueue);
  EXPECT_FALSE(std::filesystem::exists(dir_ + "/consumequeue/Gone"));
  EXPECT_EQ(store_->GetMessage("Kept", 0, 0, 1).status, GetStatus::kFound);
  PutResult again = Put(MakeMessage("Gone", 0, 2));
  EXPECT_EQ(again.append.queue_offset, 0);
}

TEST_P(MessageStoreTest, ASecondStoreOnTheSameDirectoryIsRefused) {
  Open();
  auto second = MessageStore::Open(config_, StoreOptions{});
  EXPECT_FALSE(second.ok());
}

INSTANTIATE_TEST_SUITE_P(FlushModes, MessageStoreTest,
                         ::testing::Values("ASYNC_FLUSH", "SYNC_FLUSH"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace orbit::store
