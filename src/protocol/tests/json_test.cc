#include "protocol/json.h"

#include <gtest/gtest.h>

#include <string>

namespace orbit::protocol {
namespace {

TEST(JsonTest, ParsesStandardJson) {
  auto v = ParseJson(R"({"a":1,"b":[true,false,null],"c":"x\"y","d":-2.5})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(*v->Find("a")->AsInt64(), 1);
  ASSERT_EQ(v->Find("b")->items().size(), 3u);
  EXPECT_TRUE(v->Find("b")->items()[2].is_null());
  EXPECT_EQ(v->Find("c")->text(), "x\"y");
  EXPECT_DOUBLE_EQ(*v->Find("d")->AsDouble(), -2.5);
  EXPECT_EQ(v->Find("nope"), nullptr);
}

TEST(JsonTest, AcceptsFastjsonBareNumericKeys) {
  auto v = ParseJson(R"({"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.2:10911"}})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const JsonValue* addrs = v->Find("brokerAddrs");
  ASSERT_NE(addrs, nullptr);
  ASSERT_EQ(addrs->members().size(), 2u);
  EXPECT_TRUE(addrs->members()[0].key.is_number());
  EXPECT_EQ(addrs->Find("1")->text(), "127.0.0.2:10911");
  EXPECT_EQ(v->Dump(), R"({"brokerAddrs":{0:"127.0.0.1:10911",1:"127.0.0.2:10911"}})");
}

TEST(JsonTest, AcceptsObjectKeys) {
  auto v = ParseJson(
      R"({"offsetTable":{{"brokerName":"b","queueId":0,"topic":"T"}:{"brokerOffset":100}}})");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  const auto& m = v->Find("offsetTable")->members();
  ASSERT_EQ(m.size(), 1u);
  ASSERT_TRUE(m[0].key.is_object());
  EXPECT_EQ(m[0].key.Find("topic")->text(), "T");
  EXPECT_EQ(*m[0].value.Find("brokerOffset")->AsInt64(), 100);
}

TEST(JsonTest, AcceptsLenientForms) {
  auto v = ParseJson("{ 'a' : 'b', bare: 1, \"t\":[1,2,], }");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ(v->Find("a")->text(), "b");
  EXPECT_EQ(*v->Find("bare")->AsInt64(), 1);
  EXPECT_EQ(v->Find("t")->items().size(), 2u);
}

TEST(JsonTest, DecodesEscapes) {
  auto v = ParseJson(R"(["a\/b","\u00e9","\ud83d\ude00","\n\t"])");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(v->items()[0].text(), "a/b");
  EXPECT_EQ(v->items()[1].text(), "\xC3\xA9");
  EXPECT_EQ(v->items()[2].text(), "\xF0\x9F\x98\x80");
  EXPECT_EQ(v->items()[3].text(), "\n\t");
}

TEST(JsonTest, RejectsMalformedInput) {
  for (const char* bad : {"", "{", "{\"a\"}", "{\"a\":}", "[1 2]", "\"abc", "{\"a\":1}x", "tru",
                          "{\"a\":\"\\q\"}", "\"\\u12\"", "-", "{:1}"}) {
    auto v = ParseJson(bad);
    EXPECT_FALSE(v.ok()) << bad;
    if (!v.ok()) {
      EXPECT_EQ(v.status().code(), ErrorCode::kMalformed) << bad;
    }
  }
}

TEST(JsonTest, LimitsNesting) {
  std::string deep(kMaxJsonDepth + 10, '[');
  deep += std::string(kMaxJsonDepth + 10, ']');
  EXPECT_FALSE(ParseJson(deep).ok());
  std::string ok(kMaxJsonDepth - 1, '[');
  ok += std::string(kMaxJsonDepth - 1, ']');
  EXPECT_TRUE(ParseJson(ok).ok());
}

TEST(JsonTest, Conversions) {
  auto v = ParseJson(R"({"s":"42","n":7,"b":"true","big":99999999999,"x":"4x"})");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v->Find("s")->AsInt32(), 42);
  EXPECT_EQ(*v->Find("n")->AsString(), "7");
  EXPECT_TRUE(*v->Find("b")->AsBool());
  EXPECT_FALSE(v->Find("big")->AsInt32().ok());
  EXPECT_EQ(*v->Find("big")->AsInt64(), 99999999999);
  EXPECT_FALSE(v->Find("x")->AsInt64().ok());
}

TEST(JsonTest, WriterPlacesCommasAndKeys) {
  std::string out;
  JsonWriter w(&out);
  w.BeginObject();
  w.Key("a").Int(1);
  w.Key("m").BeginObject().BareKey("0").String("x").BareKey("1").String("y").EndObject();
  w.Key("l").BeginArray().Bool(true).Null().Double(1.5).Double(0).EndArray();
  w.Key("o").BeginObject();
  w.BeginObjectKey().Key("topic").String("T").EndObjectKey().Int(3);
  w.EndObject();
  w.EndObject();
  EXPECT_EQ(out, R"({"a":1,"m":{0:"x",1:"y"},"l":[true,null,1.5,0.0],"o":{{"topic":"T"}:3}})");
  EXPECT_TRUE(ParseJson(out).ok());
}

TEST(JsonTest, EscapesStrings) {
  std::string out;
  AppendJsonString(&out, std::string("a\"b\\c\x01/\xC3\xA9", 9));
  EXPECT_EQ(out, "\"a\\\"b\\\\c\\u0001/\xC3\xA9\"");
  out.clear();
  AppendJsonString(&out, "a/\xC3\xA9\xF0\x9F\x98\x80", true);
  EXPECT_EQ(out, "\"a\\/\\u00e9\\ud83d\\ude00\"");
}

// Every byte that needs escaping is found wherever it sits (the scan looks at 16 bytes at a
// time): compared with a byte-by-byte rendering.
TEST(JsonTest, EscapesAreFoundAtEveryPosition) {
  auto reference = [](std::string_view s) {
    static const char kHex[] = "0123456789abcdef";
    std::string out = "\"";
    for (unsigned char c : s) {
      switch (c) {
        case '"':
          out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        default:
          if (c < 0x20 || c == 0x7F) {
            out += "\\u00";
            out += kHex[c >> 4];
            out += kHex[c & 15];
          } else {
            out += static_cast<char>(c);
          }
      }
    }
    return out + "\"";
  };
  const char specials[] = {'"', '\\', '\x01', '\x1f', '\x7f', '\n', '/', '\x80', '\xff', ' ', '~'};
  for (size_t len = 1; len <= 48; ++len) {
    for (size_t pos = 0; pos < len; ++pos) {
      for (char special : specials) {
        std::string text(len, 'a');
        text[pos] = special;
        if (pos + 17 < len) text[pos + 17] = '\x02';  // a second one in a later block
        std::string out;
        AppendJsonString(&out, text);
        ASSERT_EQ(out, reference(text)) << "len " << len << " pos " << pos << " char "
                                        << static_cast<int>(static_cast<unsigned char>(special));
      }
    }
  }
}

}  // namespace
}  // namespace orbit::protocol
