#pragma once

#include <cstdint>
#include <string_view>

namespace orbit {

// CRC-32 (IEEE 802.3, the one zlib and java.util.zip.CRC32 compute). Uses ISA-L when the build
// found it (about 12x faster here), zlib otherwise.
uint32_t Crc32(std::string_view data);
uint32_t Crc32Update(uint32_t crc, std::string_view data);

// RocketMQ's body and registration checksum: CRC-32 with the top bit cleared.
inline int32_t MaskedCrc32(std::string_view data) {
  return static_cast<int32_t>(Crc32(data) & 0x7FFFFFFFu);
}

}  // namespace orbit
