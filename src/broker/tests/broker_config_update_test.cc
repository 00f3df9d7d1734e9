// GET_BROKER_CONFIG and UPDATE_BROKER_CONFIG against a real broker, as `mqadmin getBrokerConfig`
// and `mqadmin updateBrokerConfig -k KEY -v VALUE` send them: runtime keys take effect on the
// next request, the others are written to the config file for the next start, and nothing
// changes when any part of an update is refused.

#include <fstream>
#include <map>
#include <sstream>

#include "base/properties.h"
#include "broker/tests/admin_test_support.h"

namespace orbit::broker::admin_test {
namespace {

std::map<std::string, std::string> AsMap(const std::string& properties_text) {
  auto props = ParseProperties(properties_text);
  EXPECT_TRUE(props.ok());
  return props.ok() ? std::map<std::string, std::string>(props->begin(), props->end())
                    : std::map<std::string, std::string>{};
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

class BrokerConfigUpdateTest : public AdminTest {
 protected:
  RemotingCommand Update(const std::string& body) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kUpdateBrokerConfig);
    req.body = body;
    return Call(std::move(req));
  }
  // The GET_BROKER_CONFIG body as a map, and the counter of the config's data version.
  std::map<std::string, std::string> Get(int64_t* version_counter = nullptr) {
    RemotingCommand r = Call(RemotingCommand::Request(RequestCode::kGetBrokerConfig));
    EXPECT_EQ(r.code, ResponseCode::kSuccess);
    auto h = protocol::GetBrokerConfigResponseHeader::Decode(r.ext_fields);
    EXPECT_TRUE(h.ok());
    if (h.ok() && version_counter != nullptr) {
      auto version = protocol::DataVersion::Decode(h->version);
      EXPECT_TRUE(version.ok()) << h->version;
      EXPECT_GT(version->timestamp, 0);
      *version_counter = version.ok() ? version->counter : -1;
    }
    return AsMap(r.body);
  }
  // The code of a SEND_MESSAGE_V2 to `topic` (not waiting for dispatch).
  int32_t SendCode(const std::string& topic) {
    protocol::MessageProperties props;
    props.Set(protocol::kPropertyTags, "T");
    return Call(test_support::SendRequestV2(topic, "body", props)).code;
  }
};

TEST_F(BrokerConfigUpdateTest, ReportsTheEffectiveConfig) {
  int64_t counter = -1;
  auto kv = Get(&counter);
  EXPECT_EQ(kv.at("brokerName"), "broker-a");
  EXPECT_EQ(kv.at("listenPort"), std::to_string(broker_->port()));
  EXPECT_EQ(kv.at("flushDiskType"), "ASYNC_FLUSH");
  EXPECT_EQ(kv.at("brokerConfigPath"), "");

  // Nothing to change: SUCCESS, same version.
  EXPECT_EQ(Update("").code, ResponseCode::kSuccess);
  EXPECT_EQ(Update("brokerName=broker-a\nautoCreateTopicEnable=true\n").code,
            ResponseCode::kSuccess);
  int64_t after = -1;
  Get(&after);
  EXPECT_EQ(after, counter);
}

TEST_F(BrokerConfigUpdateTest, RuntimeKeysTakeEffectOnTheNextRequest) {
  CreateTopic("TopicP", 1);
  ASSERT_EQ(SendCode("TopicP"), ResponseCode::kSuccess);
  int64_t counter = -1;
  Get(&counter);

  // mqadmin updateBrokerConfig -k brokerPermission -v 4: a read-only broker.
  RemotingCommand r = Update("brokerPermission=4\n");
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  EXPECT_NE(r.remark.value_or("").find("applied until the broker stops"), std::string::npos)
      << r.remark.value_or("");
  EXPECT_EQ(broker_->config().broker_permission, 4);
  int64_t after = -1;
  EXPECT_EQ(Get(&after).at("brokerPermission"), "4");
  EXPECT_EQ(after, counter + 1);
  EXPECT_EQ(SendCode("TopicP"), ResponseCode::kNoPermission);
  EXPECT_EQ(Update("brokerPermission=6\n").code, ResponseCode::kSuccess);
  EXPECT_EQ(SendCode("TopicP"), ResponseCode::kSuccess);

  // Auto-creation off, then on again.
  ASSERT_EQ(Update("autoCreateTopicEnable=false").code, ResponseCode::kSuccess);
  EXPECT_EQ(SendCode("TopicNew1"), ResponseCode::kTopicNotExist);
  ASSERT_EQ(Update("autoCreateTopicEnable=true").code, ResponseCode::kSuccess);
  EXPECT_EQ(SendCode("TopicNew1"), ResponseCode::kSuccess);

  // Several keys at once, each read where it is used.
  ASSERT_EQ(Update("transactionTimeOut=3000\nshortPollingTimeMills=500\n"
                   "transactionCheckInterval=2000\n")
                .code,
            ResponseCode::kSuccess);
  EXPECT_EQ(broker_->config().transaction_timeout, 3000);
  EXPECT_EQ(broker_->config().short_polling_time_mills, 500);
  EXPECT_EQ(broker_->config().transaction_check_interval, 2000);
}

TEST_F(BrokerConfigUpdateTest, TurningAutoCreationOnCreatesTheDefaultTopic) {
  tweak_ = [](BrokerConfig& c) { c.auto_create_topic_enable = false; };
  RestartBroker();
  ASSERT_FALSE(broker_->topics().Find("TBW102").has_value());
  EXPECT_EQ(SendCode("TopicNew2"), ResponseCode::kTopicNotExist);
  ASSERT_EQ(Update("autoCreateTopicEnable=true").code, ResponseCode::kSuccess);
  auto tbw = broker_->topics().Find("TBW102");
  ASSERT_TRUE(tbw.has_value());
  EXPECT_EQ(tbw->write_queue_nums, broker_->config().default_topic_queue_nums);
  EXPECT_EQ(SendCode("TopicNew2"), ResponseCode::kSuccess);
}

TEST_F(BrokerConfigUpdateTest, RefusedUpdatesChangeNothing) {
  int64_t counter = -1;
  Get(&counter);
  // Without a config file, keys read only at start cannot be kept: refused, named.
  RemotingCommand r = Update("autoCreateTopicEnable=false\nfileReservedTime=12\n");
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_NE(r.remark.value_or("").find("fileReservedTime"), std::string::npos)
      << r.remark.value_or("");
  EXPECT_NE(r.remark.value_or("").find("-c"), std::string::npos) << r.remark.value_or("");

  r = Update("brokerConfigPath=/tmp/x\n");
  EXPECT_EQ(r.code, ResponseCode::kNoPermission);
  EXPECT_EQ(r.remark.value_or(""), "Can not update config in black list.");
  EXPECT_EQ(Update("configBlackList=\n").code, ResponseCode::kNoPermission);

  r = Update("autoCreateTopicEnable=false\nnoSuchKey=1\n");
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_EQ(r.remark.value_or(""), "unknown broker config key(s): noSuchKey");

  r = Update("autoCreateTopicEnable=false\nbrokerPermission=9\n");
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_NE(r.remark.value_or("").find("brokerPermission"), std::string::npos);

  r = Update("autoCreateTopicEnable=maybe\n");
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_NE(r.remark.value_or("").find("autoCreateTopicEnable"), std::string::npos);

  EXPECT_TRUE(broker_->config().auto_create_topic_enable);
  EXPECT_EQ(broker_->config().broker_permission, 6);
  int64_t after = -1;
  Get(&after);
  EXPECT_EQ(after, counter);
}

TEST_F(BrokerConfigUpdateTest, ChangesAreSavedToTheConfigFileAndHoldAfterARestart) {
  const std::string path = dir_.path() + "/broker.conf";
  {
    std::ofstream out(path);
    out << "# broker-a, written by hand\nfileReservedTime=48\n\ntransactionTimeOut=6000\n";
  }
  // As orbit-broker -c does: the file's keys, and the file as brokerConfigPath.
  tweak_ = [path](BrokerConfig& c) {
    std::vector<std::string> unknown;
    ASSERT_TRUE(ApplyBrokerProperties(ReadFile(path), &c, &unknown).ok());
    c.broker_config_path = path;
  };
  RestartBroker();
  ASSERT_EQ(broker_->config().store.file_reserved_time, 48);

  RemotingCommand r = Update("fileReservedTime=12\ntransactionTimeOut=3000\nbrokerPermission=4\n");
  ASSERT_EQ(r.code, ResponseCode::kSuccess) << r.remark.value_or("");
  EXPECT_EQ(r.remark.value_or(""),
            "saved to " + path + "; take effect at the next start: fileReservedTime");
  EXPECT_EQ(broker_->config().transaction_timeout, 3000);
  EXPECT_EQ(broker_->config().broker_permission, 4);
  EXPECT_EQ(broker_->config().store.file_reserved_time, 48);  // at the next start
  EXPECT_EQ(ReadFile(path),
            "# broker-a, written by hand\nfileReservedTime=12\n\ntransactionTimeOut=3000\n"
            "brokerPermission=4\n");

  RestartBroker();
  EXPECT_EQ(broker_->config().store.file_reserved_time, 12);
  EXPECT_EQ(broker_->config().transaction_timeout, 3000);
  EXPECT_EQ(broker_->config().broker_permission, 4);
}

TEST_F(BrokerConfigUpdateTest, AFileThatCannotBeWrittenRefusesTheUpdate) {
  // brokerConfigPath names a directory: neither read nor replaced.
  tweak_ = [this](BrokerConfig& c) { c.broker_config_path = dir_.path(); };
  RestartBroker();
  RemotingCommand r = Update("brokerPermission=4\n");
  EXPECT_EQ(r.code, ResponseCode::kSystemError);
  EXPECT_NE(r.remark.value_or("").find("not changed"), std::string::npos) << r.remark.value_or("");
  EXPECT_EQ(broker_->config().broker_permission, 6);
}

}  // namespace
}  // namespace orbit::broker::admin_test
