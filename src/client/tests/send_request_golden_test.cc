// Send requests built here against those a real Java 4.9.8 producer sent (tests/data/golden):
// for each captured send, the same message (topic, body, tags, keys, properties, flag) to the
// same queue must give the same request, field for field.
//
// Compared: the request code (V2 codes; 04_send_sync used the classic code 10, so there the
// header is compared in its long-name form after the V2 -> V1 conversion), every header field
// name and value, the properties as a parsed map, sysFlag, the serialize type, and the body bytes
// (compressed bodies after decompression, plus the flag bits; batch bodies entry by entry).
// bornTimestamp is an input of the builder, so the captured value is passed in and compared too.
//
// Excluded, because they differ by nature:
//   - the UNIQ_KEY value (it embeds the sender's IP, pid, time and counter): checked to be a
//     well-formed 32-character id instead;
//   - the command's language (JAVA vs CPP), version, opaque, and the oneway bit of its flag (the
//     transport sets those, not the builder);
//   - the order of the properties (Java writes them in HashMap order) and so the raw bytes of the
//     property string and of the batch body (its length is compared instead).
// The captured responses are parsed with ParseSendResponse.

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "client/send_request.h"
#include "golden/golden.h"
#include "protocol/codes.h"
#include "protocol/compression.h"
#include "protocol/headers_send.h"
#include "protocol/message.h"
#include "protocol/message_batch.h"
#include "protocol/message_flags.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"
#include "protocol/remoting_command.h"

namespace orbit::client {
namespace {

using orbit::testing::GoldenFrame;
using protocol::RemotingCommand;
using protocol::RequestCode;
using KeyValues = std::map<std::string, std::string>;

// One captured request and the response to it.
struct Exchange {
  GoldenFrame request;
  std::optional<GoldenFrame> response;
};

RemotingCommand Decode(const GoldenFrame& g) {
  auto cmd = protocol::DecodeFramePayload(std::string_view(g.bytes).substr(4));
  EXPECT_TRUE(cmd.ok()) << g.Name() << ": " << cmd.status().ToString();
  return cmd.ok() ? std::move(cmd).value() : RemotingCommand();
}

// The send requests of a capture (codes 10, 310, 320) in order, each with its response.
std::vector<Exchange> Sends(const std::string& file) {
  std::vector<GoldenFrame> frames = orbit::testing::LoadGoldenFile(file);
  std::vector<Exchange> out;
  for (size_t i = 0; i < frames.size(); ++i) {
    const GoldenFrame& f = frames[i];
    if (f.is_response ||
        (f.code != RequestCode::kSendMessage && f.code != RequestCode::kSendMessageV2 &&
         f.code != RequestCode::kSendBatchMessage)) {
      continue;
    }
    Exchange e{f, std::nullopt};
    for (size_t j = i + 1; j < frames.size(); ++j) {
      if (frames[j].is_response && frames[j].opaque == f.opaque &&
          frames[j].request_code == f.code) {
        e.response = frames[j];
        break;
      }
    }
    out.push_back(std::move(e));
  }
  return out;
}

KeyValues ToMap(const protocol::ExtFields& ext) { return KeyValues(ext.begin(), ext.end()); }

KeyValues ParseProps(const std::string& encoded) {
  KeyValues out;
  for (const auto& [k, v] : protocol::DecodeProperties(encoded)) out.emplace(k, v);
  return out;
}

// Splits off UNIQ_KEY after checking it is a well-formed unique id.
std::string TakeUniqKey(KeyValues* props, const std::string& where) {
  auto it = props->find("UNIQ_KEY");
  if (it == props->end()) {
    ADD_FAILURE() << where << ": no UNIQ_KEY";
    return {};
  }
  std::string id = it->second;
  props->erase(it);
  EXPECT_EQ(id.size(), 32u) << where;
  EXPECT_TRUE(protocol::DecodeUniqueId(id).ok()) << where << ": " << id;
  return id;
}

// Compares our request with the captured one; returns our request's UNIQ_KEY.
std::string ExpectSameRequest(const GoldenFrame& golden, RemotingCommand mine) {
  const std::string where = golden.Name();
  const bool classic = golden.code == RequestCode::kSendMessage;
  if (classic) {
    // The classic code carries the same header under long names.
    EXPECT_EQ(mine.code, RequestCode::kSendMessageV2) << where;
    auto v2 = protocol::SendMessageRequestHeaderV2::Decode(mine.ext_fields);
    EXPECT_TRUE(v2.ok()) << where;
    mine.ext_fields.clear();
    protocol::ToV1(*v2).Encode(&mine.ext_fields);
  } else {
    EXPECT_EQ(mine.code, golden.code) << where;
  }
  EXPECT_EQ(protocol::SerializeTypeName(mine.serialize_type), golden.ser) << where;
  EXPECT_EQ(mine.flag, golden.flag & ~protocol::kFlagOneway) << where;

  const char* props_key = classic ? "properties" : "i";
  KeyValues want = golden.ext;
  KeyValues got = ToMap(mine.ext_fields);
  KeyValues want_props = ParseProps(want[props_key]);
  KeyValues got_props = ParseProps(got[props_key]);
  want.erase(props_key);
  got.erase(props_key);
  EXPECT_EQ(got, want) << where << ": header fields";

  std::string id;
  if (golden.code != RequestCode::kSendBatchMessage) {  // the batch wrapper has no UNIQ_KEY
    TakeUniqKey(&want_props, where + " (captured)");
    id = TakeUniqKey(&got_props, where);
  }
  EXPECT_EQ(got_props, want_props) << where << ": properties";
  return id;
}

void ExpectSameBody(const GoldenFrame& golden, const RemotingCommand& mine) {
  const std::string captured = golden.body();
  const int32_t sys_flag =
      std::stoi(golden.ext.count("f") ? golden.ext.at("f") : golden.ext.at("sysFlag"));
  if (!protocol::IsCompressed(sys_flag)) {
    EXPECT_EQ(mine.body, captured) << golden.Name();
    return;
  }
  auto type = protocol::CompressionTypeFromSysFlag(sys_flag);
  ASSERT_TRUE(type.ok());
  auto theirs = protocol::Decompress(*type, captured);
  auto ours = protocol::Decompress(*type, mine.body);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  EXPECT_EQ(*ours, *theirs) << golden.Name();
}

// Parses the captured answer to our request and checks it against the raw fields.
void ExpectResponseParses(const Exchange& e, const MessageQueue& queue, const std::string& id) {
  ASSERT_TRUE(e.response.has_value()) << e.request.Name() << ": no response captured";
  const GoldenFrame& g = *e.response;
  auto result = ParseSendResponse(Decode(g), queue, id);
  ASSERT_TRUE(result.ok()) << g.Name() << ": " << result.status().ToString();
  EXPECT_EQ(result->status, SendStatus::kSendOk);
  EXPECT_EQ(result->msg_id, id);
  EXPECT_EQ(result->offset_msg_id, g.ext.at("msgId"));
  EXPECT_EQ(result->queue,
            (MessageQueue{queue.topic, queue.broker_name, std::stoi(g.ext.at("queueId"))}));
  EXPECT_EQ(result->queue_offset, std::stoll(g.ext.at("queueOffset")));
  EXPECT_EQ(result->region_id, "DefaultRegion");
  EXPECT_TRUE(result->trace_on);
  EXPECT_EQ(result->transaction_id, "");
}

SendRequestOptions OptionsFor(const GoldenFrame& g) {
  SendRequestOptions o;
  o.producer_group = g.ext.count("a") ? g.ext.at("a") : g.ext.at("producerGroup");
  o.binary_header = g.ser == "ROCKETMQ";
  return o;
}

int64_t BornOf(const GoldenFrame& g) {
  return std::stoll(g.ext.count("g") ? g.ext.at("g") : g.ext.at("bornTimestamp"));
}

// Builds `message` like the captured request and compares request and response.
void CheckSingleSend(const Exchange& e, Message message, const SendRequestOptions& options) {
  const MessageQueue queue{message.topic(), "broker-a", 0};
  auto built = BuildSendRequest(&message, queue, options, BornOf(e.request));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  std::string id = ExpectSameRequest(e.request, *built);
  EXPECT_EQ(id, message.unique_id());
  ExpectSameBody(e.request, *built);
  if (e.request.flag & protocol::kFlagOneway) {
    EXPECT_FALSE(e.response.has_value());
  } else {
    ExpectResponseParses(e, queue, id);
  }
}

// The three sends of 04, 05 and 06: sync (with a user property), async, oneway.
void CheckSendTrio(const std::string& file) {
  std::vector<Exchange> sends = Sends(file);
  ASSERT_EQ(sends.size(), 3u) << file;
  Message sync("GoldenSend", "TagA", "KEY-SYNC-1", "Hello RocketMQ golden sync send");
  ASSERT_TRUE(sync.PutUserProperty("ukey", "uval").ok());
  Message async("GoldenSend", "TagB", "KEY-ASYNC-2", "Hello RocketMQ golden async send");
  Message oneway("GoldenSend", "TagC", "KEY-ONEWAY-3", "Hello RocketMQ golden oneway send");
  const SendRequestOptions options = OptionsFor(sends[0].request);
  CheckSingleSend(sends[0], sync, options);
  CheckSingleSend(sends[1], async, options);
  CheckSingleSend(sends[2], oneway, options);
}

TEST(SendRequestGoldenTest, ClassicSendMessage) { CheckSendTrio("04_send_sync"); }
TEST(SendRequestGoldenTest, SendMessageV2) { CheckSendTrio("05_send_v2"); }
TEST(SendRequestGoldenTest, SendMessageV2BinaryHeader) {
  CheckSendTrio("06_send_v2_rocketmq_serialize");
}

TEST(SendRequestGoldenTest, BatchSend) {
  std::vector<Exchange> sends = Sends("07_batch_send");
  ASSERT_EQ(sends.size(), 1u);
  const GoldenFrame& g = sends[0].request;
  std::vector<Message> batch;
  for (int i = 0; i < 3; ++i) {
    const std::string n = std::to_string(i);
    Message m("GoldenBatch", "TagBatch", "KEY-BATCH-" + n, "golden batch message #" + n);
    ASSERT_TRUE(m.PutUserProperty("idx", n).ok());
    batch.push_back(std::move(m));
  }
  const MessageQueue queue{"GoldenBatch", "broker-a", 0};
  auto built = BuildBatchRequest(&batch, queue, OptionsFor(g), BornOf(g));
  ASSERT_TRUE(built.ok()) << built.status().ToString();
  ExpectSameRequest(g, *built);

  auto theirs = protocol::DecodeBatch(g.body());
  auto ours = protocol::DecodeBatch(built->body);
  ASSERT_TRUE(theirs.ok()) << theirs.status().ToString();
  ASSERT_TRUE(ours.ok()) << ours.status().ToString();
  ASSERT_EQ(ours->size(), theirs->size());
  for (size_t i = 0; i < ours->size(); ++i) {
    const std::string where = "entry " + std::to_string(i);
    EXPECT_EQ((*ours)[i].flag, (*theirs)[i].flag) << where;
    EXPECT_EQ((*ours)[i].body, (*theirs)[i].body) << where;
    KeyValues op((*ours)[i].properties.begin(), (*ours)[i].properties.end());
    KeyValues tp((*theirs)[i].properties.begin(), (*theirs)[i].properties.end());
    EXPECT_EQ(TakeUniqKey(&op, where), batch[i].unique_id());
    TakeUniqKey(&tp, where + " (captured)");
    EXPECT_EQ(op, tp) << where;
  }
  // Same entries with ids of the same length: the same number of bytes.
  EXPECT_EQ(built->body.size(), g.body().size());

  const std::string ids = BatchMessageId(batch);
  EXPECT_EQ(std::count(ids.begin(), ids.end(), ','), 2);
  ExpectResponseParses(sends[0], queue, ids);
  auto result = ParseSendResponse(Decode(*sends[0].response), queue, ids);
  ASSERT_TRUE(result.ok());
  auto offset_ids = protocol::DecodeOffsetMessageIdList(result->offset_msg_id);
  ASSERT_TRUE(offset_ids.ok());
  EXPECT_EQ(offset_ids->size(), 3u);
}

TEST(SendRequestGoldenTest, CompressedSends) {
  std::vector<Exchange> sends = Sends("08_send_compressed");
  ASSERT_EQ(sends.size(), 3u);
  const struct {
    protocol::CompressionType type;
    const char* name;
    int32_t sys_flag;
  } kCases[] = {{protocol::CompressionType::kZlib, "ZLIB", 0x301},
                {protocol::CompressionType::kLz4, "LZ4", 0x101},
                {protocol::CompressionType::kZstd, "ZSTD", 0x201}};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(kCases[i].name);
    const GoldenFrame& g = sends[i].request;
    EXPECT_EQ(g.ext.at("f"), std::to_string(kCases[i].sys_flag));
    // The 8192-byte text the Java producer compressed.
    auto original = protocol::Decompress(kCases[i].type, g.body());
    ASSERT_TRUE(original.ok()) << original.status().ToString();
    ASSERT_EQ(original->size(), 8192u);
    const std::string tag = std::string("Tag") + kCases[i].name;
    Message m("GoldenCompress", tag, std::string("KEY-COMPRESS-") + kCases[i].name, *original);
    SendRequestOptions options = OptionsFor(g);
    options.compress_type = kCases[i].type;
    CheckSingleSend(sends[i], m, options);
  }
}

TEST(SendRequestGoldenTest, DelayedMessage) {
  std::vector<Exchange> sends = Sends("09_delayed_message");
  ASSERT_EQ(sends.size(), 1u);
  Message m("GoldenDelay", "TagDelay", "KEY-DELAY-1", "golden delayed message, level 2 (5s)");
  m.set_delay_time_level(2);
  CheckSingleSend(sends[0], m, OptionsFor(sends[0].request));
}

TEST(SendRequestGoldenTest, TransactionHalfMessages) {
  std::vector<Exchange> sends = Sends("10_transaction");
  ASSERT_EQ(sends.size(), 3u);
  const char* kKeys[] = {"TX-COMMIT", "TX-ROLLBACK", "TX-UNKNOWN"};
  for (size_t i = 0; i < 3; ++i) {
    SCOPED_TRACE(kKeys[i]);
    Message m("GoldenTrans", "TagTx", kKeys[i],
              std::string("golden transactional message ") + kKeys[i]);
    // What a transactional producer adds before sending the half message.
    m.PutPropertyUnchecked("TRAN_MSG", "true");
    m.PutPropertyUnchecked("PGROUP", "GID_golden_tx");
    CheckSingleSend(sends[i], m, OptionsFor(sends[i].request));
  }
}

}  // namespace
}  // namespace orbit::client

namespace orbit::client {
namespace {

// The ext fields of a golden frame, decoded from its bytes (the FRAME line's description is
// not faithful for booleans).
std::map<std::string, std::string> RawExt(const orbit::testing::GoldenFrame& frame) {
  auto cmd = protocol::DecodeFramePayload(std::string_view(frame.bytes).substr(4));
  EXPECT_TRUE(cmd.ok());
  std::map<std::string, std::string> out;
  if (cmd.ok()) {
    for (const auto& [k, v] : cmd->ext_fields) out[k] = v;
  }
  return out;
}

std::map<std::string, std::string> Encoded(const protocol::EndTransactionRequestHeader& h) {
  protocol::ExtFields ext;
  h.Encode(&ext);
  return {ext.begin(), ext.end()};
}

const orbit::testing::GoldenFrame* FrameAt(const std::vector<orbit::testing::GoldenFrame>& frames,
                                           int index) {
  for (const auto& f : frames) {
    if (f.index == index) return &f;
  }
  return nullptr;
}

TEST(EndTransactionGoldenTest, AfterTheLocalTransactionAsJavaSendsIt) {
  // 10_transaction: half messages (frames 5, 8, 11), the broker's answers (6, 9, 12) and the
  // Java producer's END_TRANSACTION for commit, rollback and unknown (7, 10, 13).
  auto frames = orbit::testing::LoadGoldenFile("10_transaction");
  ASSERT_FALSE(frames.empty());
  const struct {
    int send, answer, end;
    int32_t state;
  } cases[] = {{5, 6, 7, 8}, {8, 9, 10, 12}, {11, 12, 13, 0}};
  for (const auto& c : cases) {
    const auto* send = FrameAt(frames, c.send);
    const auto* answer = FrameAt(frames, c.answer);
    const auto* end = FrameAt(frames, c.end);
    ASSERT_TRUE(send && answer && end);
    auto resp = protocol::DecodeFramePayload(std::string_view(answer->bytes).substr(4));
    ASSERT_TRUE(resp.ok());
    auto props = protocol::DecodeProperties(RawExt(*send).at("i"));
    const std::string uniq(props.Get("UNIQ_KEY"));
    auto half = ParseSendResponse(*resp, MessageQueue{"GoldenTrans", "broker-a", 0}, uniq);
    ASSERT_TRUE(half.ok()) << half.status().ToString();
    auto h = EndTransactionAfterSend("GID_golden_tx", *half, c.state);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_EQ(Encoded(*h), RawExt(*end)) << "frame " << c.end;
  }
}

TEST(EndTransactionGoldenTest, AnsweringACheckBackAsJavaSendsIt) {
  auto frames = orbit::testing::LoadGoldenFile("10_transaction");
  const auto* check = FrameAt(frames, 16);
  const auto* end = FrameAt(frames, 17);
  ASSERT_TRUE(check && end);
  auto cmd = protocol::DecodeFramePayload(std::string_view(check->bytes).substr(4));
  ASSERT_TRUE(cmd.ok());
  auto header = protocol::CheckTransactionStateRequestHeader::Decode(cmd->ext_fields);
  ASSERT_TRUE(header.ok());
  auto record = protocol::DecodeRecord(cmd->body);
  ASSERT_TRUE(record.ok());
  const std::string uniq(record->properties.Get("UNIQ_KEY"));
  auto h = EndTransactionAfterCheck("GID_golden_tx", *header, uniq, 8);
  EXPECT_EQ(Encoded(h), RawExt(*end));
}

}  // namespace
}  // namespace orbit::client
