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

}  // namespace
}  // namespace orbit
