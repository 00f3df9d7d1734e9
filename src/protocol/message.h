#pragma once

// The stored message record ("MessageExt" wire form): commit-log entries, PULL_MESSAGE /
// QUERY_MESSAGE / VIEW_MESSAGE_BY_ID response bodies (records simply concatenated), and the
// body of CHECK_TRANSACTION_STATE and CONSUME_MESSAGE_DIRECTLY. Big-endian.
//
// clang-format off
// | field                     | size     | offset (IPv4) | notes                              |
// |---------------------------|----------|---------------|------------------------------------|
// | TOTALSIZE                 | 4        | 0             | whole record, this field included  |
// | MAGICCODE                 | 4        | 4             | 0xDAA320A7 (5.x V2: 0xDAA320AB)    |
// | BODYCRC                   | 4        | 8             | CRC32(body as stored) & 0x7FFFFFFF |
// | QUEUEID                   | 4        | 12            |                                    |
// | FLAG                      | 4        | 16            | application flag                   |
// | QUEUEOFFSET               | 8        | 20            | consume-queue index                |
// | PHYSICALOFFSET            | 8        | 28            | commit-log offset of the record    |
// | SYSFLAG                   | 4        | 36            | protocol/message_flags.h           |
// | BORNTIMESTAMP             | 8        | 40            | producer ms                        |
// | BORNHOST                  | 8 / 20   | 48            | ip (4/16 by sysFlag bit 4) + port  |
// | STORETIMESTAMP            | 8        | 56            | broker ms                          |
// | STOREHOST                 | 8 / 20   | 64            | ip (4/16 by sysFlag bit 5) + port  |
// | RECONSUMETIMES            | 4        | 72            |                                    |
// | PREPAREDTRANSACTIONOFFSET | 8        | 76            |                                    |
// | BODYLENGTH                | 4        | 84            | int32 >= 0                         |
// | BODY                      | bodyLen  | 88            | compressed if sysFlag bit 0        |
// | TOPICLENGTH               | 1 (V2: 2)| 88+bodyLen    | signed: topic <= 127 bytes         |
// | TOPIC                     | topicLen |               | UTF-8                              |
// | PROPERTIESLENGTH          | 2        |               | int16: properties <= 32767         |
// | PROPERTIES                | propLen  |               | protocol/properties.h              |
// clang-format on
//
// Total = 91 + bodyLen + topicLen + propLen with IPv4 hosts, +12 per IPv6 host (+1 for V2).
//
// End-of-file filler: a commit-log file ends with `int32 remaining, int32 0xCBD43194` when the
// next record does not fit; readers skip to the next file. PeekRecordPrefix reports it.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/compression.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"

namespace orbit::protocol {

inline constexpr uint32_t kMessageMagicCode = 0xDAA320A7;    // -626843481
inline constexpr uint32_t kMessageMagicCodeV2 = 0xDAA320AB;  // 5.x, 2-byte TOPICLENGTH
inline constexpr uint32_t kBlankMagicCode = 0xCBD43194;      // -875286124, end-of-file filler
inline constexpr size_t kMaxTopicLength = 127;
inline constexpr size_t kMaxTopicLengthV2 = 32767;
inline constexpr size_t kMaxPropertiesLength = 32767;

// The first 8 bytes of a commit-log entry.
struct RecordPrefix {
  int32_t total_size = 0;
  uint32_t magic_code = 0;

  bool is_blank() const { return magic_code == kBlankMagicCode; }
};

// Reads TOTALSIZE and MAGICCODE from the front of `data` without checking that the entry fits.
// Malformed when fewer than 8 bytes, an unknown magic, or TOTALSIZE < 8.
Result<RecordPrefix> PeekRecordPrefix(std::string_view data);

// Where each field of one record lies, as byte offsets from the record's first byte. A broker
// can patch QUEUEOFFSET, PHYSICALOFFSET, STORETIMESTAMP ... in place (base/bytes.h StoreU64).
struct RecordLayout {
  static constexpr size_t kTotalSizePos = 0;
  static constexpr size_t kMagicCodePos = 4;
  static constexpr size_t kBodyCrcPos = 8;
  static constexpr size_t kQueueIdPos = 12;
  static constexpr size_t kFlagPos = 16;
  static constexpr size_t kQueueOffsetPos = 20;
  static constexpr size_t kPhysicalOffsetPos = 28;
  static constexpr size_t kSysFlagPos = 36;
  static constexpr size_t kBornTimestampPos = 40;
  static constexpr size_t kBornHostPos = 48;

  uint32_t magic_code = 0;
  size_t total_size = 0;
  int32_t sys_flag = 0;
  size_t born_ip_size = 0;  // 4 or 16
  size_t store_timestamp_pos = 0;
  size_t store_host_pos = 0;
  size_t store_ip_size = 0;  // 4 or 16
  size_t reconsume_times_pos = 0;
  size_t prepared_transaction_offset_pos = 0;
  size_t body_pos = 0;  // BODYLENGTH is the 4 bytes before
  size_t body_size = 0;
  size_t topic_pos = 0;
  size_t topic_size = 0;
  size_t properties_pos = 0;  // PROPERTIESLENGTH is the 2 bytes before
  size_t properties_size = 0;
};

// Validates the message record at the front of `data` (which may continue past it) and
// locates its fields. Malformed when the entry is the end-of-file filler, has an unknown magic,
// a negative length field, fields that run past TOTALSIZE or past `data`, or fields that do not
// add up to exactly TOTALSIZE. Never reads outside `data`.
Result<RecordLayout> ParseRecordLayout(std::string_view data);

struct MessageRecord {
  uint32_t magic_code = kMessageMagicCode;
  int32_t body_crc = 0;  // as decoded; EncodeRecord writes the CRC of `body` instead
  int32_t queue_id = 0;
  int32_t flag = 0;
  int64_t queue_offset = 0;
  int64_t physical_offset = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  HostAddress born_host;
  int64_t store_timestamp = 0;
  HostAddress store_host;
  int32_t reconsume_times = 0;
  int64_t prepared_transaction_offset = 0;
  std::string body;  // as stored: still compressed when sys_flag bit 0 is set
  std::string topic;
  MessageProperties properties;

  // The broker's id of this record: store host + physical offset (§7.1).
  std::string OffsetMsgId() const;
  // What a Java consumer reports as msgId: UNIQ_KEY when present, else OffsetMsgId().
  std::string ClientMsgId() const;
};

// One record's fields without copies: body, topic, properties (still encoded) and hosts point
// into the decoded data, which must outlive the view. What a client turns into its own message
// type without going through MessageRecord's strings.
struct MessageRecordView {
  uint32_t magic_code = kMessageMagicCode;
  int32_t body_crc = 0;
  int32_t queue_id = 0;
  int32_t flag = 0;
  int64_t queue_offset = 0;
  int64_t physical_offset = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  std::string_view born_ip;  // 4 or 16 bytes
  int32_t born_port = 0;
  int64_t store_timestamp = 0;
  std::string_view store_ip;  // 4 or 16 bytes
  int32_t store_port = 0;
  int32_t reconsume_times = 0;
  int64_t prepared_transaction_offset = 0;
  std::string_view body;  // as stored: still compressed when sys_flag bit 0 is set
  std::string_view topic;
  std::string_view properties;  // name\x01value\x02... (DecodeProperties / ForEachProperty)
};

// Decodes the record at the front of `data`; `*consumed` (optional) gets its TOTALSIZE. The
// body is returned as stored (see DecompressedBody). The CRC is not checked (VerifyBodyCrc).
Result<MessageRecordView> DecodeRecordView(std::string_view data, size_t* consumed = nullptr);
// The same, copied into a MessageRecord.
Result<MessageRecord> DecodeRecord(std::string_view data, size_t* consumed = nullptr);

// Decodes a concatenation of records (a pull body) and appends them to `out`. Stops at the
// first malformed record with a Malformed status naming its offset; the records before it
// stay in `out` (Java keeps those and drops the rest). A filler entry is malformed here.
Status DecodeRecords(std::string_view data, std::vector<MessageRecord>* out);

// Appends the encoding of `record`, computing TOTALSIZE and BODYCRC. InvalidArgument (and
// nothing appended) when the topic exceeds kMaxTopicLength (kMaxTopicLengthV2 for V2), the
// properties exceed kMaxPropertiesLength, a host's IP size disagrees with its sysFlag bit or
// is not 4/16, the magic is not a message magic, or the record would pass 2 GiB.
Status EncodeRecord(const MessageRecord& record, std::string* out);

// Byte size EncodeRecord would produce, with the same checks.
Result<size_t> EncodedRecordSize(const MessageRecord& record);

// Malformed when record.body_crc is not the masked CRC-32 of record.body.
Status VerifyBodyCrc(const MessageRecord& record);

// The body uncompressed per the sysFlag (a copy when not compressed). kCompression on corrupt
// data or output beyond max_size; kUnsupported for an undefined compression type.
Result<std::string> DecompressedBody(const MessageRecord& record,
                                     size_t max_size = kDefaultMaxDecompressedSize);
Result<std::string> DecompressedBody(int32_t sys_flag, std::string_view body,
                                     size_t max_size = kDefaultMaxDecompressedSize);

}  // namespace orbit::protocol
