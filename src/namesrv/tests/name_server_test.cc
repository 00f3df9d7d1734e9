// The name server over loopback, driven by frames captured from Apache RocketMQ 4.9.8: the
// broker's REGISTER_BROKER frames are replayed, then the clients' route and cluster requests,
// and our answers are compared with Apache's, field by field (and byte for byte where Java's
// output is deterministic).

#include "namesrv/name_server.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <thread>

#include "base/crc32.h"
#include "golden/golden.h"
#include "net/remoting_client.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::namesrv {
namespace {

using orbit::testing::GoldenFrame;
using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

RemotingCommand DecodeGolden(const GoldenFrame& g) {
  auto cmd = protocol::DecodeFramePayload(std::string_view(g.bytes).substr(4));
  EXPECT_TRUE(cmd.ok()) << g.Name();
  return std::move(*cmd);
}

// Pairs each captured request with its captured response (same connection direction, opaque).
std::vector<std::pair<GoldenFrame, GoldenFrame>> Exchanges(const std::string& file, int32_t code) {
  auto frames = orbit::testing::LoadGoldenFile(file);
  std::vector<std::pair<GoldenFrame, GoldenFrame>> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    const GoldenFrame& req = frames[i];
    if (req.is_response || req.code != code || req.direction.find("->NS") == std::string::npos) {
      continue;
    }
    for (size_t j = i + 1; j < frames.size(); ++j) {
      if (frames[j].is_response && frames[j].opaque == req.opaque &&
          frames[j].request_code == code && frames[j].direction.rfind("NS->", 0) == 0) {
        out.emplace_back(req, frames[j]);
        break;
      }
    }
  }
  return out;
}

class NameServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("orbit-ns-test-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(dir_);
    StartServer();
  }
  void TearDown() override {
    client_.Shutdown();
    ns_->Shutdown();
    std::filesystem::remove_all(dir_);
  }
  void StartServer() {
    NamesrvConfig config;
    config.bind_address = "127.0.0.1";
    config.listen_port = 0;
    config.server_worker_threads = 1;
    config.kv_config_path = (dir_ / "kvConfig.json").string();
    ns_ = std::make_unique<NameServer>(config, clock_);
    ASSERT_TRUE(ns_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(ns_->port());
  }
  Result<RemotingCommand> Call(RemotingCommand req, int64_t timeout_ms = 3000) {
    return client_.InvokeSync(addr_, std::move(req), timeout_ms);
  }
  void ReplayRegistrations() {
    auto regs = Exchanges("01_register_broker", RequestCode::kRegisterBroker);
    ASSERT_EQ(regs.size(), 3u);
    for (const auto& [req, want] : regs) {
      auto resp = Call(DecodeGolden(req));
      ASSERT_TRUE(resp.ok()) << resp.status().ToString();
      EXPECT_EQ(resp->code, want.code);
      EXPECT_EQ(resp->body.size(), static_cast<size_t>(want.body_len));
    }
  }

  std::filesystem::path dir_;
  ManualClock clock_;
  std::unique_ptr<NameServer> ns_;
  std::string addr_;
  net::RemotingClient client_;
};

std::set<std::string> RegisteredTopics() {
  auto regs = Exchanges("01_register_broker", RequestCode::kRegisterBroker);
  auto body = protocol::RegisterBrokerBody::Decode(DecodeGolden(regs.back().first).body);
  EXPECT_TRUE(body.ok());
  std::set<std::string> topics;
  for (const auto& [t, c] : body->topic_config_serialize_wrapper.topic_config_table) {
    topics.insert(t);
  }
  return topics;
}

TEST_F(NameServerTest, RouteAnswersMatchApache) {
  ReplayRegistrations();
  const std::set<std::string> registered = RegisteredTopics();
  int standard = 0, fastjson = 0, not_found = 0;
  for (const char* file : {"02_get_route_info", "03_heartbeat", "17_ali_ons_nodejs"}) {
    for (const auto& [req, want] : Exchanges(file, RequestCode::kGetRouteinfoByTopic)) {
      SCOPED_TRACE(req.Name());
      RemotingCommand request = DecodeGolden(req);
      auto resp = Call(request);
      ASSERT_TRUE(resp.ok()) << resp.status().ToString();
      RemotingCommand expected = DecodeGolden(want);
      // Topics the Apache broker created between the captures (e.g. a consumer's retry topic)
      // are not in the replayed registration; they are compared nowhere.
      if (expected.code == ResponseCode::kSuccess &&
          registered.count(*request.ext_fields.Find("topic")) == 0) {
        continue;
      }
      EXPECT_EQ(resp->code, expected.code);
      EXPECT_EQ(resp->serialize_type, expected.serialize_type);
      if (expected.code == ResponseCode::kTopicNotExist) {
        EXPECT_EQ(resp->remark, expected.remark);
        ++not_found;
        continue;
      }
      auto got_route = protocol::TopicRouteData::Decode(resp->body);
      auto want_route = protocol::TopicRouteData::Decode(expected.body);
      ASSERT_TRUE(got_route.ok() && want_route.ok());
      EXPECT_EQ(*got_route, *want_route);  // field by field
      // Sorted standard JSON and single-broker fastjson JSON are deterministic in Java too.
      EXPECT_EQ(resp->body, expected.body);
      bool is_standard = expected.body.find("{\"0\":") != std::string::npos;
      EXPECT_EQ(is_standard, request.version >= 401 ||
                                 request.ext_fields.Find("acceptStandardJsonOnly") != nullptr);
      (is_standard ? standard : fastjson)++;
    }
  }
  EXPECT_GE(standard, 5);
  EXPECT_GE(fastjson, 2);  // ali-ons announces version 121
  EXPECT_GE(not_found, 2);
}

TEST_F(NameServerTest, ClusterInfoMatchesApache) {
  ReplayRegistrations();
  int checked = 0;
  for (const char* file :
       {"02_get_route_info", "14_mqadmin_updateTopic", "16_mqadmin_clusterList_consumerProgress"}) {
    for (const auto& [req, want] : Exchanges(file, RequestCode::kGetBrokerClusterInfo)) {
      SCOPED_TRACE(req.Name());
      auto resp = Call(DecodeGolden(req));
      ASSERT_TRUE(resp.ok());
      RemotingCommand expected = DecodeGolden(want);
      auto got = protocol::ClusterInfo::Decode(resp->body);
      auto exp = protocol::ClusterInfo::Decode(expected.body);
      ASSERT_TRUE(got.ok() && exp.ok());
      EXPECT_EQ(*got, *exp);
      EXPECT_EQ(resp->body, expected.body);
      ++checked;
    }
  }
  EXPECT_GE(checked, 3);
}

TEST_F(NameServerTest, TopicListHasEveryRegisteredTopic) {
  ReplayRegistrations();
  auto exchanges = Exchanges("15_mqadmin_topicList", RequestCode::kGetAllTopicListFromNameserver);
  ASSERT_EQ(exchanges.size(), 1u);
  auto resp = Call(DecodeGolden(exchanges[0].first));
  ASSERT_TRUE(resp.ok());
  auto got = protocol::TopicList::Decode(resp->body);
  ASSERT_TRUE(got.ok());
  std::set<std::string> want = RegisteredTopics();
  EXPECT_EQ(std::set<std::string>(got->topic_list.begin(), got->topic_list.end()), want);
}

TEST_F(NameServerTest, UnregisterThenRouteIsGone) {
  ReplayRegistrations();
  auto unreg = Exchanges("01_register_broker", RequestCode::kUnregisterBroker);
  ASSERT_EQ(unreg.size(), 1u);
  auto resp = Call(DecodeGolden(unreg[0].first));
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->code, ResponseCode::kSuccess);
  RemotingCommand route = RemotingCommand::Request(RequestCode::kGetRouteinfoByTopic);
  route.ext_fields.Set("topic", "TBW102");
  auto r = Call(route);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, ResponseCode::kTopicNotExist);
}

RemotingCommand MakeRegister(const std::string& addr, protocol::RegisterBrokerBody body,
                             bool compressed) {
  protocol::RegisterBrokerRequestHeader h;
  h.broker_name = "broker-x";
  h.broker_addr = addr;
  h.cluster_name = "C";
  h.ha_server_addr = addr;
  h.broker_id = 0;
  h.compressed = compressed;
  RemotingCommand req = RemotingCommand::Request(RequestCode::kRegisterBroker);
  req.body = compressed ? *body.EncodeCompressed() : body.Encode();
  h.body_crc32 = MaskedCrc32(req.body);
  h.Encode(&req.ext_fields);
  return req;
}

protocol::RegisterBrokerBody OneTopic(const std::string& topic) {
  protocol::RegisterBrokerBody body;
  protocol::TopicConfig c;
  c.topic_name = topic;
  c.read_queue_nums = 3;
  c.write_queue_nums = 2;
  body.topic_config_serialize_wrapper.topic_config_table[topic] = c;
  body.topic_config_serialize_wrapper.data_version = {1, 1};
  return body;
}

TEST_F(NameServerTest, CompressedRegistrationAndCrcCheck) {
  auto ok = Call(MakeRegister("127.0.0.1:1", OneTopic("Zipped"), true));
  ASSERT_TRUE(ok.ok());
  EXPECT_EQ(ok->code, ResponseCode::kSuccess);
  auto route = ns_->routes().PickupTopicRouteData("Zipped");
  ASSERT_TRUE(route.has_value());
  EXPECT_EQ(route->queue_datas[0].read_queue_nums, 3);
  RemotingCommand bad = MakeRegister("127.0.0.1:2", OneTopic("Bad"), false);
  bad.body[5] ^= 1;
  auto r = Call(bad);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, ResponseCode::kSystemError);
  EXPECT_EQ(r->remark, "crc32 not match");
  EXPECT_FALSE(ns_->routes().PickupTopicRouteData("Bad").has_value());
}

TEST_F(NameServerTest, MissingHeaderFieldIsAClearError) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kGetRouteinfoByTopic);
  auto r = Call(req);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, ResponseCode::kSystemError);
  EXPECT_NE(r->remark->find("topic"), std::string::npos);
}

TEST_F(NameServerTest, UnknownCodeGetsNoReply) {
  auto r = Call(RemotingCommand::Request(RequestCode::kPullMessage), 300);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kTimeout);
}

TEST_F(NameServerTest, BrokerConnectionCloseRemovesIt) {
  net::RemotingClient broker;
  auto r = broker.InvokeSync(addr_, MakeRegister("127.0.0.1:3", OneTopic("Gone"), false), 3000);
  ASSERT_TRUE(r.ok());
  ASSERT_TRUE(ns_->routes().PickupTopicRouteData("Gone").has_value());
  broker.Shutdown();
  for (int i = 0; i < 500 && ns_->routes().PickupTopicRouteData("Gone").has_value(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_FALSE(ns_->routes().PickupTopicRouteData("Gone").has_value());
}

TEST_F(NameServerTest, SilentBrokerExpiresAfter120Seconds) {
  ASSERT_TRUE(Call(MakeRegister("127.0.0.1:4", OneTopic("Quiet"), false)).ok());
  clock_.Advance(119000);
  ns_->ScanNotActiveBrokers();
  EXPECT_TRUE(ns_->routes().PickupTopicRouteData("Quiet").has_value());
  clock_.Advance(2000);
  ns_->ScanNotActiveBrokers();
  EXPECT_FALSE(ns_->routes().PickupTopicRouteData("Quiet").has_value());
}

TEST_F(NameServerTest, KvConfigPersistsAndOrdersRoutes) {
  auto kv = [&](int32_t code, std::vector<std::pair<std::string, std::string>> ext) {
    RemotingCommand req = RemotingCommand::Request(code);
    for (auto& [k, v] : ext) req.ext_fields.Set(k, v);
    return Call(req);
  };
  auto put = kv(RequestCode::kPutKvConfig,
                {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}, {"value", "broker-x:2"}});
  ASSERT_TRUE(put.ok());
  EXPECT_EQ(put->code, 0);
  auto get = kv(RequestCode::kGetKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}});
  ASSERT_TRUE(get.ok());
  EXPECT_EQ(*get->ext_fields.Find("value"), "broker-x:2");
  auto missing = kv(RequestCode::kGetKvConfig, {{"namespace", "N"}, {"key", "K"}});
  EXPECT_EQ(missing->code, ResponseCode::kQueryNotFound);
  EXPECT_EQ(missing->remark, "No config item, Namespace: N Key: K");
  auto bad = kv(RequestCode::kPutKvConfig, {{"namespace", "N"}});
  EXPECT_EQ(bad->code, ResponseCode::kSystemError);
  EXPECT_EQ(bad->remark, "namespace or key is null");
  auto list = kv(RequestCode::kGetKvlistByNamespace, {{"namespace", "ORDER_TOPIC_CONFIG"}});
  auto table = protocol::KVTable::Decode(list->body);
  ASSERT_TRUE(table.ok());
  EXPECT_EQ(table->table["T"], "broker-x:2");
  // Registration answers carry the ORDER_TOPIC_CONFIG namespace.
  auto reg = Call(MakeRegister("127.0.0.1:5", OneTopic("T"), false));
  EXPECT_EQ(protocol::KVTable::Decode(reg->body)->table["T"], "broker-x:2");
  // Persisted: a new name server on the same file sees it.
  client_.Shutdown();
  ns_->Shutdown();
  StartServer();
  net::RemotingClient fresh;
  RemotingCommand again = RemotingCommand::Request(RequestCode::kGetKvConfig);
  again.ext_fields.Set("namespace", "ORDER_TOPIC_CONFIG");
  again.ext_fields.Set("key", "T");
  auto after = fresh.InvokeSync(addr_, again, 3000);
  ASSERT_TRUE(after.ok());
  EXPECT_EQ(*after->ext_fields.Find("value"), "broker-x:2");
  fresh.Shutdown();
  auto del = kv(RequestCode::kDeleteKvConfig, {{"namespace", "ORDER_TOPIC_CONFIG"}, {"key", "T"}});
  (void)del;
}

TEST_F(NameServerTest, ConfigReadAndUpdate) {
  RemotingCommand update = RemotingCommand::Request(RequestCode::kUpdateNamesrvConfig);
  update.body = "orderMessageEnable=true\n";
  auto r = Call(update);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->code, ResponseCode::kSuccess);
  update.body = "kvConfigPath=/etc/passwd\n";
  r = Call(update);
  EXPECT_EQ(r->code, ResponseCode::kNoPermission);
  update.body = "listenPort=notanumber\n";
  r = Call(update);
  EXPECT_EQ(r->code, ResponseCode::kSystemError);
  auto get = Call(RemotingCommand::Request(RequestCode::kGetNamesrvConfig));
  ASSERT_TRUE(get.ok());
  EXPECT_NE(get->body.find("orderMessageEnable=true"), std::string::npos);
}

TEST(NamesrvConfigDocTest, DocsMatchTheTable) {
  std::ifstream in(std::string(ORBIT_TEST_DATA_DIR) + "/../../docs/config.md");
  ASSERT_TRUE(in) << "docs/config.md missing";
  std::stringstream ss;
  ss << in.rdbuf();
  EXPECT_NE(ss.str().find(NamesrvConfigMarkdown()), std::string::npos)
      << "regenerate docs/config.md with: orbit-namesrv --config-doc\n"
      << NamesrvConfigMarkdown();
}

}  // namespace
}  // namespace orbit::namesrv
