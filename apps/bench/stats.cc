#include "apps/bench/stats.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace orbit::bench {

size_t LatencyHistogram::BucketOf(uint64_t us) {
  us = std::min(us, kMaxTrackableUs);
  if (us < kSubBuckets) return static_cast<size_t>(us);
  const int msb = 63 - std::countl_zero(us);  // >= kSubBucketBits
  const int shift = msb - (kSubBucketBits - 1);
  // (us >> shift) is in [64, 128): the linear step of this power of two.
  return static_cast<size_t>(shift) * kHalfSubBuckets + static_cast<size_t>(us >> shift);
}

uint64_t LatencyHistogram::BucketLow(size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const size_t shift = bucket / kHalfSubBuckets - 1;
  const uint64_t sub = bucket % kHalfSubBuckets + kHalfSubBuckets;
  return sub << shift;
}

uint64_t LatencyHistogram::BucketHigh(size_t bucket) {
  if (bucket < kSubBuckets) return bucket;
  const size_t shift = bucket / kHalfSubBuckets - 1;
  return BucketLow(bucket) + (uint64_t{1} << shift) - 1;
}

void LatencyHistogram::AddTo(HistogramSnapshot* out) const {
  if (out->counts.empty()) out->counts.assign(kBuckets, 0);
  for (size_t i = 0; i < kBuckets; ++i) {
    const uint64_t n = counts_[i].load(std::memory_order_relaxed);
    out->counts[i] += n;
    out->total += n;
  }
  out->sum_us += sum_us_.load(std::memory_order_relaxed);
  out->max_us = std::max(out->max_us, max_us_.load(std::memory_order_relaxed));
}

void HistogramSnapshot::Add(const HistogramSnapshot& other) {
  if (other.counts.empty()) return;
  if (counts.empty()) counts.assign(other.counts.size(), 0);
  for (size_t i = 0; i < counts.size() && i < other.counts.size(); ++i)
    counts[i] += other.counts[i];
  total += other.total;
  sum_us += other.sum_us;
  max_us = std::max(max_us, other.max_us);
}

HistogramSnapshot HistogramSnapshot::Since(const HistogramSnapshot& earlier) const {
  HistogramSnapshot out;
  if (counts.empty()) return out;
  out.counts = counts;
  size_t highest = 0;
  bool any = false;
  for (size_t i = 0; i < out.counts.size(); ++i) {
    // Buckets only grow and `earlier` was read first, so no bucket goes below zero.
    if (i < earlier.counts.size()) out.counts[i] -= std::min(out.counts[i], earlier.counts[i]);
    if (out.counts[i] != 0) {
      highest = i;
      any = true;
    }
    out.total += out.counts[i];
  }
  out.sum_us = sum_us - std::min(sum_us, earlier.sum_us);
  out.max_us = any ? std::min(LatencyHistogram::BucketHigh(highest), max_us) : 0;
  return out;
}

uint64_t HistogramSnapshot::ValueAtQuantile(double q) const {
  if (total == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const auto rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * static_cast<double>(total))));
  uint64_t seen = 0;
  for (size_t i = 0; i < counts.size(); ++i) {
    seen += counts[i];
    if (seen >= rank) {
      const uint64_t high = LatencyHistogram::BucketHigh(i);
      return max_us != 0 ? std::min(high, max_us) : high;
    }
  }
  return max_us;
}

StatsSnapshot StatsSnapshot::Since(const StatsSnapshot& earlier) const {
  StatsSnapshot out;
  out.at = at;
  out.ok_messages = ok_messages - earlier.ok_messages;
  out.ok_requests = ok_requests - earlier.ok_requests;
  out.not_send_ok = not_send_ok - earlier.not_send_ok;
  out.send_failed = send_failed - earlier.send_failed;
  out.response_failed = response_failed - earlier.response_failed;
  out.in_flight = in_flight;
  out.latency = latency.Since(earlier.latency);
  out.second_latency = second_latency.Since(earlier.second_latency);
  return out;
}

BenchStats::BenchStats(int workers) {
  for (int i = 0; i < workers; ++i) workers_.push_back(std::make_unique<WorkerStats>());
}

StatsSnapshot BenchStats::Snapshot() const {
  StatsSnapshot s;
  s.at = std::chrono::steady_clock::now();
  for (const auto& w : workers_) {
    s.ok_messages += w->ok_messages.load(std::memory_order_relaxed);
    s.ok_requests += w->ok_requests.load(std::memory_order_relaxed);
    s.not_send_ok += w->not_send_ok.load(std::memory_order_relaxed);
    s.send_failed += w->send_failed.load(std::memory_order_relaxed);
    s.response_failed += w->response_failed.load(std::memory_order_relaxed);
    s.in_flight += w->in_flight.load(std::memory_order_relaxed);
    w->latency.AddTo(&s.latency);
    w->second_latency.AddTo(&s.second_latency);
  }
  return s;
}

}  // namespace orbit::bench
