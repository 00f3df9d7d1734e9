#pragma once

// Big-endian byte writing and bounds-checked reading. Owned byte buffers in Orbit are
// std::string (contiguous, SSO for tiny payloads, cheap to move); views are std::string_view.

#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace orbit {

inline void PutU8(std::string* out, uint8_t v) { out->push_back(static_cast<char>(v)); }
inline void PutU16(std::string* out, uint16_t v) {
  char b[2] = {static_cast<char>(v >> 8), static_cast<char>(v)};
  out->append(b, 2);
}
inline void PutU32(std::string* out, uint32_t v) {
  char b[4] = {static_cast<char>(v >> 24), static_cast<char>(v >> 16), static_cast<char>(v >> 8),
               static_cast<char>(v)};
  out->append(b, 4);
}
inline void PutU64(std::string* out, uint64_t v) {
  PutU32(out, static_cast<uint32_t>(v >> 32));
  PutU32(out, static_cast<uint32_t>(v));
}
inline void PutI16(std::string* out, int16_t v) { PutU16(out, static_cast<uint16_t>(v)); }
inline void PutI32(std::string* out, int32_t v) { PutU32(out, static_cast<uint32_t>(v)); }
inline void PutI64(std::string* out, int64_t v) { PutU64(out, static_cast<uint64_t>(v)); }

inline uint16_t LoadU16(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return static_cast<uint16_t>((u[0] << 8) | u[1]);
}
inline uint32_t LoadU32(const char* p) {
  const auto* u = reinterpret_cast<const unsigned char*>(p);
  return (uint32_t{u[0]} << 24) | (uint32_t{u[1]} << 16) | (uint32_t{u[2]} << 8) | uint32_t{u[3]};
}
inline uint64_t LoadU64(const char* p) {
  return (uint64_t{LoadU32(p)} << 32) | uint64_t{LoadU32(p + 4)};
}
inline void StoreU32(char* p, uint32_t v) {
  p[0] = static_cast<char>(v >> 24);
  p[1] = static_cast<char>(v >> 16);
  p[2] = static_cast<char>(v >> 8);
  p[3] = static_cast<char>(v);
}
inline void StoreU64(char* p, uint64_t v) {
  StoreU32(p, static_cast<uint32_t>(v >> 32));
  StoreU32(p + 4, static_cast<uint32_t>(v));
}

// Reads big-endian values from a view. Every read checks the remaining length; after the first
// failed read the reader stays failed (ok() == false) and returns zeros, so a decoder can read a
// whole fixed layout and test ok() once.
class ByteReader {
 public:
  explicit ByteReader(std::string_view data) : data_(data) {}

  bool ok() const { return ok_; }
  size_t remaining() const { return data_.size() - pos_; }
  size_t position() const { return pos_; }
  std::string_view rest() const { return data_.substr(pos_); }

  uint8_t U8() { return Need(1) ? static_cast<uint8_t>(data_[pos_++]) : 0; }
  int8_t I8() { return static_cast<int8_t>(U8()); }
  uint16_t U16() { return Need(2) ? Advance(LoadU16(data_.data() + pos_), 2) : 0; }
  int16_t I16() { return static_cast<int16_t>(U16()); }
  uint32_t U32() { return Need(4) ? Advance(LoadU32(data_.data() + pos_), 4) : 0; }
  int32_t I32() { return static_cast<int32_t>(U32()); }
  uint64_t U64() { return Need(8) ? Advance(LoadU64(data_.data() + pos_), 8) : 0; }
  int64_t I64() { return static_cast<int64_t>(U64()); }
  // Returns a view of the next n bytes (empty and failed if fewer remain).
  std::string_view Bytes(size_t n) {
    if (!Need(n)) return {};
    std::string_view v = data_.substr(pos_, n);
    pos_ += n;
    return v;
  }
  void Skip(size_t n) { (void)Bytes(n); }

 private:
  bool Need(size_t n) {
    if (ok_ && n <= data_.size() - pos_) return true;
    ok_ = false;
    return false;
  }
  template <typename T>
  T Advance(T v, size_t n) {
    pos_ += n;
    return v;
  }

  std::string_view data_;
  size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace orbit
