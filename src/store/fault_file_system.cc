// FaultFileSystem: the in-memory, fault-injecting file system (see the header for the model).
//
// Layout: every file is a FaultNode holding two zero-filled heap buffers, `current` (shared with
// its mappings, never moved while mapped) and `durable`. All state is guarded by FaultState::mu;
// handles keep the FaultState and their node alive through shared_ptrs, plus the crash epoch at
// which they were made, so that a Crash (which bumps the epoch and replaces every node) kills
// them. Invariant: durable_size <= size, and bytes of a buffer past its file's size are zero.

#include "store/fault_file_system.h"

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <map>
#include <new>
#include <random>

#include "base/clock.h"
#include "base/thread_annotations.h"

namespace orbit::store {
namespace internal {

constexpr size_t kFaultPage = 4096;
// Larger offsets fail with EFBIG, so that size arithmetic cannot overflow.
constexpr uint64_t kFaultMaxFileSize = uint64_t{1} << 48;

// Zero-filled heap memory at a fixed address. calloc leaves pages never written unbacked, and the
// copies below skip all-zero pages, so a large, mostly empty segment costs little memory.
class FaultBuffer {
 public:
  // Null when the memory cannot be had.
  static std::shared_ptr<FaultBuffer> Create(size_t capacity) {
    void* bytes = std::calloc(std::max<size_t>(capacity, 1), 1);
    if (bytes == nullptr) return nullptr;
    return std::shared_ptr<FaultBuffer>(new FaultBuffer(static_cast<char*>(bytes), capacity));
  }
  ~FaultBuffer() { std::free(bytes_); }
  FaultBuffer(const FaultBuffer&) = delete;
  FaultBuffer& operator=(const FaultBuffer&) = delete;

  char* data() { return bytes_; }
  const char* data() const { return bytes_; }
  size_t capacity() const { return capacity_; }

 private:
  FaultBuffer(char* bytes, size_t capacity) : bytes_(bytes), capacity_(capacity) {}
  char* const bytes_;
  const size_t capacity_;
};

// One file. Every field is guarded by the owning FaultState::mu (not expressible as an
// annotation here; only FaultState methods that require the mutex and callers holding it touch
// them).
struct FaultNode {
  std::shared_ptr<FaultBuffer> current;
  size_t size = 0;
  std::shared_ptr<FaultBuffer> durable;
  size_t durable_size = 0;
  int64_t mtime_ms = 0;
  int maps = 0;  // live MappedRegions of `current`
  bool locked = false;
};

struct FaultRule {
  FaultOp op;
  int err;
  int remaining;  // < 0: until cleared
  std::string path_contains;
};

namespace {

bool IsZero(const char* p, size_t n) {
  return n == 0 || (p[0] == 0 && std::memcmp(p, p + 1, n - 1) == 0);
}

// Page-sized pieces of [begin, end), aligned to page boundaries.
template <typename Fn>
void ForEachPage(size_t begin, size_t end, Fn fn) {
  while (begin < end) {
    size_t piece_end = std::min(end, (begin / kFaultPage + 1) * kFaultPage);
    fn(begin, piece_end);
    begin = piece_end;
  }
}

// dst[begin, end) = src[begin, end), leaving pages that are zero in both untouched. Reads only
// that range of `src` (a mapping's other bytes may be in use by other threads).
void CopyRange(char* dst, const char* src, size_t begin, size_t end) {
  ForEachPage(begin, end, [&](size_t b, size_t e) {
    if (!IsZero(src + b, e - b)) {
      std::memcpy(dst + b, src + b, e - b);
    } else if (!IsZero(dst + b, e - b)) {
      std::memset(dst + b, 0, e - b);
    }
  });
}

void ZeroRange(char* p, size_t begin, size_t end) {
  ForEachPage(begin, end, [&](size_t b, size_t e) {
    if (!IsZero(p + b, e - b)) std::memset(p + b, 0, e - b);
  });
}

// One past the last non-zero byte of p[0, n), 0 when all are zero.
size_t LastNonZeroEnd(const char* p, size_t n) {
  size_t end = n;
  while (end > 0) {
    size_t begin = (end - 1) / kFaultPage * kFaultPage;
    if (!IsZero(p + begin, end - begin)) {
      while (p[end - 1] == 0) --end;
      return end;
    }
    end = begin;
  }
  return 0;
}

// First index in [0, n) where a and b differ, n when none.
size_t FirstDiff(const char* a, const char* b, size_t n) {
  for (size_t begin = 0; begin < n; begin += kFaultPage) {
    size_t len = std::min(kFaultPage, n - begin);
    if (std::memcmp(a + begin, b + begin, len) == 0) continue;
    for (size_t i = begin;; ++i) {
      if (a[i] != b[i]) return i;
    }
  }
  return n;
}

// One past the last index in [0, n) where a and b differ, 0 when none.
size_t LastDiffEnd(const char* a, const char* b, size_t n) {
  size_t end = n;
  while (end > 0) {
    size_t begin = (end - 1) / kFaultPage * kFaultPage;
    if (std::memcmp(a + begin, b + begin, end - begin) != 0) {
      while (a[end - 1] == b[end - 1]) --end;
      return end;
    }
    end = begin;
  }
  return 0;
}

std::shared_ptr<FaultBuffer> MustCreate(size_t capacity) {
  auto buffer = FaultBuffer::Create(capacity);
  if (buffer == nullptr) throw std::bad_alloc();
  return buffer;
}

std::shared_ptr<FaultBuffer> CopyOf(const FaultBuffer& src, size_t n, size_t capacity) {
  auto out = MustCreate(capacity);
  CopyRange(out->data(), src.data(), 0, n);
  return out;
}

// What of `node` survives a crash in `mode`: a fresh node (fresh buffers, no maps, no lock).
std::shared_ptr<FaultNode> CrashedCopy(const FaultNode& node, CrashMode mode,
                                       std::mt19937_64& rng) {
  auto out = std::make_shared<FaultNode>();
  out->mtime_ms = node.mtime_ms;
  const char* cur = node.current->data();
  const char* dur = node.durable->data();
  const size_t size = node.size;
  const size_t dsize = node.durable_size;  // <= size
  if (mode == CrashMode::kProcessKill) {
    out->current = CopyOf(*node.current, size, size);
    out->size = size;
    out->durable = CopyOf(*node.durable, dsize, dsize);
    out->durable_size = dsize;
    return out;
  }
  auto result = MustCreate(size);
  CopyRange(result->data(), dur, 0, dsize);
  size_t len = dsize;
  if (mode == CrashMode::kTornWrite) {
    // Changed bytes: those differing from the durable content, and all past the durable size.
    size_t lo = FirstDiff(cur, dur, dsize);
    size_t hi = size > dsize ? size : LastDiffEnd(cur, dur, dsize);
    if (lo < hi) {
      size_t cut = lo + static_cast<size_t>(rng() % (hi - lo + 1));
      CopyRange(result->data(), cur, lo, cut);
      len = std::max(len, cut);
    }
  } else if (mode == CrashMode::kRandomPages) {
    ForEachPage(0, size, [&](size_t b, size_t e) {
      bool changed = e > dsize || std::memcmp(cur + b, dur + b, e - b) != 0;
      if (changed && (rng() & 1) != 0) {
        CopyRange(result->data(), cur, b, e);
        len = std::max(len, e);
      }
    });
  }
  out->durable = CopyOf(*result, len, len);
  out->durable_size = len;
  out->current = std::move(result);
  out->size = len;
  return out;
}

}  // namespace

class FaultState {
 public:
  explicit FaultState(const Clock& clock) : clock_(clock) {}

  int64_t Now() const { return clock_.NowMillis(); }

  Status CheckAlive(uint64_t handle_epoch, const std::string& path) const ORBIT_REQUIRES(mu) {
    if (handle_epoch == epoch) return Status::Ok();
    return Status(ErrorCode::kIoError,
                  "file system crashed: the handle of " + path + " died with it");
  }

  // The injected failure for this call, if a rule matches (`path` or `other`).
  Status Inject(FaultOp op, std::string_view what, std::string_view path,
                std::string_view other = {}) ORBIT_REQUIRES(mu) {
    for (auto it = rules.begin(); it != rules.end(); ++it) {
      if (it->op != op || it->remaining == 0) continue;
      if (!it->path_contains.empty() && path.find(it->path_contains) == std::string_view::npos &&
          other.find(it->path_contains) == std::string_view::npos) {
        continue;
      }
      int err = it->err;
      if (it->remaining > 0 && --it->remaining == 0) rules.erase(it);
      ++stats.injected_failures;
      return ErrnoStatus(err, std::string(what) + " (injected fault)", path);
    }
    return Status::Ok();
  }

  uint64_t Used() const ORBIT_REQUIRES(mu) {
    uint64_t used = 0;
    for (const auto& [path, node] : files) used += node->size;
    return used;
  }

  Status CheckSpace(uint64_t grow_by, std::string_view what, std::string_view path) const
      ORBIT_REQUIRES(mu) {
    uint64_t used = Used();
    if (used > capacity || grow_by > capacity - used) return ErrnoStatus(ENOSPC, what, path);
    return Status::Ok();
  }

  bool IsDir(const std::string& path) const ORBIT_REQUIRES(mu) {
    return path == "/" || path == "." || dirs.count(path) != 0;
  }

  std::shared_ptr<FaultNode> FindFile(const std::string& path) const ORBIT_REQUIRES(mu) {
    auto it = files.find(path);
    return it == files.end() ? nullptr : it->second;
  }

  std::shared_ptr<FaultNode> NewNode() const {
    auto node = std::make_shared<FaultNode>();
    node->current = MustCreate(0);
    node->durable = MustCreate(0);
    node->mtime_ms = Now();
    return node;
  }

  // Sets the current size; growing past the buffer moves the bytes to a larger one, which a
  // mapped file cannot do. `exact` sizes the new buffer to fit (Allocate, Truncate); otherwise it
  // at least doubles (appending writes).
  Status ResizeCurrent(FaultNode& node, size_t new_size, bool exact, const std::string& path)
      ORBIT_REQUIRES(mu) {
    if (new_size > node.current->capacity()) {
      if (node.maps > 0) {
        return Status(ErrorCode::kIoError,
                      "cannot grow " + path + " to " + std::to_string(new_size) +
                          " bytes while it is mapped (allocate it before mapping)");
      }
      size_t capacity =
          exact ? new_size : std::max({new_size, 2 * node.current->capacity(), kFaultPage});
      auto bigger = FaultBuffer::Create(capacity);
      if (bigger == nullptr) return ErrnoStatus(ENOMEM, "grow", path);
      CopyRange(bigger->data(), node.current->data(), 0, node.size);
      node.current = std::move(bigger);
    } else if (new_size < node.size) {
      ZeroRange(node.current->data(), new_size, node.size);
    }
    node.size = new_size;
    return Status::Ok();
  }

  Status ResizeDurable(FaultNode& node, size_t new_size, const std::string& path)
      ORBIT_REQUIRES(mu) {
    if (new_size > node.durable->capacity()) {
      size_t capacity = std::max(new_size, 2 * node.durable->capacity());
      auto bigger = FaultBuffer::Create(capacity);
      if (bigger == nullptr) return ErrnoStatus(ENOMEM, "grow", path);
      CopyRange(bigger->data(), node.durable->data(), 0, node.durable_size);
      node.durable = std::move(bigger);
    } else if (new_size < node.durable_size) {
      ZeroRange(node.durable->data(), new_size, node.durable_size);
    }
    node.durable_size = new_size;
    return Status::Ok();
  }

  // Makes current bytes [begin, end) durable; `end` <= size.
  Status Persist(FaultNode& node, size_t begin, size_t end, const std::string& path)
      ORBIT_REQUIRES(mu) {
    if (begin >= end) return Status::Ok();
    if (end > node.durable_size) ORBIT_RETURN_IF_ERROR(ResizeDurable(node, end, path));
    CopyRange(node.durable->data(), node.current->data(), begin, end);
    node.mtime_ms = Now();
    ++stats.syncs;
    stats.synced_bytes += end - begin;
    return Status::Ok();
  }

  mutable Mutex mu;
  // Bumped by every Crash; handles made at an older epoch are dead.
  uint64_t epoch ORBIT_GUARDED_BY(mu) = 0;
  std::map<std::string, std::shared_ptr<FaultNode>> files ORBIT_GUARDED_BY(mu);
  std::map<std::string, int64_t> dirs ORBIT_GUARDED_BY(mu);  // path → mtime
  std::vector<FaultRule> rules ORBIT_GUARDED_BY(mu);
  uint64_t capacity ORBIT_GUARDED_BY(mu) = FaultFileSystem::kDefaultCapacity;
  FaultStats stats ORBIT_GUARDED_BY(mu);

 private:
  const Clock& clock_;
};

}  // namespace internal

namespace {

using internal::FaultBuffer;
using internal::FaultNode;
using internal::FaultState;

class FaultRegion final : public MappedRegion {
 public:
  FaultRegion(std::shared_ptr<FaultState> state, std::shared_ptr<FaultNode> node,
              std::shared_ptr<FaultBuffer> buffer, size_t size, std::string path, uint64_t epoch)
      : state_(std::move(state)),
        node_(std::move(node)),
        buffer_(std::move(buffer)),
        size_(size),
        path_(std::move(path)),
        epoch_(epoch) {}

  ~FaultRegion() override {
    MutexLock lock(state_->mu);
    --node_->maps;
  }

  char* data() override { return buffer_->data(); }
  const char* data() const override { return buffer_->data(); }
  size_t size() const override { return size_; }

  // Thread: any; takes the file system mutex.
  Status Sync(size_t offset, size_t length) override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    if (length == 0) return Status::Ok();
    if (offset > size_ || length > size_ - offset) {
      return InvalidArgument("msync range outside the mapping of " + path_);
    }
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kSync, "msync", path_));
    // Bytes past a file truncated under the mapping belong to no file.
    size_t end = std::min(offset + length, node_->size);
    return state_->Persist(*node_, std::min(offset, end), end, path_);
  }

 private:
  const std::shared_ptr<FaultState> state_;
  const std::shared_ptr<FaultNode> node_;
  const std::shared_ptr<FaultBuffer> buffer_;  // == node_->current while mapped
  const size_t size_;
  const std::string path_;
  const uint64_t epoch_;
};

class FaultFile final : public File {
 public:
  FaultFile(std::shared_ptr<FaultState> state, std::shared_ptr<FaultNode> node, std::string path,
            uint64_t epoch, bool writable)
      : state_(std::move(state)),
        node_(std::move(node)),
        path_(std::move(path)),
        epoch_(epoch),
        writable_(writable) {}

  const std::string& path() const override { return path_; }

  Result<uint64_t> Size() const override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    return uint64_t{node_->size};
  }

  Result<size_t> Read(uint64_t offset, size_t length, char* out) const override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kRead, "pread", path_));
    if (offset >= node_->size) return size_t{0};
    size_t n = std::min<uint64_t>(length, node_->size - offset);
    std::memcpy(out, node_->current->data() + offset, n);
    return n;
  }

  Status Write(uint64_t offset, std::string_view data) override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    if (!writable_) return ErrnoStatus(EBADF, "pwrite", path_);
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kWrite, "pwrite", path_));
    if (data.empty()) return Status::Ok();
    if (offset > internal::kFaultMaxFileSize ||
        data.size() > internal::kFaultMaxFileSize - offset) {
      return ErrnoStatus(EFBIG, "pwrite", path_);
    }
    size_t end = offset + data.size();
    if (end > node_->size) {
      ORBIT_RETURN_IF_ERROR(state_->CheckSpace(end - node_->size, "pwrite", path_));
      ORBIT_RETURN_IF_ERROR(state_->ResizeCurrent(*node_, end, /*exact=*/false, path_));
    }
    std::memcpy(node_->current->data() + offset, data.data(), data.size());
    node_->mtime_ms = state_->Now();
    return Status::Ok();
  }

  Status Sync() override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kSync, "fdatasync", path_));
    ORBIT_RETURN_IF_ERROR(state_->ResizeDurable(*node_, node_->size, path_));
    CopyAll();
    node_->mtime_ms = state_->Now();
    ++state_->stats.syncs;
    state_->stats.synced_bytes += node_->size;
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    if (!writable_) return ErrnoStatus(EBADF, "ftruncate", path_);
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kTruncate, "ftruncate", path_));
    if (size > internal::kFaultMaxFileSize) return ErrnoStatus(EFBIG, "ftruncate", path_);
    ORBIT_RETURN_IF_ERROR(state_->ResizeCurrent(*node_, size, /*exact=*/true, path_));
    ORBIT_RETURN_IF_ERROR(state_->ResizeDurable(*node_, size, path_));
    node_->mtime_ms = state_->Now();
    return Status::Ok();
  }

  Status Allocate(uint64_t size) override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    if (!writable_) return ErrnoStatus(EBADF, "posix_fallocate", path_);
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kAllocate, "posix_fallocate", path_));
    if (node_->size >= size) return Status::Ok();
    if (size > internal::kFaultMaxFileSize) return ErrnoStatus(EFBIG, "posix_fallocate", path_);
    ORBIT_RETURN_IF_ERROR(state_->CheckSpace(size - node_->size, "posix_fallocate", path_));
    ORBIT_RETURN_IF_ERROR(state_->ResizeCurrent(*node_, size, /*exact=*/true, path_));
    // The reserved zeros are metadata: durable at once.
    ORBIT_RETURN_IF_ERROR(state_->ResizeDurable(*node_, size, path_));
    node_->mtime_ms = state_->Now();
    return Status::Ok();
  }

  Result<uint64_t> DataEnd() const override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    size_t end = std::max(internal::LastNonZeroEnd(node_->current->data(), node_->size),
                          internal::LastNonZeroEnd(node_->durable->data(), node_->durable_size));
    end = (end + internal::kFaultPage - 1) / internal::kFaultPage * internal::kFaultPage;
    return uint64_t{std::min(end, node_->size)};
  }

  Result<std::unique_ptr<MappedRegion>> Map(size_t size) override {
    MutexLock lock(state_->mu);
    ORBIT_RETURN_IF_ERROR(state_->CheckAlive(epoch_, path_));
    if (!writable_) return ErrnoStatus(EACCES, "mmap", path_);
    ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kMap, "mmap", path_));
    if (size == 0 || size > node_->size) {
      return InvalidArgument("cannot map " + std::to_string(size) + " bytes of " + path_ +
                             " (size " + std::to_string(node_->size) + ")");
    }
    ++node_->maps;
    return std::unique_ptr<MappedRegion>(
        std::make_unique<FaultRegion>(state_, node_, node_->current, size, path_, epoch_));
  }

 private:
  void CopyAll() ORBIT_REQUIRES(state_->mu) {
    internal::CopyRange(node_->durable->data(), node_->current->data(), 0, node_->size);
  }

  const std::shared_ptr<FaultState> state_;
  const std::shared_ptr<FaultNode> node_;
  const std::string path_;
  const uint64_t epoch_;
  const bool writable_;
};

class FaultLock final : public FileLock {
 public:
  FaultLock(std::shared_ptr<FaultState> state, std::shared_ptr<FaultNode> node)
      : state_(std::move(state)), node_(std::move(node)) {}
  // After a Crash the node is an old one no file uses any more: clearing it is harmless.
  ~FaultLock() override {
    MutexLock lock(state_->mu);
    node_->locked = false;
  }

 private:
  const std::shared_ptr<FaultState> state_;
  const std::shared_ptr<FaultNode> node_;
};

// "a//b/./c/" → "a/b/c"; "/" stays; "" → ".". ".." is kept as a name.
std::string Normalize(std::string_view path) {
  std::string out;
  bool absolute = !path.empty() && path.front() == '/';
  size_t pos = 0;
  while (pos <= path.size()) {
    size_t slash = path.find('/', pos);
    if (slash == std::string_view::npos) slash = path.size();
    std::string_view part = path.substr(pos, slash - pos);
    if (!part.empty() && part != ".") {
      if (!out.empty() || absolute) out.push_back('/');
      out.append(part);
    }
    pos = slash + 1;
  }
  if (out.empty()) return absolute ? "/" : ".";
  return out;
}

// The prefix every entry below directory `dir` (normalized) starts with.
std::string ChildPrefix(const std::string& dir) {
  if (dir == "/") return "/";
  if (dir == ".") return "";
  return dir + "/";
}

// Keys of `map` below `prefix` (directly below, or at any depth).
template <typename Map>
std::vector<std::string> KeysBelow(const Map& map, const std::string& prefix, bool direct) {
  std::vector<std::string> out;
  for (auto it = map.lower_bound(prefix); it != map.end() && it->first.starts_with(prefix); ++it) {
    std::string_view rest = std::string_view(it->first).substr(prefix.size());
    if (rest.empty() || (direct && rest.find('/') != std::string_view::npos)) continue;
    out.push_back(direct ? std::string(rest) : it->first);
  }
  return out;
}

}  // namespace

FaultFileSystem::FaultFileSystem(const Clock* clock)
    : state_(std::make_shared<FaultState>(clock != nullptr ? *clock : Clock::System())) {}

FaultFileSystem::~FaultFileSystem() = default;

Result<std::unique_ptr<File>> FaultFileSystem::Open(const std::string& path, OpenMode mode) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kOpen, "open", p));
  if (state_->IsDir(p)) return ErrnoStatus(EISDIR, "open", path);
  auto node = state_->FindFile(p);
  if (node == nullptr) {
    bool create = mode == OpenMode::kCreate || mode == OpenMode::kCreateAlways;
    if (!create || !state_->IsDir(ParentPath(p))) return NotFound("no file " + path);
    node = state_->NewNode();
    state_->files[p] = node;
  } else if (mode == OpenMode::kCreateAlways) {
    ORBIT_RETURN_IF_ERROR(state_->ResizeCurrent(*node, 0, /*exact=*/true, path));
    ORBIT_RETURN_IF_ERROR(state_->ResizeDurable(*node, 0, path));
    node->mtime_ms = state_->Now();
  }
  return std::unique_ptr<File>(std::make_unique<FaultFile>(
      state_, std::move(node), path, state_->epoch, mode != OpenMode::kReadOnly));
}

bool FaultFileSystem::Exists(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  return state_->IsDir(p) || state_->files.count(p) != 0;
}

bool FaultFileSystem::IsDirectory(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  return state_->IsDir(p);
}

Result<std::vector<std::string>> FaultFileSystem::List(const std::string& dir) {
  std::string p = Normalize(dir);
  MutexLock lock(state_->mu);
  if (!state_->IsDir(p)) {
    if (state_->files.count(p) != 0) return ErrnoStatus(ENOTDIR, "list", dir);
    return NotFound("no directory " + dir);
  }
  std::string prefix = ChildPrefix(p);
  std::vector<std::string> names = KeysBelow(state_->files, prefix, /*direct=*/true);
  std::vector<std::string> dirs = KeysBelow(state_->dirs, prefix, /*direct=*/true);
  names.insert(names.end(), dirs.begin(), dirs.end());
  std::sort(names.begin(), names.end());
  return names;
}

Status FaultFileSystem::CreateDirs(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kCreateDirs, "mkdir", p));
  // Each ancestor, then `p` itself.
  for (size_t i = 1; i <= p.size(); ++i) {
    if (i < p.size() && p[i] != '/') continue;
    std::string dir = p.substr(0, i);
    if (state_->IsDir(dir)) continue;
    if (state_->files.count(dir) != 0) return ErrnoStatus(ENOTDIR, "mkdir", dir);
    state_->dirs[dir] = state_->Now();
  }
  return Status::Ok();
}

Status FaultFileSystem::Remove(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kRemove, "remove", p));
  if (state_->files.erase(p) != 0) return Status::Ok();
  if (!state_->IsDir(p)) return Status::Ok();
  if (p == "/" || p == ".") return ErrnoStatus(EBUSY, "remove", path);
  std::string prefix = ChildPrefix(p);
  if (!KeysBelow(state_->files, prefix, true).empty() ||
      !KeysBelow(state_->dirs, prefix, true).empty()) {
    return ErrnoStatus(ENOTEMPTY, "remove", path);
  }
  state_->dirs.erase(p);
  return Status::Ok();
}

Status FaultFileSystem::Rename(const std::string& from, const std::string& to) {
  std::string f = Normalize(from);
  std::string t = Normalize(to);
  MutexLock lock(state_->mu);
  ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kRename, "rename", f, t));
  bool from_file = state_->files.count(f) != 0;
  bool from_dir = !from_file && state_->IsDir(f);
  if (!from_file && !from_dir) return ErrnoStatus(ENOENT, "rename", from);
  if (f == t) return Status::Ok();
  if (!state_->IsDir(ParentPath(t))) return ErrnoStatus(ENOENT, "rename", to);
  if (from_file) {
    if (state_->IsDir(t)) return ErrnoStatus(EISDIR, "rename", to);
    auto node = state_->files[f];
    state_->files.erase(f);
    state_->files[t] = std::move(node);
    return Status::Ok();
  }
  // A directory: moves with everything below it.
  if (f == "/" || f == ".") return ErrnoStatus(EBUSY, "rename", from);
  std::string prefix = ChildPrefix(f);
  if (t.starts_with(prefix)) return ErrnoStatus(EINVAL, "rename", to);
  if (state_->files.count(t) != 0) return ErrnoStatus(ENOTDIR, "rename", to);
  if (state_->IsDir(t)) {
    std::string to_prefix = ChildPrefix(t);
    if (!KeysBelow(state_->files, to_prefix, true).empty() ||
        !KeysBelow(state_->dirs, to_prefix, true).empty()) {
      return ErrnoStatus(ENOTEMPTY, "rename", to);
    }
  }
  std::string new_prefix = ChildPrefix(t);
  for (const auto& key : KeysBelow(state_->files, prefix, /*direct=*/false)) {
    auto node = state_->files[key];
    state_->files.erase(key);
    state_->files[new_prefix + key.substr(prefix.size())] = std::move(node);
  }
  for (const auto& key : KeysBelow(state_->dirs, prefix, /*direct=*/false)) {
    int64_t mtime = state_->dirs[key];
    state_->dirs.erase(key);
    state_->dirs[new_prefix + key.substr(prefix.size())] = mtime;
  }
  int64_t mtime = state_->dirs[f];
  state_->dirs.erase(f);
  state_->dirs[t] = mtime;
  return Status::Ok();
}

Status FaultFileSystem::SyncDir(const std::string& dir) {
  std::string p = Normalize(dir);
  MutexLock lock(state_->mu);
  ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kSyncDir, "fsync directory", p));
  if (!state_->IsDir(p)) return ErrnoStatus(ENOENT, "open directory", dir);
  ++state_->stats.dir_syncs;
  return Status::Ok();
}

Result<DiskSpace> FaultFileSystem::Space(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  if (!state_->IsDir(p) && state_->files.count(p) == 0) {
    return ErrnoStatus(ENOENT, "statvfs", path);
  }
  uint64_t used = state_->Used();
  DiskSpace space;
  space.total_bytes = state_->capacity;
  space.available_bytes = used < state_->capacity ? state_->capacity - used : 0;
  return space;
}

Result<int64_t> FaultFileSystem::ModifiedTimeMs(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  if (auto node = state_->FindFile(p)) return node->mtime_ms;
  if (auto it = state_->dirs.find(p); it != state_->dirs.end()) return it->second;
  if (state_->IsDir(p)) return int64_t{0};
  return ErrnoStatus(ENOENT, "stat", path);
}

Result<std::unique_ptr<FileLock>> FaultFileSystem::Lock(const std::string& path) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  ORBIT_RETURN_IF_ERROR(state_->Inject(FaultOp::kLock, "flock", p));
  if (state_->IsDir(p)) return ErrnoStatus(EISDIR, "open", path);
  auto node = state_->FindFile(p);
  if (node == nullptr) {
    if (!state_->IsDir(ParentPath(p))) return ErrnoStatus(ENOENT, "open", path);
    node = state_->NewNode();
    state_->files[p] = node;
  }
  if (node->locked) {
    return Status(ErrorCode::kIoError, path + " is locked: another user of this store holds it");
  }
  node->locked = true;
  if (node->size == 0 && state_->ResizeCurrent(*node, 4, /*exact=*/true, path).ok()) {
    // The same content as the POSIX implementation writes.
    std::memcpy(node->current->data(), "lock", 4);
  }
  return std::unique_ptr<FileLock>(std::make_unique<FaultLock>(state_, std::move(node)));
}

void FaultFileSystem::Crash(CrashMode mode, uint64_t seed) {
  MutexLock lock(state_->mu);
  std::mt19937_64 rng(seed);
  for (auto& [path, node] : state_->files) node = internal::CrashedCopy(*node, mode, rng);
  ++state_->epoch;
  ++state_->stats.crashes;
}

void FaultFileSystem::FailNext(FaultOp op, int err, int count, std::string path_contains) {
  if (count <= 0) return;
  MutexLock lock(state_->mu);
  state_->rules.push_back(internal::FaultRule{op, err, count, std::move(path_contains)});
}

void FaultFileSystem::FailAlways(FaultOp op, int err, std::string path_contains) {
  MutexLock lock(state_->mu);
  state_->rules.push_back(internal::FaultRule{op, err, -1, std::move(path_contains)});
}

void FaultFileSystem::ClearFaults() {
  MutexLock lock(state_->mu);
  state_->rules.clear();
}

void FaultFileSystem::SetCapacity(uint64_t total_bytes) {
  MutexLock lock(state_->mu);
  state_->capacity = total_bytes;
}

uint64_t FaultFileSystem::UsedBytes() const {
  MutexLock lock(state_->mu);
  return state_->Used();
}

Result<std::string> FaultFileSystem::DurableContent(const std::string& path) const {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  auto node = state_->FindFile(p);
  if (node == nullptr) return NotFound("no file " + path);
  return std::string(node->durable->data(), node->durable_size);
}

Status FaultFileSystem::SetModifiedTimeMs(const std::string& path, int64_t ms) {
  std::string p = Normalize(path);
  MutexLock lock(state_->mu);
  if (auto node = state_->FindFile(p)) {
    node->mtime_ms = ms;
    return Status::Ok();
  }
  if (auto it = state_->dirs.find(p); it != state_->dirs.end()) {
    it->second = ms;
    return Status::Ok();
  }
  return NotFound("no file " + path);
}

FaultStats FaultFileSystem::stats() const {
  MutexLock lock(state_->mu);
  return state_->stats;
}

}  // namespace orbit::store
