#include "store/segment.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "base/log.h"

namespace orbit::store {

std::string SegmentFileName(uint64_t start_offset) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%020llu", static_cast<unsigned long long>(start_offset));
  return buf;
}

Result<uint64_t> ParseSegmentFileName(std::string_view name) {
  if (name.size() != 20) return InvalidArgument("not a segment name: " + std::string(name));
  uint64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return InvalidArgument("not a segment name: " + std::string(name));
    uint64_t next = v * 10 + static_cast<uint64_t>(c - '0');
    if (next / 10 != v) return InvalidArgument("segment name overflows: " + std::string(name));
    v = next;
  }
  return v;
}

Segment::Segment(std::string path, uint64_t start, size_t size, std::unique_ptr<File> file,
                 std::unique_ptr<MappedRegion> region)
    : path_(std::move(path)),
      start_offset_(start),
      size_(size),
      file_(std::move(file)),
      region_(std::move(region)) {}

Result<std::shared_ptr<Segment>> Segment::Open(FileSystem& fs, const std::string& path,
                                               uint64_t start_offset, size_t size, bool create,
                                               bool random_access) {
  if (create) {
    // Sized under a temporary name, then renamed and the directory synced: a crash at any point
    // leaves either no segment or a whole one (plus, at worst, a temporary file Load removes),
    // never a short file under a segment's name.
    std::string creating = path + std::string(kCreatingSuffix);
    {
      ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(creating, OpenMode::kCreateAlways));
      Status st = file->Allocate(size);
      if (!st.ok()) {
        file.reset();
        (void)fs.Remove(creating);
        return st;
      }
    }
    Status st = fs.Rename(creating, path);
    if (st.ok()) st = fs.SyncDir(ParentPath(path));
    if (!st.ok()) {
      (void)fs.Remove(creating);
      return st;
    }
  }
  ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(path, OpenMode::kReadWrite));
  if (!create) {
    ORBIT_ASSIGN_OR_RETURN(uint64_t actual, file->Size());
    if (actual != size) {
      return Malformed(path + " is " + std::to_string(actual) + " bytes, expected " +
                       std::to_string(size) + " (segment size setting differs from the files)");
    }
  }
  ORBIT_ASSIGN_OR_RETURN(auto region, file->Map(size));
  if (random_access) region->AdviseRandomAccess();
  return std::shared_ptr<Segment>(
      new Segment(path, start_offset, size, std::move(file), std::move(region)));
}

Result<size_t> Segment::Flush(int least_pages) {
  size_t flushed = flushed_pos();
  size_t written = write_pos();
  if (written <= flushed) return flushed;
  if (least_pages > 0) {
    size_t dirty_pages = written / kOsPageSize - flushed / kOsPageSize;
    if (dirty_pages < static_cast<size_t>(least_pages)) return flushed;
  }
  ORBIT_RETURN_IF_ERROR(region_->Sync(flushed, written - flushed));
  set_flushed_pos(written);
  return written;
}

Status Segment::TruncateTo(size_t pos) {
  pos = std::min(pos, size_);
  // Zero what may hold data past `pos`, so that stale records can never come back after later
  // appends; the never-written rest of the file is zero already.
  ORBIT_ASSIGN_OR_RETURN(uint64_t data_end, file_->DataEnd());
  size_t dirty_end = static_cast<size_t>(std::min<uint64_t>(data_end, size_));
  if (pos < dirty_end) {
    std::memset(data() + pos, 0, dirty_end - pos);
    ORBIT_RETURN_IF_ERROR(region_->Sync(pos, dirty_end - pos));
  }
  set_write_pos(pos);
  set_flushed_pos(pos);
  return Status::Ok();
}

SegmentQueue::SegmentQueue(FileSystem& fs, std::string dir, size_t segment_size, bool random_access)
    : fs_(fs), dir_(std::move(dir)), segment_size_(segment_size), random_access_(random_access) {}

Status SegmentQueue::Load() {
  if (!fs_.Exists(dir_)) return Status::Ok();
  ORBIT_ASSIGN_OR_RETURN(auto names, fs_.List(dir_));
  std::vector<std::shared_ptr<Segment>> loaded;
  for (const auto& name : names) {
    if (name.size() > kCreatingSuffix.size() && name.ends_with(kCreatingSuffix)) {
      // A crash interrupted the creation of this segment: it never held data.
      ORBIT_LOG_WARN("removing {} in {}: left by a crash while it was being created", name, dir_);
      ORBIT_RETURN_IF_ERROR(fs_.Remove(JoinPath(dir_, name)));
      continue;
    }
    auto start = ParseSegmentFileName(name);
    if (!start.ok()) {
      ORBIT_LOG_WARN("ignoring {} in {}: not a segment file", name, dir_);
      continue;
    }
    if (*start % segment_size_ != 0) {
      return Malformed(JoinPath(dir_, name) + " does not start at a multiple of the segment size " +
                       std::to_string(segment_size_));
    }
    if (!loaded.empty() && loaded.back()->end_offset() != *start) {
      ORBIT_LOG_WARN("gap before {} in {}: segments are not contiguous", name, dir_);
    }
    ORBIT_ASSIGN_OR_RETURN(auto seg, Segment::Open(fs_, JoinPath(dir_, name), *start, segment_size_,
                                                   false, random_access_));
    seg->set_write_pos(segment_size_);
    seg->set_flushed_pos(segment_size_);
    loaded.push_back(std::move(seg));
  }
  MutexLock lock(mu_);
  segments_ = std::move(loaded);
  flushed_where_.store(segments_.empty() ? 0 : segments_.back()->end_offset());
  return Status::Ok();
}

std::vector<std::shared_ptr<Segment>> SegmentQueue::Segments() const {
  MutexLock lock(mu_);
  return segments_;
}

std::shared_ptr<Segment> SegmentQueue::Last() const {
  MutexLock lock(mu_);
  return segments_.empty() ? nullptr : segments_.back();
}

std::shared_ptr<Segment> SegmentQueue::First() const {
  MutexLock lock(mu_);
  return segments_.empty() ? nullptr : segments_.front();
}

bool SegmentQueue::empty() const {
  MutexLock lock(mu_);
  return segments_.empty();
}

std::shared_ptr<Segment> SegmentQueue::Find(uint64_t offset) const {
  MutexLock lock(mu_);
  if (segments_.empty()) return nullptr;
  uint64_t first = segments_.front()->start_offset();
  if (offset < first) return nullptr;
  // Segments are contiguous and equal-sized in the normal case: index directly, then verify.
  size_t idx = static_cast<size_t>((offset - first) / segment_size_);
  if (idx < segments_.size() && segments_[idx]->start_offset() <= offset &&
      offset < segments_[idx]->end_offset()) {
    return segments_[idx];
  }
  for (const auto& seg : segments_) {
    if (seg->start_offset() <= offset && offset < seg->end_offset()) return seg;
  }
  return nullptr;
}

Result<std::shared_ptr<Segment>> SegmentQueue::LastForWrite(uint64_t offset) {
  {
    MutexLock lock(mu_);
    if (!segments_.empty() && !segments_.back()->full()) return segments_.back();
  }
  if (offset % segment_size_ != 0) {
    return Internal("new segment of " + dir_ + " at unaligned offset " + std::to_string(offset));
  }
  ORBIT_RETURN_IF_ERROR(fs_.CreateDirs(dir_));
  ORBIT_ASSIGN_OR_RETURN(auto seg, Segment::Open(fs_, JoinPath(dir_, SegmentFileName(offset)),
                                                 offset, segment_size_, true, random_access_));
  MutexLock lock(mu_);
  if (segments_.empty()) flushed_where_.store(offset);
  segments_.push_back(seg);
  return seg;
}

Result<std::shared_ptr<Segment>> SegmentQueue::LastForAppend() {
  uint64_t next = 0;
  {
    MutexLock lock(mu_);
    if (!segments_.empty()) {
      if (!segments_.back()->full()) return segments_.back();
      next = segments_.back()->end_offset();
    }
  }
  return LastForWrite(next);
}

uint64_t SegmentQueue::MinOffset() const {
  MutexLock lock(mu_);
  return segments_.empty() ? 0 : segments_.front()->start_offset();
}

uint64_t SegmentQueue::MaxOffset() const {
  MutexLock lock(mu_);
  return segments_.empty() ? 0 : segments_.back()->start_offset() + segments_.back()->write_pos();
}

Result<bool> SegmentQueue::Flush(int least_pages) {
  bool synced = false;
  for (;;) {
    uint64_t where = FlushedOffset();
    auto seg = Find(where);
    if (seg == nullptr) {
      // Flushed exactly to the end of the last segment, or the queue is empty.
      return synced;
    }
    size_t before = seg->flushed_pos();
    ORBIT_ASSIGN_OR_RETURN(size_t pos, seg->Flush(seg->full() ? 0 : least_pages));
    if (pos != before) synced = true;
    SetFlushedOffset(seg->start_offset() + pos);
    if (pos < seg->size()) return synced;
  }
}

Status SegmentQueue::Truncate(uint64_t offset) {
  std::vector<std::shared_ptr<Segment>> removed;
  std::shared_ptr<Segment> holder;
  {
    MutexLock lock(mu_);
    std::vector<std::shared_ptr<Segment>> kept;
    for (auto& seg : segments_) {
      if (seg->start_offset() > offset) {
        removed.push_back(seg);
      } else {
        kept.push_back(seg);
      }
    }
    segments_ = std::move(kept);
    for (auto& seg : segments_) {
      if (seg->end_offset() <= offset) {
        seg->set_write_pos(seg->size());
        seg->set_flushed_pos(seg->size());
      } else {
        holder = seg;
      }
    }
  }
  for (auto& seg : removed) {
    ORBIT_LOG_INFO("removing segment {} past the end of data {}", seg->path(), offset);
    ORBIT_RETURN_IF_ERROR(fs_.Remove(seg->path()));
  }
  if (holder != nullptr) {
    ORBIT_RETURN_IF_ERROR(holder->TruncateTo(static_cast<size_t>(offset - holder->start_offset())));
  }
  if (!removed.empty()) ORBIT_RETURN_IF_ERROR(fs_.SyncDir(dir_));
  SetFlushedOffset(offset);
  return Status::Ok();
}

Result<int> SegmentQueue::DeleteBefore(uint64_t offset) {
  std::vector<std::shared_ptr<Segment>> removed;
  {
    MutexLock lock(mu_);
    // Never remove the last segment: it holds the write position.
    while (segments_.size() > 1 && segments_.front()->end_offset() <= offset) {
      removed.push_back(segments_.front());
      segments_.erase(segments_.begin());
    }
  }
  for (auto& seg : removed) ORBIT_RETURN_IF_ERROR(fs_.Remove(seg->path()));
  return static_cast<int>(removed.size());
}

Result<std::string> SegmentQueue::DeleteFirst() {
  std::shared_ptr<Segment> seg;
  {
    MutexLock lock(mu_);
    if (segments_.empty()) return NotFound("no segment in " + dir_);
    seg = segments_.front();
    segments_.erase(segments_.begin());
  }
  ORBIT_RETURN_IF_ERROR(fs_.Remove(seg->path()));
  return seg->path();
}

Status SegmentQueue::DestroyAll() {
  std::vector<std::shared_ptr<Segment>> removed;
  {
    MutexLock lock(mu_);
    removed.swap(segments_);
  }
  for (auto& seg : removed) ORBIT_RETURN_IF_ERROR(fs_.Remove(seg->path()));
  flushed_where_.store(0);
  return RemoveRecursively(fs_, dir_);
}

}  // namespace orbit::store
