// verify: the index files (index/<yyyyMMddHHmmssSSS>, layout in store/index_file.h).

#include <algorithm>
#include <cstdint>

#include "apps/store/internal/store_files.h"
#include "apps/store/internal/verify_steps.h"
#include "base/bytes.h"
#include "protocol/properties.h"
#include "store/index_file.h"

namespace orbit::store_tool {
namespace {

constexpr size_t kIndexNameLength = 17;  // yyyyMMddHHmmssSSS
constexpr int32_t kEntriesPerRead = 4096;

bool IsIndexFileName(const std::string& name) {
  return name.size() == kIndexNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Derives (maxHashSlotNum, maxIndexNum) from the file size. The header does not record them.
// Without a given slot count, Apache's default ratio is assumed: maxIndexNum = 4 x maxHashSlotNum
// (5,000,000 and 20,000,000), so size = 40 + 4 S + 20 x 4 S = 40 + 84 S. A broker configured with
// another ratio needs --max-hash-slot-num.
bool DeriveLayout(uint64_t size, int32_t given_slots, int32_t* slots, int32_t* entries) {
  if (size <= store::kIndexHeaderSize) return false;
  uint64_t rest = size - store::kIndexHeaderSize;
  uint64_t s = 0;
  uint64_t n = 0;
  if (given_slots > 0) {
    s = static_cast<uint64_t>(given_slots);
    if (rest <= s * store::kIndexSlotSize) return false;
    uint64_t entry_bytes = rest - s * store::kIndexSlotSize;
    if (entry_bytes % store::kIndexEntrySize != 0) return false;
    n = entry_bytes / store::kIndexEntrySize;
  } else {
    constexpr uint64_t kPerSlot = store::kIndexSlotSize + 4 * store::kIndexEntrySize;
    if (rest % kPerSlot != 0) return false;
    s = rest / kPerSlot;
    n = 4 * s;
  }
  if (s == 0 || n == 0 || s > INT32_MAX || n > INT32_MAX) return false;
  *slots = static_cast<int32_t>(s);
  *entries = static_cast<int32_t>(n);
  return true;
}

// The key hashes the index service puts for a record: topic#UNIQ_KEY and topic#key per key.
std::vector<int32_t> KeyHashes(const RecordInfo& r) {
  protocol::MessageProperties props = protocol::DecodeProperties(r.properties);
  std::vector<int32_t> hashes;
  if (const std::string* uniq = props.Find(protocol::kPropertyUniqKey)) {
    hashes.push_back(store::IndexKeyHash(store::IndexKey(r.topic, *uniq)));
  }
  for (std::string_view key : protocol::SplitKeys(props.Get(protocol::kPropertyKeys))) {
    hashes.push_back(store::IndexKeyHash(store::IndexKey(r.topic, key)));
  }
  return hashes;
}

class IndexChecker {
 public:
  IndexChecker(const LogFacts& facts, IndexSummary* s, Findings* findings)
      : facts_(facts), s_(*s), findings_(*findings) {}

  void CheckSlots(const char* slots, int32_t count);
  void CheckEntry(int32_t number, const char* p);
  void Finish();

 private:
  void Bad(int32_t number, const std::string& why) {
    ++s_.bad;
    findings_.Add(Severity::kCorruption, "index-entry",
                  "index/" + s_.name + " entry " + std::to_string(number) + ": " + why);
  }

  const LogFacts& facts_;
  IndexSummary& s_;
  Findings& findings_;
  int64_t slots_past_count_ = 0;
  int32_t first_ahead_ = -1;
};

void IndexChecker::CheckSlots(const char* slots, int32_t count) {
  for (int32_t i = 0; i < count; ++i) {
    auto v = static_cast<int32_t>(LoadU32(slots + size_t(i) * store::kIndexSlotSize));
    if (v < 0 || v >= s_.max_index_num) {
      ++s_.bad;
      findings_.Add(Severity::kCorruption, "index-slot",
                    "index/" + s_.name + " hash slot " + std::to_string(i) + " holds " +
                        std::to_string(v) + ", outside [0, " + std::to_string(s_.max_index_num) +
                        ")");
    } else if (v >= std::max(s_.index_count, 1)) {
      ++slots_past_count_;
    }
  }
}

void IndexChecker::CheckEntry(int32_t number, const char* p) {
  auto key_hash = static_cast<int32_t>(LoadU32(p));
  auto phy = static_cast<int64_t>(LoadU64(p + 4));
  auto time_diff = static_cast<int32_t>(LoadU32(p + 12));
  auto prev = static_cast<int32_t>(LoadU32(p + 16));
  if (key_hash < 0 || time_diff < 0 || prev < 0 || prev >= number || phy < 0) {
    Bad(number, "invalid fields (keyHash " + std::to_string(key_hash) + ", phyOffset " +
                    std::to_string(phy) + ", timeDiff " + std::to_string(time_diff) +
                    ", prevIndex " + std::to_string(prev) + ")");
    return;
  }
  if (phy < facts_.min_offset) {
    ++s_.expired;
    return;
  }
  if (phy >= facts_.end_offset) {
    if (first_ahead_ < 0) first_ahead_ = number;
    ++s_.ahead;
    return;
  }
  if (facts_.InCorruptRegion(phy)) {
    Bad(number, "points into corrupt commit-log data at " + std::to_string(phy) + " (" +
                    facts_.Describe(phy) + ")");
    return;
  }
  auto record = RecordAt(*facts_.log, phy);
  if (!record.ok()) {
    Bad(number, "no record starts at commit-log offset " + std::to_string(phy) + " (" +
                    facts_.Describe(phy) + "): " + record.status().message());
    return;
  }
  std::vector<int32_t> hashes = KeyHashes(*record);
  if (std::find(hashes.begin(), hashes.end(), key_hash) == hashes.end()) {
    Bad(number, "keyHash " + std::to_string(key_hash) + " is none of the keys of the record at " +
                    std::to_string(phy));
    return;
  }
  ++s_.entries;
}

void IndexChecker::Finish() {
  if (slots_past_count_ > 0) {
    findings_.Add(Severity::kWarning, "index-slot-ahead",
                  "index/" + s_.name + ": " + std::to_string(slots_past_count_) +
                      " hash slots point at entries past indexCount " +
                      std::to_string(s_.index_count) +
                      " (a put cut short by a crash; readers ignore them)");
  }
  if (s_.ahead > 0) {
    findings_.Add(Severity::kWarning, "index-ahead",
                  "index/" + s_.name + ": index ahead of the log: " + std::to_string(s_.ahead) +
                      (s_.ahead == 1 ? " entry" : " entries") + " from entry " +
                      std::to_string(first_ahead_) +
                      " point at or past the end of the commit log's data (" +
                      std::to_string(facts_.end_offset) + ")");
  }
}

Status CheckIndexFile(store::FileSystem& fs, const std::string& path, const LogFacts& facts,
                      IndexSummary* s, Findings* findings) {
  ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(path, store::OpenMode::kReadOnly));
  IndexChecker checker(facts, s, findings);
  std::string buf(static_cast<size_t>(kEntriesPerRead) * store::kIndexEntrySize, '\0');
  // Slots, a chunk at a time.
  for (int32_t first = 0; first < s->max_hash_slot_num; first += kEntriesPerRead) {
    int32_t count = std::min(kEntriesPerRead, s->max_hash_slot_num - first);
    size_t bytes = size_t(count) * store::kIndexSlotSize;
    ORBIT_ASSIGN_OR_RETURN(
        size_t n, file->Read(store::kIndexHeaderSize + size_t(first) * store::kIndexSlotSize, bytes,
                             buf.data()));
    if (n != bytes) return Status(ErrorCode::kIoError, path + ": short read");
    checker.CheckSlots(buf.data(), count);
  }
  uint64_t entries_pos =
      store::kIndexHeaderSize + uint64_t(s->max_hash_slot_num) * store::kIndexSlotSize;
  // Entry 0 is never used; entries [1, indexCount) are.
  for (int32_t first = 1; first < s->index_count; first += kEntriesPerRead) {
    int32_t count = std::min(kEntriesPerRead, s->index_count - first);
    size_t bytes = size_t(count) * store::kIndexEntrySize;
    ORBIT_ASSIGN_OR_RETURN(
        size_t n,
        file->Read(entries_pos + uint64_t(first) * store::kIndexEntrySize, bytes, buf.data()));
    if (n != bytes) return Status(ErrorCode::kIoError, path + ": short read");
    for (int32_t i = 0; i < count; ++i) {
      checker.CheckEntry(first + i, buf.data() + size_t(i) * store::kIndexEntrySize);
    }
  }
  checker.Finish();
  return Status::Ok();
}

// Reads and checks the header of one file into *s; false when the entries cannot be walked.
bool ReadHeader(store::File& file, IndexSummary* s, Findings* findings) {
  char h[store::kIndexHeaderSize];
  auto n = file.Read(0, sizeof(h), h);
  if (!n.ok() || *n != sizeof(h)) {
    findings->Add(Severity::kError, "io", "index/" + s->name + ": cannot read the header");
    return false;
  }
  s->begin_timestamp = static_cast<int64_t>(LoadU64(h));
  s->end_timestamp = static_cast<int64_t>(LoadU64(h + 8));
  s->begin_phy_offset = static_cast<int64_t>(LoadU64(h + 16));
  s->end_phy_offset = static_cast<int64_t>(LoadU64(h + 24));
  s->hash_slot_count = static_cast<int32_t>(LoadU32(h + 32));
  s->index_count = static_cast<int32_t>(LoadU32(h + 36));
  std::string why;
  if (s->index_count < 0 || s->index_count > s->max_index_num) {
    why = "indexCount " + std::to_string(s->index_count) + " is outside [0, " +
          std::to_string(s->max_index_num) + "]";
  } else if (s->hash_slot_count < 0 || s->hash_slot_count > s->max_hash_slot_num) {
    why = "hashSlotCount " + std::to_string(s->hash_slot_count) + " is outside [0, " +
          std::to_string(s->max_hash_slot_num) + "]";
  } else if (s->index_count > 1 &&
             (s->begin_timestamp > s->end_timestamp || s->begin_phy_offset > s->end_phy_offset)) {
    why = "begin values after end values (timestamps " + std::to_string(s->begin_timestamp) +
          " > " + std::to_string(s->end_timestamp) + " or phyOffsets " +
          std::to_string(s->begin_phy_offset) + " > " + std::to_string(s->end_phy_offset) + ")";
  }
  if (!why.empty()) {
    findings->Add(Severity::kCorruption, "index-header", "index/" + s->name + ": header " + why);
    return false;
  }
  // A header never written reads as zeros; Apache reads indexCount 0 as 1 (no entries).
  s->index_count = std::max(s->index_count, 1);
  return true;
}

}  // namespace

int64_t ReadIndexHeaders(store::FileSystem& fs, const std::string& dir, int32_t max_hash_slot_num,
                         VerifyReport* report) {
  Findings& findings = report->findings;
  std::string index_dir = store::JoinPath(dir, "index");
  if (!fs.IsDirectory(index_dir)) return -1;
  auto names = fs.List(index_dir);
  if (!names.ok()) {
    findings.Add(Severity::kError, "io", names.status().ToString());
    return -1;
  }
  for (const auto& name : *names) {
    std::string path = store::JoinPath(index_dir, name);
    if (!IsIndexFileName(name) || fs.IsDirectory(path)) {
      findings.Add(Severity::kWarning, "stray-file",
                   "index/" + name + " is not an index file (a broker ignores it)");
      continue;
    }
    IndexSummary s;
    s.name = name;
    auto file = fs.Open(path, store::OpenMode::kReadOnly);
    auto size = file.ok() ? (*file)->Size() : Result<uint64_t>(file.status());
    if (!size.ok()) {
      findings.Add(Severity::kError, "io", "index/" + name + ": " + size.status().ToString());
      report->index_files.push_back(s);
      continue;
    }
    if (!DeriveLayout(*size, max_hash_slot_num, &s.max_hash_slot_num, &s.max_index_num)) {
      findings.Add(Severity::kWarning, "index-layout",
                   "index/" + name + ": not checked: its size " + std::to_string(*size) +
                       " is not 40 + 4 x maxHashSlotNum + 20 x maxIndexNum with " +
                       (max_hash_slot_num > 0
                            ? "maxHashSlotNum " + std::to_string(max_hash_slot_num)
                            : std::string("maxIndexNum = 4 x maxHashSlotNum (Apache's default "
                                          "ratio); pass --max-hash-slot-num")));
      report->index_files.push_back(s);
      continue;
    }
    s.checked = ReadHeader(**file, &s, &findings);
    report->index_files.push_back(s);
  }
  // Only a header that was read says how far the index reaches.
  if (report->index_files.empty() || !report->index_files.back().checked) return -1;
  return report->index_files.back().end_phy_offset;
}

void VerifyIndexEntries(store::FileSystem& fs, const std::string& dir, const LogFacts& facts,
                        VerifyReport* report) {
  if (facts.log == nullptr) return;
  for (auto& s : report->index_files) {
    if (!s.checked) continue;
    Status st = CheckIndexFile(fs, store::JoinPath(store::JoinPath(dir, "index"), s.name), facts,
                               &s, &report->findings);
    if (!st.ok())
      report->findings.Add(Severity::kError, "io", "index/" + s.name + ": " + st.ToString());
  }
  if (report->index_behind_records > 0) {
    report->findings.Add(Severity::kWarning, "index-behind",
                         "index behind the log (crash recovery re-indexes): " +
                             std::to_string(report->index_behind_records) +
                             (report->index_behind_records == 1 ? " record" : " records") +
                             " with keys stored after " + "endPhyOffset " +
                             std::to_string(report->index_files.back().end_phy_offset) +
                             " of the newest index file " + report->index_files.back().name);
  }
}

}  // namespace orbit::store_tool
