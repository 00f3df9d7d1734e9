// The message codec against frames captured from Apache RocketMQ 4.9.8: stored records in
// PULL_MESSAGE responses and CHECK_TRANSACTION_STATE, the SEND_BATCH_MESSAGE body, compressed
// SEND_MESSAGE_V2 bodies, offset and unique message ids, and tag hash codes.

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "golden/golden.h"
#include "protocol/codes.h"
#include "protocol/compression.h"
#include "protocol/message.h"
#include "protocol/message_batch.h"
#include "protocol/message_flags.h"
#include "protocol/message_id.h"
#include "protocol/remoting_command.h"
#include "protocol/tag_hash.h"

namespace orbit::protocol {
namespace {

using orbit::testing::GoldenFrame;

constexpr int64_t kCaptureMonthStart = 1793491200000;  // 2026-11-01T00:00:00Z (host in UTC)
const HostAddress kBroker = HostAddress::IPv4(127, 0, 0, 1, 10911);

RemotingCommand Decode(const GoldenFrame& g) {
  auto cmd = DecodeFramePayload(std::string_view(g.bytes).substr(4));
  EXPECT_TRUE(cmd.ok()) << g.Name() << ": " << cmd.status().ToString();
  return cmd.ok() ? std::move(cmd).value() : RemotingCommand();
}

bool IsPullFound(const GoldenFrame& g) {
  return g.is_response && g.request_code == RequestCode::kPullMessage && g.code == 0;
}

bool IsRequest(const GoldenFrame& g, int32_t code) { return !g.is_response && g.code == code; }

std::vector<MessageRecord> PulledRecords(const std::string& file) {
  std::vector<MessageRecord> out;
  for (const GoldenFrame& g : orbit::testing::LoadGoldenFile(file)) {
    if (!IsPullFound(g)) continue;
    Status s = DecodeRecords(Decode(g).body, &out);
    EXPECT_TRUE(s.ok()) << g.Name() << ": " << s.ToString();
  }
  return out;
}

// UNIQ_KEY of each send request → msgId of the broker's response to it (paired by opaque, the
// first later response to the same request code).
std::map<std::string, std::string> SentMsgIds(const std::vector<GoldenFrame>& frames) {
  std::map<std::string, std::string> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    const GoldenFrame& req = frames[i];
    if (!IsRequest(req, RequestCode::kSendMessageV2) || !req.ext.count("i")) continue;
    std::string uniq(DecodeProperties(req.ext.at("i")).Get(kPropertyUniqKey));
    for (size_t j = i + 1; j < frames.size(); ++j) {
      const GoldenFrame& resp = frames[j];
      if (resp.is_response && resp.request_code == req.code && resp.opaque == req.opaque) {
        if (resp.code == 0 && !uniq.empty()) out[uniq] = resp.ext.at("msgId");
        break;
      }
    }
  }
  return out;
}

TEST(MessageGoldenTest, EveryPulledRecordDecodesVerifiesAndReencodes) {
  int records = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    if (!IsPullFound(g)) continue;
    SCOPED_TRACE(g.Name());
    std::string body = Decode(g).body;
    std::vector<MessageRecord> decoded;
    Status s = DecodeRecords(body, &decoded);
    ASSERT_TRUE(s.ok()) << s.ToString();
    ASSERT_FALSE(decoded.empty());
    std::string again;
    for (const MessageRecord& m : decoded) {
      EXPECT_TRUE(VerifyBodyCrc(m).ok());
      EXPECT_FALSE(m.topic.empty());
      EXPECT_EQ(m.store_host, kBroker);
      EXPECT_EQ(m.born_host.ip, std::string("\x7F\x00\x00\x01", 4));
      EXPECT_EQ(m.properties.Get(kPropertyCluster), "DefaultCluster");
      EXPECT_FALSE(m.properties.Get(kPropertyTags).empty());
      EXPECT_EQ(m.OffsetMsgId().size(), 32u);
      ASSERT_TRUE(EncodeRecord(m, &again).ok());
      ++records;
    }
    EXPECT_EQ(again, body);
  }
  EXPECT_EQ(records, 12);  // 08: 3, 09: 1, 11: 1, 13: 2, 17: 3, 18: 2
}

TEST(MessageGoldenTest, OffsetMsgIdOfPulledRecordsMatchesTheSendResponse) {
  int matched = 0;
  for (const std::string& file : orbit::testing::GoldenFiles()) {
    std::map<std::string, std::string> sent = SentMsgIds(orbit::testing::LoadGoldenFile(file));
    for (const MessageRecord& m : PulledRecords(file)) {
      // Delayed and retried messages were re-put at another commit-log offset.
      if (m.properties.Contains(kPropertyRealTopic)) continue;
      auto it = sent.find(std::string(m.properties.Get(kPropertyUniqKey)));
      if (it == sent.end()) continue;
      SCOPED_TRACE(file + " " + it->first);
      EXPECT_EQ(m.OffsetMsgId(), it->second);
      EXPECT_EQ(m.ClientMsgId(), it->first);
      auto id = DecodeOffsetMessageId(it->second);
      ASSERT_TRUE(id.ok());
      EXPECT_EQ(id->commit_log_offset, m.physical_offset);
      EXPECT_EQ(id->store_host, kBroker);
      ++matched;
    }
  }
  EXPECT_EQ(matched, 7);  // 08: 3, 11: 1, 13: 1, 18: 2
}

TEST(MessageGoldenTest, CompressedRecordsDecompressToTheSentBody) {
  std::vector<MessageRecord> records = PulledRecords("08_send_compressed");
  ASSERT_EQ(records.size(), 3u);
  const int32_t want_flags[] = {0x301, 0x101, 0x201};
  const CompressionType want_types[] = {CompressionType::kZlib, CompressionType::kLz4,
                                        CompressionType::kZstd};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(i);
    EXPECT_EQ(records[i].sys_flag, want_flags[i]);
    EXPECT_EQ(*CompressionTypeFromSysFlag(records[i].sys_flag), want_types[i]);
    EXPECT_EQ(records[i].queue_offset, static_cast<int64_t>(i));
    auto plain = DecompressedBody(records[i]);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(plain->size(), 8192u);
    EXPECT_EQ(DecompressedBody(records[i], 8191).status().code(), ErrorCode::kCompression);
  }
  EXPECT_EQ(records[0].properties.Get(kPropertyTags), "TagZLIB");
  EXPECT_EQ(records[1].properties.Get(kPropertyKeys), "KEY-COMPRESS-LZ4");
}

TEST(MessageGoldenTest, CompressedSendBodiesDecompress) {
  int checked = 0;
  std::vector<std::string> plains;
  for (const GoldenFrame& g : orbit::testing::LoadGoldenFile("08_send_compressed")) {
    if (!IsRequest(g, RequestCode::kSendMessageV2)) continue;
    SCOPED_TRACE(g.Name());
    int32_t sys_flag = std::stoi(g.ext.at("f"));
    ASSERT_TRUE(IsCompressed(sys_flag));
    auto type = CompressionTypeFromSysFlag(sys_flag);
    ASSERT_TRUE(type.ok());
    std::string body = Decode(g).body;
    auto plain = Decompress(*type, body);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(plain->size(), 8192u);
    // Our own compressor round-trips the same text.
    auto packed = Compress(*type, *plain);
    ASSERT_TRUE(packed.ok());
    EXPECT_EQ(*Decompress(*type, *packed), *plain);
    plains.push_back(*plain);
    ++checked;
  }
  EXPECT_EQ(checked, 3);
  // The pulled records carry the very bytes the producers sent.
  std::vector<MessageRecord> records = PulledRecords("08_send_compressed");
  ASSERT_EQ(records.size(), plains.size());
  for (size_t i = 0; i < plains.size(); ++i) EXPECT_EQ(*DecompressedBody(records[i]), plains[i]);
}

TEST(MessageGoldenTest, DelayedRecordCarriesRealTopicAndQueue) {
  std::vector<MessageRecord> records = PulledRecords("09_delayed_message");
  ASSERT_EQ(records.size(), 1u);
  const MessageRecord& m = records[0];
  EXPECT_EQ(m.topic, "GoldenDelay");
  EXPECT_EQ(m.properties.Get(kPropertyRealTopic), "GoldenDelay");
  EXPECT_EQ(m.properties.Get(kPropertyRealQueueId), "0");
  EXPECT_EQ(m.properties.Get(kPropertyDelayTimeLevel), "2");
  EXPECT_EQ(m.body, "golden delayed message, level 2 (5s)");
}

TEST(MessageGoldenTest, RetriedRecordPointsAtTheOriginal) {
  std::vector<MessageRecord> records = PulledRecords("13_consumer_send_back");
  ASSERT_EQ(records.size(), 2u);
  const MessageRecord& original = records[0];
  const MessageRecord& retry = records[1];
  EXPECT_EQ(original.topic, "GoldenRetry");
  EXPECT_EQ(original.reconsume_times, 0);
  EXPECT_EQ(retry.topic, "%RETRY%GID_golden_retry");
  EXPECT_EQ(retry.reconsume_times, 1);
  EXPECT_EQ(retry.properties.Get(kPropertyRetryTopic), "GoldenRetry");
  EXPECT_EQ(retry.properties.Get(kPropertyOriginMessageId), original.OffsetMsgId());
  EXPECT_EQ(retry.properties.Get(kPropertyWaitStoreMsgOk), "false");
  EXPECT_EQ(retry.ClientMsgId(), original.ClientMsgId());  // same UNIQ_KEY
  EXPECT_NE(retry.OffsetMsgId(), original.OffsetMsgId());
  EXPECT_EQ(retry.body, original.body);
}

TEST(MessageGoldenTest, BatchBodyDecodesAndReencodes) {
  int checked = 0;
  for (const GoldenFrame& g : orbit::testing::LoadGoldenFile("07_batch_send")) {
    if (IsRequest(g, RequestCode::kSendBatchMessage)) {
      std::string body = Decode(g).body;
      auto batch = DecodeBatch(body);
      ASSERT_TRUE(batch.ok()) << batch.status().ToString();
      ASSERT_EQ(batch->size(), 3u);
      for (size_t i = 0; i < 3; ++i) {
        const BatchEntry& e = (*batch)[i];
        EXPECT_EQ(e.flag, 0);
        EXPECT_EQ(e.body, "golden batch message #" + std::to_string(i));
        EXPECT_EQ(e.properties.Get(kPropertyKeys), "KEY-BATCH-" + std::to_string(i));
        EXPECT_EQ(e.properties.Get("idx"), std::to_string(i));
        auto uniq = DecodeUniqueId(e.properties.Get(kPropertyUniqKey));
        ASSERT_TRUE(uniq.ok());
        EXPECT_EQ(static_cast<size_t>(uniq->counter), i);
      }
      std::string again;
      ASSERT_TRUE(EncodeBatch(*batch, &again).ok());
      EXPECT_EQ(again, body);
      ++checked;
    }
    if (g.is_response && g.request_code == RequestCode::kSendBatchMessage) {
      auto ids = DecodeOffsetMessageIdList(g.ext.at("msgId"));
      ASSERT_TRUE(ids.ok()) << ids.status().ToString();
      ASSERT_EQ(ids->size(), 3u);
      for (const OffsetMessageId& id : *ids) EXPECT_EQ(id.store_host, kBroker);
      EXPECT_LT((*ids)[0].commit_log_offset, (*ids)[1].commit_log_offset);
      EXPECT_LT((*ids)[1].commit_log_offset, (*ids)[2].commit_log_offset);
      std::string rebuilt;
      for (const OffsetMessageId& id : *ids) {
        if (!rebuilt.empty()) rebuilt += ",";
        rebuilt += EncodeOffsetMessageId(id.store_host, id.commit_log_offset);
      }
      EXPECT_EQ(rebuilt, g.ext.at("msgId"));
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
}

TEST(MessageGoldenTest, CheckTransactionStateBodyIsAStoredRecord) {
  int checked = 0;
  for (const GoldenFrame& g : orbit::testing::LoadGoldenFile("10_transaction")) {
    if (!IsRequest(g, RequestCode::kCheckTransactionState)) continue;
    std::string body = Decode(g).body;
    size_t consumed = 0;
    auto m = DecodeRecord(body, &consumed);
    ASSERT_TRUE(m.ok()) << m.status().ToString();
    EXPECT_EQ(consumed, body.size());
    EXPECT_TRUE(VerifyBodyCrc(*m).ok());
    EXPECT_EQ(m->topic, "GoldenTrans");
    EXPECT_EQ(m->properties.Get(kPropertyTransactionPrepared), "true");
    EXPECT_EQ(m->properties.Get(kPropertyProducerGroup), "GID_golden_tx");
    EXPECT_EQ(m->properties.Get(kPropertyKeys), "TX-UNKNOWN");
    EXPECT_EQ(m->ClientMsgId(), g.ext.at("msgId"));
    EXPECT_EQ(m->OffsetMsgId(), g.ext.at("offsetMsgId"));
    EXPECT_EQ(std::to_string(m->physical_offset), g.ext.at("commitLogOffset"));
    EXPECT_EQ(std::to_string(m->queue_offset), g.ext.at("tranStateTableOffset"));
    EXPECT_EQ(GetTransactionType(m->sys_flag), TransactionType::kNotType);
    std::string again;
    ASSERT_TRUE(EncodeRecord(*m, &again).ok());
    EXPECT_EQ(again, body);
    ++checked;
  }
  EXPECT_EQ(checked, 1);
}

TEST(MessageGoldenTest, UniqueIdsOfSendsDecodeToTheirBornTime) {
  int checked = 0;
  for (const GoldenFrame& g : orbit::testing::LoadAllGoldenFrames()) {
    if (!IsRequest(g, RequestCode::kSendMessageV2) || !g.ext.count("i")) continue;
    std::string uniq(DecodeProperties(g.ext.at("i")).Get(kPropertyUniqKey));
    if (uniq.empty()) continue;  // ali-ons sets none
    SCOPED_TRACE(g.Name());
    auto info = DecodeUniqueId(uniq);
    ASSERT_TRUE(info.ok());
    EXPECT_EQ(info->ip, std::string("\xC0\x00\x02\x02", 4));  // 192.0.2.2
    EXPECT_EQ(info->random, 0x5FFD2B27);
    int64_t born = std::stoll(g.ext.at("g"));
    int64_t made = UniqueIdNearlyTimestamp(info->ms_since_month_start, kCaptureMonthStart,
                                           kCaptureMonthStart - 31LL * 86400000, born + 1);
    EXPECT_GE(born, made);
    EXPECT_LT(born - made, 1000);
    // A generator with the same identity reproduces the id.
    UniqueIdGenerator gen(info->ip, info->pid, info->random);
    for (int i = 0; i < info->counter; ++i) (void)gen.Next(made, kCaptureMonthStart);
    EXPECT_EQ(gen.Next(made, kCaptureMonthStart), uniq);
    ++checked;
  }
  EXPECT_GE(checked, 15);
}

TEST(MessageGoldenTest, HeartbeatCodeSetIsTheTagHash) {
  std::string want = "\"codeSet\":[" + std::to_string(TagsHashCode("TagA")) + "," +
                     std::to_string(TagsHashCode("TagB")) +
                     "],\"expressionType\":\"TAG\",\"subString\":\"TagA || TagB\"";
  int checked = 0;
  for (const GoldenFrame& g : orbit::testing::LoadGoldenFile("03_heartbeat")) {
    if (!IsRequest(g, RequestCode::kHeartBeat)) continue;
    EXPECT_NE(Decode(g).body.find(want), std::string::npos) << g.Name();
    ++checked;
  }
  EXPECT_GE(checked, 1);
}

}  // namespace
}  // namespace orbit::protocol
