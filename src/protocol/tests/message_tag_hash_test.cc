#include <gtest/gtest.h>

#include "protocol/tag_hash.h"

namespace orbit::protocol {
namespace {

TEST(TagHashTest, JavaExamples) {
  EXPECT_EQ(TagsHashCode("TagA"), 2598919);
  EXPECT_EQ(TagsHashCode("TagB"), 2598920);
  EXPECT_EQ(TagsHashCode(""), 0);
  EXPECT_EQ(TagsCode(""), 0);
}

TEST(TagHashTest, BmpCharactersHashAsOneUtf16Unit) {
  // "标签" = U+6807 U+7B7E: 0x6807 * 31 + 0x7B7E = 26631 * 31 + 31614 = 857175.
  EXPECT_EQ(TagsHashCode("\xE6\xA0\x87\xE7\xAD\xBE"), 857175);
  // "é" = U+00E9 = 233, not the sum over its two UTF-8 bytes.
  EXPECT_EQ(TagsHashCode("\xC3\xA9"), 233);
}

TEST(TagHashTest, SupplementaryCharactersHashAsSurrogatePairs) {
  // U+1F600 = D83D DE00: 55357 * 31 + 56832 = 1772899.
  EXPECT_EQ(TagsHashCode("\xF0\x9F\x98\x80"), 1772899);
  // "Tag😀": (84*31 + 97)*31 + 103 = 83834; then *31 + 55357, *31 + 56832 = 82337373.
  EXPECT_EQ(TagsHashCode("Tag\xF0\x9F\x98\x80"), 82337373);
}

TEST(TagHashTest, OverflowWrapsLikeJavaInt) {
  // "日本語タグ" over its UTF-16 units wraps past 2^31 to -858417240.
  EXPECT_EQ(TagsHashCode("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x82\xBF\xE3\x82\xB0"),
            -858417240);
  EXPECT_EQ(TagsCode("\xE6\x97\xA5\xE6\x9C\xAC\xE8\xAA\x9E\xE3\x82\xBF\xE3\x82\xB0"),
            int64_t{-858417240});
}

TEST(TagHashTest, InvalidUtf8CountsEachBadByteAsReplacementChar) {
  constexpr int32_t kFffd = 0xFFFD;
  EXPECT_EQ(TagsHashCode("\xFF"), kFffd);
  EXPECT_EQ(TagsHashCode("a\x80"), 97 * 31 + kFffd);
  EXPECT_EQ(TagsHashCode("\xC0\xAF"), kFffd * 31 + kFffd);                     // overlong '/'
  EXPECT_EQ(TagsHashCode("\xED\xA0\x80"), (kFffd * 31 + kFffd) * 31 + kFffd);  // surrogate
  EXPECT_EQ(TagsHashCode("\xE6\xA0"), kFffd * 31 + kFffd);  // truncated at the end
  EXPECT_EQ(TagsHashCode("\xF4\x90\x80\x80"), TagsHashCode("\xFF\xFF\xFF\xFF"));  // > U+10FFFF
}

}  // namespace
}  // namespace orbit::protocol
