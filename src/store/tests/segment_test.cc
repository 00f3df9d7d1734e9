// Segment names, and SegmentQueue over both file systems (the same tests over POSIX and the
// fault file system), plus what a power loss leaves of segments on the fault file system.

#include "store/segment.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "store/fault_file_system.h"
#include "store/tests/store_test_util.h"

namespace orbit::store {
namespace {

constexpr size_t kSegmentSize = 4 * kOsPageSize;

TEST(SegmentFileNameTest, TwentyDigits) {
  EXPECT_EQ(SegmentFileName(0), "00000000000000000000");
  EXPECT_EQ(SegmentFileName(1073741824), "00000000001073741824");
  EXPECT_EQ(SegmentFileName(UINT64_MAX), "18446744073709551615");
  for (uint64_t v : {uint64_t{0}, uint64_t{6000000}, uint64_t{1} << 40, UINT64_MAX}) {
    auto parsed = ParseSegmentFileName(SegmentFileName(v));
    ASSERT_TRUE(parsed.ok());
    EXPECT_EQ(*parsed, v);
  }
}

TEST(SegmentFileNameTest, RejectsOtherNames) {
  for (const char* name :
       {"", "0000000000000000000", "000000000000000000000", "0000000000000000000a", "checkpoint",
        "00000000000000000000.tmp", "18446744073709551616", "99999999999999999999"}) {
    EXPECT_EQ(ParseSegmentFileName(name).status().code(), ErrorCode::kInvalidArgument) << name;
  }
}

enum class FsKind { kPosix, kFault };

class SegmentQueueTest : public ::testing::TestWithParam<FsKind> {
 protected:
  void SetUp() override {
    if (GetParam() == FsKind::kPosix) {
      char tmpl[] = "/tmp/orbit-segment-XXXXXX";
      ASSERT_NE(mkdtemp(tmpl), nullptr);
      root_ = tmpl;
      fs_ = FileSystem::Default();
    } else {
      root_ = "/store";
      ASSERT_OK(fault_.CreateDirs(root_));
      fs_ = &fault_;
    }
    dir_ = JoinPath(root_, "queue");
  }
  void TearDown() override {
    if (GetParam() == FsKind::kPosix) std::filesystem::remove_all(root_);
  }

  std::unique_ptr<SegmentQueue> NewQueue() {
    return std::make_unique<SegmentQueue>(*fs_, dir_, kSegmentSize);
  }

  std::unique_ptr<SegmentQueue> Reload() {
    auto q = NewQueue();
    Status st = q->Load();
    EXPECT_TRUE(st.ok()) << st.ToString();
    return q;
  }

  // Appends `n` bytes of `c` at `*offset` through the mappings, as the commit log does.
  void Append(SegmentQueue& q, uint64_t* offset, size_t n, char c) {
    while (n > 0) {
      auto seg = q.LastForWrite(*offset);
      ASSERT_TRUE(seg.ok()) << seg.status().ToString();
      size_t pos = (*seg)->write_pos();
      ASSERT_EQ((*seg)->start_offset() + pos, *offset);
      size_t take = std::min(n, (*seg)->size() - pos);
      std::memset((*seg)->data() + pos, c, take);
      (*seg)->set_write_pos(pos + take);
      *offset += take;
      n -= take;
    }
  }

  std::string FileBytes(const std::string& path) {
    auto content = ReadWholeFile(*fs_, path);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return content.ok() ? *content : "";
  }

  FaultFileSystem fault_;
  FileSystem* fs_ = nullptr;
  std::string root_;
  std::string dir_;
};

TEST_P(SegmentQueueTest, LastForWriteCreatesFullSizeSegments) {
  auto q = NewQueue();
  EXPECT_TRUE(q->empty());
  EXPECT_EQ(q->MaxOffset(), 0u);
  auto first = q->LastForWrite(0);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ((*first)->start_offset(), 0u);
  EXPECT_EQ((*first)->end_offset(), kSegmentSize);
  EXPECT_EQ((*first)->path(), JoinPath(dir_, "00000000000000000000"));
  EXPECT_EQ((*first)->write_pos(), 0u);
  auto size = (*first)->file().Size();
  ASSERT_TRUE(size.ok());
  EXPECT_EQ(*size, kSegmentSize);
  // Not full: the same segment again, whatever the offset.
  auto again = q->LastForWrite(123);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->get(), first->get());

  uint64_t offset = 0;
  Append(*q, &offset, kSegmentSize + 10, 'x');
  EXPECT_EQ(q->Segments().size(), 2u);
  EXPECT_EQ(q->MaxOffset(), kSegmentSize + 10);
  auto names = fs_->List(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{SegmentFileName(0), SegmentFileName(kSegmentSize)}));
  EXPECT_EQ(FileBytes(JoinPath(dir_, SegmentFileName(kSegmentSize))).size(), kSegmentSize);

  // A new segment must start at a multiple of the segment size.
  Append(*q, &offset, kSegmentSize - 10, 'y');
  EXPECT_EQ(q->LastForWrite(offset + 1).status().code(), ErrorCode::kInternal);
}

TEST_P(SegmentQueueTest, LoadFindsSegmentsInOrder) {
  {
    auto q = NewQueue();
    uint64_t offset = 0;
    Append(*q, &offset, 2 * kSegmentSize + 100, 'a');
    EXPECT_TRUE(q->Flush(0).ok());
  }
  // Not segments: ignored.
  ASSERT_OK(fs_->CreateDirs(JoinPath(dir_, "subdir")));
  { ASSERT_TRUE(fs_->Open(JoinPath(dir_, "notes.txt"), OpenMode::kCreate).ok()); }

  auto q = Reload();
  auto segs = q->Segments();
  ASSERT_EQ(segs.size(), 3u);
  for (size_t i = 0; i < segs.size(); ++i) {
    EXPECT_EQ(segs[i]->start_offset(), i * kSegmentSize);
    EXPECT_EQ(segs[i]->write_pos(), kSegmentSize);  // recovery lowers it
    EXPECT_EQ(segs[i]->flushed_pos(), kSegmentSize);
  }
  EXPECT_EQ(q->First(), segs.front());
  EXPECT_EQ(q->Last(), segs.back());
  EXPECT_EQ(q->MinOffset(), 0u);
  EXPECT_EQ(q->MaxOffset(), 3 * kSegmentSize);
  EXPECT_EQ(q->FlushedOffset(), 3 * kSegmentSize);
  EXPECT_EQ(segs[2]->data()[99], 'a');
  EXPECT_EQ(segs[2]->data()[100], '\0');
}

TEST_P(SegmentQueueTest, LoadOfAMissingDirectoryIsEmpty) {
  auto q = Reload();
  EXPECT_TRUE(q->empty());
  EXPECT_EQ(q->First(), nullptr);
  EXPECT_EQ(q->Find(0), nullptr);
}

TEST_P(SegmentQueueTest, LoadRejectsASegmentOfTheWrongSize) {
  {
    auto q = NewQueue();
    uint64_t offset = 0;
    Append(*q, &offset, kSegmentSize + 1, 'a');
  }
  {
    auto file = fs_->Open(JoinPath(dir_, SegmentFileName(2 * kSegmentSize)), OpenMode::kCreate);
    ASSERT_TRUE(file.ok());
    ASSERT_OK((*file)->Allocate(kSegmentSize / 2));
  }
  auto q = NewQueue();
  Status st = q->Load();
  EXPECT_EQ(st.code(), ErrorCode::kMalformed) << st.ToString();
  EXPECT_NE(st.message().find(SegmentFileName(2 * kSegmentSize)), std::string::npos);
}

TEST_P(SegmentQueueTest, LoadRejectsAnUnalignedStart) {
  ASSERT_OK(fs_->CreateDirs(dir_));
  {
    auto file = fs_->Open(JoinPath(dir_, SegmentFileName(100)), OpenMode::kCreate);
    ASSERT_TRUE(file.ok());
    ASSERT_OK((*file)->Allocate(kSegmentSize));
  }
  EXPECT_EQ(NewQueue()->Load().code(), ErrorCode::kMalformed);
}

TEST_P(SegmentQueueTest, FindByOffset) {
  auto q = NewQueue();
  uint64_t offset = 0;
  Append(*q, &offset, 3 * kSegmentSize, 'f');
  ASSERT_EQ(q->Segments().size(), 3u);
  for (uint64_t at : {uint64_t{0}, uint64_t{1}, uint64_t{kSegmentSize - 1}}) {
    ASSERT_NE(q->Find(at), nullptr);
    EXPECT_EQ(q->Find(at)->start_offset(), 0u) << at;
  }
  EXPECT_EQ(q->Find(kSegmentSize)->start_offset(), kSegmentSize);
  EXPECT_EQ(q->Find(3 * kSegmentSize - 1)->start_offset(), 2 * kSegmentSize);
  EXPECT_EQ(q->Find(3 * kSegmentSize), nullptr);
  auto removed = q->DeleteFirst();
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, JoinPath(dir_, SegmentFileName(0)));
  EXPECT_EQ(q->Find(0), nullptr);
  EXPECT_EQ(q->Find(kSegmentSize + 5)->start_offset(), kSegmentSize);
}

TEST_P(SegmentQueueTest, FlushWaitsForLeastPages) {
  auto q = NewQueue();
  uint64_t offset = 0;
  Append(*q, &offset, kOsPageSize + 10, 'p');  // one whole page dirty
  auto synced = q->Flush(2);
  ASSERT_TRUE(synced.ok());
  EXPECT_FALSE(*synced);
  EXPECT_EQ(q->FlushedOffset(), 0u);

  Append(*q, &offset, kOsPageSize, 'p');  // two
  synced = q->Flush(2);
  ASSERT_TRUE(synced.ok());
  EXPECT_TRUE(*synced);
  EXPECT_EQ(q->FlushedOffset(), 2 * kOsPageSize + 10);

  Append(*q, &offset, 5, 'p');
  synced = q->Flush(2);
  ASSERT_TRUE(synced.ok());
  EXPECT_FALSE(*synced);
  synced = q->Flush(0);  // any amount
  ASSERT_TRUE(synced.ok());
  EXPECT_TRUE(*synced);
  EXPECT_EQ(q->FlushedOffset(), offset);
  synced = q->Flush(0);  // nothing left
  ASSERT_TRUE(synced.ok());
  EXPECT_FALSE(*synced);
}

TEST_P(SegmentQueueTest, FlushCrossesFullSegments) {
  auto q = NewQueue();
  uint64_t offset = 0;
  Append(*q, &offset, 2 * kSegmentSize + 100, 'c');
  // A full segment is flushed whatever least_pages says; the last one waits for enough pages.
  auto synced = q->Flush(3);
  ASSERT_TRUE(synced.ok());
  EXPECT_TRUE(*synced);
  EXPECT_EQ(q->FlushedOffset(), 2 * kSegmentSize);
  ASSERT_TRUE(q->Flush(0).ok());
  EXPECT_EQ(q->FlushedOffset(), offset);
}

TEST_P(SegmentQueueTest, TruncateRemovesLaterSegmentsAndZeroesTheTail) {
  {
    auto q = NewQueue();
    uint64_t offset = 0;
    Append(*q, &offset, 3 * kSegmentSize - 7, 't');
    ASSERT_TRUE(q->Flush(0).ok());
  }
  auto q = Reload();
  const uint64_t end = kSegmentSize + 100;
  ASSERT_OK(q->Truncate(end));
  auto segs = q->Segments();
  ASSERT_EQ(segs.size(), 2u);
  EXPECT_EQ(segs[0]->write_pos(), kSegmentSize);
  EXPECT_EQ(segs[1]->write_pos(), 100u);
  EXPECT_EQ(segs[1]->flushed_pos(), 100u);
  EXPECT_EQ(q->MaxOffset(), end);
  EXPECT_EQ(q->FlushedOffset(), end);
  EXPECT_FALSE(fs_->Exists(JoinPath(dir_, SegmentFileName(2 * kSegmentSize))));
  segs.clear();
  q.reset();

  // On the fault file system, the zeroes must also have been made durable.
  if (GetParam() == FsKind::kFault) fault_.Crash(CrashMode::kPowerLoss);
  std::string tail = FileBytes(JoinPath(dir_, SegmentFileName(kSegmentSize)));
  ASSERT_EQ(tail.size(), kSegmentSize);
  EXPECT_EQ(tail.substr(0, 100), std::string(100, 't'));
  EXPECT_EQ(tail.substr(100), std::string(kSegmentSize - 100, '\0'));
  EXPECT_EQ(FileBytes(JoinPath(dir_, SegmentFileName(0))), std::string(kSegmentSize, 't'));

  // Appending resumes at the truncation point.
  q = Reload();
  ASSERT_OK(q->Truncate(end));
  uint64_t offset = end;
  Append(*q, &offset, 10, 'n');
  EXPECT_EQ(q->MaxOffset(), end + 10);
}

TEST_P(SegmentQueueTest, DeleteBeforeNeverRemovesTheLastSegment) {
  auto q = NewQueue();
  uint64_t offset = 0;
  Append(*q, &offset, 3 * kSegmentSize, 'd');
  auto removed = q->DeleteBefore(kSegmentSize);  // ends at or before
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  EXPECT_EQ(q->MinOffset(), kSegmentSize);
  removed = q->DeleteBefore(UINT64_MAX);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 1);
  ASSERT_EQ(q->Segments().size(), 1u);
  EXPECT_EQ(q->MinOffset(), 2 * kSegmentSize);
  auto names = fs_->List(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{SegmentFileName(2 * kSegmentSize)}));
  removed = q->DeleteBefore(UINT64_MAX);
  ASSERT_TRUE(removed.ok());
  EXPECT_EQ(*removed, 0);
}

TEST_P(SegmentQueueTest, DestroyAllRemovesTheDirectory) {
  auto q = NewQueue();
  uint64_t offset = 0;
  Append(*q, &offset, kSegmentSize + 1, 'x');
  ASSERT_OK(q->DestroyAll());
  EXPECT_TRUE(q->empty());
  EXPECT_FALSE(fs_->Exists(dir_));
}

INSTANTIATE_TEST_SUITE_P(FileSystems, SegmentQueueTest,
                         ::testing::Values(FsKind::kPosix, FsKind::kFault),
                         [](const ::testing::TestParamInfo<FsKind>& info) {
                           return info.param == FsKind::kPosix ? "Posix" : "Fault";
                         });

// What a power loss leaves of segments written through their mappings.
class SegmentCrashTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_OK(fs_.CreateDirs("/store")); }

  FaultFileSystem fs_;
  const std::string dir_ = "/store/commitlog";
};

TEST_F(SegmentCrashTest, FlushedDataSurvivesPowerLossAndUnflushedDoesNot) {
  {
    SegmentQueue q(fs_, dir_, kSegmentSize);
    auto seg = q.LastForWrite(0);
    ASSERT_TRUE(seg.ok());
    std::memset((*seg)->data(), 'F', 5000);
    (*seg)->set_write_pos(5000);
    ASSERT_TRUE(q.Flush(0).ok());
    EXPECT_EQ(q.FlushedOffset(), 5000u);
    std::memset((*seg)->data() + 5000, 'U', 3000);
    (*seg)->set_write_pos(8000);
    // The store is still running when the power goes.
    fs_.Crash(CrashMode::kPowerLoss);
    EXPECT_EQ(q.Flush(0).status().code(), ErrorCode::kIoError);
  }
  SegmentQueue q(fs_, dir_, kSegmentSize);
  ASSERT_OK(q.Load());
  auto seg = q.Last();
  ASSERT_NE(seg, nullptr);
  std::string bytes(seg->data(), seg->size());
  EXPECT_EQ(bytes.substr(0, 5000), std::string(5000, 'F'));
  EXPECT_EQ(bytes.substr(5000), std::string(kSegmentSize - 5000, '\0'));
}

TEST_F(SegmentCrashTest, UnflushedDataSurvivesAProcessKill) {
  {
    SegmentQueue q(fs_, dir_, kSegmentSize);
    auto seg = q.LastForWrite(0);
    ASSERT_TRUE(seg.ok());
    std::memset((*seg)->data(), 'K', 3000);
    (*seg)->set_write_pos(3000);
    fs_.Crash(CrashMode::kProcessKill);
    // The dead store writes on; the new one must not see it.
    std::memset((*seg)->data() + 3000, 'Z', 100);
  }
  SegmentQueue q(fs_, dir_, kSegmentSize);
  ASSERT_OK(q.Load());
  auto seg = q.Last();
  ASSERT_NE(seg, nullptr);
  EXPECT_EQ(std::string(seg->data(), 3000), std::string(3000, 'K'));
  EXPECT_EQ(seg->data()[3000], '\0');
}

TEST_F(SegmentCrashTest, FailedAllocationLeavesNoSegmentBehind) {
  SegmentQueue q(fs_, dir_, kSegmentSize);
  fs_.FailNext(FaultOp::kAllocate, ENOSPC);
  EXPECT_EQ(q.LastForWrite(0).status().code(), ErrorCode::kDiskFull);
  EXPECT_TRUE(q.empty());
  auto names = fs_.List(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());

  // A full disk, then room again.
  fs_.SetCapacity(kSegmentSize / 2);
  EXPECT_EQ(q.LastForWrite(0).status().code(), ErrorCode::kDiskFull);
  EXPECT_FALSE(fs_.Exists(JoinPath(dir_, SegmentFileName(0))));
  fs_.SetCapacity(FaultFileSystem::kDefaultCapacity);
  EXPECT_TRUE(q.LastForWrite(0).ok());
}

TEST_F(SegmentCrashTest, ACrashDuringCreationLeavesNoShortSegment) {
  {
    SegmentQueue q(fs_, dir_, kSegmentSize);
    uint64_t syncs_before = fs_.stats().dir_syncs;
    auto first = q.LastForWrite(0);
    ASSERT_TRUE(first.ok());
    (*first)->set_write_pos(kSegmentSize);
    // The new name is made durable before anything is written under it.
    EXPECT_GT(fs_.stats().dir_syncs, syncs_before);
    // The next creation dies between sizing the file and renaming it.
    fs_.FailNext(FaultOp::kRename, EIO);
    EXPECT_FALSE(q.LastForWrite(kSegmentSize).ok());
    EXPECT_FALSE(fs_.Exists(JoinPath(dir_, SegmentFileName(kSegmentSize))));
  }
  // What a kill -9 at that point leaves: the sized file under its temporary name.
  std::string creating = JoinPath(dir_, SegmentFileName(kSegmentSize)) + ".creating";
  {
    auto file = fs_.Open(creating, OpenMode::kCreate);
    ASSERT_TRUE(file.ok());
    ASSERT_OK((*file)->Allocate(kSegmentSize / 2));
  }
  fs_.Crash(CrashMode::kProcessKill);
  SegmentQueue q(fs_, dir_, kSegmentSize);
  ASSERT_OK(q.Load());
  EXPECT_EQ(q.Segments().size(), 1u);
  EXPECT_FALSE(fs_.Exists(creating));
  // And the segment can be created again.
  auto seg = q.LastForWrite(kSegmentSize);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  EXPECT_EQ((*seg)->start_offset(), kSegmentSize);
}

TEST_F(SegmentCrashTest, FlushErrorKeepsTheFlushedOffset) {
  SegmentQueue q(fs_, dir_, kSegmentSize);
  auto seg = q.LastForWrite(0);
  ASSERT_TRUE(seg.ok());
  std::memset((*seg)->data(), 'e', 100);
  (*seg)->set_write_pos(100);
  fs_.FailNext(FaultOp::kSync, EIO);
  EXPECT_EQ(q.Flush(0).status().code(), ErrorCode::kIoError);
  EXPECT_EQ(q.FlushedOffset(), 0u);
  EXPECT_EQ((*seg)->flushed_pos(), 0u);
  ASSERT_TRUE(q.Flush(0).ok());
  EXPECT_EQ(q.FlushedOffset(), 100u);
}

}  // namespace
}  // namespace orbit::store
