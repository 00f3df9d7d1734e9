#include "store/fault_file_system.h"

#include <gtest/gtest.h>

#include <cerrno>
#include <cstring>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "base/clock.h"
#include "store/tests/store_test_util.h"

namespace orbit::store {
namespace {

// A fresh FaultFileSystem with /d created, and helpers to write and read whole files.
class FaultFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(fs_.CreateDirs("/d")); }

  std::unique_ptr<File> OpenFile(const std::string& path, OpenMode mode = OpenMode::kCreate) {
    auto file = fs_.Open(path, mode);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(*file) : nullptr;
  }

  void Put(const std::string& path, std::string_view content, bool sync) {
    auto file = OpenFile(path);
    ASSERT_NE(file, nullptr);
    ASSERT_OK(file->Write(0, content));
    if (sync) ASSERT_OK(file->Sync());
  }

  std::string Get(const std::string& path) {
    auto content = ReadWholeFile(fs_, path);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return content.ok() ? *content : "<error>";
  }

  // `n` bytes of a pattern that depends on `seed` and never repeats within a 4 KiB page.
  static std::string Pattern(size_t n, int seed) {
    std::string s(n, '\0');
    for (size_t i = 0; i < n; ++i) s[i] = static_cast<char>('A' + (i * 7 + seed) % 26);
    return s;
  }

  ManualClock clock_;
  FaultFileSystem fs_{&clock_};
};

TEST_F(FaultFileSystemTest, OpenModes) {
  EXPECT_EQ(fs_.Open("/d/a", OpenMode::kReadOnly).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fs_.Open("/d/a", OpenMode::kReadWrite).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fs_.Open("/missing/a", OpenMode::kCreate).status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs_.Open("/d", OpenMode::kReadOnly).ok());

  Put("/d/a", "hello", false);
  EXPECT_EQ(Get("/d/a"), "hello");
  {
    auto file = OpenFile("/d/a", OpenMode::kCreate);  // existing: kept
    ASSERT_OK(file->Write(5, " world"));
  }
  EXPECT_EQ(Get("/d/a"), "hello world");
  {
    auto ro = OpenFile("/d/a", OpenMode::kReadOnly);
    EXPECT_EQ(ro->Write(0, "x").code(), ErrorCode::kIoError);
    EXPECT_FALSE(ro->Map(4).ok());
    char buf[16];
    auto n = ro->Read(6, sizeof(buf), buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(std::string(buf, *n), "world");
    auto past = ro->Read(100, sizeof(buf), buf);
    ASSERT_TRUE(past.ok());
    EXPECT_EQ(*past, 0u);
  }
  OpenFile("/d/a", OpenMode::kCreateAlways);
  EXPECT_EQ(Get("/d/a"), "");
}

TEST_F(FaultFileSystemTest, WritePastTheEndLeavesZerosInTheGap) {
  auto file = OpenFile("/d/a");
  ASSERT_OK(file->Write(4, "xy"));
  EXPECT_EQ(Get("/d/a"), std::string("\0\0\0\0xy", 6));
  ASSERT_OK(file->Write(10000, "z"));
  auto size = file->Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, 10001u);
  std::string all = Get("/d/a");
  EXPECT_EQ(all.substr(0, 6), std::string("\0\0\0\0xy", 6));
  EXPECT_EQ(all.substr(6, 9994), std::string(9994, '\0'));
  EXPECT_EQ(all.back(), 'z');
}

TEST_F(FaultFileSystemTest, PowerLossDropsUnsyncedWrites) {
  Put("/d/a", "hello", true);
  {
    auto file = OpenFile("/d/a");
    ASSERT_OK(file->Write(0, "J"));
    ASSERT_OK(file->Write(5, " world"));
  }
  Put("/d/never-synced", "gone", false);
  EXPECT_EQ(Get("/d/a"), "Jello world");
  auto durable = fs_.DurableContent("/d/a");
  ASSERT_TRUE(durable.ok());
  EXPECT_EQ(*durable, "hello");

  fs_.Crash(CrashMode::kPowerLoss);
  EXPECT_EQ(Get("/d/a"), "hello");
  // Creating the file was metadata, durable at once; its content was not.
  EXPECT_TRUE(fs_.Exists("/d/never-synced"));
  EXPECT_EQ(Get("/d/never-synced"), "");
}

TEST_F(FaultFileSystemTest, ProcessKillKeepsUnsyncedWritesUntilAPowerLoss) {
  Put("/d/a", "hello", true);
  {
    auto file = OpenFile("/d/a");
    ASSERT_OK(file->Write(5, " world"));
  }
  fs_.Crash(CrashMode::kProcessKill);
  EXPECT_EQ(Get("/d/a"), "hello world");
  // The page cache survived the process, but the bytes are still not on disk.
  fs_.Crash(CrashMode::kPowerLoss);
  EXPECT_EQ(Get("/d/a"), "hello");
}

TEST_F(FaultFileSystemTest, TornWriteKeepsAPrefixOfTheUnsyncedBytes) {
  const std::string synced = Pattern(3000, 1);
  const std::string appended = Pattern(20000, 2);
  int partial = 0;
  for (uint64_t seed = 0; seed < 20; ++seed) {
    OpenFile("/d/a", OpenMode::kCreateAlways);
    Put("/d/a", synced, true);
    {
      auto file = OpenFile("/d/a");
      ASSERT_OK(file->Write(synced.size(), appended));
    }
    fs_.Crash(CrashMode::kTornWrite, seed);
    std::string after = Get("/d/a");
    const std::string full = synced + appended;
    ASSERT_GE(after.size(), synced.size()) << "seed " << seed;
    ASSERT_LE(after.size(), full.size()) << "seed " << seed;
    EXPECT_EQ(after, full.substr(0, after.size())) << "seed " << seed;
    if (after.size() > synced.size() && after.size() < full.size()) ++partial;
    // What survived is durable now.
    fs_.Crash(CrashMode::kPowerLoss);
    EXPECT_EQ(Get("/d/a"), after);
  }
  EXPECT_GT(partial, 10);  // the cut is random: nearly every seed tears the write
}

TEST_F(FaultFileSystemTest, TornWriteOfAnOverwriteKeepsOldBytesAfterTheCut) {
  const std::string old_content(10000, 'o');
  const std::string new_content(6000, 'n');
  bool saw_partial = false;
  for (uint64_t seed = 0; seed < 10; ++seed) {
    Put("/d/a", old_content, true);
    {
      auto file = OpenFile("/d/a");
      ASSERT_OK(file->Write(2000, new_content));
    }
    fs_.Crash(CrashMode::kTornWrite, seed);
    std::string after = Get("/d/a");
    ASSERT_EQ(after.size(), old_content.size());
    size_t cut = 2000;
    while (cut < 8000 && after[cut] == 'n') ++cut;
    EXPECT_EQ(after.substr(0, 2000), std::string(2000, 'o'));
    EXPECT_EQ(after.substr(cut), std::string(10000 - cut, 'o')) << "seed " << seed;
    if (cut > 2000 && cut < 8000) saw_partial = true;
  }
  EXPECT_TRUE(saw_partial);
}

TEST_F(FaultFileSystemTest, RandomPagesKeepsOrDropsWholePages) {
  constexpr size_t kPages = 16;
  const std::string old_content(kPages * 4096, 'o');
  const std::string new_content(kPages * 4096, 'n');
  bool saw_mixed = false;
  for (uint64_t seed = 0; seed < 5; ++seed) {
    Put("/d/a", old_content, true);
    Put("/d/a", new_content, false);
    fs_.Crash(CrashMode::kRandomPages, seed);
    std::string after = Get("/d/a");
    ASSERT_EQ(after.size(), old_content.size());
    size_t kept = 0;
    for (size_t p = 0; p < kPages; ++p) {
      std::string page = after.substr(p * 4096, 4096);
      bool all_new = page == std::string(4096, 'n');
      bool all_old = page == std::string(4096, 'o');
      EXPECT_TRUE(all_new || all_old) << "page " << p << " seed " << seed;
      if (all_new) ++kept;
    }
    if (kept > 0 && kept < kPages) saw_mixed = true;
  }
  EXPECT_TRUE(saw_mixed);
}

TEST_F(FaultFileSystemTest, CrashWithoutUnsyncedChangesKeepsEverything) {
  Put("/d/a", Pattern(9000, 3), true);
  for (CrashMode mode : {CrashMode::kProcessKill, CrashMode::kPowerLoss, CrashMode::kTornWrite,
                         CrashMode::kRandomPages}) {
    fs_.Crash(mode, 7);
    EXPECT_EQ(Get("/d/a"), Pattern(9000, 3));
  }
}

TEST_F(FaultFileSystemTest, MappedWritesAreVisibleAndSurviveProcessKill) {
  auto file = OpenFile("/d/seg");
  ASSERT_OK(file->Allocate(16384));
  auto region = file->Map(16384);
  ASSERT_TRUE(region.ok());
  std::memcpy((*region)->data() + 100, "mapped", 6);
  char buf[6];
  auto n = file->Read(100, 6, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, 6), "mapped");

  fs_.Crash(CrashMode::kProcessKill);
  EXPECT_EQ(Get("/d/seg").substr(100, 6), "mapped");
}

TEST_F(FaultFileSystemTest, SyncOfPartOfAMappingKeepsOnlyThatPartAfterPowerLoss) {
  const std::string data = Pattern(16384, 4);
  {
    auto file = OpenFile("/d/seg");
    ASSERT_OK(file->Allocate(16384));
    auto region = file->Map(16384);
    ASSERT_TRUE(region.ok());
    std::memcpy((*region)->data(), data.data(), data.size());
    ASSERT_OK((*region)->Sync(1000, 5000));  // not page aligned on purpose
    ASSERT_OK((*region)->Sync(0, 0));
  }
  fs_.Crash(CrashMode::kPowerLoss);
  std::string after = Get("/d/seg");
  ASSERT_EQ(after.size(), 16384u);  // the allocation is metadata: durable
  EXPECT_EQ(after.substr(0, 1000), std::string(1000, '\0'));
  EXPECT_EQ(after.substr(1000, 5000), data.substr(1000, 5000));
  EXPECT_EQ(after.substr(6000), std::string(16384 - 6000, '\0'));
}

TEST_F(FaultFileSystemTest, TornWriteThroughAMappingKeepsAPrefix) {
  const std::string data = Pattern(12000, 5);
  for (uint64_t seed = 0; seed < 5; ++seed) {
    ASSERT_OK(fs_.Remove("/d/seg"));
    auto file = OpenFile("/d/seg");
    ASSERT_OK(file->Allocate(16384));
    auto region = file->Map(16384);
    ASSERT_TRUE(region.ok());
    std::memcpy((*region)->data(), data.data(), 4000);
    ASSERT_OK((*region)->Sync(0, 4000));
    std::memcpy((*region)->data() + 4000, data.data() + 4000, 8000);
    fs_.Crash(CrashMode::kTornWrite, seed);
    std::string after = Get("/d/seg");
    ASSERT_EQ(after.size(), 16384u);
    size_t end = 4000;
    while (end < 12000 && after[end] == data[end]) ++end;
    EXPECT_EQ(after.substr(0, end), data.substr(0, end));
    EXPECT_EQ(after.substr(end), std::string(16384 - end, '\0')) << "seed " << seed;
  }
}

TEST_F(FaultFileSystemTest, HandlesDieAfterCrash) {
  auto file = OpenFile("/d/seg");
  ASSERT_OK(file->Allocate(8192));
  auto region = file->Map(8192);
  ASSERT_TRUE(region.ok());
  std::memcpy((*region)->data(), "before", 6);
  ASSERT_OK((*region)->Sync(0, 6));
  auto lock = fs_.Lock("/d/LOCK");
  ASSERT_TRUE(lock.ok());

  fs_.Crash(CrashMode::kPowerLoss);

  char buf[8];
  EXPECT_EQ(file->Size().status().code(), ErrorCode::kIoError);
  EXPECT_EQ(file->Read(0, 8, buf).status().code(), ErrorCode::kIoError);
  EXPECT_EQ(file->Write(0, "x").code(), ErrorCode::kIoError);
  EXPECT_EQ(file->Sync().code(), ErrorCode::kIoError);
  EXPECT_EQ(file->Truncate(0).code(), ErrorCode::kIoError);
  EXPECT_EQ(file->Allocate(1 << 20).code(), ErrorCode::kIoError);
  EXPECT_EQ(file->DataEnd().status().code(), ErrorCode::kIoError);
  EXPECT_EQ(file->Map(10).status().code(), ErrorCode::kIoError);
  Status sync = (*region)->Sync(0, 10);
  EXPECT_EQ(sync.code(), ErrorCode::kIoError);
  EXPECT_NE(sync.message().find("crashed"), std::string::npos) << sync.message();

  // The old store keeps writing into its mapping: nobody sees it.
  std::memcpy((*region)->data(), "AFTER!", 6);
  EXPECT_EQ(Get("/d/seg").substr(0, 6), "before");
  // The lock died with the process.
  auto relock = fs_.Lock("/d/LOCK");
  EXPECT_TRUE(relock.ok()) << relock.status().ToString();
  // New handles work on the post-crash content.
  auto fresh = OpenFile("/d/seg", OpenMode::kReadWrite);
  auto fresh_region = fresh->Map(8192);
  ASSERT_TRUE(fresh_region.ok());
  EXPECT_EQ(std::string((*fresh_region)->data(), 6), "before");
  // Old handles can be destroyed after the new ones exist.
  region->reset();
  lock->reset();
  file.reset();
  auto third = fs_.Lock("/d/LOCK");
  EXPECT_FALSE(third.ok());  // relock still holds it
}

TEST_F(FaultFileSystemTest, MappingOutlivesRemoveAndTheFileSystem) {
  std::unique_ptr<MappedRegion> region;
  {
    FaultFileSystem fs;
    ASSERT_OK(fs.CreateDirs("/x"));
    auto file = fs.Open("/x/f", OpenMode::kCreate);
    ASSERT_TRUE(file.ok());
    ASSERT_OK((*file)->Allocate(4096));
    auto mapped = (*file)->Map(4096);
    ASSERT_TRUE(mapped.ok());
    region = std::move(*mapped);
    ASSERT_OK(fs.Remove("/x/f"));
    EXPECT_FALSE(fs.Exists("/x/f"));
    std::memcpy(region->data(), "still here", 10);
    ASSERT_OK(region->Sync(0, 10));
  }
  EXPECT_EQ(std::string(region->data(), 10), "still here");
  ASSERT_OK(region->Sync(0, 4096));
}

TEST_F(FaultFileSystemTest, MappedFileCannotGrowBeyondItsBuffer) {
  auto file = OpenFile("/d/seg");
  ASSERT_OK(file->Allocate(4096));
  {
    auto region = file->Map(4096);
    ASSERT_TRUE(region.ok());
    EXPECT_FALSE(file->Map(4097).ok());
    EXPECT_EQ(file->Map(0).status().code(), ErrorCode::kInvalidArgument);
    std::memcpy((*region)->data(), "abc", 3);
    EXPECT_EQ(file->Allocate(1 << 20).code(), ErrorCode::kIoError);
    EXPECT_EQ(file->Write(4096, "more").code(), ErrorCode::kIoError);
    // Within the buffer, plain writes still work.
    ASSERT_OK(file->Write(3, "def"));
    EXPECT_EQ(std::string((*region)->data(), 6), "abcdef");
  }
  // Unmapped, the file grows and keeps its bytes.
  ASSERT_OK(file->Allocate(1 << 20));
  ASSERT_OK(file->Write((1 << 20) - 1, "!"));
  std::string all = Get("/d/seg");
  ASSERT_EQ(all.size(), size_t{1} << 20);
  EXPECT_EQ(all.substr(0, 6), "abcdef");
  EXPECT_EQ(all.back(), '!');
}

TEST_F(FaultFileSystemTest, TruncateAndAllocateAreDurableAtOnce) {
  Put("/d/a", Pattern(10000, 6), true);
  auto file = OpenFile("/d/a");
  ASSERT_OK(file->Truncate(3000));
  ASSERT_OK(file->Allocate(5000));  // zeros after the 3000 kept bytes
  ASSERT_OK(file->Allocate(100));   // never shrinks
  fs_.Crash(CrashMode::kPowerLoss);
  std::string after = Get("/d/a");
  ASSERT_EQ(after.size(), 5000u);
  EXPECT_EQ(after.substr(0, 3000), Pattern(3000, 6));
  EXPECT_EQ(after.substr(3000), std::string(2000, '\0'));
}

TEST_F(FaultFileSystemTest, DataEndCoversWhatWasWritten) {
  auto file = OpenFile("/d/seg");
  ASSERT_OK(file->Allocate(64 * 1024));
  auto end = file->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 0u);
  ASSERT_OK(file->Write(5000, "x"));
  end = file->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 8192u);
  ASSERT_OK(file->Sync());
  // Zeroed in the page cache but still non-zero on disk: still data.
  ASSERT_OK(file->Write(5000, std::string(1, '\0')));
  end = file->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 8192u);
  ASSERT_OK(file->Sync());
  end = file->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 0u);
  // Capped at the size.
  auto small = OpenFile("/d/small");
  ASSERT_OK(small->Write(0, "abc"));
  end = small->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 3u);
}

TEST_F(FaultFileSystemTest, InjectedWriteFailureChangesNothing) {
  Put("/d/a", "hello", true);
  auto file = OpenFile("/d/a");
  fs_.FailNext(FaultOp::kWrite, EIO);
  Status st = file->Write(0, "HELLO");
  EXPECT_EQ(st.code(), ErrorCode::kIoError);
  EXPECT_NE(st.message().find("/d/a"), std::string::npos) << st.message();
  EXPECT_EQ(Get("/d/a"), "hello");
  ASSERT_OK(file->Write(0, "HELLO"));  // only the next one failed
  EXPECT_EQ(Get("/d/a"), "HELLO");
  EXPECT_EQ(fs_.stats().injected_failures, 1u);
}

TEST_F(FaultFileSystemTest, InjectedSyncFailuresCoverFilesAndMappings) {
  auto file = OpenFile("/d/seg");
  ASSERT_OK(file->Allocate(4096));
  auto region = file->Map(4096);
  ASSERT_TRUE(region.ok());
  std::memcpy((*region)->data(), "data", 4);

  fs_.FailNext(FaultOp::kSync, ENOSPC, 2);
  EXPECT_EQ(file->Sync().code(), ErrorCode::kDiskFull);
  EXPECT_EQ((*region)->Sync(0, 4).code(), ErrorCode::kDiskFull);
  // A failed sync made nothing durable.
  auto durable = fs_.DurableContent("/d/seg");
  ASSERT_TRUE(durable.ok());
  EXPECT_EQ(durable->substr(0, 4), std::string(4, '\0'));
  ASSERT_OK((*region)->Sync(0, 4));
  durable = fs_.DurableContent("/d/seg");
  ASSERT_TRUE(durable.ok());
  EXPECT_EQ(durable->substr(0, 4), "data");
}

TEST_F(FaultFileSystemTest, FailAlwaysUntilCleared) {
  auto file = OpenFile("/d/a");
  fs_.FailAlways(FaultOp::kSync, EIO);
  for (int i = 0; i < 5; ++i) EXPECT_EQ(file->Sync().code(), ErrorCode::kIoError);
  fs_.ClearFaults();
  ASSERT_OK(file->Sync());
  EXPECT_EQ(fs_.stats().injected_failures, 5u);
}

TEST_F(FaultFileSystemTest, InjectionCanBeLimitedToPaths) {
  auto log = OpenFile("/d/commitlog");
  auto queue = OpenFile("/d/consumequeue");
  fs_.FailAlways(FaultOp::kWrite, EIO, "consume");
  ASSERT_OK(log->Write(0, "a"));
  EXPECT_EQ(queue->Write(0, "a").code(), ErrorCode::kIoError);
  fs_.ClearFaults();
  fs_.FailNext(FaultOp::kRename, EIO, 1, "target");
  Put("/d/src", "x", true);
  EXPECT_EQ(fs_.Rename("/d/src", "/d/target").code(), ErrorCode::kIoError);  // `to` matches
  EXPECT_TRUE(fs_.Exists("/d/src"));
  ASSERT_OK(fs_.Rename("/d/src", "/d/target"));
}

TEST_F(FaultFileSystemTest, EveryKindOfCallCanBeFailed) {
  Put("/d/a", "hello", true);
  auto file = OpenFile("/d/a");
  char buf[4];
  struct Case {
    FaultOp op;
    std::function<Status()> call;
  };
  const std::vector<Case> cases = {
      {FaultOp::kOpen, [&] { return fs_.Open("/d/a", OpenMode::kReadOnly).status(); }},
      {FaultOp::kRead, [&] { return file->Read(0, 4, buf).status(); }},
      {FaultOp::kWrite, [&] { return file->Write(0, "x"); }},
      {FaultOp::kSync, [&] { return file->Sync(); }},
      {FaultOp::kAllocate, [&] { return file->Allocate(100); }},
      {FaultOp::kTruncate, [&] { return file->Truncate(50); }},
      {FaultOp::kMap, [&] { return file->Map(4).status(); }},
      {FaultOp::kRename, [&] { return fs_.Rename("/d/a", "/d/b"); }},
      {FaultOp::kRemove, [&] { return fs_.Remove("/d/a"); }},
      {FaultOp::kSyncDir, [&] { return fs_.SyncDir("/d"); }},
      {FaultOp::kCreateDirs, [&] { return fs_.CreateDirs("/d/sub"); }},
      {FaultOp::kLock, [&] { return fs_.Lock("/d/LOCK").status(); }},
  };
  for (const auto& c : cases) {
    fs_.FailNext(c.op, EIO);
    EXPECT_EQ(c.call().code(), ErrorCode::kIoError) << static_cast<int>(c.op);
    fs_.FailNext(c.op, ENOSPC);
    EXPECT_EQ(c.call().code(), ErrorCode::kDiskFull) << static_cast<int>(c.op);
  }
  // Nothing happened.
  EXPECT_EQ(Get("/d/a"), "hello");
  EXPECT_FALSE(fs_.Exists("/d/b"));
  EXPECT_FALSE(fs_.Exists("/d/sub"));
  EXPECT_FALSE(fs_.Exists("/d/LOCK"));
  EXPECT_EQ(fs_.stats().injected_failures, 2 * cases.size());
  // And every kind works again.
  for (const auto& c : cases) EXPECT_TRUE(c.call().ok()) << static_cast<int>(c.op);
}

TEST_F(FaultFileSystemTest, CapacityExhaustionThenRecovery) {
  fs_.SetCapacity(20000);
  auto space = fs_.Space("/d");
  ASSERT_TRUE(space.ok());
  EXPECT_EQ(space->total_bytes, 20000u);
  EXPECT_EQ(space->available_bytes, 20000u);

  auto a = OpenFile("/d/a");
  ASSERT_OK(a->Allocate(16384));
  EXPECT_EQ(fs_.UsedBytes(), 16384u);
  auto b = OpenFile("/d/b");
  EXPECT_EQ(b->Allocate(16384).code(), ErrorCode::kDiskFull);
  EXPECT_EQ(b->Write(0, std::string(4000, 'x')).code(), ErrorCode::kDiskFull);
  ASSERT_OK(b->Write(0, std::string(3000, 'x')));
  space = fs_.Space("/d");
  ASSERT_TRUE(space.ok());
  EXPECT_EQ(space->available_bytes, 20000u - 16384u - 3000u);
  EXPECT_GT(space->used_ratio(), 0.9);
  // Writes inside the allocated size never run out of space.
  ASSERT_OK(a->Write(100, std::string(1000, 'y')));

  // Retention frees space.
  ASSERT_OK(fs_.Remove("/d/a"));
  ASSERT_OK(b->Allocate(16384));
  // Lowering the capacity below use: nothing grows any more, until it is raised.
  fs_.SetCapacity(10000);
  space = fs_.Space("/d");
  ASSERT_TRUE(space.ok());
  EXPECT_EQ(space->available_bytes, 0u);
  EXPECT_EQ(b->Write(16384, "z").code(), ErrorCode::kDiskFull);
  fs_.SetCapacity(FaultFileSystem::kDefaultCapacity);
  ASSERT_OK(b->Write(16384, "z"));
  EXPECT_EQ(fs_.Space("/missing").status().code(), ErrorCode::kIoError);
}

TEST_F(FaultFileSystemTest, RenameOverwritesAndMovesDirectories) {
  Put("/d/a", "new", true);
  Put("/d/b", "old", true);
  auto handle = OpenFile("/d/a");
  ASSERT_OK(fs_.Rename("/d/a", "/d/b"));
  EXPECT_FALSE(fs_.Exists("/d/a"));
  EXPECT_EQ(Get("/d/b"), "new");
  // An open handle follows the file.
  ASSERT_OK(handle->Write(3, "er"));
  EXPECT_EQ(Get("/d/b"), "newer");
  EXPECT_EQ(fs_.Rename("/d/missing", "/d/c").code(), ErrorCode::kIoError);
  EXPECT_FALSE(fs_.Rename("/d/b", "/nodir/b").ok());
  EXPECT_FALSE(fs_.Rename("/d/b", "/d").ok());  // onto a directory

  ASSERT_OK(fs_.CreateDirs("/d/x/y"));
  Put("/d/x/y/f", "deep", true);
  ASSERT_OK(fs_.Rename("/d/x", "/d/z"));
  EXPECT_FALSE(fs_.Exists("/d/x"));
  EXPECT_TRUE(fs_.IsDirectory("/d/z/y"));
  EXPECT_EQ(Get("/d/z/y/f"), "deep");
  EXPECT_FALSE(fs_.Rename("/d/z", "/d/z/y/inside").ok());
  // Renames are durable at once.
  fs_.Crash(CrashMode::kPowerLoss);
  EXPECT_EQ(Get("/d/z/y/f"), "deep");
  EXPECT_EQ(Get("/d/b"), "new");
}

TEST_F(FaultFileSystemTest, ListRemoveAndDirectories) {
  ASSERT_OK(fs_.CreateDirs("/d/empty"));
  ASSERT_OK(fs_.CreateDirs("/d/sub/deeper/"));
  Put("/d/c", "", false);
  Put("/d/a", "", false);
  Put("/d/sub/f", "", false);
  auto names = fs_.List("/d");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "c", "empty", "sub"}));
  names = fs_.List("/d/empty");
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  names = fs_.List("/d//sub/./");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"deeper", "f"}));
  names = fs_.List("/");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"d"}));
  EXPECT_EQ(fs_.List("/d/nope").status().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(fs_.List("/d/a").ok());

  EXPECT_TRUE(fs_.IsDirectory("/d/empty"));
  EXPECT_TRUE(fs_.IsDirectory("/"));
  EXPECT_FALSE(fs_.IsDirectory("/d/a"));
  EXPECT_TRUE(fs_.Exists("/d/a"));
  EXPECT_FALSE(fs_.CreateDirs("/d/a/b").ok());  // a is a file

  EXPECT_FALSE(fs_.Remove("/d/sub").ok());  // not empty
  ASSERT_OK(fs_.Remove("/d/empty"));
  ASSERT_OK(fs_.Remove("/d/a"));
  ASSERT_OK(fs_.Remove("/d/a"));  // already gone
  EXPECT_FALSE(fs_.Exists("/d/a"));
  ASSERT_OK(RemoveRecursively(fs_, "/d/sub"));
  names = fs_.List("/d");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"c"}));
}

TEST_F(FaultFileSystemTest, RelativePaths) {
  ASSERT_OK(fs_.CreateDirs("rel/dir"));
  Put("rel/dir/f", "r", true);
  Put("top", "t", true);
  EXPECT_EQ(Get("./rel//dir/f"), "r");
  auto names = fs_.List(".");
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"rel", "top"}));
}

TEST_F(FaultFileSystemTest, LocksAreExclusive) {
  auto first = fs_.Lock("/d/LOCK");
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(Get("/d/LOCK"), "lock");
  auto second = fs_.Lock("/d/LOCK");
  EXPECT_EQ(second.status().code(), ErrorCode::kIoError);
  auto other = fs_.Lock("/d/OTHER");
  EXPECT_TRUE(other.ok());
  first->reset();
  auto third = fs_.Lock("/d/LOCK");
  EXPECT_TRUE(third.ok());
  EXPECT_FALSE(fs_.Lock("/nodir/LOCK").ok());
}

TEST_F(FaultFileSystemTest, ModifiedTimeFollowsTheClock) {
  auto file = OpenFile("/d/a");
  auto t0 = fs_.ModifiedTimeMs("/d/a");
  ASSERT_TRUE(t0.ok());
  EXPECT_EQ(*t0, clock_.NowMillis());
  clock_.Advance(1000);
  ASSERT_OK(file->Write(0, "x"));
  EXPECT_EQ(*fs_.ModifiedTimeMs("/d/a"), *t0 + 1000);
  clock_.Advance(1000);
  ASSERT_OK(file->Allocate(8192));
  EXPECT_EQ(*fs_.ModifiedTimeMs("/d/a"), *t0 + 2000);

  auto region = file->Map(8192);
  ASSERT_TRUE(region.ok());
  clock_.Advance(1000);
  (*region)->data()[10] = 'm';
  EXPECT_EQ(*fs_.ModifiedTimeMs("/d/a"), *t0 + 2000);  // mapped writes alone: unchanged
  ASSERT_OK((*region)->Sync(10, 1));
  EXPECT_EQ(*fs_.ModifiedTimeMs("/d/a"), *t0 + 3000);

  ASSERT_OK(fs_.SetModifiedTimeMs("/d/a", 42));
  EXPECT_EQ(*fs_.ModifiedTimeMs("/d/a"), 42);
  EXPECT_EQ(fs_.ModifiedTimeMs("/d/missing").status().code(), ErrorCode::kIoError);
  EXPECT_EQ(fs_.SetModifiedTimeMs("/d/missing", 1).code(), ErrorCode::kNotFound);
  EXPECT_TRUE(fs_.ModifiedTimeMs("/d").ok());
}

TEST_F(FaultFileSystemTest, WriteFileAtomicallySurvivesPowerLoss) {
  ASSERT_OK(WriteFileAtomically(fs_, "/d/config/topics.json", "v1"));
  ASSERT_OK(WriteFileAtomically(fs_, "/d/config/topics.json", "v2"));
  fs_.Crash(CrashMode::kPowerLoss);
  EXPECT_EQ(Get("/d/config/topics.json"), "v2");
  EXPECT_EQ(Get("/d/config/topics.json.bak"), "v1");
  EXPECT_FALSE(fs_.Exists("/d/config/topics.json.tmp"));
  EXPECT_GE(fs_.stats().dir_syncs, 2u);
}

TEST_F(FaultFileSystemTest, StatsCountSyncs) {
  auto file = OpenFile("/d/a");
  ASSERT_OK(file->Write(0, std::string(100, 'x')));
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Allocate(8192));
  auto region = file->Map(8192);
  ASSERT_TRUE(region.ok());
  ASSERT_OK((*region)->Sync(0, 50));
  ASSERT_OK(fs_.SyncDir("/d"));
  EXPECT_FALSE(fs_.SyncDir("/nodir").ok());
  fs_.Crash(CrashMode::kProcessKill);
  FaultStats stats = fs_.stats();
  EXPECT_EQ(stats.syncs, 2u);
  EXPECT_EQ(stats.synced_bytes, 150u);
  EXPECT_EQ(stats.dir_syncs, 1u);
  EXPECT_EQ(stats.crashes, 1u);
}

// Several threads write disjoint ranges of one mapping and sync them, as the appender and the
// flusher do; another appends to a second file. Everything synced survives a power loss.
TEST_F(FaultFileSystemTest, ConcurrentMappedWritesAndSyncs) {
  constexpr int kThreads = 4;
  constexpr size_t kChunk = 1000;  // not page aligned: neighbours share pages
  constexpr int kRounds = 50;
  constexpr size_t kSize = kThreads * kChunk * kRounds;
  auto file = OpenFile("/d/seg");
  // One page past the written chunks stays untouched, for concurrent reads.
  ASSERT_OK(file->Allocate(kSize + 4096));
  auto mapped = file->Map(kSize + 4096);
  ASSERT_TRUE(mapped.ok());
  MappedRegion* region = mapped->get();
  auto other = OpenFile("/d/other");

  std::vector<std::thread> threads;
  std::vector<Status> errors(kThreads + 1);
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int r = 0; r < kRounds; ++r) {
        size_t offset = (static_cast<size_t>(r) * kThreads + t) * kChunk;
        std::memset(region->data() + offset, 'a' + t, kChunk);
        Status st = region->Sync(offset, kChunk);
        if (!st.ok()) errors[t] = st;
      }
    });
  }
  threads.emplace_back([&] {
    for (int r = 0; r < kRounds; ++r) {
      Status st = other->Write(static_cast<uint64_t>(r) * 10, std::string(10, 'o'));
      if (st.ok()) st = other->Sync();
      if (!st.ok()) errors[kThreads] = st;
      char buf[10];
      auto n = file->Read(kSize, sizeof(buf), buf);  // while the mapping is written
      if (!n.ok()) errors[kThreads] = n.status();
    }
  });
  for (auto& th : threads) th.join();
  for (const auto& st : errors) EXPECT_TRUE(st.ok()) << st.ToString();

  fs_.Crash(CrashMode::kPowerLoss);
  std::string after = Get("/d/seg");
  ASSERT_EQ(after.size(), kSize + 4096);
  for (size_t i = 0; i < kSize; i += kChunk) {
    char expected = static_cast<char>('a' + (i / kChunk) % kThreads);
    ASSERT_EQ(after.substr(i, kChunk), std::string(kChunk, expected)) << "offset " << i;
  }
  EXPECT_EQ(Get("/d/other"), std::string(kRounds * 10, 'o'));
  EXPECT_EQ(fs_.stats().syncs, static_cast<uint64_t>(kThreads * kRounds + kRounds));
}

}  // namespace
}  // namespace orbit::store
