#include "store/file_system.h"

#include <cerrno>
#include <cstring>

namespace orbit::store {

std::string JoinPath(std::string_view dir, std::string_view name) {
  std::string out(dir);
  if (!out.empty() && out.back() != '/') out.push_back('/');
  out.append(name);
  return out;
}

std::string ParentPath(std::string_view path) {
  size_t slash = path.rfind('/');
  if (slash == std::string_view::npos) return ".";
  if (slash == 0) return "/";
  return std::string(path.substr(0, slash));
}

Result<std::string> ReadWholeFile(FileSystem& fs, const std::string& path) {
  ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(path, OpenMode::kReadOnly));
  ORBIT_ASSIGN_OR_RETURN(uint64_t size, file->Size());
  std::string out(size, '\0');
  ORBIT_ASSIGN_OR_RETURN(size_t n, file->Read(0, out.size(), out.data()));
  out.resize(n);
  return out;
}

Status WriteFileAtomically(FileSystem& fs, const std::string& path, std::string_view content) {
  std::string dir = ParentPath(path);
  ORBIT_RETURN_IF_ERROR(fs.CreateDirs(dir));
  std::string tmp = path + ".tmp";
  {
    ORBIT_ASSIGN_OR_RETURN(auto file, fs.Open(tmp, OpenMode::kCreateAlways));
    ORBIT_RETURN_IF_ERROR(file->Write(0, content));
    ORBIT_RETURN_IF_ERROR(file->Sync());
  }
  if (fs.Exists(path)) {
    // The .bak is a plain copy of the previous version (Apache keeps one the same way).
    auto old = ReadWholeFile(fs, path);
    if (old.ok()) {
      std::string bak_tmp = path + ".bak.tmp";
      ORBIT_ASSIGN_OR_RETURN(auto bak, fs.Open(bak_tmp, OpenMode::kCreateAlways));
      ORBIT_RETURN_IF_ERROR(bak->Write(0, *old));
      ORBIT_RETURN_IF_ERROR(bak->Sync());
      bak.reset();
      ORBIT_RETURN_IF_ERROR(fs.Rename(bak_tmp, path + ".bak"));
    }
  }
  ORBIT_RETURN_IF_ERROR(fs.Rename(tmp, path));
  return fs.SyncDir(dir);
}

Status RemoveRecursively(FileSystem& fs, const std::string& dir) {
  if (!fs.Exists(dir)) return Status::Ok();
  if (fs.IsDirectory(dir)) {
    ORBIT_ASSIGN_OR_RETURN(auto names, fs.List(dir));
    for (const auto& name : names)
      ORBIT_RETURN_IF_ERROR(RemoveRecursively(fs, JoinPath(dir, name)));
  }
  return fs.Remove(dir);
}

Status ErrnoStatus(int err, std::string_view op, std::string_view path) {
  std::string msg = std::string(op) + " " + std::string(path) + ": " + std::strerror(err);
  if (err == ENOSPC || err == EDQUOT) return Status(ErrorCode::kDiskFull, std::move(msg));
  return Status(ErrorCode::kIoError, std::move(msg));
}

}  // namespace orbit::store
