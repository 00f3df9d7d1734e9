#pragma once

// Helpers shared by the fuzz targets. A broken invariant must abort() so that libFuzzer records
// the input as a crash; a decoder merely rejecting the input is the expected outcome.

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "base/status.h"

namespace orbit::fuzz {

[[noreturn]] inline void Fail(const char* file, int line, const char* what, std::string_view why) {
  std::fprintf(stderr, "%s:%d: fuzz invariant broken: %s %.*s\n", file, line, what,
               static_cast<int>(why.size()), why.data());
  std::abort();
}

inline std::string_view AsView(const uint8_t* data, size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Splits off the first byte of the input (a selector); returns false for empty input.
inline bool TakeSelector(std::string_view* in, uint8_t* selector) {
  if (in->empty()) return false;
  *selector = static_cast<uint8_t>(in->front());
  in->remove_prefix(1);
  return true;
}

}  // namespace orbit::fuzz

// Aborts with the condition text and an optional explanation.
#define ORBIT_FUZZ_CHECK(cond, why)                                     \
  do {                                                                  \
    if (!(cond)) ::orbit::fuzz::Fail(__FILE__, __LINE__, #cond, (why)); \
  } while (0)

// A step that must succeed (e.g. re-decoding what Orbit itself just encoded).
#define ORBIT_FUZZ_CHECK_OK(expr)                                                \
  do {                                                                           \
    const ::orbit::Status& orbit_fuzz_st_ = (expr);                              \
    if (!orbit_fuzz_st_.ok()) {                                                  \
      ::orbit::fuzz::Fail(__FILE__, __LINE__, #expr, orbit_fuzz_st_.ToString()); \
    }                                                                            \
  } while (0)
