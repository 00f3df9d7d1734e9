#pragma once

// One thread that runs user callbacks in the order they were posted (async send results), so
// that they never run on an I/O thread. Posting wakes the thread only when it is idle; under load
// it drains many callbacks per wake-up.

#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace orbit::client {

class CallbackExecutor {
 public:
  explicit CallbackExecutor(std::string thread_name);
  // Stop().
  ~CallbackExecutor();
  CallbackExecutor(const CallbackExecutor&) = delete;
  CallbackExecutor& operator=(const CallbackExecutor&) = delete;

  // Any thread. After Stop() the task runs at once on the calling thread, so that no callback is
  // ever lost.
  void Post(std::function<void()> task);
  // Runs what was posted, then joins the thread. Idempotent; not from a callback.
  void Stop();
  bool InExecutorThread() const { return std::this_thread::get_id() == thread_.get_id(); }

 private:
  void Loop();

  std::mutex mu_;  // guards queue_, stop_, idle_ and exited_ for cv_
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  bool idle_ = false;
  bool exited_ = false;  // the thread has drained the queue and returned
  std::thread thread_;
};

}  // namespace orbit::client
