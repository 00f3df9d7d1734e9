#include "protocol/internal/bodies_codec.h"

#include <numeric>

namespace orbit::protocol::bodies_internal {
namespace {

// Keys from a peer can be long; error paths show a bounded prefix.
constexpr size_t kMaxSegment = 64;
// Above this magnitude fastjson's BrowserCompatible mode quotes a long (JavaScript precision).
constexpr int64_t kMaxJsSafeInteger = (int64_t{1} << 53) - 1;

std::string Clip(std::string_view s) {
  return s.size() <= kMaxSegment ? std::string(s) : std::string(s.substr(0, kMaxSegment)) + "...";
}

// `segment` followed by the inner path: "a" + ": x" / "[0].b: x" / "b: x" -> "a.b: x".
Status Prefix(std::string segment, const Status& inner) {
  const std::string& msg = inner.message();
  if (msg.empty() || msg[0] == ':' || msg[0] == '[') {
    segment += msg;
  } else {
    segment += '.';
    segment += msg;
  }
  return Malformed(std::move(segment));
}

Status ConversionError(const Status& s) { return LeafError(s.message()); }

}  // namespace

uint32_t NextCodePoint(std::string_view s, size_t* i) {
  auto c = static_cast<unsigned char>(s[*i]);
  if (c < 0x80) {
    ++*i;
    return c;
  }
  size_t extra = (c & 0xE0) == 0xC0 ? 1 : (c & 0xF0) == 0xE0 ? 2 : (c & 0xF8) == 0xF0 ? 3 : 0;
  static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
  if (extra == 0 || s.size() - *i <= extra) {
    ++*i;
    return 0xFFFD;
  }
  uint32_t cp = c & (0x3F >> extra);
  for (size_t k = 1; k <= extra; ++k) {
    auto b = static_cast<unsigned char>(s[*i + k]);
    if ((b & 0xC0) != 0x80) {
      ++*i;
      return 0xFFFD;
    }
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < kMin[extra] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
    ++*i;
    return 0xFFFD;
  }
  *i += extra + 1;
  return cp;
}

std::string ToValidUtf8(std::string s) {
  size_t i = 0;
  while (i < s.size() && static_cast<unsigned char>(s[i]) < 0x80) ++i;
  if (i == s.size()) return s;  // ASCII: the common case
  std::string out = s.substr(0, i);
  while (i < s.size()) {
    size_t start = i;
    uint32_t cp = NextCodePoint(s, &i);
    if (cp == 0xFFFD && i - start == 1) {
      out.append("\xEF\xBF\xBD");
    } else {
      out.append(s, start, i - start);
    }
  }
  return out;
}

Status LeafError(std::string_view detail) { return Malformed(": " + std::string(detail)); }

Status AtMember(std::string_view name, const Status& inner) { return Prefix(Clip(name), inner); }

Status AtIndex(size_t index, const Status& inner) {
  return Prefix("[" + std::to_string(index) + "]", inner);
}

Status AtKey(std::string_view key, const Status& inner) {
  return Prefix("[" + Clip(key) + "]", inner);
}

bool IsAbsent(const JsonValue& v) {
  return v.is_null() || (v.is_object() && v.Find("$ref") != nullptr);
}

const JsonValue* FindMember(const JsonValue& object, std::string_view name) {
  const auto& members = object.members();
  for (auto it = members.rbegin(); it != members.rend(); ++it) {
    if (it->key.is_string() && it->key.text() == name) return &it->value;
  }
  return nullptr;
}

std::vector<size_t> JavaHashOrder(std::span<const int32_t> hashes, uint32_t initial_buckets) {
  uint64_t buckets = std::max<uint32_t>(initial_buckets, 1);
  while (hashes.size() * 4 > buckets * 3 && buckets < (uint64_t{1} << 30)) buckets *= 2;
  std::vector<uint32_t> index(hashes.size());
  for (size_t i = 0; i < hashes.size(); ++i) {
    auto h = static_cast<uint32_t>(hashes[i]);
    index[i] = static_cast<uint32_t>((h ^ (h >> 16)) & (buckets - 1));  // HashMap.hash()
  }
  std::vector<size_t> order(hashes.size());
  std::iota(order.begin(), order.end(), size_t{0});
  std::stable_sort(order.begin(), order.end(),
                   [&](size_t a, size_t b) { return index[a] < index[b]; });
  return order;
}

// ---- Reading ----

Status ParseValue(const JsonValue& v, std::string* out) {
  auto s = v.AsString();
  if (!s.ok()) return ConversionError(s.status());
  *out = ToValidUtf8(std::move(s).value());
  return Status::Ok();
}

Status ParseValue(const JsonValue& v, int32_t* out) {
  auto n = v.AsInt32();
  if (!n.ok()) return ConversionError(n.status());
  *out = *n;
  return Status::Ok();
}

Status ParseValue(const JsonValue& v, int64_t* out) {
  auto n = v.AsInt64();
  if (!n.ok()) return ConversionError(n.status());
  *out = *n;
  return Status::Ok();
}

Status ParseValue(const JsonValue& v, bool* out) {
  auto b = v.AsBool();
  if (!b.ok()) return ConversionError(b.status());
  *out = *b;
  return Status::Ok();
}

Status ParseValue(const JsonValue& v, double* out) {
  auto d = v.AsDouble();
  if (!d.ok()) return ConversionError(d.status());
  *out = *d;
  return Status::Ok();
}

Status ParseValue(const JsonValue& v, std::optional<LanguageCode>* out) {
  if (v.is_number()) {
    int32_t ordinal = 0;
    ORBIT_RETURN_IF_ERROR(ParseValue(v, &ordinal));
    if (ordinal < 0 || ordinal > static_cast<int32_t>(LanguageCode::kNodeJs)) {
      return LeafError("language ordinal out of range: " + v.text());
    }
    *out = static_cast<LanguageCode>(ordinal);
    return Status::Ok();
  }
  if (!v.is_string()) return LeafError("not a language name");
  LanguageCode code = LanguageFromName(v.text());
  // LanguageFromName maps unknown names to OTHER; fastjson reads them as null.
  if (code == LanguageCode::kOther && v.text() != "OTHER") {
    out->reset();
  } else {
    *out = code;
  }
  return Status::Ok();
}

Result<std::optional<size_t>> ParseEnumOrdinal(const JsonValue& v,
                                               std::span<const std::string_view> names) {
  if (v.is_number()) {
    auto ordinal = v.AsInt64();
    if (!ordinal.ok()) return ConversionError(ordinal.status());
    if (*ordinal < 0 || static_cast<uint64_t>(*ordinal) >= names.size()) {
      return LeafError("enum ordinal out of range: " + Clip(v.text()));
    }
    return std::optional<size_t>(static_cast<size_t>(*ordinal));
  }
  if (!v.is_string()) return LeafError("not an enum name");
  for (size_t i = 0; i < names.size(); ++i) {
    if (names[i] == v.text()) return std::optional<size_t>(i);
  }
  return std::optional<size_t>();  // unknown name: null, as fastjson reads it
}

Result<MessageQueue> ParseMessageQueueKey(const JsonValue& key) {
  MessageQueue mq;
  if (key.is_object()) {
    ORBIT_RETURN_IF_ERROR(ParseValue(key, &mq));
    return mq;
  }
  if (!key.is_string()) return LeafError("not a MessageQueue key");
  // fastjson also accepts the key as a string holding the object's JSON.
  auto inner = ParseJson(key.text());
  if (!inner.ok()) return LeafError(inner.status().message());
  if (!inner->is_object()) return LeafError("not a MessageQueue key");
  ORBIT_RETURN_IF_ERROR(ParseValue(*inner, &mq));
  return mq;
}

// ---- Writing ----

void WriteValue(JsonWriter* w, const std::string& v, JsonStyle) { w->String(v); }
void WriteValue(JsonWriter* w, int32_t v, JsonStyle) { w->Int(v); }

void WriteValue(JsonWriter* w, int64_t v, JsonStyle style) {
  if (style == JsonStyle::kStandard && (v > kMaxJsSafeInteger || v < -kMaxJsSafeInteger)) {
    w->String(std::to_string(v));
  } else {
    w->Int(v);
  }
}

void WriteValue(JsonWriter* w, bool v, JsonStyle) { w->Bool(v); }
void WriteValue(JsonWriter* w, double v, JsonStyle) { w->Double(v); }

void WriteValue(JsonWriter* w, std::optional<LanguageCode> v, JsonStyle) {
  if (v) {
    w->String(LanguageName(*v));
  } else {
    w->Null();
  }
}

void WriteMessageQueueKey(JsonWriter* w, const MessageQueue& mq, JsonStyle style) {
  if (style == JsonStyle::kStandard) {
    // BrowserCompatible writes non-string keys as JSON.toJSONString(key), quoted.
    w->Key(mq.Encode());
    return;
  }
  w->BeginObjectKey();
  FieldWriter fields(w, style);
  MessageQueue::VisitFields(mq, fields);
  w->EndObjectKey();
}

}  // namespace orbit::protocol::bodies_internal
