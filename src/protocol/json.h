#pragma once

// JSON as fastjson 1.2.x reads and writes it (RocketMQ's JSON library).
//
// Reader: a tolerant DOM parser. Besides RFC 8259 it accepts what fastjson emits or accepts:
// bare numeric keys ({0:"a"}), object or array keys ({{"topic":"T"}:1}), unquoted identifier keys,
// single-quoted strings, trailing commas, \/ and \uXXXX escapes (surrogate pairs joined). Nesting
// is limited to kMaxJsonDepth so hostile input cannot exhaust the stack.
//
// Writer: compact output with no whitespace; the caller decides member order (fastjson sorts
// bean members alphabetically; tests compare against its output).

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace orbit::protocol {

inline constexpr int kMaxJsonDepth = 64;

class JsonValue {
 public:
  enum class Type : uint8_t { kNull, kBool, kNumber, kString, kArray, kObject };
  struct Member;

  // Out of line: Member is incomplete here, and std::vector<Member> needs it complete.
  JsonValue();
  ~JsonValue();
  JsonValue(const JsonValue&);
  JsonValue(JsonValue&&) noexcept;
  JsonValue& operator=(const JsonValue&);
  JsonValue& operator=(JsonValue&&) noexcept;

  static JsonValue Null() { return JsonValue(); }
  static JsonValue Bool(bool b);
  static JsonValue Number(std::string text);
  static JsonValue String(std::string s);
  static JsonValue Array();
  static JsonValue Object();

  Type type() const { return type_; }
  bool is_null() const { return type_ == Type::kNull; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_number() const { return type_ == Type::kNumber; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_object() const { return type_ == Type::kObject; }

  bool bool_value() const { return bool_; }
  // Text of a string (unescaped) or of a number (as written).
  const std::string& text() const { return text_; }
  std::string& text_mutable() { return text_; }
  const std::vector<JsonValue>& items() const { return items_; }
  std::vector<JsonValue>& items() { return items_; }
  const std::vector<Member>& members() const { return members_; }
  std::vector<Member>& members() { return members_; }

  // Object member lookup by key text; a bare numeric key matches its digits ("0" finds {0:..}).
  const JsonValue* Find(std::string_view key) const;

  // Conversions in fastjson's lenient spirit: numbers from numeric strings, strings from any
  // scalar. Errors name the problem; callers add the field name.
  Result<int64_t> AsInt64() const;
  Result<int32_t> AsInt32() const;
  Result<double> AsDouble() const;
  Result<bool> AsBool() const;
  // The string text, or the text of a number/bool; error for null, arrays and objects.
  Result<std::string> AsString() const;

  // Compact JSON text of this value (standard form; object keys written as they were parsed:
  // string keys quoted, numeric keys bare, object keys as objects).
  std::string Dump() const;
  void DumpTo(std::string* out) const;

  // Members or items added by builders.
  void Add(JsonValue item) { items_.push_back(std::move(item)); }
  void Set(JsonValue key, JsonValue value);
  void Set(std::string key, JsonValue value);

 private:
  Type type_ = Type::kNull;
  bool bool_ = false;
  std::string text_;
  std::vector<JsonValue> items_;
  std::vector<Member> members_;
};

struct JsonValue::Member {
  JsonValue key;  // usually a string; a number or object for fastjson's non-string-keyed maps
  JsonValue value;
};

Result<JsonValue> ParseJson(std::string_view text);

// Appends s as a quoted JSON string. In browser-compatible mode (fastjson BrowserCompatible, used
// for standard-JSON route data) '/' is written as \/ and every non-ASCII code point as \uXXXX.
void AppendJsonString(std::string* out, std::string_view s, bool browser_compatible = false);

// Streaming writer that places commas itself.
class JsonWriter {
 public:
  explicit JsonWriter(std::string* out, bool browser_compatible = false)
      : out_(out), browser_(browser_compatible) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // A quoted key. Must be followed by exactly one value.
  JsonWriter& Key(std::string_view key);
  // An unquoted key (fastjson's numeric map keys): `{0:"a"}`.
  JsonWriter& BareKey(std::string_view key);
  // Starts an object used as a key (fastjson's bean-keyed maps); close with EndObjectKey().
  JsonWriter& BeginObjectKey();
  JsonWriter& EndObjectKey();
  JsonWriter& String(std::string_view v);
  JsonWriter& Int(int64_t v);
  JsonWriter& Double(double v);
  JsonWriter& Bool(bool v);
  JsonWriter& Null();
  // Pre-rendered JSON text as one value.
  JsonWriter& Raw(std::string_view json);

 private:
  void BeforeValue();

  std::string* out_;
  bool browser_;
  // One entry per open container: true once it has at least one element.
  std::vector<bool> has_elems_;
  bool after_key_ = false;
};

// fastjson's text for a double (1.5, 0.0, 1.0E10 style is not reproduced; plain decimal).
std::string FormatJsonDouble(double v);

}  // namespace orbit::protocol
