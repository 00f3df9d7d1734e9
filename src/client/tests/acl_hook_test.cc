// ACL signing hook: signatures computed independently with
//   printf '<content>' | openssl dgst -sha1 -hmac '<secret>' -binary | base64
// and the signatures ali-ons and the Java mqadmin tool put on the requests of real captures.

#include <gtest/gtest.h>

#include <map>
#include <string>

#include "golden/golden.h"
#include "orbit/client_config.h"
#include "protocol/remoting_command.h"

namespace orbit {
namespace {

using Fields = std::map<std::string, std::string>;

// Runs the hook over (fields, body) and returns the fields it leaves.
Fields Sign(const std::shared_ptr<RpcHook>& hook, Fields fields, std::string_view body,
            int32_t code = 11) {
  RpcView view{code, fields, body};
  hook->BeforeRequest("127.0.0.1:10911", view);
  return fields;
}

// The ext fields and body of a captured request as decoded from its bytes (the FRAME line's
// description spells booleans differently), with its Signature taken out into *signature.
bool DecodeSigned(const testing::GoldenFrame& f, Fields* fields, std::string* body,
                  std::string* signature) {
  auto cmd = protocol::DecodeFramePayload(std::string_view(f.bytes).substr(4));
  EXPECT_TRUE(cmd.ok()) << f.Name();
  if (!cmd.ok()) return false;
  fields->clear();
  for (const auto& [key, value] : cmd->ext_fields) (*fields)[key] = value;
  auto sig = fields->find("Signature");
  if (sig == fields->end()) return false;
  *signature = sig->second;
  fields->erase(sig);
  *body = cmd->body;
  return true;
}

TEST(AclHookTest, AddsAccessKeyAndSignsSortedValuesThenBody) {
  auto hook = MakeAclRpcHook("ak", "secret");
  Fields out = Sign(hook, {{"topic", "T"}, {"consumerGroup", "G"}}, "BODY");
  // content "akGT" + "BODY": AccessKey, consumerGroup, topic.
  EXPECT_EQ(out, (Fields{{"AccessKey", "ak"},
                         {"Signature", "yGHIMOl4s4+Q5yUucs+7red/vXg="},
                         {"consumerGroup", "G"},
                         {"topic", "T"}}));
}

TEST(AclHookTest, SecurityTokenIsAddedAndSigned) {
  auto hook = MakeAclRpcHook("ak", "sk-123", "tok");
  Fields out = Sign(hook, {{"topic", "T"}, {"consumerGroup", "G"}}, R"({"k":1})");
  // content "aktokGT" + body: AccessKey, SecurityToken, consumerGroup, topic.
  EXPECT_EQ(out.at("SecurityToken"), "tok");
  EXPECT_EQ(out.at("AccessKey"), "ak");
  EXPECT_EQ(out.at("Signature"), "4Li0Mrz3T1HShJeYgLriIIYtDuk=");
  EXPECT_EQ(out.size(), 5u);
}

TEST(AclHookTest, NoSecurityTokenFieldWithoutOne) {
  Fields out = Sign(MakeAclRpcHook("ak", "secret"), {{"topic", "T"}}, "");
  EXPECT_FALSE(out.contains("SecurityToken"));
}

TEST(AclHookTest, KeysInByteOrderAndSignatureAndUniqueKeyFlagLeftOut) {
  auto hook = MakeAclRpcHook("ak", "secret");
  // Uppercase sorts before lowercase; a stale Signature and the unique-key query flag are not
  // part of the content: "1" (A) "ak" (AccessKey) "3" (a) "2" (b).
  Fields in{{"b", "2"},
            {"A", "1"},
            {"a", "3"},
            {"Signature", "stale"},
            {"_UNIQUE_KEY_QUERY", "true"},
            {"AccessKey", "other"}};
  Fields out = Sign(hook, in, "");
  EXPECT_EQ(out.at("Signature"), "glyFncj9EPWRksgwbbnPBWBiPHE=");
  EXPECT_EQ(out.at("AccessKey"), "ak");
  EXPECT_EQ(out.at("_UNIQUE_KEY_QUERY"), "true");
  // Signing a signed request again gives the same signature.
  EXPECT_EQ(Sign(hook, out, ""), out);
}

TEST(AclHookTest, BinaryBody) {
  const std::string body("\x00\x01\xff", 3);
  Fields out = Sign(MakeAclRpcHook("ak", "secret"), {{"consumerGroup", "G"}}, body);
  EXPECT_EQ(out.at("Signature"), "tW//KltWFOtyp3EFOWZhLP7lGBk=");
  // The body counts: another one, another signature.
  Fields other = Sign(MakeAclRpcHook("ak", "secret"), {{"consumerGroup", "G"}}, "x");
  EXPECT_NE(other.at("Signature"), out.at("Signature"));
}

TEST(AclHookTest, EmptySecretKey) {
  Fields out = Sign(MakeAclRpcHook("ak", ""), {{"consumerGroup", "G"}}, "");
  EXPECT_EQ(out.at("Signature"), "/agxkz8pMhzo1K+X/0K+dwOSjd8=");
}

TEST(AclHookTest, ReproducesAliOnsCapturedSignatures) {
  // ali-ons signed every request with placeholder credentials; re-sign each captured request
  // (its own Signature removed) and compare.
  auto hook = MakeAclRpcHook("placeholderAK", "placeholderSK");
  int checked = 0;
  int with_body = 0;
  for (const auto& f : testing::LoadGoldenFile("17_ali_ons_nodejs")) {
    Fields fields;
    std::string body, signature;
    if (!DecodeSigned(f, &fields, &body, &signature)) continue;
    Fields out = Sign(hook, fields, body, f.code);
    EXPECT_EQ(out.at("Signature"), signature) << f.Name();
    EXPECT_EQ(out.size(), fields.size() + 1) << f.Name();
    ++checked;
    if (!body.empty()) ++with_body;
  }
  EXPECT_GT(checked, 10);
  EXPECT_GT(with_body, 0);
}

TEST(AclHookTest, ReproducesJavaMqadminSignatures) {
  // mqadmin (the Java client's AclClientRPCHook) signed its requests with the stock tools.yml
  // account rocketmq2 / 12345678.
  auto hook = MakeAclRpcHook("rocketmq2", "12345678");
  int checked = 0;
  for (const char* file : {"14_mqadmin_updateTopic", "15_mqadmin_topicList",
                           "16_mqadmin_clusterList_consumerProgress"}) {
    for (const auto& f : testing::LoadGoldenFile(file)) {
      Fields fields;
      std::string body, signature;
      if (!DecodeSigned(f, &fields, &body, &signature)) continue;
      Fields out = Sign(hook, fields, body, f.code);
      EXPECT_EQ(out.at("Signature"), signature) << f.Name();
      ++checked;
    }
  }
  EXPECT_GE(checked, 5);
}

}  // namespace
}  // namespace orbit
