#pragma once

// Typed JSON bodies: conventions shared by every bodies_*.h, plus the small types used by all of
// them (MessageQueue, DataVersion, KVTable). Formats: /work/shared/protocol/json-bodies.md.
//
// Each body is a plain struct whose members mirror the Java bean. Its wire form is described
// once, by a static VisitFields(s, v) that names every JSON member in the order fastjson writes
// it (alphabetical by member name); internal/bodies_codec.h turns that description into the
// decoder and the encoder. Top-level bodies add
//   static Result<T> Decode(std::string_view json);
//   std::string Encode() const;  void EncodeTo(std::string* out) const;
//
// Encoding (what Java's fastjson 1.2.x writes with default features):
//   * compact, members alphabetical, nulls omitted. A std::string member that is empty stands for
//     Java null: it is omitted, and an empty string read from a peer keeps the member's default
//     (so that every decoded body re-encodes to itself). std::optional members are omitted when
//     empty; numbers, booleans, collections and nested beans are always written.
//   * enums by Java name; doubles as 1.5 / 0.0.
//   * maps with numeric keys: bare keys {0:"a"} (F5), ascending. Maps keyed by MessageQueue: the
//     key is an unquoted object {{"brokerName":..}:v} (F6).
//   * maps with string keys: in java.util.HashMap iteration order for the table size the Java
//     side uses (MapOrder), so that Orbit writes byte for byte what a Java peer would; TreeMaps
//     (and everything in JsonStyle::kStandard) are sorted by Java String.compareTo.
//   * JsonStyle::kStandard (route data for new clients, json-bodies.md §3.1): BrowserCompatible
//     escaping, quoted numeric keys, sorted map keys.
// Decoding: a tolerant fastjson-compatible parse (protocol/json.h). Every member is optional
// (absent, null or a {"$ref":..} object keeps the C++ default, which is Java's default); unknown
// members are ignored; numeric map keys may be bare or quoted; MessageQueue keys may be objects or
// strings holding the object's JSON; enums may be names or ordinals, and an unknown enum name
// reads as Java null (std::nullopt, or the default for non-optional enums). A member of the wrong
// type is kMalformed naming its path, e.g. "HeartbeatData.consumerDataSet[0].unitMode: not a
// boolean". Decoders never throw and never crash on any input.

#include <compare>
#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "base/status.h"
#include "protocol/json.h"

namespace orbit::protocol {

// Which of fastjson's two encodings to produce (json-bodies.md §3.1).
enum class JsonStyle : uint8_t {
  kFastjson,  // JSON.toJSONString(obj): bare numeric map keys, map keys in Java map order
  kStandard,  // BrowserCompatible + MapSortField: quoted keys, sorted maps, \/ and \uXXXX
};

// How the Java side orders a map with string (or MessageQueue) keys when it writes it.
struct MapOrder {
  enum class Kind : uint8_t { kJavaHash, kJavaSorted };
  Kind kind = Kind::kJavaHash;
  // For kJavaHash: table size of the freshly created map (16 for `new HashMap<>()`,
  // tableSizeFor(n) for `new HashMap<>(n)`, tableSizeFor(1.5n + 1) for `new
  // ConcurrentHashMap<>(n)`). The table doubles while size > 0.75 * buckets.
  uint32_t initial_buckets = 16;
};
inline constexpr MapOrder kHashMapOrder{MapOrder::Kind::kJavaHash, 16};
inline constexpr MapOrder kTreeMapOrder{MapOrder::Kind::kJavaSorted, 0};

// Java enum <-> name. Each enum used in a body specializes this with
// `static constexpr std::string_view kNames[]` indexed by the Java ordinal.
template <typename E>
struct JavaEnumTraits;

template <typename E>
concept JavaEnum = requires {
  JavaEnumTraits<E>::kNames;
};

template <JavaEnum E>
std::string_view JavaEnumName(E e) {
  auto i = static_cast<size_t>(e);
  const auto& names = JavaEnumTraits<E>::kNames;
  return i < std::size(names) ? names[i] : std::string_view();
}

template <JavaEnum E>
std::optional<E> JavaEnumFromName(std::string_view name) {
  const auto& names = JavaEnumTraits<E>::kNames;
  for (size_t i = 0; i < std::size(names); ++i) {
    if (names[i] == name) return static_cast<E>(i);
  }
  return std::nullopt;
}

// Java String.hashCode() of the UTF-16 form of a UTF-8 string (invalid bytes count as U+FFFD).
int32_t JavaStringHash(std::string_view utf8);
// Java String.compareTo() (UTF-16 code-unit order) of two UTF-8 strings: <0, 0 or >0. Differs
// from byte order only between supplementary characters and U+E000..U+FFFF. Strings compare
// equal only when their bytes are equal.
int JavaStringCompare(std::string_view a, std::string_view b);

// Compact JSON text re-indented as fastjson's toJSONString(obj, PrettyFormat) writes the files
// on disk (json-bodies.md §7, F9): TAB indentation; a newline before every string key and
// before the closing brace of a non-empty object, none before numeric or object keys (so
// {0:12,1:7} stays on one line and a bean key opens as "{{"); arrays one item per line.
std::string PrettyJson(const JsonValue& value);
Result<std::string> PrettyJson(std::string_view compact_json);

// A queue of a topic on one broker (json-bodies.md §5.1):
//   {"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}
// Ordered as Java's compareTo: topic, then brokerName (UTF-16 order), then queueId.
struct MessageQueue {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;

  // Java MessageQueue.hashCode(), which decides the order of the HashMaps keyed by queue.
  int32_t JavaHashCode() const;

  bool operator==(const MessageQueue&) const = default;
  friend std::strong_ordering operator<=>(const MessageQueue& a, const MessageQueue& b);

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerName", s.broker_name);
    v("queueId", s.queue_id);
    v("topic", s.topic);
  }

  static Result<MessageQueue> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

// Version of a broker's topic (or subscription group) table (json-bodies.md §4.3), also the
// QUERY_DATA_VERSION (322) request and response body: {"counter":3,"timestamp":1700000000000}.
// Equal when both timestamp and counter match.
struct DataVersion {
  int64_t timestamp = 0;
  int64_t counter = 0;

  // Java nextVersion(): timestamp := now, counter += 1.
  void Next(int64_t now_ms) {
    timestamp = now_ms;
    ++counter;
  }
  bool operator==(const DataVersion&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("counter", s.counter);
    v("timestamp", s.timestamp);
  }

  static Result<DataVersion> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

// String table (json-bodies.md §4.4, §6.4): REGISTER_BROKER response, GET_KVLIST_BY_NAMESPACE
// (219) and GET_BROKER_RUNTIME_INFO (28) bodies: {"table":{"brokerVersion":"409",...}}. Written
// in the order of Java's `new HashMap<>()`.
struct KVTable {
  std::map<std::string, std::string> table;

  bool operator==(const KVTable&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("table", s.table, kHashMapOrder);
  }

  static Result<KVTable> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

}  // namespace orbit::protocol
