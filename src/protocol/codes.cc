#include "protocol/codes.h"

namespace orbit::protocol {

const char* RequestCodeName(int32_t code) {
  switch (code) {
#define ORBIT_X(name, value, java) \
  case value:                      \
    return java;
    ORBIT_REQUEST_CODES(ORBIT_X)
#undef ORBIT_X
    default:
      return nullptr;
  }
}

const char* ResponseCodeName(int32_t code) {
  switch (code) {
#define ORBIT_X(name, value, java, retry) \
  case value:                             \
    return java;
    ORBIT_RESPONSE_CODES(ORBIT_X)
#undef ORBIT_X
    default:
      return nullptr;
  }
}

bool ProducerRetriesResponse(int32_t code) {
  switch (code) {
#define ORBIT_X(name, value, java, retry) \
  case value:                             \
    return retry;
    ORBIT_RESPONSE_CODES(ORBIT_X)
#undef ORBIT_X
    default:
      return false;
  }
}

}  // namespace orbit::protocol
