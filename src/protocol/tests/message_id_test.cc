#include "protocol/message_id.h"

#include <gtest/gtest.h>

namespace orbit::protocol {
namespace {

constexpr int64_t kNov2026 = 1793491200000;  // 2026-11-01T00:00:00Z
constexpr int64_t kOct2026 = 1790812800000;  // 2026-10-01T00:00:00Z

TEST(MessageIdTest, OffsetIdWorkedExample) {
  HostAddress host = HostAddress::IPv4(192, 168, 1, 10, 10911);
  EXPECT_EQ(EncodeOffsetMessageId(host, 0x12345), "C0A8010A00002A9F0000000000012345");
  auto id = DecodeOffsetMessageId("C0A8010A00002A9F0000000000012345");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->store_host, host);
  EXPECT_EQ(id->commit_log_offset, 0x12345);
  EXPECT_EQ(id->store_host.ToString(), "192.168.1.10:10911");
}

TEST(MessageIdTest, OffsetIdAcceptsLowerCase) {
  auto id = DecodeOffsetMessageId("7f00000100002a9f00000000b28b8d67");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->store_host, HostAddress::IPv4(127, 0, 0, 1, 10911));
  EXPECT_EQ(id->commit_log_offset, 0xB28B8D67);
}

TEST(MessageIdTest, OffsetIdIPv6) {
  HostAddress host;
  host.ip = std::string("\x20\x01\x0d\xb8\0\0\0\0\0\0\0\0\0\0\0\x01", 16);
  host.port = 10911;
  std::string id = EncodeOffsetMessageId(host, -1);
  EXPECT_EQ(id,
            "20010DB8000000000000000000000001"
            "00002A9F"
            "FFFFFFFFFFFFFFFF");
  auto back = DecodeOffsetMessageId(id);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->store_host, host);
  EXPECT_EQ(back->commit_log_offset, -1);
  EXPECT_EQ(host.ToString(), "[2001:db8:0:0:0:0:0:1]:10911");
}

TEST(MessageIdTest, OffsetIdErrors) {
  EXPECT_EQ(DecodeOffsetMessageId("").status().code(), ErrorCode::kMalformed);
  EXPECT_EQ(DecodeOffsetMessageId("C0A8010A00002A9F000000000001234").status().code(),
            ErrorCode::kMalformed);  // 31 chars
  EXPECT_EQ(DecodeOffsetMessageId("C0A8010A00002A9F00000000000123456").status().code(),
            ErrorCode::kMalformed);  // 33 chars
  EXPECT_EQ(DecodeOffsetMessageId("G0A8010A00002A9F0000000000012345").status().code(),
            ErrorCode::kMalformed);
}

TEST(MessageIdTest, OffsetIdList) {
  auto ids = DecodeOffsetMessageIdList(
      "7F00000100002A9F00000000B28B8A85,7F00000100002A9F00000000B28B8B7B");
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 2u);
  EXPECT_EQ((*ids)[1].commit_log_offset, 0xB28B8B7B);
  EXPECT_FALSE(DecodeOffsetMessageIdList("7F00000100002A9F00000000B28B8A85,").ok());
}

TEST(MessageIdTest, HexHelpers) {
  EXPECT_EQ(HexEncode(std::string("\x00\x7F\xAB\xFF", 4)), "007FABFF");
  auto b = HexDecode("007fABff");
  ASSERT_TRUE(b.ok());
  EXPECT_EQ(*b, std::string("\x00\x7F\xAB\xFF", 4));
  EXPECT_FALSE(HexDecode("abc").ok());
  EXPECT_FALSE(HexDecode("zz").ok());
}

TEST(MessageIdTest, UniqueIdWorkedExample) {
  // IP 192.168.1.20, pid 12345, loader hash 0x1B6D3586, 0x0A2B3C4D ms into the month.
  UniqueIdGenerator gen(std::string("\xC0\xA8\x01\x14", 4), 12345, 0x1B6D3586);
  EXPECT_EQ(gen.Next(kNov2026 + 0x0A2B3C4D, kNov2026), "C0A8011430391B6D35860A2B3C4D0000");
  EXPECT_EQ(gen.Next(kNov2026 + 0x0A2B3C4D, kNov2026), "C0A8011430391B6D35860A2B3C4D0001");
}

TEST(MessageIdTest, UniqueIdMatchesTheGoldenProducer) {
  // 04_send_sync: UNIQ_KEY C00002021E385FFD2B2769ECE85A0000 created 1 ms before bornTimestamp
  // 1795268333659 by pid 0x1E38 on 192.0.2.2; the capture host ran in UTC.
  UniqueIdGenerator gen(std::string("\xC0\x00\x02\x02", 4), 0x1E38, 0x5FFD2B27);
  EXPECT_EQ(gen.Next(1795268333658, kNov2026), "C00002021E385FFD2B2769ECE85A0000");
}

TEST(MessageIdTest, UniqueIdPidIsTruncatedAndCounterWraps) {
  UniqueIdGenerator gen(std::string(4, '\0'), 0x12345678, -1);
  std::string first = gen.Next(kNov2026, kNov2026);
  EXPECT_EQ(first, "000000005678FFFFFFFF000000000000");
  for (int i = 1; i < 65536; ++i) (void)gen.Next(kNov2026, kNov2026);
  EXPECT_EQ(gen.Next(kNov2026, kNov2026), first);  // counter wrapped to 0
}

TEST(MessageIdTest, UniqueIdTimeOffsetClampsAndWrapsLikeJava) {
  UniqueIdGenerator gen(std::string(4, '\0'), 0, 0);
  // Clock slightly before the month start (NTP step): clamped to 0.
  EXPECT_EQ(gen.Next(kNov2026 - 5, kNov2026).substr(20, 8), "00000000");
  // Far before: Java keeps the wrapped int.
  EXPECT_EQ(gen.Next(kNov2026 - 2000000, kNov2026).substr(20, 8), "FFE17B80");
  // 30 days into a month passes 2^31 ms: the int32 wraps.
  int64_t day30 = kNov2026 + int64_t{30} * 86400000;
  std::string id = gen.Next(day30, kNov2026);
  EXPECT_EQ(id.substr(20, 8), "9A7EC800");
  auto info = DecodeUniqueId(id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->ms_since_month_start, uint32_t{30} * 86400000);
}

TEST(MessageIdTest, UniqueIdIPv6) {
  std::string ip(16, '\x11');
  UniqueIdGenerator gen(ip, 7, 8);
  std::string id = gen.Next(kNov2026 + 9, kNov2026);
  EXPECT_EQ(id.size(), 56u);
  auto info = DecodeUniqueId(id);
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->ip, ip);
  EXPECT_EQ(info->pid, 7);
  EXPECT_EQ(info->random, 8);
  EXPECT_EQ(info->ms_since_month_start, 9u);
  EXPECT_EQ(info->counter, 0);
}

TEST(MessageIdTest, DecodeUniqueId) {
  auto info = DecodeUniqueId("c0a8011430391b6d35860a2b3c4d0001");
  ASSERT_TRUE(info.ok());
  EXPECT_EQ(info->ip, std::string("\xC0\xA8\x01\x14", 4));
  EXPECT_EQ(info->pid, 12345);
  EXPECT_EQ(info->random, 0x1B6D3586);
  EXPECT_EQ(info->ms_since_month_start, 0x0A2B3C4Du);
  EXPECT_EQ(info->counter, 1);
  EXPECT_FALSE(DecodeUniqueId("C0A8011430391B6D35860A2B3C4D00").ok());
  EXPECT_FALSE(DecodeUniqueId("C0A8011430391B6D35860A2B3C4D000X").ok());
}

TEST(MessageIdTest, NearlyTimestampFallsBackToThePreviousMonth) {
  // An id made on 2026-11-21 and read on 2026-11-22: this month.
  int64_t now = kNov2026 + int64_t{21} * 86400000;
  EXPECT_EQ(UniqueIdNearlyTimestamp(20 * 86400000u, kNov2026, kOct2026, now),
            kNov2026 + int64_t{20} * 86400000);
  // An id made on 2026-10-25 read on 2026-11-21: its offset lands in the future → October.
  EXPECT_EQ(UniqueIdNearlyTimestamp(24 * 86400000u, kNov2026, kOct2026, now),
            kOct2026 + int64_t{24} * 86400000);
}

}  // namespace
}  // namespace orbit::protocol
