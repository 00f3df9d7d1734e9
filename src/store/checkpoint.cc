#include "store/checkpoint.h"

#include <algorithm>

#include "base/bytes.h"

namespace orbit::store {

Result<std::unique_ptr<Checkpoint>> Checkpoint::Open(FileSystem& fs, const std::string& path) {
  ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(path, OpenMode::kCreate));
  char buf[24] = {};
  ORBIT_ASSIGN_OR_RETURN(size_t n, file->Read(0, sizeof(buf), buf));
  ORBIT_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  if (size < kFileSize) ORBIT_RETURN_IF_ERROR(file->Allocate(kFileSize));
  auto cp = std::unique_ptr<Checkpoint>(new Checkpoint(std::move(file)));
  if (n == sizeof(buf)) {
    cp->physic_.store(static_cast<int64_t>(LoadU64(buf)));
    cp->logics_.store(static_cast<int64_t>(LoadU64(buf + 8)));
    cp->index_.store(static_cast<int64_t>(LoadU64(buf + 16)));
  }
  return cp;
}

int64_t Checkpoint::MinTimestamp() const {
  int64_t min = std::min(physic_timestamp(), logics_timestamp()) - 3000;
  return std::max<int64_t>(min, 0);
}

int64_t Checkpoint::MinTimestampIndex() const {
  return std::min(MinTimestamp(), index_timestamp());
}

Status Checkpoint::Flush() {
  char buf[24];
  StoreU64(buf, static_cast<uint64_t>(physic_timestamp()));
  StoreU64(buf + 8, static_cast<uint64_t>(logics_timestamp()));
  StoreU64(buf + 16, static_cast<uint64_t>(index_timestamp()));
  ORBIT_RETURN_IF_ERROR(file_->Write(0, std::string_view(buf, sizeof(buf))));
  return file_->Sync();
}

}  // namespace orbit::store
