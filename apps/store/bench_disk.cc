// orbit-store bench: scratch directories, the disk-space budget and the disk's own ceilings. The
// ceilings use plain POSIX calls on purpose: they measure the disk, not the store's FileSystem.

#include <fcntl.h>
#include <stdlib.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <system_error>

#include "apps/store/internal/bench.h"
#include "store/store_config.h"

namespace orbit::store_tool {
namespace {

// Both ceiling files stay below this: the buffered write goes back to the start, the fdatasync
// loop stops.
constexpr int64_t kCeilingFileBytes = int64_t{1} << 30;
constexpr size_t kBufferedChunk = 64 * 1024;
constexpr size_t kSyncBlock = 4096;

Status ErrnoError(const std::string& what, int err) {
  return Status(ErrorCode::kIoError, what + ": " + std::strerror(err));
}

std::string GiB(int64_t bytes) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%.1f GiB", static_cast<double>(bytes) / (1 << 30));
  return buf;
}

// A file descriptor closed by the destructor.
class ScopedFd {
 public:
  explicit ScopedFd(int fd) : fd_(fd) {}
  ~ScopedFd() {
    if (fd_ >= 0) ::close(fd_);
  }
  ScopedFd(const ScopedFd&) = delete;
  ScopedFd& operator=(const ScopedFd&) = delete;
  int get() const { return fd_; }

 private:
  int fd_;
};

Result<std::unique_ptr<ScopedFd>> CreateFile(const std::string& path) {
  auto fd = std::make_unique<ScopedFd>(
      ::open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (fd->get() < 0) return ErrnoError("open " + path, errno);
  return fd;
}

Status PwriteAll(int fd, const std::string& buf, int64_t pos, const std::string& path) {
  ssize_t n = ::pwrite(fd, buf.data(), buf.size(), static_cast<off_t>(pos));
  if (n < 0) return ErrnoError("pwrite " + path, errno);
  if (static_cast<size_t>(n) != buf.size()) {
    return Status(ErrorCode::kIoError, "pwrite " + path + ": short write");
  }
  return Status::Ok();
}

// Bytes per second of 64 KiB pwrites at the end of a file, for `seconds`.
Result<double> MeasureBufferedWrite(const std::string& root, double seconds) {
  ORBIT_ASSIGN_OR_RETURN(auto dir, ScratchDir::Make(root, "diskbuf"));
  const std::string path = dir->path() + "/f";
  ORBIT_ASSIGN_OR_RETURN(auto fd, CreateFile(path));
  const std::string chunk(kBufferedChunk, 'x');
  int64_t pos = 0;
  int64_t written = 0;
  const auto t0 = BenchClock::now();
  const auto deadline = t0 + BenchDuration(seconds);
  for (int64_t i = 0; i < kBenchMaxOps && BenchClock::now() < deadline; ++i) {
    ORBIT_RETURN_IF_ERROR(PwriteAll(fd->get(), chunk, pos, path));
    written += static_cast<int64_t>(chunk.size());
    pos += static_cast<int64_t>(chunk.size());
    if (pos >= kCeilingFileBytes) pos = 0;
  }
  return static_cast<double>(written) / SecondsBetween(t0, BenchClock::now());
}

// Operations per second of one writer's 4 KiB append + fdatasync, for `seconds`.
Result<double> AppendFdatasyncRate(const std::string& root, double seconds) {
  ORBIT_ASSIGN_OR_RETURN(auto dir, ScratchDir::Make(root, "disksync"));
  const std::string path = dir->path() + "/f";
  ORBIT_ASSIGN_OR_RETURN(auto fd, CreateFile(path));
  const std::string block(kSyncBlock, 'y');
  int64_t ops = 0;
  const auto t0 = BenchClock::now();
  const auto deadline = t0 + BenchDuration(seconds);
  while (BenchClock::now() < deadline &&
         ops < kCeilingFileBytes / static_cast<int64_t>(kSyncBlock)) {
    ORBIT_RETURN_IF_ERROR(
        PwriteAll(fd->get(), block, ops * static_cast<int64_t>(kSyncBlock), path));
    if (::fdatasync(fd->get()) != 0) return ErrnoError("fdatasync " + path, errno);
    ++ops;
  }
  return static_cast<double>(ops) / SecondsBetween(t0, BenchClock::now());
}

}  // namespace

Result<std::unique_ptr<ScratchDir>> ScratchDir::Make(const std::string& root,
                                                     std::string_view tag) {
  std::string path = root + "/orbit-bench-" + std::string(tag) + "-XXXXXX";
  if (::mkdtemp(path.data()) == nullptr) return ErrnoError("mkdtemp " + path, errno);
  return std::unique_ptr<ScratchDir>(new ScratchDir(std::move(path)));
}

ScratchDir::~ScratchDir() {
  std::error_code ignored;  // nothing more to do about a directory that will not go
  std::filesystem::remove_all(path_, ignored);
}

Result<int64_t> CaseByteBudget(const std::string& root) {
  struct statvfs st;
  if (::statvfs(root.c_str(), &st) != 0) return ErrnoError("statvfs " + root, errno);
  const int64_t available = static_cast<int64_t>(st.f_bavail) * static_cast<int64_t>(st.f_frsize);
  const int64_t total = static_cast<int64_t>(st.f_blocks) * static_cast<int64_t>(st.f_frsize);
  if (available < kBenchMinFreeBytes) {
    return Status(ErrorCode::kDiskFull, "only " + GiB(available) + " free in " + root +
                                            "; the bench needs " + GiB(kBenchMinFreeBytes) +
                                            " (use --dir or ORBIT_BENCH_DIR on another disk)");
  }
  // The store refuses puts once the disk is fuller than diskSpaceWarningLevelRatio, and it
  // allocates whole commit-log segments: keep one more segment below that line.
  const store::StoreConfig defaults;
  const int64_t store_floor = total / 100 * (100 - defaults.disk_space_warning_level_ratio) +
                              defaults.mapped_file_size_commit_log;
  const int64_t budget = std::min(available - kBenchMinFreeBytes, available - store_floor);
  if (budget <= 0) {
    return Status(ErrorCode::kDiskFull,
                  root + " has " + GiB(available) + " free of " + GiB(total) +
                      ": too little for a store, which refuses puts when the disk is more than " +
                      std::to_string(defaults.disk_space_warning_level_ratio) +
                      "% full (use --dir or ORBIT_BENCH_DIR on another disk)");
  }
  return budget;
}

Result<Ceilings> MeasureCeilings(const std::string& root, double seconds) {
  Ceilings c;
  ORBIT_ASSIGN_OR_RETURN(c.buffered_write_bytes_per_s, MeasureBufferedWrite(root, seconds));
  ORBIT_ASSIGN_OR_RETURN(c.fdatasync_ops_per_s, AppendFdatasyncRate(root, seconds));
  return c;
}

Result<double> MeasureFdatasync(const std::string& root, double seconds) {
  return AppendFdatasyncRate(root, seconds);
}

}  // namespace orbit::store_tool
