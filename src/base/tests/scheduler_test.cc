#include "base/scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

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

}  // namespace
}  // namespace orbit
