#include "store/consume_queue.h"

#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "base/log.h"

namespace orbit::store {
namespace {

constexpr int32_t kBlankSize = 0x7FFFFFFF;

void WriteEntry(char* p, const CqEntry& e) {
  StoreU64(p, static_cast<uint64_t>(e.commit_log_offset));
  StoreU32(p + 8, static_cast<uint32_t>(e.size));
  StoreU64(p + 12, static_cast<uint64_t>(e.tags_code));
}

bool EntryValid(const CqEntry& e) { return e.commit_log_offset >= 0 && e.size > 0; }

}  // namespace

ConsumeQueue::ConsumeQueue(FileSystem& fs, const std::string& root, std::string topic,
                           int32_t queue_id, size_t segment_bytes)
    : fs_(fs),
      topic_(std::move(topic)),
      queue_id_(queue_id),
      // 20 bytes per message, in a thousand files at once for a topic of many queues: no
      // readahead (see MappedRegion::AdviseRandomAccess).
      segments_(fs, JoinPath(JoinPath(root, topic_), std::to_string(queue_id)), segment_bytes,
                /*random_access=*/true) {}

CqEntry ConsumeQueue::ReadEntry(const char* p) {
  CqEntry e;
  e.commit_log_offset = static_cast<int64_t>(LoadU64(p));
  e.size = static_cast<int32_t>(LoadU32(p + 8));
  e.tags_code = static_cast<int64_t>(LoadU64(p + 12));
  return e;
}

Status ConsumeQueue::Load() { return segments_.Load(); }

Status ConsumeQueue::Recover() {
  auto segs = segments_.Segments();
  if (segs.empty()) {
    min_offset_.store(0);
    return Status::Ok();
  }
  // Entries before the third-last segment are trusted, as Apache does.
  size_t index = segs.size() > 3 ? segs.size() - 3 : 0;
  uint64_t end = segs[index]->start_offset();
  for (; index < segs.size(); ++index) {
    const auto& seg = segs[index];
    size_t pos = 0;
    for (; pos + kCqEntrySize <= seg->size(); pos += kCqEntrySize) {
      if (!EntryValid(ReadEntry(seg->data() + pos))) break;
    }
    end = seg->start_offset() + pos;
    if (pos + kCqEntrySize <= seg->size()) break;  // stopped inside this segment
  }
  ORBIT_RETURN_IF_ERROR(segments_.Truncate(end));
  // The min offset: the first non-blank entry of the first segment.
  auto first = segments_.First();
  int64_t min = first != nullptr ? static_cast<int64_t>(first->start_offset() / kCqEntrySize) : 0;
  if (first != nullptr) {
    size_t limit = first->write_pos();
    for (size_t pos = 0; pos + kCqEntrySize <= limit; pos += kCqEntrySize) {
      if (!ReadEntry(first->data() + pos).is_blank()) break;
      ++min;
    }
  }
  min_offset_.store(min);
  return Status::Ok();
}

int64_t ConsumeQueue::MaxOffset() const {
  return static_cast<int64_t>(segments_.MaxOffset() / kCqEntrySize);
}

int64_t ConsumeQueue::MaxPhysicalEnd() const {
  int64_t max = MaxOffset();
  if (max <= MinOffset()) return -1;
  for (int64_t off = max - 1; off >= MinOffset(); --off) {
    auto e = Get(off);
    if (!e.ok()) return -1;
    if (!e->is_blank()) return e->commit_log_offset + e->size;
  }
  return -1;
}

Status ConsumeQueue::Put(int64_t queue_offset, const CqEntry& entry) {
  if (queue_offset < 0) return InvalidArgument("negative queue offset");
  uint64_t want = static_cast<uint64_t>(queue_offset) * kCqEntrySize;
  size_t seg_size = segments_.segment_size();
  if (segments_.empty()) {
    // A queue that starts above 0 (its earlier data was deleted, or a topic re-created):
    // begin at the segment holding the offset and blank out the entries before it.
    uint64_t start = want / seg_size * seg_size;
    ORBIT_ASSIGN_OR_RETURN(auto seg, segments_.LastForWrite(start));
    size_t pos = static_cast<size_t>(want - start);
    for (size_t p = 0; p < pos; p += kCqEntrySize) {
      WriteEntry(seg->data() + p, CqEntry{0, kBlankSize, 0});
    }
    seg->set_write_pos(pos);
    segments_.SetFlushedOffset(start);
    min_offset_.store(queue_offset);
  }
  uint64_t end = segments_.MaxOffset();
  if (want < end) return Status::Ok();  // already there: a re-dispatch
  if (want > end) {
    ORBIT_LOG_WARN("consume queue {}/{}: entry {} arrives with the queue at {}; filling the gap",
                   topic_, queue_id_, queue_offset, end / kCqEntrySize);
  }
  while (segments_.MaxOffset() < want) {
    uint64_t at = segments_.MaxOffset();
    ORBIT_ASSIGN_OR_RETURN(auto seg, segments_.LastForWrite(at));
    size_t pos = static_cast<size_t>(at - seg->start_offset());
    WriteEntry(seg->data() + pos, CqEntry{0, kBlankSize, 0});
    seg->set_write_pos(pos + kCqEntrySize);
  }
  ORBIT_ASSIGN_OR_RETURN(auto seg, segments_.LastForWrite(want));
  size_t pos = static_cast<size_t>(want - seg->start_offset());
  WriteEntry(seg->data() + pos, entry);
  seg->set_write_pos(pos + kCqEntrySize);
  return Status::Ok();
}

Result<CqEntry> ConsumeQueue::Get(int64_t queue_offset) const {
  if (queue_offset < MinOffset() || queue_offset >= MaxOffset()) {
    return NotFound("queue offset " + std::to_string(queue_offset) + " of " + topic_ + "/" +
                    std::to_string(queue_id_) + " is outside [" + std::to_string(MinOffset()) +
                    ", " + std::to_string(MaxOffset()) + ")");
  }
  uint64_t at = static_cast<uint64_t>(queue_offset) * kCqEntrySize;
  auto seg = segments_.Find(at);
  if (seg == nullptr) return NotFound("no consume-queue segment for offset " + std::to_string(at));
  size_t pos = static_cast<size_t>(at - seg->start_offset());
  if (pos + kCqEntrySize > seg->write_pos()) return NotFound("entry not written yet");
  return ReadEntry(seg->data() + pos);
}

size_t ConsumeQueue::GetEntries(int64_t queue_offset, size_t max_count,
                                std::vector<CqEntry>* out) const {
  size_t n = 0;
  int64_t max = MaxOffset();
  int64_t off = std::max(queue_offset, MinOffset());
  while (n < max_count && off < max) {
    uint64_t at = static_cast<uint64_t>(off) * kCqEntrySize;
    auto seg = segments_.Find(at);
    if (seg == nullptr) break;
    size_t limit = seg->write_pos();
    for (size_t pos = static_cast<size_t>(at - seg->start_offset());
         n < max_count && pos + kCqEntrySize <= limit; pos += kCqEntrySize) {
      out->push_back(ReadEntry(seg->data() + pos));
      ++n;
      ++off;
    }
    if (static_cast<uint64_t>(off) * kCqEntrySize < seg->end_offset()) break;  // end of data
  }
  return n;
}

int64_t ConsumeQueue::OffsetForTimestamp(
    int64_t timestamp_ms,
    const std::function<int64_t(int64_t commit_log_offset, int32_t size)>& store_time) const {
  int64_t lo = MinOffset();
  int64_t hi = MaxOffset();
  // First offset in [lo, hi) whose store time >= timestamp; unreadable entries count as older.
  while (lo < hi) {
    int64_t mid = lo + (hi - lo) / 2;
    auto e = Get(mid);
    int64_t t = -1;
    if (e.ok() && !e->is_blank()) t = store_time(e->commit_log_offset, e->size);
    if (t >= timestamp_ms) {
      hi = mid;
    } else {
      lo = mid + 1;
    }
  }
  return lo;
}

Status ConsumeQueue::TruncateBeyond(int64_t commit_log_end) {
  int64_t max = MaxOffset();
  int64_t keep = max;
  while (keep > MinOffset()) {
    auto e = Get(keep - 1);
    if (!e.ok()) break;
    if (!e->is_blank() && e->commit_log_offset + e->size <= commit_log_end) break;
    --keep;
  }
  if (keep == max) return Status::Ok();
  ORBIT_LOG_INFO("consume queue {}/{}: dropping entries [{}, {}) past commit-log end {}", topic_,
                 queue_id_, keep, max, commit_log_end);
  ORBIT_RETURN_IF_ERROR(segments_.Truncate(static_cast<uint64_t>(keep) * kCqEntrySize));
  if (MinOffset() > keep) min_offset_.store(keep);
  return Status::Ok();
}

void ConsumeQueue::CorrectMinOffset(int64_t commit_log_min) {
  int64_t off = MinOffset();
  int64_t max = MaxOffset();
  while (off < max) {
    auto e = Get(off);
    if (!e.ok()) break;
    if (!e->is_blank() && e->commit_log_offset >= commit_log_min) break;
    ++off;
  }
  if (off != MinOffset()) min_offset_.store(off, std::memory_order_release);
}

Result<int> ConsumeQueue::DeleteExpired(int64_t commit_log_min) {
  // A segment can go when its last entry points below the commit log's first byte.
  int deleted = 0;
  for (;;) {
    auto segs = segments_.Segments();
    if (segs.size() <= 1) break;
    const auto& first = segs.front();
    if (first->write_pos() < kCqEntrySize) break;
    CqEntry last = ReadEntry(first->data() + first->write_pos() - kCqEntrySize);
    if (!last.is_blank() && last.commit_log_offset >= commit_log_min) break;
    ORBIT_ASSIGN_OR_RETURN(int n, segments_.DeleteBefore(first->end_offset()));
    if (n == 0) break;
    deleted += n;
  }
  auto first = segments_.First();
  if (first != nullptr) {
    int64_t seg_min = static_cast<int64_t>(first->start_offset() / kCqEntrySize);
    if (MinOffset() < seg_min) min_offset_.store(seg_min);
  }
  CorrectMinOffset(commit_log_min);
  return deleted;
}

}  // namespace orbit::store
