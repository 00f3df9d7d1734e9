// dump: one line per message record, in commit-log order.

#include <openssl/evp.h>

#include "apps/store/internal/read_only_file_system.h"
#include "apps/store/internal/store_files.h"
#include "apps/store/store_tool.h"
#include "protocol/json.h"
#include "protocol/message.h"

namespace orbit::store_tool {
namespace {

std::string Sha256Hex(std::string_view data) {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(data.data(), data.size(), md, &len, EVP_sha256(), nullptr) != 1) return {};
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out.push_back(kHex[md[i] >> 4]);
    out.push_back(kHex[md[i] & 15]);
  }
  return out;
}

// Text form: a value may not break the line or the tab-separated fields, so backslash, tab,
// CR, LF and other control bytes are escaped (\\ \t \r \n \xHH); inside the properties field also
// the pair separator ';' and, in names, '='.
void AppendEscaped(std::string* out, std::string_view s, std::string_view also = {}) {
  static const char kHex[] = "0123456789ABCDEF";
  for (char c : s) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\\' || also.find(c) != std::string_view::npos) {
      out->push_back('\\');
      out->push_back(c);
    } else if (c == '\t') {
      out->append("\\t");
    } else if (c == '\n') {
      out->append("\\n");
    } else if (c == '\r') {
      out->append("\\r");
    } else if (u < 0x20 || u == 0x7F) {
      out->append("\\x");
      out->push_back(kHex[u >> 4]);
      out->push_back(kHex[u & 15]);
    } else {
      out->push_back(c);
    }
  }
}

struct Body {
  bool ok = false;
  size_t length = 0;
  std::string sha256;
  std::string error;
};

std::string TextLine(const protocol::MessageRecord& m, const Body& body) {
  std::string line;
  auto field = [&](std::string_view key, std::string_view value) {
    if (!line.empty()) line.push_back('\t');
    line.append(key);
    line.push_back('=');
    AppendEscaped(&line, value);
  };
  field("topic", m.topic);
  field("queueId", std::to_string(m.queue_id));
  field("queueOffset", std::to_string(m.queue_offset));
  field("commitLogOffset", std::to_string(m.physical_offset));
  field("msgId", m.OffsetMsgId());
  field("keys", m.properties.Get(protocol::kPropertyKeys));
  field("tags", m.properties.Get(protocol::kPropertyTags));
  line.append("\tproperties=");
  bool first = true;
  for (const auto& [name, value] : m.properties) {
    if (!first) line.push_back(';');
    first = false;
    AppendEscaped(&line, name, ";=");
    line.push_back('=');
    AppendEscaped(&line, value, ";");
  }
  if (body.ok) {
    field("bodyLength", std::to_string(body.length));
    field("bodySha256", body.sha256);
  } else {
    field("bodyError", body.error);
  }
  return line;
}

std::string JsonLine(const protocol::MessageRecord& m, const Body& body) {
  std::string line;
  protocol::JsonWriter w(&line);
  auto optional = [&](std::string_view key, std::string_view name) {
    w.Key(key);
    if (const std::string* v = m.properties.Find(name)) {
      w.String(*v);
    } else {
      w.Null();
    }
  };
  w.BeginObject();
  w.Key("topic").String(m.topic);
  w.Key("queueId").Int(m.queue_id);
  w.Key("queueOffset").Int(m.queue_offset);
  w.Key("commitLogOffset").Int(m.physical_offset);
  w.Key("msgId").String(m.OffsetMsgId());
  optional("uniqKey", protocol::kPropertyUniqKey);
  optional("keys", protocol::kPropertyKeys);
  optional("tags", protocol::kPropertyTags);
  w.Key("properties").BeginObject();
  for (const auto& [name, value] : m.properties) w.Key(name).String(value);
  w.EndObject();
  w.Key("sysFlag").Int(m.sys_flag);
  w.Key("storeTimestamp").Int(m.store_timestamp);
  if (body.ok) {
    w.Key("bodyLength").Int(static_cast<int64_t>(body.length));
    w.Key("bodySha256").String(body.sha256);
  } else {
    w.Key("bodyLength").Null();
    w.Key("bodySha256").Null();
    w.Key("bodyError").String(body.error);
  }
  w.EndObject();
  return line;
}

}  // namespace

int RunDump(const DumpOptions& options, std::ostream& out, std::ostream& err) {
  if (options.dir.empty()) {
    err << "orbit-store dump: no store directory given\n";
    return kExitUsage;
  }
  if (options.topic && options.topic->empty()) {
    err << "orbit-store dump: --topic needs a topic name\n";
    return kExitUsage;
  }
  store::FileSystem& fs = *ReadOnlyFileSystem();
  if (!fs.IsDirectory(options.dir)) {
    err << "orbit-store dump: " << options.dir << " is not a directory\n";
    return kExitUsage;
  }
  auto opened = OpenCommitLog(fs, options.dir);
  if (!opened.ok()) {
    err << "orbit-store dump: " << opened.status().message() << "\n";
    return kExitUsage;
  }
  for (const auto& problem : opened->files.problems) {
    err << "orbit-store dump: commitlog: " << problem << "; the commit log cannot be read\n";
  }
  if (opened->log == nullptr) return kExitCorrupt;

  const uint64_t segment_size = opened->files.segment_size;
  bool skipped = false;
  LogEvents events;
  events.record = [&](const store::ScannedRecord& rec) {
    std::string_view topic = rec.bytes.substr(rec.layout.topic_pos, rec.layout.topic_size);
    if (options.topic && topic != *options.topic) return;
    auto m = protocol::DecodeRecord(rec.bytes);
    if (!m.ok()) {  // the scan checked the layout already; kept for safety
      err << "orbit-store dump: record at " << rec.offset << ": " << m.status().message() << "\n";
      skipped = true;
      return;
    }
    Body body;
    auto plain = protocol::DecompressedBody(*m);
    if (plain.ok()) {
      body.ok = true;
      body.length = plain->size();
      body.sha256 = Sha256Hex(*plain);
    } else {
      body.error = plain.status().ToString();
      skipped = true;
      err << "orbit-store dump: record at " << rec.offset << " ("
          << DescribeLogOffset(segment_size, rec.offset)
          << "): body does not decompress: " << body.error << "\n";
    }
    out << (options.json ? JsonLine(*m, body) : TextLine(*m, body)) << "\n";
  };
  events.corrupt = [&](int64_t begin, int64_t end) {
    skipped = true;
    err << "orbit-store dump: skipped corrupt data at offset " << begin << " ("
        << DescribeLogOffset(segment_size, begin) << "), " << end - begin
        << " bytes up to the next valid record\n";
  };
  LogWalk walk = WalkLog(*opened->log, events);
  if (walk.tail.first_nonzero >= 0) {
    err << "orbit-store dump: note: torn tail of " << walk.tail.nonzero_span
        << " bytes after the last valid record, from offset " << walk.tail.first_nonzero << " ("
        << DescribeLogOffset(segment_size, walk.tail.first_nonzero) << "), not dumped\n";
  }
  out.flush();
  return skipped ? kExitCorrupt : kExitOk;
}

}  // namespace orbit::store_tool
