// Which JSON library for the remoting header? The JSON header is parsed on every request and
// written on every response, so issue "pick a JSON library by measuring" is settled here: the
// SEND_MESSAGE_V2 header of golden capture 05_send_v2 (frame 7, 401 bytes) is decoded into a
// RemotingCommand (code, opaque, flag, language, version, remark, extFields as string pairs) by
//   Orbit's own tolerant reader (protocol::DecodeJsonHeader),
//   RapidJSON 1.1 DOM (Document::Parse) and SAX (Reader + handler),
//   nlohmann::json 3.11 (json::parse, no exceptions),
//   simdjson 3.0 On Demand, from an already padded buffer and from a padded copy,
// and the decoded command is encoded back by EncodeJsonHeader, a RapidJSON Writer and
// nlohmann::json::dump. Every variant's output is checked against Orbit's before timing.
//
// Why not just adopt one of them for everything: RocketMQ bodies are written by fastjson 1.2,
// which emits bare numeric map keys ({0:"127.0.0.1:10911"}) and objects as map keys
// ({{"brokerName":"b","queueId":0,"topic":"T"}:42}); none of RapidJSON, nlohmann::json or
// simdjson parses those (all three reject them as syntax errors). Orbit needs its own tolerant
// reader for bodies anyway (protocol/json.h); the question measured here is only whether the
// header hot path should use a second, faster library.

#include <benchmark/benchmark.h>
#include <rapidjson/document.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/reader.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>
#include <simdjson.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/bytes.h"
#include "bench/golden_frame.h"
#include "protocol/json.h"
#include "protocol/remoting_command.h"

namespace {

namespace p = orbit::protocol;

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "json_header_bench: %s\n", what.c_str());
  std::exit(1);
}

// The JSON header of the first SEND_MESSAGE_V2 request in capture 05_send_v2.
const std::string& SendV2Header() {
  static const std::string header = [] {
    std::string frame = orbit::bench::LoadGoldenFrame("05_send_v2", "REQUEST code=310");
    uint32_t header_len = orbit::LoadU32(frame.data() + 4) & 0xFFFFFF;
    return frame.substr(8, header_len);
  }();
  return header;
}

// ---- Orbit ------------------------------------------------------------------------------------

bool DecodeOrbit(std::string_view json, p::RemotingCommand* cmd) {
  return p::DecodeJsonHeader(json, cmd).ok();
}

// ---- RapidJSON DOM ----------------------------------------------------------------------------

template <typename V>
std::string RapidScalarText(const V& v) {
  if (v.IsString()) return std::string(v.GetString(), v.GetStringLength());
  if (v.IsBool()) return v.GetBool() ? "true" : "false";
  if (v.IsInt64()) return std::to_string(v.GetInt64());
  if (v.IsUint64()) return std::to_string(v.GetUint64());
  if (v.IsDouble()) return std::to_string(v.GetDouble());
  rapidjson::StringBuffer sb;  // nested object/array: keep its JSON text
  rapidjson::Writer<rapidjson::StringBuffer> w(sb);
  v.Accept(w);
  return std::string(sb.GetString(), sb.GetSize());
}

bool DecodeRapidDom(std::string_view json, p::RemotingCommand* cmd) {
  rapidjson::Document doc;
  doc.Parse(json.data(), json.size());
  if (doc.HasParseError() || !doc.IsObject()) return false;
  bool have_code = false;
  cmd->language = p::LanguageCode::kJava;
  cmd->version = 0;
  for (const auto& m : doc.GetObject()) {
    std::string_view key(m.name.GetString(), m.name.GetStringLength());
    const auto& v = m.value;
    if (key == "code") {
      if (!v.IsInt()) return false;
      cmd->code = v.GetInt();
      have_code = true;
    } else if (key == "opaque") {
      if (!v.IsInt()) return false;
      cmd->opaque = v.GetInt();
    } else if (key == "flag") {
      if (!v.IsInt()) return false;
      cmd->flag = v.GetInt();
    } else if (key == "version") {
      if (!v.IsInt()) return false;
      cmd->version = v.GetInt();
    } else if (key == "language") {
      if (v.IsString()) {
        cmd->language = p::LanguageFromName({v.GetString(), v.GetStringLength()});
      }
    } else if (key == "remark") {
      if (!v.IsNull()) cmd->remark = RapidScalarText(v);
    } else if (key == "extFields") {
      if (v.IsNull()) continue;
      if (!v.IsObject()) return false;
      cmd->ext_fields.reserve(v.MemberCount());
      for (const auto& e : v.GetObject()) {
        if (e.value.IsNull()) continue;
        cmd->ext_fields.Append(std::string(e.name.GetString(), e.name.GetStringLength()),
                               RapidScalarText(e.value));
      }
    }
  }
  return have_code;
}

// ---- RapidJSON SAX ----------------------------------------------------------------------------

// A push parser for the header's fixed shape: scalars at depth 1, string pairs at depth 2 under
// "extFields". Nested values inside extFields are refused (never seen on the wire).
class HeaderHandler : public rapidjson::BaseReaderHandler<rapidjson::UTF8<>, HeaderHandler> {
 public:
  explicit HeaderHandler(p::RemotingCommand* cmd) : cmd_(cmd) {}

  bool have_code() const { return have_code_; }

  bool StartObject() {
    ++depth_;
    if (depth_ == 1) return true;
    if (depth_ == 2 && key_ == "extFields") {
      in_ext_ = true;
      return true;
    }
    return false;
  }
  bool EndObject(rapidjson::SizeType) {
    if (depth_ == 2) in_ext_ = false;
    --depth_;
    return true;
  }
  bool StartArray() { return false; }
  bool Key(const char* s, rapidjson::SizeType n, bool) {
    key_.assign(s, n);
    return true;
  }
  bool String(const char* s, rapidjson::SizeType n, bool) { return Text(std::string_view(s, n)); }
  bool Int(int v) { return Number(v); }
  bool Uint(unsigned v) { return Number(v); }
  bool Int64(int64_t v) { return Number(v); }
  bool Uint64(uint64_t v) { return in_ext_ && Text(std::to_string(v)); }
  bool Double(double v) { return in_ext_ && Text(std::to_string(v)); }
  bool Bool(bool v) { return Text(v ? "true" : "false"); }
  bool Null() { return true; }

 private:
  bool Number(int64_t v) {
    if (in_ext_) return Text(std::to_string(v));
    if (v < INT32_MIN || v > INT32_MAX) return false;
    auto i = static_cast<int32_t>(v);
    if (key_ == "code") {
      cmd_->code = i;
      have_code_ = true;
    } else if (key_ == "opaque") {
      cmd_->opaque = i;
    } else if (key_ == "flag") {
      cmd_->flag = i;
    } else if (key_ == "version") {
      cmd_->version = i;
    }
    return true;
  }
  bool Text(std::string_view s) {
    if (in_ext_) {
      cmd_->ext_fields.Append(key_, std::string(s));
    } else if (key_ == "language") {
      cmd_->language = p::LanguageFromName(s);
    } else if (key_ == "remark") {
      cmd_->remark = std::string(s);
    }
    return true;
  }

  p::RemotingCommand* cmd_;
  std::string key_;
  int depth_ = 0;
  bool in_ext_ = false;
  bool have_code_ = false;
};

bool DecodeRapidSax(std::string_view json, p::RemotingCommand* cmd) {
  cmd->language = p::LanguageCode::kJava;
  cmd->version = 0;
  HeaderHandler handler(cmd);
  rapidjson::MemoryStream in(json.data(), json.size());
  rapidjson::Reader reader;
  return !reader.Parse(in, handler).IsError() && handler.have_code();
}

// ---- nlohmann::json ---------------------------------------------------------------------------

std::string NlohmannScalarText(const nlohmann::json& v) {
  if (v.is_string()) return v.get_ref<const std::string&>();
  return v.dump();
}

bool DecodeNlohmann(std::string_view json, p::RemotingCommand* cmd) {
  nlohmann::json doc = nlohmann::json::parse(json.begin(), json.end(), nullptr, false);
  if (doc.is_discarded() || !doc.is_object()) return false;
  bool have_code = false;
  cmd->language = p::LanguageCode::kJava;
  cmd->version = 0;
  for (const auto& [key, v] : doc.items()) {
    if (key == "code" || key == "opaque" || key == "flag" || key == "version") {
      if (!v.is_number_integer()) return false;
      auto i = v.get<int64_t>();
      if (i < INT32_MIN || i > INT32_MAX) return false;
      int32_t* field = key == "code"     ? &cmd->code
                       : key == "opaque" ? &cmd->opaque
                       : key == "flag"   ? &cmd->flag
                                         : &cmd->version;
      *field = static_cast<int32_t>(i);
      have_code = have_code || key == "code";
    } else if (key == "language") {
      if (v.is_string()) cmd->language = p::LanguageFromName(v.get_ref<const std::string&>());
    } else if (key == "remark") {
      if (!v.is_null()) cmd->remark = NlohmannScalarText(v);
    } else if (key == "extFields") {
      if (v.is_null()) continue;
      if (!v.is_object()) return false;
      cmd->ext_fields.reserve(v.size());
      for (const auto& [k, e] : v.items()) {
        if (!e.is_null()) cmd->ext_fields.Append(k, NlohmannScalarText(e));
      }
    }
  }
  return have_code;
}

// ---- simdjson On Demand -----------------------------------------------------------------------

bool SimdInt32(simdjson::ondemand::value v, int32_t* out) {
  int64_t i = 0;
  if (v.get_int64().get(i) || i < INT32_MIN || i > INT32_MAX) return false;
  *out = static_cast<int32_t>(i);
  return true;
}

// Scalar text of a value: strings unescaped, numbers and booleans as written.
bool SimdText(simdjson::ondemand::value v, std::string* out) {
  simdjson::ondemand::json_type type;
  if (v.type().get(type)) return false;
  std::string_view text;
  if (type == simdjson::ondemand::json_type::string) {
    if (v.get_string().get(text)) return false;
  } else if (type == simdjson::ondemand::json_type::number ||
             type == simdjson::ondemand::json_type::boolean) {
    text = v.raw_json_token();
    while (!text.empty() && (text.back() == ' ' || text.back() == '\n' || text.back() == '\t' ||
                             text.back() == '\r')) {
      text.remove_suffix(1);
    }
  } else {
    return false;
  }
  out->assign(text);
  return true;
}

bool DecodeSimdjson(simdjson::ondemand::parser& parser, simdjson::padded_string_view json,
                    p::RemotingCommand* cmd) {
  simdjson::ondemand::document doc;
  if (parser.iterate(json).get(doc)) return false;
  simdjson::ondemand::object obj;
  if (doc.get_object().get(obj)) return false;
  bool have_code = false;
  cmd->language = p::LanguageCode::kJava;
  cmd->version = 0;
  for (auto field : obj) {
    std::string_view key;
    if (field.unescaped_key().get(key)) return false;
    simdjson::ondemand::value v;
    if (field.value().get(v)) return false;
    if (key == "code") {
      if (!SimdInt32(v, &cmd->code)) return false;
      have_code = true;
    } else if (key == "opaque") {
      if (!SimdInt32(v, &cmd->opaque)) return false;
    } else if (key == "flag") {
      if (!SimdInt32(v, &cmd->flag)) return false;
    } else if (key == "version") {
      if (!SimdInt32(v, &cmd->version)) return false;
    } else if (key == "language") {
      std::string_view name;
      if (!v.get_string().get(name)) cmd->language = p::LanguageFromName(name);
    } else if (key == "remark") {
      if (!v.is_null()) {
        std::string remark;
        if (!SimdText(v, &remark)) return false;
        cmd->remark = std::move(remark);
      }
    } else if (key == "extFields") {
      if (v.is_null()) continue;
      simdjson::ondemand::object ext;
      if (v.get_object().get(ext)) return false;
      for (auto e : ext) {
        std::string_view k;
        if (e.unescaped_key().get(k)) return false;
        simdjson::ondemand::value ev;
        if (e.value().get(ev)) return false;
        if (ev.is_null()) continue;
        std::string text;
        if (!SimdText(ev, &text)) return false;
        cmd->ext_fields.Append(std::string(k), std::move(text));
      }
    }
  }
  return have_code;
}

// ---- Encoders ---------------------------------------------------------------------------------

void EncodeOrbit(const p::RemotingCommand& cmd, std::string* out) {
  out->clear();
  if (!p::EncodeJsonHeader(cmd, out).ok()) Die("EncodeJsonHeader failed");
}

// Same member order as fastjson (alphabetical), nulls omitted.
void EncodeRapid(const p::RemotingCommand& cmd, rapidjson::StringBuffer* sb, std::string* out) {
  sb->Clear();
  rapidjson::Writer<rapidjson::StringBuffer> w(*sb);
  w.StartObject();
  w.Key("code");
  w.Int(cmd.code);
  if (!cmd.ext_fields.empty()) {
    w.Key("extFields");
    w.StartObject();
    for (const auto& [k, v] : cmd.ext_fields) {
      w.Key(k.data(), static_cast<rapidjson::SizeType>(k.size()));
      w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()));
    }
    w.EndObject();
  }
  w.Key("flag");
  w.Int(cmd.flag);
  w.Key("language");
  w.String(p::LanguageName(cmd.language));
  w.Key("opaque");
  w.Int(cmd.opaque);
  if (cmd.remark) {
    w.Key("remark");
    w.String(cmd.remark->data(), static_cast<rapidjson::SizeType>(cmd.remark->size()));
  }
  w.Key("serializeTypeCurrentRPC");
  w.String("JSON");
  w.Key("version");
  w.Int(cmd.version);
  w.EndObject();
  out->assign(sb->GetString(), sb->GetSize());
}

void EncodeNlohmann(const p::RemotingCommand& cmd, std::string* out) {
  nlohmann::json j;  // std::map-backed object: keys come out sorted, as fastjson writes them
  j["code"] = cmd.code;
  if (!cmd.ext_fields.empty()) {
    nlohmann::json ext = nlohmann::json::object();
    for (const auto& [k, v] : cmd.ext_fields) ext[k] = v;
    j["extFields"] = std::move(ext);
  }
  j["flag"] = cmd.flag;
  j["language"] = p::LanguageName(cmd.language);
  j["opaque"] = cmd.opaque;
  if (cmd.remark) j["remark"] = *cmd.remark;
  j["serializeTypeCurrentRPC"] = "JSON";
  j["version"] = cmd.version;
  *out = j.dump();
}

// ---- Benchmarks -------------------------------------------------------------------------------

p::RemotingCommand Reference() {
  p::RemotingCommand cmd;
  if (!DecodeOrbit(SendV2Header(), &cmd)) Die("Orbit cannot decode the golden header");
  return cmd;
}

template <typename Decode>
void RunDecode(benchmark::State& state, Decode decode) {
  const std::string& header = SendV2Header();
  for (auto _ : state) {
    p::RemotingCommand cmd;
    if (!decode(header, &cmd)) Die("decode failed");
    benchmark::DoNotOptimize(cmd.ext_fields.begin());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header.size()));
}

void BM_Decode_Orbit(benchmark::State& state) { RunDecode(state, DecodeOrbit); }

// Only the DOM of Orbit's reader (protocol::ParseJson), without filling the command: how much of
// BM_Decode_Orbit is the tolerant parser itself.
void BM_Decode_OrbitParseJsonOnly(benchmark::State& state) {
  const std::string& header = SendV2Header();
  for (auto _ : state) {
    auto doc = p::ParseJson(header);
    if (!doc.ok()) Die("ParseJson failed");
    benchmark::DoNotOptimize(doc->members().data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header.size()));
}
void BM_Decode_RapidJsonDom(benchmark::State& state) { RunDecode(state, DecodeRapidDom); }
void BM_Decode_RapidJsonSax(benchmark::State& state) { RunDecode(state, DecodeRapidSax); }
void BM_Decode_Nlohmann(benchmark::State& state) { RunDecode(state, DecodeNlohmann); }

// The frame buffer already carries SIMDJSON_PADDING spare bytes (an input buffer can be
// allocated that way), and the parser is reused across calls as simdjson intends.
void BM_Decode_SimdjsonOnDemand(benchmark::State& state) {
  const std::string& header = SendV2Header();
  std::string buffer = header;
  buffer.append(simdjson::SIMDJSON_PADDING, '\0');
  simdjson::padded_string_view view(buffer.data(), header.size(), buffer.size());
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    p::RemotingCommand cmd;
    if (!DecodeSimdjson(parser, view, &cmd)) Die("simdjson decode failed");
    benchmark::DoNotOptimize(cmd.ext_fields.begin());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header.size()));
}

// The same with a padded copy of the header made per call (an unpadded frame buffer).
void BM_Decode_SimdjsonOnDemandCopy(benchmark::State& state) {
  const std::string& header = SendV2Header();
  simdjson::ondemand::parser parser;
  for (auto _ : state) {
    simdjson::padded_string padded(header);
    p::RemotingCommand cmd;
    if (!DecodeSimdjson(parser, padded, &cmd)) Die("simdjson decode failed");
    benchmark::DoNotOptimize(cmd.ext_fields.begin());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * header.size()));
}

BENCHMARK(BM_Decode_Orbit);
BENCHMARK(BM_Decode_OrbitParseJsonOnly);
BENCHMARK(BM_Decode_RapidJsonDom);
BENCHMARK(BM_Decode_RapidJsonSax);
BENCHMARK(BM_Decode_Nlohmann);
BENCHMARK(BM_Decode_SimdjsonOnDemand);
BENCHMARK(BM_Decode_SimdjsonOnDemandCopy);

void BM_Encode_Orbit(benchmark::State& state) {
  const p::RemotingCommand cmd = Reference();
  std::string out;
  for (auto _ : state) {
    EncodeOrbit(cmd, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}

void BM_Encode_RapidJsonWriter(benchmark::State& state) {
  const p::RemotingCommand cmd = Reference();
  rapidjson::StringBuffer sb;
  std::string out;
  for (auto _ : state) {
    EncodeRapid(cmd, &sb, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}

void BM_Encode_NlohmannDump(benchmark::State& state) {
  const p::RemotingCommand cmd = Reference();
  std::string out;
  for (auto _ : state) {
    EncodeNlohmann(cmd, &out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<int64_t>(state.iterations() * out.size()));
}

BENCHMARK(BM_Encode_Orbit);
BENCHMARK(BM_Encode_RapidJsonWriter);
BENCHMARK(BM_Encode_NlohmannDump);

// ---- Equivalence check, before anything is timed ----------------------------------------------

using Pairs = std::vector<std::pair<std::string, std::string>>;

Pairs SortedExt(const p::ExtFields& ext) {
  Pairs pairs(ext.begin(), ext.end());
  std::sort(pairs.begin(), pairs.end());
  return pairs;
}

// nlohmann::json reorders object members, so extFields are compared as sets.
void CheckSame(const p::RemotingCommand& want, const p::RemotingCommand& got, const char* who) {
  bool same = want.code == got.code && want.opaque == got.opaque && want.flag == got.flag &&
              want.language == got.language && want.version == got.version &&
              want.remark == got.remark && SortedExt(want.ext_fields) == SortedExt(got.ext_fields);
  if (!same) Die(std::string(who) + " decodes the header differently from Orbit");
}

// The claim of the file comment: the libraries reject fastjson's bare numeric and object keys,
// which Orbit's reader accepts.
void VerifyQuirksRejected() {
  for (std::string_view quirk : {std::string_view(R"({0:"127.0.0.1:10911"})"),
                                 std::string_view(R"({{"brokerName":"b","queueId":0}:42})")}) {
    if (!p::ParseJson(quirk).ok()) Die("Orbit rejects a fastjson quirk");
    rapidjson::Document doc;
    doc.Parse(quirk.data(), quirk.size());
    if (!doc.HasParseError()) Die("RapidJSON accepts a fastjson quirk");
    if (!nlohmann::json::parse(quirk.begin(), quirk.end(), nullptr, false).is_discarded()) {
      Die("nlohmann::json accepts a fastjson quirk");
    }
    simdjson::dom::parser parser;
    simdjson::dom::element element;
    if (!parser.parse(simdjson::padded_string(quirk)).get(element)) {
      Die("simdjson accepts a fastjson quirk");
    }
  }
}

void VerifyAll() {
  VerifyQuirksRejected();
  const std::string& header = SendV2Header();
  const p::RemotingCommand want = Reference();
  if (want.ext_fields.size() < 10) Die("unexpected golden header");
  auto check = [&](const char* who, auto decode) {
    p::RemotingCommand got;
    if (!decode(std::string_view(header), &got)) Die(std::string(who) + " cannot decode");
    CheckSame(want, got, who);
  };
  check("RapidJSON DOM", DecodeRapidDom);
  check("RapidJSON SAX", DecodeRapidSax);
  check("nlohmann::json", DecodeNlohmann);
  simdjson::ondemand::parser parser;
  simdjson::padded_string padded(header);
  p::RemotingCommand got;
  if (!DecodeSimdjson(parser, padded, &got)) Die("simdjson cannot decode");
  CheckSame(want, got, "simdjson");

  // Encoders: each output must decode (with Orbit) to the same command.
  std::string out;
  rapidjson::StringBuffer sb;
  EncodeRapid(want, &sb, &out);
  check("RapidJSON Writer output",
        [&](std::string_view, p::RemotingCommand* c) { return DecodeOrbit(out, c); });
  EncodeNlohmann(want, &out);
  check("nlohmann dump output",
        [&](std::string_view, p::RemotingCommand* c) { return DecodeOrbit(out, c); });
}

}  // namespace

int main(int argc, char** argv) {
  VerifyAll();
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
