#pragma once

#include <compare>
#include <cstdint>
#include <functional>

namespace orbit {

// A distinct integer type per kind of offset or id, so that mixing a byte position with a queue
// index does not compile. Arithmetic is explicit through value().
template <typename Tag, typename Rep>
class StrongInt {
 public:
  using rep_type = Rep;
  constexpr StrongInt() = default;
  constexpr explicit StrongInt(Rep v) : v_(v) {}
  constexpr Rep value() const { return v_; }
  constexpr auto operator<=>(const StrongInt&) const = default;

 private:
  Rep v_{};
};

using Opaque = StrongInt<struct OpaqueTag, int32_t>;
using QueueId = StrongInt<struct QueueIdTag, int32_t>;
using CommitLogOffset = StrongInt<struct CommitLogOffsetTag, int64_t>;
using QueueOffset = StrongInt<struct QueueOffsetTag, int64_t>;
using BrokerId = StrongInt<struct BrokerIdTag, int64_t>;

}  // namespace orbit

template <typename Tag, typename Rep>
struct std::hash<orbit::StrongInt<Tag, Rep>> {
  size_t operator()(const orbit::StrongInt<Tag, Rep>& v) const noexcept {
    return std::hash<Rep>()(v.value());
  }
};
