#include "protocol/bodies_common.h"

#include "protocol/internal/bodies_codec.h"

namespace orbit::protocol {
namespace {

// A byte's rank in UTF-16 code-unit order: lead bytes of supplementary characters (F0..F7,
// surrogate pairs D800..DFFF in UTF-16) sort before the leads EE/EF of U+E000..U+FFFF. The map
// is a bijection, so comparing ranks is a total order on all byte strings.
unsigned Utf16Rank(unsigned char b) {
  if (b <= 0xED) return b;
  if (b >= 0xF0) return b - 0xF0 + 0xEE;
  return b + 0x10;  // EE, EF -> FE, FF
}

void Newline(int depth, std::string* out) {
  out->push_back('\n');
  out->append(static_cast<size_t>(depth), '\t');
}

void AppendPretty(const JsonValue& v, int depth, std::string* out) {
  if (v.is_object()) {
    out->push_back('{');
    for (size_t i = 0; i < v.members().size(); ++i) {
      const JsonValue::Member& m = v.members()[i];
      if (i > 0) out->push_back(',');
      if (m.key.is_string()) {
        Newline(depth + 1, out);
        AppendJsonString(out, m.key.text());
      } else {
        AppendPretty(m.key, depth + 1, out);  // bare number, or a bean key object
      }
      out->push_back(':');
      AppendPretty(m.value, depth + 1, out);
    }
    if (!v.members().empty()) Newline(depth, out);
    out->push_back('}');
  } else if (v.is_array()) {
    out->push_back('[');
    for (size_t i = 0; i < v.items().size(); ++i) {
      if (i > 0) out->push_back(',');
      Newline(depth + 1, out);
      AppendPretty(v.items()[i], depth + 1, out);
    }
    if (!v.items().empty()) Newline(depth, out);
    out->push_back(']');
  } else {
    v.DumpTo(out);
  }
}

}  // namespace

int32_t JavaStringHash(std::string_view utf8) {
  uint32_t h = 0;
  size_t i = 0;
  while (i < utf8.size()) {
    uint32_t cp = bodies_internal::NextCodePoint(utf8, &i);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
  }
  return static_cast<int32_t>(h);
}

int JavaStringCompare(std::string_view a, std::string_view b) {
  size_t n = std::min(a.size(), b.size());
  for (size_t i = 0; i < n; ++i) {
    unsigned ra = Utf16Rank(static_cast<unsigned char>(a[i]));
    unsigned rb = Utf16Rank(static_cast<unsigned char>(b[i]));
    if (ra != rb) return ra < rb ? -1 : 1;
  }
  return a.size() < b.size() ? -1 : a.size() > b.size() ? 1 : 0;
}

std::string PrettyJson(const JsonValue& value) {
  std::string out;
  AppendPretty(value, 0, &out);
  return out;
}

Result<std::string> PrettyJson(std::string_view compact_json) {
  ORBIT_ASSIGN_OR_RETURN(JsonValue doc, ParseJson(compact_json));
  return PrettyJson(doc);
}

int32_t MessageQueue::JavaHashCode() const {
  uint32_t h = 1;
  h = 31 * h + static_cast<uint32_t>(JavaStringHash(broker_name));
  h = 31 * h + static_cast<uint32_t>(queue_id);
  h = 31 * h + static_cast<uint32_t>(JavaStringHash(topic));
  return static_cast<int32_t>(h);
}

std::strong_ordering operator<=>(const MessageQueue& a, const MessageQueue& b) {
  if (int c = JavaStringCompare(a.topic, b.topic); c != 0) {
    return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  if (int c = JavaStringCompare(a.broker_name, b.broker_name); c != 0) {
    return c < 0 ? std::strong_ordering::less : std::strong_ordering::greater;
  }
  return a.queue_id <=> b.queue_id;
}

ORBIT_BODIES_DEFINE_JSON_CODEC(MessageQueue)
ORBIT_BODIES_DEFINE_JSON_CODEC(DataVersion)
ORBIT_BODIES_DEFINE_JSON_CODEC(KVTable)

}  // namespace orbit::protocol
