#pragma once

// A fixed set of named threads taking tasks from one unbounded FIFO queue (Java's
// ThreadPoolExecutor over a LinkedBlockingQueue, as RocketMQ's consumers use it).
//
// Stop() refuses new tasks, drops the queued ones and waits for the running ones, at most for a
// given time; threads still busy then are left to finish on their own (their shared state stays
// alive), as Java's shutdown + awaitTermination does.

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace orbit {

class ThreadPool {
 public:
  // `threads` at least 1. Starts the threads.
  ThreadPool(std::string name, int threads);
  // Stop(0): waits for the running tasks.
  ~ThreadPool();
  ThreadPool(const ThreadPool&) = delete;
  ThreadPool& operator=(const ThreadPool&) = delete;

  // Any thread. False (the task is dropped) once stopping.
  bool Submit(std::function<void()> task);
  // Refuses new tasks, drops the queued ones, waits for running ones up to `await_ms`
  // (0: without limit). True when every thread finished. Idempotent. Not from a pool thread.
  bool Stop(int64_t await_ms = 0);
  // Tasks waiting for a thread.
  size_t queued() const;
  bool InPool() const;

 private:
  struct State;
  static void Work(const std::shared_ptr<State>& state);
  std::shared_ptr<State> state_;
  std::vector<std::thread> threads_;  // empty once stopped
  bool stopped_all_done_ = true;
};

}  // namespace orbit
