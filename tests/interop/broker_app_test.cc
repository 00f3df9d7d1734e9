// orbit-broker's and orbit-server's command lines as an operator meets them: -c with Apache's keys,
// unknown keys warned about, an invalid value refused with a message naming the key, -p printing
// the effective config.

#include <gtest/gtest.h>

#include <fstream>

#include "golden/golden_store.h"
#include "interop/process.h"

namespace orbit::testing {
namespace {

struct BrokerRun {
  int code;
  std::string output;
};

BrokerRun RunBroker(const TempDir& dir, const std::string& conf, std::vector<std::string> args) {
  std::string conf_path = dir.path() + "/broker.conf";
  std::ofstream(conf_path) << conf;
  std::string out = dir.path() + "/out.txt";
  std::ofstream(out, std::ios::trunc).close();
  std::vector<std::string> argv = {ORBIT_BROKER_BINARY, "-c", conf_path};
  argv.insert(argv.end(), args.begin(), args.end());
  auto p = ChildProcess::Start(argv, out);
  if (!p) return {-1, "cannot start"};
  auto code = p->Wait(std::chrono::seconds(20));
  return {code.value_or(-2), ReadFile(out)};
}

TEST(BrokerApp, PrintsTheEffectiveConfigWithTheFilesKeys) {
  TempDir dir("orbit-broker-app-");
  BrokerRun r = RunBroker(dir,
                          "brokerClusterName=GoldenCluster\nbrokerName=broker-x\nlistenPort=10921\n"
                          "flushDiskType=SYNC_FLUSH\ndeleteWhen=03\nnamesrvAddr=127.0.0.1:9876\n",
                          {"-p"});
  EXPECT_EQ(r.code, 0) << r.output;
  for (const char* line : {"brokerClusterName=GoldenCluster", "brokerName=broker-x",
                           "listenPort=10921", "flushDiskType=SYNC_FLUSH", "deleteWhen=03",
                           "fileReservedTime=72", "autoCreateTopicEnable=true"}) {
    EXPECT_NE(r.output.find(line), std::string::npos) << line << " missing in:\n" << r.output;
  }
}

TEST(BrokerApp, TheConfigFileIsWhereConfigUpdatesAreSaved) {
  TempDir dir("orbit-broker-app-");
  BrokerRun r = RunBroker(dir, "brokerName=b\n", {"-p"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("brokerConfigPath=" + dir.path() + "/broker.conf\n"), std::string::npos)
      << r.output;
}

TEST(ServerApp, ReadsAndSavesConfigInTheDataDirectory) {
  TempDir dir("orbit-server-app-");
  std::ofstream(dir.path() + "/broker.conf") << "fileReservedTime=5\n";
  std::string out = dir.path() + "/out.txt";
  auto p = ChildProcess::Start({ORBIT_SERVER_BINARY, "--data-dir", dir.path(), "-p"}, out);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->Wait(std::chrono::seconds(20)).value_or(-2), 0);
  std::string printed = ReadFile(out);
  EXPECT_NE(printed.find("fileReservedTime=5\n"), std::string::npos) << printed;
  EXPECT_NE(printed.find("brokerConfigPath=" + dir.path() + "/broker.conf\n"), std::string::npos)
      << printed;
}

TEST(BrokerApp, WarnsAboutUnknownKeys) {
  TempDir dir("orbit-broker-app-");
  BrokerRun r = RunBroker(dir, "brokerName=b\nnoSuchKey=1\n", {"-p"});
  EXPECT_EQ(r.code, 0) << r.output;
  EXPECT_NE(r.output.find("unknown key noSuchKey"), std::string::npos) << r.output;
}

TEST(BrokerApp, RefusesAnInvalidValueNamingTheKey) {
  TempDir dir("orbit-broker-app-");
  for (const char* conf : {"listenPort=abc\n", "brokerRole=MASTERX\n", "flushDiskType=SOMETIMES\n",
                           "namesrvAddr=host-without-port\n"}) {
    BrokerRun r = RunBroker(dir, conf, {"-p"});
    EXPECT_EQ(r.code, 2) << conf << r.output;
    std::string key(conf, std::string(conf).find('='));
    EXPECT_NE(r.output.find(key), std::string::npos) << "message does not name " << key << ":\n"
                                                     << r.output;
  }
}

}  // namespace
}  // namespace orbit::testing
