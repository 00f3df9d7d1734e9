// Every frame captured from Apache RocketMQ 4.9.8 decodes, and the decoded fields agree with the
// capture's description. Binary (ROCKETMQ) headers re-encode byte for byte.

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "golden/golden.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {
namespace {

using orbit::testing::GoldenFrame;

TEST(FrameGoldenTest, AllCapturesArePresent) {
  auto files = orbit::testing::GoldenFiles();
  EXPECT_EQ(files.size(), 18u);
  EXPECT_EQ(orbit::testing::LoadAllGoldenFrames().size(), 498u);
}

TEST(FrameGoldenTest, EveryFrameDecodesAsDescribed) {
  int checked = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    SCOPED_TRACE(g.Name());
    ASSERT_GE(g.bytes.size(), 8u);
    auto len = DecodeFrameLength(g.bytes.data());
    ASSERT_TRUE(len.ok()) << len.status().ToString();
    ASSERT_EQ(*len + 4, g.bytes.size());
    auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
    ASSERT_TRUE(cmd.ok()) << cmd.status().ToString();
    EXPECT_EQ(cmd->code, g.code);
    EXPECT_EQ(cmd->opaque, g.opaque);
    EXPECT_EQ(cmd->flag, g.flag);
    EXPECT_EQ(cmd->is_response(), g.is_response);
    EXPECT_EQ(SerializeTypeName(cmd->serialize_type), g.ser);
    EXPECT_EQ(LanguageName(cmd->language), g.lang);
    EXPECT_EQ(cmd->version, g.version);
    EXPECT_EQ(cmd->body.size(), static_cast<size_t>(g.body_len));
    EXPECT_EQ(cmd->remark, g.remark);
    std::map<std::string, std::string> ext(cmd->ext_fields.begin(), cmd->ext_fields.end());
    std::map<std::string, std::string> want = g.ext;
    // ali-ons sends JSON booleans ("k":false) where Java sends strings; the capture tool printed
    // those as True/False. We turn them into Java's "true"/"false", as fastjson does.
    for (auto& [k, v] : want) {
      if (v == "True" || v == "False") v = v == "True" ? "true" : "false";
    }
    EXPECT_EQ(ext, want);
    ++checked;
  }
  EXPECT_EQ(checked, 498);
}

// The JSON header decoder's fast path takes every Java header (fastjson's output) and agrees
// with the general decoder; ali-ons' JSON booleans are left to the general one.
TEST(FrameGoldenTest, FastJsonPathTakesJavaHeadersAndAgrees) {
  int fast = 0, general_only = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    if (g.ser != "JSON") continue;
    SCOPED_TRACE(g.Name());
    const uint32_t header_len = LoadU32(g.bytes.data() + 4) & 0xFFFFFF;
    const std::string_view header = std::string_view(g.bytes).substr(8, header_len);
    RemotingCommand general;
    ASSERT_TRUE(internal::DecodeJsonHeaderGeneral(header, &general).ok());
    RemotingCommand quick;
    if (!internal::DecodeJsonHeaderFast(header, &quick)) {
      EXPECT_NE(g.Name().find("ali_ons"), std::string::npos)
          << "a Java header missed the fast path";
      ++general_only;
      continue;
    }
    EXPECT_EQ(quick.code, general.code);
    EXPECT_EQ(quick.opaque, general.opaque);
    EXPECT_EQ(quick.flag, general.flag);
    EXPECT_EQ(quick.version, general.version);
    EXPECT_EQ(quick.language, general.language);
    EXPECT_EQ(quick.remark, general.remark);
    EXPECT_EQ(quick.ext_fields, general.ext_fields);
    ++fast;
  }
  EXPECT_GE(fast, 300);
  EXPECT_LT(general_only, fast / 4);
}

TEST(FrameGoldenTest, BinaryHeadersReencodeByteForByte) {
  int checked = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    if (g.ser != "ROCKETMQ") continue;
    SCOPED_TRACE(g.Name());
    auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
    ASSERT_TRUE(cmd.ok());
    std::string again;
    ASSERT_TRUE(EncodeFrame(*cmd, &again).ok());
    EXPECT_EQ(again, g.bytes);
    ++checked;
  }
  EXPECT_GE(checked, 10);
}

TEST(FrameGoldenTest, JsonHeadersReencodeToEquivalentJson) {
  int exact = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    if (g.ser != "JSON") continue;
    SCOPED_TRACE(g.Name());
    auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
    ASSERT_TRUE(cmd.ok());
    std::string again;
    ASSERT_TRUE(EncodeFrame(*cmd, &again).ok());
    auto back = DecodeFramePayload(std::string_view(again).substr(4));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(back->code, cmd->code);
    EXPECT_EQ(back->opaque, cmd->opaque);
    EXPECT_EQ(back->flag, cmd->flag);
    EXPECT_EQ(back->remark, cmd->remark);
    EXPECT_EQ(back->ext_fields, cmd->ext_fields);
    EXPECT_EQ(back->body, cmd->body);
    // Java writes the extFields of a HashMap in hash order, and an empty "extFields":{} for
    // responses with a custom header. With exactly one field the header is deterministic and
    // our encoding must equal Java's byte for byte.
    if (cmd->ext_fields.size() == 1 && cmd->language == LanguageCode::kJava && g.lang == "JAVA" &&
        g.direction.rfind("C->", 0) == 0) {
      RemotingCommand java_like = *cmd;
      std::string java_frame;
      ASSERT_TRUE(EncodeFrame(java_like, &java_frame).ok());
      EXPECT_EQ(java_frame, g.bytes);
      ++exact;
    }
  }
  EXPECT_GT(exact, 20);
}

}  // namespace
}  // namespace orbit::protocol
