#include "base/crc32.h"

#if ORBIT_HAVE_ISAL
#include <isa-l/crc.h>
#else
#include <zlib.h>
#endif

namespace orbit {

uint32_t Crc32Update(uint32_t crc, std::string_view data) {
#if ORBIT_HAVE_ISAL
  return crc32_gzip_refl(crc, reinterpret_cast<const unsigned char*>(data.data()),
                         static_cast<uint64_t>(data.size()));
#else
  // zlib takes uInt lengths; feed large inputs in chunks.
  const auto* p = reinterpret_cast<const Bytef*>(data.data());
  size_t n = data.size();
  uLong c = crc;
  while (n > 0) {
    uInt chunk = n > (1u << 30) ? (1u << 30) : static_cast<uInt>(n);
    c = crc32(c, p, chunk);
    p += chunk;
    n -= chunk;
  }
  return static_cast<uint32_t>(c);
#endif
}

uint32_t Crc32(std::string_view data) { return Crc32Update(0, data); }

}  // namespace orbit
