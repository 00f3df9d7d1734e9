#include "apps/store/internal/store_files.h"

#include <algorithm>
#include <cstdint>
#include <cstring>

#include "apps/store/store_tool.h"
#include "base/bytes.h"
#include "protocol/message_flags.h"
#include "store/commit_log.h"
#include "store/segment.h"

namespace orbit::store_tool {
namespace {

// Index of the first non-zero byte of [p, p + n), or n.
size_t FirstNonZero(const char* p, size_t n) {
  size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    uint64_t w;
    std::memcpy(&w, p + i, 8);
    if (w != 0) break;
  }
  for (; i < n; ++i) {
    if (p[i] != 0) return i;
  }
  return n;
}

// One past the last non-zero byte of [p, p + n), or 0.
size_t LastNonZeroEnd(const char* p, size_t n) {
  while (n > 0 && p[n - 1] == 0) --n;
  return n;
}

LogTail ComputeTail(store::CommitLog& log, int64_t end) {
  LogTail tail;
  const auto uend = static_cast<uint64_t>(end);
  for (const auto& seg : log.segments().Segments()) {
    if (seg->end_offset() <= uend) continue;
    size_t from = seg->start_offset() < uend ? static_cast<size_t>(uend - seg->start_offset()) : 0;
    // Past DataEnd the file holds only never-written zeros.
    auto data_end = seg->file().DataEnd();
    size_t limit = data_end.ok() ? std::min<size_t>(*data_end, seg->size()) : seg->size();
    size_t first = from < limit ? from + FirstNonZero(seg->data() + from, limit - from) : limit;
    if (first >= limit) {
      tail.zero_bytes += static_cast<int64_t>(seg->size() - from);
      if (from == 0 && seg->start_offset() >= uend) tail.zero_files.push_back(seg->path());
      continue;
    }
    size_t last = first + LastNonZeroEnd(seg->data() + first, limit - first);
    // A partly written record starts right at the data end, even when its first bytes are 0.
    size_t begin = tail.first_nonzero < 0 && seg->start_offset() <= uend ? from : first;
    if (tail.first_nonzero < 0) {
      tail.first_nonzero = static_cast<int64_t>(seg->start_offset() + begin);
    }
    tail.nonzero_span = static_cast<int64_t>(seg->start_offset() + last) - tail.first_nonzero;
    tail.zero_bytes += static_cast<int64_t>((seg->size() - from) - (last - begin));
  }
  return tail;
}

}  // namespace

Result<SegmentDir> ListSegments(store::FileSystem& fs, const std::string& dir,
                                uint64_t entry_size) {
  SegmentDir out;
  out.dir = dir;
  ORBIT_ASSIGN_OR_RETURN(auto names, fs.List(dir));
  for (const auto& name : names) {
    std::string path = store::JoinPath(dir, name);
    auto start = store::ParseSegmentFileName(name);
    if (!start.ok() || fs.IsDirectory(path)) {
      out.strays.push_back(name);
      continue;
    }
    ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(path, store::OpenMode::kReadOnly));
    ORBIT_ASSIGN_OR_RETURN(uint64_t size, file->Size());
    out.files.push_back(SegmentFile{name, path, *start, size});
  }
  std::sort(out.files.begin(), out.files.end(),
            [](const SegmentFile& a, const SegmentFile& b) { return a.start < b.start; });
  if (out.files.empty()) return out;

  uint64_t size = out.files.front().size;
  for (const auto& f : out.files) {
    if (f.size != size) {
      out.problems.push_back("files differ in size: " + out.files.front().name + " is " +
                             std::to_string(size) + " bytes, " + f.name + " is " +
                             std::to_string(f.size));
      return out;
    }
  }
  if (size == 0 || size % entry_size != 0) {
    out.problems.push_back("file size " + std::to_string(size) + " is not a positive multiple of " +
                           std::to_string(entry_size));
    return out;
  }
  for (size_t i = 0; i < out.files.size(); ++i) {
    const auto& f = out.files[i];
    if (f.start % size != 0) {
      out.problems.push_back(f.name + " does not start at a multiple of the file size " +
                             std::to_string(size));
    }
    if (i > 0 && out.files[i - 1].start + size < f.start) {
      out.gaps.emplace_back(out.files[i - 1].start + size, f.start);
    }
  }
  if (out.problems.empty()) out.segment_size = size;
  return out;
}

Result<CheckpointValues> ReadCheckpoint(store::FileSystem& fs, const std::string& path) {
  if (!fs.Exists(path)) return NotFound("no checkpoint file");
  ORBIT_ASSIGN_OR_RETURN(std::string data, store::ReadWholeFile(fs, path));
  if (data.size() < 24) {
    return Malformed("checkpoint is " + std::to_string(data.size()) + " bytes, expected 4096");
  }
  CheckpointValues v;
  v.physic_timestamp = static_cast<int64_t>(LoadU64(data.data()));
  v.logics_timestamp = static_cast<int64_t>(LoadU64(data.data() + 8));
  v.index_timestamp = static_cast<int64_t>(LoadU64(data.data() + 16));
  return v;
}

bool IsDispatched(int32_t sys_flag) { return store::HasConsumeQueueEntry(sys_flag); }

RecordInfo GetRecordInfo(int64_t offset, std::string_view bytes,
                         const protocol::RecordLayout& layout) {
  using protocol::RecordLayout;
  const char* p = bytes.data();
  RecordInfo r;
  r.offset = offset;
  r.size = static_cast<int32_t>(layout.total_size);
  r.queue_id = static_cast<int32_t>(LoadU32(p + RecordLayout::kQueueIdPos));
  r.queue_offset = static_cast<int64_t>(LoadU64(p + RecordLayout::kQueueOffsetPos));
  r.sys_flag = layout.sys_flag;
  r.store_timestamp = static_cast<int64_t>(LoadU64(p + layout.store_timestamp_pos));
  r.topic = bytes.substr(layout.topic_pos, layout.topic_size);
  r.properties = bytes.substr(layout.properties_pos, layout.properties_size);
  return r;
}

Result<RecordInfo> RecordAt(const store::CommitLog& log, int64_t offset) {
  ORBIT_ASSIGN_OR_RETURN(store::SelectedRange range, log.ReadFrom(offset));
  protocol::RecordLayout layout;
  ORBIT_RETURN_IF_ERROR(store::CheckRecord(range.view(), offset, false, &layout));
  // The segment stays mapped while the log holds it, so the views outlive `range`.
  return GetRecordInfo(offset, range.view().substr(0, layout.total_size), layout);
}

std::string DescribeLogOffset(uint64_t segment_size, int64_t offset) {
  if (segment_size == 0 || offset < 0) return "offset " + std::to_string(offset);
  uint64_t off = static_cast<uint64_t>(offset);
  return "commitlog/" + store::SegmentFileName(off / segment_size * segment_size) + " position " +
         std::to_string(off % segment_size);
}

Result<OpenedLog> OpenCommitLog(store::FileSystem& fs, const std::string& store_dir) {
  std::string dir = store::JoinPath(store_dir, "commitlog");
  if (!fs.IsDirectory(dir)) {
    return NotFound(store_dir + " is not a store: it has no commitlog directory");
  }
  OpenedLog opened;
  ORBIT_ASSIGN_OR_RETURN(opened.files, ListSegments(fs, dir, 1));
  if (!opened.files.problems.empty()) return opened;
  store::CommitLogOptions options;
  options.segment_size =
      opened.files.segment_size != 0 ? opened.files.segment_size : options.segment_size;
  opened.log = std::make_unique<store::CommitLog>(fs, dir, options);
  ORBIT_RETURN_IF_ERROR(opened.log->Load());
  return opened;
}

LogWalk WalkLog(store::CommitLog& log, const LogEvents& events) {
  LogWalk walk;
  int64_t expected = log.MinOffset();
  // Accounts for the bytes [expected, upto) the scan stepped over: fillers closing a file, the
  // few bytes at a file end too short for a filler, or a corrupt region.
  auto settle = [&](int64_t upto) {
    while (expected < upto) {
      auto seg = log.segments().Find(static_cast<uint64_t>(expected));
      if (seg == nullptr) return;
      size_t pos = static_cast<size_t>(static_cast<uint64_t>(expected) - seg->start_offset());
      int64_t seg_end = static_cast<int64_t>(seg->end_offset());
      if (seg_end <= upto) {
        if (pos + 8 > seg->size()) {
          expected = seg_end;
          continue;
        }
        auto total = static_cast<int32_t>(LoadU32(seg->data() + pos));
        if (LoadU32(seg->data() + pos + 4) == protocol::kBlankMagicCode && total > 0 &&
            pos + static_cast<size_t>(total) == seg->size()) {
          ++walk.fillers;
          if (events.filler) events.filler(expected, total);
          expected = seg_end;
          continue;
        }
      }
      if (events.corrupt) events.corrupt(expected, upto);
      expected = upto;
    }
  };
  // Every byte counts as durable: invalid bytes followed by valid records are always reported as
  // a corrupt region (recovery after a power loss may instead end the log there).
  walk.scan = log.Scan(log.MinOffset(), true, INT64_MAX, [&](const store::ScannedRecord& rec) {
    settle(rec.offset);
    walk.record_bytes += static_cast<int64_t>(rec.bytes.size());
    if (events.record) events.record(rec);
    expected = rec.offset + static_cast<int64_t>(rec.bytes.size());
  });
  settle(walk.scan.end_offset);
  walk.tail = ComputeTail(log, walk.scan.end_offset);
  return walk;
}

}  // namespace orbit::store_tool
