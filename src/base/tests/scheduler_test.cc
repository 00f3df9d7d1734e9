#include "base/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace orbit {
namespace {

bool WaitUntil(const std::function<bool()>& done) {
  for (int i = 0; i < 500 && !done(); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  return done();
}

TEST(SchedulerTest, RunsPeriodicTasksAndPostedTasksOnItsThread) {
  Scheduler scheduler("test-sched");
  std::atomic<int> ticks{0};
  std::atomic<bool> on_thread{true};
  scheduler.Add("tick", 0, 5, [&] {
    ticks.fetch_add(1);
    if (!scheduler.InSchedulerThread()) on_thread = false;
  });
  scheduler.Start();
  EXPECT_TRUE(WaitUntil([&] { return ticks.load() >= 3; }));
  std::atomic<int> posted{0};
  for (int i = 0; i < 10; ++i) scheduler.Post([&] { posted.fetch_add(1); });
  EXPECT_TRUE(WaitUntil([&] { return posted.load() == 10; }));
  scheduler.Stop();
  int after_stop = ticks.load();
  scheduler.Post([&] { posted.fetch_add(1); });  // dropped: stopped
  std::this_thread::sleep_for(std::chrono::milliseconds(30));
  EXPECT_EQ(ticks.load(), after_stop);
  EXPECT_EQ(posted.load(), 10);
  EXPECT_TRUE(on_thread.load());
}

TEST(SchedulerTest, APostedTaskDoesNotWaitForTheNextPeriod) {
  Scheduler scheduler;
  scheduler.Add("slow", 3600 * 1000, 3600 * 1000, [] {});
  scheduler.Start();
  std::atomic<bool> ran{false};
  scheduler.Post([&] { ran = true; });
  // The periodic task is an hour away: the posted one runs long before.
  EXPECT_TRUE(WaitUntil([&] { return ran.load(); }));
}

TEST(SchedulerTest, DelayedTasksRunOnceInDueOrderNotBefore) {
  Scheduler scheduler;
  scheduler.Start();
  std::mutex mu;
  std::vector<int> order;
  const auto start = std::chrono::steady_clock::now();
  std::atomic<int64_t> first_ran_after_ms{-1};
  scheduler.PostAfter(120, [&] {
    first_ran_after_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::steady_clock::now() - start)
                             .count();
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(3);
  });
  scheduler.PostAfter(40, [&] {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(1);
  });
  scheduler.PostAfter(40, [&] {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(2);
  });
  scheduler.Post([&] {
    std::lock_guard<std::mutex> lock(mu);
    order.push_back(0);
  });
  EXPECT_TRUE(WaitUntil([&] {
    std::lock_guard<std::mutex> lock(mu);
    return order.size() == 4;
  }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  std::lock_guard<std::mutex> lock(mu);
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3}));
  EXPECT_GE(first_ran_after_ms.load(), 120);
}

TEST(SchedulerTest, DelayedTasksPendingAtStopNeverRun) {
  Scheduler scheduler;
  scheduler.Start();
  std::atomic<bool> ran{false};
  scheduler.PostAfter(50, [&] { ran = true; });
  scheduler.Stop();
  scheduler.PostAfter(0, [&] { ran = true; });  // refused: stopped
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_FALSE(ran.load());
}

}  // namespace
}  // namespace orbit
