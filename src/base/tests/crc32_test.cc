#include "base/crc32.h"

#include <gtest/gtest.h>

#include <string>

namespace orbit {
namespace {

TEST(Crc32Test, KnownValues) {
  EXPECT_EQ(Crc32(""), 0u);
  EXPECT_EQ(Crc32("123456789"), 0xCBF43926u);  // the CRC-32 check value
  EXPECT_EQ(Crc32("The quick brown fox jumps over the lazy dog"), 0x414FA339u);
}

TEST(Crc32Test, MaskedClearsTopBit) {
  EXPECT_EQ(MaskedCrc32("123456789"), 0x4BF43926);
  EXPECT_GE(MaskedCrc32("anything at all"), 0);
}

TEST(Crc32Test, IncrementalEqualsWhole) {
  std::string data(100000, '\0');
  for (size_t i = 0; i < data.size(); ++i) data[i] = static_cast<char>(i * 131);
  uint32_t c = Crc32Update(0, std::string_view(data).substr(0, 333));
  c = Crc32Update(c, std::string_view(data).substr(333));
  EXPECT_EQ(c, Crc32(data));
}

}  // namespace
}  // namespace orbit
