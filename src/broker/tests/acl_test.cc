// ACL 1.0: signing (checked against ali-ons' captured signatures), address patterns, Apache's
// permission rules, plain_acl.yml errors, reloading, and a real broker on loopback with
// aclEnable=true.

#include "broker/acl.h"

#include <gtest/gtest.h>

#include <fstream>

#include "broker/broker.h"
#include "broker/tests/broker_test_support.h"
#include "golden/golden.h"
#include "golden/golden_store.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/properties.h"

namespace orbit::broker {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

constexpr char kYaml[] = R"(
globalWhiteRemoteAddresses:
  - 10.10.103.*
  - 192.168.0.{1,2}
accounts:
  - accessKey: RocketMQ
    secretKey: 12345678
    whiteRemoteAddress:
    admin: false
    defaultTopicPerm: DENY
    defaultGroupPerm: SUB
    topicPerms:
      - TopicA=PUB|SUB
      - TopicDeny=DENY
      - TopicSubOnly=SUB
    groupPerms:
      - GroupDeny=DENY
  - accessKey: rocketmq2
    secretKey: 87654321
    whiteRemoteAddress: 192.168.1.*
    admin: true
)";

void WriteFile(const std::string& path, std::string_view text) {
  std::ofstream out(path, std::ios::trunc);
  out << text;
}

// ---- signing ----

TEST(AclSignTest, ReproducesAliOnsCapturedSignatures) {
  // ali-ons signed every request with its placeholder credentials (placeholderAK /
  // placeholderSK) although the capturing broker ran with ACL off.
  int checked = 0;
  for (const auto& f : testing::LoadGoldenFile("17_ali_ons_nodejs")) {
    auto sig = f.ext.find("Signature");
    if (sig == f.ext.end()) continue;
    auto cmd = protocol::DecodeFramePayload(std::string_view(f.bytes).substr(4));
    ASSERT_TRUE(cmd.ok()) << f.Name();
    EXPECT_EQ(HmacSha1Base64(CombineRequestContent(*cmd), "placeholderSK"), sig->second)
        << f.Name();
    ++checked;
  }
  EXPECT_GT(checked, 10);
}

TEST(AclSignTest, ContentIsSortedValuesThenBody) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kPullMessage);
  req.ext_fields.Set("topic", "T");
  req.ext_fields.Set("AccessKey", "ak");
  req.ext_fields.Set("Signature", "ignored");
  req.ext_fields.Set("_UNIQUE_KEY_QUERY", "ignored");
  req.ext_fields.Set("consumerGroup", "G");
  req.body = "BODY";
  EXPECT_EQ(CombineRequestContent(req), "akGTBODY");
  // RFC 2202 test case 2.
  EXPECT_EQ(HmacSha1Base64("what do ya want for nothing?", "Jefe"), "7/zfauXrL6LSdBbV8YTfnCWafHk=");
  SignRequest(&req, "ak", "secret");
  EXPECT_EQ(*req.ext_fields.Find("Signature"), HmacSha1Base64("akGTBODY", "secret"));
}

// ---- address patterns ----

bool Match(std::string_view pattern, std::string_view ip) {
  auto p = RemoteAddressPattern::Parse(pattern);
  EXPECT_TRUE(p.ok()) << pattern << ": " << p.status().ToString();
  return p.ok() && p->Matches(ip);
}

TEST(AclAddressTest, Patterns) {
  EXPECT_TRUE(Match("*", "1.2.3.4"));
  EXPECT_TRUE(Match("*.*.*.*", "1.2.3.4"));
  EXPECT_FALSE(Match("", "1.2.3.4"));
  EXPECT_TRUE(Match("192.168.0.1", "192.168.0.1"));
  EXPECT_FALSE(Match("192.168.0.1", "192.168.0.10"));
  EXPECT_TRUE(Match("192.168.0.{1,2}", "192.168.0.2"));
  EXPECT_FALSE(Match("192.168.0.{1,2}", "192.168.0.3"));
  EXPECT_TRUE(Match("10.0.0.1,10.0.0.7", "10.0.0.7"));
  EXPECT_TRUE(Match("192.168.1.1-100", "192.168.1.100"));
  EXPECT_FALSE(Match("192.168.1.1-100", "192.168.1.101"));
  EXPECT_FALSE(Match("192.168.1.1-100", "192.168.2.50"));
  EXPECT_TRUE(Match("192.168.*.*", "192.168.200.3"));
  EXPECT_FALSE(Match("192.168.*.*", "192.169.0.3"));
  EXPECT_TRUE(Match("192.168.1.*", "192.168.1.255"));
  EXPECT_TRUE(Match("::1", "::1"));
  for (std::string_view bad : {"192.168.1.300", "not-an-ip", "192.168.1.-5", "192.168.1.9-3",
                               "192.168.0.{1,x}", "1.2.*"}) {
    EXPECT_FALSE(RemoteAddressPattern::Parse(bad).ok()) << bad;
  }
}

// ---- permission rules ----

TEST(AclPermTest, ApacheRules) {
  EXPECT_EQ(ParsePerm(" PUB "), kPermPub);
  EXPECT_EQ(ParsePerm("SUB|PUB"), kPermPub | kPermSub);
  EXPECT_EQ(ParsePerm("DENY"), kPermDeny);
  EXPECT_EQ(ParsePerm("ANY"), kPermDeny);  // Apache parses only PUB/SUB/DENY
  EXPECT_TRUE(CheckPermission(kPermPub, kPermPub | kPermSub));
  EXPECT_FALSE(CheckPermission(kPermPub, kPermSub));
  EXPECT_FALSE(CheckPermission(kPermSub, kPermSub | kPermDeny));
  EXPECT_TRUE(CheckPermission(kPermAny, kPermSub));
  EXPECT_FALSE(CheckPermission(kPermAny, kPermDeny));
  EXPECT_TRUE(NeedsAdmin(RequestCode::kUpdateAndCreateTopic));
  EXPECT_FALSE(NeedsAdmin(RequestCode::kSendMessageV2));
}

class AclValidateTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = PlainAclConfig::Parse(kYaml);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    config_ = std::move(*c);
  }
  Status Check(const RemotingCommand& req, std::string_view addr = "127.0.0.1:5555") {
    auto a = ParseAccessRequest(req, addr);
    if (!a.ok()) return a.status();
    return ValidateAccess(config_, *a);
  }
  static RemotingCommand Send(std::string topic, std::string ak = "RocketMQ",
                              std::string sk = "12345678") {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kSendMessageV2);
    req.ext_fields.Set("a", "PG");
    req.ext_fields.Set("b", std::move(topic));
    req.body = "hello";
    if (!ak.empty()) SignRequest(&req, ak, sk);
    return req;
  }
  static RemotingCommand Pull(std::string topic, std::string group) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kPullMessage);
    req.ext_fields.Set("topic", std::move(topic));
    req.ext_fields.Set("consumerGroup", std::move(group));
    req.ext_fields.Set("queueId", "0");
    SignRequest(&req, "RocketMQ", "12345678");
    return req;
  }
  PlainAclConfig config_;
};

TEST_F(AclValidateTest, SignatureAndAccounts) {
  EXPECT_TRUE(Check(Send("TopicA")).ok());
  EXPECT_EQ(Check(Send("TopicA", "RocketMQ", "wrong-secret")).message(),
            "Check signature failed for accessKey=RocketMQ");
  EXPECT_EQ(Check(Send("TopicA", "nobody12", "12345678")).message(), "No acl config for nobody12");
  Status missing = Check(Send("TopicA", ""));
  EXPECT_EQ(missing.remote_code(), ResponseCode::kNoPermission);
  EXPECT_EQ(missing.message(), "No accessKey is configured");
  // A tampered body breaks the signature.
  RemotingCommand tampered = Send("TopicA");
  tampered.body = "hellO";
  EXPECT_FALSE(Check(tampered).ok());
}

TEST_F(AclValidateTest, TopicAndGroupPermissions) {
  EXPECT_EQ(Check(Send("TopicDeny")).message(), "No default permission for topic:TopicDeny");
  EXPECT_EQ(Check(Send("TopicOther")).message(), "No default permission for topic:TopicOther");
  EXPECT_FALSE(Check(Send("TopicSubOnly")).ok());
  EXPECT_TRUE(Check(Pull("TopicSubOnly", "AnyGroup")).ok());  // defaultGroupPerm SUB
  EXPECT_EQ(Check(Pull("TopicA", "GroupDeny")).message(),
            "No default permission for group:GroupDeny");
  EXPECT_FALSE(Check(Pull("TopicDeny", "G")).ok());
  // Codes without resources need only a valid signature.
  RemotingCommand other = RemotingCommand::Request(RequestCode::kGetBrokerRuntimeInfo);
  SignRequest(&other, "RocketMQ", "12345678");
  EXPECT_TRUE(Check(other).ok());
}

TEST_F(AclValidateTest, AdminAndWhiteAddresses) {
  RemotingCommand create = RemotingCommand::Request(RequestCode::kUpdateAndCreateTopic);
  create.ext_fields.Set("topic", "T");
  RemotingCommand by_user = create;
  SignRequest(&by_user, "RocketMQ", "12345678");
  EXPECT_EQ(Check(by_user).message(),
            "Need admin permission for request code=17, but accessKey=RocketMQ is not");
  RemotingCommand by_admin = create;
  SignRequest(&by_admin, "rocketmq2", "87654321");
  EXPECT_TRUE(Check(by_admin).ok());
  EXPECT_TRUE(Check(Send("AnyTopic", "rocketmq2", "87654321")).ok());  // admin, no perms listed
  // Global white list: no signature at all; the account's own: no signature nor permissions.
  EXPECT_TRUE(Check(Send("TopicDeny", ""), "10.10.103.7:1234").ok());
  EXPECT_TRUE(Check(Send("TopicDeny", ""), "192.168.0.2:1234").ok());
  EXPECT_FALSE(Check(Send("TopicDeny", ""), "192.168.0.3:1234").ok());
  EXPECT_TRUE(Check(Send("X", "rocketmq2", "bad-secret"), "192.168.1.9:1").ok());
}

TEST_F(AclValidateTest, HeartbeatNeedsEachConsumersGroupAndTopics) {
  RemotingCommand hb = RemotingCommand::Request(RequestCode::kHeartBeat);
  hb.body = R"({"clientID":"c","consumerDataSet":[{"groupName":"G1","subscriptionDataSet":)"
            R"([{"topic":"TopicA","subString":"*"},{"topic":"TopicDeny","subString":"*"}]}],)"
            R"("producerDataSet":[]})";
  SignRequest(&hb, "RocketMQ", "12345678");
  EXPECT_EQ(Check(hb).message(), "No default permission for topic:TopicDeny");
  RemotingCommand bad = RemotingCommand::Request(RequestCode::kHeartBeat);
  bad.body = "not json";
  SignRequest(&bad, "RocketMQ", "12345678");
  EXPECT_FALSE(Check(bad).ok());
}

// ---- plain_acl.yml ----

TEST(AclConfigTest, ErrorsNameTheField) {
  auto err = [](std::string_view yaml) {
    auto c = PlainAclConfig::Parse(yaml);
    return c.ok() ? std::string("ok") : c.status().message();
  };
  EXPECT_EQ(err(""), "ok");
  EXPECT_NE(err("accounts: [ {accessKey: abc"), "ok");
  EXPECT_EQ(err("accounts: 5"), "accounts: expected a list");
  EXPECT_NE(err("accounts:\n  - accessKey: short\n    secretKey: 12345678\n")
                .find("accounts[0].accessKey"),
            std::string::npos);
  EXPECT_NE(err("accounts:\n  - accessKey: longenough\n").find("accounts[0].secretKey"),
            std::string::npos);
  EXPECT_NE(err("accounts:\n  - accessKey: longenough\n    secretKey: 12345678\n"
                "    topicPerms: [ TopicA ]\n")
                .find("accounts[0].topicPerms[0]"),
            std::string::npos);
  EXPECT_NE(err("accounts:\n  - accessKey: longenough\n    secretKey: 12345678\n"
                "    whiteRemoteAddress: 300.1.1.1\n")
                .find("accounts[0].whiteRemoteAddress"),
            std::string::npos);
  EXPECT_NE(err("accounts:\n  - accessKey: longenough\n    secretKey: 12345678\n"
                "    admin: maybe\n")
                .find("accounts[0].admin"),
            std::string::npos);
  EXPECT_NE(err("globalWhiteRemoteAddresses: [ 1.2.3 ]").find("globalWhiteRemoteAddresses[0]"),
            std::string::npos);
}

TEST(AclConfigTest, ReloadKeepsLastGoodConfig) {
  testing::TempDir dir;
  std::string path = dir.path() + "/plain_acl.yml";
  EXPECT_FALSE(AclValidator::Open(*store::FileSystem::Default(), path).ok());  // missing
  WriteFile(path, kYaml);
  auto v = AclValidator::Open(*store::FileSystem::Default(), path);
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)->config()->accounts.size(), 2u);
  EXPECT_TRUE((*v)->ReloadIfChanged().ok());  // unchanged
  WriteFile(path, "accounts:\n  - accessKey: onlyone1\n    secretKey: 12345678\n");
  EXPECT_TRUE((*v)->ReloadIfChanged().ok());
  EXPECT_EQ((*v)->config()->accounts.count("onlyone1"), 1u);
  WriteFile(path, "accounts: [ broken");
  EXPECT_FALSE((*v)->ReloadIfChanged().ok());
  EXPECT_EQ((*v)->config()->accounts.count("onlyone1"), 1u);  // the last good one stays
}

// ---- a real broker ----

class AclBrokerTest : public test_support::BrokerFixture {
 protected:
  AclBrokerTest() : BrokerFixture("broker-acl", "orbit-test-") {}
  void SetUp() override {}  // each test starts its broker with its own ACL settings

  Status StartBroker(bool acl_enable, std::string_view yaml) {
    std::string acl_file = dir_.path() + "/plain_acl.yml";
    if (!yaml.empty()) WriteFile(acl_file, yaml);
    tweak_ = [acl_enable, acl_file](BrokerConfig& config) {
      config.acl_enable = acl_enable;
      config.acl_file = acl_file;
    };
    return TryStartBroker();
  }

  static RemotingCommand Send(const std::string& topic) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kSendMessageV2);
    protocol::SendMessageRequestHeaderV2 h;
    h.a = "PG";
    h.b = topic;
    h.c = "TBW102";
    h.d = 4;
    h.e = 0;
    h.g = 1700000000000;
    h.Encode(&req.ext_fields);
    req.body = "payload";
    return req;
  }

  static RemotingCommand Pull(const std::string& topic, const std::string& group) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kPullMessage);
    protocol::PullMessageRequestHeader h;
    h.consumer_group = group;
    h.topic = topic;
    h.max_msg_nums = 32;
    h.Encode(&req.ext_fields);
    return req;
  }

  static RemotingCommand Signed(RemotingCommand req, std::string_view ak = "RocketMQ",
                                std::string_view sk = "12345678") {
    SignRequest(&req, ak, sk);
    return req;
  }
};

TEST_F(AclBrokerTest, SignedRequestsFromAllowedAccountsOnly) {
  ASSERT_TRUE(StartBroker(true, kYaml).ok());
  RemotingCommand ok = Call(Signed(Send("TopicA")));
  EXPECT_EQ(ok.code, ResponseCode::kSuccess) << ok.remark.value_or("");

  auto expect_denied = [this](RemotingCommand req, std::string_view remark) {
    RemotingCommand resp = Call(std::move(req));
    EXPECT_EQ(resp.code, ResponseCode::kNoPermission);
    EXPECT_EQ(resp.remark.value_or(""), remark);
  };
  expect_denied(Signed(Send("TopicA"), "RocketMQ", "not-the-secret"),
                "Check signature failed for accessKey=RocketMQ");
  expect_denied(Signed(Send("TopicA"), "nobody12", "12345678"), "No acl config for nobody12");
  expect_denied(Signed(Send("TopicDeny")), "No default permission for topic:TopicDeny");
  expect_denied(Send("TopicA"), "No accessKey is configured");

  // Pulls: the topic needs SUB, and so does the group.
  EXPECT_NE(Call(Signed(Pull("TopicA", "CG"))).code, ResponseCode::kNoPermission);
  expect_denied(Signed(Pull("TopicA", "GroupDeny")), "No default permission for group:GroupDeny");
  expect_denied(Signed(Pull("TopicOther", "CG")), "No default permission for topic:TopicOther");
  // The admin account may create topics; the other may not.
  RemotingCommand create = RemotingCommand::Request(RequestCode::kUpdateAndCreateTopic);
  create.ext_fields.Set("topic", "Created");
  create.ext_fields.Set("readQueueNums", "4");
  create.ext_fields.Set("writeQueueNums", "4");
  create.ext_fields.Set("perm", "6");
  create.ext_fields.Set("topicFilterType", "SINGLE_TAG");
  expect_denied(Signed(create),
                "Need admin permission for request code=17, but accessKey=RocketMQ is not");
}

TEST_F(AclBrokerTest, OffByDefaultAndUnsignedRequestsWork) {
  ASSERT_TRUE(StartBroker(false, "").ok());  // no file needed either
  RemotingCommand resp = Call(Send("TopicDeny"));
  EXPECT_EQ(resp.code, ResponseCode::kSuccess) << resp.remark.value_or("");
}

TEST_F(AclBrokerTest, BadFileStopsTheStart) {
  Status st = StartBroker(true, "accounts:\n  - accessKey: abc\n");
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.message().find("accounts[0].accessKey"), std::string::npos) << st.ToString();
  EXPECT_NE(st.message().find("plain_acl.yml"), std::string::npos) << st.ToString();
}

}  // namespace
}  // namespace orbit::broker
