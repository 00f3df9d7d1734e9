#include "protocol/message.h"

#include <cstdio>
#include <limits>
#include <utility>

#include "base/bytes.h"
#include "base/crc32.h"
#include "protocol/message_flags.h"

namespace orbit::protocol {
namespace {

// Sizes of the fixed fields between the hosts and the variable parts.
constexpr size_t kFixedHead = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8;  // up to BORNHOST
constexpr size_t kFixedMid = 8 + 4 + 8 + 4;  // STORETIMESTAMP, RECONSUMETIMES, PREP. OFF, BODYLEN

std::string Hex32(uint32_t v) {
  char buf[16];
  snprintf(buf, sizeof(buf), "0x%08X", v);
  return buf;
}

bool IsMessageMagic(uint32_t magic) {
  return magic == kMessageMagicCode || magic == kMessageMagicCodeV2;
}

size_t TopicLengthFieldSize(uint32_t magic) { return magic == kMessageMagicCodeV2 ? 2 : 1; }

// Reads a length field of the given width as a signed value; Malformed when negative.
Result<size_t> ReadLength(ByteReader* r, size_t width, const char* field) {
  int64_t v = width == 1 ? r->I8() : width == 2 ? r->I16() : r->I32();
  if (v < 0) return Malformed(std::string(field) + " is negative (" + std::to_string(v) + ")");
  return static_cast<size_t>(v);
}

Status CheckHost(const HostAddress& host, bool v6_flag, const char* which) {
  if (!host.valid()) return InvalidArgument(std::string(which) + " IP must be 4 or 16 bytes");
  if (host.is_ipv6() != v6_flag) {
    return InvalidArgument(std::string(which) + " IP size disagrees with its sysFlag v6 bit");
  }
  return Status::Ok();
}

Status WithOffset(const Status& s, size_t offset) {
  return Status(s.code(), "record at offset " + std::to_string(offset) + ": " + s.message());
}

}  // namespace

Result<RecordPrefix> PeekRecordPrefix(std::string_view data) {
  ByteReader r(data);
  RecordPrefix p;
  p.total_size = r.I32();
  p.magic_code = r.U32();
  if (!r.ok()) return Malformed("record shorter than 8 bytes");
  if (!IsMessageMagic(p.magic_code) && !p.is_blank()) {
    return Malformed("unknown magic code " + Hex32(p.magic_code));
  }
  if (p.total_size < 8) return Malformed("TOTALSIZE " + std::to_string(p.total_size) + " < 8");
  return p;
}

Result<RecordLayout> ParseRecordLayout(std::string_view data) {
  ORBIT_ASSIGN_OR_RETURN(RecordPrefix prefix, PeekRecordPrefix(data));
  if (prefix.is_blank()) return Malformed("end-of-file filler (blank magic), not a message");
  if (static_cast<size_t>(prefix.total_size) > data.size()) {
    return Malformed("TOTALSIZE " + std::to_string(prefix.total_size) + " exceeds the " +
                     std::to_string(data.size()) + " bytes available");
  }
  RecordLayout l;
  l.magic_code = prefix.magic_code;
  l.total_size = static_cast<size_t>(prefix.total_size);
  ByteReader r(data.substr(0, l.total_size));
  r.Skip(RecordLayout::kSysFlagPos);
  l.sys_flag = r.I32();
  l.born_ip_size = IsBornHostV6(l.sys_flag) ? 16 : 4;
  l.store_ip_size = IsStoreHostV6(l.sys_flag) ? 16 : 4;
  r.Skip(8 + l.born_ip_size + 4);  // BORNTIMESTAMP, BORNHOST
  l.store_timestamp_pos = r.position();
  r.Skip(8);
  l.store_host_pos = r.position();
  r.Skip(l.store_ip_size + 4);
  l.reconsume_times_pos = r.position();
  l.prepared_transaction_offset_pos = l.reconsume_times_pos + 4;
  r.Skip(4 + 8);
  ORBIT_ASSIGN_OR_RETURN(l.body_size, ReadLength(&r, 4, "BODYLENGTH"));
  l.body_pos = r.position();
  r.Skip(l.body_size);
  ORBIT_ASSIGN_OR_RETURN(l.topic_size,
                         ReadLength(&r, TopicLengthFieldSize(l.magic_code), "TOPICLENGTH"));
  l.topic_pos = r.position();
  r.Skip(l.topic_size);
  ORBIT_ASSIGN_OR_RETURN(l.properties_size, ReadLength(&r, 2, "PROPERTIESLENGTH"));
  l.properties_pos = r.position();
  r.Skip(l.properties_size);
  if (!r.ok()) return Malformed("fields run past TOTALSIZE " + std::to_string(l.total_size));
  if (r.remaining() != 0) {
    return Malformed("fields end at " + std::to_string(r.position()) + " but TOTALSIZE is " +
                     std::to_string(l.total_size));
  }
  return l;
}

std::string MessageRecord::OffsetMsgId() const {
  return EncodeOffsetMessageId(store_host, physical_offset);
}

std::string MessageRecord::ClientMsgId() const {
  const std::string* uniq = properties.Find(kPropertyUniqKey);
  return uniq ? *uniq : OffsetMsgId();
}

Result<MessageRecordView> DecodeRecordView(std::string_view data, size_t* consumed) {
  ORBIT_ASSIGN_OR_RETURN(RecordLayout l, ParseRecordLayout(data));
  const char* p = data.data();
  MessageRecordView m;
  m.magic_code = l.magic_code;
  m.body_crc = static_cast<int32_t>(LoadU32(p + RecordLayout::kBodyCrcPos));
  m.queue_id = static_cast<int32_t>(LoadU32(p + RecordLayout::kQueueIdPos));
  m.flag = static_cast<int32_t>(LoadU32(p + RecordLayout::kFlagPos));
  m.queue_offset = static_cast<int64_t>(LoadU64(p + RecordLayout::kQueueOffsetPos));
  m.physical_offset = static_cast<int64_t>(LoadU64(p + RecordLayout::kPhysicalOffsetPos));
  m.sys_flag = l.sys_flag;
  m.born_timestamp = static_cast<int64_t>(LoadU64(p + RecordLayout::kBornTimestampPos));
  m.born_ip = data.substr(RecordLayout::kBornHostPos, l.born_ip_size);
  m.born_port = static_cast<int32_t>(LoadU32(p + RecordLayout::kBornHostPos + l.born_ip_size));
  m.store_timestamp = static_cast<int64_t>(LoadU64(p + l.store_timestamp_pos));
  m.store_ip = data.substr(l.store_host_pos, l.store_ip_size);
  m.store_port = static_cast<int32_t>(LoadU32(p + l.store_host_pos + l.store_ip_size));
  m.reconsume_times = static_cast<int32_t>(LoadU32(p + l.reconsume_times_pos));
  m.prepared_transaction_offset =
      static_cast<int64_t>(LoadU64(p + l.prepared_transaction_offset_pos));
  m.body = data.substr(l.body_pos, l.body_size);
  m.topic = data.substr(l.topic_pos, l.topic_size);
  m.properties = data.substr(l.properties_pos, l.properties_size);
  if (consumed) *consumed = l.total_size;
  return m;
}

Result<MessageRecord> DecodeRecord(std::string_view data, size_t* consumed) {
  ORBIT_ASSIGN_OR_RETURN(MessageRecordView v, DecodeRecordView(data, consumed));
  MessageRecord m;
  m.magic_code = v.magic_code;
  m.body_crc = v.body_crc;
  m.queue_id = v.queue_id;
  m.flag = v.flag;
  m.queue_offset = v.queue_offset;
  m.physical_offset = v.physical_offset;
  m.sys_flag = v.sys_flag;
  m.born_timestamp = v.born_timestamp;
  m.born_host = HostAddress{std::string(v.born_ip), v.born_port};
  m.store_timestamp = v.store_timestamp;
  m.store_host = HostAddress{std::string(v.store_ip), v.store_port};
  m.reconsume_times = v.reconsume_times;
  m.prepared_transaction_offset = v.prepared_transaction_offset;
  m.body.assign(v.body);
  m.topic.assign(v.topic);
  m.properties = DecodeProperties(v.properties);
  return m;
}

Status DecodeRecords(std::string_view data, std::vector<MessageRecord>* out) {
  size_t pos = 0;
  while (pos < data.size()) {
    size_t consumed = 0;
    Result<MessageRecord> rec = DecodeRecord(data.substr(pos), &consumed);
    if (!rec.ok()) return WithOffset(rec.status(), pos);
    out->push_back(std::move(rec).value());
    pos += consumed;
  }
  return Status::Ok();
}

Result<size_t> EncodedRecordSize(const MessageRecord& m) {
  if (!IsMessageMagic(m.magic_code)) {
    return InvalidArgument("magic code " + Hex32(m.magic_code) + " is not a message magic");
  }
  size_t max_topic = m.magic_code == kMessageMagicCodeV2 ? kMaxTopicLengthV2 : kMaxTopicLength;
  if (m.topic.size() > max_topic) {
    return InvalidArgument("topic of " + std::to_string(m.topic.size()) + " bytes exceeds " +
                           std::to_string(max_topic));
  }
  ORBIT_RETURN_IF_ERROR(CheckHost(m.born_host, IsBornHostV6(m.sys_flag), "born host"));
  ORBIT_RETURN_IF_ERROR(CheckHost(m.store_host, IsStoreHostV6(m.sys_flag), "store host"));
  size_t props = EncodedPropertiesSize(m.properties);
  if (props > kMaxPropertiesLength) {
    return InvalidArgument("properties of " + std::to_string(props) + " bytes exceed " +
                           std::to_string(kMaxPropertiesLength));
  }
  constexpr size_t kMaxRecord = std::numeric_limits<int32_t>::max();
  if (m.body.size() > kMaxRecord) return InvalidArgument("body exceeds 2 GiB");
  size_t total = kFixedHead + m.born_host.ip.size() + 4 + kFixedMid + m.store_host.ip.size() + 4 +
                 m.body.size() + TopicLengthFieldSize(m.magic_code) + m.topic.size() + 2 + props;
  if (total > kMaxRecord) return InvalidArgument("record exceeds 2 GiB");
  return total;
}

Status EncodeRecord(const MessageRecord& m, std::string* out) {
  ORBIT_ASSIGN_OR_RETURN(size_t total, EncodedRecordSize(m));
  out->reserve(out->size() + total);
  PutI32(out, static_cast<int32_t>(total));
  PutU32(out, m.magic_code);
  PutI32(out, MaskedCrc32(m.body));
  PutI32(out, m.queue_id);
  PutI32(out, m.flag);
  PutI64(out, m.queue_offset);
  PutI64(out, m.physical_offset);
  PutI32(out, m.sys_flag);
  PutI64(out, m.born_timestamp);
  out->append(m.born_host.ip);
  PutI32(out, m.born_host.port);
  PutI64(out, m.store_timestamp);
  out->append(m.store_host.ip);
  PutI32(out, m.store_host.port);
  PutI32(out, m.reconsume_times);
  PutI64(out, m.prepared_transaction_offset);
  PutI32(out, static_cast<int32_t>(m.body.size()));
  out->append(m.body);
  if (m.magic_code == kMessageMagicCodeV2) {
    PutI16(out, static_cast<int16_t>(m.topic.size()));
  } else {
    PutU8(out, static_cast<uint8_t>(m.topic.size()));
  }
  out->append(m.topic);
  PutI16(out, static_cast<int16_t>(EncodedPropertiesSize(m.properties)));
  AppendProperties(m.properties, out);
  return Status::Ok();
}

Status VerifyBodyCrc(const MessageRecord& record) {
  int32_t actual = MaskedCrc32(record.body);
  if (actual == record.body_crc) return Status::Ok();
  return Malformed("body CRC " + std::to_string(record.body_crc) + " does not match computed " +
                   std::to_string(actual));
}

Result<std::string> DecompressedBody(const MessageRecord& record, size_t max_size) {
  return DecompressedBody(record.sys_flag, record.body, max_size);
}

Result<std::string> DecompressedBody(int32_t sys_flag, std::string_view body, size_t max_size) {
  if (!IsCompressed(sys_flag)) return std::string(body);
  ORBIT_ASSIGN_OR_RETURN(CompressionType type, CompressionTypeFromSysFlag(sys_flag));
  return Decompress(type, body, max_size);
}

}  // namespace orbit::protocol
