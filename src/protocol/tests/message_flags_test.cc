#include "protocol/message_flags.h"

#include <gtest/gtest.h>

namespace orbit::protocol {
namespace {

TEST(MessageFlagsTest, TransactionType) {
  EXPECT_EQ(GetTransactionType(0), TransactionType::kNotType);
  EXPECT_EQ(GetTransactionType(0x4), TransactionType::kPrepared);
  EXPECT_EQ(GetTransactionType(0x8 | 0x1 | 0x300), TransactionType::kCommit);
  EXPECT_EQ(GetTransactionType(0xC), TransactionType::kRollback);
  EXPECT_EQ(SetTransactionType(0x305, TransactionType::kCommit), 0x309);
  EXPECT_EQ(SetTransactionType(0x4, TransactionType::kNotType), 0);
  EXPECT_EQ(SetTransactionType(0x31, TransactionType::kRollback), 0x3D);
}

TEST(MessageFlagsTest, HostBits) {
  EXPECT_FALSE(IsBornHostV6(0x20));
  EXPECT_TRUE(IsBornHostV6(0x10));
  EXPECT_TRUE(IsStoreHostV6(0x20));
  EXPECT_FALSE(IsStoreHostV6(0x10));
}

TEST(MessageFlagsTest, CompressionTypeFromSysFlag) {
  // Type field 0 (producers before 4.9.4 send plain 0x1) and 3 are zlib.
  EXPECT_EQ(*CompressionTypeFromSysFlag(0x1), CompressionType::kZlib);
  EXPECT_EQ(*CompressionTypeFromSysFlag(0x301), CompressionType::kZlib);
  EXPECT_EQ(*CompressionTypeFromSysFlag(0x101), CompressionType::kLz4);
  EXPECT_EQ(*CompressionTypeFromSysFlag(0x201), CompressionType::kZstd);
  EXPECT_EQ(*CompressionTypeFromSysFlag(0x20D | 0x30), CompressionType::kZstd);
  for (int32_t t = 4; t < 8; ++t) {
    EXPECT_EQ(CompressionTypeFromSysFlag((t << 8) | 1).status().code(), ErrorCode::kUnsupported);
  }
  EXPECT_TRUE(IsCompressed(0x301));
  EXPECT_FALSE(IsCompressed(0x300));
}

TEST(MessageFlagsTest, CompressedSysFlagBitsMatchJavaProducers) {
  EXPECT_EQ(CompressedSysFlagBits(CompressionType::kZlib), 769);  // 08_send_compressed f=769
  EXPECT_EQ(CompressedSysFlagBits(CompressionType::kLz4), 257);
  EXPECT_EQ(CompressedSysFlagBits(CompressionType::kZstd), 513);
}

}  // namespace
}  // namespace orbit::protocol
