#include "protocol/message_id.h"

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <utility>

#include "base/bytes.h"

namespace orbit::protocol {
namespace {

constexpr char kHexDigits[] = "0123456789ABCDEF";

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return -1;
}

// The IP length implied by an id of `hex_len` characters whose non-IP part is `rest` bytes.
Result<size_t> IpLengthOfId(size_t hex_len, size_t rest, std::string_view what) {
  if (hex_len == 2 * (4 + rest)) return size_t{4};
  if (hex_len == 2 * (16 + rest)) return size_t{16};
  return Malformed(std::string(what) + " has length " + std::to_string(hex_len) + ", want " +
                   std::to_string(2 * (4 + rest)) + " or " + std::to_string(2 * (16 + rest)));
}

}  // namespace

HostAddress HostAddress::IPv4(uint8_t a, uint8_t b, uint8_t c, uint8_t d, int32_t port) {
  HostAddress h;
  h.ip = {static_cast<char>(a), static_cast<char>(b), static_cast<char>(c), static_cast<char>(d)};
  h.port = port;
  return h;
}

std::string HostAddress::ToString() const {
  std::string out;
  if (ip.size() == 16) {
    out.push_back('[');
    for (size_t i = 0; i < 16; i += 2) {
      if (i > 0) out.push_back(':');
      char group[8];
      snprintf(group, sizeof(group), "%x", unsigned{LoadU16(ip.data() + i)});
      out.append(group);
    }
    out.push_back(']');
  } else {
    for (size_t i = 0; i < ip.size(); ++i) {
      if (i > 0) out.push_back('.');
      out.append(std::to_string(static_cast<uint8_t>(ip[i])));
    }
  }
  return out + ":" + std::to_string(port);
}

std::string HexEncode(std::string_view bytes) {
  std::string out(bytes.size() * 2, '\0');
  char* p = out.data();
  for (char c : bytes) {
    auto b = static_cast<uint8_t>(c);
    *p++ = kHexDigits[b >> 4];
    *p++ = kHexDigits[b & 0xF];
  }
  return out;
}

Result<std::string> HexDecode(std::string_view hex) {
  if (hex.size() % 2 != 0) return Malformed("hex string of odd length");
  std::string out(hex.size() / 2, '\0');
  for (size_t i = 0; i < out.size(); ++i) {
    int hi = HexValue(hex[2 * i]);
    int lo = HexValue(hex[2 * i + 1]);
    if (hi < 0 || lo < 0) return Malformed("non-hex character in '" + std::string(hex) + "'");
    out[i] = static_cast<char>((hi << 4) | lo);
  }
  return out;
}

std::string EncodeOffsetMessageId(const HostAddress& store_host, int64_t commit_log_offset) {
  // On every send's answer: built on the stack (IPv6 at most: 16 + 4 + 8 bytes).
  char raw[28];
  const size_t ip_len = std::min<size_t>(store_host.ip.size(), 16);
  std::memcpy(raw, store_host.ip.data(), ip_len);
  StoreU32(raw + ip_len, static_cast<uint32_t>(store_host.port));
  StoreU64(raw + ip_len + 4, static_cast<uint64_t>(commit_log_offset));
  return HexEncode(std::string_view(raw, ip_len + 12));
}

Result<OffsetMessageId> DecodeOffsetMessageId(std::string_view id) {
  ORBIT_ASSIGN_OR_RETURN(size_t ip_len, IpLengthOfId(id.size(), 4 + 8, "offset message id"));
  ORBIT_ASSIGN_OR_RETURN(std::string raw, HexDecode(id));
  ByteReader r(raw);
  OffsetMessageId out;
  out.store_host.ip = std::string(r.Bytes(ip_len));
  out.store_host.port = r.I32();
  out.commit_log_offset = r.I64();
  return out;
}

Result<std::vector<OffsetMessageId>> DecodeOffsetMessageIdList(std::string_view ids) {
  std::vector<OffsetMessageId> out;
  size_t pos = 0;
  for (;;) {
    size_t comma = ids.find(',', pos);
    std::string_view one =
        ids.substr(pos, comma == std::string_view::npos ? ids.npos : comma - pos);
    ORBIT_ASSIGN_OR_RETURN(OffsetMessageId id, DecodeOffsetMessageId(one));
    out.push_back(std::move(id));
    if (comma == std::string_view::npos) return out;
    pos = comma + 1;
  }
}

UniqueIdGenerator::UniqueIdGenerator(std::string_view ip, int32_t pid, int32_t random) {
  std::string raw(ip);
  PutU16(&raw, static_cast<uint16_t>(pid));
  PutI32(&raw, random);
  prefix_ = HexEncode(raw);
}

std::string UniqueIdGenerator::Next(int64_t now_ms, int64_t month_start_ms) {
  // Java: (int) (now - startTime), wrapping; a small negative value (clock stepped back, NTP)
  // becomes 0.
  auto diff = static_cast<int32_t>(static_cast<uint32_t>(now_ms - month_start_ms));
  if (diff < 0 && diff > -1000000) diff = 0;
  std::string raw;
  PutI32(&raw, diff);
  PutU16(&raw, counter_.fetch_add(1, std::memory_order_relaxed));
  return prefix_ + HexEncode(raw);
}

Result<UniqueIdInfo> DecodeUniqueId(std::string_view id) {
  ORBIT_ASSIGN_OR_RETURN(size_t ip_len, IpLengthOfId(id.size(), 2 + 4 + 4 + 2, "unique id"));
  ORBIT_ASSIGN_OR_RETURN(std::string raw, HexDecode(id));
  ByteReader r(raw);
  UniqueIdInfo out;
  out.ip = std::string(r.Bytes(ip_len));
  out.pid = r.U16();
  out.random = r.I32();
  out.ms_since_month_start = r.U32();
  out.counter = r.U16();
  return out;
}

int64_t UniqueIdNearlyTimestamp(uint32_t ms_since_month_start, int64_t month_start_ms,
                                int64_t previous_month_start_ms, int64_t now_ms) {
  int64_t t = month_start_ms + int64_t{ms_since_month_start};
  return t >= now_ms ? previous_month_start_ms + int64_t{ms_since_month_start} : t;
}

}  // namespace orbit::protocol
