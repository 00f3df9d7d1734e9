#include "apps/bench/pingpong.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <thread>
#include <vector>

namespace orbit::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Closes on scope exit.
struct Fd {
  int fd = -1;
  explicit Fd(int f) : fd(f) {}
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd() {
    if (fd >= 0) ::close(fd);
  }
};

bool Fail(const char* what) {
  std::fprintf(stderr, "orbit-bench pingpong: %s: %s\n", what, std::strerror(errno));
  return false;
}

bool WriteAll(int fd, const char* p, size_t n) {
  while (n > 0) {
    ssize_t w = ::write(fd, p, n);
    if (w < 0 && errno == EINTR) continue;
    if (w <= 0) return false;
    p += w;
    n -= static_cast<size_t>(w);
  }
  return true;
}

bool ReadAll(int fd, char* p, size_t n) {
  while (n > 0) {
    ssize_t r = ::read(fd, p, n);
    if (r < 0 && errno == EINTR) continue;
    if (r <= 0) return false;
    p += r;
    n -= static_cast<size_t>(r);
  }
  return true;
}

// Best effort: a machine with one CPU, or a cpuset without CPU 1, runs unpinned.
void PinTo(int cpu) {
  if (static_cast<int>(std::thread::hardware_concurrency()) <= cpu) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  (void)pthread_setaffinity_np(pthread_self(), sizeof(set), &set);
}

void NoDelay(int fd) {
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

}  // namespace

CLI::App* AddPingPongCommand(CLI::App& app, PingPongOptions* o) {
  CLI::App* cmd = app.add_subcommand(
      "pingpong",
      "Loopback TCP round trips between two blocking threads: the baseline of RT figures");
  cmd->add_option("-q,--count", o->count, "round trips measured")
      ->check(CLI::Range(int64_t{1}, int64_t{100000000}))
      ->capture_default_str();
  cmd->add_option("--warmup", o->warmup, "round trips before measuring")
      ->check(CLI::Range(int64_t{0}, int64_t{100000000}))
      ->capture_default_str();
  cmd->add_option("-s,--size", o->size, "bytes each way")
      ->check(CLI::Range(size_t{1}, size_t{1} << 20))
      ->capture_default_str();
  cmd->add_option("--duration", o->max_seconds, "stop measuring after this many seconds")
      ->check(CLI::Range(0.1, 3600.0))
      ->capture_default_str();
  cmd->add_flag("--json", o->json, "print the result as one JSON object");
  cmd->add_flag("!--no-pin", o->pin,
                "let the scheduler place both threads (default: CPUs 0 and 1)");
  return cmd;
}

bool MeasurePingPong(const PingPongOptions& o, PingPongResult* result) {
  Fd listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (listener.fd < 0) return Fail("socket");
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (::bind(listener.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0 ||
      ::listen(listener.fd, 1) != 0 ||
      ::getsockname(listener.fd, reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return Fail("listen on 127.0.0.1");
  }
  Fd client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  if (client.fd < 0) return Fail("socket");
  if (::connect(client.fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) != 0) {
    return Fail("connect");
  }
  Fd server(::accept4(listener.fd, nullptr, nullptr, SOCK_CLOEXEC));
  if (server.fd < 0) return Fail("accept");
  NoDelay(client.fd);
  NoDelay(server.fd);

  // The echo side: until the client closes.
  std::thread echo([fd = server.fd, size = o.size, pin = o.pin] {
    if (pin) PinTo(1);
    std::vector<char> buf(size);
    while (ReadAll(fd, buf.data(), size) && WriteAll(fd, buf.data(), size)) {
    }
  });
  // The calling thread is pinned for the measurement only.
  cpu_set_t saved;
  const bool restore = o.pin && pthread_getaffinity_np(pthread_self(), sizeof(saved), &saved) == 0;
  if (o.pin) PinTo(0);
  std::vector<char> buf(o.size, 'p');
  std::vector<double> rtts;
  rtts.reserve(static_cast<size_t>(o.count));
  bool ok = true;
  for (int64_t i = 0; ok && i < o.warmup; ++i) {
    ok = WriteAll(client.fd, buf.data(), o.size) && ReadAll(client.fd, buf.data(), o.size);
  }
  const auto start = Clock::now();
  const auto stop = start + std::chrono::duration<double>(o.max_seconds);
  while (ok && static_cast<int64_t>(rtts.size()) < o.count) {
    auto t0 = Clock::now();
    ok = WriteAll(client.fd, buf.data(), o.size) && ReadAll(client.fd, buf.data(), o.size);
    auto t1 = Clock::now();
    rtts.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count());
    if (t1 >= stop) break;
  }
  const double seconds = std::chrono::duration<double>(Clock::now() - start).count();
  ::shutdown(client.fd, SHUT_RDWR);
  echo.join();
  if (restore) (void)pthread_setaffinity_np(pthread_self(), sizeof(saved), &saved);
  if (!ok || rtts.empty()) return Fail("round trip");
  double sum = 0;
  for (double v : rtts) sum += v;
  std::sort(rtts.begin(), rtts.end());
  auto at = [&](double q) {
    return rtts[std::min(rtts.size() - 1,
                         static_cast<size_t>(q * static_cast<double>(rtts.size())))];
  };
  result->round_trips = static_cast<int64_t>(rtts.size());
  result->seconds = seconds;
  result->avg_us = sum / static_cast<double>(rtts.size());
  result->p50_us = at(0.50);
  result->p99_us = at(0.99);
  result->round_trips_per_s = static_cast<double>(rtts.size()) / seconds;
  return true;
}

int RunPingPongBench(const PingPongOptions& o) {
  PingPongResult r;
  if (!MeasurePingPong(o, &r)) return 1;
  if (o.json) {
    std::printf(
        "{\"mode\":\"pingpong\",\"pinned\":%s,\"size\":%zu,\"round_trips\":%lld,\"seconds\":%.3f,"
        "\"rtt_us\":{\"avg\":%.2f,\"p50\":%.2f,\"p99\":%.2f},\"round_trips_per_s\":%.1f}\n",
        o.pin ? "true" : "false", o.size, static_cast<long long>(r.round_trips), r.seconds,
        r.avg_us, r.p50_us, r.p99_us, r.round_trips_per_s);
  } else {
    std::printf(
        "pingpong %zu B over 127.0.0.1: %lld round trips in %.2f s, RTT avg %.1f us, p50 %.1f us, "
        "p99 %.1f us (%.0f round trips/s)\n",
        o.size, static_cast<long long>(r.round_trips), r.seconds, r.avg_us, r.p50_us, r.p99_us,
        r.round_trips_per_s);
  }
  return 0;
}

}  // namespace orbit::bench
