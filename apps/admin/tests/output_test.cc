// orbit-admin's printers and value parsing: JSON that stays valid whatever a message body holds,
// aligned tables, Apache's timestamp forms.

#include "apps/admin/output.h"

#include <gtest/gtest.h>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

TEST(AdminJsonTest, WritesNestedValuesCompactly) {
  Json j = Json::Object();
  j.Set("s", "a\"b\\c\n").Set("i", int64_t{-3}).Set("b", true).Set("n", Json());
  j.Set("d", 1.5).Set("a", Json::Array().Push(1).Push("x"));
  EXPECT_EQ(j.Dump(), R"({"s":"a\"b\\c\n","i":-3,"b":true,"n":null,"d":1.50,"a":[1,"x"]})");
  EXPECT_EQ(Json::Array().Dump(), "[]");
  EXPECT_EQ(Json::Object().Dump(), "{}");
}

TEST(AdminJsonTest, EscapesControlBytesAndInvalidUtf8) {
  EXPECT_EQ(JsonQuote(std::string("\x01\t", 2)), "\"\\u0001\\t\"");
  EXPECT_EQ(JsonQuote("caf\xc3\xa9"), "\"caf\xc3\xa9\"");             // valid UTF-8 kept
  EXPECT_EQ(JsonQuote("\xff\xc3"), "\"\\u00ff\\u00c3\"");             // invalid bytes escaped
  EXPECT_EQ(JsonQuote("\xed\xa0\x80"), "\"\\u00ed\\u00a0\\u0080\"");  // a surrogate
}

TEST(AdminTableTest, AlignsColumnsWithoutTrailingBlanks) {
  Table t({"#A", "#Long header", "#C"});
  t.AddRow({"wide cell", "x", ""});
  EXPECT_EQ(t.Render(),
            "#A         #Long header  #C\n"
            "wide cell  x\n");
}

TEST(AdminTimestampTest, ParsesApacheForms) {
  EXPECT_EQ(*ParseTimestamp("1700000000123"), 1700000000123);
  auto t = ParseTimestamp("2024-05-01#12:30:15:250");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t % 1000, 250);
  EXPECT_EQ(HumanTime(*t), "2024-05-01 12:30:15,250");
  auto day = ParseTimestamp("2024-05-01");
  ASSERT_TRUE(day.ok());
  EXPECT_EQ(HumanTime(*day), "2024-05-01 00:00:00,000");
  EXPECT_FALSE(ParseTimestamp("yesterday").ok());
  EXPECT_FALSE(ParseTimestamp("2024-13-01").ok());
  EXPECT_FALSE(ParseTimestamp("").ok());
  EXPECT_EQ(HumanTime(0), "");
}

}  // namespace
}  // namespace orbit::admin
