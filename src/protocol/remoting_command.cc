#include "protocol/remoting_command.h"

#include <array>
#include <charconv>

#include "base/bytes.h"
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

Status ReadJsonInt(const JsonValue& v, const char* name, int32_t* out) {
  auto r = v.AsInt32();
  if (!r.ok())
    return Malformed(std::string("header field '") + name + "': " + r.status().message());
  *out = *r;
  return Status::Ok();
}

}  // namespace

Status DecodeJsonHeader(std::string_view header, RemotingCommand* cmd) {
  ORBIT_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(header));
  if (!doc.is_object()) return Malformed("JSON header is not an object");
  bool have_code = false;
  cmd->language = LanguageCode::kJava;  // Java's default when absent
  cmd->version = 0;
  for (auto& m : doc.members()) {
    if (!m.key.is_string()) continue;
    const std::string& k = m.key.text();
    JsonValue& v = m.value;
    if (k == "code") {
      ORBIT_RETURN_IF_ERROR(ReadJsonInt(v, "code", &cmd->code));
      have_code = true;
    } else if (k == "opaque") {
      ORBIT_RETURN_IF_ERROR(ReadJsonInt(v, "opaque", &cmd->opaque));
    } else if (k == "flag") {
      ORBIT_RETURN_IF_ERROR(ReadJsonInt(v, "flag", &cmd->flag));
    } else if (k == "version") {
      ORBIT_RETURN_IF_ERROR(ReadJsonInt(v, "version", &cmd->version));
    } else if (k == "language") {
      if (v.is_string()) {
        cmd->language = LanguageFromName(v.text());
      } else if (v.is_number()) {
        auto n = v.AsInt32();
        cmd->language =
            n.ok() && *n >= 0 && *n <= 13 ? static_cast<LanguageCode>(*n) : LanguageCode::kOther;
      }
    } else if (k == "remark") {
      if (!v.is_null()) {
        ORBIT_ASSIGN_OR_RETURN(std::string r, v.AsString());
        cmd->remark = std::move(r);
      }
    } else if (k == "extFields") {
      if (v.is_null()) continue;
      if (!v.is_object()) return Malformed("extFields is not an object");
      cmd->ext_fields.reserve(v.members().size());
      for (auto& e : v.members()) {
        if (e.value.is_null()) continue;
        std::string key = e.key.is_string() || e.key.is_number() ? e.key.text() : e.key.Dump();
        std::string val = e.value.is_string() ? std::move(e.value.text_mutable())
                          : e.value.is_object() || e.value.is_array() ? e.value.Dump()
                                                                      : *e.value.AsString();
        cmd->ext_fields.Append(std::move(key), std::move(val));
      }
    }
  }
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
