#include "base/bytes.h"

#include <gtest/gtest.h>

namespace orbit {
namespace {

TEST(BytesTest, WriteBigEndian) {
  std::string out;
  PutU8(&out, 0x01);
  PutU16(&out, 0x0203);
  PutU32(&out, 0x04050607);
  PutI64(&out, -2);
  ASSERT_EQ(out.size(), 15u);
  EXPECT_EQ(out.substr(0, 7), std::string("\x01\x02\x03\x04\x05\x06\x07", 7));
  EXPECT_EQ(out.substr(7), std::string("\xff\xff\xff\xff\xff\xff\xff\xfe", 8));
}

TEST(BytesTest, ReadRoundTrip) {
  std::string out;
  PutI16(&out, -3);
  PutI32(&out, -626843481);
  PutU64(&out, 0x1122334455667788ull);
  out += "abc";
  ByteReader r(out);
  EXPECT_EQ(r.I16(), -3);
  EXPECT_EQ(r.I32(), -626843481);
  EXPECT_EQ(r.U64(), 0x1122334455667788ull);
  EXPECT_EQ(r.Bytes(3), "abc");
  EXPECT_TRUE(r.ok());
  EXPECT_EQ(r.remaining(), 0u);
}

TEST(BytesTest, ShortReadFailsAndStaysFailed) {
  std::string data("\x00\x01\x02", 3);
  ByteReader r(data);
  EXPECT_EQ(r.U32(), 0u);
  EXPECT_FALSE(r.ok());
  EXPECT_EQ(r.U8(), 0u);  // stays failed, even though one byte would fit
  EXPECT_FALSE(r.ok());
}

TEST(BytesTest, HugeLengthDoesNotOverflow) {
  std::string data(8, 'x');
  ByteReader r(data);
  r.Skip(4);
  EXPECT_TRUE(r.Bytes(SIZE_MAX - 2).empty());
  EXPECT_FALSE(r.ok());
}

}  // namespace
}  // namespace orbit
