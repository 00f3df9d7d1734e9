// Building send requests (single, reply, batch) and reading send responses.

#include "client/send_request.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <ctime>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "protocol/codes.h"
#include "protocol/compression.h"
#include "protocol/headers_send.h"
#include "protocol/message_batch.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"
#include "protocol/remoting_command.h"

namespace orbit::client {
namespace {

using protocol::CompressionType;
using protocol::DecodeProperties;
using protocol::MessageProperties;
using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::SendMessageRequestHeaderV2;
using PropMap = std::map<std::string, std::string>;

const MessageQueue kQueue{"TopicTest", "broker-a", 2};
constexpr int64_t kBorn = 1'795'268'333'659;

SendRequestOptions Options() {
  SendRequestOptions o;
  o.producer_group = "PG";
  return o;
}

SendMessageRequestHeaderV2 HeaderOf(const RemotingCommand& cmd) {
  auto h = SendMessageRequestHeaderV2::Decode(cmd.ext_fields);
  EXPECT_TRUE(h.ok()) << h.status().ToString();
  return h.ok() ? *h : SendMessageRequestHeaderV2{};
}

PropMap PropsOf(const SendMessageRequestHeaderV2& h) {
  PropMap out;
  for (const auto& [k, v] : DecodeProperties(h.i.value_or(""))) out.emplace(k, v);
  return out;
}

RemotingCommand Build(Message* m, const SendRequestOptions& o = Options()) {
  auto r = BuildSendRequest(m, kQueue, o, kBorn);
  EXPECT_TRUE(r.ok()) << r.status().ToString();
  return r.ok() ? std::move(r).value() : RemotingCommand();
}

TEST(SendRequestTest, HeaderOfAPlainSend) {
  Message m("TopicTest", "TagA", "KEY-1", "hello");
  m.set_flag(9);
  RemotingCommand cmd = Build(&m);
  EXPECT_EQ(cmd.code, RequestCode::kSendMessageV2);
  EXPECT_EQ(cmd.flag, 0);
  EXPECT_EQ(cmd.serialize_type, protocol::SerializeType::kJson);
  EXPECT_EQ(cmd.body, "hello");

  SendMessageRequestHeaderV2 h = HeaderOf(cmd);
  EXPECT_EQ(h.a, "PG");
  EXPECT_EQ(h.b, "TopicTest");
  EXPECT_EQ(h.c, "TBW102");
  EXPECT_EQ(h.d, 4);
  EXPECT_EQ(h.e, 2);
  EXPECT_EQ(h.f, 0);
  EXPECT_EQ(h.g, kBorn);
  EXPECT_EQ(h.h, 9);
  EXPECT_EQ(h.j, 0);
  EXPECT_EQ(h.k, false);
  EXPECT_EQ(h.l, std::nullopt);
  EXPECT_EQ(h.m, false);
  EXPECT_EQ(h.n, "broker-a");
  // Exactly the keys a Java 4.9.8 producer sends (no l outside retry topics).
  std::set<std::string> keys;
  for (const auto& [k, v] : cmd.ext_fields) keys.insert(k);
  EXPECT_EQ(keys, (std::set<std::string>{"a", "b", "c", "d", "e", "f", "g", "h", "i", "j", "k", "m",
                                         "n"}));

  PropMap props = PropsOf(h);
  ASSERT_EQ(props.count("UNIQ_KEY"), 1u);
  EXPECT_EQ(props.at("UNIQ_KEY"), m.unique_id());
  props.erase("UNIQ_KEY");
  EXPECT_EQ(props, (PropMap{{"KEYS", "KEY-1"}, {"TAGS", "TagA"}, {"WAIT", "true"}}));
}

TEST(SendRequestTest, OptionsReachTheHeader) {
  SendRequestOptions o = Options();
  o.default_topic = "MyDefault";
  o.default_topic_queue_nums = 8;
  o.unit_mode = true;
  Message m("TopicTest", "x");
  SendMessageRequestHeaderV2 h = HeaderOf(Build(&m, o));
  EXPECT_EQ(h.c, "MyDefault");
  EXPECT_EQ(h.d, 8);
  EXPECT_EQ(h.k, true);
}

TEST(SendRequestTest, ReplyMessageUsesCode325) {
  Message m("DefaultCluster_REPLY_TOPIC", "reply body");
  m.PutPropertyUnchecked("MSG_TYPE", "reply");
  EXPECT_EQ(Build(&m).code, RequestCode::kSendReplyMessageV2);
  m.PutPropertyUnchecked("MSG_TYPE", "other");
  EXPECT_EQ(Build(&m).code, RequestCode::kSendMessageV2);
}

TEST(SendRequestTest, UniqueKeyIsSetOnceAndReused) {
  Message m("TopicTest", "x");
  EXPECT_EQ(m.unique_id(), "");
  SendMessageRequestHeaderV2 first = HeaderOf(Build(&m));
  const std::string id = m.unique_id();
  ASSERT_EQ(id.size(), 32u);
  auto info = protocol::DecodeUniqueId(id);
  ASSERT_TRUE(info.ok()) << info.status().ToString();
  EXPECT_EQ(PropsOf(first).at("UNIQ_KEY"), id);
  // A retry of the same message sends the same id.
  SendMessageRequestHeaderV2 again = HeaderOf(Build(&m));
  EXPECT_EQ(PropsOf(again).at("UNIQ_KEY"), id);
  EXPECT_EQ(m.unique_id(), id);
  // A new message gets a new id; an id the caller set is kept.
  Message other("TopicTest", "y");
  Build(&other);
  EXPECT_NE(other.unique_id(), id);
  Message preset("TopicTest", "z");
  preset.PutPropertyUnchecked("UNIQ_KEY", "MY-ID");
  EXPECT_EQ(PropsOf(HeaderOf(Build(&preset))).at("UNIQ_KEY"), "MY-ID");
}

TEST(SendRequestTest, CompressionThresholdAndTypes) {
  const std::string big(4096, 'a');
  const std::string small(4095, 'a');
  for (auto [type, bits] :
       std::vector<std::pair<CompressionType, int32_t>>{{CompressionType::kZlib, 0x301},
                                                        {CompressionType::kLz4, 0x101},
                                                        {CompressionType::kZstd, 0x201}}) {
    SCOPED_TRACE(protocol::CompressionTypeName(type));
    SendRequestOptions o = Options();
    o.compress_type = type;

    Message m("TopicTest", big);
    RemotingCommand cmd = Build(&m, o);
    EXPECT_EQ(HeaderOf(cmd).f, bits);
    EXPECT_LT(cmd.body.size(), big.size());
    auto plain = protocol::Decompress(type, cmd.body);
    ASSERT_TRUE(plain.ok()) << plain.status().ToString();
    EXPECT_EQ(*plain, big);
    EXPECT_EQ(m.body(), big);  // the message keeps its original body

    Message s("TopicTest", small);
    RemotingCommand uncompressed = Build(&s, o);
    EXPECT_EQ(HeaderOf(uncompressed).f, 0);
    EXPECT_EQ(uncompressed.body, small);
  }
  SendRequestOptions o = Options();
  o.compress_over = 10;
  Message m("TopicTest", std::string(10, 'b'));
  EXPECT_EQ(HeaderOf(Build(&m, o)).f, 0x301);
  o.compress_level = 42;  // not a zlib level
  auto bad = BuildSendRequest(&m, kQueue, o, kBorn);
  EXPECT_EQ(bad.status().code(), ErrorCode::kCompression);
}

TEST(SendRequestTest, TransactionPreparedFlag) {
  Message m("TopicTest", "x");
  m.PutPropertyUnchecked("TRAN_MSG", "true");
  m.PutPropertyUnchecked("PGROUP", "PG");
  EXPECT_EQ(HeaderOf(Build(&m)).f, 0x4);
  m.set_body(std::string(5000, 'x'));
  EXPECT_EQ(HeaderOf(Build(&m)).f, 0x305);
  m.PutPropertyUnchecked("TRAN_MSG", "false");
  EXPECT_EQ(HeaderOf(Build(&m)).f, 0x301);
  m.set_body("x");
  m.PutPropertyUnchecked("TRAN_MSG", "True");  // Boolean.parseBoolean
  EXPECT_EQ(HeaderOf(Build(&m)).f, 0x4);
}

TEST(SendRequestTest, RetryTopicMovesReconsumeFieldsIntoTheHeader) {
  Message m("%RETRY%GID_c", "x");
  m.PutPropertyUnchecked("RECONSUME_TIME", "3");
  m.PutPropertyUnchecked("MAX_RECONSUME_TIMES", "16");
  RemotingCommand cmd = Build(&m);
  SendMessageRequestHeaderV2 h = HeaderOf(cmd);
  EXPECT_EQ(h.j, 3);
  EXPECT_EQ(h.l, 16);
  PropMap props = PropsOf(h);
  EXPECT_EQ(props.count("RECONSUME_TIME"), 0u);
  EXPECT_EQ(props.count("MAX_RECONSUME_TIMES"), 0u);
  // Removed from what is sent only: a retry of the message sends the same header.
  EXPECT_EQ(m.GetProperty("RECONSUME_TIME"), "3");
  EXPECT_EQ(HeaderOf(Build(&m)).j, 3);

  // Only one of the two.
  Message only("%RETRY%GID_c", "x");
  only.PutPropertyUnchecked("RECONSUME_TIME", "1");
  SendMessageRequestHeaderV2 h1 = HeaderOf(Build(&only));
  EXPECT_EQ(h1.j, 1);
  EXPECT_EQ(h1.l, std::nullopt);

  // Other topics send the properties as they are.
  Message plain("TopicTest", "x");
  plain.PutPropertyUnchecked("RECONSUME_TIME", "3");
  SendMessageRequestHeaderV2 h2 = HeaderOf(Build(&plain));
  EXPECT_EQ(h2.j, 0);
  EXPECT_EQ(h2.l, std::nullopt);
  EXPECT_EQ(PropsOf(h2).at("RECONSUME_TIME"), "3");

  Message bad("%RETRY%GID_c", "x");
  bad.PutPropertyUnchecked("MAX_RECONSUME_TIMES", "many");
  auto r = BuildSendRequest(&bad, kQueue, Options(), kBorn);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("MAX_RECONSUME_TIMES"), std::string::npos);
}

TEST(SendRequestTest, NamespaceAddsInstanceId) {
  SendRequestOptions o = Options();
  o.name_space = "ns1";
  Message m("ns1%TopicTest", "x");
  SendMessageRequestHeaderV2 h = HeaderOf(Build(&m, o));
  EXPECT_EQ(h.b, "ns1%TopicTest");
  EXPECT_EQ(PropsOf(h).at("INSTANCE_ID"), "ns1");
  EXPECT_FALSE(m.GetProperty("INSTANCE_ID").has_value());
  Message n("TopicTest", "x");
  EXPECT_EQ(PropsOf(HeaderOf(Build(&n))).count("INSTANCE_ID"), 0u);
}

TEST(SendRequestTest, BinaryHeaderRoundTrips) {
  SendRequestOptions o = Options();
  o.binary_header = true;
  Message m("TopicTest", "TagA", "payload");
  RemotingCommand cmd = Build(&m, o);
  EXPECT_EQ(cmd.serialize_type, protocol::SerializeType::kRocketmq);
  std::string frame;
  ASSERT_TRUE(protocol::EncodeFrame(cmd, &frame).ok());
  EXPECT_EQ(static_cast<uint8_t>(frame[4]), 1u);  // serialize type byte of the header mark
  auto back = protocol::DecodeFramePayload(std::string_view(frame).substr(4));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->code, RequestCode::kSendMessageV2);
  EXPECT_EQ(back->body, "payload");
  EXPECT_EQ(HeaderOf(*back), HeaderOf(cmd));
}

// ---- batch ----

std::vector<Message> ThreeMessages() {
  std::vector<Message> batch;
  for (int i = 0; i < 3; ++i) {
    Message m("TopicTest", "TagBatch", "KEY-" + std::to_string(i), "body #" + std::to_string(i));
    m.set_flag(i);
    EXPECT_TRUE(m.PutUserProperty("idx", std::to_string(i)).ok());
    batch.push_back(std::move(m));
  }
  return batch;
}

TEST(SendRequestTest, BatchBodyDecodesToTheMessages) {
  std::vector<Message> batch = ThreeMessages();
  batch[1].PutPropertyUnchecked("UNIQ_KEY", "PRESET");
  batch[2].set_body(std::string(10000, 'z'));  // batches are never compressed
  auto r = BuildBatchRequest(&batch, kQueue, Options(), kBorn);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->code, RequestCode::kSendBatchMessage);

  SendMessageRequestHeaderV2 h = HeaderOf(*r);
  EXPECT_EQ(h.b, "TopicTest");
  EXPECT_EQ(h.e, 2);
  EXPECT_EQ(h.f, 0);
  EXPECT_EQ(h.g, kBorn);
  EXPECT_EQ(h.h, 0);
  EXPECT_EQ(h.j, 0);
  EXPECT_EQ(h.m, true);
  EXPECT_EQ(h.n, "broker-a");
  EXPECT_EQ(h.i, std::string("WAIT\x01true"));

  auto entries = protocol::DecodeBatch(r->body);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 3u);
  EXPECT_EQ(batch[1].unique_id(), "PRESET");
  for (size_t i = 0; i < 3; ++i) {
    const protocol::BatchEntry& e = (*entries)[i];
    EXPECT_EQ(e.flag, static_cast<int32_t>(i));
    EXPECT_EQ(e.body, batch[i].body());
    PropMap props(e.properties.begin(), e.properties.end());
    PropMap want(batch[i].properties().begin(), batch[i].properties().end());
    EXPECT_EQ(props, want);
    EXPECT_FALSE(batch[i].unique_id().empty());
  }
  EXPECT_NE(batch[0].unique_id(), batch[2].unique_id());
  EXPECT_EQ(BatchMessageId(batch), batch[0].unique_id() + ",PRESET," + batch[2].unique_id());

  // Building again (a retry) reuses the ids.
  const std::string ids = BatchMessageId(batch);
  ASSERT_TRUE(BuildBatchRequest(&batch, kQueue, Options(), kBorn).ok());
  EXPECT_EQ(BatchMessageId(batch), ids);
}

TEST(SendRequestTest, BatchWrapperProperties) {
  std::vector<Message> batch = ThreeMessages();
  for (Message& m : batch) m.set_wait_store_msg_ok(false);
  SendRequestOptions o = Options();
  o.name_space = "ns1";
  o.binary_header = true;
  auto r = BuildBatchRequest(&batch, kQueue, o, kBorn);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->serialize_type, protocol::SerializeType::kRocketmq);
  EXPECT_EQ(PropsOf(HeaderOf(*r)), (PropMap{{"WAIT", "false"}, {"INSTANCE_ID", "ns1"}}));
  // The namespace goes on the wrapper only.
  auto entries = protocol::DecodeBatch(r->body);
  ASSERT_TRUE(entries.ok());
  EXPECT_FALSE((*entries)[0].properties.Contains("INSTANCE_ID"));
}

TEST(SendRequestTest, BatchRefusals) {
  auto refused = [](std::vector<Message> batch, const std::string& why) {
    auto r = BuildBatchRequest(&batch, kQueue, Options(), kBorn);
    EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument) << why;
    EXPECT_NE(r.status().message().find(why), std::string::npos) << r.status().message();
    for (const Message& m : batch) EXPECT_EQ(m.unique_id(), "") << "changed although refused";
  };
  refused({}, "at least one message");

  std::vector<Message> topics = ThreeMessages();
  topics[2].set_topic("Other");
  refused(topics, "one topic");

  std::vector<Message> delay = ThreeMessages();
  delay[1].set_delay_time_level(2);
  refused(delay, "delay");

  std::vector<Message> retry = ThreeMessages();
  for (Message& m : retry) m.set_topic("%RETRY%g");
  refused(retry, "retry");

  std::vector<Message> wait = ThreeMessages();
  wait[0].set_wait_store_msg_ok(false);
  refused(wait, "WAIT");

  std::vector<Message> huge = ThreeMessages();
  huge[2].PutPropertyUnchecked("big", std::string(40000, 'p'));  // over the int16 length
  auto r = BuildBatchRequest(&huge, kQueue, Options(), kBorn);
  EXPECT_EQ(r.status().code(), ErrorCode::kInvalidArgument);
  for (const Message& m : huge) EXPECT_EQ(m.unique_id(), "");
}

// ---- response ----

RemotingCommand Response(int32_t code, std::optional<std::string> remark = std::nullopt) {
  RemotingCommand r;
  r.code = code;
  r.flag = protocol::kFlagResponse;
  r.remark = std::move(remark);
  return r;
}

RemotingCommand Stored(int32_t code) {
  RemotingCommand r = Response(code);
  r.ext_fields.Set("msgId", "7F00000100002A9F00000000B28B8287");
  r.ext_fields.Set("queueId", "1");
  r.ext_fields.Set("queueOffset", "17");
  r.ext_fields.Set("MSG_REGION", "DefaultRegion");
  r.ext_fields.Set("TRACE_ON", "true");
  return r;
}

TEST(ParseSendResponseTest, StoredCodes) {
  for (auto [code, status] :
       std::vector<std::pair<int32_t, SendStatus>>{{0, SendStatus::kSendOk},
                                                   {10, SendStatus::kFlushDiskTimeout},
                                                   {12, SendStatus::kFlushSlaveTimeout},
                                                   {11, SendStatus::kSlaveNotAvailable}}) {
    auto r = ParseSendResponse(Stored(code), kQueue, "UNIQ");
    ASSERT_TRUE(r.ok()) << code << ": " << r.status().ToString();
    EXPECT_EQ(r->status, status) << code;
    EXPECT_EQ(r->msg_id, "UNIQ");
    EXPECT_EQ(r->offset_msg_id, "7F00000100002A9F00000000B28B8287");
    EXPECT_EQ(r->queue, (MessageQueue{"TopicTest", "broker-a", 1}));  // queue id of the answer
    EXPECT_EQ(r->queue_offset, 17);
    EXPECT_EQ(r->transaction_id, "");
    EXPECT_EQ(r->region_id, "DefaultRegion");
    EXPECT_TRUE(r->trace_on);
  }
}

TEST(ParseSendResponseTest, ExtrasAndDefaults) {
  RemotingCommand resp = Response(0);
  resp.ext_fields.Set("msgId", "A,B");
  resp.ext_fields.Set("queueId", "0");
  resp.ext_fields.Set("queueOffset", "5");
  resp.ext_fields.Set("transactionId", "TX");
  auto r = ParseSendResponse(resp, kQueue, "U1,U2");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->msg_id, "U1,U2");
  EXPECT_EQ(r->offset_msg_id, "A,B");
  EXPECT_EQ(r->transaction_id, "TX");
  EXPECT_EQ(r->region_id, "DefaultRegion");  // absent
  EXPECT_TRUE(r->trace_on);                  // absent

  resp.ext_fields.Set("MSG_REGION", "");
  resp.ext_fields.Set("TRACE_ON", "false");
  r = ParseSendResponse(resp, kQueue, "U");
  EXPECT_EQ(r->region_id, "DefaultRegion");
  EXPECT_FALSE(r->trace_on);
  resp.ext_fields.Set("MSG_REGION", "HZ");
  EXPECT_EQ(ParseSendResponse(resp, kQueue, "U")->region_id, "HZ");
}

TEST(ParseSendResponseTest, ErrorCodes) {
  auto r = ParseSendResponse(Response(17, "topic[X] not exist, apply first please!"), kQueue, "U");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(r.status().remote_code(), 17);
  EXPECT_EQ(r.status().message(), "topic[X] not exist, apply first please!");

  auto busy = ParseSendResponse(Response(2), kQueue, "U");
  EXPECT_EQ(busy.status().remote_code(), 2);
  EXPECT_EQ(busy.status().message(), "");
  EXPECT_EQ(ParseSendResponse(Response(13, "too big"), kQueue, "U").status().remote_code(), 13);

  // A stored answer without its header.
  auto missing = ParseSendResponse(Response(0), kQueue, "U");
  EXPECT_FALSE(missing.ok());
  EXPECT_NE(missing.status().code(), ErrorCode::kRemote);
}

// ---- unique ids ----

TEST(UniqueIdSourceTest, IdsCarryIdentityTimeAndCounter) {
  const MonthBounds month = LocalMonthBounds(kBorn);
  ManualClock clock(month.start_ms + 12345);
  UniqueIdSource source(std::string("\xC0\x00\x02\x02", 4), 0x11223344, 0x2B2769EC, clock);
  std::string a = source.Next();
  clock.Advance(10);
  std::string b = source.Next();
  ASSERT_EQ(a.size(), 32u);
  EXPECT_EQ(a.substr(0, 8), "C0000202");
  auto ia = protocol::DecodeUniqueId(a);
  auto ib = protocol::DecodeUniqueId(b);
  ASSERT_TRUE(ia.ok() && ib.ok());
  EXPECT_EQ(ia->pid, 0x3344);
  EXPECT_EQ(ia->random, 0x2B2769EC);
  EXPECT_EQ(ia->ms_since_month_start, 12345u);
  EXPECT_EQ(ib->ms_since_month_start, 12355u);
  EXPECT_EQ(static_cast<uint16_t>(ib->counter - ia->counter), 1);

  // Into the next month: the offset restarts.
  clock.Advance(month.next_start_ms - clock.NowMillis() + 7);
  auto ic = protocol::DecodeUniqueId(source.Next());
  ASSERT_TRUE(ic.ok());
  EXPECT_EQ(ic->ms_since_month_start, 7u);
}

TEST(UniqueIdSourceTest, ProcessSourceUsesThisProcess) {
  std::string id = UniqueIdSource::Process().Next();
  auto info = protocol::DecodeUniqueId(id);
  ASSERT_TRUE(info.ok()) << id;
  EXPECT_EQ(info->ip.size(), 4u);
  EXPECT_EQ(info->pid, static_cast<uint16_t>(getpid()));
  EXPECT_NE(UniqueIdSource::Process().Next(), id);
}

TEST(UniqueIdSourceTest, LocalMonthBounds) {
  for (int64_t now : {kBorn, int64_t{1'700'000'000'000}, int64_t{1'704'067'199'999}}) {
    MonthBounds b = LocalMonthBounds(now);
    EXPECT_LE(b.start_ms, now);
    EXPECT_GT(b.next_start_ms, now);
    EXPECT_GE(b.next_start_ms - b.start_ms, int64_t{28} * 86'400'000 - 3'600'000);
    EXPECT_LE(b.next_start_ms - b.start_ms, int64_t{31} * 86'400'000 + 3'600'000);
    time_t secs = static_cast<time_t>(b.start_ms / 1000);
    tm local{};
    localtime_r(&secs, &local);
    EXPECT_EQ(local.tm_mday, 1);
    EXPECT_EQ(local.tm_hour, 0);
    EXPECT_EQ(local.tm_min, 0);
    EXPECT_EQ(b.start_ms % 1000, 0);
  }
}

}  // namespace
}  // namespace orbit::client
