#include "broker/runtime_stats.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <ctime>

namespace orbit::broker {

std::string JavaDoubleString(double v) {
  if (std::isnan(v)) return "NaN";
  if (std::isinf(v)) return v > 0 ? "Infinity" : "-Infinity";
  if (v == 0) return std::signbit(v) ? "-0.0" : "0.0";
  char buf[64];
  const double a = std::fabs(v);
  if (a >= 1e-3 && a < 1e7) {
    auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::fixed);
    std::string s(buf, r.ptr);
    if (s.find('.') == std::string::npos) s += ".0";
    return s;
  }
  // Computerized scientific notation: "d.ddd" mantissa (at least one fraction digit), "E", and
  // the exponent without '+' or leading zeros.
  auto r = std::to_chars(buf, buf + sizeof(buf), v, std::chars_format::scientific);
  std::string_view s(buf, static_cast<size_t>(r.ptr - buf));
  size_t e = s.find('e');
  std::string mantissa(s.substr(0, e));
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  std::string_view exp_text = s.substr(e + 1);
  if (!exp_text.empty() && exp_text.front() == '+') exp_text.remove_prefix(1);
  int exp = 0;
  std::from_chars(exp_text.data(), exp_text.data() + exp_text.size(), exp);
  return mantissa + "E" + std::to_string(exp);
}

std::string HumanReadableByteCount(int64_t bytes) {
  constexpr int64_t kUnit = 1024;
  if (bytes < kUnit) return std::to_string(bytes) + " B";
  int exp = static_cast<int>(std::log(static_cast<double>(bytes)) / std::log(double(kUnit)));
  exp = std::min(exp, 6);
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.1f %ciB", double(bytes) / std::pow(double(kUnit), exp),
                "KMGTPE"[exp - 1]);
  return buf;
}

std::string FormatRuntime(int64_t elapsed_ms) {
  constexpr int64_t kSecond = 1000;
  constexpr int64_t kMinute = 60 * kSecond;
  constexpr int64_t kHour = 60 * kMinute;
  constexpr int64_t kDay = 24 * kHour;
  int64_t t = std::max<int64_t>(elapsed_ms, 0);
  return "[ " + std::to_string(t / kDay) + " days, " + std::to_string(t % kDay / kHour) +
         " hours, " + std::to_string(t % kHour / kMinute) + " minutes, " +
         std::to_string(t % kMinute / kSecond) + " seconds ]";
}

namespace {

// Local calendar day of `ms` (Apache rolls the daily totals at local midnight).
int64_t LocalDay(int64_t ms) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  localtime_r(&secs, &tm);
  return int64_t{tm.tm_year} * 1000 + tm.tm_yday;
}

}  // namespace

void RuntimeStats::Sample(const store::StoreStats& stats, int64_t now_ms) {
  Snapshot s{now_ms, stats.put_messages, stats.get_found, stats.get_miss, stats.get_transferred};
  int64_t day = LocalDay(now_ms);
  MutexLock lock(mu_);
  samples_.push_back(s);
  while (samples_.size() > kMaxSamples) samples_.pop_front();
  if (day_ >= 0 && day != day_) {
    // Apache's BrokerStats.record() at midnight.
    daily_.put_yesterday_morning = daily_.put_today_morning;
    daily_.get_yesterday_morning = daily_.get_today_morning;
    daily_.put_today_morning = s.puts;
    daily_.get_today_morning = s.transferred;
  }
  day_ = day;
}

bool RuntimeStats::Rate(int64_t Snapshot::*field, size_t window, double* rate) const {
  if (samples_.size() <= window) return false;
  const Snapshot& last = samples_.back();
  const Snapshot& before = samples_[samples_.size() - 1 - window];
  int64_t ms = last.ms - before.ms;
  *rate = ms > 0 ? double(last.*field - before.*field) / double(ms) * 1000.0 : 0.0;
  return true;
}

std::string RuntimeStats::Rates(int64_t Snapshot::*field) const {
  MutexLock lock(mu_);
  std::string out;
  for (size_t window : {size_t{10}, size_t{60}, size_t{600}}) {
    if (window != 10) out += ' ';
    double rate = 0;
    if (Rate(field, window, &rate)) out += JavaDoubleString(rate);
  }
  return out;
}

std::string RuntimeStats::PutTps() const { return Rates(&Snapshot::puts); }
std::string RuntimeStats::GetFoundTps() const { return Rates(&Snapshot::found); }
std::string RuntimeStats::GetMissTps() const { return Rates(&Snapshot::miss); }
std::string RuntimeStats::GetTransferedTps() const { return Rates(&Snapshot::transferred); }

std::string RuntimeStats::GetTotalTps() const {
  MutexLock lock(mu_);
  std::string out;
  for (size_t window : {size_t{10}, size_t{60}, size_t{600}}) {
    double found = 0;
    double miss = 0;
    Rate(&Snapshot::found, window, &found);
    Rate(&Snapshot::miss, window, &miss);
    if (window != 10) out += ' ';
    out += JavaDoubleString(found + miss);
  }
  return out;
}

RuntimeStats::DailyTotals RuntimeStats::daily() const {
  MutexLock lock(mu_);
  return daily_;
}

}  // namespace orbit::broker
