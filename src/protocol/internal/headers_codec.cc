#include "protocol/internal/headers_codec.h"

#include <charconv>
#include <system_error>

namespace orbit::protocol::headers_internal {
namespace {

template <typename T>
bool ParseDecimal(std::string_view text, T* out) {
  // std::from_chars takes '-' but not '+'; Java takes both, each only before a digit.
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (text.empty() || text.front() < '0' || text.front() > '9') return false;
  }
  if (text.empty()) return false;
  T value{};
  const char* end = text.data() + text.size();
  auto [ptr, ec] = std::from_chars(text.data(), end, value);
  if (ec != std::errc() || ptr != end) return false;
  *out = value;
  return true;
}

}  // namespace

bool ParseInt32(std::string_view text, int32_t* out) { return ParseDecimal(text, out); }
bool ParseInt64(std::string_view text, int64_t* out) { return ParseDecimal(text, out); }

bool ParseJavaBoolean(std::string_view text) {
  if (text.size() != 4) return false;
  static constexpr char kTrue[] = "true";
  for (size_t i = 0; i < 4; ++i) {
    char c = text[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kTrue[i]) return false;
  }
  return true;
}

std::string FormatInt(int64_t v) {
  char buf[24];
  auto r = std::to_chars(buf, buf + sizeof(buf), v);
  return std::string(buf, r.ptr);
}

Status MalformedField(std::string_view key, std::string_view type, std::string_view value) {
  constexpr size_t kMaxShown = 64;
  std::string msg = "header field '";
  msg.append(key);
  msg.append("' (");
  msg.append(type);
  msg.append(") is not valid: \"");
  msg.append(value.substr(0, kMaxShown));
  if (value.size() > kMaxShown) msg.append("...");
  msg.push_back('"');
  return Malformed(std::move(msg));
}

Status ParseValue(std::string_view, const std::string& raw, std::string* out) {
  *out = raw;
  return Status::Ok();
}

Status ParseValue(std::string_view key, const std::string& raw, int32_t* out) {
  if (!ParseInt32(raw, out)) return MalformedField(key, "int32", raw);
  return Status::Ok();
}

Status ParseValue(std::string_view key, const std::string& raw, int64_t* out) {
  if (!ParseInt64(raw, out)) return MalformedField(key, "int64", raw);
  return Status::Ok();
}

Status ParseValue(std::string_view, const std::string& raw, bool* out) {
  *out = ParseJavaBoolean(raw);
  return Status::Ok();
}

}  // namespace orbit::protocol::headers_internal
