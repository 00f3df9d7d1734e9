// Interop with a client we did not write: ali-ons (npm, pure JavaScript RocketMQ client) produces
// 200 messages with keys and tags to orbit-server (a real process) and consumes them with a push
// consumer group; every message must arrive exactly once, intact (tests/interop/ali-ons).

#include <gtest/gtest.h>

#include <csignal>
#include <filesystem>

#include "golden/golden_store.h"
#include "interop/orbit_server_process.h"

namespace orbit::testing {
namespace {

TEST(AliOnsInterop, ProducesAndConsumes200MessagesExactlyOnce) {
  const std::string script_dir = std::string(ORBIT_SOURCE_DIR) + "/tests/interop/ali-ons";
  ASSERT_TRUE(std::filesystem::exists(script_dir + "/node_modules/ali-ons"))
      << "ali-ons is not installed: run scripts/deps.sh (npm ci in tests/interop/ali-ons)";
  std::string node = FindInPath("node");
  ASSERT_FALSE(node.empty()) << "node is not installed: run scripts/deps.sh";

  TempDir dir("orbit-ali-ons-");
  auto server = OrbitServerProcess::Start(dir.path());
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  ASSERT_TRUE((*server)->CreateTopic("AliOnsInterop", 4).ok());

  std::string out = dir.path() + "/node.out";
  auto js = ChildProcess::Start({node, script_dir + "/interop.js", (*server)->namesrv_addr(),
                                 "AliOnsInterop", "200", "90000"},
                                out, script_dir);
  ASSERT_TRUE(js.has_value());
  auto code = js->Wait(std::chrono::seconds(150));
  std::string output = ReadFile(out);
  ASSERT_TRUE(code.has_value()) << "ali-ons did not finish in time:\n" << output;
  EXPECT_EQ(*code, 0) << output << "\nserver log:\n" << ReadFile((*server)->log_path());
  EXPECT_NE(output.find("\"sent\":200,\"received\":200,\"duplicates\":0,\"missing\":0"),
            std::string::npos)
      << output;

  (*server)->process().Signal(SIGTERM);
  auto server_code = (*server)->process().Wait(std::chrono::seconds(20));
  ASSERT_TRUE(server_code.has_value()) << "orbit-server did not stop on SIGTERM";
  EXPECT_EQ(*server_code, 0);
}

}  // namespace
}  // namespace orbit::testing
