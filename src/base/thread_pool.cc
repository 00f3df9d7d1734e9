#include "base/thread_pool.h"

#include <pthread.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <mutex>

namespace orbit {

struct ThreadPool::State {
  std::mutex mu;  // guards everything below
  std::condition_variable work_cv;
  std::condition_variable done_cv;
  std::deque<std::function<void()>> queue;
  bool stop = false;
  int exited = 0;
  std::vector<std::thread::id> ids;
};

void ThreadPool::Work(const std::shared_ptr<State>& state) {
  std::unique_lock<std::mutex> lock(state->mu);
  for (;;) {
    state->work_cv.wait(lock, [&] { return state->stop || !state->queue.empty(); });
    if (state->stop) break;
    std::function<void()> task = std::move(state->queue.front());
    state->queue.pop_front();
    lock.unlock();
    task();
    task = nullptr;  // captures die outside the lock
    lock.lock();
  }
  ++state->exited;
  state->done_cv.notify_all();
}

ThreadPool::ThreadPool(std::string name, int threads) : state_(std::make_shared<State>()) {
  const int n = std::max(1, threads);
  std::lock_guard<std::mutex> lock(state_->mu);
  for (int i = 0; i < n; ++i) {
    std::string thread_name = name + "-" + std::to_string(i + 1);
    threads_.emplace_back([state = state_, thread_name] {
      // Linux limits thread names to 15 characters.
      pthread_setname_np(pthread_self(), thread_name.substr(0, 15).c_str());
      Work(state);
    });
    state_->ids.push_back(threads_.back().get_id());
  }
}

ThreadPool::~ThreadPool() { Stop(0); }

bool ThreadPool::Submit(std::function<void()> task) {
  {
    std::lock_guard<std::mutex> lock(state_->mu);
    if (state_->stop) return false;
    state_->queue.push_back(std::move(task));
  }
  state_->work_cv.notify_one();
  return true;
}

bool ThreadPool::Stop(int64_t await_ms) {
  if (threads_.empty()) return stopped_all_done_;
  std::deque<std::function<void()>> dropped;
  bool all_done = true;
  {
    std::unique_lock<std::mutex> lock(state_->mu);
    state_->stop = true;
    dropped.swap(state_->queue);
    state_->work_cv.notify_all();
    const int n = static_cast<int>(threads_.size());
    if (await_ms <= 0) {
      state_->done_cv.wait(lock, [&] { return state_->exited == n; });
    } else {
      all_done = state_->done_cv.wait_for(lock, std::chrono::milliseconds(await_ms),
                                          [&] { return state_->exited == n; });
    }
  }
  for (auto& t : threads_) {
    if (!t.joinable()) continue;
    if (all_done) {
      t.join();
    } else {
      t.detach();  // still running a task; it holds the shared state
    }
  }
  threads_.clear();
  stopped_all_done_ = all_done;
  return all_done;
}

size_t ThreadPool::queued() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return state_->queue.size();
}

bool ThreadPool::InPool() const {
  std::lock_guard<std::mutex> lock(state_->mu);
  return std::find(state_->ids.begin(), state_->ids.end(), std::this_thread::get_id()) !=
         state_->ids.end();
}

}  // namespace orbit
