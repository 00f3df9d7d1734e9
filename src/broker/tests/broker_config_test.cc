#include "broker/broker_config.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <set>
#include <sstream>

namespace orbit::broker {
namespace {

// The value of `key` in `config` as the table prints it.
std::string Get(const BrokerConfig& config, const std::string& key) {
  for (const auto& f : BrokerConfigFields()) {
    if (f.key == key) return f.get(config);
  }
  ADD_FAILURE() << "no key " << key;
  return "";
}

// A config that passes Validate() without depending on the machine.
BrokerConfig ValidConfig() {
  BrokerConfig c;
  c.broker_name = "broker-a";
  c.broker_ip1 = "10.0.0.1";
  c.broker_ip2 = "10.0.0.1";
  c.namesrv_addr = "127.0.0.1:9876";
  c.store.store_path_root_dir = "/tmp/orbit-store";
  return c;
}

// Sets an environment variable for one test and restores it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_.c_str(), old_->c_str(), 1);
    } else {
      unsetenv(name_.c_str());
    }
  }

 private:
  std::string name_;
  std::optional<std::string> old_;
};

TEST(BrokerConfigTest, DefaultsAreApaches) {
  BrokerConfig c;
  EXPECT_EQ(Get(c, "brokerClusterName"), "DefaultCluster");
  EXPECT_EQ(Get(c, "brokerId"), "0");
  EXPECT_EQ(Get(c, "brokerRole"), "ASYNC_MASTER");
  EXPECT_EQ(Get(c, "brokerPermission"), "6");
  EXPECT_EQ(Get(c, "defaultTopicQueueNums"), "8");
  EXPECT_EQ(Get(c, "autoCreateTopicEnable"), "true");
  EXPECT_EQ(Get(c, "msgTraceTopicName"), "RMQ_SYS_TRACE_TOPIC");
  EXPECT_EQ(Get(c, "listenPort"), "10911");
  EXPECT_EQ(Get(c, "longPollingEnable"), "true");
  EXPECT_EQ(Get(c, "shortPollingTimeMills"), "1000");
  EXPECT_EQ(Get(c, "flushConsumerOffsetInterval"), "5000");
  EXPECT_EQ(Get(c, "transactionTimeOut"), "6000");
  EXPECT_EQ(Get(c, "transactionCheckMax"), "15");
  EXPECT_EQ(Get(c, "transactionCheckInterval"), "60000");
  EXPECT_EQ(Get(c, "registerNameServerPeriod"), "30000");
  EXPECT_EQ(Get(c, "registerBrokerTimeoutMills"), "6000");
  EXPECT_EQ(Get(c, "aclEnable"), "false");
  EXPECT_EQ(Get(c, "consumerFallbehindThreshold"), "17179869184");
  // MessageStoreConfig's keys, in the same table.
  EXPECT_EQ(Get(c, "flushDiskType"), "ASYNC_FLUSH");
  EXPECT_EQ(Get(c, "fileReservedTime"), "72");
  EXPECT_EQ(Get(c, "deleteWhen"), "04");
  EXPECT_EQ(Get(c, "mappedFileSizeCommitLog"), "1073741824");
  EXPECT_EQ(Get(c, "mappedFileSizeConsumeQueue"), "6000000");
  EXPECT_EQ(Get(c, "maxMessageSize"), "4194304");
  EXPECT_EQ(Get(c, "diskMaxUsedSpaceRatio"), "75");
}

TEST(BrokerConfigTest, MachineDefaults) {
  ScopedEnv home("HOME", "/home/tester");
  ScopedEnv namesrv("NAMESRV_ADDR", "10.0.0.9:9876");
  {
    ScopedEnv rocketmq_home("ROCKETMQ_HOME", "/opt/rocketmq");
    BrokerConfig c = BrokerConfig::Defaults();
    EXPECT_EQ(c.rocketmq_home, "/opt/rocketmq");
    EXPECT_EQ(c.acl_file, "/opt/rocketmq/conf/plain_acl.yml");
  }
  ScopedEnv rocketmq_home("ROCKETMQ_HOME", nullptr);
  BrokerConfig c = BrokerConfig::Defaults();
  EXPECT_EQ(c.rocketmq_home, "");
  EXPECT_EQ(c.acl_file, "/home/tester/conf/plain_acl.yml");
  EXPECT_EQ(c.namesrv_addr, "10.0.0.9:9876");
  EXPECT_EQ(c.log_dir, "/home/tester/logs/orbit");
  EXPECT_EQ(c.store.store_path_root_dir, "/home/tester/store");
  EXPECT_FALSE(c.broker_name.empty());
  EXPECT_EQ(c.broker_ip2, c.broker_ip1);
  in_addr addr{};
  ASSERT_EQ(inet_pton(AF_INET, c.broker_ip1.c_str(), &addr), 1) << c.broker_ip1;
  if (c.broker_ip1 != "127.0.0.1") {
    EXPECT_NE(c.broker_ip1.rfind("127.", 0), 0u) << c.broker_ip1;
  }
  EXPECT_EQ(c.BrokerAddr(), c.broker_ip1 + ":10911");
  EXPECT_TRUE(c.Validate().ok()) << c.Validate().ToString();
}

TEST(BrokerConfigTest, PropertiesSetBrokerAndStoreKeys) {
  BrokerConfig c;
  std::vector<std::string> unknown;
  Status st = ApplyBrokerProperties(
      "# broker.conf as Apache ships it\n"
      "brokerClusterName = DefaultCluster\n"
      "brokerName = broker-a\n"
      "brokerId = 1\n"
      "brokerRole = SLAVE\n"
      "namesrvAddr=10.0.0.1:9876;10.0.0.2:9876\n"
      "brokerIP1=192.168.1.5\n"
      "listenPort=10921\n"
      "autoCreateTopicEnable=false\n"
      "transactionTimeOut=3000\n"
      "aclEnable=TRUE\n"
      "deleteWhen = 04;16\n"
      "fileReservedTime = 48\n"
      "flushDiskType = SYNC_FLUSH\n"
      "storePathRootDir=/data/store\n",
      &c, &unknown);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(unknown.empty());
  EXPECT_EQ(c.broker_name, "broker-a");
  EXPECT_EQ(c.broker_id, 1);
  EXPECT_TRUE(c.IsSlave());
  EXPECT_EQ(c.NamesrvAddrs(), (std::vector<std::string>{"10.0.0.1:9876", "10.0.0.2:9876"}));
  EXPECT_EQ(c.BrokerAddr(), "192.168.1.5:10921");
  EXPECT_FALSE(c.auto_create_topic_enable);
  EXPECT_EQ(c.transaction_timeout, 3000);
  EXPECT_TRUE(c.acl_enable);
  EXPECT_EQ(c.store.delete_when, "04;16");
  EXPECT_EQ(c.store.file_reserved_time, 48);
  EXPECT_EQ(c.store.flush_type(), store::FlushDiskType::kSyncFlush);
  EXPECT_EQ(c.store.store_path_root_dir, "/data/store");
  EXPECT_TRUE(c.Validate().ok()) << c.Validate().ToString();
}

TEST(BrokerConfigTest, UnknownKeysAreReportedNotApplied) {
  BrokerConfig c;
  std::vector<std::string> unknown;
  Status st =
      ApplyBrokerProperties("brokerName=b\nnoSuchKey=1\nbrokerIp1=10.1.1.1\n", &c, &unknown);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_EQ(unknown, (std::vector<std::string>{"noSuchKey", "brokerIp1"}));
  BrokerConfig expected;
  expected.broker_name = "b";
  EXPECT_EQ(FormatBrokerConfig(c), FormatBrokerConfig(expected));
}

TEST(BrokerConfigTest, BadValueNamesTheKey) {
  for (const char* text : {"listenPort=abc", "autoCreateTopicEnable=maybe",
                           "brokerPermission=99999999999", "fileReservedTime=3d"}) {
    BrokerConfig c;
    std::vector<std::string> unknown;
    Status st = ApplyBrokerProperties(text, &c, &unknown);
    ASSERT_FALSE(st.ok()) << text;
    std::string key(text, std::string_view(text).find('='));
    EXPECT_NE(st.message().find(key), std::string::npos) << st.message();
  }
}

TEST(BrokerConfigTest, ValidateNamesTheKey) {
  ASSERT_TRUE(ValidConfig().Validate().ok()) << ValidConfig().Validate().ToString();
  struct Case {
    const char* properties;
    const char* key;
  };
  for (const Case& t : std::vector<Case>{
           {"brokerRole=MASTERX", "brokerRole"},
           {"brokerRole=SLAVE\nbrokerId=0", "brokerId"},
           {"brokerRole=SLAVE\nbrokerId=-1", "brokerId"},
           {"brokerRole=SYNC_MASTER\nbrokerId=2", "brokerId"},
           {"listenPort=70000", "listenPort"},
           {"listenPort=-1", "listenPort"},
           {"brokerPermission=8", "brokerPermission"},
           {"defaultTopicQueueNums=0", "defaultTopicQueueNums"},
           {"namesrvAddr=host:notaport", "namesrvAddr"},
           {"namesrvAddr=127.0.0.1:9876;10.0.0.2", "namesrvAddr"},
           {"namesrvAddr=:9876", "namesrvAddr"},
           {"namesrvAddr=host:65536", "namesrvAddr"},
           {"brokerName=", "brokerName"},
           {"brokerClusterName=", "brokerClusterName"},
           {"flushDiskType=SOMETIMES", "flushDiskType"},
       }) {
    BrokerConfig c = ValidConfig();
    ASSERT_TRUE(ApplyBrokerProperties(t.properties, &c, nullptr).ok()) << t.properties;
    Status st = c.Validate();
    ASSERT_FALSE(st.ok()) << t.properties;
    EXPECT_NE(st.message().find(t.key), std::string::npos) << t.properties << ": " << st.message();
  }
  for (const char* ok : {"brokerRole=SLAVE\nbrokerId=1", "brokerRole=SYNC_MASTER",
                         "namesrvAddr=", "namesrvAddr=a:1;b.example.com:9876;", "listenPort=65535",
                         "brokerPermission=0"}) {
    BrokerConfig c = ValidConfig();
    ASSERT_TRUE(ApplyBrokerProperties(ok, &c, nullptr).ok()) << ok;
    EXPECT_TRUE(c.Validate().ok()) << ok << ": " << c.Validate().ToString();
  }
}

TEST(BrokerConfigTest, FormatRoundTrips) {
  BrokerConfig c = ValidConfig();
  c.broker_name = "broker a=b: #1 \\ x";
  c.broker_role = "SLAVE";
  c.broker_id = 3;
  c.namesrv_addr = "10.0.0.1:9876;10.0.0.2:9876";
  c.consumer_fallbehind_threshold = 1LL << 40;
  c.acl_enable = true;
  c.log_dir = " leading space";
  c.store.message_delay_level = "1s 2m 3h";
  c.store.flush_disk_type = "SYNC_FLUSH";
  c.store.mapped_file_size_commit_log = 1 << 20;
  std::string text = FormatBrokerConfig(c);
  BrokerConfig back;
  std::vector<std::string> unknown;
  Status st = ApplyBrokerProperties(text, &back, &unknown);
  ASSERT_TRUE(st.ok()) << st.ToString();
  EXPECT_TRUE(unknown.empty());
  EXPECT_EQ(FormatBrokerConfig(back), text);
  EXPECT_EQ(back.broker_name, c.broker_name);
  EXPECT_EQ(back.log_dir, c.log_dir);
}

TEST(BrokerConfigTest, EachKeyOnceBrokerKeysFirst) {
  std::set<std::string> keys;
  for (const auto& f : BrokerConfigFields()) {
    EXPECT_TRUE(keys.insert(f.key).second) << "duplicate key " << f.key;
    EXPECT_FALSE(f.description.empty()) << f.key;
  }
  for (const auto& f : store::StoreConfigFields()) EXPECT_EQ(keys.count(f.key), 1u) << f.key;
  EXPECT_EQ(BrokerConfigFields().front().key, "rocketmqHome");
  EXPECT_EQ(BrokerConfigFields().back().key, store::StoreConfigFields().back().key);
}

TEST(BrokerConfigTest, NamesrvAddrsDropEmptyEntries) {
  BrokerConfig c;
  EXPECT_TRUE(c.NamesrvAddrs().empty());
  c.namesrv_addr = ";a:1;;b:2;";
  EXPECT_EQ(c.NamesrvAddrs(), (std::vector<std::string>{"a:1", "b:2"}));
}

TEST(BrokerConfigTest, RuntimeKeysAreKeysOfTheTable) {
  EXPECT_FALSE(RuntimeBrokerConfigKeys().empty());
  for (std::string_view key : RuntimeBrokerConfigKeys()) {
    bool found = false;
    for (const auto& field : BrokerConfigFields()) found = found || field.key == key;
    EXPECT_TRUE(found) << key;
    EXPECT_TRUE(IsRuntimeBrokerConfigKey(key));
  }
  EXPECT_FALSE(IsRuntimeBrokerConfigKey("listenPort"));
  EXPECT_FALSE(IsRuntimeBrokerConfigKey("brokerConfigPath"));
}

TEST(BrokerConfigDocTest, DocsMatchTheTable) {
  std::ifstream in(std::string(ORBIT_TEST_DATA_DIR) + "/../../docs/config.md");
  ASSERT_TRUE(in) << "docs/config.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find(BrokerConfigMarkdown()), std::string::npos)
      << "regenerate the broker section of docs/config.md from BrokerConfigMarkdown():\n"
      << BrokerConfigMarkdown();
}

}  // namespace
}  // namespace orbit::broker
