#pragma once

#include <chrono>
#include <cstdint>

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
