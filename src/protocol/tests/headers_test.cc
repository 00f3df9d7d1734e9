// Typed custom headers: generic checks run over every header (driven by its VisitFields), plus
// the send V1 <-> V2 conversions and hand-written expectations for a few headers.

#include "protocol/headers.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "protocol/internal/headers_codec.h"

namespace orbit::protocol {
namespace {

using headers_internal::kIsOptional;
using KeyValues = std::map<std::string, std::string>;

enum class Kind { kString, kInt32, kInt64, kBool };

struct FieldInfo {
  std::string key;
  Kind kind;
  bool required;
};

template <typename T>
constexpr Kind KindOf() {
  if constexpr (std::is_same_v<T, std::string>) {
    return Kind::kString;
  } else if constexpr (std::is_same_v<T, int32_t>) {
    return Kind::kInt32;
  } else if constexpr (std::is_same_v<T, int64_t>) {
    return Kind::kInt64;
  } else {
    static_assert(std::is_same_v<T, bool>);
    return Kind::kBool;
  }
}

struct Describer {
  std::vector<FieldInfo> fields;
  template <typename T>
  void operator()(std::string_view key, const T&) {
    if constexpr (kIsOptional<T>) {
      fields.push_back({std::string(key), KindOf<typename T::value_type>(), false});
    } else {
      fields.push_back({std::string(key), KindOf<T>(), true});
    }
  }
};

template <typename H>
std::vector<FieldInfo> Describe() {
  const H header{};
  Describer d;
  H::VisitFields(header, d);
  return d.fields;
}

// A distinct, valid wire value for the i-th field: negative and extreme numbers, both booleans.
std::string SampleValue(const FieldInfo& f, size_t i) {
  switch (f.kind) {
    case Kind::kString:
      return "v-" + f.key + (i % 2 ? "\x01x\x02" : "");
    case Kind::kInt32:
      return i % 3 == 0   ? "-2147483648"
             : i % 3 == 1 ? "2147483647"
                          : std::to_string(-7 - static_cast<int64_t>(i));
    case Kind::kInt64:
      return i % 3 == 0   ? "-9223372036854775808"
             : i % 3 == 1 ? "9223372036854775807"
                          : std::to_string(1700000000000 + static_cast<int64_t>(i));
    case Kind::kBool:
      return i % 2 ? "true" : "false";
  }
  return "";
}

ExtFields ToExt(const KeyValues& kv) {
  ExtFields ext;
  for (const auto& [k, v] : kv) ext.Append(k, v);
  return ext;
}

KeyValues ToMap(const ExtFields& ext) { return KeyValues(ext.begin(), ext.end()); }

template <typename H>
KeyValues FullValues() {
  KeyValues kv;
  auto fields = Describe<H>();
  for (size_t i = 0; i < fields.size(); ++i) kv[fields[i].key] = SampleValue(fields[i], i);
  return kv;
}

template <typename H>
KeyValues RequiredValues() {
  KeyValues kv;
  auto fields = Describe<H>();
  for (size_t i = 0; i < fields.size(); ++i) {
    if (fields[i].required) kv[fields[i].key] = SampleValue(fields[i], i);
  }
  return kv;
}

template <typename H>
KeyValues Reencode(const KeyValues& in) {
  auto decoded = H::Decode(ToExt(in));
  EXPECT_TRUE(decoded.ok()) << decoded.status().ToString();
  if (!decoded.ok()) return {};
  ExtFields out;
  decoded->Encode(&out);
  return ToMap(out);
}

// Counters shared by the generic tests, so that none can pass by checking nothing.
struct Totals {
  int headers = 0;
  int fields = 0;
  int required = 0;
  int numbers = 0;
  int booleans = 0;
};

template <typename H>
void CheckRoundTrips(Totals* totals) {
  ++totals->headers;
  auto fields = Describe<H>();
  totals->fields += static_cast<int>(fields.size());
  ASSERT_FALSE(fields.empty());

  // Every field present: decode, encode, same key/value set; decode again, same struct.
  KeyValues full = FullValues<H>();
  EXPECT_EQ(Reencode<H>(full), full);
  auto first = H::Decode(ToExt(full));
  ASSERT_TRUE(first.ok());
  ExtFields encoded;
  first->Encode(&encoded);
  EXPECT_EQ(encoded.size(), fields.size());
  auto second = H::Decode(encoded);
  ASSERT_TRUE(second.ok());
  EXPECT_TRUE(*first == *second);

  // Only the required fields: absent optionals are not written (not even Java defaults).
  KeyValues required = RequiredValues<H>();
  EXPECT_EQ(Reencode<H>(required), required);

  // Unknown keys are ignored and not re-encoded.
  KeyValues noisy = full;
  noisy["AccessKey"] = "rocketmq2";
  noisy["Signature"] = "c2lnbmF0dXJl";
  noisy["ReqT"] = "0";
  noisy["OnsChannel"] = "ALIYUN";
  EXPECT_EQ(Reencode<H>(noisy), full);
}

template <typename H>
void CheckMissingRequired(Totals* totals) {
  for (const FieldInfo& f : Describe<H>()) {
    if (!f.required) continue;
    SCOPED_TRACE(f.key);
    ++totals->required;
    KeyValues kv = FullValues<H>();
    kv.erase(f.key);
    auto r = H::Decode(ToExt(kv));
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.status().code(), ErrorCode::kMissingField);
    EXPECT_NE(r.status().message().find("'" + f.key + "'"), std::string::npos)
        << r.status().message();
  }
}

template <typename H>
void CheckNumbers(Totals* totals) {
  static const std::vector<std::string> kBadAlways = {
      "abc", "", " 1", "1 ", "1.5", "0x10", "1e3", "+", "-", "+-1", "--1", "1-", "١", "NaN"};
  for (const FieldInfo& f : Describe<H>()) {
    if (f.kind != Kind::kInt32 && f.kind != Kind::kInt64) continue;
    SCOPED_TRACE(f.key);
    ++totals->numbers;
    std::vector<std::string> bad = kBadAlways;
    if (f.kind == Kind::kInt32) {
      bad.insert(bad.end(), {"2147483648", "-2147483649", "99999999999"});
    } else {
      bad.insert(bad.end(),
                 {"9223372036854775808", "-9223372036854775809", "1" + std::string(30, '0')});
    }
    for (const std::string& value : bad) {
      SCOPED_TRACE("value \"" + value + "\"");
      KeyValues kv = FullValues<H>();
      kv[f.key] = value;
      auto r = H::Decode(ToExt(kv));
      ASSERT_FALSE(r.ok());
      EXPECT_EQ(r.status().code(), ErrorCode::kMalformed);
      EXPECT_NE(r.status().message().find("'" + f.key + "'"), std::string::npos)
          << r.status().message();
    }
    // Java's parseInt/parseLong accept a leading '+' and leading zeros; we re-encode canonically.
    for (auto [in, out] :
         {std::pair<std::string, std::string>{"+5", "5"}, {"007", "7"}, {"-0", "0"}, {"0", "0"}}) {
      KeyValues kv = FullValues<H>();
      kv[f.key] = in;
      KeyValues want = kv;
      want[f.key] = out;
      EXPECT_EQ(Reencode<H>(kv), want) << in;
    }
  }
}

template <typename H>
void CheckBooleans(Totals* totals) {
  static const std::vector<std::pair<std::string, std::string>> kCases = {
      {"true", "true"},   {"TRUE", "true"},   {"True", "true"},   {"tRuE", "true"},
      {"false", "false"}, {"FALSE", "false"}, {"", "false"},      {"1", "false"},
      {"yes", "false"},   {"t", "false"},     {"truee", "false"}, {" true", "false"}};
  for (const FieldInfo& f : Describe<H>()) {
    if (f.kind != Kind::kBool) continue;
    SCOPED_TRACE(f.key);
    ++totals->booleans;
    for (const auto& [in, out] : kCases) {
      KeyValues kv = FullValues<H>();
      kv[f.key] = in;
      KeyValues want = kv;
      want[f.key] = out;
      EXPECT_EQ(Reencode<H>(kv), want) << "\"" << in << "\"";
    }
  }
}

// Encoding into extFields that already hold keys replaces values instead of duplicating keys.
template <typename H>
void CheckEncodeIntoNonEmpty() {
  KeyValues full = FullValues<H>();
  auto h = H::Decode(ToExt(full));
  ASSERT_TRUE(h.ok());
  ExtFields ext;
  ext.Append("AccessKey", "ak");
  ext.Append(full.begin()->first, "stale");
  h->Encode(&ext);
  KeyValues want = full;
  want["AccessKey"] = "ak";
  EXPECT_EQ(ext.size(), want.size());
  EXPECT_EQ(ToMap(ext), want);
}

// Random keys and bytes: decoding never crashes, and fails only with the two documented codes.
template <typename H>
void CheckRandomInput(std::mt19937* rng) {
  auto fields = Describe<H>();
  static const std::vector<std::string> kValues = {"",
                                                   "0",
                                                   "-1",
                                                   "true",
                                                   "x",
                                                   "+",
                                                   "9223372036854775807",
                                                   "2147483648",
                                                   std::string(1, '\0'),
                                                   "\xff\xfe",
                                                   "12ab"};
  for (int round = 0; round < 50; ++round) {
    ExtFields ext;
    for (const FieldInfo& f : fields) {
      if ((*rng)() % 4 == 0) continue;
      ext.Append(f.key, kValues[(*rng)() % kValues.size()]);
      if ((*rng)() % 8 == 0) ext.Append(f.key, "dup");
    }
    auto r = H::Decode(ext);
    if (r.ok()) {
      ExtFields out;
      r->Encode(&out);
      EXPECT_LE(out.size(), fields.size());
    } else {
      EXPECT_TRUE(r.status().code() == ErrorCode::kMissingField ||
                  r.status().code() == ErrorCode::kMalformed)
          << r.status().ToString();
    }
  }
}

TEST(HeadersTest, EveryHeaderRoundTrips) {
  Totals t;
#define ORBIT_X(H)                \
  {                               \
    SCOPED_TRACE(#H);             \
    CheckRoundTrips<H>(&t);       \
    CheckEncodeIntoNonEmpty<H>(); \
  }
  ORBIT_HEADER_TYPES(ORBIT_X)
#undef ORBIT_X
  EXPECT_EQ(t.headers, 63);
  EXPECT_GE(t.fields, 200);
}

TEST(HeadersTest, EveryRequiredFieldIsChecked) {
  Totals t;
#define ORBIT_X(H)               \
  {                              \
    SCOPED_TRACE(#H);            \
    CheckMissingRequired<H>(&t); \
  }
  ORBIT_HEADER_TYPES(ORBIT_X)
#undef ORBIT_X
  EXPECT_GE(t.required, 149);
}

TEST(HeadersTest, EveryNumberRejectsMalformedText) {
  Totals t;
#define ORBIT_X(H)       \
  {                      \
    SCOPED_TRACE(#H);    \
    CheckNumbers<H>(&t); \
  }
  ORBIT_HEADER_TYPES(ORBIT_X)
#undef ORBIT_X
  EXPECT_GE(t.numbers, 79);
}

TEST(HeadersTest, EveryBooleanFollowsJavaParseBoolean) {
  Totals t;
#define ORBIT_X(H)        \
  {                       \
    SCOPED_TRACE(#H);     \
    CheckBooleans<H>(&t); \
  }
  ORBIT_HEADER_TYPES(ORBIT_X)
#undef ORBIT_X
  EXPECT_GE(t.booleans, 20);
}

TEST(HeadersTest, RandomInputNeverCrashes) {
  std::mt19937 rng(42);
#define ORBIT_X(H) CheckRandomInput<H>(&rng);
  ORBIT_HEADER_TYPES(ORBIT_X)
#undef ORBIT_X
}

TEST(HeadersTest, CodeTablesNameKnownTypes) {
  int requests = 0;
  int responses = 0;
#define ORBIT_X(code, H)                                           \
  EXPECT_NE(RequestCodeName(RequestCode::code), nullptr) << #code; \
  EXPECT_FALSE(Describe<H>().empty()) << #H;                       \
  ++requests;
  ORBIT_REQUEST_HEADERS(ORBIT_X)
#undef ORBIT_X
#define ORBIT_X(code, H)                                           \
  EXPECT_NE(RequestCodeName(RequestCode::code), nullptr) << #code; \
  ++responses;
  ORBIT_RESPONSE_HEADERS(ORBIT_X)
#undef ORBIT_X
  EXPECT_EQ(requests, 53);
  EXPECT_EQ(responses, 18);
}

// ---- Send: V1 <-> V2, the code dispatch, the documented example ----

SendMessageRequestHeader FullV1() {
  SendMessageRequestHeader v1;
  v1.producer_group = "PG";
  v1.topic = "%RETRY%CG";
  v1.default_topic = "TBW102";
  v1.default_topic_queue_nums = 8;
  v1.queue_id = -1;
  v1.sys_flag = 0x301;
  v1.born_timestamp = 1700000000123;
  v1.flag = 7;
  v1.properties = "KEYS\x01k1\x02TAGS\x01TagA\x02";
  v1.reconsume_times = 3;
  v1.unit_mode = true;
  v1.batch = true;
  v1.max_reconsume_times = 16;
  v1.bname = "broker-a";
  return v1;
}

TEST(SendHeadersTest, V1ToV2MapsEveryField) {
  SendMessageRequestHeader v1 = FullV1();
  SendMessageRequestHeaderV2 v2 = ToV2(v1);
  EXPECT_EQ(v2.a, "PG");
  EXPECT_EQ(v2.b, "%RETRY%CG");
  EXPECT_EQ(v2.c, "TBW102");
  EXPECT_EQ(v2.d, 8);
  EXPECT_EQ(v2.e, -1);
  EXPECT_EQ(v2.f, 0x301);
  EXPECT_EQ(v2.g, 1700000000123);
  EXPECT_EQ(v2.h, 7);
  EXPECT_EQ(v2.i, v1.properties);
  EXPECT_EQ(v2.j, 3);
  EXPECT_EQ(v2.k, true);
  EXPECT_EQ(v2.l, 16);
  EXPECT_EQ(v2.m, true);
  EXPECT_EQ(v2.n, "broker-a");
  EXPECT_EQ(ToV1(v2), v1);
  SendMessageRequestHeaderV2 moved = ToV2(FullV1());
  EXPECT_EQ(moved, v2);
  EXPECT_EQ(ToV1(std::move(moved)), v1);
}

TEST(SendHeadersTest, ConversionsKeepAbsentOptionalsAbsent) {
  ExtFields ext;
  for (const char* k : {"a", "b", "c"}) ext.Append(k, "s");
  for (const char* k : {"d", "e", "f", "g", "h"}) ext.Append(k, "1");
  auto v2 = SendMessageRequestHeaderV2::Decode(ext);
  ASSERT_TRUE(v2.ok());
  SendMessageRequestHeader v1 = ToV1(*v2);
  EXPECT_FALSE(v1.properties.has_value());
  EXPECT_FALSE(v1.reconsume_times.has_value());
  EXPECT_FALSE(v1.unit_mode.has_value());
  EXPECT_FALSE(v1.batch.has_value());
  EXPECT_FALSE(v1.max_reconsume_times.has_value());
  EXPECT_FALSE(v1.bname.has_value());
  EXPECT_EQ(ToV2(v1), *v2);
}

TEST(SendHeadersTest, V1AndV2EncodingsCorrespondKeyByKey) {
  static const std::map<std::string, std::string> kV2ToV1 = {
      {"a", "producerGroup"}, {"b", "topic"},
      {"c", "defaultTopic"},  {"d", "defaultTopicQueueNums"},
      {"e", "queueId"},       {"f", "sysFlag"},
      {"g", "bornTimestamp"}, {"h", "flag"},
      {"i", "properties"},    {"j", "reconsumeTimes"},
      {"k", "unitMode"},      {"l", "maxReconsumeTimes"},
      {"m", "batch"},         {"n", "bname"}};
  SendMessageRequestHeader v1 = FullV1();
  ExtFields e1, e2;
  v1.Encode(&e1);
  ToV2(v1).Encode(&e2);
  ASSERT_EQ(e2.size(), kV2ToV1.size());
  KeyValues renamed;
  for (const auto& [k, v] : e2) renamed[kV2ToV1.at(k)] = v;
  EXPECT_EQ(renamed, ToMap(e1));
}

TEST(SendHeadersTest, FastV2DecodeAgreesWithGenericDecode) {
  std::mt19937 rng(7);
  // Mostly valid numbers, so that both outcomes are exercised.
  static const std::vector<std::string> kGood = {"0", "-3", "+1", "17", "2147483647"};
  static const std::vector<std::string> kBad = {"", "x", "true", "2147483648",
                                                "9223372036854775808"};
  auto pick = [&rng]() -> const std::string& {
    return rng() % 10 == 0 ? kBad[rng() % kBad.size()] : kGood[rng() % kGood.size()];
  };
  int agreed_ok = 0;
  int agreed_error = 0;
  for (int round = 0; round < 2000; ++round) {
    ExtFields ext;
    for (char c = 'a'; c <= 'p'; ++c) {
      if (rng() % 30 == 0) continue;
      ext.Append(std::string(1, c), pick());
      if (rng() % 6 == 0) ext.Append(std::string(1, c), pick());
    }
    if (rng() % 3 == 0) ext.Append("AccessKey", "ak");
    auto fast = SendMessageRequestHeaderV2::Decode(ext);
    auto generic = headers_internal::DecodeFields<SendMessageRequestHeaderV2>(ext);
    ASSERT_EQ(fast.ok(), generic.ok());
    if (fast.ok()) {
      EXPECT_EQ(*fast, *generic);
      ++agreed_ok;
    } else {
      EXPECT_EQ(fast.status(), generic.status());
      ++agreed_error;
    }
  }
  EXPECT_GT(agreed_ok, 100);
  EXPECT_GT(agreed_error, 100);
}

TEST(SendHeadersTest, DocumentedV2ExampleDecodes) {
  // headers.md §1: a typical Java SEND_MESSAGE_V2.
  ExtFields ext;
  for (auto [k, v] :
       std::vector<std::pair<std::string, std::string>>{{"a", "PG"},
                                                        {"b", "TopicTest"},
                                                        {"c", "TBW102"},
                                                        {"d", "4"},
                                                        {"e", "2"},
                                                        {"f", "0"},
                                                        {"g", "1700000000000"},
                                                        {"h", "0"},
                                                        {"i", "KEYS\x01k1\x02TAGS\x01TagA"},
                                                        {"j", "0"},
                                                        {"k", "false"},
                                                        {"m", "false"},
                                                        {"n", "broker-a"}}) {
    ext.Append(k, v);
  }
  RemotingCommand cmd = RemotingCommand::Request(RequestCode::kSendMessageV2);
  cmd.ext_fields = ext;
  auto h = DecodeSendMessageRequestHeader(cmd);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->producer_group, "PG");
  EXPECT_EQ(h->topic, "TopicTest");
  EXPECT_EQ(h->default_topic_queue_nums, 4);
  EXPECT_EQ(h->queue_id, 2);
  EXPECT_EQ(h->born_timestamp, 1700000000000);
  EXPECT_EQ(h->properties, "KEYS\x01k1\x02TAGS\x01TagA");
  EXPECT_EQ(h->reconsume_times, 0);
  EXPECT_EQ(h->unit_mode, false);
  EXPECT_EQ(h->batch, false);
  EXPECT_EQ(h->max_reconsume_times, std::nullopt);
  EXPECT_EQ(h->bname, "broker-a");
}

TEST(SendHeadersTest, DecodeByRequestCode) {
  SendMessageRequestHeader v1 = FullV1();
  for (int32_t code : {RequestCode::kSendMessage, RequestCode::kSendReplyMessage}) {
    RemotingCommand cmd = RemotingCommand::Request(code);
    v1.Encode(&cmd.ext_fields);
    auto h = DecodeSendMessageRequestHeader(cmd);
    ASSERT_TRUE(h.ok()) << code;
    EXPECT_EQ(*h, v1);
    // Short keys are not read for long-name codes.
    RemotingCommand wrong = RemotingCommand::Request(code);
    ToV2(v1).Encode(&wrong.ext_fields);
    EXPECT_EQ(DecodeSendMessageRequestHeader(wrong).status().code(), ErrorCode::kMissingField);
  }
  for (int32_t code : {RequestCode::kSendMessageV2, RequestCode::kSendBatchMessage,
                       RequestCode::kSendReplyMessageV2}) {
    RemotingCommand cmd = RemotingCommand::Request(code);
    ToV2(v1).Encode(&cmd.ext_fields);
    auto h = DecodeSendMessageRequestHeader(cmd);
    ASSERT_TRUE(h.ok()) << code;
    EXPECT_EQ(*h, v1);
    RemotingCommand wrong = RemotingCommand::Request(code);
    v1.Encode(&wrong.ext_fields);
    auto missing = DecodeSendMessageRequestHeader(wrong);
    EXPECT_EQ(missing.status().code(), ErrorCode::kMissingField);
    EXPECT_NE(missing.status().message().find("'a'"), std::string::npos);
  }
  RemotingCommand pull = RemotingCommand::Request(RequestCode::kPullMessage);
  v1.Encode(&pull.ext_fields);
  EXPECT_EQ(DecodeSendMessageRequestHeader(pull).status().code(), ErrorCode::kInvalidArgument);
}

TEST(SendHeadersTest, V2MalformedAndMissingNameTheKey) {
  ExtFields ext;
  ToV2(FullV1()).Encode(&ext);
  ext.Set("g", "17e11");
  auto bad = SendMessageRequestHeaderV2::Decode(ext);
  EXPECT_EQ(bad.status().code(), ErrorCode::kMalformed);
  EXPECT_NE(bad.status().message().find("'g'"), std::string::npos);
  ext.Set("g", "1");
  ext.Erase("e");
  auto missing = SendMessageRequestHeaderV2::Decode(ext);
  EXPECT_EQ(missing.status().code(), ErrorCode::kMissingField);
  EXPECT_NE(missing.status().message().find("'e'"), std::string::npos);
}

// ---- Defaults and a few headers by hand ----

TEST(HeadersTest, DefaultConstructedHeadersWriteJavaDefaults) {
  ExtFields ext;
  SendMessageRequestHeader{}.Encode(&ext);
  EXPECT_EQ(ext.size(), 10u);  // 8 required + unitMode + batch
  ASSERT_NE(ext.Find("unitMode"), nullptr);
  EXPECT_EQ(*ext.Find("unitMode"), "false");
  EXPECT_EQ(*ext.Find("batch"), "false");
  EXPECT_EQ(ext.Find("properties"), nullptr);
  EXPECT_EQ(ext.Find("maxReconsumeTimes"), nullptr);
  EXPECT_EQ(ext.Find("bname"), nullptr);

  ExtFields reg;
  RegisterBrokerRequestHeader{}.Encode(&reg);
  EXPECT_EQ(*reg.Find("compressed"), "false");
  EXPECT_EQ(*reg.Find("bodyCrc32"), "0");
  EXPECT_EQ(reg.Find("heartbeatTimeoutMillis"), nullptr);

  ExtFields end;
  EndTransactionRequestHeader{}.Encode(&end);
  EXPECT_EQ(*end.Find("fromTransactionCheck"), "false");
  EXPECT_EQ(end.Find("transactionId"), nullptr);
}

TEST(HeadersTest, PullRequestByHand) {
  ExtFields ext;
  ext.Append("consumerGroup", "CG");
  ext.Append("topic", "T");
  ext.Append("queueId", "3");
  ext.Append("queueOffset", "12345678901");
  ext.Append("maxMsgNums", "32");
  ext.Append("sysFlag", "6");
  ext.Append("commitOffset", "0");
  ext.Append("suspendTimeoutMillis", "15000");
  ext.Append("subVersion", "1700000000000");
  ext.Append("expressionType", "TAG");
  ext.Append("bname", "broker-a");
  ext.Append("ReqT", "0");
  auto h = PullMessageRequestHeader::Decode(ext);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  EXPECT_EQ(h->queue_offset, 12345678901);
  EXPECT_EQ(h->suspend_timeout_millis, 15000);
  EXPECT_FALSE(h->subscription.has_value());
  EXPECT_EQ(h->bname, "broker-a");
  ExtFields out;
  h->Encode(&out);
  EXPECT_EQ(out.size(), 11u);
  EXPECT_EQ(out.Find("ReqT"), nullptr);
  EXPECT_EQ(out.Find("subscription"), nullptr);
}

TEST(HeadersTest, KeysKeepJavaSpelling) {
  ExtFields ext;
  UnregisterClientRequestHeader{.client_id = "127.0.0.1@x"}.Encode(&ext);
  EXPECT_NE(ext.Find("clientID"), nullptr);
  ExtFields order;
  GetConsumeStatsInBrokerHeader{.is_order = true}.Encode(&order);
  EXPECT_EQ(*order.Find("isOrder"), "true");
  ExtFields reset;
  ResetOffsetRequestHeader{.topic = "T", .group = "G", .timestamp = -1, .is_force = true}.Encode(
      &reset);
  EXPECT_EQ(*reset.Find("isForce"), "true");
  EXPECT_EQ(*reset.Find("timestamp"), "-1");
  ExtFields kv;
  PutKVConfigRequestHeader{.kv_namespace = "ORDER_TOPIC_CONFIG", .key = "T", .value = "b:4"}.Encode(
      &kv);
  EXPECT_EQ(*kv.Find("namespace"), "ORDER_TOPIC_CONFIG");
}

TEST(HeadersTest, MalformedMessageIsBounded) {
  ExtFields ext;
  ext.Append("offset", std::string(10000, '9'));
  auto r = QueryConsumerOffsetResponseHeader::Decode(ext);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kMalformed);
  EXPECT_LT(r.status().message().size(), 200u);
}

TEST(HeadersTest, EmptyExtFieldsReportsFirstRequiredKey) {
  auto r = RegisterBrokerRequestHeader::Decode(ExtFields{});
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), ErrorCode::kMissingField);
  EXPECT_NE(r.status().message().find("'brokerName'"), std::string::npos);
  EXPECT_TRUE(RegisterBrokerResponseHeader::Decode(ExtFields{}).ok());
  EXPECT_TRUE(ResumeCheckHalfMessageRequestHeader::Decode(ExtFields{}).ok());
}

}  // namespace
}  // namespace orbit::protocol
