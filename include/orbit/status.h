#pragma once

#include <cassert>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

#include "orbit/error_codes.h"

namespace orbit {

// A success or an error value: a local ErrorCode, or kRemote plus the peer's ResponseCode and
// remark. Errors are values inside Orbit; exceptions never cross a module boundary.
class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(ErrorCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status Ok() { return Status(); }
  // An answer from a peer with response code `remote_code` (protocol ResponseCode) and its remark.
  static Status Remote(int32_t remote_code, std::string remark) {
    Status s(ErrorCode::kRemote, std::move(remark));
    s.remote_code_ = remote_code;
    return s;
  }

  bool ok() const { return code_ == ErrorCode::kOk; }
  ErrorCode code() const { return code_; }
  int32_t remote_code() const { return remote_code_; }
  const std::string& message() const { return message_; }
  bool retriable() const { return IsRetriable(code_); }
  std::string ToString() const;

  bool operator==(const Status& o) const {
    return code_ == o.code_ && remote_code_ == o.remote_code_ && message_ == o.message_;
  }

 private:
  ErrorCode code_ = ErrorCode::kOk;
  int32_t remote_code_ = 0;
  std::string message_;
};

inline Status InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Status Malformed(std::string m) { return {ErrorCode::kMalformed, std::move(m)}; }
inline Status MissingField(std::string_view field) {
  return {ErrorCode::kMissingField, "missing required field '" + std::string(field) + "'"};
}
inline Status NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Status Unsupported(std::string m) { return {ErrorCode::kUnsupported, std::move(m)}; }
inline Status Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

// A value of type T or a non-ok Status.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::in_place_index<1>, std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::in_place_index<0>, std::move(status)) {  // NOLINT
    assert(!std::get<0>(v_).ok());
  }

  bool ok() const { return v_.index() == 1; }
  const Status& status() const {
    static const Status kOkStatus;
    return ok() ? kOkStatus : std::get<0>(v_);
  }
  Status TakeStatus() && { return ok() ? Status() : std::move(std::get<0>(v_)); }

  T& value() & { return std::get<1>(v_); }
  const T& value() const& { return std::get<1>(v_); }
  T&& value() && { return std::get<1>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  // The value, or `fallback` when not ok.
  T value_or(T fallback) const& { return ok() ? value() : std::move(fallback); }
  T value_or(T fallback) && { return ok() ? std::move(*this).value() : std::move(fallback); }

 private:
  std::variant<Status, T> v_;
};

}  // namespace orbit

#define ORBIT_CONCAT_INNER(a, b) a##b
#define ORBIT_CONCAT(a, b) ORBIT_CONCAT_INNER(a, b)

#define ORBIT_RETURN_IF_ERROR(expr)                \
  do {                                             \
    ::orbit::Status orbit_status_ = (expr);        \
    if (!orbit_status_.ok()) return orbit_status_; \
  } while (0)

#define ORBIT_ASSIGN_OR_RETURN_IMPL(tmp, lhs, expr)  \
  auto tmp = (expr);                                 \
  if (!tmp.ok()) return std::move(tmp).TakeStatus(); \
  lhs = std::move(tmp).value()

#define ORBIT_ASSIGN_OR_RETURN(lhs, expr) \
  ORBIT_ASSIGN_OR_RETURN_IMPL(ORBIT_CONCAT(orbit_result_, __LINE__), lhs, expr)
