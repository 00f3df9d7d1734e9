// The POSIX FileSystem against a fresh temporary directory, and the helpers of file_system.h.

#include <fcntl.h>
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <string>
#include <vector>

#include "store/file_system.h"
#include "store/tests/store_test_util.h"

namespace orbit::store {
namespace {

class PosixFileSystemTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/orbit-posixfs-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string Path(const std::string& name) const { return JoinPath(dir_, name); }

  std::unique_ptr<File> OpenFile(const std::string& path, OpenMode mode = OpenMode::kCreate) {
    auto file = fs_.Open(path, mode);
    EXPECT_TRUE(file.ok()) << file.status().ToString();
    return file.ok() ? std::move(*file) : nullptr;
  }

  std::string Get(const std::string& path) {
    auto content = ReadWholeFile(fs_, path);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    return content.ok() ? *content : "<error>";
  }

  FileSystem& fs_ = *FileSystem::Default();
  std::string dir_;
};

TEST_F(PosixFileSystemTest, OpenModes) {
  const std::string path = Path("f");
  EXPECT_EQ(fs_.Open(path, OpenMode::kReadOnly).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fs_.Open(path, OpenMode::kReadWrite).status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(fs_.Open(Path("nodir/f"), OpenMode::kCreate).status().code(), ErrorCode::kNotFound);
  {
    auto file = OpenFile(path, OpenMode::kCreate);
    ASSERT_NE(file, nullptr);
    EXPECT_EQ(file->path(), path);
    EXPECT_GE(file->native_handle(), 0);
    ASSERT_OK(file->Write(0, "hello"));
  }
  {
    auto file = OpenFile(path, OpenMode::kReadWrite);
    ASSERT_OK(file->Write(5, " world"));
  }
  {
    auto file = OpenFile(path, OpenMode::kCreate);  // existing content kept
    auto size = file->Size();
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, 11u);
  }
  {
    auto ro = OpenFile(path, OpenMode::kReadOnly);
    EXPECT_EQ(ro->Write(0, "x").code(), ErrorCode::kIoError);
  }
  EXPECT_EQ(Get(path), "hello world");
  OpenFile(path, OpenMode::kCreateAlways);
  EXPECT_EQ(Get(path), "");
}

TEST_F(PosixFileSystemTest, ReadAndWriteAtOffsets) {
  auto file = OpenFile(Path("f"));
  ASSERT_OK(file->Write(3, "abc"));
  ASSERT_OK(file->Write(0, "xyz"));
  char buf[16];
  auto n = file->Read(0, sizeof(buf), buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "xyzabc");
  n = file->Read(4, 1, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(std::string(buf, *n), "b");
  n = file->Read(100, 4, buf);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0u);
  ASSERT_OK(file->Sync());
  ASSERT_OK(file->Truncate(2));
  EXPECT_EQ(Get(Path("f")), "xy");
  ASSERT_OK(file->Truncate(4));
  EXPECT_EQ(Get(Path("f")), std::string("xy\0\0", 4));
}

TEST_F(PosixFileSystemTest, AllocateMapWriteAndSync) {
  constexpr size_t kSize = 64 * 1024;
  const std::string path = Path("seg");
  {
    auto file = OpenFile(path);
    ASSERT_OK(file->Allocate(kSize));
    ASSERT_OK(file->Allocate(100));  // never shrinks
    auto size = file->Size();
    ASSERT_TRUE(size.ok());
    EXPECT_EQ(*size, kSize);
    EXPECT_FALSE(file->Map(0).ok());
    EXPECT_FALSE(file->Map(kSize + 1).ok());
    auto region = file->Map(kSize);
    ASSERT_TRUE(region.ok()) << region.status().ToString();
    EXPECT_EQ((*region)->size(), kSize);
    std::memcpy((*region)->data() + 5000, "mapped bytes", 12);
    ASSERT_OK((*region)->Sync(5000, 12));  // not page aligned
    ASSERT_OK((*region)->Sync(0, 0));
    EXPECT_EQ((*region)->Sync(kSize - 10, 20).code(), ErrorCode::kInvalidArgument);
    // The mapping and the file are the same bytes.
    char buf[12];
    auto n = file->Read(5000, sizeof(buf), buf);
    ASSERT_TRUE(n.ok());
    EXPECT_EQ(std::string(buf, *n), "mapped bytes");
  }
  std::string all = Get(path);
  ASSERT_EQ(all.size(), kSize);
  EXPECT_EQ(all.substr(5000, 12), "mapped bytes");
  EXPECT_EQ(all.substr(0, 5000), std::string(5000, '\0'));
}

TEST_F(PosixFileSystemTest, MappingOutlivesRemove) {
  auto file = OpenFile(Path("seg"));
  ASSERT_OK(file->Allocate(4096));
  auto region = file->Map(4096);
  ASSERT_TRUE(region.ok());
  ASSERT_OK(fs_.Remove(Path("seg")));
  EXPECT_FALSE(fs_.Exists(Path("seg")));
  std::memcpy((*region)->data(), "still mapped", 12);
  ASSERT_OK((*region)->Sync(0, 12));
  EXPECT_EQ(std::string((*region)->data(), 12), "still mapped");
}

TEST_F(PosixFileSystemTest, DataEndOfAFreshAllocationIsZero) {
  // Needs SEEK_DATA over unwritten extents (ext4, xfs, btrfs, tmpfs).
  auto file = OpenFile(Path("seg"));
  ASSERT_OK(file->Allocate(1 << 20));
  auto end = file->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_EQ(*end, 0u);
  ASSERT_OK(file->Write(300000, "some bytes"));
  end = file->DataEnd();
  ASSERT_TRUE(end.ok());
  EXPECT_GE(*end, 300010u);
  EXPECT_LE(*end, uint64_t{1} << 20);
}

TEST_F(PosixFileSystemTest, LockIsExclusive) {
  const std::string path = Path("lock");
  auto first = fs_.Lock(path);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Get(path), "lock");
  auto second = fs_.Lock(path);
  EXPECT_EQ(second.status().code(), ErrorCode::kIoError);
  first->reset();
  auto third = fs_.Lock(path);
  EXPECT_TRUE(third.ok()) << third.status().ToString();
}

TEST_F(PosixFileSystemTest, ListIsSortedAndDirectoriesWork) {
  ASSERT_OK(fs_.CreateDirs(Path("sub/deeper")));
  ASSERT_OK(fs_.CreateDirs(Path("empty")));
  for (const char* name : {"c", "a", "b10", "b2"}) OpenFile(Path(name));
  auto names = fs_.List(dir_);
  ASSERT_TRUE(names.ok());
  EXPECT_EQ(*names, (std::vector<std::string>{"a", "b10", "b2", "c", "empty", "sub"}));
  names = fs_.List(Path("empty"));
  ASSERT_TRUE(names.ok());
  EXPECT_TRUE(names->empty());
  EXPECT_EQ(fs_.List(Path("missing")).status().code(), ErrorCode::kNotFound);

  EXPECT_TRUE(fs_.IsDirectory(Path("sub/deeper")));
  EXPECT_FALSE(fs_.IsDirectory(Path("a")));
  EXPECT_TRUE(fs_.Exists(Path("a")));
  EXPECT_FALSE(fs_.Exists(Path("missing")));
  ASSERT_OK(fs_.SyncDir(dir_));
  EXPECT_FALSE(fs_.SyncDir(Path("missing")).ok());

  EXPECT_FALSE(fs_.Remove(Path("sub")).ok());  // not empty
  ASSERT_OK(fs_.Remove(Path("empty")));
  ASSERT_OK(fs_.Remove(Path("a")));
  ASSERT_OK(fs_.Remove(Path("a")));  // missing: Ok
  EXPECT_FALSE(fs_.Exists(Path("a")));
}

TEST_F(PosixFileSystemTest, RenameOverwrites) {
  ASSERT_OK(WriteFileAtomically(fs_, Path("x"), "new"));
  ASSERT_OK(WriteFileAtomically(fs_, Path("y"), "old"));
  ASSERT_OK(fs_.Rename(Path("x"), Path("y")));
  EXPECT_FALSE(fs_.Exists(Path("x")));
  EXPECT_EQ(Get(Path("y")), "new");
  EXPECT_EQ(fs_.Rename(Path("x"), Path("z")).code(), ErrorCode::kIoError);
}

TEST_F(PosixFileSystemTest, ModifiedTimeMs) {
  const std::string path = Path("f");
  OpenFile(path);
  // A known time set from outside, read back exactly (no dependence on the clock).
  struct timespec times[2];
  times[0].tv_sec = 1700000000;
  times[0].tv_nsec = 0;
  times[1].tv_sec = 1700000123;
  times[1].tv_nsec = 456000000;
  ASSERT_EQ(::utimensat(AT_FDCWD, path.c_str(), times, 0), 0) << std::strerror(errno);
  auto mtime = fs_.ModifiedTimeMs(path);
  ASSERT_TRUE(mtime.ok());
  EXPECT_EQ(*mtime, 1700000123456);
  EXPECT_EQ(fs_.ModifiedTimeMs(Path("missing")).status().code(), ErrorCode::kIoError);
}

TEST_F(PosixFileSystemTest, SpaceIsConsistent) {
  auto space = fs_.Space(dir_);
  ASSERT_TRUE(space.ok());
  EXPECT_GT(space->total_bytes, 0u);
  EXPECT_LE(space->available_bytes, space->total_bytes);
  EXPECT_GE(space->used_ratio(), 0.0);
  EXPECT_LE(space->used_ratio(), 1.0);
  EXPECT_FALSE(fs_.Space(Path("missing")).ok());
}

TEST_F(PosixFileSystemTest, WriteFileAtomicallyKeepsABackup) {
  const std::string path = Path("config/topics.json");
  ASSERT_OK(WriteFileAtomically(fs_, path, "version 1"));
  EXPECT_EQ(Get(path), "version 1");
  EXPECT_FALSE(fs_.Exists(path + ".bak"));
  ASSERT_OK(WriteFileAtomically(fs_, path, "version 2"));
  EXPECT_EQ(Get(path), "version 2");
  EXPECT_EQ(Get(path + ".bak"), "version 1");
  EXPECT_FALSE(fs_.Exists(path + ".tmp"));
  EXPECT_FALSE(fs_.Exists(path + ".bak.tmp"));
}

TEST_F(PosixFileSystemTest, ReadWholeFile) {
  std::string big(100000, '\0');
  for (size_t i = 0; i < big.size(); ++i) big[i] = static_cast<char>(i * 31);
  {
    auto file = OpenFile(Path("big"));
    ASSERT_OK(file->Write(0, big));
  }
  EXPECT_EQ(Get(Path("big")), big);
  EXPECT_EQ(ReadWholeFile(fs_, Path("missing")).status().code(), ErrorCode::kNotFound);
}

TEST_F(PosixFileSystemTest, RemoveRecursively) {
  ASSERT_OK(fs_.CreateDirs(Path("tree/a/b")));
  ASSERT_OK(fs_.CreateDirs(Path("tree/empty")));
  OpenFile(Path("tree/a/b/f1"));
  OpenFile(Path("tree/a/f2"));
  OpenFile(Path("tree/f3"));
  OpenFile(Path("keep"));
  ASSERT_OK(RemoveRecursively(fs_, Path("tree")));
  EXPECT_FALSE(fs_.Exists(Path("tree")));
  EXPECT_TRUE(fs_.Exists(Path("keep")));
  ASSERT_OK(RemoveRecursively(fs_, Path("tree")));  // missing: Ok
  ASSERT_OK(RemoveRecursively(fs_, Path("keep")));  // a plain file
  EXPECT_FALSE(fs_.Exists(Path("keep")));
}

TEST(FileSystemHelpersTest, ErrnoStatusMapsDiskFull) {
  Status full = ErrnoStatus(ENOSPC, "pwrite", "/data/f");
  EXPECT_EQ(full.code(), ErrorCode::kDiskFull);
  EXPECT_TRUE(full.retriable());
  EXPECT_NE(full.message().find("pwrite"), std::string::npos);
  EXPECT_NE(full.message().find("/data/f"), std::string::npos);
  EXPECT_NE(full.message().find(std::strerror(ENOSPC)), std::string::npos);
  EXPECT_EQ(ErrnoStatus(EDQUOT, "write", "f").code(), ErrorCode::kDiskFull);
  EXPECT_EQ(ErrnoStatus(EIO, "fdatasync", "f").code(), ErrorCode::kIoError);
  EXPECT_EQ(ErrnoStatus(EACCES, "open", "f").code(), ErrorCode::kIoError);
}

TEST(FileSystemHelpersTest, JoinAndParentPath) {
  EXPECT_EQ(JoinPath("/a", "b"), "/a/b");
  EXPECT_EQ(JoinPath("/a/", "b"), "/a/b");
  EXPECT_EQ(JoinPath("", "b"), "b");
  EXPECT_EQ(ParentPath("/a/b"), "/a");
  EXPECT_EQ(ParentPath("/a"), "/");
  EXPECT_EQ(ParentPath("a"), ".");
}

}  // namespace
}  // namespace orbit::store
