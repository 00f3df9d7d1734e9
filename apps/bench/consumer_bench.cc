// `orbit-bench consumer`: one run from options to exit code (see consumer_bench.h).
//
// Threads: the controlling thread (this file) starts the consumer and the reporter, then sleeps
// in StopFlag::WaitFor until the count is reached (a consume thread raises the flag), the
// deadline passes or a signal comes; it stops the reporter, shuts the consumer down and prints
// the summary. The listener runs on the consumer's consume threads.

#include "apps/bench/consumer_bench.h"

#include <fmt/format.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <optional>
#include <random>
#include <string>
#include <vector>

#include "apps/bench/consumer_report.h"
#include "apps/bench/report.h"
#include "apps/bench/run_control.h"
#include "apps/bench/stats.h"
#include "orbit/consumer.h"

namespace orbit::bench {
namespace {

using Clock = std::chrono::steady_clock;

int64_t WallMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// From a message's millisecond timestamp to `now_us`; 0 when the stamp is ahead (clock skew).
uint64_t MicrosSince(int64_t now_us, int64_t stamp_ms) {
  const int64_t us = now_us - stamp_ms * 1000;
  return us > 0 ? static_cast<uint64_t>(us) : 0;
}

// The listener's side of a run. Consume threads belong to the client, so each takes a
// WorkerStats of its own on its first call (more threads than workers share some, which the
// atomics allow). With a count, a shared counter finds the message that reaches it, whose
// listener raises the stop flag. Lock-free except for that one Stop().
class ConsumeRecorder {
 public:
  ConsumeRecorder(BenchStats* stats, int64_t count, StopFlag* stop)
      : run_id_(next_run_id_.fetch_add(1) + 1), stats_(stats), count_(count), stop_(stop) {}

  // A consume thread, once per listener call.
  void Record(const std::vector<MessageExt>& msgs) {
    const int64_t now_us = WallMicros();
    const int64_t now_ns = Clock::now().time_since_epoch().count();
    WorkerStats& w = Mine();
    for (const MessageExt& m : msgs) {
      w.latency.Record(MicrosSince(now_us, m.store_timestamp));
      w.second_latency.Record(MicrosSince(now_us, m.born_timestamp));
    }
    const auto n = static_cast<int64_t>(msgs.size());
    WorkerStats::Add(w.ok_messages, static_cast<uint64_t>(n));
    WorkerStats::Add(w.ok_requests, 1);
    if (first_ns_.load(std::memory_order_relaxed) == 0) {
      int64_t none = 0;
      first_ns_.compare_exchange_strong(none, now_ns, std::memory_order_relaxed);
    }
    if (count_ > 0) {
      const int64_t before = consumed_.fetch_add(n, std::memory_order_relaxed);
      if (before < count_ && before + n >= count_) {
        // Published to the controlling thread by the stop flag's mutex.
        reached_ns_.store(now_ns, std::memory_order_relaxed);
        reached_count_.store(before + n, std::memory_order_relaxed);
        stop_->Stop(StopReason::kCount);
      }
    }
  }

  // The controlling thread, after the stop. Empty: no message / the count was not reached.
  std::optional<Clock::time_point> first_message() const { return TimeOf(first_ns_); }
  std::optional<Clock::time_point> reached() const { return TimeOf(reached_ns_); }
  int64_t reached_count() const { return reached_count_.load(std::memory_order_relaxed); }

 private:
  static std::optional<Clock::time_point> TimeOf(const std::atomic<int64_t>& ns) {
    const int64_t v = ns.load(std::memory_order_relaxed);
    if (v == 0) return std::nullopt;
    return Clock::time_point(Clock::duration(v));
  }

  WorkerStats& Mine() {
    // Keyed by run, so that a thread never keeps a slot of an earlier run of this process.
    thread_local uint64_t run = 0;
    thread_local WorkerStats* mine = nullptr;
    if (run != run_id_) {
      run = run_id_;
      mine = &stats_->worker(next_slot_.fetch_add(1) % stats_->size());
    }
    return *mine;
  }

  static inline std::atomic<uint64_t> next_run_id_{0};
  const uint64_t run_id_;
  BenchStats* const stats_;
  const int64_t count_;
  StopFlag* const stop_;
  std::atomic<int> next_slot_{0};
  std::atomic<int64_t> consumed_{0};  // with a count only
  std::atomic<int64_t> first_ns_{0};  // steady clock; 0: no message yet
  std::atomic<int64_t> reached_ns_{0};
  std::atomic<int64_t> reached_count_{0};
};

// "<pid>_<0..9999>": a new group per run, as Apache's "_<millis % 100>", less likely to collide.
std::string GroupSuffix() {
  return fmt::format("{}_{}", static_cast<int64_t>(getpid()), std::random_device{}() % 10000);
}

PushConsumerConfig MakeConsumerConfig(const ConsumerBenchOptions& o) {
  PushConsumerConfig config;
  config.group = o.group;
  config.namesrv_addr = NamesrvOrDefault(o.namesrv);
  config.message_model = o.broadcast ? MessageModel::kBroadcasting : MessageModel::kClustering;
  config.consume_from_where =
      o.from == "first" ? ConsumeFromWhere::kFirstOffset : ConsumeFromWhere::kLastOffset;
  config.consume_thread_min = o.threads;
  config.consume_thread_max = o.threads;
  config.consume_message_batch_max_size = o.batch;
  config.pull_batch_size = o.pull_batch;
  if (o.acl) config.rpc_hook = MakeAclRpcHook(o.access_key, o.secret_key);
  return config;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

int RunConsumerBench(ConsumerBenchOptions o) {
  if (Status st = ValidateConsumerOptions(o); !st.ok()) {
    std::fprintf(stderr, "orbit-bench consumer: %s\n", st.message().c_str());
    return 2;
  }
  SetupClientLogging(o.log_level);
  std::FILE* human = o.json ? stderr : stdout;
  o.group = ConsumerGroupOf(o, GroupSuffix());

  // Declared before the consumer: its listeners touch these until it has shut down.
  BenchStats stats(o.threads);
  StopFlag stop;
  ConsumeRecorder recorder(&stats, o.count, &stop);

  PushConsumer consumer(MakeConsumerConfig(o));
  if (Status st = consumer.Subscribe(o.topic, o.expression); !st.ok()) {
    std::fprintf(stderr, "orbit-bench consumer: %s\n", st.ToString().c_str());
    return 2;
  }
  if (o.orderly) {
    consumer.RegisterListener(
        [&recorder](const std::vector<MessageExt>& msgs, ConsumeOrderlyContext&) {
          recorder.Record(msgs);
          return ConsumeOrderlyStatus::kSuccess;
        });
  } else {
    consumer.RegisterListener(
        [&recorder](const std::vector<MessageExt>& msgs, ConsumeConcurrentlyContext&) {
          recorder.Record(msgs);
          return ConsumeConcurrentlyStatus::kConsumeSuccess;
        });
  }
  std::fputs(ConsumerHeader(o).c_str(), human);
  std::fflush(human);

  const Clock::time_point begin = Clock::now();
  if (Status st = consumer.Start(); !st.ok()) {
    std::fprintf(stderr, "orbit-bench consumer: the consumer did not start: %s\n",
                 st.ToString().c_str());
    if (o.json) {
      ConsumerOutcome failed;
      failed.reason = StopReason::kError;
      failed.error = st.ToString();
      failed.exit_code = 1;
      PrintConsumerJson(o, failed);
    }
    return 1;
  }
  std::fputs("Consumer Started.\n", human);
  std::fflush(human);

  InstallStopSignalHandlers();
  ReporterOptions ro;
  ro.out = human;
  ro.tty = isatty(fileno(human)) != 0;
  ro.progress = !o.no_progress;
  ro.report_interval_s = o.report_interval_s;
  Reporter reporter(
      ro, [&stats] { return stats.Snapshot(); }, ConsumerProgressLine, ConsumerReportLine);
  reporter.Start();

  const auto deadline = begin + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.duration_s));
  while (!stop.WaitFor(std::chrono::milliseconds(50))) {
    if (StopSignalReceived()) stop.Stop(StopReason::kSignal);
    if (o.duration_s > 0 && Clock::now() >= deadline) stop.Stop(StopReason::kDuration);
  }
  Clock::time_point end = Clock::now();
  ConsumerOutcome outcome;
  outcome.stats = stats.Snapshot();
  outcome.reason = stop.reason();
  outcome.measured = outcome.stats.ok_messages;
  if (outcome.reason == StopReason::kCount && recorder.reached()) {
    end = *recorder.reached();
    outcome.measured = static_cast<uint64_t>(recorder.reached_count());
  }
  reporter.Stop();
  consumer.Shutdown();
  outcome.consumed_after_stop = stats.Snapshot().ok_messages - outcome.stats.ok_messages;
  outcome.seconds = Seconds(end - begin);
  if (const auto first = recorder.first_message()) {
    outcome.first_message_s = Seconds(*first - begin);
    // A first message after the stop (a duration run) measured nothing.
    outcome.consume_seconds = std::max(Seconds(end - *first), 0.0);
  }
  outcome.exit_code = ConsumerExitCode(o, outcome.reason);

  if (o.json) {
    PrintConsumerJson(o, outcome);
  } else {
    PrintConsumerText(stdout, o, outcome);
  }
  if (outcome.exit_code != 0) {
    std::fprintf(
        stderr, "orbit-bench consumer: %lld of --count %lld messages consumed (exit code 1)\n",
        static_cast<long long>(outcome.stats.ok_messages), static_cast<long long>(o.count));
  }
  return outcome.exit_code;
}

}  // namespace orbit::bench
