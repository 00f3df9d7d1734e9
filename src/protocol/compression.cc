#include "protocol/compression.h"

#include <lz4frame.h>
#include <zlib.h>
#include <zstd.h>

#include <climits>
#include <memory>
#include <string>

namespace orbit::protocol {
namespace {

constexpr size_t kChunk = 64 * 1024;

Status CompressionError(CompressionType type, std::string_view what) {
  return Status(ErrorCode::kCompression,
                std::string(CompressionTypeName(type)) + ": " + std::string(what));
}

// Appends `n` bytes of `chunk` to `out` unless that would pass `max_size`.
Status AppendBounded(CompressionType type, const char* chunk, size_t n, size_t max_size,
                     std::string* out) {
  if (n > max_size - out->size()) {
    return CompressionError(
        type, "decompressed size exceeds limit of " + std::to_string(max_size) + " bytes");
  }
  out->append(chunk, n);
  return Status::Ok();
}

Result<std::string> ZlibCompress(std::string_view data, int level) {
  if (level < Z_DEFAULT_COMPRESSION || level > Z_BEST_COMPRESSION) {
    return CompressionError(CompressionType::kZlib, "bad level " + std::to_string(level));
  }
  uLongf out_len = compressBound(static_cast<uLong>(data.size()));
  std::string out(out_len, '\0');
  int rc = compress2(reinterpret_cast<Bytef*>(out.data()), &out_len,
                     reinterpret_cast<const Bytef*>(data.data()), static_cast<uLong>(data.size()),
                     level);
  if (rc != Z_OK) return CompressionError(CompressionType::kZlib, "compress2 failed");
  out.resize(out_len);
  return out;
}

Result<std::string> ZlibDecompress(std::string_view data, size_t max_size) {
  constexpr auto kType = CompressionType::kZlib;
  if (data.size() > UINT_MAX) return CompressionError(kType, "input too large");
  z_stream zs{};
  if (inflateInit(&zs) != Z_OK) return CompressionError(kType, "inflateInit failed");
  std::unique_ptr<z_stream, int (*)(z_stream*)> guard(&zs, inflateEnd);
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  std::string out;
  auto buf = std::make_unique<char[]>(kChunk);
  for (;;) {
    zs.next_out = reinterpret_cast<Bytef*>(buf.get());
    zs.avail_out = kChunk;
    int rc = inflate(&zs, Z_NO_FLUSH);
    if (rc != Z_OK && rc != Z_STREAM_END) {
      // Z_BUF_ERROR with a fresh output buffer means the input ended inside the stream.
      return CompressionError(kType, rc == Z_BUF_ERROR ? "truncated stream" : "corrupt stream");
    }
    ORBIT_RETURN_IF_ERROR(AppendBounded(kType, buf.get(), kChunk - zs.avail_out, max_size, &out));
    if (rc == Z_STREAM_END) return out;
  }
}

Result<std::string> Lz4Compress(std::string_view data) {
  LZ4F_preferences_t prefs{};
  prefs.frameInfo.contentSize = data.size();
  size_t bound = LZ4F_compressFrameBound(data.size(), &prefs);
  std::string out(bound, '\0');
  size_t n = LZ4F_compressFrame(out.data(), bound, data.data(), data.size(), &prefs);
  if (LZ4F_isError(n)) return CompressionError(CompressionType::kLz4, LZ4F_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> Lz4Decompress(std::string_view data, size_t max_size) {
  constexpr auto kType = CompressionType::kLz4;
  LZ4F_dctx* raw = nullptr;
  if (LZ4F_isError(LZ4F_createDecompressionContext(&raw, LZ4F_VERSION))) {
    return CompressionError(kType, "cannot create context");
  }
  std::unique_ptr<LZ4F_dctx, LZ4F_errorCode_t (*)(LZ4F_dctx*)> guard(raw,
                                                                     LZ4F_freeDecompressionContext);
  const char* src = data.data();
  size_t remaining = data.size();
  std::string out;
  auto buf = std::make_unique<char[]>(kChunk);
  for (;;) {
    size_t dst_size = kChunk;
    size_t src_size = remaining;
    size_t hint = LZ4F_decompress(raw, buf.get(), &dst_size, src, &src_size, nullptr);
    if (LZ4F_isError(hint)) return CompressionError(kType, LZ4F_getErrorName(hint));
    src += src_size;
    remaining -= src_size;
    ORBIT_RETURN_IF_ERROR(AppendBounded(kType, buf.get(), dst_size, max_size, &out));
    if (hint == 0 && remaining == 0) return out;  // last frame complete and flushed
    if (src_size == 0 && dst_size == 0) return CompressionError(kType, "truncated frame");
  }
}

Result<std::string> ZstdCompress(std::string_view data, int level) {
  if (level < ZSTD_minCLevel() || level > ZSTD_maxCLevel()) {
    return CompressionError(CompressionType::kZstd, "bad level " + std::to_string(level));
  }
  std::string out(ZSTD_compressBound(data.size()), '\0');
  size_t n = ZSTD_compress(out.data(), out.size(), data.data(), data.size(), level);
  if (ZSTD_isError(n)) return CompressionError(CompressionType::kZstd, ZSTD_getErrorName(n));
  out.resize(n);
  return out;
}

Result<std::string> ZstdDecompress(std::string_view data, size_t max_size) {
  constexpr auto kType = CompressionType::kZstd;
  std::unique_ptr<ZSTD_DCtx, size_t (*)(ZSTD_DCtx*)> ctx(ZSTD_createDCtx(), ZSTD_freeDCtx);
  if (!ctx) return CompressionError(kType, "cannot create context");
  ZSTD_inBuffer in{data.data(), data.size(), 0};
  std::string out;
  auto buf = std::make_unique<char[]>(kChunk);
  for (;;) {
    ZSTD_outBuffer o{buf.get(), kChunk, 0};
    size_t hint = ZSTD_decompressStream(ctx.get(), &o, &in);
    if (ZSTD_isError(hint)) return CompressionError(kType, ZSTD_getErrorName(hint));
    ORBIT_RETURN_IF_ERROR(AppendBounded(kType, buf.get(), o.pos, max_size, &out));
    bool input_done = in.pos == in.size;
    if (input_done && hint == 0) return out;  // last frame complete and flushed
    // Output space left over with all input consumed: the frame needs bytes we do not have.
    if (input_done && o.pos < o.size) return CompressionError(kType, "truncated frame");
  }
}

}  // namespace

const char* CompressionTypeName(CompressionType type) {
  switch (type) {
    case CompressionType::kLz4:
      return "LZ4";
    case CompressionType::kZstd:
      return "ZSTD";
    case CompressionType::kZlib:
      return "ZLIB";
  }
  return "UNKNOWN";
}

Result<std::string> Compress(CompressionType type, std::string_view data, int level) {
  switch (type) {
    case CompressionType::kZlib:
      return ZlibCompress(data, level);
    case CompressionType::kLz4:
      return Lz4Compress(data);
    case CompressionType::kZstd:
      return ZstdCompress(data, level);
  }
  return Status(ErrorCode::kCompression, "unknown compression type");
}

Result<std::string> Decompress(CompressionType type, std::string_view data, size_t max_size) {
  switch (type) {
    case CompressionType::kZlib:
      return ZlibDecompress(data, max_size);
    case CompressionType::kLz4:
      return Lz4Decompress(data, max_size);
    case CompressionType::kZstd:
      return ZstdDecompress(data, max_size);
  }
  return Status(ErrorCode::kCompression, "unknown compression type");
}

}  // namespace orbit::protocol
