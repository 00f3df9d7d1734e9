#include "protocol/remoting_command.h"

#include <gtest/gtest.h>

#include "base/bytes.h"
#include "protocol/codes.h"

namespace orbit::protocol {
namespace {

std::string Unhex(std::string_view hex) {
  std::string out;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) {
    out.push_back(static_cast<char>(std::stoi(std::string(hex.substr(i, 2)), nullptr, 16)));
  }
  return out;
}

// code 105, language JAVA, version 409, opaque 1, flag 0: the fields before the remark length.
std::string BinaryHeaderFixedPart() {
  std::string h;
  PutI16(&h, 105);
  PutU8(&h, 0);
  PutI16(&h, 409);
  PutI32(&h, 1);
  PutI32(&h, 0);
  return h;
}

RemotingCommand RouteRequest() {
  RemotingCommand cmd = RemotingCommand::Request(RequestCode::kGetRouteinfoByTopic);
  cmd.language = LanguageCode::kJava;
  cmd.opaque = 7;
  cmd.ext_fields.Set("topic", "TopicTest");
  return cmd;
}

TEST(RemotingCommandTest, JsonHeaderMatchesFastjson) {
  std::string header;
  ASSERT_TRUE(EncodeJsonHeader(RouteRequest(), &header).ok());
  EXPECT_EQ(header, R"({"code":105,"extFields":{"topic":"TopicTest"},"flag":0,"language":"JAVA",)"
                    R"("opaque":7,"serializeTypeCurrentRPC":"JSON","version":409})");
}

TEST(RemotingCommandTest, BinaryFrameMatchesWorkedExample) {
  RemotingCommand cmd = RouteRequest();
  cmd.serialize_type = SerializeType::kRocketmq;
  std::string frame;
  ASSERT_TRUE(EncodeFrame(cmd, &frame).ok());
  EXPECT_EQ(frame, Unhex("0000002d01000029006900019900000007000000000000000000000014"
                         "0005746f70696300000009546f70696354657374"));
}

TEST(RemotingCommandTest, RoundTripsBothSerializations) {
  for (SerializeType type : {SerializeType::kJson, SerializeType::kRocketmq}) {
    RemotingCommand cmd = RemotingCommand::Request(RequestCode::kSendMessageV2);
    cmd.serialize_type = type;
    cmd.opaque = -5;
    cmd.flag = kFlagOneway;
    cmd.remark = "tab\there \"quoted\" \xC3\xA9";
    cmd.ext_fields.Set("a", "PG");
    cmd.ext_fields.Set("i", std::string("KEYS\x01k1\x02TAGS\x01TagA", 17));
    cmd.body = std::string("\0\x01\x02 body", 8);
    std::string frame;
    ASSERT_TRUE(EncodeFrame(cmd, &frame).ok());
    auto len = DecodeFrameLength(frame.data());
    ASSERT_TRUE(len.ok());
    EXPECT_EQ(*len + 4, frame.size());
    auto back = DecodeFramePayload(std::string_view(frame).substr(4));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(back->code, cmd.code);
    EXPECT_EQ(back->opaque, -5);
    EXPECT_EQ(back->flag, kFlagOneway);
    EXPECT_TRUE(back->is_oneway());
    EXPECT_EQ(back->language, LanguageCode::kCpp);
    EXPECT_EQ(back->version, kOrbitVersion);
    EXPECT_EQ(back->remark, cmd.remark);
    EXPECT_EQ(back->ext_fields, cmd.ext_fields);
    EXPECT_EQ(back->body, cmd.body);
    EXPECT_EQ(back->serialize_type, type);
  }
}

TEST(RemotingCommandTest, ResponseCopiesOpaqueAndSerialization) {
  RemotingCommand req = RouteRequest();
  req.serialize_type = SerializeType::kRocketmq;
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kTopicNotExist, "no");
  EXPECT_EQ(resp.opaque, 7);
  EXPECT_TRUE(resp.is_response());
  EXPECT_EQ(resp.serialize_type, SerializeType::kRocketmq);
  EXPECT_EQ(resp.remark, "no");
}

TEST(RemotingCommandTest, BinaryHeaderRejectsWideCodes) {
  RemotingCommand cmd = RemotingCommand::Request(200050);
  cmd.serialize_type = SerializeType::kRocketmq;
  std::string frame = "keep";
  EXPECT_EQ(EncodeFrame(cmd, &frame).code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(frame, "keep");  // nothing half-written
  cmd.serialize_type = SerializeType::kJson;
  EXPECT_TRUE(EncodeFrame(cmd, &frame).ok());
}

TEST(RemotingCommandTest, FrameLengthLimits) {
  char p[4];
  StoreU32(p, kMaxFrameLength);
  EXPECT_TRUE(DecodeFrameLength(p).ok());
  StoreU32(p, kMaxFrameLength + 1);
  EXPECT_EQ(DecodeFrameLength(p).status().code(), ErrorCode::kFrameTooLarge);
  StoreU32(p, 0xFFFFFFFFu);
  EXPECT_EQ(DecodeFrameLength(p).status().code(), ErrorCode::kFrameTooLarge);
  StoreU32(p, 3);
  EXPECT_EQ(DecodeFrameLength(p).status().code(), ErrorCode::kMalformed);
}

TEST(RemotingCommandTest, EncodeRefusesOversizedBody) {
  RemotingCommand cmd = RemotingCommand::Request(RequestCode::kSendMessage);
  cmd.body.assign(kMaxFrameLength, 'x');
  std::string frame;
  EXPECT_EQ(EncodeFrame(cmd, &frame).code(), ErrorCode::kFrameTooLarge);
  EXPECT_TRUE(frame.empty());
}

TEST(RemotingCommandTest, MalformedPayloadsAreErrors) {
  auto mark = [](uint8_t type, uint32_t len) {
    std::string s;
    PutU32(&s, (uint32_t{type} << 24) | len);
    return s;
  };
  EXPECT_FALSE(DecodeFramePayload("").ok());
  EXPECT_FALSE(DecodeFramePayload(mark(0, 10) + "{}").ok());  // header beyond frame
  EXPECT_FALSE(DecodeFramePayload(mark(2, 2) + "{}").ok());   // unknown type
  EXPECT_FALSE(DecodeFramePayload(mark(0, 2) + "[]").ok());   // not an object
  EXPECT_FALSE(DecodeFramePayload(mark(0, 2) + "{}").ok());   // no code
  EXPECT_FALSE(DecodeFramePayload(mark(0, 12) + "{\"code\":\"x\"}").ok());
  EXPECT_FALSE(DecodeFramePayload(mark(1, 5) + "\0\x01\0\0\0").ok());  // short binary
  // Binary remark length larger than the header.
  std::string h = BinaryHeaderFixedPart();
  PutI32(&h, 1000);
  PutI32(&h, 0);
  EXPECT_FALSE(DecodeFramePayload(mark(1, static_cast<uint32_t>(h.size())) + h).ok());
}

TEST(RemotingCommandTest, BinaryHeaderRejectsKeysItCouldNotReencode) {
  std::string h = BinaryHeaderFixedPart();
  PutI32(&h, 0);  // no remark
  std::string key(40000, 'k');
  std::string ext;
  PutU16(&ext, static_cast<uint16_t>(key.size()));  // reads as a negative Java short
  ext += key;
  PutI32(&ext, 1);
  ext += "v";
  PutI32(&h, static_cast<int32_t>(ext.size()));
  h += ext;
  RemotingCommand cmd;
  Status st = DecodeBinaryHeader(h, &cmd);
  EXPECT_EQ(st.code(), ErrorCode::kMalformed);
}

TEST(RemotingCommandTest, JsonHeaderAcceptsJavaVariants) {
  RemotingCommand cmd;
  ASSERT_TRUE(DecodeJsonHeader(R"({"opaque":3,"language":1,"code":"34","extFields":)"
                               R"({"n":5,"b":true,"z":null},"unknown":{"x":[1]}})",
                               &cmd)
                  .ok());
  EXPECT_EQ(cmd.code, 34);
  EXPECT_EQ(cmd.language, LanguageCode::kCpp);
  EXPECT_EQ(cmd.version, 0);
  ASSERT_NE(cmd.ext_fields.Find("n"), nullptr);
  EXPECT_EQ(*cmd.ext_fields.Find("n"), "5");
  EXPECT_EQ(*cmd.ext_fields.Find("b"), "true");
  EXPECT_EQ(cmd.ext_fields.Find("z"), nullptr);
  RemotingCommand other;
  ASSERT_TRUE(DecodeJsonHeader(R"({"code":0,"language":"KLINGON"})", &other).ok());
  EXPECT_EQ(other.language, LanguageCode::kOther);
}

// The JSON header decoder's fast path either declines a header or decodes it exactly as the
// general decoder does; DecodeJsonHeader's answer never depends on which one ran.
TEST(RemotingCommandTest, FastJsonHeaderPathAgreesWithTheGeneralDecoder) {
  struct Case {
    std::string header;
    bool fast;  // the fast path takes it
  };
  const Case cases[] = {
      {R"({"code":10,"extFields":{"a":"1","b":"x"},"flag":0,"language":"JAVA","opaque":7,"serializeTypeCurrentRPC":"JSON","version":395})",
       true},
      {R"({ "code" : -3 , "opaque":2147483647, "extFields" : { } , "remark":"r" })", true},
      {R"({"code":1,"extFields":{"properties":"KEYS\u0001k\u0002TAGS\u0001t\u0002","q":"\"x\"\\\n\/"}})",
       true},
      {R"({"code":1,"extFields":{"e":"\ud83d\ude00","lone":"\ud800x"}})", true},
      {R"({"code":1,"extFields":{"n":123,"neg":-5,"zero":007}})", true},
      {R"({"code":1,"unknown":"x","other":5})", true},
      {R"({"code":1,"k\u0041":"v"})", true},
      {R"({"code":1,"extFields":{"b":true}})", false},
      {R"({"code":1,"extFields":{"n":12L}})", false},
      {R"({"code":1,"extFields":{"f":1.5}})", false},
      {R"({"code":1,"extFields":{"z":null}})", false},
      {R"({"code":1,"extFields":null})", false},
      {R"({"code":"12"})", false},
      {R"({"code":1,"language":3})", false},
      {R"({'code':1})", false},
      {R"({code:1})", false},
      {R"({"code":1,"remark":null})", false},
      {R"({"code":1,"nested":{"a":[1,2]}})", false},
      {R"({"code":99999999999})", false},
      {R"({"code":1} trailing)", false},
      {R"({"opaque":1})", false},
      {R"({"code":1,"extFields":{"a":"unterminated)", false},
      {R"({"code":1,"a":"\x41"})", true},  // escapes go to the general string parser
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.header);
    RemotingCommand general;
    Status general_status = internal::DecodeJsonHeaderGeneral(c.header, &general);
    RemotingCommand fast;
    const bool took = internal::DecodeJsonHeaderFast(c.header, &fast);
    EXPECT_EQ(took, c.fast);
    if (took) {
      ASSERT_TRUE(general_status.ok()) << general_status.ToString();
      EXPECT_EQ(fast.code, general.code);
      EXPECT_EQ(fast.opaque, general.opaque);
      EXPECT_EQ(fast.flag, general.flag);
      EXPECT_EQ(fast.version, general.version);
      EXPECT_EQ(fast.language, general.language);
      EXPECT_EQ(fast.remark, general.remark);
      EXPECT_EQ(fast.ext_fields, general.ext_fields);
    }
    RemotingCommand either;
    Status st = DecodeJsonHeader(c.header, &either);
    EXPECT_EQ(st.ok(), general_status.ok());
    if (st.ok()) {
      EXPECT_EQ(either.code, general.code);
      EXPECT_EQ(either.opaque, general.opaque);
      EXPECT_EQ(either.remark, general.remark);
      EXPECT_EQ(either.ext_fields, general.ext_fields);
    }
  }
}

// The fast path scans strings sixteen bytes at a time: values of every length up to 40 with an
// escape at every position decode as the general decoder decodes them.
TEST(RemotingCommandTest, FastJsonHeaderPathAgreesAtEveryStringLength) {
  for (size_t len = 0; len <= 40; ++len) {
    for (size_t pos = 0; pos <= len; ++pos) {
      std::string value(len, 'v');
      if (pos < len) value.replace(pos, 1, "\\u0001");
      const std::string header =
          R"({"code":1,"extFields":{"k":")" + value + R"(","after":"x"},"opaque":3})";
      SCOPED_TRACE(header);
      RemotingCommand fast;
      RemotingCommand general;
      ASSERT_TRUE(internal::DecodeJsonHeaderFast(header, &fast));
      ASSERT_TRUE(internal::DecodeJsonHeaderGeneral(header, &general).ok());
      EXPECT_EQ(fast.ext_fields, general.ext_fields);
      EXPECT_EQ(fast.opaque, 3);
      ASSERT_NE(fast.ext_fields.Find("k"), nullptr);
      EXPECT_EQ(fast.ext_fields.Find("k")->size(), len);
    }
  }
}

TEST(RemotingCommandTest, CodeTablesHaveJavaNames) {
  EXPECT_STREQ(RequestCodeName(RequestCode::kSendMessageV2), "SEND_MESSAGE_V2");
  EXPECT_STREQ(RequestCodeName(224), "GET_TOPICS_BY_CLUSTER");
  EXPECT_EQ(RequestCodeName(9999), nullptr);
  EXPECT_STREQ(ResponseCodeName(ResponseCode::kPullNotFound), "PULL_NOT_FOUND");
  EXPECT_TRUE(ProducerRetriesResponse(ResponseCode::kTopicNotExist));
  EXPECT_FALSE(ProducerRetriesResponse(ResponseCode::kSystemBusy));
}

}  // namespace
}  // namespace orbit::protocol
