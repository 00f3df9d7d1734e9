#include "protocol/bodies_register.h"

#include <zlib.h>

#include <charconv>
#include <cstdint>

#include "base/bytes.h"
#include "protocol/internal/bodies_codec.h"

namespace orbit::protocol {
namespace {

constexpr size_t kInflateChunk = 64 * 1024;

Status CompressedError(std::string_view what) {
  return Malformed("RegisterBrokerBody (compressed): " + std::string(what));
}

// Java Integer.parseInt: optional sign, decimal digits, in range.
bool ParseJavaInt(std::string_view text, int32_t* out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty() || text.front() == '+') return false;
  auto r = std::from_chars(text.data(), text.data() + text.size(), *out);
  return r.ec == std::errc() && r.ptr == text.data() + text.size();
}

std::vector<std::string_view> SplitSpaces(std::string_view s) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t sp = s.find(' ', start);
    parts.push_back(s.substr(start, sp == std::string_view::npos ? sp : sp - start));
    if (sp == std::string_view::npos) break;
    start = sp + 1;
  }
  while (!parts.empty() && parts.back().empty()) parts.pop_back();  // as String.split
  return parts;
}

// TopicConfig.encode(): "topicName readQueueNums writeQueueNums perm topicFilterType".
std::string TopicLine(const TopicConfig& c) {
  std::string line = c.topic_name;
  for (int32_t n : {c.read_queue_nums, c.write_queue_nums, c.perm}) {
    line += ' ';
    line += std::to_string(n);
  }
  line += ' ';
  line += JavaEnumName(c.topic_filter_type);
  return line;
}

// TopicConfig.decode(); 5.x appends a sixth field (attributes JSON), ignored here.
Result<TopicConfig> ParseTopicLine(std::string_view line) {
  std::vector<std::string_view> f = SplitSpaces(line);
  TopicConfig c;
  if (f.size() < 5 || f[0].empty() || !ParseJavaInt(f[1], &c.read_queue_nums) ||
      !ParseJavaInt(f[2], &c.write_queue_nums) || !ParseJavaInt(f[3], &c.perm)) {
    return CompressedError("bad topic config line");
  }
  auto type = JavaEnumFromName<TopicFilterType>(f[4]);
  if (!type) return CompressedError("bad topicFilterType");
  c.topic_name = bodies_internal::ToValidUtf8(std::string(f[0]));
  c.topic_filter_type = *type;
  return c;
}

void PutBlock(std::string* out, std::string_view block) {
  PutI32(out, static_cast<int32_t>(block.size()));
  out->append(block);
}

// Reads int32 length + bytes; fails on a negative or overlong length.
Result<std::string_view> TakeBlock(ByteReader* r, std::string_view what) {
  int32_t len = r->I32();
  if (!r->ok() || len < 0 || static_cast<size_t>(len) > r->remaining()) {
    return CompressedError("bad length of " + std::string(what));
  }
  return r->Bytes(static_cast<size_t>(len));
}

Result<std::string> Deflate(std::string_view raw) {
  z_stream zs{};
  if (deflateInit(&zs, Z_BEST_COMPRESSION) != Z_OK) return Internal("deflateInit failed");
  std::string out(deflateBound(&zs, static_cast<uLong>(raw.size())), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(raw.data()));
  zs.avail_in = static_cast<uInt>(raw.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  if (rc != Z_STREAM_END) return Internal("deflate failed");
  return out;
}

// Inflates one whole zlib stream, refusing more than `max` bytes of output.
Result<std::string> Inflate(std::string_view data, size_t max) {
  if (data.size() > UINT32_MAX) return CompressedError("input too large");
  size_t limit = max < SIZE_MAX ? max + 1 : max;  // one byte more shows an overlong output
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return Internal("inflateInit failed");
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  int rc = Z_OK;
  while (rc == Z_OK) {
    size_t have = out.size();
    if (have >= limit) break;
    size_t chunk = std::min(kInflateChunk, limit - have);
    out.resize(have + chunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    zs.avail_out = static_cast<uInt>(chunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(have + chunk - zs.avail_out);
    if (rc == Z_BUF_ERROR && zs.avail_in == 0) break;  // input ended mid-stream
  }
  size_t trailing = zs.avail_in;
  inflateEnd(&zs);
  if (out.size() > max) return CompressedError("inflated size over limit");
  if (rc != Z_STREAM_END) return CompressedError("corrupt or truncated zlib stream");
  if (trailing != 0) return CompressedError("bytes after the zlib stream");
  return out;
}

}  // namespace

std::string PermToString(int32_t perm) {
  std::string s = "---";
  if (IsReadable(perm)) s[0] = 'R';
  if (IsWriteable(perm)) s[1] = 'W';
  if (IsInherited(perm)) s[2] = 'X';
  return s;
}

ORBIT_BODIES_DEFINE_JSON_CODEC(TopicConfig)
ORBIT_BODIES_DEFINE_JSON_CODEC(TopicConfigSerializeWrapper)
ORBIT_BODIES_DEFINE_JSON_CODEC(RegisterBrokerBody)

ORBIT_BODIES_DEFINE_PRETTY(TopicConfigSerializeWrapper)

Result<std::string> RegisterBrokerBody::EncodeCompressed() const {
  const TopicConfigSerializeWrapper& w = topic_config_serialize_wrapper;
  std::string raw;
  PutBlock(&raw, w.data_version.Encode());
  PutI32(&raw, static_cast<int32_t>(w.topic_config_table.size()));
  for (const auto& [name, config] : w.topic_config_table) PutBlock(&raw, TopicLine(config));
  std::string filters;
  JsonWriter writer(&filters);
  bodies_internal::WriteValue(&writer, filter_server_list, JsonStyle::kFastjson);
  PutBlock(&raw, filters);
  return Deflate(raw);
}

Result<RegisterBrokerBody> RegisterBrokerBody::DecodeCompressed(std::string_view data,
                                                                size_t max_inflated) {
  ORBIT_ASSIGN_OR_RETURN(std::string raw, Inflate(data, max_inflated));
  ByteReader r(raw);
  RegisterBrokerBody body;
  TopicConfigSerializeWrapper& w = body.topic_config_serialize_wrapper;
  ORBIT_ASSIGN_OR_RETURN(std::string_view version_json, TakeBlock(&r, "dataVersion"));
  ORBIT_ASSIGN_OR_RETURN(w.data_version, DataVersion::Decode(version_json));
  int32_t count = r.I32();
  if (!r.ok() || count < 0 || static_cast<size_t>(count) > r.remaining() / 4) {
    return CompressedError("bad topic count");
  }
  for (int32_t i = 0; i < count; ++i) {
    ORBIT_ASSIGN_OR_RETURN(std::string_view line, TakeBlock(&r, "topic config"));
    ORBIT_ASSIGN_OR_RETURN(TopicConfig config, ParseTopicLine(line));
    std::string name = config.topic_name;
    w.topic_config_table[std::move(name)] = std::move(config);
  }
  ORBIT_ASSIGN_OR_RETURN(std::string_view filters_json, TakeBlock(&r, "filterServerList"));
  auto filters = ParseJson(filters_json);
  if (!filters.ok()) return CompressedError("filterServerList: " + filters.status().message());
  if (!bodies_internal::IsAbsent(*filters)) {
    Status s = bodies_internal::ParseValue(*filters, &body.filter_server_list);
    if (!s.ok()) return bodies_internal::AtMember("RegisterBrokerBody.filterServerList", s);
  }
  return body;
}

}  // namespace orbit::protocol
