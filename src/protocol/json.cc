#include "protocol/json.h"

#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstring>

namespace orbit::protocol {
namespace {

void AppendUtf8(std::string* out, uint32_t cp) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsIdentChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '$' || c == '-' || c == '.' || c == '+';
}

class Parser {
 public:
  explicit Parser(std::string_view s) : s_(s) {}

  Result<JsonValue> ParseDocument() {
    JsonValue v;
    ORBIT_RETURN_IF_ERROR(ParseValue(&v, 0));
    SkipWs();
    if (pos_ != s_.size()) return Error("trailing characters");
    return v;
  }

 private:
  Status Error(const char* what) const {
    return Malformed(std::string("json: ") + what + " at offset " + std::to_string(pos_));
  }

  void SkipWs() {
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
        ++pos_;
      } else {
        break;
      }
    }
  }

  Status ParseValue(JsonValue* out, int depth) {
    if (depth > kMaxJsonDepth) return Error("nesting too deep");
    SkipWs();
    if (pos_ >= s_.size()) return Error("unexpected end");
    char c = s_[pos_];
    switch (c) {
      case '{':
        return ParseObject(out, depth);
      case '[':
        return ParseArray(out, depth);
      case '"':
      case '\'': {
        std::string str;
        ORBIT_RETURN_IF_ERROR(ParseString(&str));
        *out = JsonValue::String(std::move(str));
        return Status::Ok();
      }
      default:
        break;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(out);
    if (Match("true")) {
      *out = JsonValue::Bool(true);
      return Status::Ok();
    }
    if (Match("false")) {
      *out = JsonValue::Bool(false);
      return Status::Ok();
    }
    if (Match("null")) {
      *out = JsonValue::Null();
      return Status::Ok();
    }
    return Error("unexpected character");
  }

  bool Match(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) return false;
    size_t end = pos_ + word.size();
    if (end < s_.size() && IsIdentChar(s_[end])) return false;
    pos_ = end;
    return true;
  }

  Status ParseNumber(JsonValue* out) {
    size_t start = pos_;
    if (s_[pos_] == '-') ++pos_;
    bool digits = false;
    while (pos_ < s_.size()) {
      char c = s_[pos_];
      if (c >= '0' && c <= '9') {
        digits = true;
        ++pos_;
      } else if (c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-') {
        ++pos_;
      } else {
        break;
      }
    }
    // fastjson's numeric suffixes (L, F, D, S, B) are accepted and dropped.
    size_t end = pos_;
    if (pos_ < s_.size() && std::strchr("LFDSB", s_[pos_]) != nullptr && s_[pos_] != '\0') ++pos_;
    if (!digits) return Error("bad number");
    *out = JsonValue::Number(std::string(s_.substr(start, end - start)));
    return Status::Ok();
  }

  Status ParseHex4(uint32_t* v) {
    if (s_.size() - pos_ < 4) return Error("short \\u escape");
    uint32_t r = 0;
    for (int i = 0; i < 4; ++i) {
      char c = s_[pos_++];
      r <<= 4;
      if (c >= '0' && c <= '9') {
        r |= static_cast<uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        r |= static_cast<uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        r |= static_cast<uint32_t>(c - 'A' + 10);
      } else {
        return Error("bad \\u escape");
      }
    }
    *v = r;
    return Status::Ok();
  }

  Status ParseString(std::string* out) {
    char quote = s_[pos_++];
    // Fast path: copy runs without escapes in one go.
    while (true) {
      size_t run = pos_;
      while (run < s_.size() && s_[run] != quote && s_[run] != '\\') ++run;
      out->append(s_.data() + pos_, run - pos_);
      pos_ = run;
      if (pos_ >= s_.size()) return Error("unterminated string");
      if (s_[pos_] == quote) {
        ++pos_;
        return Status::Ok();
      }
      ++pos_;  // backslash
      if (pos_ >= s_.size()) return Error("unterminated escape");
      char e = s_[pos_++];
      switch (e) {
        case '"':
        case '\\':
        case '/':
        case '\'':
          out->push_back(e);
          break;
        case 'b':
          out->push_back('\b');
          break;
        case 'f':
          out->push_back('\f');
          break;
        case 'n':
          out->push_back('\n');
          break;
        case 'r':
          out->push_back('\r');
          break;
        case 't':
          out->push_back('\t');
          break;
        case 'u': {
          uint32_t cp = 0;
          ORBIT_RETURN_IF_ERROR(ParseHex4(&cp));
          if (cp >= 0xD800 && cp <= 0xDBFF && s_.substr(pos_, 2) == "\\u") {
            size_t save = pos_;
            pos_ += 2;
            uint32_t lo = 0;
            ORBIT_RETURN_IF_ERROR(ParseHex4(&lo));
            if (lo >= 0xDC00 && lo <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else {
              pos_ = save;  // lone high surrogate: keep as is
            }
          }
          AppendUtf8(out, cp);
          break;
        }
        case 'x': {  // fastjson accepts \xHH
          if (s_.size() - pos_ < 2) return Error("short \\x escape");
          unsigned v = 0;
          auto r = std::from_chars(s_.data() + pos_, s_.data() + pos_ + 2, v, 16);
          if (r.ptr != s_.data() + pos_ + 2) return Error("bad \\x escape");
          pos_ += 2;
          out->push_back(static_cast<char>(v));
          break;
        }
        default:
          return Error("bad escape");
      }
    }
  }

  Status ParseKey(JsonValue* key, int depth) {
    SkipWs();
    if (pos_ >= s_.size()) return Error("unexpected end");
    char c = s_[pos_];
    if (c == '"' || c == '\'') {
      std::string str;
      ORBIT_RETURN_IF_ERROR(ParseString(&str));
      *key = JsonValue::String(std::move(str));
      return Status::Ok();
    }
    if (c == '{' || c == '[') return ParseValue(key, depth + 1);
    if (c == '-' || (c >= '0' && c <= '9')) return ParseNumber(key);
    size_t start = pos_;
    while (pos_ < s_.size() && IsIdentChar(s_[pos_])) ++pos_;
    if (pos_ == start) return Error("bad object key");
    *key = JsonValue::String(std::string(s_.substr(start, pos_ - start)));
    return Status::Ok();
  }

  Status ParseObject(JsonValue* out, int depth) {
    ++pos_;  // '{'
    *out = JsonValue::Object();
    while (true) {
      SkipWs();
      if (pos_ >= s_.size()) return Error("unterminated object");
      if (s_[pos_] == '}') {
        ++pos_;
        return Status::Ok();
      }
      JsonValue::Member m;
      ORBIT_RETURN_IF_ERROR(ParseKey(&m.key, depth));
      SkipWs();
      if (pos_ >= s_.size() || s_[pos_] != ':') return Error("expected ':'");
      ++pos_;
      ORBIT_RETURN_IF_ERROR(ParseValue(&m.value, depth + 1));
      out->members().push_back(std::move(m));
      SkipWs();
      if (pos_ >= s_.size()) return Error("unterminated object");
      if (s_[pos_] == ',') {
        ++pos_;
      } else if (s_[pos_] != '}') {
        return Error("expected ',' or '}'");
      }
    }
  }

  Status ParseArray(JsonValue* out, int depth) {
    ++pos_;  // '['
    *out = JsonValue::Array();
    while (true) {
      SkipWs();
      if (pos_ >= s_.size()) return Error("unterminated array");
      if (s_[pos_] == ']') {
        ++pos_;
        return Status::Ok();
      }
      JsonValue item;
      ORBIT_RETURN_IF_ERROR(ParseValue(&item, depth + 1));
      out->items().push_back(std::move(item));
      SkipWs();
      if (pos_ >= s_.size()) return Error("unterminated array");
      if (s_[pos_] == ',') {
        ++pos_;
      } else if (s_[pos_] != ']') {
        return Error("expected ',' or ']'");
      }
    }
  }

  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace

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

Result<JsonValue> ParseJson(std::string_view text) { return Parser(text).ParseDocument(); }

void AppendJsonString(std::string* out, std::string_view s, bool browser_compatible) {
  static const char kHex[] = "0123456789abcdef";
  out->push_back('"');
  size_t run = 0;
  auto flush = [&](size_t i) {
    out->append(s.data() + run, i - run);
    run = i + 1;
  };
  for (size_t i = 0; i < s.size(); ++i) {
    auto c = static_cast<unsigned char>(s[i]);
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
        if (browser_compatible) esc = "\\/";
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
    } else if (c >= 0x80 && browser_compatible) {
      // Decode one UTF-8 sequence and write it as \uXXXX (surrogate pair above the BMP).
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
