#include "protocol/message_batch.h"

#include <limits>
#include <utility>

#include "base/bytes.h"
#include "protocol/message.h"

namespace orbit::protocol {
namespace {

constexpr size_t kEntryOverhead = 4 + 4 + 4 + 4 + 4 + 2;

Result<size_t> EntrySize(const BatchEntry& e) {
  size_t props = EncodedPropertiesSize(e.properties);
  if (props > kMaxPropertiesLength) {
    return InvalidArgument("batch entry properties of " + std::to_string(props) + " bytes exceed " +
                           std::to_string(kMaxPropertiesLength));
  }
  size_t total = kEntryOverhead + e.body.size() + props;
  if (total > static_cast<size_t>(std::numeric_limits<int32_t>::max())) {
    return InvalidArgument("batch entry exceeds 2 GiB");
  }
  return total;
}

// Decodes one entry from the front of `r`.
Result<BatchEntry> DecodeEntry(ByteReader* r) {
  size_t start = r->position();
  int32_t total = r->I32();
  r->Skip(4 + 4);  // MAGICCODE, BODYCRC
  BatchEntry e;
  e.flag = r->I32();
  int32_t body_len = r->I32();
  if (r->ok() && body_len < 0) return Malformed("negative BODYLENGTH");
  e.body = std::string(r->Bytes(static_cast<size_t>(body_len)));
  int16_t props_len = r->I16();
  if (r->ok() && props_len < 0) return Malformed("negative PROPERTIESLENGTH");
  std::string_view props = r->Bytes(static_cast<size_t>(props_len));
  if (!r->ok()) return Malformed("truncated entry");
  if (static_cast<int64_t>(r->position() - start) != total) {
    return Malformed("TOTALSIZE " + std::to_string(total) + " disagrees with field lengths");
  }
  e.properties = DecodeProperties(props);
  return e;
}

}  // namespace

Status EncodeBatch(const std::vector<BatchEntry>& entries, std::string* out) {
  size_t total = 0;
  for (const BatchEntry& e : entries) {
    ORBIT_ASSIGN_OR_RETURN(size_t n, EntrySize(e));
    total += n;
  }
  out->reserve(out->size() + total);
  for (const BatchEntry& e : entries) {
    size_t props = EncodedPropertiesSize(e.properties);
    PutI32(out, static_cast<int32_t>(kEntryOverhead + e.body.size() + props));
    PutI32(out, 0);  // MAGICCODE
    PutI32(out, 0);  // BODYCRC
    PutI32(out, e.flag);
    PutI32(out, static_cast<int32_t>(e.body.size()));
    out->append(e.body);
    PutI16(out, static_cast<int16_t>(props));
    AppendProperties(e.properties, out);
  }
  return Status::Ok();
}

Result<std::vector<BatchEntry>> DecodeBatch(std::string_view body) {
  std::vector<BatchEntry> out;
  ByteReader r(body);
  while (r.remaining() > 0) {
    size_t offset = r.position();
    Result<BatchEntry> e = DecodeEntry(&r);
    if (!e.ok()) {
      return Malformed("batch entry at offset " + std::to_string(offset) + ": " +
                       e.status().message());
    }
    out.push_back(std::move(e).value());
  }
  return out;
}

}  // namespace orbit::protocol
