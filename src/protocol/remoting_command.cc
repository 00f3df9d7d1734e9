#include "protocol/remoting_command.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <charconv>
#include <climits>
#include <cstring>

#include "base/bytes.h"
#include "protocol/internal/json_parser.h"
#include "protocol/json.h"

namespace orbit::protocol {
namespace {

constexpr std::array<const char*, 14> kLanguageNames = {
    "JAVA",  "CPP",  "DOTNET", "PYTHON", "DELPHI", "ERLANG", "RUBY",
    "OTHER", "HTTP", "GO",     "PHP",    "OMS",    "RUST",   "NODE_JS"};

void AppendInt(std::string* out, int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out->append(buf, r.ptr);
}

// Room for a header (either form) in one allocation: the fixed members take ~120 bytes, each
// ext field its text plus quotes and separators. Escapes may still need more.
size_t HeaderSizeEstimate(const RemotingCommand& cmd) {
  size_t n = 128 + (cmd.remark ? cmd.remark->size() + 12 : 0);
  for (const auto& [k, v] : cmd.ext_fields) n += k.size() + v.size() + 8;
  return n;
}

}  // namespace

const char* LanguageName(LanguageCode code) {
  auto i = static_cast<size_t>(code);
  return i < kLanguageNames.size() ? kLanguageNames[i] : "OTHER";
}

LanguageCode LanguageFromName(std::string_view name) {
  for (size_t i = 0; i < kLanguageNames.size(); ++i) {
    if (name == kLanguageNames[i]) return static_cast<LanguageCode>(i);
  }
  return LanguageCode::kOther;
}

const char* SerializeTypeName(SerializeType type) {
  return type == SerializeType::kRocketmq ? "ROCKETMQ" : "JSON";
}

void ExtFields::Set(std::string_view key, std::string value) {
  for (auto& kv : items_) {
    if (kv.first == key) {
      kv.second = std::move(value);
      return;
    }
  }
  items_.emplace_back(std::string(key), std::move(value));
}

const std::string* ExtFields::Find(std::string_view key) const {
  for (const auto& kv : items_) {
    if (kv.first == key) return &kv.second;
  }
  return nullptr;
}

bool ExtFields::Erase(std::string_view key) {
  for (auto it = items_.begin(); it != items_.end(); ++it) {
    if (it->first == key) {
      items_.erase(it);
      return true;
    }
  }
  return false;
}

RemotingCommand RemotingCommand::Request(int32_t code) {
  RemotingCommand cmd;
  cmd.code = code;
  return cmd;
}

RemotingCommand RemotingCommand::ResponseTo(const RemotingCommand& request, int32_t code,
                                            std::optional<std::string> remark) {
  RemotingCommand cmd;
  cmd.code = code;
  cmd.opaque = request.opaque;
  cmd.flag = kFlagResponse;
  cmd.serialize_type = request.serialize_type;
  cmd.remark = std::move(remark);
  return cmd;
}

// fastjson order: keys sorted alphabetically, nulls omitted.
Status EncodeJsonHeader(const RemotingCommand& cmd, std::string* out) {
  out->reserve(out->size() + HeaderSizeEstimate(cmd));
  out->append("{\"code\":");
  AppendInt(out, cmd.code);
  if (!cmd.ext_fields.empty()) {
    out->append(",\"extFields\":{");
    bool first = true;
    for (const auto& [k, v] : cmd.ext_fields) {
      if (!first) out->push_back(',');
      first = false;
      AppendJsonString(out, k);
      out->push_back(':');
      AppendJsonString(out, v);
    }
    out->push_back('}');
  }
  out->append(",\"flag\":");
  AppendInt(out, cmd.flag);
  out->append(",\"language\":\"");
  out->append(LanguageName(cmd.language));
  out->append("\",\"opaque\":");
  AppendInt(out, cmd.opaque);
  if (cmd.remark) {
    out->append(",\"remark\":");
    AppendJsonString(out, *cmd.remark);
  }
  out->append(",\"serializeTypeCurrentRPC\":\"JSON\",\"version\":");
  AppendInt(out, cmd.version);
  out->push_back('}');
  return Status::Ok();
}

Status EncodeBinaryHeader(const RemotingCommand& cmd, std::string* out) {
  if (cmd.code < INT16_MIN || cmd.code > INT16_MAX) {
    return InvalidArgument("code " + std::to_string(cmd.code) +
                           " does not fit the binary header; use JSON");
  }
  if (cmd.version < INT16_MIN || cmd.version > INT16_MAX) {
    return InvalidArgument("version does not fit the binary header");
  }
  PutI16(out, static_cast<int16_t>(cmd.code));
  PutU8(out, static_cast<uint8_t>(cmd.language));
  PutI16(out, static_cast<int16_t>(cmd.version));
  PutI32(out, cmd.opaque);
  PutI32(out, cmd.flag);
  if (cmd.remark && !cmd.remark->empty()) {
    PutI32(out, static_cast<int32_t>(cmd.remark->size()));
    out->append(*cmd.remark);
  } else {
    PutI32(out, 0);
  }
  size_t ext_len_pos = out->size();
  PutI32(out, 0);
  size_t ext_start = out->size();
  for (const auto& [k, v] : cmd.ext_fields) {
    if (k.size() > INT16_MAX) return InvalidArgument("extFields key too long");
    PutI16(out, static_cast<int16_t>(k.size()));
    out->append(k);
    PutI32(out, static_cast<int32_t>(v.size()));
    out->append(v);
  }
  StoreU32(out->data() + ext_len_pos, static_cast<uint32_t>(out->size() - ext_start));
  return Status::Ok();
}

Status EncodeHeader(const RemotingCommand& cmd, SerializeType type, std::string* out) {
  return type == SerializeType::kRocketmq ? EncodeBinaryHeader(cmd, out)
                                          : EncodeJsonHeader(cmd, out);
}

Status EncodeFrameHead(const RemotingCommand& cmd, size_t body_len, std::string* out) {
  size_t start = out->size();
  out->append(8, '\0');
  Status st = EncodeHeader(cmd, cmd.serialize_type, out);
  if (!st.ok()) {
    out->resize(start);
    return st;
  }
  size_t header_len = out->size() - start - 8;
  uint64_t length = 4 + uint64_t{header_len} + body_len;
  if (header_len > 0xFFFFFF || length > kMaxFrameLength) {
    out->resize(start);
    return Status(ErrorCode::kFrameTooLarge,
                  "frame of " + std::to_string(length) + " bytes exceeds the 16 MiB limit");
  }
  StoreU32(out->data() + start, static_cast<uint32_t>(length));
  StoreU32(out->data() + start + 4, (uint32_t{static_cast<uint8_t>(cmd.serialize_type)} << 24) |
                                        static_cast<uint32_t>(header_len));
  return Status::Ok();
}

Status EncodeFrame(const RemotingCommand& cmd, std::string* out) {
  out->reserve(out->size() + 8 + HeaderSizeEstimate(cmd) + cmd.body.size());
  ORBIT_RETURN_IF_ERROR(EncodeFrameHead(cmd, cmd.body.size(), out));
  out->append(cmd.body);
  return Status::Ok();
}

Result<uint32_t> DecodeFrameLength(const char prefix[4]) {
  uint32_t length = LoadU32(prefix);
  if (length > kMaxFrameLength) {
    return Status(ErrorCode::kFrameTooLarge,
                  "frame length " + std::to_string(length) + " exceeds the 16 MiB limit");
  }
  if (length < 4) return Malformed("frame length " + std::to_string(length) + " < 4");
  return length;
}

namespace {

// One member value of the JSON header, read in place. Strings and numbers keep their text;
// anything else is parsed (and kept only when the caller needs its text).
Status ReadScalarText(internal::JsonParser& p, std::string* text, bool* is_null, bool* is_string) {
  *is_null = false;
  *is_string = false;
  p.SkipWs();
  if (p.AtEnd()) return p.Error("unexpected end");
  char c = p.Peek();
  if (c == '"' || c == '\'') {
    *is_string = true;
    return p.ParseString(text);
  }
  JsonValue v;
  ORBIT_RETURN_IF_ERROR(p.ParseValue(&v, 1));
  if (v.is_null()) {
    *is_null = true;
    return Status::Ok();
  }
  if (v.is_object() || v.is_array()) {
    *text = v.Dump();
    return Status::Ok();
  }
  ORBIT_ASSIGN_OR_RETURN(*text, v.AsString());
  return Status::Ok();
}

Status ReadHeaderInt(internal::JsonParser& p, const char* name, int32_t* out) {
  std::string text;
  bool is_null = false, is_string = false;
  ORBIT_RETURN_IF_ERROR(ReadScalarText(p, &text, &is_null, &is_string));
  int64_t v = 0;
  auto r = std::from_chars(text.data(), text.data() + text.size(), v);
  if (is_null || text.empty() || r.ec != std::errc() || r.ptr != text.data() + text.size() ||
      v < INT32_MIN || v > INT32_MAX) {
    return Malformed(std::string("header field '") + name + "' is not an int32: '" + text + "'");
  }
  *out = static_cast<int32_t>(v);
  return Status::Ok();
}

// Reads an object key: a quoted string, or fastjson's bare and object keys as their text.
Status ReadKey(internal::JsonParser& p, std::string* key) {
  p.SkipWs();
  if (p.AtEnd()) return p.Error("unexpected end");
  if (p.Peek() == '"' || p.Peek() == '\'') return p.ParseString(key);
  JsonValue k;
  ORBIT_RETURN_IF_ERROR(p.ParseKey(&k, 1));
  *key = k.is_object() || k.is_array() ? k.Dump() : k.text();
  return Status::Ok();
}

// Walks the members of an object: `on_member(key)` must consume the value.
template <typename F>
Status ForEachMember(internal::JsonParser& p, F&& on_member) {
  p.SkipWs();
  if (p.AtEnd() || p.Peek() != '{') return p.Error("expected an object");
  p.Advance();
  std::string key;
  while (true) {
    p.SkipWs();
    if (p.AtEnd()) return p.Error("unterminated object");
    if (p.Peek() == '}') {
      p.Advance();
      return Status::Ok();
    }
    key.clear();
    ORBIT_RETURN_IF_ERROR(ReadKey(p, &key));
    p.SkipWs();
    if (p.AtEnd() || p.Peek() != ':') return p.Error("expected ':'");
    p.Advance();
    ORBIT_RETURN_IF_ERROR(on_member(key));
    p.SkipWs();
    if (p.AtEnd()) return p.Error("unterminated object");
    if (p.Peek() == ',') {
      p.Advance();
    } else if (p.Peek() != '}') {
      return p.Error("expected ',' or '}'");
    }
  }
}

Status ReadExtFields(internal::JsonParser& p, ExtFields* ext) {
  // A send carries 13-15 fields: one allocation instead of the vector doubling four times.
  ext->reserve(16);
  return ForEachMember(p, [&](const std::string& key) {
    std::string value;
    bool is_null = false, is_string = false;
    ORBIT_RETURN_IF_ERROR(ReadScalarText(p, &value, &is_null, &is_string));
    if (!is_null) ext->Append(key, std::move(value));
    return Status::Ok();
  });
}

}  // namespace

namespace {

// The first '"' or '\\' at or after `i` (npos when none): sixteen bytes at a time with SSE2.
size_t FindQuoteOrBackslash(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const int mask =
        _mm_movemask_epi8(_mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)));
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < s.size(); ++i) {
    if (s[i] == '"' || s[i] == '\\') return i;
  }
  return std::string_view::npos;
}

// The fast path's cursor over the header text: plain JSON only (double-quoted strings, integers).
// Every method returns false on anything else; the caller then leaves the header to the general
// decoder.
class PlainScanner {
 public:
  explicit PlainScanner(std::string_view s) : s_(s) {}

  bool AtEnd() {
    SkipWs();
    return pos_ == s_.size();
  }
  bool Eat(char c) {
    SkipWs();
    if (pos_ == s_.size() || s_[pos_] != c) return false;
    ++pos_;
    return true;
  }
  bool PeekIs(char c) {
    SkipWs();
    return pos_ < s_.size() && s_[pos_] == c;
  }
  // A double-quoted string: a view of its text, or, when it has escapes, of the text they
  // stand for (decoded by the general parser into `scratch`).
  bool String(std::string_view* out, std::string* scratch) {
    if (!PeekIs('"')) return false;
    const size_t end = FindQuoteOrBackslash(s_, pos_ + 1);
    if (end == std::string_view::npos) return false;
    if (s_[end] == '"') {
      *out = s_.substr(pos_ + 1, end - pos_ - 1);
      pos_ = end + 1;
      return true;
    }
    internal::JsonParser general(s_.substr(pos_));
    scratch->clear();
    if (!general.ParseString(scratch).ok()) return false;
    pos_ += general.pos();
    *out = *scratch;
    return true;
  }
  // An integer of plain digits (optional '-') that ends where JSON allows: its text.
  bool IntegerText(std::string_view* out) {
    SkipWs();
    size_t start = pos_;
    if (pos_ < s_.size() && s_[pos_] == '-') ++pos_;
    size_t digits = pos_;
    while (pos_ < s_.size() && s_[pos_] >= '0' && s_[pos_] <= '9') ++pos_;
    if (pos_ == digits) return false;
    if (pos_ < s_.size() && s_[pos_] != ',' && s_[pos_] != '}' && !IsWs(s_[pos_])) return false;
    *out = s_.substr(start, pos_ - start);
    return true;
  }
  bool Int32(int32_t* out) {
    std::string_view text;
    if (!IntegerText(&text)) return false;
    int64_t v = 0;
    auto r = std::from_chars(text.data(), text.data() + text.size(), v);
    if (r.ec != std::errc() || r.ptr != text.data() + text.size() || v < INT32_MIN ||
        v > INT32_MAX) {
      return false;
    }
    *out = static_cast<int32_t>(v);
    return true;
  }
  // A string or an integer, as text.
  bool Scalar(std::string_view* out, std::string* scratch) {
    return PeekIs('"') ? String(out, scratch) : IntegerText(out);
  }

 private:
  static bool IsWs(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
  void SkipWs() {
    while (pos_ < s_.size() && IsWs(s_[pos_])) ++pos_;
  }

  std::string_view s_;
  size_t pos_ = 0;
};

// Members of an object: calls on_member(key) for each (it reads the value). False on anything
// the plain scanner does not take.
template <typename F>
bool ForEachPlainMember(PlainScanner& p, F&& on_member) {
  if (!p.Eat('{')) return false;
  if (p.Eat('}')) return true;
  std::string key_scratch;
  while (true) {
    std::string_view key;
    if (!p.String(&key, &key_scratch) || !p.Eat(':') || !on_member(key)) return false;
    if (p.Eat('}')) return true;
    if (!p.Eat(',')) return false;
  }
}

}  // namespace

bool internal::DecodeJsonHeaderFast(std::string_view header, RemotingCommand* cmd) {
  PlainScanner p(header);
  std::string scratch;
  bool have_code = false;
  cmd->language = LanguageCode::kJava;
  cmd->version = 0;
  bool ok = ForEachPlainMember(p, [&](std::string_view k) {
    if (k == "code") {
      have_code = true;
      return p.Int32(&cmd->code);
    }
    if (k == "opaque") return p.Int32(&cmd->opaque);
    if (k == "flag") return p.Int32(&cmd->flag);
    if (k == "version") return p.Int32(&cmd->version);
    if (k == "extFields") {
      cmd->ext_fields.reserve(16);
      return ForEachPlainMember(p, [&](std::string_view key) {
        std::string_view value;
        if (!p.Scalar(&value, &scratch)) return false;
        cmd->ext_fields.Append(std::string(key), std::string(value));
        return true;
      });
    }
    std::string_view text;
    if (k == "language") {
      if (!p.String(&text, &scratch)) return false;
      cmd->language = LanguageFromName(text);
      return true;
    }
    if (k == "remark") {
      if (!p.String(&text, &scratch)) return false;
      cmd->remark = std::string(text);
      return true;
    }
    return p.Scalar(&text, &scratch);  // serializeTypeCurrentRPC and members nobody reads
  });
  return ok && have_code && p.AtEnd();
}

// Most headers (every Java and Orbit peer's) take the fast path, which makes no JSON tree and
// copies each key and value once; anything it does not take (escapes, fastjson's leniencies,
// errors) is decoded again from the start by the general decoder below.
Status DecodeJsonHeader(std::string_view header, RemotingCommand* cmd) {
  const int32_t code = cmd->code, opaque = cmd->opaque, flag = cmd->flag;
  if (internal::DecodeJsonHeaderFast(header, cmd)) return Status::Ok();
  cmd->code = code;
  cmd->opaque = opaque;
  cmd->flag = flag;
  cmd->ext_fields.clear();
  cmd->remark.reset();
  return internal::DecodeJsonHeaderGeneral(header, cmd);
}

// One pass over the header text, filling `cmd` directly (no JSON tree). Accepts what ParseJson
// accepts; unknown members are skipped.
Status internal::DecodeJsonHeaderGeneral(std::string_view header, RemotingCommand* cmd) {
  internal::JsonParser p(header);
  bool have_code = false;
  cmd->language = LanguageCode::kJava;  // Java's default when absent
  cmd->version = 0;
  Status st = ForEachMember(p, [&](const std::string& k) -> Status {
    if (k == "code") {
      have_code = true;
      return ReadHeaderInt(p, "code", &cmd->code);
    }
    if (k == "opaque") return ReadHeaderInt(p, "opaque", &cmd->opaque);
    if (k == "flag") return ReadHeaderInt(p, "flag", &cmd->flag);
    if (k == "version") return ReadHeaderInt(p, "version", &cmd->version);
    if (k == "extFields") {
      p.SkipWs();
      if (!p.AtEnd() && p.Peek() == '{') return ReadExtFields(p, &cmd->ext_fields);
      JsonValue v;
      ORBIT_RETURN_IF_ERROR(p.ParseValue(&v, 1));
      return v.is_null() ? Status::Ok() : Malformed("extFields is not an object");
    }
    if (k == "language" || k == "remark") {
      std::string text;
      bool is_null = false, is_string = false;
      ORBIT_RETURN_IF_ERROR(ReadScalarText(p, &text, &is_null, &is_string));
      if (is_null) return Status::Ok();
      if (k == "remark") {
        cmd->remark = std::move(text);
      } else if (is_string) {
        cmd->language = LanguageFromName(text);
      } else {
        int n = -1;
        auto r = std::from_chars(text.data(), text.data() + text.size(), n);
        bool ok = r.ec == std::errc() && r.ptr == text.data() + text.size() && n >= 0 && n <= 13;
        cmd->language = ok ? static_cast<LanguageCode>(n) : LanguageCode::kOther;
      }
      return Status::Ok();
    }
    JsonValue skipped;
    return p.ParseValue(&skipped, 1);
  });
  ORBIT_RETURN_IF_ERROR(st);
  p.SkipWs();
  if (!p.AtEnd()) return p.Error("trailing characters");
  if (!have_code) return MissingField("code");
  return Status::Ok();
}

Status DecodeBinaryHeader(std::string_view header, RemotingCommand* cmd) {
  ByteReader r(header);
  cmd->code = r.I16();
  cmd->language = static_cast<LanguageCode>(r.U8());
  cmd->version = r.I16();
  cmd->opaque = r.I32();
  cmd->flag = r.I32();
  int32_t remark_len = r.I32();
  if (!r.ok()) return Malformed("binary header shorter than its fixed 21 bytes");
  if (remark_len < 0 || static_cast<size_t>(remark_len) > r.remaining()) {
    return Malformed("binary header remark length " + std::to_string(remark_len) +
                     " exceeds the header");
  }
  if (remark_len > 0) cmd->remark = std::string(r.Bytes(static_cast<size_t>(remark_len)));
  int32_t ext_len = r.I32();
  if (!r.ok() || ext_len < 0 || static_cast<size_t>(ext_len) > r.remaining()) {
    return Malformed("binary header extFields length exceeds the header");
  }
  ByteReader ext(r.Bytes(static_cast<size_t>(ext_len)));
  while (ext.remaining() > 0) {
    // Java reads the key length as a signed short: lengths above 32767 are malformed.
    int16_t key_len = ext.I16();
    if (key_len < 0) return Malformed("binary header extFields key length is negative");
    std::string_view key = ext.Bytes(static_cast<size_t>(key_len));
    int32_t val_len = ext.I32();
    if (!ext.ok() || val_len < 0 || static_cast<size_t>(val_len) > ext.remaining()) {
      return Malformed("binary header extFields entry is truncated");
    }
    std::string_view val = ext.Bytes(static_cast<size_t>(val_len));
    // Zero-length strings decode as null in Apache 4.9.4+: such an entry is absent.
    if (key.empty() || val.empty()) continue;
    cmd->ext_fields.Append(std::string(key), std::string(val));
  }
  if (r.remaining() != 0) return Malformed("trailing bytes after the binary header");
  return Status::Ok();
}

Result<RemotingCommand> DecodeFramePayload(std::string_view payload) {
  if (payload.size() < 4) return Malformed("frame shorter than its header mark");
  uint32_t mark = LoadU32(payload.data());
  uint32_t header_len = mark & 0xFFFFFF;
  uint8_t type = static_cast<uint8_t>(mark >> 24);
  if (header_len > payload.size() - 4) {
    return Malformed("header length " + std::to_string(header_len) + " exceeds the frame");
  }
  RemotingCommand cmd;
  std::string_view header = payload.substr(4, header_len);
  if (type == static_cast<uint8_t>(SerializeType::kJson)) {
    cmd.serialize_type = SerializeType::kJson;
    ORBIT_RETURN_IF_ERROR(DecodeJsonHeader(header, &cmd));
  } else if (type == static_cast<uint8_t>(SerializeType::kRocketmq)) {
    cmd.serialize_type = SerializeType::kRocketmq;
    ORBIT_RETURN_IF_ERROR(DecodeBinaryHeader(header, &cmd));
  } else {
    return Malformed("unknown serialize type " + std::to_string(type));
  }
  cmd.body.assign(payload.substr(4 + header_len));
  return cmd;
}

}  // namespace orbit::protocol
