#include <gtest/gtest.h>

#include "base/bytes.h"
#include "base/crc32.h"
#include "protocol/message.h"
#include "protocol/message_flags.h"

namespace orbit::protocol {
namespace {

MessageRecord SampleRecord() {
  MessageRecord m;
  m.queue_id = 3;
  m.flag = 7;
  m.queue_offset = 42;
  m.physical_offset = 0x12345;
  m.born_timestamp = 1795268333659;
  m.born_host = HostAddress::IPv4(127, 0, 0, 1, 43848);
  m.store_timestamp = 1795268333670;
  m.store_host = HostAddress::IPv4(192, 168, 1, 10, 10911);
  m.reconsume_times = 2;
  m.prepared_transaction_offset = 99;
  m.body = "hello";
  m.topic = "TopicTest";
  m.properties.Set(kPropertyKeys, "k1 k2");
  m.properties.Set(kPropertyTags, "TagA");
  return m;
}

std::string Encode(const MessageRecord& m) {
  std::string out;
  Status s = EncodeRecord(m, &out);
  EXPECT_TRUE(s.ok()) << s.ToString();
  return out;
}

std::string IPv6Loopback() {
  std::string ip(16, '\0');
  ip[15] = 1;
  return ip;
}

TEST(MessageRecordTest, LayoutMatchesTheTable) {
  MessageRecord m = SampleRecord();
  std::string bytes = Encode(m);
  const size_t props = EncodedPropertiesSize(m.properties);
  ASSERT_EQ(bytes.size(), 91 + m.body.size() + m.topic.size() + props);
  EXPECT_EQ(LoadU32(bytes.data()), bytes.size());
  EXPECT_EQ(LoadU32(bytes.data() + 4), 0xDAA320A7u);
  EXPECT_EQ(static_cast<int32_t>(LoadU32(bytes.data() + 8)), MaskedCrc32("hello"));
  EXPECT_EQ(LoadU32(bytes.data() + 12), 3u);
  EXPECT_EQ(LoadU32(bytes.data() + 16), 7u);
  EXPECT_EQ(LoadU64(bytes.data() + 20), 42u);
  EXPECT_EQ(LoadU64(bytes.data() + 28), 0x12345u);
  EXPECT_EQ(LoadU64(bytes.data() + 56), 1795268333670u);  // store timestamp, IPv4 born host
  EXPECT_EQ(bytes.substr(64, 4), std::string("\xC0\xA8\x01\x0A", 4));
  EXPECT_EQ(LoadU32(bytes.data() + 84), 5u);
  EXPECT_EQ(bytes.substr(88, 5), "hello");
  EXPECT_EQ(bytes[93], 9);
  EXPECT_EQ(bytes.substr(94, 9), "TopicTest");
  EXPECT_EQ(LoadU16(bytes.data() + 103), props);
  EXPECT_EQ(bytes.substr(105), "KEYS\x01k1 k2\x02TAGS\x01TagA");
}

TEST(MessageRecordTest, RoundTripIsByteExact) {
  MessageRecord m = SampleRecord();
  std::string bytes = Encode(m);
  size_t consumed = 0;
  auto back = DecodeRecord(bytes, &consumed);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(consumed, bytes.size());
  EXPECT_EQ(back->topic, "TopicTest");
  EXPECT_EQ(back->born_host, m.born_host);
  EXPECT_EQ(back->store_host, m.store_host);
  EXPECT_EQ(back->prepared_transaction_offset, 99);
  EXPECT_EQ(back->properties, m.properties);
  EXPECT_TRUE(VerifyBodyCrc(*back).ok());
  EXPECT_EQ(Encode(*back), bytes);
}

TEST(MessageRecordTest, IPv6HostsFollowTheSysFlagBits) {
  MessageRecord m = SampleRecord();
  m.sys_flag = kSysFlagBornHostV6 | kSysFlagStoreHostV6;
  m.born_host = {IPv6Loopback(), 1234};
  m.store_host = {IPv6Loopback(), 10911};
  std::string bytes = Encode(m);
  EXPECT_EQ(bytes.size(),
            91 + 24 + m.body.size() + m.topic.size() + EncodedPropertiesSize(m.properties));
  auto layout = ParseRecordLayout(bytes);
  ASSERT_TRUE(layout.ok());
  EXPECT_EQ(layout->store_timestamp_pos, 68u);
  EXPECT_EQ(layout->store_host_pos, 76u);
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->born_host, m.born_host);
  EXPECT_EQ(back->store_host, m.store_host);
  EXPECT_EQ(back->OffsetMsgId().size(), 56u);
  EXPECT_EQ(Encode(*back), bytes);
}

TEST(MessageRecordTest, OnlyTheStoreHostIPv6) {
  MessageRecord m = SampleRecord();
  m.sys_flag = kSysFlagStoreHostV6;
  m.store_host = {IPv6Loopback(), 10911};
  std::string bytes = Encode(m);
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->born_host, m.born_host);
  EXPECT_EQ(back->store_host, m.store_host);
}

TEST(MessageRecordTest, EncodeRefusesHostsThatDisagreeWithSysFlag) {
  MessageRecord m = SampleRecord();
  m.sys_flag = kSysFlagBornHostV6;  // but the born host is IPv4
  std::string out = "x";
  Status s = EncodeRecord(m, &out);
  EXPECT_EQ(s.code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(out, "x");
  m = SampleRecord();
  m.store_host.ip = "abc";
  EXPECT_EQ(EncodeRecord(m, &out).code(), ErrorCode::kInvalidArgument);
}

TEST(MessageRecordTest, TopicLimitIs127BytesForV1) {
  MessageRecord m = SampleRecord();
  m.topic = std::string(127, 't');
  std::string bytes = Encode(m);
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->topic.size(), 127u);
  m.topic.push_back('t');
  std::string out;
  EXPECT_EQ(EncodeRecord(m, &out).code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(out.empty());
}

TEST(MessageRecordTest, V2MagicCarriesLongTopics) {
  MessageRecord m = SampleRecord();
  m.magic_code = kMessageMagicCodeV2;
  m.topic = std::string(300, 't');
  std::string bytes = Encode(m);
  EXPECT_EQ(bytes.size(), 92 + m.body.size() + 300 + EncodedPropertiesSize(m.properties));
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->magic_code, kMessageMagicCodeV2);
  EXPECT_EQ(back->topic, m.topic);
  EXPECT_EQ(Encode(*back), bytes);
}

TEST(MessageRecordTest, PropertiesLimitIs32767Bytes) {
  MessageRecord m = SampleRecord();
  m.properties.clear();
  m.properties.Set("p", std::string(32767 - 2, 'v'));  // "p" 0x01 value = 32767 bytes
  std::string out;
  ASSERT_TRUE(EncodeRecord(m, &out).ok());
  auto back = DecodeRecord(out);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->properties, m.properties);
  m.properties.Set("p", std::string(32767 - 1, 'v'));
  out.clear();
  EXPECT_EQ(EncodeRecord(m, &out).code(), ErrorCode::kInvalidArgument);
}

TEST(MessageRecordTest, EmptyBodyTopicAndProperties) {
  MessageRecord m;
  m.born_host = HostAddress::IPv4(1, 2, 3, 4, 5);
  m.store_host = HostAddress::IPv4(6, 7, 8, 9, 10);
  std::string bytes = Encode(m);
  EXPECT_EQ(bytes.size(), 91u);
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_TRUE(back->body.empty());
  EXPECT_TRUE(back->properties.empty());
}

TEST(MessageRecordTest, EveryTruncationIsMalformed) {
  std::string bytes = Encode(SampleRecord());
  for (size_t n = 0; n < bytes.size(); ++n) {
    auto r = DecodeRecord(std::string_view(bytes).substr(0, n));
    ASSERT_FALSE(r.ok()) << n;
    EXPECT_EQ(r.status().code(), ErrorCode::kMalformed);
  }
}

TEST(MessageRecordTest, TotalSizeMustMatchTheFields) {
  std::string bytes = Encode(SampleRecord());
  std::string longer = bytes + "zz";
  StoreU32(longer.data(), static_cast<uint32_t>(longer.size()));
  EXPECT_EQ(DecodeRecord(longer).status().code(), ErrorCode::kMalformed);
  std::string shorter = bytes;
  StoreU32(shorter.data(), static_cast<uint32_t>(bytes.size() - 1));
  EXPECT_EQ(DecodeRecord(shorter).status().code(), ErrorCode::kMalformed);
}

TEST(MessageRecordTest, NegativeLengthsAreMalformed) {
  std::string bytes = Encode(SampleRecord());
  std::string bad_body = bytes;
  StoreU32(bad_body.data() + 84, 0xFFFFFFFFu);
  EXPECT_EQ(DecodeRecord(bad_body).status().code(), ErrorCode::kMalformed);
  std::string bad_topic = bytes;
  bad_topic[93] = static_cast<char>(0x80);  // -128 as a signed byte
  auto r = DecodeRecord(bad_topic);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("TOPICLENGTH"), std::string::npos);
}

TEST(MessageRecordTest, HugeLengthsDoNotReadOutOfBounds) {
  std::string bytes = Encode(SampleRecord());
  StoreU32(bytes.data() + 84, 0x7FFFFFF0u);
  EXPECT_EQ(DecodeRecord(bytes).status().code(), ErrorCode::kMalformed);
  StoreU32(bytes.data(), 0x7FFFFFF0u);
  EXPECT_EQ(DecodeRecord(bytes).status().code(), ErrorCode::kMalformed);
}

// Deterministic mutation sweep (a fuzz target in miniature; run it under ASan): any byte may
// change and the buffer may be cut short, yet decoding only ever fails cleanly.
TEST(MessageRecordTest, MutatedInputFailsCleanly) {
  MessageRecord v6 = SampleRecord();
  v6.sys_flag = kSysFlagBornHostV6;
  v6.born_host = {IPv6Loopback(), 1};
  const std::string good = Encode(SampleRecord()) + Encode(v6);
  uint32_t x = 1;
  int failed = 0;
  for (int iter = 0; iter < 20000; ++iter) {
    std::string bad = good;
    for (int k = 0; k < 1 + iter % 3; ++k) {
      x = x * 1103515245 + 12345;
      bad[(x >> 8) % bad.size()] = static_cast<char>(x >> 24);
    }
    if (iter % 5 == 0) bad.resize((x >> 4) % bad.size());
    std::vector<MessageRecord> out;
    Status s = DecodeRecords(bad, &out);
    if (!s.ok()) {
      ASSERT_EQ(s.code(), ErrorCode::kMalformed) << s.ToString();
      ++failed;
    }
  }
  EXPECT_GT(failed, 1000);
  EXPECT_LT(failed, 20000);
}

TEST(MessageRecordTest, BadMagicIsMalformed) {
  std::string bytes = Encode(SampleRecord());
  StoreU32(bytes.data() + 4, 0x12345678u);
  auto r = DecodeRecord(bytes);
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("0x12345678"), std::string::npos);
}

TEST(MessageRecordTest, FillerIsRecognisedButNotAMessage) {
  std::string filler;
  PutI32(&filler, 4096);
  PutU32(&filler, 0xCBD43194u);
  auto prefix = PeekRecordPrefix(filler);
  ASSERT_TRUE(prefix.ok());
  EXPECT_TRUE(prefix->is_blank());
  EXPECT_EQ(prefix->total_size, 4096);
  EXPECT_EQ(DecodeRecord(filler).status().code(), ErrorCode::kMalformed);

  std::string record = Encode(SampleRecord());
  auto p2 = PeekRecordPrefix(record);
  ASSERT_TRUE(p2.ok());
  EXPECT_FALSE(p2->is_blank());
  EXPECT_EQ(static_cast<size_t>(p2->total_size), record.size());
  EXPECT_FALSE(PeekRecordPrefix(record.substr(0, 7)).ok());
}

TEST(MessageRecordTest, DecodeRecordsKeepsRecordsBeforeTheBadOne) {
  MessageRecord a = SampleRecord();
  MessageRecord b = SampleRecord();
  b.body = "second";
  b.physical_offset += 200;
  std::string body = Encode(a) + Encode(b);
  std::vector<MessageRecord> out;
  ASSERT_TRUE(DecodeRecords(body, &out).ok());
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out[1].body, "second");

  size_t first = Encode(a).size();
  std::string broken = body.substr(0, body.size() - 3);
  out.clear();
  Status s = DecodeRecords(broken, &out);
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_NE(s.message().find("offset " + std::to_string(first)), std::string::npos);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].body, "hello");
}

TEST(MessageRecordTest, LayoutOffsetsLetAFieldBePatched) {
  std::string bytes = Encode(SampleRecord());
  auto layout = ParseRecordLayout(bytes);
  ASSERT_TRUE(layout.ok());
  StoreU64(bytes.data() + RecordLayout::kQueueOffsetPos, 777);
  StoreU64(bytes.data() + layout->store_timestamp_pos, 555);
  StoreU32(bytes.data() + layout->reconsume_times_pos, 9);
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->queue_offset, 777);
  EXPECT_EQ(back->store_timestamp, 555);
  EXPECT_EQ(back->reconsume_times, 9);
  EXPECT_EQ(bytes.substr(layout->body_pos, layout->body_size), "hello");
  EXPECT_EQ(bytes.substr(layout->topic_pos, layout->topic_size), "TopicTest");
}

TEST(MessageRecordTest, CrcMismatchIsReported) {
  std::string bytes = Encode(SampleRecord());
  bytes[88] ^= 1;  // flip a body bit
  auto back = DecodeRecord(bytes);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(VerifyBodyCrc(*back).code(), ErrorCode::kMalformed);
}

TEST(MessageRecordTest, MessageIds) {
  MessageRecord m = SampleRecord();
  EXPECT_EQ(m.OffsetMsgId(), "C0A8010A00002A9F0000000000012345");
  EXPECT_EQ(m.ClientMsgId(), "C0A8010A00002A9F0000000000012345");
  m.properties.Set(kPropertyUniqKey, "C0A8011430391B6D35860A2B3C4D0001");
  EXPECT_EQ(m.ClientMsgId(), "C0A8011430391B6D35860A2B3C4D0001");
}

TEST(MessageRecordTest, DecompressedBodyFollowsTheSysFlag) {
  MessageRecord m = SampleRecord();
  std::string plain(10000, 'a');
  auto z = Compress(CompressionType::kZstd, plain);
  ASSERT_TRUE(z.ok());
  m.body = *z;
  m.sys_flag = CompressedSysFlagBits(CompressionType::kZstd);
  auto body = DecompressedBody(m);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, plain);
  EXPECT_EQ(DecompressedBody(m, 100).status().code(), ErrorCode::kCompression);
  m.sys_flag = kSysFlagCompressed | 0x500;  // undefined type 5
  EXPECT_EQ(DecompressedBody(m).status().code(), ErrorCode::kUnsupported);
  m.sys_flag = 0;
  EXPECT_EQ(*DecompressedBody(m), *z);
}

}  // namespace
}  // namespace orbit::protocol
