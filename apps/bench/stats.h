#pragma once

// Latency histograms and counters of the orbit-bench load tools.
//
// Each worker (a sender thread and the callbacks of its async sends) owns one WorkerStats and
// records into it with relaxed atomic increments: no lock, no allocation, and (one worker per
// cache-line-aligned block) next to no sharing on the hot path. The reporter thread reads every
// worker at any time and merges them into a StatsSnapshot; counters only grow, so the difference
// of two snapshots is exactly what happened between them.
//
// The histogram is log-linear like HdrHistogram: values below 128 us have a bucket each; above,
// every power of two is split into 64 equal buckets, so a recorded value is known to within
// 1/64 (1.6 %) of itself. Values run from 1 us to 2^32 us (71 minutes); longer ones land in the
// last bucket, while the exact maximum is kept apart.

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

namespace orbit::bench {

// A merged, plain copy of one or more histograms.
struct HistogramSnapshot {
  std::vector<uint64_t> counts;  // one per bucket (LatencyHistogram::kBuckets), or empty
  uint64_t total = 0;
  uint64_t sum_us = 0;
  uint64_t max_us = 0;  // exact for a merge of live histograms; bucket-precise for a difference

  void Add(const HistogramSnapshot& other);
  // This minus an earlier snapshot of the same histograms (max becomes the highest non-empty
  // bucket's top, bounded by this->max_us).
  HistogramSnapshot Since(const HistogramSnapshot& earlier) const;
  // The value at quantile q (0..1): the top of the bucket holding it; 0 when empty.
  uint64_t ValueAtQuantile(double q) const;
  double MeanUs() const { return total == 0 ? 0.0 : static_cast<double>(sum_us) / total; }
};

class LatencyHistogram {
 public:
  static constexpr int kSubBucketBits = 7;
  static constexpr uint64_t kSubBuckets = uint64_t{1} << kSubBucketBits;  // 128
  static constexpr uint64_t kHalfSubBuckets = kSubBuckets / 2;            // 64
  static constexpr int kMaxValueBits = 32;                                // 2^32 us
  static constexpr size_t kBuckets = (kMaxValueBits - kSubBucketBits + 2) * kHalfSubBuckets;
  static constexpr uint64_t kMaxTrackableUs = (uint64_t{1} << kMaxValueBits) - 1;

  // Any thread, lock-free.
  void Record(uint64_t us) {
    counts_[BucketOf(us)].fetch_add(1, std::memory_order_relaxed);
    sum_us_.fetch_add(us, std::memory_order_relaxed);
    uint64_t seen = max_us_.load(std::memory_order_relaxed);
    while (us > seen && !max_us_.compare_exchange_weak(seen, us, std::memory_order_relaxed)) {
    }
  }
  // Any thread; adds to `out` (sized on first use). The total is the sum of the buckets read; a
  // record that runs concurrently may be half-seen (its count without its sum), which the next
  // snapshot completes.
  void AddTo(HistogramSnapshot* out) const;

  static size_t BucketOf(uint64_t us);
  // The smallest and the largest value that fall into `bucket`.
  static uint64_t BucketLow(size_t bucket);
  static uint64_t BucketHigh(size_t bucket);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> counts_{};
  std::atomic<uint64_t> sum_us_{0};
  std::atomic<uint64_t> max_us_{0};
};

// What a load tool counts, per worker. Messages, not requests: a batch of 16 that succeeds adds
// 16 to `ok_messages` and one latency sample.
struct alignas(64) WorkerStats {
  LatencyHistogram latency;  // of successful requests only (as Apache's benchmark)
  // A second distribution, for a tool that measures two per message (the consumer: born to
  // consume, while `latency` is store to consume). Unused by the others.
  LatencyHistogram second_latency;
  std::atomic<uint64_t> ok_messages{0};
  std::atomic<uint64_t> ok_requests{0};
  // Stored, but the broker reported a flush or slave problem (counted in ok_messages too).
  std::atomic<uint64_t> not_send_ok{0};
  // The request never got an answer: local errors, timeouts, connection failures.
  std::atomic<uint64_t> send_failed{0};
  // The broker answered with an error response code.
  std::atomic<uint64_t> response_failed{0};
  std::atomic<int64_t> in_flight{0};  // async requests awaiting their callback

  static void Add(std::atomic<uint64_t>& counter, uint64_t n) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }
};

struct StatsSnapshot {
  std::chrono::steady_clock::time_point at;
  uint64_t ok_messages = 0;
  uint64_t ok_requests = 0;
  uint64_t not_send_ok = 0;
  uint64_t send_failed = 0;
  uint64_t response_failed = 0;
  int64_t in_flight = 0;
  HistogramSnapshot latency;
  HistogramSnapshot second_latency;

  // This minus an earlier snapshot (in_flight stays this one's).
  StatsSnapshot Since(const StatsSnapshot& earlier) const;
};

// The workers of one run. Created before the load starts and kept until every callback that may
// touch a worker has run.
class BenchStats {
 public:
  explicit BenchStats(int workers);
  WorkerStats& worker(int index) { return *workers_.at(static_cast<size_t>(index)); }
  int size() const { return static_cast<int>(workers_.size()); }
  // Any thread: all workers merged, stamped with the current time.
  StatsSnapshot Snapshot() const;

 private:
  std::vector<std::unique_ptr<WorkerStats>> workers_;
};

// Microseconds as milliseconds, for printing.
inline double UsToMs(double us) { return us / 1000.0; }

}  // namespace orbit::bench
