#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string_view>

namespace orbit {

// Time source, injectable so that expiry and timeout logic can be tested without sleeping.
class Clock {
 public:
  virtual ~Clock() = default;
  // Wall clock, milliseconds since the Unix epoch (what RocketMQ puts on the wire).
  virtual int64_t NowMillis() const = 0;
  // Monotonic milliseconds, for timeouts.
  virtual int64_t SteadyMillis() const = 0;

  static const Clock& System();
};

// Epoch milliseconds of the local time "yyyyMMddHHmmss" in the first 14 characters of `digits`
// (REQUIRES: at least 14 characters, all ASCII digits), as RocketMQ writes index file names and
// consume timestamps. nullopt when mktime cannot represent it. `normalized` (optional) is set
// when the fields named no such local time and mktime moved them (February 30, hour 25, a
// time skipped by a daylight-saving change).
std::optional<int64_t> LocalDateTimeMillis(std::string_view digits, bool* normalized = nullptr);

class ManualClock final : public Clock {
 public:
  explicit ManualClock(int64_t now_ms = 1'700'000'000'000) : now_(now_ms) {}
  int64_t NowMillis() const override { return now_; }
  int64_t SteadyMillis() const override { return now_; }
  void Advance(int64_t ms) { now_ += ms; }

 private:
  int64_t now_;
};

}  // namespace orbit
