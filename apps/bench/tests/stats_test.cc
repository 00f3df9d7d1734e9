// The pieces of orbit-bench that need no cluster: histogram buckets and quantiles, snapshots,
// the message budget, the async window and the JSON writer.

#include "apps/bench/stats.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>
#include <vector>

#include "apps/bench/report.h"
#include "apps/bench/run_control.h"

namespace orbit::bench {
namespace {

using H = LatencyHistogram;

TEST(LatencyHistogramTest, BucketsAreExactBelow128AndContiguousAbove) {
  for (uint64_t v = 0; v < 128; ++v) {
    EXPECT_EQ(H::BucketOf(v), v);
    EXPECT_EQ(H::BucketLow(v), v);
    EXPECT_EQ(H::BucketHigh(v), v);
  }
  for (size_t b = 1; b < H::kBuckets; ++b) {
    ASSERT_EQ(H::BucketLow(b), H::BucketHigh(b - 1) + 1) << b;
    ASSERT_EQ(H::BucketOf(H::BucketLow(b)), b);
    ASSERT_EQ(H::BucketOf(H::BucketHigh(b)), b);
  }
  EXPECT_EQ(H::BucketHigh(H::kBuckets - 1), H::kMaxTrackableUs);
  EXPECT_EQ(H::BucketOf(uint64_t{1} << 40), H::kBuckets - 1) << "clamped to the last bucket";
}

TEST(LatencyHistogramTest, BucketWidthIsWithinOneSixtyFourth) {
  for (size_t b = 128; b < H::kBuckets; ++b) {
    const uint64_t width = H::BucketHigh(b) - H::BucketLow(b) + 1;
    ASSERT_LE(width * 64, H::BucketLow(b)) << b;
  }
}

TEST(LatencyHistogramTest, QuantilesMeanAndMax) {
  H h;
  for (uint64_t v = 1; v <= 1000; ++v) h.Record(v);
  h.Record(5'000'000);  // 5 s
  HistogramSnapshot s;
  h.AddTo(&s);
  EXPECT_EQ(s.total, 1001u);
  EXPECT_EQ(s.max_us, 5'000'000u);
  EXPECT_NEAR(s.MeanUs(), (500500.0 + 5e6) / 1001, 1e-6);
  const uint64_t p50 = s.ValueAtQuantile(0.5);
  EXPECT_GE(p50, 501u);
  EXPECT_LE(p50, 501u + 501u / 64);
  EXPECT_GE(s.ValueAtQuantile(0.999), 1000u);
  EXPECT_LE(s.ValueAtQuantile(0.999), 1000u + 1000u / 64);
  EXPECT_EQ(s.ValueAtQuantile(1.0), 5'000'000u) << "bounded by the exact max";
  EXPECT_EQ(HistogramSnapshot{}.ValueAtQuantile(0.5), 0u);
}

TEST(LatencyHistogramTest, SinceGivesTheWindow) {
  H h;
  for (int i = 0; i < 10; ++i) h.Record(10'000);
  HistogramSnapshot before;
  h.AddTo(&before);
  for (int i = 0; i < 5; ++i) h.Record(100);
  HistogramSnapshot after;
  h.AddTo(&after);
  const HistogramSnapshot w = after.Since(before);
  EXPECT_EQ(w.total, 5u);
  EXPECT_EQ(w.sum_us, 500u);
  EXPECT_EQ(w.max_us, 100u) << "the window's max, not the run's";
  EXPECT_EQ(w.ValueAtQuantile(0.99), 100u);
}

TEST(BenchStatsTest, SnapshotMergesWorkersRecordedFromManyThreads) {
  BenchStats stats(4);
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&stats, t] {
      WorkerStats& w = stats.worker(t);
      for (int i = 0; i < 10000; ++i) {
        w.latency.Record(static_cast<uint64_t>(i % 300));
        WorkerStats::Add(w.ok_messages, 1);
      }
      WorkerStats::Add(w.send_failed, 2);
    });
  }
  for (auto& t : threads) t.join();
  const StatsSnapshot s = stats.Snapshot();
  EXPECT_EQ(s.ok_messages, 40000u);
  EXPECT_EQ(s.send_failed, 8u);
  EXPECT_EQ(s.latency.total, 40000u);
  EXPECT_EQ(s.latency.max_us, 299u);
}

TEST(WorkBudgetTest, GrantsExactlyTheLimit) {
  WorkBudget budget(10);
  EXPECT_EQ(budget.Claim(4), 4);
  EXPECT_EQ(budget.Claim(4), 4);
  EXPECT_EQ(budget.Claim(4), 2) << "the last, partial claim";
  EXPECT_EQ(budget.Claim(4), 0);
  EXPECT_EQ(budget.Claim(1), 0);
  WorkBudget unlimited(0);
  EXPECT_EQ(unlimited.Claim(16), 16);
}

TEST(InFlightWindowTest, BlocksWhenFullAndWakesOnRelease) {
  InFlightWindow window(2);
  ASSERT_TRUE(window.Acquire(std::chrono::milliseconds(0)));
  ASSERT_TRUE(window.Acquire(std::chrono::milliseconds(0)));
  EXPECT_FALSE(window.Acquire(std::chrono::milliseconds(20)));
  std::thread releaser([&window] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    window.Release();
  });
  EXPECT_TRUE(window.Acquire(std::chrono::seconds(10)));
  releaser.join();
  window.Release();
  window.Release();
  EXPECT_TRUE(window.WaitAllFree(std::chrono::steady_clock::now()));
  EXPECT_EQ(window.in_use(), 0);
}

TEST(JsonWriterTest, WritesNestedObjectsAndEscapes) {
  JsonWriter j;
  j.BeginObject()
      .Field("s", "a\"b\\c\n")
      .Field("n", int64_t{-3})
      .Field("u", uint64_t{7})
      .Field("d", 1.5, 2)
      .Field("b", true);
  j.BeginObject("o").Field("x", 0).EndObject();
  j.EndObject();
  EXPECT_EQ(j.str(), R"({"s":"a\"b\\c\n","n":-3,"u":7,"d":1.50,"b":true,"o":{"x":0}})");
}

}  // namespace
}  // namespace orbit::bench
