// Local date-time text as RocketMQ writes it (index file names, consume timestamps).

#include "base/clock.h"

#include <gtest/gtest.h>

#include <ctime>

namespace orbit {
namespace {

int64_t Expected(int year, int mon, int day, int hour, int min, int sec) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = mon - 1;
  tm.tm_mday = day;
  tm.tm_hour = hour;
  tm.tm_min = min;
  tm.tm_sec = sec;
  tm.tm_isdst = -1;
  return static_cast<int64_t>(std::mktime(&tm)) * 1000;
}

TEST(LocalDateTimeTest, ReadsTheFirstFourteenDigitsAsLocalTime) {
  bool normalized = true;
  auto ms = LocalDateTimeMillis("20261122093005", &normalized);
  ASSERT_TRUE(ms.has_value());
  EXPECT_EQ(*ms, Expected(2026, 11, 22, 9, 30, 5));
  EXPECT_FALSE(normalized);
  // Longer text (an index file name's milliseconds) is ignored past 14 characters.
  EXPECT_EQ(LocalDateTimeMillis("20261122093005123"), ms);
}

TEST(LocalDateTimeTest, ImpossibleDatesAreMovedAndSaidSo) {
  bool normalized = false;
  auto feb30 = LocalDateTimeMillis("20260230120000", &normalized);
  ASSERT_TRUE(feb30.has_value());
  EXPECT_TRUE(normalized);
  EXPECT_EQ(*feb30, Expected(2026, 3, 2, 12, 0, 0));
  normalized = false;
  ASSERT_TRUE(LocalDateTimeMillis("20261122250000", &normalized).has_value());
  EXPECT_TRUE(normalized);
}

}  // namespace
}  // namespace orbit
