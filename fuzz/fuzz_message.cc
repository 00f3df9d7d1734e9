// Fuzzes the message codec (protocol/message*.h, properties.h, message_id.h, compression.h). The
// first input byte chooses what the rest is (selector % 8):
//   0 a pull body (records concatenated)     4 a message id (offset id, id list, UNIQ_KEY, hex)
//   1 a single stored record                 5 a zlib stream
//   2 a SEND_BATCH_MESSAGE body              6 an LZ4 frame
//   3 a properties string                    7 a zstd frame
// Decompression always runs with a small output cap. What the decoders accept must re-encode
// into bytes that decode to the same values.

#include <algorithm>
#include <cctype>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz/fuzz_check.h"
#include "protocol/compression.h"
#include "protocol/message.h"
#include "protocol/message_batch.h"
#include "protocol/message_flags.h"
#include "protocol/message_id.h"
#include "protocol/properties.h"
#include "protocol/tag_hash.h"

namespace {

namespace p = orbit::protocol;

// Output cap for every decompression: enough for the golden 8 KiB bodies, small enough that a
// bomb costs nothing.
constexpr size_t kMaxDecompressed = 64 * 1024;

void CheckSameRecord(const p::MessageRecord& a, const p::MessageRecord& b) {
  ORBIT_FUZZ_CHECK(a.magic_code == b.magic_code, "record magic differs");
  ORBIT_FUZZ_CHECK(a.queue_id == b.queue_id, "record queue id differs");
  ORBIT_FUZZ_CHECK(a.flag == b.flag, "record flag differs");
  ORBIT_FUZZ_CHECK(a.queue_offset == b.queue_offset, "record queue offset differs");
  ORBIT_FUZZ_CHECK(a.physical_offset == b.physical_offset, "record physical offset differs");
  ORBIT_FUZZ_CHECK(a.sys_flag == b.sys_flag, "record sysFlag differs");
  ORBIT_FUZZ_CHECK(a.born_timestamp == b.born_timestamp, "record born timestamp differs");
  ORBIT_FUZZ_CHECK(a.born_host == b.born_host, "record born host differs");
  ORBIT_FUZZ_CHECK(a.store_timestamp == b.store_timestamp, "record store timestamp differs");
  ORBIT_FUZZ_CHECK(a.store_host == b.store_host, "record store host differs");
  ORBIT_FUZZ_CHECK(a.reconsume_times == b.reconsume_times, "record reconsume times differs");
  ORBIT_FUZZ_CHECK(a.prepared_transaction_offset == b.prepared_transaction_offset,
                   "record prepared transaction offset differs");
  ORBIT_FUZZ_CHECK(a.body == b.body, "record body differs");
  ORBIT_FUZZ_CHECK(a.topic == b.topic, "record topic differs");
  ORBIT_FUZZ_CHECK(a.properties == b.properties, "record properties differ");
}

void CheckDecodedProperties(const p::MessageProperties& props) {
  std::string encoded = p::EncodeProperties(props);
  ORBIT_FUZZ_CHECK(p::EncodedPropertiesSize(props) == encoded.size(),
                   "EncodedPropertiesSize disagrees with EncodeProperties");
  ORBIT_FUZZ_CHECK(p::DecodeProperties(encoded) == props, "properties do not round-trip");
  for (const auto& [name, value] : props) {
    ORBIT_FUZZ_CHECK(!name.empty() && !value.empty(), "decoded an empty property");
    ORBIT_FUZZ_CHECK(name.find(p::kNameValueSeparator) == std::string::npos,
                     "decoded property name holds 0x01");
    ORBIT_FUZZ_CHECK(value.find(p::kPropertySeparator) == std::string::npos,
                     "decoded property value holds 0x02");
  }
  std::string_view keys = props.Get(p::kPropertyKeys);
  for (std::string_view key : p::SplitKeys(keys)) {
    ORBIT_FUZZ_CHECK(!key.empty() && key.find(p::kKeySeparator) == std::string_view::npos,
                     "SplitKeys returned a bad token");
  }
  (void)p::TagsHashCode(props.Get(p::kPropertyTags));
}

// Checks one record Orbit accepted; `raw` is its exact bytes.
void CheckRecord(const p::MessageRecord& rec, std::string_view raw) {
  auto layout = p::ParseRecordLayout(raw);
  ORBIT_FUZZ_CHECK_OK(layout.status());
  ORBIT_FUZZ_CHECK(layout->total_size == raw.size(), "layout size differs from TOTALSIZE");
  ORBIT_FUZZ_CHECK(raw.substr(layout->body_pos, layout->body_size) == rec.body,
                   "layout body differs from the decoded body");
  ORBIT_FUZZ_CHECK(raw.substr(layout->topic_pos, layout->topic_size) == rec.topic,
                   "layout topic differs from the decoded topic");
  ORBIT_FUZZ_CHECK(rec.store_host.valid() && rec.born_host.valid(), "decoded host is invalid");

  CheckDecodedProperties(rec.properties);
  std::string offset_id = rec.OffsetMsgId();
  auto id = p::DecodeOffsetMessageId(offset_id);
  ORBIT_FUZZ_CHECK_OK(id.status());
  ORBIT_FUZZ_CHECK(id->store_host == rec.store_host, "offset msgId host does not round-trip");
  ORBIT_FUZZ_CHECK(id->commit_log_offset == rec.physical_offset,
                   "offset msgId offset does not round-trip");
  (void)rec.ClientMsgId();
  (void)rec.born_host.ToString();
  (void)p::VerifyBodyCrc(rec);
  auto body = p::DecompressedBody(rec, kMaxDecompressed);
  if (body.ok()) ORBIT_FUZZ_CHECK(body->size() <= kMaxDecompressed, "decompression cap ignored");

  // Re-encoding: every record the decoder accepts is encodable, and decodes to the same fields.
  auto size = p::EncodedRecordSize(rec);
  ORBIT_FUZZ_CHECK_OK(size.status());
  std::string encoded;
  ORBIT_FUZZ_CHECK_OK(p::EncodeRecord(rec, &encoded));
  ORBIT_FUZZ_CHECK(encoded.size() == *size, "EncodedRecordSize disagrees with EncodeRecord");
  size_t consumed = 0;
  auto again = p::DecodeRecord(encoded, &consumed);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(consumed == encoded.size(), "re-decoded record size differs");
  CheckSameRecord(rec, *again);
  ORBIT_FUZZ_CHECK_OK(p::VerifyBodyCrc(*again));
  std::string encoded_again;
  ORBIT_FUZZ_CHECK_OK(p::EncodeRecord(*again, &encoded_again));
  ORBIT_FUZZ_CHECK(encoded == encoded_again, "record encoding is not stable");
}

void FuzzPullBody(std::string_view in) {
  std::vector<p::MessageRecord> records;
  orbit::Status st = p::DecodeRecords(in, &records);
  size_t pos = 0;
  for (const p::MessageRecord& rec : records) {
    auto prefix = p::PeekRecordPrefix(in.substr(pos));
    ORBIT_FUZZ_CHECK_OK(prefix.status());
    size_t total = static_cast<size_t>(prefix->total_size);
    ORBIT_FUZZ_CHECK(total <= in.size() - pos, "a decoded record runs past the body");
    CheckRecord(rec, in.substr(pos, total));
    pos += total;
  }
  ORBIT_FUZZ_CHECK(st.ok() == (pos == in.size()), "DecodeRecords status disagrees with records");
}

void FuzzRecord(std::string_view in) {
  (void)p::PeekRecordPrefix(in);
  size_t consumed = 0;
  auto rec = p::DecodeRecord(in, &consumed);
  if (!rec.ok()) return;
  ORBIT_FUZZ_CHECK(consumed >= 8 && consumed <= in.size(), "DecodeRecord consumed out of range");
  CheckRecord(*rec, in.substr(0, consumed));
}

void FuzzBatch(std::string_view in) {
  auto entries = p::DecodeBatch(in);
  if (!entries.ok()) return;
  std::string encoded;
  ORBIT_FUZZ_CHECK_OK(p::EncodeBatch(*entries, &encoded));
  auto again = p::DecodeBatch(encoded);
  ORBIT_FUZZ_CHECK_OK(again.status());
  ORBIT_FUZZ_CHECK(*again == *entries, "batch does not round-trip");
  for (const p::BatchEntry& e : *entries) CheckDecodedProperties(e.properties);
}

std::string Upper(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  return out;
}

void FuzzIds(std::string_view in) {
  auto bytes = p::HexDecode(in);
  if (bytes.ok()) {
    ORBIT_FUZZ_CHECK(p::HexEncode(*bytes) == Upper(in), "hex does not round-trip");
  }
  auto id = p::DecodeOffsetMessageId(in);
  if (id.ok()) {
    ORBIT_FUZZ_CHECK(id->store_host.valid(), "offset msgId decoded an invalid host");
    (void)id->store_host.ToString();
    ORBIT_FUZZ_CHECK(p::EncodeOffsetMessageId(id->store_host, id->commit_log_offset) == Upper(in),
                     "offset msgId does not round-trip");
  }
  auto list = p::DecodeOffsetMessageIdList(in);
  if (list.ok()) {
    std::string joined;
    for (const p::OffsetMessageId& one : *list) {
      if (!joined.empty()) joined.push_back(',');
      joined += p::EncodeOffsetMessageId(one.store_host, one.commit_log_offset);
    }
    ORBIT_FUZZ_CHECK(joined == Upper(in), "offset msgId list does not round-trip");
  }
  auto uniq = p::DecodeUniqueId(in);
  if (uniq.ok()) {
    ORBIT_FUZZ_CHECK(uniq->ip.size() == 4 || uniq->ip.size() == 16, "UNIQ_KEY ip size");
    (void)p::UniqueIdNearlyTimestamp(uniq->ms_since_month_start, 1'700'000'000'000,
                                     1'697'000'000'000, 1'700'100'000'000);
  }
}

void FuzzDecompress(p::CompressionType type, std::string_view in) {
  auto out = p::Decompress(type, in, kMaxDecompressed);
  if (!out.ok()) return;
  ORBIT_FUZZ_CHECK(out->size() <= kMaxDecompressed, "decompression cap ignored");
  auto packed = p::Compress(type, *out, 1);
  ORBIT_FUZZ_CHECK_OK(packed.status());
  auto unpacked = p::Decompress(type, *packed, kMaxDecompressed);
  ORBIT_FUZZ_CHECK_OK(unpacked.status());
  ORBIT_FUZZ_CHECK(*unpacked == *out, "compression does not round-trip");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view in = orbit::fuzz::AsView(data, size);
  uint8_t selector = 0;
  if (!orbit::fuzz::TakeSelector(&in, &selector)) return 0;
  switch (selector % 8) {
    case 0:
      FuzzPullBody(in);
      break;
    case 1:
      FuzzRecord(in);
      break;
    case 2:
      FuzzBatch(in);
      break;
    case 3:
      CheckDecodedProperties(p::DecodeProperties(in));
      break;
    case 4:
      FuzzIds(in);
      break;
    case 5:
      FuzzDecompress(p::CompressionType::kZlib, in);
      break;
    case 6:
      FuzzDecompress(p::CompressionType::kLz4, in);
      break;
    case 7:
      FuzzDecompress(p::CompressionType::kZstd, in);
      break;
  }
  return 0;
}
