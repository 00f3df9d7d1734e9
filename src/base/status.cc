#include "base/status.h"

#include <string>

namespace orbit {

const char* ErrorCodeName(ErrorCode code) {
  switch (code) {
#define ORBIT_X_NAME(name, value, retriable, desc) \
  case ErrorCode::name:                            \
    return #name;
    ORBIT_ERROR_CODES(ORBIT_X_NAME)
#undef ORBIT_X_NAME
  }
  return "kUnknown";
}

const char* ErrorCodeDescription(ErrorCode code) {
  switch (code) {
#define ORBIT_X_DESC(name, value, retriable, desc) \
  case ErrorCode::name:                            \
    return desc;
    ORBIT_ERROR_CODES(ORBIT_X_DESC)
#undef ORBIT_X_DESC
  }
  return "unknown error";
}

bool IsRetriable(ErrorCode code) {
  switch (code) {
#define ORBIT_X_RETRY(name, value, retriable, desc) \
  case ErrorCode::name:                             \
    return retriable;
    ORBIT_ERROR_CODES(ORBIT_X_RETRY)
#undef ORBIT_X_RETRY
  }
  return false;
}

std::string Status::ToString() const {
  if (ok()) return "OK";
  std::string out = ErrorCodeName(code_) + 1;  // drop the 'k'
  if (code_ == ErrorCode::kRemote) out += "(" + std::to_string(remote_code_) + ")";
  if (!message_.empty()) out += ": " + message_;
  return out;
}

}  // namespace orbit
