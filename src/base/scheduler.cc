#include "base/scheduler.h"

#include <pthread.h>

#include <algorithm>

namespace orbit {

Scheduler::Scheduler(std::string thread_name) : thread_name_(std::move(thread_name)) {}

Scheduler::~Scheduler() { Stop(); }

void Scheduler::Add(std::string name, int64_t initial_delay_ms, int64_t period_ms,
                    std::function<void()> task) {
  tasks_.push_back(
      Task{std::move(name), period_ms, std::move(task),
           std::chrono::steady_clock::now() + std::chrono::milliseconds(initial_delay_ms)});
}

void Scheduler::Start() {
  // Held until thread_ is assigned: Loop() takes mu_ before its first task, so a task that asks
  // InSchedulerThread() sees the right id.
  std::lock_guard<std::mutex> lock(mu_);
  thread_ = std::thread([this] {
    // Linux limits thread names to 15 characters.
    pthread_setname_np(pthread_self(), thread_name_.substr(0, 15).c_str());
    Loop();
  });
}

void Scheduler::Post(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    posted_.push_back(std::move(task));
  }
  cv_.notify_all();
}

void Scheduler::PostAfter(int64_t delay_ms, std::function<void()> task) {
  auto due =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(std::max<int64_t>(0, delay_ms));
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (stop_) return;
    delayed_.emplace(std::make_pair(due, delayed_seq_++), std::move(task));
  }
  cv_.notify_all();
}

void Scheduler::WaitIdle() {
  std::unique_lock<std::mutex> lock(mu_);
  idle_cv_.wait(lock, [&] { return !running_; });
}

void Scheduler::Stop() {
  std::deque<std::function<void()>> posted;
  std::map<std::pair<std::chrono::steady_clock::time_point, uint64_t>, std::function<void()>>
      delayed;
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
    // Destroyed outside the lock: a task's captures may post again (and be refused).
    posted.swap(posted_);
    delayed.swap(delayed_);
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
        running_ = true;
        lock.unlock();
        t.fn();
        lock.lock();
        running_ = false;
        idle_cv_.notify_all();
        if (stop_) return;
        t.next = std::chrono::steady_clock::now() + std::chrono::milliseconds(t.period_ms);
      }
      next = std::min(next, t.next);
    }
    now = std::chrono::steady_clock::now();
    while (!delayed_.empty() && delayed_.begin()->first.first <= now && !stop_) {
      std::function<void()> task = std::move(delayed_.begin()->second);
      delayed_.erase(delayed_.begin());
      running_ = true;
      lock.unlock();
      task();
      task = nullptr;
      lock.lock();
      running_ = false;
      idle_cv_.notify_all();
    }
    if (!delayed_.empty()) next = std::min(next, delayed_.begin()->first.first);
    while (!posted_.empty() && !stop_) {
      std::function<void()> task = std::move(posted_.front());
      posted_.pop_front();
      running_ = true;
      lock.unlock();
      task();
      task = nullptr;
      lock.lock();
      running_ = false;
      idle_cv_.notify_all();
    }
    if (stop_) return;
    if (posted_.empty()) cv_.wait_until(lock, next);
  }
}

}  // namespace orbit
