// orbit-store bench, run briefly: the report has both ceilings and every case with a positive
// rate, the temporary directories are gone afterwards, and bad options stop it before anything
// is measured. No figure is checked beyond "more than zero": the machine may be slow or busy.

#include <gtest/gtest.h>

#include <filesystem>
#include <sstream>
#include <string>
#include <vector>

#include "apps/store/store_tool.h"
#include "apps/store/tests/run_tool.h"
#include "golden/golden_store.h"
#include "protocol/json.h"

namespace orbit::store_tool {
namespace {

using orbit::protocol::JsonValue;
using orbit::testing::TempDir;

Output RunBenchTool(std::vector<std::string> args) {
  args.insert(args.begin(), "bench");
  return RunTool(std::move(args));
}

// A number member; -1 when absent or not a number.
double Num(const JsonValue& v, std::string_view key) {
  const JsonValue* f = v.Find(key);
  if (f == nullptr) return -1;
  auto d = f->AsDouble();
  return d.ok() ? *d : -1;
}

// The bench refuses to run with less than 2 GiB free; a test machine may not have it.
bool EnoughSpace(const TempDir& dir) {
  std::error_code ec;
  auto space = std::filesystem::space(dir.path(), ec);
  return !ec && space.available > (uint64_t{3} << 30);
}

TEST(StoreToolBenchTest, JsonHasCeilingsAndEveryCase) {
  TempDir dir;
  if (!EnoughSpace(dir)) GTEST_SKIP() << "less than 3 GiB free under " << dir.path();
  Output o = RunBenchTool({"--seconds", "0.2", "--sizes", "128", "--writers", "1,2", "--modes",
                           "async,sync", "--json", "--dir", dir.path()});
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  auto json = protocol::ParseJson(o.out);
  ASSERT_TRUE(json.ok()) << o.out;
  const JsonValue* ceilings = json->Find("ceilings");
  ASSERT_NE(ceilings, nullptr) << o.out;
  EXPECT_GT(Num(*ceilings, "buffered_write_MB_per_s"), 0) << o.out;
  EXPECT_GT(Num(*ceilings, "fdatasync_ops_per_s"), 0) << o.out;
  EXPECT_EQ(Num(*json, "failures"), 0) << o.out;

  const JsonValue* cases = json->Find("cases");
  ASSERT_NE(cases, nullptr) << o.out;
  std::vector<std::string> names;
  for (const JsonValue& c : cases->items()) {
    const std::string name = c.Find("name") != nullptr ? c.Find("name")->text() : "";
    names.push_back(name);
    EXPECT_GT(Num(c, "msg_per_s"), 0) << name;
    EXPECT_GT(Num(c, "MB_per_s"), 0) << name;
    EXPECT_GT(Num(c, "messages"), 0) << name;
    EXPECT_EQ(Num(c, "failures"), 0) << name;
    EXPECT_EQ(Num(c, "size"), 128) << name;
    const std::string mode = c.Find("mode") != nullptr ? c.Find("mode")->text() : "";
    if (mode == "async") {
      EXPECT_GT(Num(c, "ratio_to_buffered_write"), 0) << name;
      EXPECT_GE(Num(c, "dispatch_behind_MB"), 0) << name;
    } else if (mode == "sync") {
      EXPECT_GT(Num(c, "ratio_to_fdatasync"), 0) << name;
      EXPECT_GT(Num(c, "puts_per_flush"), 0) << name;
    } else {
      EXPECT_EQ(mode, "read") << name;
    }
  }
  EXPECT_EQ(names, (std::vector<std::string>{"async 128B 1 writer", "async 128B 2 writers",
                                             "sync 128B 1 in flight", "sync 128B 2 in flight",
                                             "read 128B"}));
  // Every temporary directory is gone.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(StoreToolBenchTest, TableByDefault) {
  TempDir dir;
  if (!EnoughSpace(dir)) GTEST_SKIP() << "less than 3 GiB free under " << dir.path();
  Output o = RunBenchTool({"--seconds", "0.05", "--sizes", "64", "--writers", "4", "--modes",
                           "sync", "--dir", dir.path()});
  ASSERT_EQ(o.code, kExitOk) << o.err << o.out;
  EXPECT_NE(o.out.find("ceilings:"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("MB/s"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("ops/s"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\nsync 64B 4 in flight"), std::string::npos) << o.out;
  EXPECT_NE(o.out.find("\nread 64B"), std::string::npos) << o.out;
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));
}

TEST(StoreToolBenchTest, BadOptionsAreUsageErrors) {
  TempDir dir;
  struct BadCase {
    std::vector<std::string> args;
    std::string message;  // part of what stderr must say
  };
  const std::vector<BadCase> cases = {
      {{"--sizes", "0"}, "--sizes"},
      {{"--sizes", "4194305"}, "--sizes"},
      {{"--sizes", "abc"}, "--sizes"},
      {{"--writers", "0"}, "--writers"},
      {{"--writers", "1025"}, "--writers"},
      {{"--modes", "fast"}, "unknown mode 'fast'"},
      {{"--modes", "async,fast"}, "unknown mode 'fast'"},
      {{"--seconds", "0"}, "--seconds"},
      {{"--seconds", "-1"}, "--seconds"},
      {{"--dir", dir.path() + "/missing"}, "not a directory"},
  };
  for (const BadCase& c : cases) {
    std::vector<std::string> args = c.args;
    if (args[0] != "--dir") args.insert(args.end(), {"--dir", dir.path()});
    Output o = RunBenchTool(args);
    EXPECT_EQ(o.code, kExitUsage) << c.args[0] << " " << c.args[1] << ": " << o.out;
    EXPECT_NE(o.err.find(c.message), std::string::npos) << c.args[1] << ": " << o.err;
    EXPECT_EQ(o.out, "") << c.args[1];
  }
  // Nothing was measured.
  EXPECT_TRUE(std::filesystem::is_empty(dir.path()));

  Output help = RunBenchTool({"--help"});
  EXPECT_EQ(help.code, kExitOk);
  EXPECT_NE(help.out.find("fdatasync"), std::string::npos) << help.out;
  EXPECT_NE(help.out.find("--writers"), std::string::npos) << help.out;
}

}  // namespace
}  // namespace orbit::store_tool
