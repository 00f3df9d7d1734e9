#include "golden/golden_store.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zstd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>
#include <optional>
#include <sstream>
#include <vector>

namespace orbit::testing {
namespace {

constexpr size_t kBlock = 512;
// Longest GNU long name or pax header accepted: they describe one path, not data.
constexpr uint64_t kMaxMetaSize = uint64_t{1} << 20;

Status IoError(int err, std::string_view op, std::string_view path) {
  return Status(ErrorCode::kIoError,
                std::string(op) + " " + std::string(path) + ": " + std::strerror(err));
}

// The text of a NUL-padded header field.
std::string_view FieldText(const char* field, size_t width) {
  return std::string_view(field, strnlen(field, width));
}

// A numeric header field: octal digits (leading spaces, trailing NUL or space), or GNU's
// base-256 form (first byte 0x80, big-endian value in the rest).
std::optional<uint64_t> ParseNumber(const char* field, size_t width) {
  auto bytes = reinterpret_cast<const unsigned char*>(field);
  if (bytes[0] == 0x80) {
    uint64_t v = 0;
    for (size_t i = 1; i < width; ++i) {
      if (v >> 56 != 0) return std::nullopt;
      v = (v << 8) | bytes[i];
    }
    return v;
  }
  size_t i = 0;
  while (i < width && field[i] == ' ') ++i;
  uint64_t v = 0;
  bool any = false;
  for (; i < width && field[i] >= '0' && field[i] <= '7'; ++i) {
    if (v >> 60 != 0) return std::nullopt;
    v = v * 8 + static_cast<uint64_t>(field[i] - '0');
    any = true;
  }
  for (; i < width; ++i) {
    if (field[i] != ' ' && field[i] != '\0') return std::nullopt;
  }
  if (!any) return std::nullopt;
  return v;
}

// `name` as a path relative to the destination: no absolute paths, no "..", "." and empty
// components dropped. An empty result means the destination itself ("./").
Result<std::string> SafeRelativePath(std::string_view name) {
  if (name.empty()) return Malformed("tar: entry with an empty name");
  if (name.front() == '/') return Malformed("tar: absolute path '" + std::string(name) + "'");
  std::string out;
  size_t pos = 0;
  while (pos <= name.size()) {
    size_t slash = std::min(name.find('/', pos), name.size());
    std::string_view part = name.substr(pos, slash - pos);
    pos = slash + 1;
    if (part.empty() || part == ".") continue;
    if (part == "..") return Malformed("tar: path with '..': '" + std::string(name) + "'");
    if (!out.empty()) out.push_back('/');
    out.append(part);
  }
  return out;
}

// Extracts a tar stream fed in pieces of any size. Single-threaded.
class TarExtractor {
 public:
  explicit TarExtractor(std::string dest) : dest_(std::move(dest)) {}
  ~TarExtractor() {
    if (fd_ >= 0) ::close(fd_);
  }
  TarExtractor(const TarExtractor&) = delete;
  TarExtractor& operator=(const TarExtractor&) = delete;

  Status Feed(std::string_view data) {
    while (!data.empty()) {
      switch (state_) {
        case State::kHeader: {
          size_t n = std::min(kBlock - block_fill_, data.size());
          std::memcpy(block_ + block_fill_, data.data(), n);
          block_fill_ += n;
          data.remove_prefix(n);
          if (block_fill_ == kBlock) {
            block_fill_ = 0;
            ORBIT_RETURN_IF_ERROR(OnHeader());
          }
          break;
        }
        case State::kFileData:
        case State::kMetaData: {
          size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, data.size()));
          if (state_ == State::kFileData) {
            ORBIT_RETURN_IF_ERROR(WriteAll(data.substr(0, n)));
          } else {
            meta_.append(data.substr(0, n));
          }
          remaining_ -= n;
          data.remove_prefix(n);
          if (remaining_ == 0) ORBIT_RETURN_IF_ERROR(EndEntry());
          break;
        }
        case State::kPadding: {
          size_t n = static_cast<size_t>(std::min<uint64_t>(padding_, data.size()));
          padding_ -= n;
          data.remove_prefix(n);
          if (padding_ == 0) state_ = State::kHeader;
          break;
        }
        case State::kEnd:
          return Status::Ok();  // the zero padding of the last record
      }
    }
    return Status::Ok();
  }

  // REQUIRES: all input fed.
  Status Finish() {
    // Some writers stop after one zero block; anything else is a truncated archive.
    if (state_ == State::kEnd ||
        (state_ == State::kHeader && block_fill_ == 0 && zero_blocks_ == 1)) {
      return Status::Ok();
    }
    return Malformed("tar: archive truncated (no end-of-archive blocks) after " +
                     std::to_string(entries_) + " entries");
  }

 private:
  enum class State { kHeader, kFileData, kMetaData, kPadding, kEnd };

  Status OnHeader() {
    if (std::all_of(block_, block_ + kBlock, [](char c) { return c == 0; })) {
      if (++zero_blocks_ == 2) state_ = State::kEnd;
      return Status::Ok();
    }
    zero_blocks_ = 0;
    ORBIT_RETURN_IF_ERROR(CheckChecksum());
    ++entries_;
    char type = block_[156];
    std::string name;
    if (next_path_) {
      name = std::move(*next_path_);
    } else {
      name = std::string(FieldText(block_, 100));
      // POSIX ustar splits long names into prefix (offset 345) + '/' + name. GNU headers
      // ("ustar  \0") use those bytes for other things.
      bool posix = std::memcmp(block_ + 257, "ustar\0", 6) == 0;
      std::string_view prefix = FieldText(block_ + 345, 155);
      if (posix && !prefix.empty()) name = std::string(prefix) + "/" + name;
    }
    std::optional<uint64_t> size = next_size_ ? next_size_ : ParseNumber(block_ + 124, 12);
    if (!size) return Malformed("tar: bad size field for '" + name + "'");
    auto mtime = ParseNumber(block_ + 136, 12);
    bool is_meta = type == 'L' || type == 'K' || type == 'x' || type == 'g';
    if (!is_meta) {
      next_path_.reset();
      next_size_.reset();
    }
    entry_type_ = type;
    entry_size_ = *size;
    remaining_ = *size;
    if (is_meta) {
      if (*size > kMaxMetaSize) return Malformed("tar: oversized extended header");
      meta_.clear();
      state_ = State::kMetaData;
    } else if (type == '5' || (type == '\0' && !name.empty() && name.back() == '/')) {
      // A directory ('\0' with a trailing '/': pre-POSIX); no data follows its header.
      ORBIT_RETURN_IF_ERROR(MakeDirectory(name));
      state_ = State::kFileData;
      remaining_ = 0;
      entry_size_ = 0;
    } else if (type == '0' || type == '\0' || type == '7') {
      ORBIT_RETURN_IF_ERROR(OpenFile(name, mtime.value_or(0)));
      state_ = State::kFileData;
    } else {
      return Unsupported("tar: entry '" + name + "' has type '" + std::string(1, type) +
                         "'; only regular files and directories are extracted");
    }
    return remaining_ == 0 ? EndEntry() : Status::Ok();
  }

  Status CheckChecksum() const {
    auto stored = ParseNumber(block_ + 148, 8);
    if (!stored) return Malformed("tar: bad header checksum field");
    uint64_t unsigned_sum = 0;
    int64_t signed_sum = 0;
    for (size_t i = 0; i < kBlock; ++i) {
      bool in_field = i >= 148 && i < 156;
      unsigned char u = in_field ? ' ' : static_cast<unsigned char>(block_[i]);
      signed char s = in_field ? ' ' : static_cast<signed char>(block_[i]);
      unsigned_sum += u;
      signed_sum += s;
    }
    if (*stored != unsigned_sum && static_cast<int64_t>(*stored) != signed_sum) {
      return Malformed("tar: header checksum mismatch in entry " + std::to_string(entries_ + 1));
    }
    return Status::Ok();
  }

  Status MakeDirectory(std::string_view name) {
    ORBIT_ASSIGN_OR_RETURN(std::string rel, SafeRelativePath(name));
    if (rel.empty()) return Status::Ok();
    std::error_code ec;
    std::filesystem::create_directories(dest_ + "/" + rel, ec);
    if (ec) return IoError(ec.value(), "mkdir", dest_ + "/" + rel);
    return Status::Ok();
  }

  Status OpenFile(std::string_view name, uint64_t mtime) {
    ORBIT_ASSIGN_OR_RETURN(std::string rel, SafeRelativePath(name));
    if (rel.empty()) return Malformed("tar: regular file named '" + std::string(name) + "'");
    std::string path = dest_ + "/" + rel;
    std::error_code ec;
    std::filesystem::create_directories(std::filesystem::path(path).parent_path(), ec);
    if (ec) return IoError(ec.value(), "mkdir", path);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0644);
    if (fd_ < 0) return IoError(errno, "open", path);
    file_path_ = std::move(path);
    file_mtime_ = mtime;
    return Status::Ok();
  }

  Status WriteAll(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::write(fd_, data.data(), data.size());
      if (n < 0 && errno == EINTR) continue;
      if (n < 0) return IoError(errno, "write", file_path_);
      data.remove_prefix(static_cast<size_t>(n));
    }
    return Status::Ok();
  }

  // The entry's data is complete: close the file or apply the extended header, then skip to the
  // next 512-byte boundary.
  Status EndEntry() {
    if (fd_ >= 0) {
      struct timespec times[2];
      times[0].tv_sec = static_cast<time_t>(file_mtime_);
      times[0].tv_nsec = 0;
      times[1] = times[0];
      int fd = fd_;
      fd_ = -1;
      bool timed = ::futimens(fd, times) == 0;
      int err = errno;
      if (::close(fd) != 0) return IoError(errno, "close", file_path_);
      if (!timed) return IoError(err, "futimens", file_path_);
    } else if (state_ == State::kMetaData) {
      ORBIT_RETURN_IF_ERROR(ApplyMeta());
    }
    padding_ = (kBlock - entry_size_ % kBlock) % kBlock;
    state_ = padding_ == 0 ? State::kHeader : State::kPadding;
    return Status::Ok();
  }

  Status ApplyMeta() {
    if (entry_type_ == 'L') {
      next_path_ = std::string(FieldText(meta_.data(), meta_.size()));
    } else if (entry_type_ == 'x') {
      return ApplyPax();
    }
    return Status::Ok();  // 'K' (long link name) and 'g' (global pax) do not matter here
  }

  // Records "<len> <key>=<value>\n", len counting the whole record.
  Status ApplyPax() {
    std::string_view rest = meta_;
    while (!rest.empty()) {
      size_t space = rest.find(' ');
      if (space == std::string_view::npos || space == 0) return Malformed("tar: bad pax record");
      size_t len = 0;
      for (char c : rest.substr(0, space)) {
        if (c < '0' || c > '9' || len > kMaxMetaSize) return Malformed("tar: bad pax length");
        len = len * 10 + static_cast<size_t>(c - '0');
      }
      if (len <= space + 1 || len > rest.size() || rest[len - 1] != '\n') {
        return Malformed("tar: bad pax record");
      }
      std::string_view record = rest.substr(space + 1, len - space - 2);
      rest.remove_prefix(len);
      size_t eq = record.find('=');
      if (eq == std::string_view::npos) return Malformed("tar: pax record without '='");
      std::string_view key = record.substr(0, eq);
      std::string_view value = record.substr(eq + 1);
      if (key == "path") {
        next_path_ = std::string(value);
      } else if (key == "size") {
        uint64_t v = 0;
        if (value.empty()) return Malformed("tar: bad pax size");
        for (char c : value) {
          if (c < '0' || c > '9' || v >> 59 != 0) return Malformed("tar: bad pax size");
          v = v * 10 + static_cast<uint64_t>(c - '0');
        }
        next_size_ = v;
      }
    }
    return Status::Ok();
  }

  std::string dest_;
  State state_ = State::kHeader;
  char block_[kBlock] = {};
  size_t block_fill_ = 0;
  int zero_blocks_ = 0;
  uint64_t entries_ = 0;

  char entry_type_ = 0;
  uint64_t entry_size_ = 0;
  uint64_t remaining_ = 0;  // data bytes of the current entry still to come
  uint64_t padding_ = 0;    // bytes to the next block boundary
  std::string meta_;        // data of an 'L', 'K', 'x' or 'g' entry
  std::optional<std::string> next_path_;
  std::optional<uint64_t> next_size_;

  int fd_ = -1;
  std::string file_path_;
  uint64_t file_mtime_ = 0;
};

Status CheckDirectory(const std::string& dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) return NotFound("no directory " + dir);
  return Status::Ok();
}

// A sample or file name must name an entry of its directory, not a path.
bool IsPlainName(std::string_view name) {
  return !name.empty() && name != "." && name != ".." && name.find('/') == std::string_view::npos;
}

}  // namespace

TempDir::TempDir(std::string_view prefix) {
  const char* env = std::getenv("TMPDIR");
  std::string base = env != nullptr && *env != '\0' ? env : "/tmp";
  while (base.size() > 1 && base.back() == '/') base.pop_back();
  std::error_code ec;
  base = std::filesystem::absolute(base, ec).string();
  std::string templ = base + "/" + std::string(prefix) + "XXXXXX";
  std::vector<char> buf(templ.begin(), templ.end());
  buf.push_back('\0');
  if (::mkdtemp(buf.data()) == nullptr) {
    std::fprintf(stderr, "TempDir: mkdtemp %s: %s\n", templ.c_str(), std::strerror(errno));
    std::abort();
  }
  path_ = buf.data();
}

TempDir::~TempDir() { RemoveNow(); }

TempDir::TempDir(TempDir&& other) noexcept : path_(std::move(other.path_)) { other.path_.clear(); }

TempDir& TempDir::operator=(TempDir&& other) noexcept {
  if (this != &other) {
    RemoveNow();
    path_ = std::move(other.path_);
    other.path_.clear();
  }
  return *this;
}

void TempDir::RemoveNow() {
  if (path_.empty()) return;
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
  if (ec) std::fprintf(stderr, "TempDir: removing %s: %s\n", path_.c_str(), ec.message().c_str());
  path_.clear();
}

std::string GoldenStoreDir() {
  const char* env = std::getenv("ORBIT_TEST_DATA_DIR");
  return std::string(env != nullptr ? env : ORBIT_TEST_DATA_DIR) + "/golden_store";
}

Status ExtractTar(std::string_view tar, const std::string& dest_dir) {
  ORBIT_RETURN_IF_ERROR(CheckDirectory(dest_dir));
  TarExtractor extractor(dest_dir);
  ORBIT_RETURN_IF_ERROR(extractor.Feed(tar));
  return extractor.Finish();
}

Status ExtractTarZst(const std::string& archive_path, const std::string& dest_dir) {
  ORBIT_RETURN_IF_ERROR(CheckDirectory(dest_dir));
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(archive_path.c_str(), "rb"), &std::fclose);
  if (!in) {
    int err = errno;
    if (err == ENOENT) return NotFound("no archive " + archive_path);
    return IoError(err, "open", archive_path);
  }
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> dctx(ZSTD_createDCtx(), &ZSTD_freeDCtx);
  if (!dctx) return Internal("ZSTD_createDCtx failed");
  std::vector<char> in_buf(ZSTD_DStreamInSize());
  std::vector<char> out_buf(ZSTD_DStreamOutSize());
  TarExtractor extractor(dest_dir);
  size_t last_ret = 1;       // 0 once a frame has been decoded and flushed completely
  bool output_full = false;  // zstd may hold decoded bytes that did not fit: call again
  for (;;) {
    size_t n = std::fread(in_buf.data(), 1, in_buf.size(), in.get());
    if (n == 0 && std::ferror(in.get())) return IoError(errno, "read", archive_path);
    // At the end of the input, another call would only start a new frame and report a size
    // hint instead of the 0 that says the last frame is complete.
    if (n == 0 && !output_full) break;
    ZSTD_inBuffer input{in_buf.data(), n, 0};
    do {
      ZSTD_outBuffer output{out_buf.data(), out_buf.size(), 0};
      size_t ret = ZSTD_decompressStream(dctx.get(), &output, &input);
      if (ZSTD_isError(ret)) {
        return Status(ErrorCode::kCompression,
                      "zstd: " + archive_path + ": " + ZSTD_getErrorName(ret));
      }
      last_ret = ret;
      output_full = output.pos == output.size;
      ORBIT_RETURN_IF_ERROR(extractor.Feed(std::string_view(out_buf.data(), output.pos)));
    } while (input.pos < input.size || output_full);
  }
  if (last_ret != 0) {
    return Status(ErrorCode::kCompression, "zstd: " + archive_path + ": truncated stream");
  }
  return extractor.Finish();
}

Result<std::string> UnpackGoldenStore(std::string_view sample, std::string_view tarball,
                                      const std::string& dest_dir) {
  if (!IsPlainName(sample) || !IsPlainName(tarball)) {
    return InvalidArgument("golden store: bad sample or archive name '" + std::string(sample) +
                           "/" + std::string(tarball) + "'");
  }
  std::string archive = GoldenStoreDir() + "/" + std::string(sample) + "/" + std::string(tarball);
  ORBIT_RETURN_IF_ERROR(ExtractTarZst(archive, dest_dir));
  std::string store = dest_dir + "/store";
  if (!CheckDirectory(store).ok()) return NotFound(archive + " holds no store/ directory");
  return store;
}

Result<std::string> ReadGoldenManifest(std::string_view sample) {
  if (!IsPlainName(sample)) {
    return InvalidArgument("golden store: bad sample name '" + std::string(sample) + "'");
  }
  std::string path = GoldenStoreDir() + "/" + std::string(sample) + "/MANIFEST.json";
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("no manifest " + path);
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad()) return IoError(errno, "read", path);
  return text.str();
}

}  // namespace orbit::testing
