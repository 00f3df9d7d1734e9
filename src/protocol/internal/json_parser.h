#pragma once

// The tolerant fastjson reader behind ParseJson, exposed for streaming decoders in this module
// (the JSON RemotingCommand header is decoded in one pass without building a tree). Internal:
// not part of the protocol module's interface.

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/utf8.h"
#include "protocol/json.h"

namespace orbit::protocol::internal {

bool IsIdentChar(char c);

// REQUIRES for ParseString: Peek() is a quote; for ParseNumber: a sign or digit.
class JsonParser {
 public:
  explicit JsonParser(std::string_view s) : s_(s) {}

  Result<JsonValue> ParseDocument() {
    JsonValue v;
    ORBIT_RETURN_IF_ERROR(ParseValue(&v, 0));
    SkipWs();
    if (pos_ != s_.size()) return Error("trailing characters");
    return v;
  }

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

  // Cursor helpers for streaming decoders.
  bool AtEnd() const { return pos_ >= s_.size(); }
  char Peek() const { return s_[pos_]; }
  void Advance() { ++pos_; }
  size_t pos() const { return pos_; }

 private:
  std::string_view s_;
  size_t pos_ = 0;
};

}  // namespace orbit::protocol::internal
