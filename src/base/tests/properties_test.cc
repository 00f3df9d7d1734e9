#include "base/properties.h"

#include <gtest/gtest.h>

namespace orbit {
namespace {

TEST(PropertiesTest, JavaForms) {
  auto p = ParseProperties(
      "# comment\n! also comment\nlistenPort=9876\nkvConfigPath : /tmp/kv.json\n"
      "  orderMessageEnable   true\nmulti=a\\\n    b\\\n c\nempty=\nesc=tab\\there\\u00e9\n"
      "listenPort=9877\r\nlast=no newline");
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  PropertyList want = {{"listenPort", "9877"},
                       {"kvConfigPath", "/tmp/kv.json"},
                       {"orderMessageEnable", "true"},
                       {"multi", "abc"},
                       {"empty", ""},
                       {"esc", "tab\there\xC3\xA9"},
                       {"last", "no newline"}};
  EXPECT_EQ(*p, want);
}

TEST(PropertiesTest, BadEscapeIsAnError) {
  EXPECT_FALSE(ParseProperties("a=\\u12").ok());
  EXPECT_FALSE(ParseProperties("a=\\uZZZZ").ok());
}

TEST(PropertiesTest, FormatRoundTrips) {
  PropertyList props = {{"a key", "v=1"}, {"b", " lead"}, {"c", "x\ny\\z"}, {"#d", "!e"}};
  auto back = ParseProperties(FormatProperties(props));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, props);
}

TEST(PropertiesTest, UpdateTextKeepsCommentsAndOtherKeys) {
  const std::string text =
      "# broker-a\n"
      "brokerName = broker-a\n"
      "\n"
      "! note\n"
      "autoCreateTopicEnable=true\n"
      "namesrvAddr=127.0.0.1:9876;\\\n"
      "    127.0.0.2:9876\n"
      "autoCreateTopicEnable: true\n"
      "listenPort=10911";
  auto updated = UpdatePropertiesText(
      text,
      {{"autoCreateTopicEnable", "false"}, {"namesrvAddr", "h:1"}, {"brokerPermission", "4"}});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(*updated,
            "# broker-a\n"
            "brokerName = broker-a\n"
            "\n"
            "! note\n"
            "autoCreateTopicEnable=false\n"
            "namesrvAddr=h:1\n"
            "autoCreateTopicEnable=false\n"
            "listenPort=10911\n"
            "brokerPermission=4\n");
  auto parsed = ParseProperties(*updated);
  ASSERT_TRUE(parsed.ok());
  EXPECT_EQ(parsed->size(), 5u);
}

TEST(PropertiesTest, UpdateTextOfEmptyTextAppends) {
  auto updated = UpdatePropertiesText("", {{"a", " x"}});
  ASSERT_TRUE(updated.ok());
  EXPECT_EQ(*updated, "a=\\ x\n");
  EXPECT_FALSE(UpdatePropertiesText("k=\\u12\n", {{"k", "v"}}).ok());
}

}  // namespace
}  // namespace orbit
