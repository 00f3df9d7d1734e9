// Fuzzes the tolerant JSON reader and every typed body decoder (protocol/bodies*.h). The first
// input byte chooses the decoder (modulo the table below), the rest is the body. Whatever a
// decoder accepts must encode into JSON that decodes to an equal value, and encoding must then
// be stable byte for byte. Selector 0 is the generic reader (ParseJson, Dump, PrettyJson); the
// last entry is RegisterBrokerBody::DecodeCompressed (the rest is a zlib stream).

#include <cstddef>
#include <cstdint>
#include <iterator>
#include <string>
#include <string_view>

#include "fuzz/fuzz_check.h"
#include "protocol/bodies.h"
#include "protocol/json.h"

namespace {

namespace p = orbit::protocol;

// Output bound for the compressed registration body: small, so that the fuzzer cannot spend its
// time inflating bombs.
constexpr size_t kMaxInflated = 1 << 20;

void FuzzParseJson(std::string_view in) {
  auto doc = p::ParseJson(in);
  if (!doc.ok()) return;
  std::string dumped = doc->Dump();
  auto again = p::ParseJson(dumped);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(again->Dump() == dumped, "ParseJson(Dump(v)) does not dump the same");

  std::string pretty = p::PrettyJson(*doc);
  auto from_pretty = p::ParseJson(pretty);
  ORBIT_FUZZ_CHECK_OK(from_pretty.status());
  ORBIT_FUZZ_CHECK(from_pretty->Dump() == dumped, "PrettyJson output does not parse back");
  auto pretty_again = p::PrettyJson(std::string_view(dumped));
  ORBIT_FUZZ_CHECK_OK(pretty_again.status());
  ORBIT_FUZZ_CHECK(*pretty_again == pretty, "PrettyJson(text) differs from PrettyJson(value)");

  // Scalar conversions must not crash whatever the value.
  (void)doc->AsInt64();
  (void)doc->AsInt32();
  (void)doc->AsDouble();
  (void)doc->AsBool();
  (void)doc->AsString();
}

template <typename T>
void CheckEncodes(const T& value) {
  std::string encoded = value.Encode();
  auto again = T::Decode(encoded);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(*again == value, "Decode(Encode(x)) != x: " + encoded);
  ORBIT_FUZZ_CHECK(again->Encode() == encoded, "encoding is not stable: " + encoded);
  std::string appended = "x";
  value.EncodeTo(&appended);
  ORBIT_FUZZ_CHECK(appended == "x" + encoded, "EncodeTo differs from Encode");
}

template <typename T>
void CheckEncodesPretty(const T& value) {
  std::string pretty = value.EncodePretty();
  auto again = T::Decode(pretty);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(*again == value, "Decode(EncodePretty(x)) != x: " + pretty);
}

template <typename T>
void FuzzBody(std::string_view in) {
  auto decoded = T::Decode(in);
  if (!decoded.ok()) return;
  CheckEncodes(*decoded);
  if constexpr (requires { decoded->EncodePretty(); }) CheckEncodesPretty(*decoded);
}

void FuzzTopicRouteData(std::string_view in) {
  auto decoded = p::TopicRouteData::Decode(in);
  if (!decoded.ok()) return;
  for (p::JsonStyle style : {p::JsonStyle::kFastjson, p::JsonStyle::kStandard}) {
    std::string encoded = decoded->Encode(style);
    auto again = p::TopicRouteData::Decode(encoded);
    ORBIT_FUZZ_CHECK_OK(again.status());
    ORBIT_FUZZ_CHECK(*again == *decoded, "TopicRouteData round trip: " + encoded);
    ORBIT_FUZZ_CHECK(again->Encode(style) == encoded, "TopicRouteData encoding not stable");
  }
}

void FuzzRegisterBrokerCompressed(std::string_view in) {
  auto decoded = p::RegisterBrokerBody::DecodeCompressed(in, kMaxInflated);
  if (!decoded.ok()) return;
  CheckEncodes(*decoded);
  auto compressed = decoded->EncodeCompressed();
  ORBIT_FUZZ_CHECK_OK(compressed.status());
  auto again = p::RegisterBrokerBody::DecodeCompressed(*compressed, kMaxInflated);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(*again == *decoded, "compressed RegisterBrokerBody round trip");
}

using FuzzFn = void (*)(std::string_view);

// Append only: the seed corpus stores the index of each decoder in its first byte
// (fuzz/tools/make_seeds.py BODY_TYPES).
constexpr FuzzFn kDecoders[] = {
    FuzzParseJson,                                    // 0
    FuzzBody<p::MessageQueue>,                        // 1
    FuzzBody<p::DataVersion>,                         // 2
    FuzzBody<p::KVTable>,                             // 3
    FuzzBody<p::HeartbeatData>,                       // 4
    FuzzBody<p::CheckClientRequestBody>,              // 5
    FuzzTopicRouteData,                               // 6
    FuzzBody<p::ClusterInfo>,                         // 7
    FuzzBody<p::TopicList>,                           // 8
    FuzzBody<p::TopicConfig>,                         // 9
    FuzzBody<p::TopicConfigSerializeWrapper>,         // 10
    FuzzBody<p::RegisterBrokerBody>,                  // 11
    FuzzBody<p::LockBatchRequestBody>,                // 12
    FuzzBody<p::LockBatchResponseBody>,               // 13
    FuzzBody<p::GetConsumerListByGroupResponseBody>,  // 14
    FuzzBody<p::ResetOffsetBody>,                     // 15
    FuzzBody<p::ResetOffsetBodyForC>,                 // 16
    FuzzBody<p::ConsumerRunningInfo>,                 // 17
    FuzzBody<p::ConsumeMessageDirectlyResult>,        // 18
    FuzzBody<p::ConsumeStats>,                        // 19
    FuzzBody<p::TopicStatsTable>,                     // 20
    FuzzBody<p::ConsumerConnection>,                  // 21
    FuzzBody<p::ProducerConnection>,                  // 22
    FuzzBody<p::SubscriptionGroupConfig>,             // 23
    FuzzBody<p::SubscriptionGroupWrapper>,            // 24
    FuzzBody<p::GroupList>,                           // 25
    FuzzBody<p::ConsumerOffsetSerializeWrapper>,      // 26
    FuzzBody<p::DelayOffsetSerializeWrapper>,         // 27
    FuzzBody<p::KVConfigSerializeWrapper>,            // 28
    FuzzBody<p::OffsetSerializeWrapper>,              // 29
    FuzzRegisterBrokerCompressed,                     // 30
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = orbit::fuzz::AsView(data, size);
  uint8_t selector = 0;
  if (!orbit::fuzz::TakeSelector(&in, &selector)) return 0;
  kDecoders[selector % std::size(kDecoders)](in);
  return 0;
}
