#include "base/clock.h"

#include <ctime>

namespace orbit {
namespace {

class SystemClock final : public Clock {
 public:
  int64_t NowMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  int64_t SteadyMillis() const override {
    return std::chrono::duration_cast<std::chrono::milliseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

const Clock& Clock::System() {
  static const SystemClock clock;
  return clock;
}

std::optional<int64_t> LocalDateTimeMillis(std::string_view digits, bool* normalized) {
  auto field = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (digits[i] - '0');
    return v;
  };
  std::tm tm{};
  tm.tm_year = field(0, 4) - 1900;
  tm.tm_mon = field(4, 2) - 1;
  tm.tm_mday = field(6, 2);
  tm.tm_hour = field(8, 2);
  tm.tm_min = field(10, 2);
  tm.tm_sec = field(12, 2);
  tm.tm_isdst = -1;
  const std::tm asked = tm;
  const std::time_t secs = std::mktime(&tm);
  if (secs == static_cast<std::time_t>(-1)) return std::nullopt;
  if (normalized != nullptr) {
    *normalized = tm.tm_year != asked.tm_year || tm.tm_mon != asked.tm_mon ||
                  tm.tm_mday != asked.tm_mday || tm.tm_hour != asked.tm_hour ||
                  tm.tm_min != asked.tm_min || tm.tm_sec != asked.tm_sec;
  }
  return static_cast<int64_t>(secs) * 1000;
}

}  // namespace orbit
