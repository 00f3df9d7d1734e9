#pragma once

// Private to protocol/bodies_*.cc: turns a body's VisitFields() description into its decoder and
// encoder (conventions in protocol/bodies_common.h).
//
// The C++ type of each member decides how it is read and written:
//   std::string                      JSON string (numbers/booleans accepted); "" = Java null:
//                                    omitted when written, keeps the default when read
//   int32_t / int64_t / bool / double  JSON scalar (numeric strings accepted, as fastjson does)
//   JavaEnum E / std::optional<E>    Java name (or ordinal when reading)
//   LanguageCode                     the remoting LanguageCode name
//   bean (has VisitFields)           JSON object
//   std::optional<T>                 omitted when empty
//   std::vector<T>                   JSON array (Java List or Set, order kept)
//   std::map<std::string, T>         object; written in the MapOrder given to the visitor
//   std::map<integral, T>            object with numeric keys, bare (kFastjson) or quoted
//   std::map<MessageQueue, T>        object with bean keys (F6)
//
// Decode errors are "<path>: <detail>"; a leaf error starts with an empty path (": detail") and
// every enclosing member, index or key prefixes its segment on the way out.

#include <algorithm>
#include <concepts>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "base/status.h"
#include "protocol/bodies_common.h"
#include "protocol/json.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol::bodies_internal {

// ---- Text ----

// The code point of the UTF-8 sequence at s[*i], advancing *i; a malformed byte reads as U+FFFD
// and advances by one. REQUIRES: *i < s.size().
uint32_t NextCodePoint(std::string_view s, size_t* i);
// `s` with every malformed UTF-8 byte replaced by U+FFFD, as Java decodes bytes into a String;
// so every string read from a body can be written back in either JsonStyle unchanged.
std::string ToValidUtf8(std::string s);

// ---- Errors ----

Status LeafError(std::string_view detail);
// Prefixes a member name ("a" + ".b: x" / "[0]: x" / ": x").
Status AtMember(std::string_view name, const Status& inner);
Status AtIndex(size_t index, const Status& inner);
Status AtKey(std::string_view key, const Status& inner);

// True for null and for fastjson's {"$ref":"..."} back references (F7), which are skipped.
bool IsAbsent(const JsonValue& v);
// The last member named `name` (fastjson keeps the last of duplicate keys), or nullptr.
const JsonValue* FindMember(const JsonValue& object, std::string_view name);

// Positions of entries with the given Java hashCode()s in java.util.HashMap iteration order, for
// a table created with `initial_buckets` buckets (doubling while size > 0.75 * buckets). Entries
// in the same bucket keep their input order.
std::vector<size_t> JavaHashOrder(std::span<const int32_t> hashes, uint32_t initial_buckets);

// ---- Type classification ----

struct NoopVisitor {
  template <typename F, typename... Options>
  void operator()(std::string_view, F&, const Options&...) {}
};

template <typename T>
concept Bean = requires(T& t, NoopVisitor& v) {
  T::VisitFields(t, v);
};

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// ---- Reading ----

Status ParseValue(const JsonValue& v, std::string* out);
Status ParseValue(const JsonValue& v, int32_t* out);
Status ParseValue(const JsonValue& v, int64_t* out);
Status ParseValue(const JsonValue& v, bool* out);
Status ParseValue(const JsonValue& v, double* out);
Status ParseValue(const JsonValue& v, std::optional<LanguageCode>* out);
// The ordinal of a Java enum given by name or ordinal; nullopt for an unknown name.
Result<std::optional<size_t>> ParseEnumOrdinal(const JsonValue& v,
                                               std::span<const std::string_view> names);
Result<MessageQueue> ParseMessageQueueKey(const JsonValue& key);

template <JavaEnum E>
Status ParseValue(const JsonValue& v, E* out);
template <JavaEnum E>
Status ParseValue(const JsonValue& v, std::optional<E>* out);
template <Bean T>
Status ParseValue(const JsonValue& v, T* out);
template <Bean T>
Status ParseValue(const JsonValue& v, std::optional<T>* out);
template <typename T>
Status ParseValue(const JsonValue& v, std::vector<T>* out);
template <typename T>
Status ParseValue(const JsonValue& v, std::map<std::string, T>* out);
template <std::integral K, typename T>
Status ParseValue(const JsonValue& v, std::map<K, T>* out);
template <typename T>
Status ParseValue(const JsonValue& v, std::map<MessageQueue, T>* out);

// Reads the members named by VisitFields; the first failure is kept, later members skipped.
class FieldReader {
 public:
  explicit FieldReader(const JsonValue& object) : object_(object) {}

  template <typename F, typename... Options>
  void operator()(std::string_view name, F& field, const Options&...) {
    if (!status_.ok()) return;
    const JsonValue* m = FindMember(object_, name);
    if (m == nullptr || IsAbsent(*m)) return;
    if constexpr (std::is_same_v<F, std::string>) {
      if (m->is_string() && m->text().empty()) return;  // "" stands for null: keep the default
    }
    Status s = ParseValue(*m, &field);
    if (!s.ok()) status_ = AtMember(name, s);
  }

  Status TakeStatus() { return std::move(status_); }

 private:
  const JsonValue& object_;
  Status status_;
};

template <JavaEnum E>
Status ParseValue(const JsonValue& v, std::optional<E>* out) {
  ORBIT_ASSIGN_OR_RETURN(std::optional<size_t> ordinal,
                         ParseEnumOrdinal(v, JavaEnumTraits<E>::kNames));
  *out = ordinal ? std::optional<E>(static_cast<E>(*ordinal)) : std::nullopt;
  return Status::Ok();
}

template <JavaEnum E>
Status ParseValue(const JsonValue& v, E* out) {
  std::optional<E> e;
  ORBIT_RETURN_IF_ERROR(ParseValue(v, &e));
  if (e) *out = *e;  // unknown name: Java null, keep the default
  return Status::Ok();
}

template <Bean T>
Status ParseValue(const JsonValue& v, T* out) {
  if (!v.is_object()) return LeafError("not an object");
  FieldReader reader(v);
  T::VisitFields(*out, reader);
  return reader.TakeStatus();
}

template <Bean T>
Status ParseValue(const JsonValue& v, std::optional<T>* out) {
  T value;
  ORBIT_RETURN_IF_ERROR(ParseValue(v, &value));
  *out = std::move(value);
  return Status::Ok();
}

template <typename T>
Status ParseValue(const JsonValue& v, std::vector<T>* out) {
  if (!v.is_array()) return LeafError("not an array");
  out->clear();
  out->reserve(v.items().size());
  for (size_t i = 0; i < v.items().size(); ++i) {
    const JsonValue& item = v.items()[i];
    if (IsAbsent(item)) continue;
    T value{};
    Status s = ParseValue(item, &value);
    if (!s.ok()) return AtIndex(i, s);
    out->push_back(std::move(value));
  }
  return Status::Ok();
}

template <typename T>
Status ParseValue(const JsonValue& v, std::map<std::string, T>* out) {
  if (!v.is_object()) return LeafError("not an object");
  out->clear();
  for (const JsonValue::Member& m : v.members()) {
    if (IsAbsent(m.value)) continue;
    if (!m.key.is_string() && !m.key.is_number()) return LeafError("non-scalar map key");
    T value{};
    Status s = ParseValue(m.value, &value);
    if (!s.ok()) return AtKey(m.key.text(), s);
    (*out)[ToValidUtf8(m.key.text())] = std::move(value);
  }
  return Status::Ok();
}

template <std::integral K, typename T>
Status ParseValue(const JsonValue& v, std::map<K, T>* out) {
  if (!v.is_object()) return LeafError("not an object");
  out->clear();
  for (const JsonValue::Member& m : v.members()) {
    if (IsAbsent(m.value)) continue;
    K key{};
    Status s = ParseValue(m.key, &key);  // bare (F5) or quoted number
    if (!s.ok()) return AtKey(m.key.is_object() ? "{...}" : m.key.text(), s);
    T value{};
    s = ParseValue(m.value, &value);
    if (!s.ok()) return AtKey(m.key.text(), s);
    (*out)[key] = std::move(value);
  }
  return Status::Ok();
}

template <typename T>
Status ParseValue(const JsonValue& v, std::map<MessageQueue, T>* out) {
  if (!v.is_object()) return LeafError("not an object");
  out->clear();
  for (const JsonValue::Member& m : v.members()) {
    if (IsAbsent(m.value) || IsAbsent(m.key)) continue;
    auto key = ParseMessageQueueKey(m.key);
    if (!key.ok()) return AtKey("{...}", key.status());
    T value{};
    Status s = ParseValue(m.value, &value);
    if (!s.ok()) return AtKey(key->topic, s);
    (*out)[std::move(*key)] = std::move(value);
  }
  return Status::Ok();
}

// "<Type>.<path>: <detail>" for any failure, from the JSON parse on.
template <Bean T>
Result<T> DecodeBody(std::string_view json, std::string_view type_name) {
  auto doc = ParseJson(json);
  if (!doc.ok()) return AtMember(type_name, LeafError(doc.status().message()));
  T out{};
  Status s = ParseValue(*doc, &out);
  if (!s.ok()) return AtMember(type_name, s);
  return out;
}

// ---- Writing ----

void WriteValue(JsonWriter* w, const std::string& v, JsonStyle style);
void WriteValue(JsonWriter* w, int32_t v, JsonStyle style);
void WriteValue(JsonWriter* w, int64_t v, JsonStyle style);
void WriteValue(JsonWriter* w, bool v, JsonStyle style);
void WriteValue(JsonWriter* w, double v, JsonStyle style);
void WriteValue(JsonWriter* w, std::optional<LanguageCode> v, JsonStyle style);
// A MessageQueue map key: an unquoted object (F6), or its JSON as a string in kStandard.
void WriteMessageQueueKey(JsonWriter* w, const MessageQueue& mq, JsonStyle style);

template <JavaEnum E>
void WriteValue(JsonWriter* w, E v, JsonStyle style);
template <Bean T>
void WriteValue(JsonWriter* w, const T& v, JsonStyle style);
template <typename T>
void WriteValue(JsonWriter* w, const std::optional<T>& v, JsonStyle style);
template <typename T>
void WriteValue(JsonWriter* w, const std::vector<T>& v, JsonStyle style);
template <typename T>
void WriteMap(JsonWriter* w, const std::map<std::string, T>& m, JsonStyle style, MapOrder order);
template <typename T>
void WriteMap(JsonWriter* w, const std::map<MessageQueue, T>& m, JsonStyle style, MapOrder order);
template <std::integral K, typename T>
void WriteMap(JsonWriter* w, const std::map<K, T>& m, JsonStyle style, MapOrder order);
template <typename M>
requires requires { typename M::mapped_type; }
void WriteValue(JsonWriter* w, const M& m, JsonStyle style);

// Writes the members named by VisitFields into an open object.
class FieldWriter {
 public:
  FieldWriter(JsonWriter* w, JsonStyle style) : w_(w), style_(style) {}

  template <typename F>
  void operator()(std::string_view name, const F& field) {
    if constexpr (std::is_same_v<F, std::string> || kIsOptional<F>) {
      if (IsNull(field)) return;
    }
    w_->Key(name);
    WriteValue(w_, field, style_);
  }

  template <typename M>
  void operator()(std::string_view name, const M& map, MapOrder order) {
    w_->Key(name);
    WriteMap(w_, map, style_, order);
  }

 private:
  static bool IsNull(const std::string& s) { return s.empty(); }
  template <typename T>
  static bool IsNull(const std::optional<T>& o) {
    return !o.has_value();
  }

  JsonWriter* w_;
  JsonStyle style_;
};

template <JavaEnum E>
void WriteValue(JsonWriter* w, E v, JsonStyle) {
  w->String(JavaEnumName(v));
}

template <Bean T>
void WriteValue(JsonWriter* w, const T& v, JsonStyle style) {
  w->BeginObject();
  FieldWriter fields(w, style);
  T::VisitFields(v, fields);
  w->EndObject();
}

template <typename T>
void WriteValue(JsonWriter* w, const std::optional<T>& v, JsonStyle style) {
  if (v) {
    WriteValue(w, *v, style);
  } else {
    w->Null();
  }
}

template <typename T>
void WriteValue(JsonWriter* w, const std::vector<T>& v, JsonStyle style) {
  w->BeginArray();
  for (const T& item : v) WriteValue(w, item, style);
  w->EndArray();
}

// Entries of `m` in the order the Java side writes them.
template <typename Map, typename HashFn>
std::vector<typename Map::const_iterator> OrderedEntries(const Map& m, JsonStyle style,
                                                         MapOrder order, HashFn hash) {
  std::vector<typename Map::const_iterator> entries;
  entries.reserve(m.size());
  for (auto it = m.begin(); it != m.end(); ++it) entries.push_back(it);
  if (style == JsonStyle::kStandard || order.kind == MapOrder::Kind::kJavaSorted) return entries;
  std::vector<int32_t> hashes;
  hashes.reserve(entries.size());
  for (const auto& it : entries) hashes.push_back(hash(it->first));
  std::vector<typename Map::const_iterator> ordered;
  ordered.reserve(entries.size());
  for (size_t i : JavaHashOrder(hashes, order.initial_buckets)) ordered.push_back(entries[i]);
  return ordered;
}

template <typename T>
void WriteMap(JsonWriter* w, const std::map<std::string, T>& m, JsonStyle style, MapOrder order) {
  auto entries = OrderedEntries(m, style, order, JavaStringHash);
  if (style == JsonStyle::kStandard || order.kind == MapOrder::Kind::kJavaSorted) {
    // std::map is in byte order; Java sorts by UTF-16 code units.
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
      return JavaStringCompare(a->first, b->first) < 0;
    });
  }
  w->BeginObject();
  for (const auto& it : entries) {
    w->Key(it->first);
    WriteValue(w, it->second, style);
  }
  w->EndObject();
}

template <typename T>
void WriteMap(JsonWriter* w, const std::map<MessageQueue, T>& m, JsonStyle style, MapOrder order) {
  auto entries =
      OrderedEntries(m, style, order, [](const MessageQueue& mq) { return mq.JavaHashCode(); });
  w->BeginObject();
  for (const auto& it : entries) {
    WriteMessageQueueKey(w, it->first, style);
    WriteValue(w, it->second, style);
  }
  w->EndObject();
}

// Numeric keys in ascending order: what a TreeMap writes, and what a HashMap writes for the
// small non-negative ids and queue numbers RocketMQ uses.
template <std::integral K, typename T>
void WriteMap(JsonWriter* w, const std::map<K, T>& m, JsonStyle style, MapOrder) {
  w->BeginObject();
  for (const auto& [key, value] : m) {
    std::string text = std::to_string(key);
    if (style == JsonStyle::kStandard) {
      w->Key(text);
    } else {
      w->BareKey(text);
    }
    WriteValue(w, value, style);
  }
  w->EndObject();
}

template <typename M>
requires requires { typename M::mapped_type; }
void WriteValue(JsonWriter* w, const M& m, JsonStyle style) {
  WriteMap(w, m, style, kHashMapOrder);
}

template <Bean T>
void EncodeBody(const T& body, JsonStyle style, std::string* out) {
  JsonWriter w(out, style == JsonStyle::kStandard);
  WriteValue(&w, body, style);
}

template <Bean T>
Result<std::string> EncodePrettyBody(const T& body) {
  std::string compact;
  EncodeBody(body, JsonStyle::kFastjson, &compact);
  return PrettyJson(compact);
}

}  // namespace orbit::protocol::bodies_internal

// Defines T::Decode, T::Encode and T::EncodeTo (fastjson default style) for a top-level body.
#define ORBIT_BODIES_DEFINE_JSON_CODEC(T)                                             \
  Result<T> T::Decode(std::string_view json) {                                        \
    return ::orbit::protocol::bodies_internal::DecodeBody<T>(json, #T);               \
  }                                                                                   \
  std::string T::Encode() const {                                                     \
    std::string out;                                                                  \
    EncodeTo(&out);                                                                   \
    return out;                                                                       \
  }                                                                                   \
  void T::EncodeTo(std::string* out) const {                                          \
    ::orbit::protocol::bodies_internal::EncodeBody(*this, JsonStyle::kFastjson, out); \
  }

// Defines T::EncodePretty() (fastjson PrettyFormat, for the files on disk).
#define ORBIT_BODIES_DEFINE_PRETTY(T)                                          \
  std::string T::EncodePretty() const {                                        \
    auto pretty = ::orbit::protocol::bodies_internal::EncodePrettyBody(*this); \
    return pretty.ok() ? std::move(pretty).value() : Encode();                 \
  }
