// A push consumer as a process of its own, for consumer_fault_test: it consumes a topic in a
// clustering group from the first offset and appends one line per message to a file, written
// before the listener returns (so a message whose offset was committed is in the file, whatever
// signal ends the process). Runs until SIGTERM or SIGINT (clean shutdown, exit 0), SIGKILL, or
// its lifetime runs out (exit 3: a test that forgot it does not leave it running). With
// MAX_WORK_MS, the listener takes 0..MAX_WORK_MS per message (at random), so that messages of a
// queue finish out of order and some are in hand when the process is killed.
//   consumer_child NAMESRV TOPIC GROUP INSTANCE OUTPUT_FILE [LIFETIME_S [MAX_WORK_MS]]
// Each line: "<wall clock ms> <queue id> <queue offset> <reconsume times> <body>\n". Prints
// "started <client id>" once Start() returned.

#include <fcntl.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <mutex>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "orbit/consumer.h"

namespace {

std::atomic<bool> g_stop{false};

void OnSignal(int) { g_stop.store(true); }

int64_t WallMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Appends whole lines to a file opened O_APPEND; each line is one write(2), in the kernel before
// the listener returns.
class LineFile {
 public:
  explicit LineFile(const std::string& path)
      : fd_(open(path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644)) {}
  ~LineFile() {
    if (fd_ >= 0) close(fd_);
  }
  bool ok() const { return fd_ >= 0; }
  bool Append(const std::string& line) {
    std::lock_guard<std::mutex> lock(mu_);
    size_t done = 0;
    while (done < line.size()) {
      ssize_t n = write(fd_, line.data() + done, line.size() - done);
      if (n <= 0) return false;
      done += static_cast<size_t>(n);
    }
    return true;
  }

 private:
  std::mutex mu_;
  int fd_;
};

}  // namespace

int main(int argc, char** argv) {
  if (argc < 6) {
    std::fprintf(stderr, "usage: %s NAMESRV TOPIC GROUP INSTANCE OUTPUT_FILE [LIFETIME_S]\n",
                 argv[0]);
    return 2;
  }
  const std::string topic = argv[2];
  const int lifetime_s = argc > 6 ? std::atoi(argv[6]) : 300;
  const int max_work_ms = argc > 7 ? std::atoi(argv[7]) : 0;
  LineFile out(argv[5]);
  if (!out.ok()) {
    std::perror("open output file");
    return 2;
  }
  std::signal(SIGTERM, OnSignal);
  std::signal(SIGINT, OnSignal);

  orbit::PushConsumerConfig config;
  config.namesrv_addr = argv[1];
  config.group = argv[3];
  config.instance_name = argv[4];
  config.consume_from_where = orbit::ConsumeFromWhere::kFirstOffset;
  config.consume_thread_min = 4;
  config.consume_thread_max = 4;
  orbit::PushConsumer consumer(config);
  if (orbit::Status st = consumer.Subscribe(topic, "*"); !st.ok()) {
    std::fprintf(stderr, "subscribe: %s\n", st.ToString().c_str());
    return 1;
  }
  std::atomic<bool> write_failed{false};
  consumer.RegisterListener(orbit::ConcurrentListener(
      [&](const std::vector<orbit::MessageExt>& msgs, orbit::ConsumeConcurrentlyContext&) {
        for (const auto& m : msgs) {
          if (max_work_ms > 0) {
            thread_local std::mt19937 rng(std::random_device{}());
            std::this_thread::sleep_for(std::chrono::milliseconds(rng() % (max_work_ms + 1)));
          }
          const std::string line = std::to_string(WallMillis()) + " " + std::to_string(m.queue_id) +
                                   " " + std::to_string(m.queue_offset) + " " +
                                   std::to_string(m.reconsume_times) + " " + m.body() + "\n";
          if (!out.Append(line)) {
            write_failed.store(true);
            return orbit::ConsumeConcurrentlyStatus::kReconsumeLater;
          }
        }
        return orbit::ConsumeConcurrentlyStatus::kConsumeSuccess;
      }));
  if (orbit::Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "start: %s\n", st.ToString().c_str());
    return 1;
  }
  std::printf("started %s\n", consumer.client_id().c_str());
  std::fflush(stdout);

  const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(lifetime_s);
  while (!g_stop.load() && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  consumer.Shutdown();
  if (write_failed.load()) {
    std::fprintf(stderr, "a line could not be written\n");
    return 1;
  }
  return g_stop.load() ? 0 : 3;
}
