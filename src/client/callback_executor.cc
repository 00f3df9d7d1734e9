#include "client/callback_executor.h"

#include <pthread.h>

namespace orbit::client {

CallbackExecutor::CallbackExecutor(std::string thread_name) {
  thread_ = std::thread([this, name = std::move(thread_name)] {
    pthread_setname_np(pthread_self(), name.substr(0, 15).c_str());
    Loop();
  });
}

CallbackExecutor::~CallbackExecutor() { Stop(); }

void CallbackExecutor::Post(std::function<void()> task) {
  bool wake = false;
  {
    std::unique_lock<std::mutex> lock(mu_);
    if (exited_) {
      lock.unlock();
      task();
      return;
    }
    queue_.push_back(std::move(task));
    wake = idle_;
  }
  if (wake) cv_.notify_one();
}

void CallbackExecutor::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  cv_.notify_one();
  if (thread_.joinable() && !InExecutorThread()) thread_.join();
}

void CallbackExecutor::Loop() {
  std::deque<std::function<void()>> batch;
  std::unique_lock<std::mutex> lock(mu_);
  while (true) {
    if (queue_.empty()) {
      if (stop_) {
        exited_ = true;
        return;
      }
      idle_ = true;
      cv_.wait(lock);
      idle_ = false;
      continue;
    }
    batch.swap(queue_);
    lock.unlock();
    for (auto& task : batch) task();
    batch.clear();
    lock.lock();
  }
}

}  // namespace orbit::client
