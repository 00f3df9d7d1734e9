#pragma once

// Periodic tasks on one thread (the broker's ScheduledExecutorService). Each task runs first
// after `initial_delay_ms`, then every `period_ms`; a task that takes long delays the others,
// so tasks stay short or hand work elsewhere.

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orbit::broker {

class Scheduler {
 public:
  Scheduler() = default;
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Before Start().
  void Add(std::string name, int64_t initial_delay_ms, int64_t period_ms,
           std::function<void()> task);
  void Start();
  // Waits for a running task to finish; no task runs afterwards. Idempotent.
  void Stop();

 private:
  struct Task {
    std::string name;
    int64_t period_ms;
    std::function<void()> fn;
    std::chrono::steady_clock::time_point next;
  };
  void Loop();

  std::vector<Task> tasks_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace orbit::broker
