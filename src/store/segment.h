#pragma once

// Fixed-size, mapped segment files named by their start offset (20 digits), and the ordered
// queue of them that makes one logical log: the commit log (1 GiB segments) and each consume
// queue (6,000,000-byte segments) are SegmentQueues. Apache calls these MappedFile and
// MappedFileQueue; the files are the same.
//
// Positions: `write_pos` is how far data has been written (and is visible to readers);
// `flushed_pos` how far it is durable. Both only grow, except when recovery truncates.
// Threads: one writer per queue at a time (the caller's own serialization); readers, the flusher
// and the cleaner run concurrently with it.

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/file_system.h"

namespace orbit::store {

inline constexpr size_t kOsPageSize = 4096;

// A segment being created is sized under its name plus this suffix, then renamed.
inline constexpr std::string_view kCreatingSuffix = ".creating";

// "00000000001073741824" for 1073741824.
std::string SegmentFileName(uint64_t start_offset);
// The offset a 20-digit segment name stands for; InvalidArgument for any other name.
Result<uint64_t> ParseSegmentFileName(std::string_view name);

class Segment {
 public:
  // Opens (or with `create`, creates and allocates) the file and maps it whole. Creation is
  // atomic: the file appears under `path` only at its full size, and the directory is synced.
  // `random_access`: see MappedRegion::AdviseRandomAccess.
  static Result<std::shared_ptr<Segment>> Open(FileSystem& fs, const std::string& path,
                                               uint64_t start_offset, size_t size, bool create,
                                               bool random_access = false);

  uint64_t start_offset() const { return start_offset_; }
  uint64_t end_offset() const { return start_offset_ + size_; }
  size_t size() const { return size_; }
  const std::string& path() const { return path_; }
  File& file() { return *file_; }

  char* data() { return region_->data(); }
  const char* data() const { return region_->data(); }

  size_t write_pos() const { return write_pos_.load(std::memory_order_acquire); }
  void set_write_pos(size_t pos) { write_pos_.store(pos, std::memory_order_release); }
  size_t flushed_pos() const { return flushed_pos_.load(std::memory_order_acquire); }
  void set_flushed_pos(size_t pos) { flushed_pos_.store(pos, std::memory_order_release); }
  bool full() const { return write_pos() >= size_; }

  // Syncs [flushed_pos, write_pos) when at least `least_pages` pages of it are dirty (0: any
  // amount); returns the new flushed position.
  Result<size_t> Flush(int least_pages);

  // Faults pages in ahead of the writer (see MappedRegion::Prefault).
  void Prefault(size_t offset, size_t length) { (void)region_->Prefault(offset, length); }

  // Zeroes [pos, size) and makes it durable; write and flushed positions become `pos`.
  Status TruncateTo(size_t pos);

 private:
  Segment(std::string path, uint64_t start, size_t size, std::unique_ptr<File> file,
          std::unique_ptr<MappedRegion> region);

  const std::string path_;
  const uint64_t start_offset_;
  const size_t size_;
  std::unique_ptr<File> file_;
  std::unique_ptr<MappedRegion> region_;
  std::atomic<size_t> write_pos_{0};
  std::atomic<size_t> flushed_pos_{0};
};

class SegmentQueue {
 public:
  // `random_access`: segments are mapped without readahead (MappedRegion::AdviseRandomAccess).
  SegmentQueue(FileSystem& fs, std::string dir, size_t segment_size, bool random_access = false);

  const std::string& dir() const { return dir_; }
  size_t segment_size() const { return segment_size_; }

  // Maps every segment in the directory. A name that is not 20 digits is skipped with a warning;
  // a file whose size differs from segment_size is an error (as in Apache: the wrong config).
  // Positions are set to the full size; recovery lowers them with Truncate.
  Status Load();

  // Segments in order (a snapshot; holding one keeps its mapping alive).
  std::vector<std::shared_ptr<Segment>> Segments() const;
  std::shared_ptr<Segment> Last() const;
  std::shared_ptr<Segment> First() const;
  // The segment holding `offset`, or null.
  std::shared_ptr<Segment> Find(uint64_t offset) const;
  bool empty() const;

  // The segment to append at `offset`: the last one, or a new one starting at `offset` (which
  // must then be a multiple of segment_size) when there is none or the last is full.
  Result<std::shared_ptr<Segment>> LastForWrite(uint64_t offset);
  // The same with one lock for the common case: the last segment when it is not full, else a
  // new one at the end of the last (at 0 when there is none).
  Result<std::shared_ptr<Segment>> LastForAppend();

  // First offset still held, 0 when empty.
  uint64_t MinOffset() const;
  // End of the written data (last segment's start + write_pos), 0 when empty.
  uint64_t MaxOffset() const;
  // How far everything is durable.
  uint64_t FlushedOffset() const { return flushed_where_.load(std::memory_order_acquire); }
  void SetFlushedOffset(uint64_t offset) {
    flushed_where_.store(offset, std::memory_order_release);
  }

  // Flushes from the flushed offset on: the segment it lies in, and any later full segments.
  // Returns true when something was synced. Thread: one flusher at a time.
  Result<bool> Flush(int least_pages);

  // Sets the end of data to `offset`: segments starting after it are removed, the one holding it
  // is zeroed past it. Positions of earlier segments become full.
  Status Truncate(uint64_t offset);

  // Removes every segment that ends at or before `offset` (retention). Returns the count.
  Result<int> DeleteBefore(uint64_t offset);
  // Removes the first segment (retention by age); its path is returned.
  Result<std::string> DeleteFirst();
  // Removes all segments and the directory's files.
  Status DestroyAll();

 private:
  FileSystem& fs_;
  const std::string dir_;
  const size_t segment_size_;
  const bool random_access_;
  mutable Mutex mu_;
  std::vector<std::shared_ptr<Segment>> segments_ ORBIT_GUARDED_BY(mu_);
  std::atomic<uint64_t> flushed_where_{0};
};

}  // namespace orbit::store
