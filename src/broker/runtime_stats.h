#pragma once

// The broker's throughput figures for GET_BROKER_RUNTIME_INFO (28), as Apache 4.9 computes them
// (StoreStatsService, BrokerStats): the store's put/get counters sampled once a second, the last
// 601 samples kept, and a rate over the last 10 s, 1 min and 10 min read from them; plus the
// daily totals (msgPutTotalTodayMorning, ...), rolled at local midnight.
//
// Rates are written as Apache writes them: "<10s> <1min> <10min>", each a Java double, and a
// window the samples do not cover yet is the empty string (so right after start "putTps" is
// "  "); getTotalTps (found + miss) is always three numbers.
//
// Threads: Sample runs on the scheduler thread, the readers on connection loops; one mutex.

#include <cstdint>
#include <deque>
#include <string>

#include "base/thread_annotations.h"
#include "store/message_store.h"

namespace orbit::broker {

// Java's Double.toString: "0.0", "1.5", "0.049966688874083946", "1.0E-4", "1.2345678E7".
std::string JavaDoubleString(double v);
// Apache's MixAll.humanReadableByteCount(bytes, false): "512 B", "1.5 KiB", "252.0 GiB".
std::string HumanReadableByteCount(int64_t bytes);
// Apache's StoreStatsService.getFormatRuntime: "[ 0 days, 0 hours, 3 minutes, 24 seconds ]".
std::string FormatRuntime(int64_t elapsed_ms);

class RuntimeStats {
 public:
  // Apache's MAX_RECORDS_OF_SAMPLING + 1.
  static constexpr size_t kMaxSamples = 601;

  explicit RuntimeStats(int64_t boot_ms) : boot_ms_(boot_ms) {}

  // Scheduler thread, every second.
  void Sample(const store::StoreStats& stats, int64_t now_ms);

  int64_t boot_ms() const { return boot_ms_; }
  std::string PutTps() const;
  std::string GetFoundTps() const;
  std::string GetMissTps() const;
  std::string GetTotalTps() const;
  std::string GetTransferedTps() const;  // [sic], Apache's key

  struct DailyTotals {
    int64_t put_yesterday_morning = 0;
    int64_t put_today_morning = 0;
    int64_t get_yesterday_morning = 0;
    int64_t get_today_morning = 0;
  };
  DailyTotals daily() const;

 private:
  struct Snapshot {
    int64_t ms = 0;
    int64_t puts = 0;
    int64_t found = 0;
    int64_t miss = 0;
    int64_t transferred = 0;
  };
  // Calls per second of `field` over the last `window` samples; nullopt-like false when the
  // samples do not reach back that far.
  bool Rate(int64_t Snapshot::*field, size_t window, double* rate) const ORBIT_REQUIRES(mu_);
  std::string Rates(int64_t Snapshot::*field) const;

  const int64_t boot_ms_;
  mutable Mutex mu_;
  std::deque<Snapshot> samples_ ORBIT_GUARDED_BY(mu_);
  DailyTotals daily_ ORBIT_GUARDED_BY(mu_);
  int64_t day_ ORBIT_GUARDED_BY(mu_) = -1;  // local calendar day of the last sample
};

}  // namespace orbit::broker
