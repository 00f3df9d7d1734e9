#pragma once

// FaultFileSystem: an in-memory FileSystem for crash and error tests of the store. A test runs a
// store on it, calls Crash() to simulate a power loss or a killed process at that moment, then
// opens a new store on the same FaultFileSystem and checks what survived. It can also fail the
// next N calls of a kind with EIO or ENOSPC, and model a disk of a given capacity.
//
// Model of each file:
// - `current` content: what every reader sees (the page cache). File::Write and writes through a
//   MappedRegion change only this.
// - `durable` content: what survives a power loss. File::Sync copies the whole current content
//   into it; MappedRegion::Sync(offset, length) copies exactly that byte range (not whole pages,
//   so that a sync never reads bytes another thread may be writing).
// - A File::Write past the end grows the current size only; the durable size follows on Sync.
// Simplifications (documented contract, relied on by tests):
// - Metadata is durable at once: creating, renaming and removing files and directories, and size
//   changes by Truncate, Allocate and opening with kCreateAlways. SyncDir only counts calls (and
//   can be failed by injection). Rename is atomic, as WriteFileAtomically needs.
// - Capacity counts the sizes of the files that have a name; a removed file still open or mapped
//   frees its space at once. Writes inside a file's current size never fail for lack of space.
// - A file's bytes live in one heap buffer at a fixed address, shared with its mappings. A file
//   that is mapped cannot grow beyond that buffer: Write, Truncate or Allocate that would need a
//   larger buffer fail with kIoError (store segments are allocated to full size before mapping).
//   Truncating a mapped file below the mapping zeroes the bytes instead of raising SIGBUS.
// - DataEnd is the end of the last non-zero byte of either the current or the durable content,
//   rounded up to 4096 and capped at the size: past it the file holds only zeros in both.
// - ModifiedTimeMs comes from the clock given to the constructor, set when a file is created and
//   by Write, Sync, Truncate, Allocate and MappedRegion::Sync (writes through a mapping alone do
//   not change it). SetModifiedTimeMs overrides it.
// - Directories are explicit: CreateDirs makes them, and creating a file needs its parent to
//   exist (NotFound otherwise), as on POSIX. "/" and "." always exist. Paths are normalized
//   ("a//b/./c/" is "a/b/c"); ".." is not resolved.
// - Lock is exclusive per file (not per process): a second Lock of the same file fails with
//   kIoError until the first FileLock is destroyed.
//
// Crash(mode, seed) decides, for every file, what of its unsynced changes survives (see
// CrashMode), gives each file a fresh buffer holding that content, and kills every File,
// MappedRegion and FileLock obtained before: their calls fail with kIoError ("file system
// crashed"), their locks are released, and writes through old mappings land in memory that no
// longer belongs to any file. Crash reads every file's current bytes, so writers should be
// stopped (or at least not write through mappings) while it runs: bytes written concurrently
// with Crash may or may not be part of the post-crash content, and that is a data race.
// Injected-fault rules, the capacity and the counters carry over a Crash.
//
// Thread safety: all calls are thread-safe and serialized by one mutex, except the memory of a
// mapping, which is accessed without it: writers of disjoint ranges of a mapping may run
// concurrently with each other and with MappedRegion::Sync or File::Read of other ranges. Handles
// may outlive the FaultFileSystem.

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/file_system.h"

namespace orbit {
class Clock;
}

namespace orbit::store {

enum class CrashMode {
  // Only the process dies: the current content survives (the page cache outlives the process).
  // Unsynced changes stay unsynced: a later kPowerLoss can still drop them.
  kProcessKill,
  // Every file goes back to its durable content.
  kPowerLoss,
  // Per file, the changed bytes (current differs from durable, or lies past the durable size)
  // survive up to a cut point chosen at random in [first changed byte, last changed byte + 1],
  // and are dropped after it: a torn last write. A file grown by writes ends at the cut.
  kTornWrite,
  // Each 4 KiB page holding a changed byte survives or is dropped independently (half odds).
  kRandomPages,
};

// The kinds of calls error injection can fail.
enum class FaultOp {
  kOpen,        // FileSystem::Open, every mode
  kRead,        // File::Read
  kWrite,       // File::Write
  kSync,        // File::Sync and MappedRegion::Sync
  kAllocate,    // File::Allocate
  kTruncate,    // File::Truncate
  kMap,         // File::Map
  kRename,      // FileSystem::Rename (either path may match)
  kRemove,      // FileSystem::Remove
  kSyncDir,     // FileSystem::SyncDir
  kCreateDirs,  // FileSystem::CreateDirs
  kLock,        // FileSystem::Lock
};

struct FaultStats {
  uint64_t syncs = 0;         // successful File::Sync and MappedRegion::Sync calls
  uint64_t synced_bytes = 0;  // bytes they covered (a File::Sync covers the whole file)
  uint64_t dir_syncs = 0;     // successful SyncDir calls
  uint64_t injected_failures = 0;
  uint64_t crashes = 0;
};

namespace internal {
class FaultState;
}

class FaultFileSystem final : public FileSystem {
 public:
  static constexpr uint64_t kDefaultCapacity = uint64_t{1} << 40;  // 1 TiB

  // `clock` (not owned, must outlive the file system and its handles) gives modification times;
  // null means Clock::System().
  explicit FaultFileSystem(const Clock* clock = nullptr);
  ~FaultFileSystem() override;
  FaultFileSystem(const FaultFileSystem&) = delete;
  FaultFileSystem& operator=(const FaultFileSystem&) = delete;

  // FileSystem.
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override;
  bool Exists(const std::string& path) override;
  bool IsDirectory(const std::string& path) override;
  Result<std::vector<std::string>> List(const std::string& dir) override;
  Status CreateDirs(const std::string& path) override;
  Status Remove(const std::string& path) override;
  Status Rename(const std::string& from, const std::string& to) override;
  Status SyncDir(const std::string& dir) override;
  // From the capacity model: total = capacity, available = capacity - UsedBytes().
  Result<DiskSpace> Space(const std::string& path) override;
  Result<int64_t> ModifiedTimeMs(const std::string& path) override;
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override;

  // Simulates the moment of failure for every file (see the file comment and CrashMode). `seed`
  // makes the random choices of kTornWrite and kRandomPages reproducible.
  void Crash(CrashMode mode, uint64_t seed = 0);

  // Fails the next `count` calls of kind `op` (on paths containing `path_contains`, when not
  // empty) with ErrnoStatus(err, ...): EIO gives kIoError, ENOSPC kDiskFull. A failed call
  // changes nothing. Rules are checked in the order added.
  void FailNext(FaultOp op, int err, int count = 1, std::string path_contains = {});
  // Fails every such call until ClearFaults.
  void FailAlways(FaultOp op, int err, std::string path_contains = {});
  void ClearFaults();

  // Allocate and growing Writes that would make the sum of file sizes exceed `total_bytes` fail
  // with kDiskFull. Lowering it below the bytes in use is allowed (nothing is removed).
  void SetCapacity(uint64_t total_bytes);
  uint64_t UsedBytes() const;

  // What a power loss now would leave of `path`. NotFound when there is no such file.
  Result<std::string> DurableContent(const std::string& path) const;
  Status SetModifiedTimeMs(const std::string& path, int64_t ms);
  FaultStats stats() const;

 private:
  std::shared_ptr<internal::FaultState> state_;
};

}  // namespace orbit::store
