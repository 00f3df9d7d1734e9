#include "net/event_loop.h"

#include <pthread.h>

#include <chrono>

#include "base/log.h"

namespace orbit::net {

EventLoopGroup::EventLoopGroup(int threads, std::string name) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  for (int i = 0; i < threads; ++i) {
    auto loop = std::make_unique<Loop>();
    loop->io = std::make_unique<asio::io_context>(1);
    loop->guard = std::make_unique<asio::executor_work_guard<asio::io_context::executor_type>>(
        loop->io->get_executor());
    asio::io_context* io = loop->io.get();
    std::string thread_name = (name + "-" + std::to_string(i)).substr(0, 15);
    loop->thread = std::thread([io, thread_name] {
      pthread_setname_np(pthread_self(), thread_name.c_str());
      io->run();
    });
    loops_.push_back(std::move(loop));
  }
}

EventLoopGroup::~EventLoopGroup() { Stop(); }

asio::io_context& EventLoopGroup::Next() {
  return *loops_[next_.fetch_add(1, std::memory_order_relaxed) % loops_.size()]->io;
}

bool EventLoopGroup::InLoopThread() const {
  for (const auto& loop : loops_) {
    if (loop->io->get_executor().running_in_this_thread()) return true;
  }
  return false;
}

void EventLoopGroup::Stop() {
  if (stopped_) return;
  stopped_ = true;
  for (auto& loop : loops_) loop->guard.reset();
  for (auto& loop : loops_) {
    // Owners have closed everything; anything still pending after a grace period is abandoned.
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!loop->io->stopped() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!loop->io->stopped()) {
      ORBIT_LOG_WARN("event loop still busy after 5 s at shutdown; stopping it");
      loop->io->stop();
    }
    if (loop->thread.joinable()) loop->thread.join();
  }
}

}  // namespace orbit::net
