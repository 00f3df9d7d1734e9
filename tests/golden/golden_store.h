#pragma once

// Test support for the golden Apache RocketMQ 4.9.8 stores in tests/data/golden_store/<sample>/
// (see the README there): a temporary directory that removes itself, and an unpacker for the
// stores' `.tar.zst` archives, so that each test works on a fresh, writable copy.
//
// The archives are read with libzstd (streaming) and a small tar reader written for them. It
// understands ustar, GNU tar and pax archives as far as regular files and directories go:
// 512-byte blocks, octal (or GNU base-256) size fields, GNU long names ('L'), pax extended
// headers ('x': `path` and `size` applied, the rest ignored; 'g' ignored). Any other entry type
// (links, devices, FIFOs) is refused, as are absolute paths and paths with a ".." component.
// Regular files get their mtime from the archive (as `tar -x` does: retention looks at file
// times) and modes 0644; directories 0755, so the copy is always writable by its owner.
//
// Thread safety: the functions are independent of each other and may run concurrently as long as
// their destination directories differ.

#include <string>
#include <string_view>

#include "base/status.h"

namespace orbit::testing {

// A fresh directory made with mkdtemp(3) under $TMPDIR (or /tmp when unset), removed with all its
// contents when the object is destroyed. Aborts the process when the directory cannot be made:
// no test can go on without it.
class TempDir {
 public:
  explicit TempDir(std::string_view prefix = "orbit-test-");
  ~TempDir();
  TempDir(TempDir&& other) noexcept;
  TempDir& operator=(TempDir&& other) noexcept;
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  // Absolute path without a trailing '/'. Empty after being moved from.
  const std::string& path() const { return path_; }

 private:
  void RemoveNow();

  std::string path_;
};

// tests/data/golden_store (ORBIT_TEST_DATA_DIR from the environment overrides the built-in path,
// as for the frame captures in golden.h).
std::string GoldenStoreDir();

// Unpacks tests/data/golden_store/<sample>/<tarball> (e.g. "sample-a-clean", "store.tar.zst")
// into `dest_dir`, which must exist, and returns the path of the unpacked `store` directory
// (<dest_dir>/store). kNotFound when the sample or the archive does not exist or holds no
// store/ directory; kCompression for a corrupt zstd stream; kMalformed for a bad tar (checksum,
// truncation, unsafe path); kUnsupported for entry types other than files and directories;
// kIoError when writing fails.
Result<std::string> UnpackGoldenStore(std::string_view sample, std::string_view tarball,
                                      const std::string& dest_dir);

// The text of tests/data/golden_store/<sample>/MANIFEST.json; kNotFound when it is missing.
Result<std::string> ReadGoldenManifest(std::string_view sample);

// The building blocks of UnpackGoldenStore, for other archives and for tests of the reader.
// Extracts a zstd-compressed tar file into `dest_dir` (which must exist), streaming.
Status ExtractTarZst(const std::string& archive_path, const std::string& dest_dir);
// Extracts an uncompressed tar held in memory into `dest_dir` (which must exist).
Status ExtractTar(std::string_view tar, const std::string& dest_dir);

}  // namespace orbit::testing
