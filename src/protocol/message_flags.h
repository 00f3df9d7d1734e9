#pragma once

// The message sysFlag (int32; header `sysFlag` / V2 `f`, stored record field SYSFLAG).
//
// | bit(s) | mask  | meaning                                                          |
// |--------|-------|------------------------------------------------------------------|
// | 0      | 0x1   | COMPRESSED_FLAG: body is compressed                              |
// | 1      | 0x2   | MULTI_TAGS_FLAG (broker, MULTI_TAG filter topics)                |
// | 2-3    | 0xC   | transaction type: 0 NOT_TYPE, 0x4 PREPARED, 0x8 COMMIT, 0xC ROLLBACK |
// | 4      | 0x10  | BORNHOST_V6_FLAG: BORNHOST is 16+4 bytes                         |
// | 5      | 0x20  | STOREHOSTADDRESS_V6_FLAG: STOREHOST is 16+4 bytes                |
// | 6      | 0x40  | NEED_UNWRAP_FLAG (4.9.4+, not set by 4.9 producers)              |
// | 7      | 0x80  | INNER_BATCH_FLAG (4.9.4+, not set by 4.9 producers)              |
// | 8-10   | 0x700 | compression type: 0x100 LZ4, 0x200 ZSTD, 0x300 ZLIB, 0 = ZLIB    |
//
// Clients must send bits 4 and 5 as 0: the broker sets them from the real socket addresses.
// (The application-owned message FLAG is a different field.)

#include <cstdint>
#include <string>

#include "base/status.h"
#include "protocol/compression.h"

namespace orbit::protocol {

inline constexpr int32_t kSysFlagCompressed = 0x1;
inline constexpr int32_t kSysFlagMultiTags = 0x2;
inline constexpr int32_t kSysFlagTransactionMask = 0xC;
inline constexpr int32_t kSysFlagTransactionNotType = 0x0;
inline constexpr int32_t kSysFlagTransactionPrepared = 0x4;
inline constexpr int32_t kSysFlagTransactionCommit = 0x8;
inline constexpr int32_t kSysFlagTransactionRollback = 0xC;
inline constexpr int32_t kSysFlagBornHostV6 = 0x10;
inline constexpr int32_t kSysFlagStoreHostV6 = 0x20;
inline constexpr int32_t kSysFlagNeedUnwrap = 0x40;
inline constexpr int32_t kSysFlagInnerBatch = 0x80;
inline constexpr int32_t kSysFlagCompressionTypeMask = 0x700;
inline constexpr int32_t kSysFlagCompressionTypeShift = 8;

enum class TransactionType : int32_t {
  kNotType = kSysFlagTransactionNotType,
  kPrepared = kSysFlagTransactionPrepared,
  kCommit = kSysFlagTransactionCommit,
  kRollback = kSysFlagTransactionRollback,
};

// `getTransactionValue`: the type bits (2-3) of a sysFlag.
constexpr TransactionType GetTransactionType(int32_t sys_flag) {
  return static_cast<TransactionType>(sys_flag & kSysFlagTransactionMask);
}
// `resetTransactionValue`: sys_flag with its type bits replaced by `type`.
constexpr int32_t SetTransactionType(int32_t sys_flag, TransactionType type) {
  return (sys_flag & ~kSysFlagTransactionMask) | static_cast<int32_t>(type);
}

constexpr bool IsCompressed(int32_t sys_flag) { return (sys_flag & kSysFlagCompressed) != 0; }
constexpr bool IsBornHostV6(int32_t sys_flag) { return (sys_flag & kSysFlagBornHostV6) != 0; }
constexpr bool IsStoreHostV6(int32_t sys_flag) { return (sys_flag & kSysFlagStoreHostV6) != 0; }

// The compression of a sysFlag's body (meaningful when IsCompressed). Type field 0 (pre-4.9.4
// producers) and 3 are zlib, 1 LZ4, 2 zstd; 4-7 are undefined → kUnsupported.
inline Result<CompressionType> CompressionTypeFromSysFlag(int32_t sys_flag) {
  switch ((sys_flag & kSysFlagCompressionTypeMask) >> kSysFlagCompressionTypeShift) {
    case 0:
    case 3:
      return CompressionType::kZlib;
    case 1:
      return CompressionType::kLz4;
    case 2:
      return CompressionType::kZstd;
    default:
      return Unsupported("unknown compression type in sysFlag " + std::to_string(sys_flag));
  }
}

// The bits a 4.9.4+ producer adds for a body compressed with `type`: bit 0 and the type field
// (0x301 zlib, 0x101 LZ4, 0x201 zstd).
constexpr int32_t CompressedSysFlagBits(CompressionType type) {
  return kSysFlagCompressed | (static_cast<int32_t>(type) << kSysFlagCompressionTypeShift);
}

}  // namespace orbit::protocol
