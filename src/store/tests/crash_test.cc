// Crash tests on the fault-injecting file system: write, "crash" (drop unsynced data, tear the
// last write, lose random pages, or only kill the process), reopen, and compare with what the
// store promised. Under SYNC_FLUSH every acknowledged message is present and intact; under any
// mode nothing corrupt is ever returned. Also: failed syncs fence the store, a full disk refuses
// writes and recovers by itself, and corruption of the last segment or a consume-queue file is
// never served.

#include <gtest/gtest.h>

#include <cerrno>
#include <map>
#include <random>

#include "base/bytes.h"
#include "protocol/message.h"
#include "store/fault_file_system.h"
#include "store/message_store.h"
#include "store/tests/store_test_util.h"

namespace orbit::store {
namespace {

using testing::MakeMessage;
using testing::OwnedMessage;

constexpr int kQueues = 3;

struct Acked {
  int n;
  int32_t queue_id;
  int64_t queue_offset;
  int64_t commit_log_offset;
};

OwnedMessage MessageFor(int n) {
  return MakeMessage("Crash", n % kQueues, n, 100 + (n * 53) % 2500);
}

class CrashTest : public ::testing::Test {
 protected:
  StoreConfig Config(const std::string& flush) {
    StoreConfig c;
    c.store_path_root_dir = "/store";
    c.flush_disk_type = flush;
    c.mapped_file_size_commit_log = 256 * 1024;
    c.mapped_file_size_consume_queue = 100 * 20;
    c.max_hash_slot_num = 100;
    c.max_index_num = 400;
    return c;
  }

  std::unique_ptr<MessageStore> Open(FaultFileSystem& fs, const StoreConfig& config,
                                     bool threads = false) {
    StoreOptions o;
    o.fs = &fs;
    o.start_threads = threads;
    auto s = MessageStore::Open(config, std::move(o));
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? std::move(*s) : nullptr;
  }

  // Every message the store serves is intact and where it says it is; returns them by
  // (queue, offset) → n. Message n went to queue n % kQueues at offset n / kQueues, so the
  // expected content follows from the position alone. Bodies and positions must always match;
  // `property_mismatches` counts records whose properties differ (possible only when a bit flip
  // lands inside a property value, which the record format cannot detect).
  static std::map<std::pair<int32_t, int64_t>, int> ServedMessages(
      MessageStore& store, int* property_mismatches = nullptr) {
    std::map<std::pair<int32_t, int64_t>, int> out;
    int mismatches = 0;
    for (int32_t q = 0; q < kQueues; ++q) {
      int64_t off = store.GetMinOffsetInQueue("Crash", q);
      int64_t max = store.GetMaxOffsetInQueue("Crash", q);
      while (off < max) {
        GetResult g = store.GetMessage("Crash", q, off, 32);
        for (size_t i = 0; i < g.messages.size(); ++i) {
          auto rec = protocol::DecodeRecord(g.messages[i].view());
          EXPECT_TRUE(rec.ok()) << rec.status().ToString();
          if (!rec.ok()) continue;
          EXPECT_TRUE(protocol::VerifyBodyCrc(*rec).ok()) << "corrupt body served at " << off;
          EXPECT_EQ(rec->topic, "Crash");
          EXPECT_EQ(rec->queue_id, q);
          EXPECT_EQ(rec->queue_offset, g.queue_offsets[i]);
          int n = static_cast<int>(rec->queue_offset) * kQueues + q;
          OwnedMessage expected = MessageFor(n);
          EXPECT_EQ(rec->body, expected.body) << "wrong body served for message " << n;
          if (protocol::EncodeProperties(rec->properties) != expected.properties) ++mismatches;
          out[{q, rec->queue_offset}] = n;
        }
        if (g.next_begin_offset <= off) break;
        off = g.next_begin_offset;
      }
    }
    if (property_mismatches != nullptr) {
      *property_mismatches = mismatches;
    } else {
      EXPECT_EQ(mismatches, 0) << "records with torn properties were served";
    }
    return out;
  }
};

// SYNC_FLUSH + every kind of crash: all acknowledged messages survive.
class SyncCrashTest : public CrashTest, public ::testing::WithParamInterface<CrashMode> {};

TEST_P(SyncCrashTest, EveryAcknowledgedMessageSurvives) {
  for (uint64_t seed = 1; seed <= 4; ++seed) {
    SCOPED_TRACE(seed);
    FaultFileSystem fs;
    StoreConfig config = Config("SYNC_FLUSH");
    std::vector<Acked> acked;
    {
      auto store = Open(fs, config, /*threads=*/seed % 2 == 0);
      ASSERT_NE(store, nullptr);
      int total = 300 + static_cast<int>(seed) * 97;
      for (int n = 0; n < total; ++n) {
        OwnedMessage m = MessageFor(n);
        PutResult r = store->PutMessage(m.input());
        ASSERT_TRUE(r.status.ok()) << r.status.ToString();
        acked.push_back({n, m.queue_id, r.append.queue_offset, r.append.commit_log_offset});
        if (n % 50 == 0 && seed % 2 == 1) store->DispatchNow();
      }
      if (seed % 2 == 1) {
        store->DispatchNow();
      } else {
        ASSERT_TRUE(store->WaitDispatched(10000));
      }
      fs.Crash(GetParam(), seed);
    }  // the old store shuts down on dead handles: it must not crash or resurrect data
    auto store = Open(fs, config);
    ASSERT_NE(store, nullptr);
    EXPECT_FALSE(store->stats().last_exit_ok);
    store->DispatchNow();
    auto served = ServedMessages(*store);
    for (const Acked& a : acked) {
      auto it = served.find({a.queue_id, a.queue_offset});
      ASSERT_NE(it, served.end())
          << "acknowledged message " << a.n << " lost: queue " << a.queue_id << " offset "
          << a.queue_offset << " at " << a.commit_log_offset << "; queue range ["
          << store->GetMinOffsetInQueue("Crash", a.queue_id) << ", "
          << store->GetMaxOffsetInQueue("Crash", a.queue_id) << "), entry -> "
          << store->GetCommitLogOffsetInQueue("Crash", a.queue_id, a.queue_offset)
          << ", commit log end " << store->GetMaxPhyOffset()
          << ", look: " << store->LookMessageByOffset(a.commit_log_offset).status().ToString();
      EXPECT_EQ(it->second, a.n);
      EXPECT_EQ(store->GetCommitLogOffsetInQueue("Crash", a.queue_id, a.queue_offset),
                a.commit_log_offset);
    }
    EXPECT_EQ(served.size(), acked.size());
    // The index was rebuilt for what it lost.
    QueryResult q =
        store->QueryMessage("Crash", "key-" + std::to_string(acked.back().n), 4, 0, INT64_MAX);
    EXPECT_EQ(q.messages.size(), 1u);
    // Writing goes on where the data ended.
    OwnedMessage next = MessageFor(100000);
    PutResult r = store->PutMessage(next.input());
    ASSERT_TRUE(r.status.ok());
    store->DispatchNow();
    EXPECT_EQ(r.append.queue_offset, store->GetMaxOffsetInQueue("Crash", next.queue_id) - 1);
  }
}

INSTANTIATE_TEST_SUITE_P(Modes, SyncCrashTest,
                         ::testing::Values(CrashMode::kProcessKill, CrashMode::kPowerLoss,
                                           CrashMode::kTornWrite, CrashMode::kRandomPages),
                         [](const auto& info) {
                           switch (info.param) {
                             case CrashMode::kProcessKill:
                               return std::string("ProcessKill");
                             case CrashMode::kPowerLoss:
                               return std::string("PowerLoss");
                             case CrashMode::kTornWrite:
                               return std::string("TornWrite");
                             case CrashMode::kRandomPages:
                               return std::string("RandomPages");
                           }
                           return std::string("Unknown");
                         });

// ASYNC_FLUSH: a killed process loses nothing; a power loss may lose the unflushed end, but what
// is served is intact and each queue is a gap-free prefix of what was written.
TEST_F(CrashTest, AsyncFlushProcessKillLosesNothing) {
  FaultFileSystem fs;
  StoreConfig config = Config("ASYNC_FLUSH");
  std::vector<Acked> acked;
  {
    auto store = Open(fs, config);
    for (int n = 0; n < 500; ++n) {
      OwnedMessage m = MessageFor(n);
      PutResult r = store->PutMessage(m.input());
      ASSERT_TRUE(r.status.ok());
      acked.push_back({n, m.queue_id, r.append.queue_offset, r.append.commit_log_offset});
    }
    store->DispatchNow();
    fs.Crash(CrashMode::kProcessKill);
  }
  auto store = Open(fs, config);
  store->DispatchNow();
  auto served = ServedMessages(*store);
  EXPECT_EQ(served.size(), acked.size());
  for (const Acked& a : acked) EXPECT_EQ(served[std::make_pair(a.queue_id, a.queue_offset)], a.n);
}

TEST_F(CrashTest, AsyncFlushPowerLossServesOnlyIntactPrefixes) {
  for (CrashMode mode : {CrashMode::kPowerLoss, CrashMode::kTornWrite, CrashMode::kRandomPages}) {
    for (uint64_t seed = 1; seed <= 3; ++seed) {
      FaultFileSystem fs;
      StoreConfig config = Config("ASYNC_FLUSH");
      {
        auto store = Open(fs, config);
        for (int n = 0; n < 600; ++n) {
          ASSERT_TRUE(store->PutMessage(MessageFor(n).input()).status.ok());
          if (n == 250) {
            store->DispatchNow();
            ASSERT_TRUE(store->FlushCommitLogNow().ok());
            ASSERT_TRUE(store->FlushLogicsAndCheckpoint().ok());
          }
        }
        store->DispatchNow();
        fs.Crash(mode, seed);
      }
      auto store = Open(fs, config);
      store->DispatchNow();
      auto served = ServedMessages(*store);
      // Everything flushed before the crash is there.
      EXPECT_GE(served.size(), 251u);
      for (int32_t q = 0; q < kQueues; ++q) {
        int64_t expect = 0;
        for (const auto& [key, n] : served) {
          if (key.first != q) continue;
          EXPECT_EQ(key.second, expect) << "gap in queue " << q;
          EXPECT_EQ(n % kQueues, q);
          expect = key.second + 1;
        }
      }
    }
  }
}

TEST_F(CrashTest, AFailedSyncFencesTheStoreAndNothingIsAcknowledged) {
  FaultFileSystem fs;
  StoreConfig config = Config("SYNC_FLUSH");
  auto store = Open(fs, config, /*threads=*/true);
  ASSERT_TRUE(store->PutMessage(MessageFor(0).input()).status.ok());
  fs.FailNext(FaultOp::kSync, EIO, 1, "commitlog");
  PutResult failed = store->PutMessage(MessageFor(1).input());
  EXPECT_EQ(failed.status.code(), ErrorCode::kStoreFenced) << failed.status.ToString();
  EXPECT_TRUE(store->fenced());
  PutResult refused = store->PutMessage(MessageFor(2).input());
  EXPECT_EQ(refused.status.code(), ErrorCode::kStoreFenced);
  EXPECT_NE(refused.status.message().find("restart"), std::string::npos);
  // Reads still work.
  ASSERT_TRUE(store->WaitDispatched(5000));
  EXPECT_EQ(store->GetMessage("Crash", 0, 0, 1).status, GetStatus::kFound);
  store.reset();
  fs.ClearFaults();
  // A restart accepts writes again.
  store = Open(fs, config, true);
  ASSERT_NE(store, nullptr);
  EXPECT_TRUE(store->PutMessage(MessageFor(3).input()).status.ok());
}

TEST_F(CrashTest, AFullDiskRefusesWritesAndRecoversByItself) {
  FaultFileSystem fs;
  StoreConfig config = Config("ASYNC_FLUSH");
  auto store = Open(fs, config);
  ASSERT_TRUE(store->PutMessage(MessageFor(0).input()).status.ok());
  // No room for the next commit-log segment.
  fs.SetCapacity(fs.UsedBytes() + 1000);
  Status last;
  int n = 1;
  for (; n < 1000; ++n) {
    PutResult r = store->PutMessage(MessageFor(n).input());
    if (!r.status.ok()) {
      last = r.status;
      break;
    }
  }
  EXPECT_EQ(last.code(), ErrorCode::kDiskFull) << last.ToString();
  EXPECT_FALSE(store->fenced());
  fs.SetCapacity(uint64_t{1} << 40);
  EXPECT_TRUE(store->PutMessage(MessageFor(n).input()).status.ok());
}

TEST_F(CrashTest, DiskUsageAboveTheWarningLevelRefusesWritesUntilSpaceReturns) {
  FaultFileSystem fs;
  StoreConfig config = Config("ASYNC_FLUSH");
  auto store = Open(fs, config);
  ASSERT_TRUE(store->PutMessage(MessageFor(0).input()).status.ok());
  uint64_t used = fs.UsedBytes();
  fs.SetCapacity(used * 100 / 95);  // 95% used
  ASSERT_TRUE(store->RunRetention(false).ok());
  EXPECT_TRUE(store->disk_full());
  PutResult r = store->PutMessage(MessageFor(1).input());
  EXPECT_EQ(r.status.code(), ErrorCode::kDiskFull);
  EXPECT_NE(r.status.message().find("diskSpaceWarningLevelRatio"), std::string::npos);
  fs.SetCapacity(used * 2);  // 50% used
  ASSERT_TRUE(store->RunRetention(false).ok());
  EXPECT_FALSE(store->disk_full());
  EXPECT_TRUE(store->PutMessage(MessageFor(1).input()).status.ok());
}

// Random bit flips and torn tails in the last commit-log segment and in a consume-queue file of
// a cleanly stopped store: reopening never serves a corrupt message, and messages away from
// the damage stay readable.
TEST_F(CrashTest, BitFlipsAndTornTailsAreNeverServed) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 24; ++round) {
    SCOPED_TRACE(round);
    FaultFileSystem fs;
    StoreConfig config = Config(round % 2 == 0 ? "ASYNC_FLUSH" : "SYNC_FLUSH");
    {
      auto store = Open(fs, config);
      for (int n = 0; n < 400; ++n)
        ASSERT_TRUE(store->PutMessage(MessageFor(n).input()).status.ok());
      store->DispatchNow();
      ASSERT_TRUE(store->Shutdown().ok());
    }
    auto segs = fs.List("/store/commitlog");
    ASSERT_TRUE(segs.ok());
    std::string target;
    uint64_t limit = 0;
    if (round % 3 == 2) {
      target =
          "/store/consumequeue/Crash/" + std::to_string(round % kQueues) + "/00000000000000000000";
      limit = 100 * 20;
    } else {
      target = "/store/commitlog/" + segs->back();
      auto content = fs.DurableContent(target);
      ASSERT_TRUE(content.ok());
      limit = content->find_last_not_of('\0') + 1;
    }
    auto file = fs.Open(target, OpenMode::kReadWrite);
    ASSERT_TRUE(file.ok());
    int flips = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < flips; ++i) {
      uint64_t at = rng() % limit;
      char c = 0;
      ASSERT_TRUE((*file)->Read(at, 1, &c).ok());
      c = static_cast<char>(c ^ (1 << (rng() % 8)));
      ASSERT_TRUE((*file)->Write(at, std::string_view(&c, 1)).ok());
    }
    if (round % 4 == 1 && round % 3 != 2) {
      // Tear: zero a stretch before the end of the data.
      uint64_t from = limit - std::min<uint64_t>(limit, 1 + rng() % 3000);
      ASSERT_TRUE((*file)->Write(from, std::string(limit - from, '\0')).ok());
    }
    ASSERT_TRUE((*file)->Sync().ok());
    file->reset();
    auto store = Open(fs, config);
    ASSERT_NE(store, nullptr);
    store->DispatchNow();
    int property_mismatches = 0;
    auto served = ServedMessages(*store, &property_mismatches);  // bodies and positions intact
    EXPECT_LE(property_mismatches, flips);
    EXPECT_GT(served.size(), 200u);
    // New writes work after the damage.
    EXPECT_TRUE(store->PutMessage(MessageFor(5000).input()).status.ok());
  }
}

}  // namespace
}  // namespace orbit::store
