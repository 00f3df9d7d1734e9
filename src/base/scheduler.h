#pragma once

// Periodic tasks on one named thread (Java's ScheduledExecutorService as RocketMQ uses it). Each
// task runs first after `initial_delay_ms`, then every `period_ms` after the end of its previous
// run; a task that takes long delays the others, so tasks stay short or hand work elsewhere.
// Post() runs a one-off task on the same thread as soon as it is free; PostAfter() after a delay.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace orbit {

class Scheduler {
 public:
  explicit Scheduler(std::string thread_name = "orbit-sched");
  ~Scheduler();
  Scheduler(const Scheduler&) = delete;
  Scheduler& operator=(const Scheduler&) = delete;

  // Before Start().
  void Add(std::string name, int64_t initial_delay_ms, int64_t period_ms,
           std::function<void()> task);
  void Start();
  // Any thread, before Stop(): runs `task` once on the scheduler thread, after the tasks that
  // are due. Dropped (never run) when the scheduler stops first.
  void Post(std::function<void()> task);
  // Any thread, before Stop(): runs `task` once on the scheduler thread, `delay_ms` from now
  // (one-offs due at the same time run in the order posted). Dropped when the scheduler stops
  // first.
  void PostAfter(int64_t delay_ms, std::function<void()> task);
  // Waits until no task is running (one that starts afterwards is not waited for). Not from a
  // task.
  void WaitIdle();
  // Waits for a running task to finish; no task runs afterwards. Idempotent. Must not be called
  // from a task.
  void Stop();
  // True on the scheduler's thread.
  bool InSchedulerThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  struct Task {
    std::string name;
    int64_t period_ms;
    std::function<void()> fn;
    std::chrono::steady_clock::time_point next;
  };
  void Loop();

  const std::string thread_name_;
  std::vector<Task> tasks_;
  std::mutex mu_;  // guards stop_ and posted_ for cv_
  std::condition_variable cv_;
  bool stop_ = false;
  bool running_ = false;  // a task runs now
  std::condition_variable idle_cv_;
  std::deque<std::function<void()>> posted_;
  // One-offs by due time; the sequence number keeps equal times in posting order.
  std::map<std::pair<std::chrono::steady_clock::time_point, uint64_t>, std::function<void()>>
      delayed_;
  uint64_t delayed_seq_ = 0;
  std::thread thread_;
};

}  // namespace orbit
