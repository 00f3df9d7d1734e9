#include "protocol/json.h"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

#include "protocol/internal/json_parser.h"

namespace orbit::protocol {
namespace internal {

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c == '-' || c == '.' || c == '+';
}

}  // namespace internal

using internal::JsonParser;

JsonValue::JsonValue() = default;
JsonValue::~JsonValue() = default;
JsonValue::JsonValue(const JsonValue&) = default;
JsonValue::JsonValue(JsonValue&&) noexcept = default;
JsonValue& JsonValue::operator=(const JsonValue&) = default;
JsonValue& JsonValue::operator=(JsonValue&&) noexcept = default;

JsonValue JsonValue::Bool(bool b) {
  JsonValue v;
  v.type_ = Type::kBool;
  v.bool_ = b;
  return v;
}
JsonValue JsonValue::Number(std::string text) {
  JsonValue v;
  v.type_ = Type::kNumber;
  v.text_ = std::move(text);
  return v;
}
JsonValue JsonValue::String(std::string s) {
  JsonValue v;
  v.type_ = Type::kString;
  v.text_ = std::move(s);
  return v;
}
JsonValue JsonValue::Array() {
  JsonValue v;
  v.type_ = Type::kArray;
  return v;
}
JsonValue JsonValue::Object() {
  JsonValue v;
  v.type_ = Type::kObject;
  return v;
}

const JsonValue* JsonValue::Find(std::string_view key) const {
  for (const Member& m : members_) {
    if ((m.key.is_string() || m.key.is_number()) && m.key.text_ == key) return &m.value;
  }
  return nullptr;
}

void JsonValue::Set(JsonValue key, JsonValue value) {
  members_.push_back(Member{std::move(key), std::move(value)});
}
void JsonValue::Set(std::string key, JsonValue value) {
  Set(JsonValue::String(std::move(key)), std::move(value));
}

Result<int64_t> JsonValue::AsInt64() const {
  if (type_ != Type::kNumber && type_ != Type::kString) return Malformed("not a number");
  std::string_view t = text_;
  if (!t.empty() && t.front() == '+') t.remove_prefix(1);
  int64_t v = 0;
  auto r = std::from_chars(t.data(), t.data() + t.size(), v);
  if (r.ec != std::errc() || r.ptr != t.data() + t.size() || t.empty()) {
    return Malformed("not an integer: '" + text_ + "'");
  }
  return v;
}

Result<int32_t> JsonValue::AsInt32() const {
  ORBIT_ASSIGN_OR_RETURN(int64_t v, AsInt64());
  if (v < INT32_MIN || v > INT32_MAX) return Malformed("integer out of range: " + text_);
  return static_cast<int32_t>(v);
}

Result<double> JsonValue::AsDouble() const {
  if (type_ != Type::kNumber && type_ != Type::kString) return Malformed("not a number");
  double v = 0;
  auto r = std::from_chars(text_.data(), text_.data() + text_.size(), v);
  if (r.ec != std::errc() || r.ptr != text_.data() + text_.size() || text_.empty()) {
    return Malformed("not a number: '" + text_ + "'");
  }
  return v;
}

Result<bool> JsonValue::AsBool() const {
  if (type_ == Type::kBool) return bool_;
  if (type_ == Type::kString) {
    if (text_ == "true") return true;
    if (text_ == "false") return false;
  }
  if (type_ == Type::kNumber) return text_ != "0";
  return Malformed("not a boolean");
}

Result<std::string> JsonValue::AsString() const {
  switch (type_) {
    case Type::kString:
    case Type::kNumber:
      return text_;
    case Type::kBool:
      return std::string(bool_ ? "true" : "false");
    default:
      return Malformed("not a string");
  }
}

void JsonValue::DumpTo(std::string* out) const {
  switch (type_) {
    case Type::kNull:
      out->append("null");
      return;
    case Type::kBool:
      out->append(bool_ ? "true" : "false");
      return;
    case Type::kNumber:
      out->append(text_);
      return;
    case Type::kString:
      AppendJsonString(out, text_);
      return;
    case Type::kArray: {
      out->push_back('[');
      for (size_t i = 0; i < items_.size(); ++i) {
        if (i > 0) out->push_back(',');
        items_[i].DumpTo(out);
      }
      out->push_back(']');
      return;
    }
    case Type::kObject: {
      out->push_back('{');
      for (size_t i = 0; i < members_.size(); ++i) {
        if (i > 0) out->push_back(',');
        members_[i].key.DumpTo(out);
        out->push_back(':');
        members_[i].value.DumpTo(out);
      }
      out->push_back('}');
      return;
    }
  }
}

std::string JsonValue::Dump() const {
  std::string out;
  DumpTo(&out);
  return out;
}

Result<JsonValue> ParseJson(std::string_view text) { return JsonParser(text).ParseDocument(); }

namespace {

// Which bytes AppendJsonString must look at: 1 = always escaped (quote, backslash, control
// characters), 2 = only in browser-compatible mode ('/' and every byte of a multi-byte
// UTF-8 sequence).
constexpr std::array<uint8_t, 256> kEscapeClass = [] {
  std::array<uint8_t, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = 1;
  t['"'] = 1;
  t['\\'] = 1;
  t[0x7F] = 1;
  t['/'] = 2;
  for (int c = 0x80; c < 0x100; ++c) t[c] = 2;
  return t;
}();

// The index of the first byte at or after `i` that JSON must escape (quote, backslash, a
// control character or DEL), or s.size(): sixteen bytes at a time where SSE2 is there.
size_t FindEscape(std::string_view s, size_t i) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i del = _mm_set1_epi8(0x7F);
  // Unsigned c < 0x20 as a signed compare: both sides shifted by 0x80.
  const __m128i flip = _mm_set1_epi8(static_cast<char>(0x80));
  const __m128i space = _mm_set1_epi8(static_cast<char>(0x20 ^ 0x80));
  for (; i + 16 <= s.size(); i += 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s.data() + i));
    const __m128i hit = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
        _mm_or_si128(_mm_cmpeq_epi8(v, del), _mm_cmplt_epi8(_mm_xor_si128(v, flip), space)));
    const int mask = _mm_movemask_epi8(hit);
    if (mask != 0) return i + static_cast<size_t>(__builtin_ctz(static_cast<unsigned>(mask)));
  }
#endif
  for (; i < s.size(); ++i) {
    if ((kEscapeClass[static_cast<unsigned char>(s[i])] & 1) != 0) return i;
  }
  return s.size();
}

}  // namespace

void AppendJsonString(std::string* out, std::string_view s, bool browser_compatible) {
  static const char kHex[] = "0123456789abcdef";
  const uint8_t mask = browser_compatible ? 3 : 1;
  out->push_back('"');
  size_t run = 0;
  auto flush = [&](size_t i) {
    out->append(s.data() + run, i - run);
    run = i + 1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    if (!browser_compatible) {
      i = FindEscape(s, i);  // skips the plain bytes in between
      if (i == s.size()) break;
    }
    auto c = static_cast<unsigned char>(s[i]);
    if ((kEscapeClass[c] & mask) == 0) continue;  // most bytes: copied with their run
    const char* esc = nullptr;
    switch (c) {
      case '"':
        esc = "\\\"";
        break;
      case '\\':
        esc = "\\\\";
        break;
      case '\n':
        esc = "\\n";
        break;
      case '\r':
        esc = "\\r";
        break;
      case '\t':
        esc = "\\t";
        break;
      case '\b':
        esc = "\\b";
        break;
      case '\f':
        esc = "\\f";
        break;
      case '/':
        esc = "\\/";  // browser-compatible only (the mask lets '/' through otherwise)
        break;
      default:
        break;
    }
    if (esc != nullptr) {
      flush(i);
      out->append(esc);
    } else if (c < 0x20 || c == 0x7F) {
      flush(i);
      char buf[7] = {'\\', 'u', '0', '0', kHex[c >> 4], kHex[c & 15], 0};
      out->append(buf, 6);
    } else if (c >= 0x80) {
      // Browser-compatible: decode one UTF-8 sequence and write it as \uXXXX (a surrogate pair
      // above the BMP).
      flush(i);
      uint32_t cp = 0;
      int extra = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
      cp = extra == 3 ? (c & 0x07) : extra == 2 ? (c & 0x0F) : extra == 1 ? (c & 0x1F) : c;
      for (int k = 0; k < extra && i + 1 < s.size(); ++k) {
        cp = (cp << 6) | (static_cast<unsigned char>(s[++i]) & 0x3F);
      }
      run = i + 1;
      auto put = [&](uint32_t u) {
        char buf[6] = {
            '\\',        'u', kHex[(u >> 12) & 15], kHex[(u >> 8) & 15], kHex[(u >> 4) & 15],
            kHex[u & 15]};
        out->append(buf, 6);
      };
      if (cp >= 0x10000) {
        cp -= 0x10000;
        put(0xD800 + (cp >> 10));
        put(0xDC00 + (cp & 0x3FF));
      } else {
        put(cp);
      }
    }
  }
  flush(s.size());
  out->push_back('"');
}

std::string FormatJsonDouble(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[64];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  std::string s(buf, r.ptr);
  if (s.find_first_of(".eE") == std::string::npos) s += ".0";
  return s;
}

void JsonWriter::BeforeValue() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (!has_elems_.empty()) {
    if (has_elems_.back()) out_->push_back(',');
    has_elems_.back() = true;
  }
}

JsonWriter& JsonWriter::BeginObject() {
  BeforeValue();
  out_->push_back('{');
  has_elems_.push_back(false);
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  out_->push_back('}');
  has_elems_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  BeforeValue();
  out_->push_back('[');
  has_elems_.push_back(false);
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  out_->push_back(']');
  has_elems_.pop_back();
  return *this;
}
JsonWriter& JsonWriter::Key(std::string_view key) {
  BeforeValue();
  AppendJsonString(out_, key, browser_);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::BareKey(std::string_view key) {
  BeforeValue();
  out_->append(key);
  out_->push_back(':');
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::BeginObjectKey() {
  BeforeValue();
  out_->push_back('{');
  has_elems_.push_back(false);
  return *this;
}
JsonWriter& JsonWriter::EndObjectKey() {
  out_->append("}:");
  has_elems_.pop_back();
  after_key_ = true;
  return *this;
}
JsonWriter& JsonWriter::String(std::string_view v) {
  BeforeValue();
  AppendJsonString(out_, v, browser_);
  return *this;
}
JsonWriter& JsonWriter::Int(int64_t v) {
  BeforeValue();
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  out_->append(buf, r.ptr);
  return *this;
}
JsonWriter& JsonWriter::Double(double v) {
  BeforeValue();
  out_->append(FormatJsonDouble(v));
  return *this;
}
JsonWriter& JsonWriter::Bool(bool v) {
  BeforeValue();
  out_->append(v ? "true" : "false");
  return *this;
}
JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_->append("null");
  return *this;
}
JsonWriter& JsonWriter::Raw(std::string_view json) {
  BeforeValue();
  out_->append(json);
  return *this;
}

}  // namespace orbit::protocol
