#include "apps/store/internal/read_only_file_system.h"

#include <sys/mman.h>

#include <cerrno>

namespace orbit::store_tool {
namespace {

using store::DiskSpace;
using store::File;
using store::FileLock;
using store::FileSystem;
using store::MappedRegion;
using store::OpenMode;

Status ReadOnly(std::string_view op, std::string_view path) {
  return Unsupported(std::string(op) + " " + std::string(path) +
                     ": orbit-store opens stores read-only");
}

class ReadOnlyRegion final : public MappedRegion {
 public:
  ReadOnlyRegion(char* base, size_t size) : base_(base), size_(size) {}
  ~ReadOnlyRegion() override { ::munmap(base_, size_); }
  // The pages are PROT_READ: callers may only read through this pointer.
  char* data() override { return base_; }
  const char* data() const override { return base_; }
  size_t size() const override { return size_; }
  Status Sync(size_t, size_t) override { return ReadOnly("msync", "a mapping"); }

 private:
  char* base_;
  size_t size_;
};

class ReadOnlyFile final : public File {
 public:
  explicit ReadOnlyFile(std::unique_ptr<File> base) : base_(std::move(base)) {}

  const std::string& path() const override { return base_->path(); }
  Result<uint64_t> Size() const override { return base_->Size(); }
  Result<size_t> Read(uint64_t offset, size_t length, char* out) const override {
    return base_->Read(offset, length, out);
  }
  Status Write(uint64_t, std::string_view) override { return ReadOnly("write", path()); }
  Status Sync() override { return ReadOnly("sync", path()); }
  Status Truncate(uint64_t) override { return ReadOnly("truncate", path()); }
  Status Allocate(uint64_t) override { return ReadOnly("allocate", path()); }
  Result<uint64_t> DataEnd() const override { return base_->DataEnd(); }

  Result<std::unique_ptr<MappedRegion>> Map(size_t size) override {
    ORBIT_ASSIGN_OR_RETURN(uint64_t current, Size());
    if (size == 0 || size > current) {
      return InvalidArgument("cannot map " + std::to_string(size) + " bytes of " + path() +
                             " (size " + std::to_string(current) + ")");
    }
    void* p = ::mmap(nullptr, size, PROT_READ, MAP_SHARED, base_->native_handle(), 0);
    if (p == MAP_FAILED) return store::ErrnoStatus(errno, "mmap", path());
    return std::unique_ptr<MappedRegion>(
        std::make_unique<ReadOnlyRegion>(static_cast<char*>(p), size));
  }

  int native_handle() const override { return base_->native_handle(); }

 private:
  std::unique_ptr<File> base_;
};

class ReadOnlyFs final : public FileSystem {
 public:
  explicit ReadOnlyFs(FileSystem* base) : base_(base) {}

  Result<std::unique_ptr<File>> Open(const std::string& path, OpenMode mode) override {
    if (mode == OpenMode::kCreate || mode == OpenMode::kCreateAlways) {
      return ReadOnly("create", path);
    }
    ORBIT_ASSIGN_OR_RETURN(auto file, base_->Open(path, OpenMode::kReadOnly));
    return std::unique_ptr<File>(std::make_unique<ReadOnlyFile>(std::move(file)));
  }
  bool Exists(const std::string& path) override { return base_->Exists(path); }
  bool IsDirectory(const std::string& path) override { return base_->IsDirectory(path); }
  Result<std::vector<std::string>> List(const std::string& dir) override {
    return base_->List(dir);
  }
  Status CreateDirs(const std::string& path) override { return ReadOnly("mkdir", path); }
  Status Remove(const std::string& path) override { return ReadOnly("remove", path); }
  Status Rename(const std::string& from, const std::string&) override {
    return ReadOnly("rename", from);
  }
  Status SyncDir(const std::string& dir) override { return ReadOnly("sync", dir); }
  Result<DiskSpace> Space(const std::string& path) override { return base_->Space(path); }
  Result<int64_t> ModifiedTimeMs(const std::string& path) override {
    return base_->ModifiedTimeMs(path);
  }
  Result<std::unique_ptr<FileLock>> Lock(const std::string& path) override {
    return ReadOnly("lock", path);
  }

 private:
  FileSystem* base_;
};

}  // namespace

FileSystem* ReadOnlyFileSystem() {
  static ReadOnlyFs* fs = new ReadOnlyFs(FileSystem::Default());
  return fs;
}

}  // namespace orbit::store_tool
