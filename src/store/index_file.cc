#include "store/index_file.h"

#include <algorithm>
#include <atomic>
#include <climits>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "base/bytes.h"
#include "base/log.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"
#include "protocol/tag_hash.h"

namespace orbit::store {
namespace {

constexpr size_t kIndexFileNameLength = 17;  // yyyyMMddHHmmssSSS
// Bound on the search for a free file name (one millisecond per try).
constexpr int kMaxNameTries = 100000;

bool IsIndexFileName(std::string_view name) {
  return name.size() == kIndexFileNameLength &&
         std::all_of(name.begin(), name.end(), [](char c) { return c >= '0' && c <= '9'; });
}

// Epoch milliseconds of a local-time yyyyMMddHHmmssSSS name.
Result<int64_t> ParseIndexFileName(std::string_view name) {
  if (!IsIndexFileName(name))
    return InvalidArgument("not an index file name: " + std::string(name));
  std::optional<int64_t> ms = LocalDateTimeMillis(name);
  if (!ms) return InvalidArgument("index file name out of range: " + std::string(name));
  int millis = 0;
  for (size_t i = 14; i < 17; ++i) millis = millis * 10 + (name[i] - '0');
  return *ms + millis;
}

// Slot words are accessed atomically in the mapping; they hold big-endian values.
uint32_t BigEndianWord(uint32_t v) {
  char b[4];
  StoreU32(b, v);
  uint32_t raw;
  std::memcpy(&raw, b, 4);
  return raw;
}
uint32_t HostWord(uint32_t raw) {
  char b[4];
  std::memcpy(b, &raw, 4);
  return LoadU32(b);
}

}  // namespace

uint64_t IndexFileSize(int32_t max_hash_slot_num, int32_t max_index_num) {
  return kIndexHeaderSize + static_cast<uint64_t>(max_hash_slot_num) * kIndexSlotSize +
         static_cast<uint64_t>(max_index_num) * kIndexEntrySize;
}

int32_t IndexKeyHash(std::string_view key) {
  int32_t h = protocol::TagsHashCode(key);  // Java String.hashCode
  if (h == INT32_MIN) return 0;             // Math.abs overflows; Apache maps it to 0
  return h < 0 ? -h : h;
}

std::string IndexKey(std::string_view topic, std::string_view key) {
  std::string out;
  out.reserve(topic.size() + 1 + key.size());
  out.append(topic).append("#").append(key);
  return out;
}

std::string IndexFileName(int64_t epoch_ms) {
  int64_t secs = epoch_ms / 1000;
  int64_t millis = epoch_ms % 1000;
  if (millis < 0) {
    millis += 1000;
    secs -= 1;
  }
  std::time_t t = static_cast<std::time_t>(secs);
  std::tm tm{};
  localtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof(buf), "%04d%02d%02d%02d%02d%02d%03d", tm.tm_year + 1900, tm.tm_mon + 1,
                tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(millis));
  return buf;
}

// ---------------------------------------------------------------------------------------------
// IndexFile

IndexFile::IndexFile(std::string path, int32_t max_hash_slot_num, int32_t max_index_num,
                     std::unique_ptr<File> file, std::unique_ptr<MappedRegion> region)
    : path_(std::move(path)),
      max_hash_slot_num_(max_hash_slot_num),
      max_index_num_(max_index_num),
      file_(std::move(file)),
      region_(std::move(region)),
      base_(region_->data()) {}

Result<std::shared_ptr<IndexFile>> IndexFile::Map(FileSystem& fs, const std::string& path,
                                                  int32_t max_hash_slot_num, int32_t max_index_num,
                                                  bool create) {
  if (max_hash_slot_num <= 0 || max_index_num <= 1) {
    return InvalidArgument(
        "index settings out of range: maxHashSlotNum=" + std::to_string(max_hash_slot_num) +
        " maxIndexNum=" + std::to_string(max_index_num));
  }
  const uint64_t size = IndexFileSize(max_hash_slot_num, max_index_num);
  ORBIT_ASSIGN_OR_RETURN(auto file,
                         fs.Open(path, create ? OpenMode::kCreate : OpenMode::kReadWrite));
  auto fail = [&](Status st) -> Status {
    file.reset();
    if (create) (void)fs.Remove(path);
    return st;
  };
  if (create) {
    Status st = file->Allocate(size);
    if (!st.ok()) return fail(std::move(st));
  } else {
    ORBIT_ASSIGN_OR_RETURN(uint64_t actual, file->Size());
    if (actual != size) {
      return Malformed(path + " is " + std::to_string(actual) + " bytes, expected " +
                       std::to_string(size) + " (maxHashSlotNum/maxIndexNum differ from the file)");
    }
  }
  auto region = file->Map(static_cast<size_t>(size));
  if (!region.ok()) return fail(std::move(region).TakeStatus());
  // Hash slots are touched at random: no readahead.
  (*region)->AdviseRandomAccess();
  return std::shared_ptr<IndexFile>(
      new IndexFile(path, max_hash_slot_num, max_index_num, std::move(file), std::move(*region)));
}

Result<std::shared_ptr<IndexFile>> IndexFile::Create(FileSystem& fs, const std::string& path,
                                                     int32_t max_hash_slot_num,
                                                     int32_t max_index_num,
                                                     int64_t prev_end_phy_offset,
                                                     int64_t prev_end_timestamp) {
  ORBIT_ASSIGN_OR_RETURN(auto f, Map(fs, path, max_hash_slot_num, max_index_num, true));
  if (prev_end_phy_offset > 0) {
    f->begin_phy_offset_.store(prev_end_phy_offset);
    f->end_phy_offset_.store(prev_end_phy_offset);
  }
  if (prev_end_timestamp > 0) {
    f->begin_timestamp_.store(prev_end_timestamp);
    f->end_timestamp_.store(prev_end_timestamp);
  }
  f->WriteHeader();
  return f;
}

Result<std::shared_ptr<IndexFile>> IndexFile::Open(FileSystem& fs, const std::string& path,
                                                   int32_t max_hash_slot_num,
                                                   int32_t max_index_num) {
  ORBIT_ASSIGN_OR_RETURN(auto f, Map(fs, path, max_hash_slot_num, max_index_num, false));
  const char* h = f->base_;
  auto index_count = static_cast<int32_t>(LoadU32(h + 36));
  auto hash_slot_count = static_cast<int32_t>(LoadU32(h + 32));
  if (index_count <= 0) index_count = 1;  // a new file that never got an entry
  if (index_count > max_index_num) {
    return Malformed(path + ": indexCount " + std::to_string(index_count) + " > maxIndexNum " +
                     std::to_string(max_index_num));
  }
  // 4.9 counts used slots; later versions count every put. Accept either.
  if (hash_slot_count < 0 || hash_slot_count > std::max(max_hash_slot_num, max_index_num)) {
    return Malformed(path + ": hashSlotCount " + std::to_string(hash_slot_count) + " out of range");
  }
  f->begin_timestamp_.store(static_cast<int64_t>(LoadU64(h + 0)));
  f->end_timestamp_.store(static_cast<int64_t>(LoadU64(h + 8)));
  f->begin_phy_offset_.store(static_cast<int64_t>(LoadU64(h + 16)));
  f->end_phy_offset_.store(static_cast<int64_t>(LoadU64(h + 24)));
  f->hash_slot_count_.store(hash_slot_count);
  f->index_count_.store(index_count);
  f->flushed_count_.store(1);
  return f;
}

size_t IndexFile::SlotPos(int32_t key_hash) const {
  return kIndexHeaderSize + static_cast<size_t>(key_hash % max_hash_slot_num_) * kIndexSlotSize;
}

size_t IndexFile::EntryPos(int32_t entry) const {
  return kIndexHeaderSize + static_cast<size_t>(max_hash_slot_num_) * kIndexSlotSize +
         static_cast<size_t>(entry) * kIndexEntrySize;
}

int32_t IndexFile::LoadSlot(size_t pos) const {
  // The mapping is page-aligned and slots sit at 40 + 4k, so every slot word is 4-byte aligned.
  std::atomic_ref<uint32_t> word(*reinterpret_cast<uint32_t*>(base_ + pos));
  return static_cast<int32_t>(HostWord(word.load(std::memory_order_acquire)));
}

void IndexFile::StoreSlot(size_t pos, int32_t entry) {
  std::atomic_ref<uint32_t> word(*reinterpret_cast<uint32_t*>(base_ + pos));
  word.store(BigEndianWord(static_cast<uint32_t>(entry)), std::memory_order_release);
}

void IndexFile::WriteHeader() {
  StoreU64(base_ + 0, static_cast<uint64_t>(begin_timestamp_.load(std::memory_order_relaxed)));
  StoreU64(base_ + 8, static_cast<uint64_t>(end_timestamp_.load(std::memory_order_relaxed)));
  StoreU64(base_ + 16, static_cast<uint64_t>(begin_phy_offset_.load(std::memory_order_relaxed)));
  StoreU64(base_ + 24, static_cast<uint64_t>(end_phy_offset_.load(std::memory_order_relaxed)));
  StoreU32(base_ + 32, static_cast<uint32_t>(hash_slot_count_.load(std::memory_order_relaxed)));
  StoreU32(base_ + 36, static_cast<uint32_t>(index_count_.load(std::memory_order_relaxed)));
}

bool IndexFile::Put(std::string_view key, int64_t phy_offset, int64_t store_timestamp) {
  const int32_t count = index_count_.load(std::memory_order_relaxed);
  if (count >= max_index_num_) return false;

  const int32_t key_hash = IndexKeyHash(key);
  const size_t slot_pos = SlotPos(key_hash);
  int32_t prev = LoadSlot(slot_pos);
  // Entry numbers at or past indexCount were never completed (torn file): treat as empty, or the
  // new entry could point at itself.
  if (prev <= 0 || prev >= count) prev = 0;

  const int64_t begin = begin_timestamp_.load(std::memory_order_relaxed);
  int64_t time_diff = 0;
  if (begin > 0) {
    time_diff = std::clamp<int64_t>((store_timestamp - begin) / 1000, 0, INT32_MAX);
  }

  char* e = base_ + EntryPos(count);
  StoreU32(e, static_cast<uint32_t>(key_hash));
  StoreU64(e + 4, static_cast<uint64_t>(phy_offset));
  StoreU32(e + 12, static_cast<uint32_t>(time_diff));
  StoreU32(e + 16, static_cast<uint32_t>(prev));

  if (count <= 1) {
    begin_phy_offset_.store(phy_offset, std::memory_order_relaxed);
    begin_timestamp_.store(store_timestamp, std::memory_order_release);
  }
  if (prev == 0) hash_slot_count_.fetch_add(1, std::memory_order_relaxed);
  end_phy_offset_.store(phy_offset, std::memory_order_release);
  // indexCount before endTimestamp: a flusher that sees this endTimestamp syncs this entry.
  index_count_.store(count + 1, std::memory_order_release);
  end_timestamp_.store(store_timestamp, std::memory_order_release);
  WriteHeader();
  // Last: readers find the entry only through the slot.
  StoreSlot(slot_pos, count);
  return true;
}

void IndexFile::Select(std::string_view key, size_t max_num, int64_t begin_ms, int64_t end_ms,
                       std::vector<int64_t>* out) const {
  if (out->size() >= max_num) return;
  const int32_t key_hash = IndexKeyHash(key);
  int32_t entry = LoadSlot(SlotPos(key_hash));
  // Loaded after the slot, so it covers every entry the slot can lead to.
  const int32_t count = index_count();
  if (count <= 1 || entry <= 0 || entry >= count) return;
  const int64_t file_begin = begin_timestamp();
  while (out->size() < max_num) {
    const char* e = base_ + EntryPos(entry);
    auto hash_read = static_cast<int32_t>(LoadU32(e));
    auto phy_offset = static_cast<int64_t>(LoadU64(e + 4));
    auto time_diff = static_cast<int32_t>(LoadU32(e + 12));
    auto prev = static_cast<int32_t>(LoadU32(e + 16));
    int64_t time = 0;
    // A corrupt header's beginTimestamp must not overflow the sum.
    if (time_diff < 0 || __builtin_add_overflow(file_begin, int64_t{time_diff} * 1000, &time)) {
      break;
    }
    if (hash_read == key_hash && time >= begin_ms && time <= end_ms) out->push_back(phy_offset);
    // Chains run from newer to older entries; anything else is corruption. Older entries are
    // older in time too, so the walk also ends once it passes begin_ms.
    if (prev <= 0 || prev >= entry || time < begin_ms) break;
    entry = prev;
  }
}

bool IndexFile::TimeOverlaps(int64_t begin_ms, int64_t end_ms) const {
  return begin_ms <= end_timestamp() && end_ms >= begin_timestamp();
}

Result<int64_t> IndexFile::Flush() {
  // endTimestamp before indexCount (the reverse of Put's order): the count read covers the
  // entry that set this endTimestamp.
  const int64_t end_ts = end_timestamp();
  const int32_t count = index_count();
  const int32_t flushed = flushed_count_.load(std::memory_order_acquire);
  if (count > flushed) {
    // Entries first, then header and slots: a power loss in between leaves entries that no slot
    // reaches yet, never slots pointing at lost entries.
    const size_t from = EntryPos(flushed);
    ORBIT_RETURN_IF_ERROR(region_->Sync(from, EntryPos(count) - from));
    ORBIT_RETURN_IF_ERROR(region_->Sync(0, EntryPos(0)));
    flushed_count_.store(count, std::memory_order_release);
  }
  return end_ts;
}

// ---------------------------------------------------------------------------------------------
// IndexService

IndexService::IndexService(FileSystem& fs, std::string index_dir, int32_t max_hash_slot_num,
                           int32_t max_index_num, const Clock* clock)
    : fs_(fs),
      dir_(std::move(index_dir)),
      max_hash_slot_num_(max_hash_slot_num),
      max_index_num_(max_index_num),
      clock_(clock != nullptr ? clock : &Clock::System()) {}

Status IndexService::Load(bool last_exit_ok, int64_t index_checkpoint_ms) {
  if (max_hash_slot_num_ <= 0 || max_index_num_ <= 1) {
    return InvalidArgument("maxHashSlotNum must be > 0 and maxIndexNum > 1");
  }
  MutexLock build(build_mu_);
  std::vector<std::shared_ptr<IndexFile>> loaded;
  if (fs_.Exists(dir_)) {
    ORBIT_ASSIGN_OR_RETURN(auto names, fs_.List(dir_));
    bool removed = false;
    for (const auto& name : names) {
      const std::string path = JoinPath(dir_, name);
      if (!IsIndexFileName(name) || fs_.IsDirectory(path)) {
        ORBIT_LOG_WARN("index: ignoring {}: not an index file", path);
        continue;
      }
      auto file = IndexFile::Open(fs_, path, max_hash_slot_num_, max_index_num_);
      if (!file.ok()) {
        if (file.status().code() != ErrorCode::kMalformed) return file.status();
        ORBIT_LOG_WARN("index: skipping {}: {}", path, file.status().message());
        continue;
      }
      if (!last_exit_ok && (*file)->end_timestamp() > index_checkpoint_ms) {
        // Newer than the last index flush the checkpoint knows of: possibly torn. Recovery
        // re-dispatches its records, which indexes them again.
        ORBIT_LOG_WARN("index: removing {} after an unclean exit (endTimestamp {} > {})", path,
                       (*file)->end_timestamp(), index_checkpoint_ms);
        file->reset();
        ORBIT_RETURN_IF_ERROR(fs_.Remove(path));
        removed = true;
        continue;
      }
      ORBIT_LOG_INFO("index: loaded {} ({} entries)", path, (*file)->entry_count());
      loaded.push_back(std::move(*file));
    }
    if (removed) SyncDirBestEffort();
  }
  MutexLock lock(mu_);
  files_ = std::move(loaded);
  return Status::Ok();
}

std::shared_ptr<IndexFile> IndexService::LastFile() const {
  MutexLock lock(mu_);
  return files_.empty() ? nullptr : files_.back();
}

std::vector<std::shared_ptr<IndexFile>> IndexService::Files() const {
  MutexLock lock(mu_);
  return files_;
}

size_t IndexService::FileCount() const {
  MutexLock lock(mu_);
  return files_.size();
}

int64_t IndexService::TotalEntryCount() const {
  MutexLock lock(mu_);
  int64_t n = 0;
  for (const auto& f : files_) n += f->entry_count();
  return n;
}

Status IndexService::BuildIndex(const IndexRequest& req) {
  if (protocol::GetTransactionType(req.sys_flag) == protocol::TransactionType::kRollback) {
    return Status::Ok();
  }
  MutexLock build(build_mu_);
  std::shared_ptr<IndexFile> file = LastFile();
  // Offsets only grow: a record below the newest entry was indexed before this re-dispatch.
  if (file != nullptr && req.commit_log_offset < file->end_phy_offset()) return Status::Ok();
  if (!req.uniq_key.empty()) ORBIT_RETURN_IF_ERROR(PutKey(&file, req.uniq_key, req));
  for (std::string_view key : protocol::SplitKeys(req.keys)) {
    ORBIT_RETURN_IF_ERROR(PutKey(&file, key, req));
  }
  return Status::Ok();
}

Status IndexService::PutKey(std::shared_ptr<IndexFile>* file, std::string_view key,
                            const IndexRequest& req) {
  key_buf_.assign(req.topic).append("#").append(key);
  if (*file != nullptr) {
    if ((*file)->Put(key_buf_, req.commit_log_offset, req.store_timestamp)) return Status::Ok();
    ORBIT_LOG_INFO("index: {} is full, starting a new file", (*file)->path());
  }
  auto created = CreateFile(file->get());
  if (!created.ok()) {
    ORBIT_LOG_ERROR("index: cannot index offset {} ({}): {}", req.commit_log_offset, key_buf_,
                    created.status().ToString());
    return std::move(created).TakeStatus();
  }
  *file = std::move(*created);
  if (!(*file)->Put(key_buf_, req.commit_log_offset, req.store_timestamp)) {
    return Internal("a new index file refused its first key: " + (*file)->path());
  }
  return Status::Ok();
}

std::string IndexService::NewFilePath(const std::string& newest_name) const {
  int64_t ms = clock_->NowMillis();
  std::string name = IndexFileName(ms);
  // Names must sort after the newest file even if the clock went back: Load orders by name.
  if (!newest_name.empty() && name <= newest_name) {
    auto newest_ms = ParseIndexFileName(newest_name);
    if (newest_ms.ok()) {
      ms = std::max(ms, *newest_ms + 1);
      name = IndexFileName(ms);
    }
  }
  for (int tries = 0; tries < kMaxNameTries; ++tries) {
    if ((newest_name.empty() || name > newest_name) && !fs_.Exists(JoinPath(dir_, name))) break;
    name = IndexFileName(++ms);
  }
  if (!newest_name.empty() && name <= newest_name) {
    ORBIT_LOG_WARN("index: new file {} does not sort after {}; the clock went back", name,
                   newest_name);
  }
  return JoinPath(dir_, name);
}

Result<std::shared_ptr<IndexFile>> IndexService::CreateFile(const IndexFile* prev) {
  ORBIT_RETURN_IF_ERROR(fs_.CreateDirs(dir_));
  std::string newest_name;
  {
    MutexLock lock(mu_);
    if (!files_.empty()) {
      const std::string& p = files_.back()->path();
      newest_name = p.substr(p.find_last_of('/') + 1);
    }
  }
  const std::string path = NewFilePath(newest_name);
  if (fs_.Exists(path)) return Internal("no free index file name after " + newest_name);
  ORBIT_ASSIGN_OR_RETURN(auto file, IndexFile::Create(fs_, path, max_hash_slot_num_, max_index_num_,
                                                      prev != nullptr ? prev->end_phy_offset() : 0,
                                                      prev != nullptr ? prev->end_timestamp() : 0));
  // Set before the file is listed, so a Flush that sees the file also syncs the directory.
  dir_dirty_.store(true, std::memory_order_release);
  {
    MutexLock lock(mu_);
    files_.push_back(file);
  }
  ORBIT_LOG_INFO("index: created {}", path);
  return file;
}

IndexQueryResult IndexService::QueryOffsets(std::string_view topic, std::string_view key,
                                            int max_num, int64_t begin_ms, int64_t end_ms) const {
  IndexQueryResult result;
  const std::vector<std::shared_ptr<IndexFile>> files = Files();
  if (files.empty()) return result;
  result.index_last_update_timestamp = files.back()->end_timestamp();
  result.index_last_update_phy_offset = files.back()->end_phy_offset();
  if (max_num <= 0) return result;
  const auto max = static_cast<size_t>(max_num);
  const std::string index_key = IndexKey(topic, key);
  for (size_t i = files.size(); i-- > 0;) {
    const IndexFile& f = *files[i];
    if (f.TimeOverlaps(begin_ms, end_ms))
      f.Select(index_key, max, begin_ms, end_ms, &result.offsets);
    // Older files hold only older entries.
    if (f.begin_timestamp() < begin_ms || result.offsets.size() >= max) break;
  }
  return result;
}

Status IndexService::Flush() {
  MutexLock flush(flush_mu_);
  const std::vector<std::shared_ptr<IndexFile>> files = Files();
  if (dir_dirty_.exchange(false, std::memory_order_acq_rel)) {
    Status st = fs_.SyncDir(dir_);
    if (!st.ok()) {
      dir_dirty_.store(true, std::memory_order_release);
      ORBIT_LOG_ERROR("index: {}", st.ToString());
      return st;
    }
  }
  int64_t durable = 0;
  for (const auto& f : files) {
    auto ts = f->Flush();
    if (!ts.ok()) {
      ORBIT_LOG_ERROR("index: flush of {}: {}", f->path(), ts.status().ToString());
      return std::move(ts).TakeStatus();
    }
    durable = std::max(durable, *ts);
  }
  if (durable > flushed_timestamp_.load(std::memory_order_relaxed)) {
    flushed_timestamp_.store(durable, std::memory_order_release);
  }
  return Status::Ok();
}

Result<int> IndexService::DeleteExpired(int64_t commit_log_min_offset) {
  std::vector<std::shared_ptr<IndexFile>> expired;
  {
    MutexLock lock(mu_);
    for (size_t i = 0; i + 1 < files_.size(); ++i) {
      if (files_[i]->end_phy_offset() >= commit_log_min_offset) break;
      expired.push_back(files_[i]);
    }
  }
  int removed = 0;
  Status result;
  for (const auto& f : expired) {
    Status st = fs_.Remove(f->path());
    if (!st.ok()) {
      ORBIT_LOG_ERROR("index: cannot remove expired {}: {}", f->path(), st.ToString());
      result = st;
      break;
    }
    ORBIT_LOG_INFO("index: removed expired {} (endPhyOffset {} < {})", f->path(),
                   f->end_phy_offset(), commit_log_min_offset);
    {
      MutexLock lock(mu_);
      files_.erase(std::remove(files_.begin(), files_.end(), f), files_.end());
    }
    ++removed;
  }
  if (removed > 0) SyncDirBestEffort();
  if (!result.ok()) return result;
  return removed;
}

Status IndexService::Destroy() {
  MutexLock build(build_mu_);
  MutexLock flush(flush_mu_);
  std::vector<std::shared_ptr<IndexFile>> files;
  {
    MutexLock lock(mu_);
    files.swap(files_);
  }
  Status result;
  for (const auto& f : files) {
    Status st = fs_.Remove(f->path());
    if (!st.ok() && result.ok()) result = st;
  }
  if (!files.empty()) SyncDirBestEffort();
  flushed_timestamp_.store(0, std::memory_order_release);
  return result;
}

void IndexService::SyncDirBestEffort() {
  Status st = fs_.SyncDir(dir_);
  if (!st.ok()) ORBIT_LOG_WARN("index: {}", st.ToString());
}

}  // namespace orbit::store
