#pragma once

// Message body compression (RocketMQ 4.9.4+ `CompressionType`).
//
// | type | sysFlag bits 8-10 | format                                             |
// |------|-------------------|----------------------------------------------------|
// | ZLIB | 0x300 (or 0)      | RFC 1950 zlib stream (2-byte header, Adler-32)      |
// | LZ4  | 0x100             | LZ4 *frame* format (magic 0x184D2204), not raw blocks |
// | ZSTD | 0x200             | zstd frame(s)                                      |
//
// A producer compresses a single (non-batch) body of at least kCompressBodyThreshold bytes at
// level 5 and sets sysFlag bit 0 plus the type bits; brokers store and forward the compressed
// bytes, consumers decompress. Decompression is bounded: output beyond the caller's limit is an
// error, never an allocation, so a small "bomb" cannot exhaust memory.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/status.h"

namespace orbit::protocol {

// Values are the type field of sysFlag (bits 8-10).
enum class CompressionType : uint8_t { kLz4 = 1, kZstd = 2, kZlib = 3 };

// compressMsgBodyOverHowmuch: bodies of this size or more are compressed by the Java producer.
inline constexpr size_t kCompressBodyThreshold = 4096;
// rocketmq.message.compressLevel default.
inline constexpr int kDefaultCompressLevel = 5;
// Default output bound of Decompress.
inline constexpr size_t kDefaultMaxDecompressedSize = size_t{64} << 20;

// "ZLIB", "LZ4", "ZSTD".
const char* CompressionTypeName(CompressionType type);

// Compresses `data` in the format of `type`. `level` applies to zlib (0..9) and zstd
// (1..22); LZ4 frames are always written with the fast compressor (as Java's
// LZ4FrameOutputStream does). Errors (kCompression) only on library failure or a bad level.
Result<std::string> Compress(CompressionType type, std::string_view data,
                             int level = kDefaultCompressLevel);

// Decompresses a whole input in the format of `type`. Fails with kCompression when the input
// is corrupt or truncated, or when the output would exceed `max_size` bytes. LZ4 and zstd
// inputs may hold several concatenated frames; bytes after the end of a zlib stream are
// ignored (as java.util.zip.InflaterInputStream does).
Result<std::string> Decompress(CompressionType type, std::string_view data,
                               size_t max_size = kDefaultMaxDecompressedSize);

}  // namespace orbit::protocol
