// SyncWaiter: the hand-off between a loop thread and a blocked InvokeSync caller.

#include "net/sync_waiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace orbit::net {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

Result<protocol::RemotingCommand> Answer(int32_t code) {
  protocol::RemotingCommand cmd;
  cmd.code = code;
  return cmd;
}

TEST(SyncWaiterTest, ResultCompletedBeforeTheWaitIsReturnedAtOnce) {
  auto waiter = std::make_shared<SyncWaiter>();
  SyncWaiter::Complete(waiter, Answer(7));
  auto r = waiter->Wait(steady_clock::now() + milliseconds(1));
  ASSERT_TRUE(r.has_value());
  ASSERT_TRUE(r->ok());
  EXPECT_EQ((*r)->code, 7);
}

TEST(SyncWaiterTest, SleepingCallerIsWokenByAnotherThread) {
  for (int i = 0; i < 200; ++i) {
    auto waiter = std::make_shared<SyncWaiter>();
    std::thread completer([waiter, i] {
      if (i % 2 == 0) std::this_thread::sleep_for(std::chrono::microseconds(200));
      SyncWaiter::Complete(waiter, Answer(i));
    });
    auto r = waiter->Wait(steady_clock::now() + std::chrono::seconds(10));
    completer.join();
    ASSERT_TRUE(r.has_value()) << i;
    EXPECT_EQ((*r)->code, i);
  }
}

TEST(SyncWaiterTest, ErrorsPassThrough) {
  auto waiter = std::make_shared<SyncWaiter>();
  SyncWaiter::Complete(waiter, Status(ErrorCode::kConnectionClosed, "gone"));
  auto r = waiter->Wait(steady_clock::now() + milliseconds(1));
  ASSERT_TRUE(r.has_value());
  EXPECT_EQ(r->status().code(), ErrorCode::kConnectionClosed);
}

TEST(SyncWaiterTest, DeadlineWithoutAnAnswerReturnsNothingAndALateAnswerIsHarmless) {
  auto waiter = std::make_shared<SyncWaiter>();
  const auto start = steady_clock::now();
  auto r = waiter->Wait(start + milliseconds(30));
  EXPECT_FALSE(r.has_value());
  EXPECT_GE(steady_clock::now() - start, milliseconds(30));
  SyncWaiter::Complete(waiter, Answer(1));  // the loop's late answer: nobody waits any more
}

TEST(SyncWaiterTest, WakeUpsInsideABatchWaitForItsEnd) {
  auto waiter = std::make_shared<SyncWaiter>();
  std::atomic<bool> woke{false};
  std::thread caller([&] {
    auto r = waiter->Wait(steady_clock::now() + std::chrono::seconds(10));
    EXPECT_TRUE(r.has_value());
    woke = true;
  });
  const auto give_up = steady_clock::now() + std::chrono::seconds(10);
  while (!waiter->sleeping() && steady_clock::now() < give_up) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  ASSERT_TRUE(waiter->sleeping());
  {
    WakeBatch batch;
    SyncWaiter::Complete(waiter, Answer(3));
    std::this_thread::sleep_for(milliseconds(50));
    // A caller asleep before Complete is still asleep: the wake-up is held back.
    EXPECT_FALSE(woke.load());
  }
  caller.join();
  EXPECT_TRUE(woke.load());
}

}  // namespace
}  // namespace orbit::net
