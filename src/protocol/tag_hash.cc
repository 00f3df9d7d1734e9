#include "protocol/tag_hash.h"

namespace orbit::protocol {
namespace {

constexpr uint32_t kReplacementChar = 0xFFFD;

// Decodes the well-formed UTF-8 sequence at s[i] into *cp and returns its length, or returns 0
// when the bytes there are not a well-formed sequence (RFC 3629).
size_t DecodeUtf8(std::string_view s, size_t i, uint32_t* cp) {
  auto b0 = static_cast<uint8_t>(s[i]);
  size_t len;
  uint32_t min;
  if (b0 < 0x80) {
    *cp = b0;
    return 1;
  } else if (b0 >= 0xC2 && b0 <= 0xDF) {
    len = 2, min = 0x80, *cp = b0 & 0x1F;
  } else if (b0 >= 0xE0 && b0 <= 0xEF) {
    len = 3, min = 0x800, *cp = b0 & 0x0F;
  } else if (b0 >= 0xF0 && b0 <= 0xF4) {
    len = 4, min = 0x10000, *cp = b0 & 0x07;
  } else {
    return 0;
  }
  if (len > s.size() - i) return 0;
  for (size_t k = 1; k < len; ++k) {
    auto b = static_cast<uint8_t>(s[i + k]);
    if ((b & 0xC0) != 0x80) return 0;
    *cp = (*cp << 6) | (b & 0x3F);
  }
  if (*cp < min || (*cp >= 0xD800 && *cp <= 0xDFFF) || *cp > 0x10FFFF) return 0;
  return len;
}

}  // namespace

int32_t TagsHashCode(std::string_view tags) {
  uint32_t h = 0;  // unsigned: Java's int arithmetic wraps
  size_t i = 0;
  while (i < tags.size()) {
    uint32_t cp = 0;
    size_t len = DecodeUtf8(tags, i, &cp);
    if (len == 0) {
      cp = kReplacementChar;
      len = 1;
    }
    if (cp > 0xFFFF) {
      cp -= 0x10000;
      h = 31 * h + (0xD800 + (cp >> 10));
      h = 31 * h + (0xDC00 + (cp & 0x3FF));
    } else {
      h = 31 * h + cp;
    }
    i += len;
  }
  return static_cast<int32_t>(h);
}

}  // namespace orbit::protocol
