// Codec hot paths: a producer's SEND_MESSAGE_V2 request (typed header -> extFields -> frame and
// back) in both header serializations, and a consumer's 32-message PULL_MESSAGE body.

#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/codes.h"
#include "protocol/headers_send.h"
#include "protocol/message.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"
#include "protocol/remoting_command.h"

namespace {

namespace p = orbit::protocol;

void Require(const orbit::Status& st, const char* what) {
  if (st.ok()) return;
  std::fprintf(stderr, "%s: %s\n", what, st.ToString().c_str());
  std::exit(1);
}

// Deterministic printable filler, so every run measures the same bytes.
std::string Filler(size_t n, uint32_t* seed) {
  std::string s(n, ' ');
  for (char& c : s) {
    *seed = *seed * 1664525u + 1013904223u;
    c = static_cast<char>('a' + (*seed >> 24) % 26);
  }
  return s;
}

// The header a 4.9.8 producer sends for a tagged, keyed message (values as in golden capture
// 05_send_v2).
p::SendMessageRequestHeaderV2 SendHeader() {
  p::MessageProperties props;
  props.Set(p::kPropertyKeys, "KEY-SYNC-1");
  props.Set("ukey", "uval");
  props.Set(p::kPropertyUniqKey, "C00002021E385FFD2B2769ECE85A0000");
  props.Set(p::kPropertyWaitStoreMsgOk, "true");
  props.Set(p::kPropertyTags, "TagA");
  p::SendMessageRequestHeaderV2 h;
  h.a = "GID_golden_send";
  h.b = "GoldenSend";
  h.c = "TBW102";
  h.d = 4;
  h.e = 0;
  h.f = 0;
  h.g = 1795268333659;
  h.h = 0;
  h.i = p::EncodeProperties(props);
  h.j = 0;
  h.k = false;
  h.m = false;
  h.n = "broker-a";
  return h;
}

std::string SendBody() {
  uint32_t seed = 7;
  return Filler(200, &seed);
}

void BM_SendV2Encode(benchmark::State& state, p::SerializeType type) {
  const p::SendMessageRequestHeaderV2 header = SendHeader();
  const std::string body = SendBody();
  std::string frame;
  for (auto _ : state) {
    p::RemotingCommand cmd = p::RemotingCommand::Request(p::RequestCode::kSendMessageV2);
    cmd.serialize_type = type;
    header.Encode(&cmd.ext_fields);
    cmd.body = body;
    frame.clear();
    Require(p::EncodeFrame(cmd, &frame), "EncodeFrame");
    benchmark::DoNotOptimize(frame.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
  state.counters["frame_bytes"] = static_cast<double>(frame.size());
}
BENCHMARK_CAPTURE(BM_SendV2Encode, json, p::SerializeType::kJson);
BENCHMARK_CAPTURE(BM_SendV2Encode, binary, p::SerializeType::kRocketmq);

void BM_SendV2Decode(benchmark::State& state, p::SerializeType type) {
  p::RemotingCommand cmd = p::RemotingCommand::Request(p::RequestCode::kSendMessageV2);
  cmd.serialize_type = type;
  SendHeader().Encode(&cmd.ext_fields);
  cmd.body = SendBody();
  std::string frame;
  Require(p::EncodeFrame(cmd, &frame), "EncodeFrame");
  const std::string_view payload = std::string_view(frame).substr(4);
  for (auto _ : state) {
    auto decoded = p::DecodeFramePayload(payload);
    if (!decoded.ok()) Require(decoded.status(), "DecodeFramePayload");
    auto header = p::SendMessageRequestHeaderV2::Decode(decoded->ext_fields);
    if (!header.ok()) Require(header.status(), "SendMessageRequestHeaderV2::Decode");
    benchmark::DoNotOptimize(header->i);
    benchmark::DoNotOptimize(decoded->body);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * frame.size()));
  state.counters["frame_bytes"] = static_cast<double>(frame.size());
}
BENCHMARK_CAPTURE(BM_SendV2Decode, json, p::SerializeType::kJson);
BENCHMARK_CAPTURE(BM_SendV2Decode, binary, p::SerializeType::kRocketmq);

constexpr int kPullBatch = 32;

// 32 stored messages as a broker returns them for one PULL_MESSAGE: 100-300 byte bodies,
// properties KEYS, UNIQ_KEY, CLUSTER, WAIT, TAGS.
std::vector<p::MessageRecord> PullRecords() {
  uint32_t seed = 42;
  p::UniqueIdGenerator ids(std::string("\x7F\x00\x00\x01", 4), 4242, 0x2769ECE8);
  std::vector<p::MessageRecord> records;
  int64_t physical = 3'221'225'472;
  for (int i = 0; i < kPullBatch; ++i) {
    p::MessageRecord r;
    r.queue_id = 1;
    r.queue_offset = 1000 + i;
    r.physical_offset = physical;
    r.born_timestamp = 1795268333659 + i;
    r.store_timestamp = r.born_timestamp + 2;
    r.born_host = p::HostAddress::IPv4(10, 0, 0, 17, 51498);
    r.store_host = p::HostAddress::IPv4(10, 0, 0, 5, 10911);
    seed = seed * 1664525u + 1013904223u;
    r.body = Filler(100 + (seed >> 16) % 201, &seed);
    r.topic = "GoldenPull";
    r.properties.Set(p::kPropertyKeys, "order-" + std::to_string(100000 + i));
    r.properties.Set(p::kPropertyUniqKey, ids.Next(r.born_timestamp, 1793491200000));
    r.properties.Set(p::kPropertyCluster, "DefaultCluster");
    r.properties.Set(p::kPropertyWaitStoreMsgOk, "true");
    r.properties.Set(p::kPropertyTags, i % 2 ? "TagA" : "TagB");
    auto size = p::EncodedRecordSize(r);
    if (!size.ok()) Require(size.status(), "EncodedRecordSize");
    physical += static_cast<int64_t>(*size);
    records.push_back(std::move(r));
  }
  return records;
}

std::string PullBody(const std::vector<p::MessageRecord>& records) {
  std::string body;
  for (const auto& r : records) Require(p::EncodeRecord(r, &body), "EncodeRecord");
  return body;
}

void BM_PullBodyDecode(benchmark::State& state) {
  const std::string body = PullBody(PullRecords());
  std::vector<p::MessageRecord> out;
  for (auto _ : state) {
    out.clear();
    Require(p::DecodeRecords(body, &out), "DecodeRecords");
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPullBatch));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_PullBodyDecode);

// Zero-copy scan: what a broker or a filter does to locate fields without materialising them.
void BM_PullBodyLayoutScan(benchmark::State& state) {
  const std::string body = PullBody(PullRecords());
  for (auto _ : state) {
    std::string_view rest = body;
    size_t properties_bytes = 0;
    while (!rest.empty()) {
      auto layout = p::ParseRecordLayout(rest);
      if (!layout.ok()) Require(layout.status(), "ParseRecordLayout");
      properties_bytes += layout->properties_size;
      rest.remove_prefix(layout->total_size);
    }
    benchmark::DoNotOptimize(properties_bytes);
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPullBatch));
}
BENCHMARK(BM_PullBodyLayoutScan);

void BM_PullBodyEncode(benchmark::State& state) {
  const std::vector<p::MessageRecord> records = PullRecords();
  std::string body;
  for (auto _ : state) {
    body.clear();
    for (const auto& r : records) Require(p::EncodeRecord(r, &body), "EncodeRecord");
    benchmark::DoNotOptimize(body.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * body.size()));
  state.SetItemsProcessed(static_cast<int64_t>(state.iterations() * kPullBatch));
  state.counters["body_bytes"] = static_cast<double>(body.size());
}
BENCHMARK(BM_PullBodyEncode);

}  // namespace

BENCHMARK_MAIN();
