#pragma once

// Private to the typed headers (protocol/headers*.cc): the two visitors that turn a header's
// VisitFields() description into Decode and Encode, and the string <-> value conversions.
//
// A header describes its wire form once:
//   template <typename H, typename V>
//   static void VisitFields(H& h, V& v) { v("topic", h.topic); v("queueId", h.queue_id); }
// The C++ type of each member decides everything else:
//   std::string / int32_t / int64_t / bool       required: absent key -> kMissingField
//   std::optional<std::string / int32_t / ...>   optional: absent key -> nullopt, nothing written
// Values: Java Integer/Long as decimal text (optional sign, nothing else; out of range or
// trailing bytes -> kMalformed naming the key), booleans per Boolean.parseBoolean (never an
// error) and written as "true"/"false".

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol::headers_internal {

template <typename T>
inline constexpr bool kIsOptional = false;
template <typename T>
inline constexpr bool kIsOptional<std::optional<T>> = true;

// Java Integer.parseInt / Long.parseLong: [+-]?[0-9]+ and within range.
bool ParseInt32(std::string_view text, int32_t* out);
bool ParseInt64(std::string_view text, int64_t* out);
// Java Boolean.parseBoolean: true iff `text` equals "true" ignoring ASCII case.
bool ParseJavaBoolean(std::string_view text);
// Decimal text of `v`; fits the small-string buffer, so no allocation.
std::string FormatInt(int64_t v);
// kMalformed: "header field '<key>' (<type>) is not valid: \"<value>\"" (value cut to 64 bytes).
Status MalformedField(std::string_view key, std::string_view type, std::string_view value);

// Parses one raw extFields value into a member of the given type.
Status ParseValue(std::string_view key, const std::string& raw, std::string* out);
Status ParseValue(std::string_view key, const std::string& raw, int32_t* out);
Status ParseValue(std::string_view key, const std::string& raw, int64_t* out);
Status ParseValue(std::string_view key, const std::string& raw, bool* out);

// Fills a header from extFields; the first failure is kept and later fields are skipped.
class FieldDecoder {
 public:
  explicit FieldDecoder(const ExtFields& ext) : ext_(ext) {}

  template <typename T>
  void operator()(std::string_view key, T& field) {
    if (!status_.ok()) return;
    const std::string* raw = ext_.Find(key);
    if constexpr (kIsOptional<T>) {
      if (raw == nullptr) {
        field.reset();
        return;
      }
      status_ = ParseValue(key, *raw, &field.emplace());
    } else {
      if (raw == nullptr) {
        status_ = MissingField(key);
        return;
      }
      status_ = ParseValue(key, *raw, &field);
    }
  }

  Status TakeStatus() && { return std::move(status_); }

 private:
  const ExtFields& ext_;
  Status status_;
};

// Counts the fields a header will write, to size extFields once.
struct FieldCounter {
  size_t count = 0;
  template <typename T>
  void operator()(std::string_view, const T& field) {
    if constexpr (kIsOptional<T>) {
      count += field.has_value() ? 1 : 0;
    } else {
      ++count;
    }
  }
};

// Writes every present field. Into an empty ExtFields it appends (no duplicate search); into a
// non-empty one it replaces a key that is already there.
class FieldEncoder {
 public:
  explicit FieldEncoder(ExtFields* ext) : ext_(ext), append_(ext->empty()) {}

  template <typename T>
  void operator()(std::string_view key, const T& field) {
    if constexpr (kIsOptional<T>) {
      if (field.has_value()) Put(key, *field);
    } else {
      Put(key, field);
    }
  }

 private:
  template <typename T>
  void Put(std::string_view key, const T& value) {
    if constexpr (std::is_same_v<T, std::string>) {
      Emit(key, value);
    } else if constexpr (std::is_same_v<T, bool>) {
      Emit(key, value ? "true" : "false");
    } else {
      static_assert(std::is_same_v<T, int32_t> || std::is_same_v<T, int64_t>,
                    "header fields are std::string, int32_t, int64_t or bool");
      Emit(key, FormatInt(value));
    }
  }

  void Emit(std::string_view key, std::string value) {
    if (append_) {
      ext_->Append(std::string(key), std::move(value));
    } else {
      ext_->Set(key, std::move(value));
    }
  }

  ExtFields* ext_;
  bool append_;
};

template <typename H>
Result<H> DecodeFields(const ExtFields& ext) {
  H header;
  FieldDecoder decoder(ext);
  H::VisitFields(header, decoder);
  ORBIT_RETURN_IF_ERROR(std::move(decoder).TakeStatus());
  return header;
}

template <typename H>
void EncodeFields(const H& header, ExtFields* ext) {
  FieldCounter counter;
  H::VisitFields(header, counter);
  ext->reserve(ext->size() + counter.count);
  FieldEncoder encoder(ext);
  H::VisitFields(header, encoder);
}

}  // namespace orbit::protocol::headers_internal

// Defines H::Decode and H::Encode from H::VisitFields. Use inside namespace orbit::protocol.
#define ORBIT_DEFINE_HEADER_CODEC(H)                                  \
  ::orbit::Result<H> H::Decode(const ExtFields& ext) {                \
    return ::orbit::protocol::headers_internal::DecodeFields<H>(ext); \
  }                                                                   \
  void H::Encode(ExtFields* ext) const {                              \
    ::orbit::protocol::headers_internal::EncodeFields(*this, ext);    \
  }
