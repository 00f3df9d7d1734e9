#include "broker/scheduler.h"

#include <pthread.h>

namespace orbit::broker {

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(std::string name, int64_t initial_delay_ms, int64_t period_ms,
                    std::function<void()> task) {
  tasks_.push_back(
      Task{std::move(name), period_ms, std::move(task),
           std::chrono::steady_clock::now() + std::chrono::milliseconds(initial_delay_ms)});
}

void Scheduler::Start() {
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "broker-sched");
    Loop();
  });
}

void Scheduler::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Scheduler::Loop() {
  std::unique_lock<std::mutex> lock(mu_);
  while (!stop_) {
    auto now = std::chrono::steady_clock::now();
    auto next = now + std::chrono::hours(1);
    for (auto& t : tasks_) {
      if (t.next <= now) {
        lock.unlock();
        t.fn();
        lock.lock();
        if (stop_) return;
        t.next = std::chrono::steady_clock::now() + std::chrono::milliseconds(t.period_ms);
      }
      next = std::min(next, t.next);
    }
    cv_.wait_until(lock, next, [this] { return stop_; });
  }
}

}  // namespace orbit::broker
