#pragma once

// RemotingCommand: the one message type of RocketMQ's remoting protocol, and its frame.
//
// Frame (all integers big-endian):
//   int32 length      bytes that follow this field = 4 + headerLen + bodyLen
//   int32 headerMark  (serializeType << 24) | headerLen
//   header            JSON text (type 0) or the binary ROCKETMQ layout (type 1)
//   body              the rest; its length is implicit
// Frames above kMaxFrameLength are refused before anything is allocated for them.
//
// Binary (ROCKETMQ) header:
//   int16 code, uint8 language, int16 version, int32 opaque, int32 flag,
//   int32 remarkLen + remark, int32 extLen + { int16 keyLen, key, int32 valLen, val }*
// A zero-length remark or value decodes as absent (Apache 4.9.4+ behaviour).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "base/status.h"

namespace orbit::protocol {

inline constexpr uint32_t kMaxFrameLength = 16 * 1024 * 1024;  // value of the length field
inline constexpr int32_t kFlagResponse = 0x1;
inline constexpr int32_t kFlagOneway = 0x2;
// MQVersion ordinal Orbit announces: V4_9_8.
inline constexpr int32_t kOrbitVersion = 409;

enum class SerializeType : uint8_t { kJson = 0, kRocketmq = 1 };

enum class LanguageCode : uint8_t {
  kJava = 0,
  kCpp = 1,
  kDotnet = 2,
  kPython = 3,
  kDelphi = 4,
  kErlang = 5,
  kRuby = 6,
  kOther = 7,
  kHttp = 8,
  kGo = 9,
  kPhp = 10,
  kOms = 11,
  kRust = 12,
  kNodeJs = 13,
};

// "JAVA", "CPP", ...; "OTHER" for codes outside the table.
const char* LanguageName(LanguageCode code);
// Inverse of LanguageName; unknown names map to kOther (fastjson maps them to null).
LanguageCode LanguageFromName(std::string_view name);
const char* SerializeTypeName(SerializeType type);

// The custom header flattened to string pairs. Few keys per command, so a vector with linear
// lookup beats a hash map; insertion order is kept for re-encoding.
class ExtFields {
 public:
  using value_type = std::pair<std::string, std::string>;

  void Set(std::string_view key, std::string value);
  // Appends without checking for an existing key (decoders; the peer's order is kept).
  void Append(std::string key, std::string value) {
    items_.emplace_back(std::move(key), std::move(value));
  }
  const std::string* Find(std::string_view key) const;
  bool Erase(std::string_view key);
  bool empty() const { return items_.empty(); }
  size_t size() const { return items_.size(); }
  void reserve(size_t n) { items_.reserve(n); }
  void clear() { items_.clear(); }
  auto begin() const { return items_.begin(); }
  auto end() const { return items_.end(); }
  bool operator==(const ExtFields& o) const { return items_ == o.items_; }

 private:
  std::vector<value_type> items_;
};

struct RemotingCommand {
  int32_t code = 0;
  LanguageCode language = LanguageCode::kCpp;
  int32_t version = kOrbitVersion;
  int32_t opaque = 0;
  int32_t flag = 0;
  std::optional<std::string> remark;
  ExtFields ext_fields;
  std::string body;
  // How the header was (or will be) serialized.
  SerializeType serialize_type = SerializeType::kJson;

  bool is_response() const { return (flag & kFlagResponse) != 0; }
  bool is_oneway() const { return (flag & kFlagOneway) != 0; }

  static RemotingCommand Request(int32_t code);
  // A response to `request`: same opaque and serialize type, response flag set.
  static RemotingCommand ResponseTo(const RemotingCommand& request, int32_t code,
                                    std::optional<std::string> remark = std::nullopt);
};

// Header bytes only, in `type`. Fails (kInvalidArgument) when the binary form cannot carry the
// command (code or version outside int16).
Status EncodeHeader(const RemotingCommand& cmd, SerializeType type, std::string* out);
Status EncodeJsonHeader(const RemotingCommand& cmd, std::string* out);
Status EncodeBinaryHeader(const RemotingCommand& cmd, std::string* out);

// Appends the whole frame (length prefix included) in cmd.serialize_type.
Status EncodeFrame(const RemotingCommand& cmd, std::string* out);
// Appends the frame prefix and header only; the body (bodyLen bytes) is sent separately, e.g.
// by scatter-gather straight from a store segment.
Status EncodeFrameHead(const RemotingCommand& cmd, size_t body_len, std::string* out);

// Reads the 4-byte length prefix and validates it: 4 <= length <= kMaxFrameLength.
Result<uint32_t> DecodeFrameLength(const char prefix[4]);

// Decodes what follows the length prefix: headerMark, header and body.
Result<RemotingCommand> DecodeFramePayload(std::string_view payload);
// Decodes a header of the given serialization into cmd (code, flags, ext fields ...).
Status DecodeJsonHeader(std::string_view header, RemotingCommand* cmd);
namespace internal {
// DecodeJsonHeader's two halves, apart for tests and fuzzing. Fast: plain JSON only (no escapes,
// integers and strings); false when it cannot decode the header, `cmd` then half-filled.
// General: everything fastjson writes and accepts.
bool DecodeJsonHeaderFast(std::string_view header, RemotingCommand* cmd);
Status DecodeJsonHeaderGeneral(std::string_view header, RemotingCommand* cmd);
}  // namespace internal
Status DecodeBinaryHeader(std::string_view header, RemotingCommand* cmd);

}  // namespace orbit::protocol
