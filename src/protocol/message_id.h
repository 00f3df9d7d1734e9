#pragma once

// Message ids and the host addresses they embed.
//
// Offset message id ("offsetMsgId", broker-generated; MessageDecoder.createMessageId):
//   hex( storeHostIP (4 or 16 bytes) | storePort int32 | commitLogOffset int64 )
//   upper-case hex; IPv4 → 16 bytes = 32 chars, IPv6 → 28 bytes = 56 chars.
//   e.g. 192.168.1.10:10911 @ 0x12345 → C0A8010A00002A9F0000000000012345
//
// Unique client id (UNIQ_KEY property; MessageClientIDSetter):
//   | bytes (IPv4) | content                                                        |
//   |--------------|----------------------------------------------------------------|
//   | 0-3          | client IP (16 bytes for IPv6; later offsets shift by 12)        |
//   | 4-5          | process id, low 16 bits                                         |
//   | 6-9          | per-process random int32 (Java: the class loader's hashCode)    |
//   | 10-13        | int32 ms since the start of the current month (local time),      |
//   |              | wrapping past 2^31; values in (-1e6, 0) clamp to 0 (clock step)  |
//   | 14-15        | int16 counter, from 0, wrapping                                  |
//   upper-case hex: 32 chars (IPv4) or 56 chars (IPv6).
// For IPv4 both kinds are 32 chars: only context tells them apart.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace orbit::protocol {

// An IP address as raw network-order bytes (4 or 16) and a port, as stored in records and ids.
struct HostAddress {
  std::string ip;  // 4 bytes (IPv4) or 16 bytes (IPv6)
  int32_t port = 0;

  static HostAddress IPv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int32_t port);
  bool is_ipv6() const { return ip.size() == 16; }
  bool valid() const { return ip.size() == 4 || ip.size() == 16; }
  // "127.0.0.1:10911"; IPv6 as "[0:0:0:0:0:0:0:1]:10911" (Java's uncompressed group form).
  std::string ToString() const;
  bool operator==(const HostAddress& o) const { return ip == o.ip && port == o.port; }
};

// Upper-case hex of bytes (UtilAll.bytes2string).
std::string HexEncode(std::string_view bytes);
// Bytes of upper- or lower-case hex; Malformed on odd length or a non-hex character.
Result<std::string> HexDecode(std::string_view hex);

struct OffsetMessageId {
  HostAddress store_host;
  int64_t commit_log_offset = 0;
};

// The offset id of the record stored at `commit_log_offset` by `store_host`.
// REQUIRES: store_host.valid().
std::string EncodeOffsetMessageId(const HostAddress& store_host, int64_t commit_log_offset);
// Inverse; accepts lower case. Length 32 → IPv4, 56 → IPv6, anything else is Malformed.
Result<OffsetMessageId> DecodeOffsetMessageId(std::string_view id);
// A comma-separated list (batch send response `msgId`).
Result<std::vector<OffsetMessageId>> DecodeOffsetMessageIdList(std::string_view ids);

// Generates UNIQ_KEY values for one process. Times are supplied by the caller (this module
// has no clock): `now_ms` and the start of the month containing it, in the local time zone.
// Thread-safe: the counter is atomic, everything else is immutable.
class UniqueIdGenerator {
 public:
  // REQUIRES: ip is 4 or 16 bytes. Only the low 16 bits of `pid` are used.
  UniqueIdGenerator(std::string_view ip, int32_t pid, int32_t random);

  std::string Next(int64_t now_ms, int64_t month_start_ms);

 private:
  std::string prefix_;  // hex of ip | pid | random
  std::atomic<uint16_t> counter_{0};
};

struct UniqueIdInfo {
  std::string ip;  // 4 or 16 bytes
  uint16_t pid = 0;
  int32_t random = 0;
  uint32_t ms_since_month_start = 0;  // unsigned: Java reads it as such when decoding
  uint16_t counter = 0;
};

// Splits a UNIQ_KEY; accepts lower case. Length 32 → IPv4, 56 → IPv6, else Malformed.
Result<UniqueIdInfo> DecodeUniqueId(std::string_view id);

// Approximate creation time of a unique id (MessageClientIDSetter.getNearlyTimeFromID):
// month_start_ms + offset, or previous_month_start_ms + offset when the former is not before
// now_ms.
int64_t UniqueIdNearlyTimestamp(uint32_t ms_since_month_start, int64_t month_start_ms,
                                int64_t previous_month_start_ms, int64_t now_ms);

}  // namespace orbit::protocol
