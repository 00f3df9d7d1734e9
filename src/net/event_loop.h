#pragma once

// A fixed group of Asio event loops, one thread each. A connection lives on one loop for its
// whole life, so its state needs no lock: other threads hand work to it with Post().

#include <asio/executor_work_guard.hpp>
#include <asio/io_context.hpp>
#include <atomic>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace orbit::net {

class EventLoopGroup {
 public:
  // threads <= 0 means one per core.
  EventLoopGroup(int threads, std::string name);
  ~EventLoopGroup();
  EventLoopGroup(const EventLoopGroup&) = delete;
  EventLoopGroup& operator=(const EventLoopGroup&) = delete;

  size_t size() const { return loops_.size(); }
  // Round-robin choice of a loop for a new connection.
  asio::io_context& Next();
  asio::io_context& At(size_t i) { return *loops_[i]->io; }
  // True when the calling thread is one of this group's loop threads.
  bool InLoopThread() const;

  // Lets the loops finish the work they have (handlers of closed sockets, cancelled timers)
  // and joins the threads. Owners close their sockets and timers first.
  void Stop();

 private:
  struct Loop {
    std::unique_ptr<asio::io_context> io;
    std::unique_ptr<asio::executor_work_guard<asio::io_context::executor_type>> guard;
    std::thread thread;
  };
  std::vector<std::unique_ptr<Loop>> loops_;
  std::atomic<size_t> next_{0};
  bool stopped_ = false;
};

}  // namespace orbit::net
