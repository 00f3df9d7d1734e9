#include <gtest/gtest.h>

#include <string>

#include "protocol/compression.h"

namespace orbit::protocol {
namespace {

constexpr CompressionType kAllTypes[] = {CompressionType::kZlib, CompressionType::kLz4,
                                         CompressionType::kZstd};

std::string TextBody(size_t n) {
  std::string s;
  uint32_t x = 12345;
  while (s.size() < n) {
    x = x * 1103515245 + 12345;
    s += "golden message line " + std::to_string(x % 97) + "\n";
  }
  s.resize(n);
  return s;
}

class CompressionTest : public ::testing::TestWithParam<CompressionType> {};

TEST_P(CompressionTest, RoundTrip) {
  for (size_t n : {size_t{0}, size_t{1}, size_t{4096}, size_t{8192}, size_t{300000}}) {
    std::string plain = TextBody(n);
    auto packed = Compress(GetParam(), plain);
    ASSERT_TRUE(packed.ok()) << packed.status().ToString();
    auto back = Decompress(GetParam(), *packed);
    ASSERT_TRUE(back.ok()) << back.status().ToString();
    EXPECT_EQ(*back, plain) << n;
  }
}

TEST_P(CompressionTest, OutputLimitIsEnforced) {
  std::string plain(1 << 20, 'x');  // compresses to almost nothing: a tiny "bomb"
  auto packed = Compress(GetParam(), plain);
  ASSERT_TRUE(packed.ok());
  EXPECT_LT(packed->size(), 10000u);
  auto capped = Decompress(GetParam(), *packed, plain.size() - 1);
  ASSERT_FALSE(capped.ok());
  EXPECT_EQ(capped.status().code(), ErrorCode::kCompression);
  EXPECT_TRUE(Decompress(GetParam(), *packed, plain.size()).ok());
}

TEST_P(CompressionTest, TruncatedInputFails) {
  auto packed = Compress(GetParam(), TextBody(8192));
  ASSERT_TRUE(packed.ok());
  for (size_t n : {size_t{0}, size_t{1}, size_t{5}, packed->size() / 2, packed->size() - 1}) {
    auto r = Decompress(GetParam(), packed->substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kCompression);
  }
}

TEST_P(CompressionTest, CorruptInputNeverCrashes) {
  auto packed = Compress(GetParam(), TextBody(8192));
  ASSERT_TRUE(packed.ok());
  // Flip each byte in turn: either an error or some output, never a crash or overrun.
  int errors = 0;
  for (size_t i = 0; i < packed->size(); ++i) {
    std::string bad = *packed;
    bad[i] = static_cast<char>(bad[i] ^ 0x5A);
    auto r = Decompress(GetParam(), bad, 1 << 20);
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), ErrorCode::kCompression);
      ++errors;
    }
  }
  EXPECT_GT(errors, 0);
  EXPECT_FALSE(Decompress(GetParam(), "definitely not compressed").ok());
}

INSTANTIATE_TEST_SUITE_P(AllTypes, CompressionTest, ::testing::ValuesIn(kAllTypes),
                         [](const auto& info) { return CompressionTypeName(info.param); });

TEST(CompressionFormatTest, ZlibIsAnRfc1950Stream) {
  auto packed = Compress(CompressionType::kZlib, TextBody(5000));
  ASSERT_TRUE(packed.ok());
  // CMF 0x78 (deflate, 32K window); FLG makes CMF*256+FLG a multiple of 31.
  EXPECT_EQ(static_cast<uint8_t>((*packed)[0]), 0x78);
  EXPECT_EQ((0x78 * 256 + static_cast<uint8_t>((*packed)[1])) % 31, 0);
}

TEST(CompressionFormatTest, ZlibIgnoresBytesAfterTheStream) {
  auto packed = Compress(CompressionType::kZlib, "abc");
  ASSERT_TRUE(packed.ok());
  auto back = Decompress(CompressionType::kZlib, *packed + "trailing");
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, "abc");
}

TEST(CompressionFormatTest, Lz4IsAFrame) {
  auto packed = Compress(CompressionType::kLz4, "abc");
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(packed->substr(0, 4), std::string("\x04\x22\x4D\x18", 4));  // 0x184D2204 LE
}

TEST(CompressionFormatTest, ZstdIsAFrame) {
  auto packed = Compress(CompressionType::kZstd, "abc");
  ASSERT_TRUE(packed.ok());
  EXPECT_EQ(packed->substr(0, 4), std::string("\x28\xB5\x2F\xFD", 4));  // 0xFD2FB528 LE
}

TEST(CompressionFormatTest, ConcatenatedFramesDecode) {
  for (CompressionType t : {CompressionType::kLz4, CompressionType::kZstd}) {
    auto a = Compress(t, "first-");
    auto b = Compress(t, "second");
    ASSERT_TRUE(a.ok() && b.ok());
    auto back = Decompress(t, *a + *b);
    ASSERT_TRUE(back.ok()) << CompressionTypeName(t);
    EXPECT_EQ(*back, "first-second");
  }
}

TEST(CompressionFormatTest, BadLevelIsAnError) {
  EXPECT_EQ(Compress(CompressionType::kZlib, "x", 10).status().code(), ErrorCode::kCompression);
  EXPECT_EQ(Compress(CompressionType::kZstd, "x", 1000).status().code(), ErrorCode::kCompression);
}

TEST(CompressionFormatTest, Names) {
  EXPECT_STREQ(CompressionTypeName(CompressionType::kZlib), "ZLIB");
  EXPECT_STREQ(CompressionTypeName(CompressionType::kLz4), "LZ4");
  EXPECT_STREQ(CompressionTypeName(CompressionType::kZstd), "ZSTD");
}

}  // namespace
}  // namespace orbit::protocol
