// The real file system: POSIX calls, mmap(2) for mappings, flock(2) for locks.

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "store/file_system.h"

namespace orbit::store {
namespace {

constexpr size_t kPageSize = 4096;

class PosixMappedRegion final : public MappedRegion {
 public:
  PosixMappedRegion(std::string path, char* base, size_t size)
      : path_(std::move(path)), base_(base), size_(size) {}
  ~PosixMappedRegion() override {
    if (base_ != nullptr) ::munmap(base_, size_);
  }
  Status Prefault(size_t offset, size_t length) override {
#ifndef MADV_POPULATE_WRITE
    constexpr int MADV_POPULATE_WRITE = 23;  // Linux 5.14
#endif
    if (offset >= size_) return Status::Ok();
    length = std::min(length, size_ - offset);
    size_t begin = offset / kPageSize * kPageSize;
    // Unsupported kernels answer EINVAL: a hint only, so that is fine.
    (void)::madvise(base_ + begin, offset + length - begin, MADV_POPULATE_WRITE);
    return Status::Ok();
  }

  void AdviseRandomAccess() override { (void)::madvise(base_, size_, MADV_RANDOM); }

  char* data() override { return base_; }
  const char* data() const override { return base_; }
  size_t size() const override { return size_; }

  Status Sync(size_t offset, size_t length) override {
    if (length == 0) return Status::Ok();
    if (offset > size_ || length > size_ - offset) {
      return InvalidArgument("msync range outside the mapping of " + path_);
    }
    size_t begin = offset / kPageSize * kPageSize;
    size_t end = offset + length;
    if (::msync(base_ + begin, end - begin, MS_SYNC) != 0) {
      return ErrnoStatus(errno, "msync", path_);
    }
    return Status::Ok();
  }

 private:
  std::string path_;
  char* base_;
  size_t size_;
};

class PosixFile final : public File {
 public:
  PosixFile(std::string path, int fd) : path_(std::move(path)), fd_(fd) {}
  ~PosixFile() override { ::close(fd_); }

  const std::string& path() const override { return path_; }

  Result<uint64_t> Size() const override {
    struct stat st;
    if (::fstat(fd_, &st) != 0) return ErrnoStatus(errno, "fstat", path_);
    return static_cast<uint64_t>(st.st_size);
  }

  Result<size_t> Read(uint64_t offset, size_t length, char* out) const override {
    size_t done = 0;
    while (done < length) {
      ssize_t n = ::pread(fd_, out + done, length - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "pread", path_);
      }
      if (n == 0) break;
      done += static_cast<size_t>(n);
    }
    return done;
  }

  Status Write(uint64_t offset, std::string_view data) override {
    size_t done = 0;
    while (done < data.size()) {
      ssize_t n =
          ::pwrite(fd_, data.data() + done, data.size() - done, static_cast<off_t>(offset + done));
      if (n < 0) {
        if (errno == EINTR) continue;
        return ErrnoStatus(errno, "pwrite", path_);
      }
      done += static_cast<size_t>(n);
    }
    return Status::Ok();
  }

  Status Sync() override {
    if (::fdatasync(fd_) != 0) return ErrnoStatus(errno, "fdatasync", path_);
    return Status::Ok();
  }

  Status Truncate(uint64_t size) override {
    if (::ftruncate(fd_, static_cast<off_t>(size)) != 0) {
      return ErrnoStatus(errno, "ftruncate", path_);
    }
    return Status::Ok();
  }

  Status Allocate(uint64_t size) override {
    ORBIT_ASSIGN_OR_RETURN(uint64_t current, Size());
    if (current >= size) return Status::Ok();
    int err = ::posix_fallocate(fd_, 0, static_cast<off_t>(size));
    if (err == EOPNOTSUPP || err == EINVAL) {
      // File systems without fallocate (tmpfs on old kernels, some FUSE): a sparse file.
      return Truncate(size);
    }
    if (err != 0) return ErrnoStatus(err, "posix_fallocate", path_);
    return Status::Ok();
  }

  Result<uint64_t> DataEnd() const override {
    ORBIT_ASSIGN_OR_RETURN(uint64_t size, Size());
    uint64_t end = 0;
    off_t pos = 0;
    while (static_cast<uint64_t>(pos) < size) {
      off_t data = ::lseek(fd_, pos, SEEK_DATA);
      if (data < 0) {
        if (errno == ENXIO) break;  // no data past pos
        return size;                // SEEK_DATA unsupported: assume all of it
      }
      off_t hole = ::lseek(fd_, data, SEEK_HOLE);
      if (hole < 0) return size;
      end = static_cast<uint64_t>(hole);
      pos = hole;
    }
    return end;
  }

  Result<std::unique_ptr<MappedRegion>> Map(size_t size) override {
    ORBIT_ASSIGN_OR_RETURN(uint64_t current, Size());
    if (size == 0 || size > current) {
      return InvalidArgument("cannot map " + std::to_string(size) + " bytes of " + path_ +
                             " (size " + std::to_string(current) + ")");
    }
    void* base = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED, fd_, 0);
    if (base == MAP_FAILED) return ErrnoStatus(errno, "mmap", path_);
    return std::unique_ptr<MappedRegion>(
        std::make_unique<PosixMappedRegion>(path_, static_cast<char*>(base), size));
  }

  int native_handle() const override { return fd_; }

 private:
  std::string path_;
  int fd_;
};

class PosixFileLock final : public FileLock {
 public:
  explicit PosixFileLock(int fd) : fd_(fd) {}
  ~PosixFileLock() override {
    ::flock(fd_, LOCK_UN);
    ::close(fd_);
  }

 private:
  int fd_;
};

class PosixFileSystem final : public FileSystem {
 public:
  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    int flags = O_CLOEXEC;
    switch (mode) {
      case OpenMode::kReadOnly:
        flags |= O_RDONLY;
        break;
      case OpenMode::kReadWrite:
        flags |= O_RDWR;
        break;
      case OpenMode::kCreate:
        flags |= O_RDWR | O_CREAT;
        break;
      case OpenMode::kCreateAlways:
        flags |= O_RDWR | O_CREAT | O_TRUNC;
        break;
    }
    int fd = ::open(path.c_str(), flags, 0644);
    if (fd < 0) {
      if (errno == ENOENT) return NotFound("no file " + path);
      return ErrnoStatus(errno, "open", path);
    }
    return std::unique_ptr<File>(std::make_unique<PosixFile>(path, fd));
  }

  bool Exists(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0;
  }

  bool IsDirectory(const std::string& path) override {
    struct stat st;
    return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
  }

  Result<std::vector<std::string>> List(const std::string& dir) override {
    std::error_code ec;
    std::filesystem::directory_iterator it(dir, ec);
    if (ec) {
      if (ec == std::errc::no_such_file_or_directory) return NotFound("no directory " + dir);
      return Status(ErrorCode::kIoError, "cannot list " + dir + ": " + ec.message());
    }
    std::vector<std::string> names;
    for (const auto& entry : it) names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  Status CreateDirs(const std::string& path) override {
    std::error_code ec;
    std::filesystem::create_directories(path, ec);
    if (ec) return Status(ErrorCode::kIoError, "cannot create " + path + ": " + ec.message());
    return Status::Ok();
  }

  Status Remove(const std::string& path) override {
    if (::remove(path.c_str()) != 0 && errno != ENOENT) return ErrnoStatus(errno, "remove", path);
    return Status::Ok();
  }

  Status Rename(const std::string& from, const std::string& to) override {
    if (::rename(from.c_str(), to.c_str()) != 0) return ErrnoStatus(errno, "rename", from);
    return Status::Ok();
  }

  Status SyncDir(const std::string& dir) override {
    int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0) return ErrnoStatus(errno, "open directory", dir);
    int rc = ::fsync(fd);
    int err = errno;
    ::close(fd);
    if (rc != 0) return ErrnoStatus(err, "fsync directory", dir);
    return Status::Ok();
  }

  Result<DiskSpace> Space(const std::string& path) override {
    struct statvfs st;
    if (::statvfs(path.c_str(), &st) != 0) return ErrnoStatus(errno, "statvfs", path);
    DiskSpace space;
    space.total_bytes = uint64_t{st.f_blocks} * st.f_frsize;
    space.available_bytes = uint64_t{st.f_bavail} * st.f_frsize;
    return space;
  }

  Result<int64_t> ModifiedTimeMs(const std::string& path) override {
    struct stat st;
    if (::stat(path.c_str(), &st) != 0) return ErrnoStatus(errno, "stat", path);
    return int64_t{st.st_mtim.tv_sec} * 1000 + st.st_mtim.tv_nsec / 1000000;
  }

  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return ErrnoStatus(errno, "open", path);
    if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
      int err = errno;
      ::close(fd);
      if (err == EWOULDBLOCK) {
        return Status(ErrorCode::kIoError, path + " is locked: another process uses this store");
      }
      return ErrnoStatus(err, "flock", path);
    }
    struct stat st;
    if (::fstat(fd, &st) == 0 && st.st_size == 0) {
      // Apache writes the text "lock" into it; keep the file the same.
      [[maybe_unused]] ssize_t n = ::pwrite(fd, "lock", 4, 0);
    }
    return std::unique_ptr<FileLock>(std::make_unique<PosixFileLock>(fd));
  }
};

}  // namespace

FileSystem* FileSystem::Default() {
  static PosixFileSystem* fs = new PosixFileSystem();
  return fs;
}

}  // namespace orbit::store
