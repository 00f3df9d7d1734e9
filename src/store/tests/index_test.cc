#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "base/bytes.h"
#include "base/clock.h"
#include "protocol/json.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"
#include "store/index_file.h"

namespace orbit::store {
namespace {

constexpr int32_t kSlots = 100;
constexpr int32_t kEntries = 50;  // 49 usable entries per file: indexCount starts at 1
constexpr int64_t kT0 = 1'700'000'000'000;

IndexRequest Req(std::string_view topic, std::string_view keys, std::string_view uniq,
                 int64_t offset, int64_t store_ts, int32_t sys_flag = 0) {
  IndexRequest r;
  r.topic = topic;
  r.keys = keys;
  r.uniq_key = uniq;
  r.commit_log_offset = offset;
  r.store_timestamp = store_ts;
  r.sys_flag = sys_flag;
  return r;
}

std::string ReadFileBytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

void WriteFileBytes(const std::string& path, uint64_t offset, std::string_view bytes) {
  std::fstream out(path, std::ios::binary | std::ios::in | std::ios::out);
  ASSERT_TRUE(out.good()) << path;
  out.seekp(static_cast<std::streamoff>(offset));
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  ASSERT_TRUE(out.good());
}

std::string BigEndian32(int32_t v) {
  std::string s;
  PutI32(&s, v);
  return s;
}

uint64_t EntryOffset(int32_t slots, int32_t entry) {
  return kIndexHeaderSize + uint64_t(slots) * kIndexSlotSize + uint64_t(entry) * kIndexEntrySize;
}

// A FileSystem that forwards to the real one, except that Allocate fails with kDiskFull while
// `full` is set.
class DiskFullFs final : public FileSystem {
 public:
  std::atomic<bool> full{false};

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    ORBIT_ASSIGN_OR_RETURN(auto f, base_->Open(path, mode));
    return std::unique_ptr<File>(new FullFile(std::move(f), &full));
  }
  bool Exists(const std::string& p) override { return base_->Exists(p); }
  bool IsDirectory(const std::string& p) override { return base_->IsDirectory(p); }
  Result<std::vector<std::string>> List(const std::string& d) override { return base_->List(d); }
  Status CreateDirs(const std::string& p) override { return base_->CreateDirs(p); }
  Status Remove(const std::string& p) override { return base_->Remove(p); }
  Status Rename(const std::string& a, const std::string& b) override { return base_->Rename(a, b); }
  Status SyncDir(const std::string& d) override { return base_->SyncDir(d); }
  Result<DiskSpace> Space(const std::string& p) override { return base_->Space(p); }
  Result<int64_t> ModifiedTimeMs(const std::string& p) override { return base_->ModifiedTimeMs(p); }
  Result<std::unique_ptr<FileLock>> Lock(const std::string& p) override { return base_->Lock(p); }

 private:
  class FullFile final : public File {
   public:
    FullFile(std::unique_ptr<File> f, const std::atomic<bool>* full)
        : f_(std::move(f)), full_(full) {}
    const std::string& path() const override { return f_->path(); }
    Result<uint64_t> Size() const override { return f_->Size(); }
    Result<size_t> Read(uint64_t o, size_t n, char* out) const override {
      return f_->Read(o, n, out);
    }
    Status Write(uint64_t o, std::string_view d) override { return f_->Write(o, d); }
    Status Sync() override { return f_->Sync(); }
    Status Truncate(uint64_t s) override { return f_->Truncate(s); }
    Status Allocate(uint64_t s) override {
      if (full_->load()) return Status(ErrorCode::kDiskFull, "allocate " + path() + ": no space");
      return f_->Allocate(s);
    }
    Result<std::unique_ptr<MappedRegion>> Map(size_t s) override { return f_->Map(s); }

   private:
    std::unique_ptr<File> f_;
    const std::atomic<bool>* full_;
  };
  FileSystem* base_ = FileSystem::Default();
};

class IndexTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/orbit-index-XXXXXX";
    ASSERT_NE(mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
    index_dir_ = dir_ + "/index";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<IndexService> Open(bool last_exit_ok = true, int64_t checkpoint = 0,
                                     int32_t slots = kSlots, int32_t entries = kEntries) {
    auto s =
        std::make_unique<IndexService>(*FileSystem::Default(), index_dir_, slots, entries, &clock_);
    Status st = s->Load(last_exit_ok, checkpoint);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return s;
  }

  static std::vector<int64_t> Query(const IndexService& s, std::string_view topic,
                                    std::string_view key, int max_num = 1000, int64_t begin = 0,
                                    int64_t end = INT64_MAX) {
    return s.QueryOffsets(topic, key, max_num, begin, end).offsets;
  }

  std::vector<std::string> IndexFileNames() {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(index_dir_)) {
      names.push_back(e.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
  }

  std::string dir_;
  std::string index_dir_;
  ManualClock clock_{kT0};
};

TEST(IndexKeyHashTest, IsTheAbsoluteJavaStringHashCode) {
  EXPECT_EQ(IndexKeyHash("Aa"), 2112);
  EXPECT_EQ(IndexKeyHash("BB"), 2112);
  EXPECT_EQ(IndexKeyHash("TopicA#key-1"), 1577233006);  // Java: -1577233006
  EXPECT_EQ(IndexKeyHash("hello world"), 1794106052);
  // "polygenelubricants".hashCode() == Integer.MIN_VALUE, whose Math.abs stays negative.
  EXPECT_EQ(IndexKeyHash("polygenelubricants"), 0);
  // UTF-16 code units, not UTF-8 bytes: "é" is one unit (0xE9).
  EXPECT_EQ(IndexKeyHash("\xC3\xA9"), 0xE9);
  EXPECT_EQ(IndexKey("T", "k"), "T#k");
  EXPECT_EQ(IndexFileSize(1000, 4000), 84040u);
  EXPECT_EQ(IndexFileSize(5000000, 20000000), 420000040u);
}

TEST(IndexFileNameTest, IsLocalTimeWithMilliseconds) {
  const char* old_tz = getenv("TZ");
  std::string saved = old_tz != nullptr ? old_tz : "";
  setenv("TZ", "UTC", 1);
  tzset();
  EXPECT_EQ(IndexFileName(1795269259671), "20261121135419671");
  EXPECT_EQ(IndexFileName(0), "19700101000000000");
  EXPECT_EQ(IndexFileName(1005), "19700101000001005");
  if (old_tz != nullptr) {
    setenv("TZ", saved.c_str(), 1);
  } else {
    unsetenv("TZ");
  }
  tzset();
}

TEST_F(IndexTest, BuildsAndQueriesKeysAndUniqKey) {
  auto s = Open();
  EXPECT_EQ(s->FileCount(), 0u);
  ASSERT_TRUE(s->BuildIndex(Req("TopicA", "k1 k2", "U1", 100, kT0)).ok());
  ASSERT_TRUE(s->BuildIndex(Req("TopicA", "k2  k3 ", "U2", 200, kT0 + 1000)).ok());
  ASSERT_TRUE(s->BuildIndex(Req("TopicB", "k1", "", 300, kT0 + 2000)).ok());
  EXPECT_EQ(s->FileCount(), 1u);
  EXPECT_EQ(s->TotalEntryCount(), 3 + 3 + 1);  // empty tokens of "k2  k3 " are skipped

  EXPECT_EQ(Query(*s, "TopicA", "U1"), std::vector<int64_t>({100}));
  EXPECT_EQ(Query(*s, "TopicA", "U2"), std::vector<int64_t>({200}));
  EXPECT_EQ(Query(*s, "TopicA", "k1"), std::vector<int64_t>({100}));
  EXPECT_EQ(Query(*s, "TopicA", "k2"), std::vector<int64_t>({200, 100}));  // newest first
  EXPECT_EQ(Query(*s, "TopicA", "k3"), std::vector<int64_t>({200}));
  EXPECT_EQ(Query(*s, "TopicB", "k1"), std::vector<int64_t>({300}));
  EXPECT_TRUE(Query(*s, "TopicB", "k2").empty());
  EXPECT_TRUE(Query(*s, "TopicC", "k1").empty());

  auto r = s->QueryOffsets("TopicA", "k1", 10, 0, INT64_MAX);
  EXPECT_EQ(r.index_last_update_timestamp, kT0 + 2000);
  EXPECT_EQ(r.index_last_update_phy_offset, 300);

  // The header in the file is current without a flush.
  auto files = s->Files();
  ASSERT_EQ(files.size(), 1u);
  std::string bytes = ReadFileBytes(files[0]->path());
  ASSERT_EQ(bytes.size(), IndexFileSize(kSlots, kEntries));
  EXPECT_EQ(int64_t(LoadU64(bytes.data() + 0)), kT0);
  EXPECT_EQ(int64_t(LoadU64(bytes.data() + 8)), kT0 + 2000);
  EXPECT_EQ(int64_t(LoadU64(bytes.data() + 16)), 100);
  EXPECT_EQ(int64_t(LoadU64(bytes.data() + 24)), 300);
  EXPECT_EQ(int32_t(LoadU32(bytes.data() + 36)), 8);
  EXPECT_EQ(int32_t(LoadU32(bytes.data() + 32)), files[0]->hash_slot_count());
  // Entry 1: UNIQ_KEY of the first record, timeDiff 0, no predecessor.
  const char* e1 = bytes.data() + EntryOffset(kSlots, 1);
  EXPECT_EQ(int32_t(LoadU32(e1)), IndexKeyHash("TopicA#U1"));
  EXPECT_EQ(int64_t(LoadU64(e1 + 4)), 100);
  EXPECT_EQ(int32_t(LoadU32(e1 + 12)), 0);
  EXPECT_EQ(int32_t(LoadU32(e1 + 16)), 0);
  // Entry 7 (TopicB#k1): timeDiff in seconds from beginTimestamp.
  const char* e7 = bytes.data() + EntryOffset(kSlots, 7);
  EXPECT_EQ(int32_t(LoadU32(e7 + 12)), 2);
  int32_t slot = IndexKeyHash("TopicB#k1") % kSlots;
  EXPECT_EQ(int32_t(LoadU32(bytes.data() + kIndexHeaderSize + slot * kIndexSlotSize)), 7);
}

TEST_F(IndexTest, HashCollisionsAreReturnedOnlyForTheSameKeyHash) {
  // "T#Aa" and "T#BB" have the same Java hash; find a key with another hash in the same slot.
  const int32_t hash = IndexKeyHash("T#Aa");
  ASSERT_EQ(hash, IndexKeyHash("T#BB"));
  std::string same_slot;
  for (int i = 0; i < 100000 && same_slot.empty(); ++i) {
    std::string k = "k" + std::to_string(i);
    int32_t h = IndexKeyHash("T#" + k);
    if (h != hash && h % kSlots == hash % kSlots) same_slot = k;
  }
  ASSERT_FALSE(same_slot.empty());

  auto s = Open();
  ASSERT_TRUE(s->BuildIndex(Req("T", "Aa", "", 10, kT0)).ok());
  ASSERT_TRUE(s->BuildIndex(Req("T", same_slot, "", 20, kT0)).ok());
  ASSERT_TRUE(s->BuildIndex(Req("T", "BB", "", 30, kT0)).ok());
  EXPECT_EQ(Query(*s, "T", "Aa"), std::vector<int64_t>({30, 10}));
  EXPECT_EQ(Query(*s, "T", "BB"), std::vector<int64_t>({30, 10}));
  EXPECT_EQ(Query(*s, "T", same_slot), std::vector<int64_t>({20}));
}

TEST_F(IndexTest, FiltersByTimeRange) {
  auto s = Open();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(s->BuildIndex(Req("T", "K", "", 100 * i, kT0 + 10'000 * i)).ok());
  }
  EXPECT_EQ(Query(*s, "T", "K", 100, kT0 + 20'000, kT0 + 50'000),
            std::vector<int64_t>({500, 400, 300, 200}));
  EXPECT_EQ(Query(*s, "T", "K", 100, kT0 + 20'001, kT0 + 49'999), std::vector<int64_t>({400, 300}));
  EXPECT_EQ(Query(*s, "T", "K", 100, kT0 + 90'000, kT0 + 500'000), std::vector<int64_t>({900}));
  EXPECT_TRUE(Query(*s, "T", "K", 100, kT0 + 91'000, kT0 + 500'000).empty());
  EXPECT_TRUE(Query(*s, "T", "K", 100, 0, kT0 - 1).empty());
  EXPECT_TRUE(Query(*s, "T", "K", 100, kT0 + 50'000, kT0 + 20'000).empty());
  // Times are kept in whole seconds from beginTimestamp: 1,500 ms after an entry still matches
  // its second.
  ASSERT_TRUE(s->BuildIndex(Req("T", "L", "", 2000, kT0 + 1'500)).ok());
  EXPECT_EQ(Query(*s, "T", "L", 100, kT0 + 1'000, kT0 + 1'000), std::vector<int64_t>({2000}));
}

TEST_F(IndexTest, StopsAtMaxNum) {
  auto s = Open();
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(s->BuildIndex(Req("T", "K", "", i, kT0 + i)).ok());
  EXPECT_EQ(Query(*s, "T", "K", 3), std::vector<int64_t>({9, 8, 7}));
  EXPECT_EQ(Query(*s, "T", "K", 1), std::vector<int64_t>({9}));
  EXPECT_TRUE(Query(*s, "T", "K", 0).empty());
  EXPECT_TRUE(Query(*s, "T", "K", -1).empty());
  EXPECT_EQ(Query(*s, "T", "K", 100).size(), 10u);
}

TEST_F(IndexTest, RollsToANewFileAfterMaxIndexNumMinusOneEntries) {
  auto s = Open();
  // Two entries per record: 24 records fill 48 of the 49 entries; record 24's UNIQ_KEY takes the
  // last one and its key goes to the second file.
  for (int i = 0; i < 30; ++i) {
    std::string uniq = "U" + std::to_string(i);
    ASSERT_TRUE(s->BuildIndex(Req("T", "shared", uniq, 1000 + 100 * i, kT0 + 1000 * i)).ok());
    if (i == 23) {
      EXPECT_EQ(s->FileCount(), 1u);
    }
  }
  ASSERT_EQ(s->FileCount(), 2u);
  EXPECT_EQ(s->TotalEntryCount(), 60);
  auto files = s->Files();
  EXPECT_EQ(files[0]->entry_count(), kEntries - 1);
  EXPECT_EQ(files[0]->index_count(), kEntries);
  EXPECT_TRUE(files[0]->full());
  EXPECT_EQ(files[1]->entry_count(), 60 - (kEntries - 1));
  EXPECT_EQ(files[0]->end_phy_offset(), 1000 + 100 * 24);
  EXPECT_EQ(files[0]->end_timestamp(), kT0 + 24'000);
  EXPECT_EQ(files[1]->begin_phy_offset(), 1000 + 100 * 24);
  EXPECT_EQ(files[1]->begin_timestamp(), kT0 + 24'000);
  EXPECT_EQ(files[1]->end_phy_offset(), 1000 + 100 * 29);
  // Both files were created at the same clock millisecond: the second took the next one.
  EXPECT_EQ(IndexFileNames(),
            std::vector<std::string>({IndexFileName(kT0), IndexFileName(kT0 + 1)}));

  // One "shared" entry per record, across both files, newest first.
  std::vector<int64_t> expected;
  for (int i = 29; i >= 0; --i) expected.push_back(1000 + 100 * i);
  EXPECT_EQ(Query(*s, "T", "shared"), expected);
  for (int i = 0; i < 30; ++i) {
    EXPECT_EQ(Query(*s, "T", "U" + std::to_string(i)), std::vector<int64_t>({1000 + 100 * i}));
  }
  // A range within the first file's time only.
  EXPECT_EQ(Query(*s, "T", "shared", 100, kT0 + 2'000, kT0 + 3'000),
            std::vector<int64_t>({1300, 1200}));
  // maxNum stops the walk in the newest file.
  EXPECT_EQ(Query(*s, "T", "shared", 2), std::vector<int64_t>({3900, 3800}));
}

TEST_F(IndexTest, SkipsRecordsAlreadyIndexedAndRollbacks) {
  auto s = Open();
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(s->BuildIndex(Req("T", "K", "U" + std::to_string(i), 100 * i, kT0 + i)).ok());
  }
  EXPECT_EQ(s->TotalEntryCount(), 20);
  // Re-dispatch after a crash: records below the newest entry's offset are not indexed again.
  for (int i = 0; i < 9; ++i) {
    ASSERT_TRUE(s->BuildIndex(Req("T", "K", "U" + std::to_string(i), 100 * i, kT0 + i)).ok());
  }
  EXPECT_EQ(s->TotalEntryCount(), 20);
  EXPECT_EQ(Query(*s, "T", "K").size(), 10u);

  using protocol::kSysFlagTransactionCommit;
  using protocol::kSysFlagTransactionPrepared;
  using protocol::kSysFlagTransactionRollback;
  ASSERT_TRUE(s->BuildIndex(Req("T", "R", "UR", 2000, kT0 + 20, kSysFlagTransactionRollback)).ok());
  ASSERT_TRUE(s->BuildIndex(Req("T", "R", "UR", 2000, kT0 + 20,
                                kSysFlagTransactionRollback | protocol::kSysFlagCompressed))
                  .ok());
  EXPECT_EQ(s->TotalEntryCount(), 20);
  EXPECT_TRUE(Query(*s, "T", "R").empty());
  ASSERT_TRUE(s->BuildIndex(Req("T", "P", "", 3000, kT0 + 30, kSysFlagTransactionPrepared)).ok());
  ASSERT_TRUE(s->BuildIndex(Req("T", "C", "", 4000, kT0 + 40, kSysFlagTransactionCommit)).ok());
  EXPECT_EQ(Query(*s, "T", "P"), std::vector<int64_t>({3000}));
  EXPECT_EQ(Query(*s, "T", "C"), std::vector<int64_t>({4000}));
}

TEST_F(IndexTest, ReloadGivesTheSameAnswers) {
  std::map<std::string, std::vector<int64_t>> before;
  auto keys = [] {
    std::vector<std::string> k;
    for (int i = 0; i < 40; ++i) k.push_back("U" + std::to_string(i));
    for (int i = 0; i < 7; ++i) k.push_back("g" + std::to_string(i));
    return k;
  }();
  {
    auto s = Open();
    for (int i = 0; i < 40; ++i) {
      std::string g = "g" + std::to_string(i % 7);
      ASSERT_TRUE(s->BuildIndex(Req("T", g, "U" + std::to_string(i), 50 * i, kT0 + 700 * i)).ok());
    }
    EXPECT_EQ(s->FileCount(), 2u);
    ASSERT_TRUE(s->Flush().ok());
    for (const auto& k : keys) before[k] = Query(*s, "T", k);
  }
  auto s = Open();
  EXPECT_EQ(s->FileCount(), 2u);
  EXPECT_EQ(s->TotalEntryCount(), 80);
  for (const auto& k : keys) EXPECT_EQ(Query(*s, "T", k), before[k]) << k;
  // Continues in the newest file after a reload.
  ASSERT_TRUE(s->BuildIndex(Req("T", "g0", "U40", 50 * 40, kT0 + 700 * 40)).ok());
  EXPECT_EQ(s->FileCount(), 2u);
  EXPECT_EQ(Query(*s, "T", "g0").front(), 50 * 40);
}

TEST_F(IndexTest, UncleanExitRemovesFilesNewerThanTheCheckpoint) {
  int64_t first_end = 0;
  {
    auto s = Open();
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(
          s->BuildIndex(Req("T", "", "U" + std::to_string(i), 10 * i, kT0 + 1000 * i)).ok());
    }
    ASSERT_EQ(s->FileCount(), 2u);
    first_end = s->Files()[0]->end_timestamp();
    EXPECT_EQ(first_end, kT0 + 1000 * 48);
  }
  const std::vector<std::string> names = IndexFileNames();
  ASSERT_EQ(names.size(), 2u);
  {
    // A clean exit keeps everything whatever the checkpoint says.
    auto s = Open(true, 0);
    EXPECT_EQ(s->FileCount(), 2u);
  }
  {
    auto s = Open(false, first_end);
    EXPECT_EQ(s->FileCount(), 1u);
    EXPECT_EQ(IndexFileNames(), std::vector<std::string>({names[0]}));
    EXPECT_EQ(s->TotalEntryCount(), 49);
    // Re-dispatch of the records of the removed file indexes them again, in a new file.
    for (int i = 0; i < 60; ++i) {
      ASSERT_TRUE(
          s->BuildIndex(Req("T", "", "U" + std::to_string(i), 10 * i, kT0 + 1000 * i)).ok());
    }
    EXPECT_EQ(s->FileCount(), 2u);
    // Record 48 is the last of the first file and is indexed again (offset == endPhyOffset).
    EXPECT_EQ(s->TotalEntryCount(), 61);
    for (int i = 0; i < 60; ++i) {
      EXPECT_FALSE(Query(*s, "T", "U" + std::to_string(i)).empty()) << i;
    }
  }
  {
    auto s = Open(false, 0);
    EXPECT_EQ(s->FileCount(), 0u);
    EXPECT_TRUE(IndexFileNames().empty());
  }
}

TEST_F(IndexTest, LoadSkipsFilesOfTheWrongSizeOrHeader) {
  {
    auto s = Open();
    ASSERT_TRUE(s->BuildIndex(Req("T", "K", "", 10, kT0)).ok());
  }
  std::filesystem::create_directories(index_dir_);
  { std::ofstream(index_dir_ + "/20200101000000000") << "short"; }
  { std::ofstream(index_dir_ + "/not-an-index") << "x"; }
  // A full-size file whose indexCount exceeds maxIndexNum.
  const std::string bad = index_dir_ + "/20200101000000001";
  std::filesystem::copy_file(index_dir_ + "/" + IndexFileName(kT0), bad);
  WriteFileBytes(bad, 36, BigEndian32(kEntries + 1));
  // A file whose indexCount is 0 (Apache's fresh file): read as 1, i.e. empty.
  const std::string fresh = index_dir_ + "/20200101000000002";
  std::filesystem::copy_file(index_dir_ + "/" + IndexFileName(kT0), fresh);
  WriteFileBytes(fresh, 36, BigEndian32(0));

  auto s = Open();
  auto files = s->Files();
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0]->path(), fresh);
  EXPECT_EQ(files[0]->entry_count(), 0);
  EXPECT_EQ(s->TotalEntryCount(), 1);
  EXPECT_EQ(Query(*s, "T", "K"), std::vector<int64_t>({10}));

  // Other settings than the files': every file is skipped, nothing fails.
  auto other = Open(true, 0, kSlots * 2, kEntries);
  EXPECT_EQ(other->FileCount(), 0u);
}

TEST_F(IndexTest, CorruptSlotsAndChainsNeitherCrashNorLoop) {
  std::vector<std::string> keys;
  {
    auto s = Open();
    for (int i = 0; i < 40; ++i) {
      keys.push_back("k" + std::to_string(i % 5));
      ASSERT_TRUE(s->BuildIndex(Req("T", keys.back(), "", 100 * i, kT0 + 1000 * i)).ok());
    }
    ASSERT_EQ(s->FileCount(), 1u);
  }
  const std::string path = index_dir_ + "/" + IndexFileName(kT0);
  auto slot_of = [](const std::string& key) {
    return kIndexHeaderSize + uint64_t(IndexKeyHash("T#" + key) % kSlots) * kIndexSlotSize;
  };
  auto prev_of = [](int32_t entry) { return EntryOffset(kSlots, entry) + 16; };

  // Self-reference, a cycle (10 → 20 → 10) and a forward pointer.
  WriteFileBytes(path, prev_of(5), BigEndian32(5));
  WriteFileBytes(path, prev_of(10), BigEndian32(20));
  WriteFileBytes(path, prev_of(20), BigEndian32(10));
  WriteFileBytes(path, prev_of(30), BigEndian32(35));
  // Slots out of range.
  WriteFileBytes(path, slot_of("k0"), BigEndian32(-7));
  WriteFileBytes(path, slot_of("k1"), BigEndian32(41));  // == indexCount: not yet written
  WriteFileBytes(path, slot_of("k2"), BigEndian32(INT32_MAX));
  {
    auto s = Open();
    ASSERT_EQ(s->FileCount(), 1u);
    for (int k = 0; k < 5; ++k) {
      auto r = Query(*s, "T", "k" + std::to_string(k), 1000);
      EXPECT_LE(r.size(), 40u);
    }
    EXPECT_TRUE(Query(*s, "T", "k0").empty());
    EXPECT_TRUE(Query(*s, "T", "k1").empty());
    EXPECT_TRUE(Query(*s, "T", "k2").empty());
    // Putting into corrupt slots starts fresh chains.
    ASSERT_TRUE(s->BuildIndex(Req("T", "k0 k1 k2", "", 100 * 40, kT0 + 40'000)).ok());
    EXPECT_EQ(Query(*s, "T", "k0"), std::vector<int64_t>({4000}));
    EXPECT_EQ(Query(*s, "T", "k1"), std::vector<int64_t>({4000}));
    EXPECT_EQ(Query(*s, "T", "k2"), std::vector<int64_t>({4000}));
  }

  // A beginTimestamp near the int64 limit: times cannot be computed, nothing is returned.
  std::string huge;
  PutI64(&huge, INT64_MAX - 10);
  WriteFileBytes(path, 0, huge);
  {
    auto s = Open();
    ASSERT_EQ(s->FileCount(), 1u);
    EXPECT_TRUE(Query(*s, "T", "k3", 1000, INT64_MIN, INT64_MAX).empty());
  }

  // Random garbage over slots and entries (header kept valid).
  std::mt19937 rng(42);
  std::string garbage(IndexFileSize(kSlots, kEntries) - kIndexHeaderSize, '\0');
  for (char& c : garbage) c = static_cast<char>(rng());
  WriteFileBytes(path, kIndexHeaderSize, garbage);
  {
    auto s = Open();
    ASSERT_EQ(s->FileCount(), 1u);
    for (int i = 0; i < 200; ++i) {
      auto r = s->QueryOffsets("T", "k" + std::to_string(i), 1000, INT64_MIN, INT64_MAX);
      EXPECT_LE(r.offsets.size(), size_t(kEntries));
    }
    // Writing into the garbage file still works and keeps within the file.
    for (int i = 0; i < 10; ++i) {
      ASSERT_TRUE(s->BuildIndex(Req("T", "fresh", "", 10'000 + i, kT0 + 50'000 + i)).ok());
    }
    auto fresh = Query(*s, "T", "fresh");
    EXPECT_GE(fresh.size(), 1u);
    EXPECT_EQ(fresh.front(), 10'009);
  }
}

TEST_F(IndexTest, FlushReportsTheDurableTimestamp) {
  auto s = Open();
  EXPECT_EQ(s->FlushedTimestamp(), 0);
  ASSERT_TRUE(s->Flush().ok());
  EXPECT_EQ(s->FlushedTimestamp(), 0);
  for (int i = 0; i < 30; ++i) {
    ASSERT_TRUE(s->BuildIndex(Req("T", "a b", "", i, kT0 + 1000 * i)).ok());
  }
  EXPECT_EQ(s->FileCount(), 2u);
  for (const auto& f : s->Files()) EXPECT_TRUE(f->dirty());
  ASSERT_TRUE(s->Flush().ok());
  EXPECT_EQ(s->FlushedTimestamp(), kT0 + 29'000);
  for (const auto& f : s->Files()) EXPECT_FALSE(f->dirty());
  ASSERT_TRUE(s->Flush().ok());
  EXPECT_EQ(s->FlushedTimestamp(), kT0 + 29'000);

  // After a reload the files count as unflushed until the first Flush.
  s.reset();
  s = Open();
  for (const auto& f : s->Files()) EXPECT_TRUE(f->dirty());
  EXPECT_EQ(s->FlushedTimestamp(), 0);
  ASSERT_TRUE(s->Flush().ok());
  EXPECT_EQ(s->FlushedTimestamp(), kT0 + 29'000);
}

TEST_F(IndexTest, DeleteExpiredKeepsTheNewestFile) {
  auto s = Open();
  for (int i = 0; i < 120; ++i) {
    ASSERT_TRUE(s->BuildIndex(Req("T", "", "U" + std::to_string(i), 10 * i, kT0 + i)).ok());
  }
  ASSERT_EQ(s->FileCount(), 3u);
  auto files = s->Files();
  EXPECT_EQ(files[0]->end_phy_offset(), 480);
  EXPECT_EQ(files[1]->end_phy_offset(), 970);

  auto n = s->DeleteExpired(480);  // the first file still holds offset 480
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 0);
  n = s->DeleteExpired(481);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(s->FileCount(), 2u);
  EXPECT_FALSE(std::filesystem::exists(files[0]->path()));
  EXPECT_TRUE(Query(*s, "T", "U0").empty());
  EXPECT_EQ(Query(*s, "T", "U50"), std::vector<int64_t>({500}));

  n = s->DeleteExpired(1'000'000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1);
  EXPECT_EQ(s->FileCount(), 1u);
  EXPECT_EQ(Query(*s, "T", "U119"), std::vector<int64_t>({1190}));

  ASSERT_TRUE(s->Destroy().ok());
  EXPECT_EQ(s->FileCount(), 0u);
  EXPECT_TRUE(IndexFileNames().empty());
  EXPECT_TRUE(Query(*s, "T", "U119").empty());
  // Usable again after Destroy.
  ASSERT_TRUE(s->BuildIndex(Req("T", "", "V", 5000, kT0 + 5000)).ok());
  EXPECT_EQ(Query(*s, "T", "V"), std::vector<int64_t>({5000}));
}

TEST_F(IndexTest, DiskFullIsReportedAndRecovers) {
  DiskFullFs fs;
  IndexService s(fs, index_dir_, kSlots, kEntries, &clock_);
  ASSERT_TRUE(s.Load(true, 0).ok());
  for (int i = 0; i < 49; ++i) ASSERT_TRUE(s.BuildIndex(Req("T", "", "U", i, kT0 + i)).ok());
  ASSERT_EQ(s.FileCount(), 1u);
  fs.full = true;
  Status st = s.BuildIndex(Req("T", "", "U", 49, kT0 + 49));
  EXPECT_EQ(st.code(), ErrorCode::kDiskFull) << st.ToString();
  EXPECT_EQ(s.FileCount(), 1u);
  EXPECT_EQ(IndexFileNames().size(), 1u);  // the half-created file is gone
  fs.full = false;
  ASSERT_TRUE(s.BuildIndex(Req("T", "", "U", 49, kT0 + 49)).ok());
  EXPECT_EQ(s.FileCount(), 2u);
  EXPECT_EQ(s.QueryOffsets("T", "U", 100, 0, INT64_MAX).offsets.size(), 50u);

  // A fresh service on a full disk: the first file cannot be created either.
  IndexService empty(fs, dir_ + "/index2", kSlots, kEntries, &clock_);
  ASSERT_TRUE(empty.Load(true, 0).ok());
  fs.full = true;
  EXPECT_EQ(empty.BuildIndex(Req("T", "k", "", 1, kT0)).code(), ErrorCode::kDiskFull);
  EXPECT_EQ(empty.FileCount(), 0u);
}

TEST_F(IndexTest, QueriesAndFlushesRunConcurrentlyWithTheBuilder) {
  auto s = Open(true, 0, 100, 500);
  std::vector<std::string> keys;
  for (int k = 0; k < 10; ++k) keys.push_back("k" + std::to_string(k));
  constexpr int kRecords = 3000;
  std::atomic<bool> done{false};
  std::atomic<int> bad{0};
  std::thread builder([&] {
    for (int i = 0; i < kRecords; ++i) {
      std::string uniq = "u" + std::to_string(i);
      if (!s->BuildIndex(Req("T", keys[i % 10], uniq, 100 * i, kT0 + 10 * i)).ok()) ++bad;
    }
    done = true;
  });
  std::thread flusher([&] {
    for (int n = 0; n < 100000 && !done; ++n) {
      if (!s->Flush().ok()) ++bad;
    }
  });
  int queries = 0;
  for (int n = 0; n < 100000 && !done; ++n, ++queries) {
    int k = n % 10;
    for (int64_t off : s->QueryOffsets("T", keys[k], 32, 0, INT64_MAX).offsets) {
      if (off % 100 != 0 || (off / 100) % 10 != k) ++bad;
    }
  }
  builder.join();
  flusher.join();
  EXPECT_EQ(bad.load(), 0);
  EXPECT_EQ(s->TotalEntryCount(), 2 * kRecords);
  for (int k = 0; k < 10; ++k) {
    EXPECT_EQ(Query(*s, "T", keys[k], 10000).size(), size_t(kRecords / 10));
  }
  ASSERT_TRUE(s->Flush().ok());
  EXPECT_EQ(s->FlushedTimestamp(), kT0 + 10 * (kRecords - 1));
}

// ---------------------------------------------------------------------------------------------
// Apache RocketMQ 4.9.8's index files (tests/data/golden_store/sample-a-clean).

struct GoldenRecord {
  std::string topic;
  std::string keys;
  std::string uniq_key;
  int64_t offset = 0;
  int64_t store_timestamp = 0;
  int32_t sys_flag = 0;
};

class GoldenIndexTest : public IndexTest {
 protected:
  void SetUp() override {
    IndexTest::SetUp();
    const std::string sample = std::string(ORBIT_TEST_DATA_DIR) + "/golden_store/sample-a-clean";
    std::string cmd = "zstd -dc '" + sample + "/store.tar.zst' | tar -xf - -C '" + dir_ + "'";
    ASSERT_EQ(std::system(cmd.c_str()), 0) << cmd;
    golden_index_dir_ = dir_ + "/store/index";

    std::string text = ReadFileBytes(sample + "/MANIFEST.json");
    ASSERT_FALSE(text.empty());
    auto manifest = protocol::ParseJson(text);
    ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
    const protocol::JsonValue* messages = manifest->Find("messages");
    ASSERT_NE(messages, nullptr);
    for (const auto& m : messages->items()) {
      GoldenRecord r;
      r.topic = m.Find("topic")->text();
      const protocol::JsonValue* props = m.Find("systemProperties");
      ASSERT_NE(props, nullptr);
      if (const auto* k = props->Find("KEYS")) r.keys = k->text();
      if (const auto* u = props->Find("UNIQ_KEY")) r.uniq_key = u->text();
      r.offset = *m.Find("commitLogOffset")->AsInt64();
      r.store_timestamp = *m.Find("storeTimestamp")->AsInt64();
      r.sys_flag = *m.Find("sysFlag")->AsInt32();
      records_.push_back(std::move(r));
    }
  }

  std::string golden_index_dir_;
  std::vector<GoldenRecord> records_;
};

TEST_F(GoldenIndexTest, ApacheFilesAnswerQueriesForEveryKey) {
  ASSERT_EQ(records_.size(), 2479u);
  // Apache indexes UNIQ_KEY plus each KEYS token of every record that is not ROLLBACK-typed.
  int64_t expected_entries = 0;
  int rollbacks = 0;
  for (const auto& r : records_) {
    if (protocol::GetTransactionType(r.sys_flag) == protocol::TransactionType::kRollback) {
      ++rollbacks;
      continue;
    }
    expected_entries += (r.uniq_key.empty() ? 0 : 1) + int64_t(protocol::SplitKeys(r.keys).size());
  }
  EXPECT_EQ(rollbacks, 0);  // the rolled-back message exists only as its half record
  EXPECT_EQ(expected_entries, 5684);

  IndexService s(*FileSystem::Default(), golden_index_dir_, 1000, 4000, &clock_);
  ASSERT_TRUE(s.Load(true, 0).ok());
  ASSERT_EQ(s.FileCount(), 2u);
  EXPECT_EQ(s.TotalEntryCount(), expected_entries);
  auto files = s.Files();
  EXPECT_EQ(files[0]->entry_count(), 3999);
  EXPECT_EQ(files[0]->begin_phy_offset(), 0);
  EXPECT_EQ(files[0]->begin_timestamp(), records_.front().store_timestamp);
  EXPECT_EQ(files[1]->end_phy_offset(), records_.back().offset);
  EXPECT_EQ(files[1]->end_timestamp(), records_.back().store_timestamp);
  EXPECT_EQ(files[1]->begin_phy_offset(), files[0]->end_phy_offset());

  int checked = 0;
  for (size_t i = 0; i < records_.size(); i += 50) {
    const GoldenRecord& r = records_[i];
    std::vector<std::string> keys;
    if (!r.uniq_key.empty()) keys.push_back(r.uniq_key);
    for (auto k : protocol::SplitKeys(r.keys)) keys.emplace_back(k);
    for (const auto& k : keys) {
      auto all = Query(s, r.topic, k, 100000);
      EXPECT_NE(std::find(all.begin(), all.end(), r.offset), all.end()) << r.topic << "#" << k;
      auto window =
          Query(s, r.topic, k, 100000, r.store_timestamp - 1000, r.store_timestamp + 1000);
      EXPECT_NE(std::find(window.begin(), window.end(), r.offset), window.end())
          << r.topic << "#" << k;
      ++checked;
    }
  }
  EXPECT_GT(checked, 100);
  auto last = s.QueryOffsets(records_.back().topic, records_.back().uniq_key, 32, 0, INT64_MAX);
  EXPECT_EQ(last.index_last_update_timestamp, records_.back().store_timestamp);
  EXPECT_EQ(last.index_last_update_phy_offset, records_.back().offset);
}

TEST_F(GoldenIndexTest, OrbitBuildsTheSameBytesAsApache) {
  IndexService s(*FileSystem::Default(), index_dir_, 1000, 4000, &clock_);
  ASSERT_TRUE(s.Load(true, 0).ok());
  for (const auto& r : records_) {
    ASSERT_TRUE(
        s.BuildIndex(Req(r.topic, r.keys, r.uniq_key, r.offset, r.store_timestamp, r.sys_flag))
            .ok());
  }
  ASSERT_TRUE(s.Flush().ok());

  std::vector<std::string> golden_names;
  for (const auto& e : std::filesystem::directory_iterator(golden_index_dir_)) {
    golden_names.push_back(e.path().string());
  }
  std::sort(golden_names.begin(), golden_names.end());
  auto ours = s.Files();
  ASSERT_EQ(ours.size(), golden_names.size());
  for (size_t i = 0; i < ours.size(); ++i) {
    std::string want = ReadFileBytes(golden_names[i]);
    std::string got = ReadFileBytes(ours[i]->path());
    ASSERT_EQ(want.size(), IndexFileSize(1000, 4000));
    ASSERT_EQ(got.size(), want.size());
    EXPECT_EQ(got.substr(0, kIndexHeaderSize), want.substr(0, kIndexHeaderSize))
        << "header of file " << i;
    const size_t slots_end = kIndexHeaderSize + 1000 * kIndexSlotSize;
    EXPECT_TRUE(got.compare(kIndexHeaderSize, slots_end - kIndexHeaderSize, want, kIndexHeaderSize,
                            slots_end - kIndexHeaderSize) == 0)
        << "slots of file " << i;
    size_t first_diff = got.size();
    for (size_t b = slots_end; b < got.size(); ++b) {
      if (got[b] != want[b]) {
        first_diff = b;
        break;
      }
    }
    EXPECT_EQ(first_diff, got.size()) << "entries of file " << i << " differ first in entry "
                                      << (first_diff - slots_end) / kIndexEntrySize;
  }
}

}  // namespace
}  // namespace orbit::store
