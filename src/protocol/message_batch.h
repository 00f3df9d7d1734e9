#pragma once

// SEND_BATCH_MESSAGE request body (MessageDecoder.encodeMessages): one entry per message,
// simply concatenated. Big-endian.
//
// | field            | size    | value                                 |
// |------------------|---------|---------------------------------------|
// | TOTALSIZE        | 4       | 4+4+4+4+4 + bodyLen + 2 + propLen     |
// | MAGICCODE        | 4       | 0 (unused)                            |
// | BODYCRC          | 4       | 0 (the broker computes it)            |
// | FLAG             | 4       | application flag                      |
// | BODYLENGTH       | 4       |                                       |
// | BODY             | bodyLen | never compressed by the 4.9 client    |
// | PROPERTIESLENGTH | 2       | int16: <= 32767                       |
// | PROPERTIES       | propLen | the message's own properties, UNIQ_KEY included |
//
// The topic, queue, sysFlag and the wrapper properties (`WAIT`) travel in the V2 header.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/properties.h"

namespace orbit::protocol {

struct BatchEntry {
  int32_t flag = 0;
  std::string body;
  MessageProperties properties;

  bool operator==(const BatchEntry& o) const {
    return flag == o.flag && body == o.body && properties == o.properties;
  }
};

// Appends the batch body. InvalidArgument (nothing appended) when an entry's properties
// exceed kMaxPropertiesLength or an entry would pass 2 GiB.
Status EncodeBatch(const std::vector<BatchEntry>& entries, std::string* out);

// Decodes a batch body. MAGICCODE and BODYCRC are ignored (the broker ignores them too), so
// only bodies with zeros there re-encode byte for byte. Malformed on truncation, a negative
// length, or lengths that disagree with TOTALSIZE; never reads out of bounds.
Result<std::vector<BatchEntry>> DecodeBatch(std::string_view body);

}  // namespace orbit::protocol
