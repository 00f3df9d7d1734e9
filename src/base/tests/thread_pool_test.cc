#include "base/thread_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <set>
#include <thread>

namespace orbit {
namespace {

TEST(ThreadPoolTest, RunsEveryTaskOnItsThreads) {
  ThreadPool pool("test-pool", 3);
  std::mutex mu;
  std::set<std::thread::id> threads;
  std::atomic<int> done{0};
  std::atomic<bool> in_pool{true};
  for (int i = 0; i < 200; ++i) {
    ASSERT_TRUE(pool.Submit([&] {
      if (!pool.InPool()) in_pool = false;
      {
        std::lock_guard<std::mutex> lock(mu);
        threads.insert(std::this_thread::get_id());
      }
      done.fetch_add(1);
    }));
  }
  EXPECT_FALSE(pool.InPool());
  for (int i = 0; i < 2000 && done.load() < 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_EQ(done.load(), 200);
  EXPECT_TRUE(pool.Stop(0));
  EXPECT_FALSE(pool.Submit([&] { done.fetch_add(1); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  EXPECT_EQ(done.load(), 200);
  EXPECT_TRUE(in_pool.load());
  EXPECT_LE(threads.size(), 3u);
}

TEST(ThreadPoolTest, TasksRunConcurrentlyUpToTheThreadCount) {
  ThreadPool pool("test-pool", 2);
  std::mutex mu;
  std::condition_variable cv;
  int running = 0;
  bool release = false;
  for (int i = 0; i < 2; ++i) {
    pool.Submit([&] {
      std::unique_lock<std::mutex> lock(mu);
      ++running;
      cv.notify_all();
      cv.wait(lock, [&] { return release; });
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    // Both block at once: two threads really run in parallel.
    EXPECT_TRUE(cv.wait_for(lock, std::chrono::seconds(10), [&] { return running == 2; }));
    release = true;
  }
  cv.notify_all();
  EXPECT_TRUE(pool.Stop(0));
}

TEST(ThreadPoolTest, StopWaitsForRunningTasksAndDropsQueuedOnes) {
  ThreadPool pool("test-pool", 1);
  std::atomic<bool> started{false};
  std::atomic<bool> finished{false};
  std::atomic<bool> queued_ran{false};
  pool.Submit([&] {
    started = true;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    finished = true;
  });
  pool.Submit([&] { queued_ran = true; });
  while (!started.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  EXPECT_TRUE(pool.Stop(0));
  EXPECT_TRUE(finished.load());
  EXPECT_FALSE(queued_ran.load());
  EXPECT_TRUE(pool.Stop(0));  // idempotent
}

TEST(ThreadPoolTest, StopWithATimeoutLeavesASlowTaskBehind) {
  auto gate = std::make_shared<std::atomic<bool>>(false);
  auto finished = std::make_shared<std::atomic<bool>>(false);
  {
    ThreadPool pool("test-pool", 1);
    std::atomic<bool> started{false};
    pool.Submit([gate, finished, &started] {
      started = true;
      while (!gate->load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
      finished->store(true);
    });
    while (!started.load()) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    EXPECT_FALSE(pool.Stop(30));
    EXPECT_FALSE(finished->load());
  }  // destroyed while the task still runs
  gate->store(true);
  for (int i = 0; i < 1000 && !finished->load(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_TRUE(finished->load());
}

}  // namespace
}  // namespace orbit
