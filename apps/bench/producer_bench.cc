// `orbit-bench producer`: one run from options to exit code (see producer_bench.h).
//
// Threads: the controlling thread (this file) starts the producer, the reporter and the sender
// threads, then sleeps in StopFlag::WaitFor until the budget is spent, the deadline passes or a
// signal comes; it joins the senders, stops the reporter and prints the summary.

#include "apps/bench/producer_bench.h"

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <memory>
#include <optional>
#include <random>
#include <thread>
#include <vector>

#include "apps/bench/producer_report.h"
#include "apps/bench/producer_senders.h"
#include "apps/bench/report.h"
#include "apps/bench/stats.h"

namespace orbit::bench {
namespace {

using Clock = std::chrono::steady_clock;

// Random alphanumerics, as Apache's (RandomStringUtils.randomAlphanumeric).
std::string RandomBody(int size) {
  static constexpr char kChars[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::mt19937 rng(std::random_device{}());
  std::string body(static_cast<size_t>(size), ' ');
  for (char& c : body) c = kChars[rng() % (sizeof(kChars) - 1)];
  return body;
}

// Apache's benchmark TransactionProducer without its check statistics: every local transaction
// commits, and so does every check-back (a half message whose END_TRANSACTION was lost, or came
// after the broker's check).
class CommitEverything : public TransactionListener {
 public:
  LocalTransactionState Execute(const Message&, const SendResult&) override {
    return LocalTransactionState::kCommitMessage;
  }
  LocalTransactionState Check(const MessageExt&) override {
    return LocalTransactionState::kCommitMessage;
  }
};

ProducerConfig MakeProducerConfig(const ProducerBenchOptions& o) {
  ProducerConfig config;
  config.group = o.group;
  config.namesrv_addr = NamesrvOf(o);
  config.send_msg_timeout_ms = o.send_timeout_ms;
  // Apache's benchmark never compresses (setCompressMsgBodyOverHowmuch(Integer.MAX_VALUE)).
  config.compress_msg_body_over_howmuch = o.compress.empty() ? INT32_MAX : o.compress_over;
  if (o.compress == "lz4") config.compress_type = CompressionType::kLz4;
  if (o.compress == "zstd") config.compress_type = CompressionType::kZstd;
  config.compress_level = o.compress_level;
  config.max_message_size = std::max(config.max_message_size, o.message_size + o.property_size);
  // Every sender's window fits in the producer's async queue.
  config.async_queue_capacity =
      std::max(config.async_queue_capacity, o.async ? o.threads * o.window : 0);
  if (o.acl) config.rpc_hook = MakeAclRpcHook(o.access_key, o.secret_key);
  return config;
}

}  // namespace

int RunProducerBench(ProducerBenchOptions o) {
  if (Status st = ValidateProducerOptions(o); !st.ok()) {
    std::fprintf(stderr, "orbit-bench producer: %s\n", st.message().c_str());
    return 2;
  }
  SetupClientLogging(o.log_level);
  std::FILE* human = o.json ? stderr : stdout;
  if (o.BatchSize() > 1 && !o.compress.empty()) {
    std::fprintf(stderr, "orbit-bench producer: note: batches are never compressed\n");
  }

  // Declared before the producer: its shutdown runs the last callbacks, which touch these.
  const std::string body = RandomBody(o.message_size);
  BenchStats stats(o.threads);
  ErrorLog errors;
  WorkBudget budget(o.count);
  StopFlag stop;
  SenderShared shared;
  std::vector<std::unique_ptr<Sender>> senders;

  // One of the two; Producer has no virtual destructor, so no owning Producer pointer.
  std::optional<Producer> plain_producer;
  std::optional<TransactionProducer> transaction_producer;
  if (o.transaction) {
    transaction_producer.emplace(MakeProducerConfig(o), std::make_shared<CommitEverything>());
  } else {
    plain_producer.emplace(MakeProducerConfig(o));
  }
  Producer& producer = o.transaction ? *transaction_producer : *plain_producer;
  if (Status st = producer.Start(); !st.ok()) {
    std::fprintf(stderr, "orbit-bench producer: the producer did not start: %s\n",
                 st.ToString().c_str());
    if (o.json) {
      ProducerOutcome failed;
      failed.reason = StopReason::kError;
      failed.first_error = st.ToString();
      failed.exit_code = 1;
      PrintProducerJson(o, failed);
    }
    return 1;
  }
  std::fputs(ProducerHeader(o).c_str(), human);
  std::fflush(human);

  shared = SenderShared{
      &producer, o.transaction ? &*transaction_producer : nullptr, &o, &body, &budget, &stop,
      &errors};
  for (int i = 0; i < o.threads; ++i) {
    senders.push_back(std::make_unique<Sender>(&shared, &stats.worker(i), o.window));
  }
  InstallStopSignalHandlers();
  ReporterOptions ro;
  ro.out = human;
  ro.tty = isatty(fileno(human)) != 0;
  ro.progress = !o.no_progress;
  ro.report_interval_s = o.report_interval_s;
  Reporter reporter(
      ro, [&stats] { return stats.Snapshot(); },
      [async = o.async](const ReportWindow& w) { return ProducerProgressLine(w, async); },
      ProducerReportLine);
  reporter.Start();

  const Clock::time_point begin = Clock::now();
  std::atomic<int> running{o.threads};
  std::vector<std::thread> threads;
  for (auto& sender : senders) {
    threads.emplace_back([&, s = sender.get()] {
      RunSender(*s);
      // The last sender out: the budget is spent (or the run was already stopped).
      if (running.fetch_sub(1) == 1) stop.Stop(StopReason::kCount);
    });
  }
  const auto deadline = begin + std::chrono::duration_cast<Clock::duration>(
                                    std::chrono::duration<double>(o.duration_s));
  while (!stop.WaitFor(std::chrono::milliseconds(50))) {
    if (StopSignalReceived()) stop.Stop(StopReason::kSignal);
    if (o.duration_s > 0 && Clock::now() >= deadline) stop.Stop(StopReason::kDuration);
  }
  for (auto& t : threads) t.join();
  ProducerOutcome outcome;
  outcome.seconds = std::chrono::duration<double>(Clock::now() - begin).count();
  reporter.Stop();
  producer.Shutdown();
  outcome.stats = stats.Snapshot();
  outcome.reason = stop.reason();
  outcome.first_error = errors.first();
  outcome.exit_code = ProducerExitCode(outcome.stats);

  if (o.json) {
    PrintProducerJson(o, outcome);
  } else {
    PrintProducerText(stdout, o, outcome);
  }
  if (outcome.exit_code != 0) {
    std::fprintf(
        stderr, "orbit-bench producer: %s\n",
        outcome.stats.ok_messages == 0 ? "no message was sent" : "some sends failed (exit code 1)");
  }
  return outcome.exit_code;
}

}  // namespace orbit::bench
