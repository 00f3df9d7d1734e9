// The golden store unpacker: the archives unpack to exactly the layout their READMEs document,
// and the tar reader handles GNU and pax headers and refuses what it must.

#include "golden/golden_store.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>

namespace orbit::testing {
namespace {

namespace fs = std::filesystem;

// Regular files below `root`, by path relative to `root`, with their sizes.
std::map<std::string, uint64_t> ListFiles(const std::string& root) {
  std::map<std::string, uint64_t> files;
  for (const auto& e : fs::recursive_directory_iterator(root)) {
    if (e.is_regular_file()) {
      files[fs::relative(e.path(), root).string()] = static_cast<uint64_t>(e.file_size());
    }
  }
  return files;
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// The "Layout inside store.tar.zst (bytes, path)" block of a sample's README.md.
std::map<std::string, uint64_t> ReadmeLayout(const std::string& sample) {
  std::istringstream in(ReadText(GoldenStoreDir() + "/" + sample + "/README.md"));
  std::map<std::string, uint64_t> files;
  std::string line;
  bool in_section = false;
  bool in_block = false;
  while (std::getline(in, line)) {
    if (line.rfind("## ", 0) == 0)
      in_section = line.rfind("## Layout inside store.tar.zst", 0) == 0;
    if (!in_section) continue;
    if (line.rfind("```", 0) == 0) {
      if (in_block) break;
      in_block = true;
      continue;
    }
    if (!in_block) continue;
    std::istringstream fields(line);
    uint64_t size = 0;
    std::string path;
    if (fields >> size >> path) files[path] = size;
  }
  return files;
}

TEST(TempDirTest, CreatesAndRemovesItsDirectory) {
  std::string path;
  {
    TempDir dir;
    path = dir.path();
    ASSERT_FALSE(path.empty());
    EXPECT_EQ(path.front(), '/');
    ASSERT_TRUE(fs::is_directory(path));
    fs::create_directories(path + "/a/b");
    std::ofstream(path + "/a/b/file") << "x";
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(TempDirTest, MoveTransfersOwnership) {
  TempDir a("orbit-move-");
  std::string path = a.path();
  EXPECT_NE(path.find("orbit-move-"), std::string::npos);
  {
    TempDir b(std::move(a));
    EXPECT_TRUE(a.path().empty());
    EXPECT_EQ(b.path(), path);
    EXPECT_TRUE(fs::is_directory(path));
  }
  EXPECT_FALSE(fs::exists(path));
}

TEST(GoldenStoreTest, SampleAUnpacksToTheReadmeLayout) {
  auto expected = ReadmeLayout("sample-a-clean");
  ASSERT_EQ(expected.size(), 35u);  // guards the README parser
  EXPECT_EQ(expected["store/lock"], 4u);
  EXPECT_EQ(expected["store/commitlog/00000000000003145728"], 1048576u);

  TempDir dir;
  auto store = UnpackGoldenStore("sample-a-clean", "store.tar.zst", dir.path());
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_EQ(*store, dir.path() + "/store");
  EXPECT_EQ(ListFiles(dir.path()), expected);

  EXPECT_EQ(ReadText(*store + "/lock"), "lock");
  EXPECT_FALSE(fs::exists(*store + "/abort"));
  uint64_t total = 0;
  for (const auto& [path, size] : expected) total += size;
  EXPECT_EQ(total, 4482115u);  // README: 4,482,115 bytes unpacked

  // Times come from the archive, as with tar -x (2026-11-21 13:54:18 UTC).
  struct stat st;
  ASSERT_EQ(::stat((*store + "/lock").c_str(), &st), 0);
  EXPECT_EQ(st.st_mtime, 1795269258);
  // Owner-writable, so tests may modify their copy.
  EXPECT_NE(st.st_mode & S_IWUSR, 0u);
}

TEST(GoldenStoreTest, SampleBCrashedAndRecoveredCopies) {
  TempDir crashed_dir;
  auto crashed = UnpackGoldenStore("sample-b-crash", "store.tar.zst", crashed_dir.path());
  ASSERT_TRUE(crashed.ok()) << crashed.status().ToString();
  TempDir recovered_dir;
  auto recovered =
      UnpackGoldenStore("sample-b-crash", "java-recovered-store.tar.zst", recovered_dir.path());
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();

  // README: abort file and a pre-allocated third commit-log file after the kill; Java's
  // recovery deleted both.
  EXPECT_TRUE(fs::exists(*crashed + "/abort"));
  EXPECT_EQ(fs::file_size(*crashed + "/commitlog/00000000000002097152"), 1048576u);
  EXPECT_FALSE(fs::exists(*recovered + "/abort"));
  EXPECT_FALSE(fs::exists(*recovered + "/commitlog/00000000000002097152"));
  uint64_t total = 0;
  for (const auto& [path, size] : ListFiles(crashed_dir.path())) total += size;
  EXPECT_EQ(total, 3261826u);  // README: 3,261,826 bytes unpacked
}

TEST(GoldenStoreTest, Manifest) {
  auto manifest = ReadGoldenManifest("sample-a-clean");
  ASSERT_TRUE(manifest.ok()) << manifest.status().ToString();
  EXPECT_NE(manifest->find("\"sample\": \"A-clean\""), std::string::npos);
  EXPECT_EQ(ReadGoldenManifest("no-such-sample").status().code(), ErrorCode::kNotFound);
  EXPECT_EQ(ReadGoldenManifest("../golden").status().code(), ErrorCode::kInvalidArgument);
}

TEST(GoldenStoreTest, BadNames) {
  TempDir dir;
  EXPECT_EQ(UnpackGoldenStore("sample-a-clean", "nope.tar.zst", dir.path()).status().code(),
            ErrorCode::kNotFound);
  EXPECT_EQ(UnpackGoldenStore("..", "store.tar.zst", dir.path()).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(UnpackGoldenStore("sample-a-clean", "../README.md", dir.path()).status().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(
      UnpackGoldenStore("sample-a-clean", "store.tar.zst", dir.path() + "/missing").status().code(),
      ErrorCode::kNotFound);
}

TEST(GoldenStoreTest, CorruptOrTruncatedZstd) {
  TempDir dir;
  std::ofstream(dir.path() + "/bad.tar.zst") << "this is not a zstd frame";
  fs::create_directory(dir.path() + "/out");
  EXPECT_EQ(ExtractTarZst(dir.path() + "/bad.tar.zst", dir.path() + "/out").code(),
            ErrorCode::kCompression);
  // A cut-off archive: the stream ends inside a zstd frame.
  std::string whole = ReadText(GoldenStoreDir() + "/sample-b-crash/store.tar.zst");
  std::ofstream(dir.path() + "/cut.tar.zst", std::ios::binary) << whole.substr(0, whole.size() / 2);
  EXPECT_EQ(ExtractTarZst(dir.path() + "/cut.tar.zst", dir.path() + "/out").code(),
            ErrorCode::kCompression);
}

// --- The tar reader on hand-made archives. ---

struct HeaderSpec {
  std::string name;
  char type = '0';
  uint64_t size = 0;
  bool posix = true;  // "ustar\0" "00" (else GNU "ustar  \0")
  std::string prefix;
};

void PutOctal(std::string* h, size_t offset, size_t width, uint64_t value) {
  char buf[32];
  std::snprintf(buf, sizeof(buf), "%0*llo", static_cast<int>(width - 1),
                static_cast<unsigned long long>(value));
  std::memcpy(h->data() + offset, buf, width - 1);  // NUL left in place
}

std::string Header(const HeaderSpec& spec) {
  std::string h(512, '\0');
  std::memcpy(h.data(), spec.name.data(), std::min<size_t>(spec.name.size(), 100));
  PutOctal(&h, 100, 8, 0644);
  PutOctal(&h, 108, 8, 0);
  PutOctal(&h, 116, 8, 0);
  PutOctal(&h, 124, 12, spec.size);
  PutOctal(&h, 136, 12, 1700000000);
  h[156] = spec.type;
  std::memcpy(h.data() + 257,
              spec.posix ? "ustar\0"
                           "00"
                         : "ustar  \0",
              8);
  std::memcpy(h.data() + 345, spec.prefix.data(), std::min<size_t>(spec.prefix.size(), 155));
  std::memset(h.data() + 148, ' ', 8);
  unsigned sum = 0;
  for (char c : h) sum += static_cast<unsigned char>(c);
  char buf[8];
  std::snprintf(buf, sizeof(buf), "%06o", sum);
  std::memcpy(h.data() + 148, buf, 7);  // six digits, NUL, and the space already there
  return h;
}

std::string Entry(HeaderSpec spec, const std::string& data) {
  spec.size = data.size();
  std::string out = Header(spec) + data;
  out.append((512 - data.size() % 512) % 512, '\0');
  return out;
}

std::string EndOfArchive() { return std::string(1024, '\0'); }

std::string PaxRecord(const std::string& key, const std::string& value) {
  std::string body = " " + key + "=" + value + "\n";
  size_t len = body.size() + 1;
  while (std::to_string(len).size() + body.size() != len) ++len;
  return std::to_string(len) + body;
}

TEST(TarReaderTest, FilesDirectoriesAndLongNames) {
  std::string long_name = "store/" + std::string(120, 'n') + "/file";
  std::string tar =
      Entry({"store/", '5'}, "") + Entry({"store/a.txt"}, "hello") + Entry({"./store/empty"}, "") +
      Entry({"././@LongLink", 'L', 0, false}, long_name + std::string(1, '\0')) +
      Entry({"truncated-name", '0', 0, false}, std::string(700, 'x')) +
      Entry({"ignored", 'x'},
            PaxRecord("path", "store/pax name") + PaxRecord("mtime", "1700000000.5")) +
      Entry({"store/short"}, "pax") +
      Entry({"name.txt", '0', 0, true, "store/prefixed"}, "prefix") + EndOfArchive() +
      std::string(4096, '\0');
  TempDir dir;
  Status s = ExtractTar(tar, dir.path());
  ASSERT_TRUE(s.ok()) << s.ToString();
  std::map<std::string, uint64_t> expected = {{"store/a.txt", 5},
                                              {"store/empty", 0},
                                              {long_name, 700},
                                              {"store/pax name", 3},
                                              {"store/prefixed/name.txt", 6}};
  EXPECT_EQ(ListFiles(dir.path()), expected);
  EXPECT_EQ(ReadText(dir.path() + "/store/a.txt"), "hello");
  EXPECT_EQ(ReadText(dir.path() + "/store/pax name"), "pax");
}

TEST(TarReaderTest, RefusesUnsafePaths) {
  for (std::string name : {"../evil", "store/../../evil", "/tmp/evil", "a/.."}) {
    TempDir dir;
    Status s = ExtractTar(Entry({name}, "x") + EndOfArchive(), dir.path());
    EXPECT_EQ(s.code(), ErrorCode::kMalformed) << name;
  }
  TempDir dir;
  std::string pax = Entry({"h", 'x'}, PaxRecord("path", "../evil"));
  EXPECT_EQ(ExtractTar(pax + Entry({"fine"}, "x") + EndOfArchive(), dir.path()).code(),
            ErrorCode::kMalformed);
  EXPECT_FALSE(fs::exists(fs::path(dir.path()).parent_path() / "evil"));
}

TEST(TarReaderTest, RefusesLinksAndDevices) {
  for (char type : {'1', '2', '3', '4', '6'}) {
    TempDir dir;
    EXPECT_EQ(ExtractTar(Entry({"store/link", type}, "") + EndOfArchive(), dir.path()).code(),
              ErrorCode::kUnsupported)
        << type;
  }
}

TEST(TarReaderTest, RefusesCorruptArchives) {
  TempDir dir;
  std::string good = Entry({"f"}, "data") + EndOfArchive();
  std::string bad_sum = good;
  bad_sum[0] = 'g';
  EXPECT_EQ(ExtractTar(bad_sum, dir.path()).code(), ErrorCode::kMalformed);
  // Cut inside the data, inside a header, and before the end-of-archive blocks.
  EXPECT_EQ(ExtractTar(good.substr(0, 514), dir.path()).code(), ErrorCode::kMalformed);
  EXPECT_EQ(ExtractTar(good.substr(0, 100), dir.path()).code(), ErrorCode::kMalformed);
  EXPECT_EQ(ExtractTar(good.substr(0, 1024), dir.path()).code(), ErrorCode::kMalformed);
  EXPECT_TRUE(ExtractTar(good, dir.path()).ok());
  std::string bad_pax = Entry({"h", 'x'}, "99 path=x\n") + good;
  EXPECT_EQ(ExtractTar(bad_pax, dir.path()).code(), ErrorCode::kMalformed);
}

}  // namespace
}  // namespace orbit::testing
