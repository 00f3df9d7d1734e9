#pragma once

// Every byte the store reads or writes goes through this interface, so that tests can swap the
// real POSIX file system for FaultFileSystem (store/fault_file_system.h), which loses unsynced
// data on a simulated power loss, tears the last write and fails calls with EIO or ENOSPC.
//
// Model (what the store relies on, and what the fault file system simulates):
// - Data written with File::Write or through a MappedRegion is visible to every reader at once
//   (the page cache) and survives the process being killed, but not a power loss, until a
//   File::Sync or MappedRegion::Sync covering it returns Ok.
// - Creating, renaming and removing files are durable once SyncDir on the parent returns.
// - File::Allocate reserves the space of a file up front, so that writes through a mapping can
//   never run out of disk: a full disk shows up as ENOSPC from Allocate, never as SIGBUS.
//
// Thread safety: a FileSystem is thread-safe. A File may be used from several threads for
// reads; writes to disjoint ranges may run concurrently with reads of other ranges.

#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace orbit::store {

// A shared read-write mapping of bytes [0, size()) of one file. Stays valid (and keeps its memory
// mapped) until destroyed, even if the file is removed meanwhile.
class MappedRegion {
 public:
  virtual ~MappedRegion() = default;
  virtual char* data() = 0;
  virtual const char* data() const = 0;
  virtual size_t size() const = 0;
  // Makes [offset, offset + length) durable (msync MS_SYNC). kIoError on failure; the bytes'
  // durability is then unknown.
  virtual Status Sync(size_t offset, size_t length) = 0;
  // Faults [offset, offset + length) in, writable, without changing it (MADV_POPULATE_WRITE), so
  // that later writes there do not stop on page faults. A hint: Ok when unsupported.
  virtual Status Prefault(size_t offset, size_t length) {
    (void)offset;
    (void)length;
    return Status::Ok();
  }
  // Tells the kernel that faults here should bring in only the page touched (MADV_RANDOM): no
  // readahead. For files written and read a few bytes at a time in many places (consume queues,
  // index files): readahead of a new file's unwritten blocks zero-fills pages nobody asked for,
  // and on this machine's VMs that is the dearest part of a page fault. A hint.
  virtual void AdviseRandomAccess() {}
};

class File {
 public:
  virtual ~File() = default;
  virtual const std::string& path() const = 0;
  virtual Result<uint64_t> Size() const = 0;
  // Reads up to `length` bytes at `offset` (fewer at end of file); returns the count read.
  virtual Result<size_t> Read(uint64_t offset, size_t length, char* out) const = 0;
  // Writes all of `data` at `offset`, growing the file if needed.
  virtual Status Write(uint64_t offset, std::string_view data) = 0;
  // fdatasync: everything written to this file so far becomes durable.
  virtual Status Sync() = 0;
  virtual Status Truncate(uint64_t size) = 0;
  // Grows the file to at least `size` bytes of zeros with the blocks reserved (posix_fallocate).
  // kDiskFull when the disk has no room.
  virtual Status Allocate(uint64_t size) = 0;
  // An offset past which the file is known to hold only zeros that were never written (holes,
  // unwritten extents); the file size when the file system cannot tell.
  virtual Result<uint64_t> DataEnd() const { return Size(); }
  // Maps [0, size) shared and writable; `size` must not exceed the file's size.
  virtual Result<std::unique_ptr<MappedRegion>> Map(size_t size) = 0;
  // The OS descriptor for sendfile(2), or -1 when the file is not a real one.
  virtual int native_handle() const { return -1; }
};

enum class OpenMode {
  kReadOnly,      // must exist
  kReadWrite,     // must exist
  kCreate,        // read-write, created empty when missing
  kCreateAlways,  // read-write, created or truncated to empty
};

struct DiskSpace {
  uint64_t total_bytes = 0;
  uint64_t available_bytes = 0;
  // Fraction of the disk in use, 0..1.
  double used_ratio() const {
    return total_bytes == 0 ? 0.0 : 1.0 - double(available_bytes) / double(total_bytes);
  }
};

// An exclusive lock on a file, released when destroyed.
class FileLock {
 public:
  virtual ~FileLock() = default;
};

class FileSystem {
 public:
  virtual ~FileSystem() = default;

  // The process-wide POSIX implementation.
  static FileSystem* Default();

  virtual Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) = 0;
  virtual bool Exists(const std::string& path) = 0;
  virtual bool IsDirectory(const std::string& path) = 0;
  // Names (not paths) of the entries of `dir`, sorted. NotFound when `dir` does not exist.
  virtual Result<std::vector<std::string>> List(const std::string& dir) = 0;
  // mkdir -p.
  virtual Status CreateDirs(const std::string& path) = 0;
  // Removes a file or an empty directory; Ok when it does not exist.
  virtual Status Remove(const std::string& path) = 0;
  virtual Status Rename(const std::string& from, const std::string& to) = 0;
  // fsync of a directory: entries created, renamed or removed in it become durable.
  virtual Status SyncDir(const std::string& dir) = 0;
  virtual Result<DiskSpace> Space(const std::string& path) = 0;
  // Last modification time of a file, ms since the epoch.
  virtual Result<int64_t> ModifiedTimeMs(const std::string& path) = 0;
  // Takes an exclusive lock on `path` (created when missing); kIoError when another process or
  // another FileLock of this process holds it.
  virtual Result<std::unique_ptr<FileLock>> Lock(const std::string& path) = 0;
};

// Helpers built on the interface.

// Path join with one '/'.
std::string JoinPath(std::string_view dir, std::string_view name);
// The directory part of `path` ("." when none).
std::string ParentPath(std::string_view path);

Result<std::string> ReadWholeFile(FileSystem& fs, const std::string& path);

// Replaces `path` with `content` so that a crash at any moment leaves either the old or the new
// content: write <path>.tmp, sync it, copy the old file to <path>.bak, rename, sync the directory.
Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view content);

// Removes `dir` and everything below it; Ok when it does not exist.
Status RemoveRecursively(FileSystem& fs, const std::string& dir);

// A Status for a failed system call: kDiskFull for ENOSPC/EDQUOT, else kIoError, with the
// operation, the path and strerror in the message.
Status ErrnoStatus(int err, std::string_view op, std::string_view path);

}  // namespace orbit::store
