#include "apps/bench/producer_senders.h"

#include <algorithm>
#include <cstdio>
#include <random>
#include <utility>
#include <vector>

namespace orbit::bench {
namespace {

using Clock = std::chrono::steady_clock;

// After a failed send (Apache's benchmark sleeps 3 s): long enough not to spin on a dead broker,
// short enough not to hide a transient error.
constexpr auto kFailurePause = std::chrono::milliseconds(100);
// How often a sender waiting on a full window looks at the stop flag.
constexpr auto kWindowPoll = std::chrono::milliseconds(100);

uint64_t MicrosSince(Clock::time_point start) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(Clock::now() - start);
  return static_cast<uint64_t>(std::max<int64_t>(us.count(), 0));
}

void RecordFailure(Sender& s, const Status& status, uint64_t messages) {
  // kRemote: the broker answered with an error (Apache's MQBrokerException).
  WorkerStats::Add(
      status.code() == ErrorCode::kRemote ? s.stats->response_failed : s.stats->send_failed,
      messages);
  s.shared->errors->Note(status);
}

// The sender thread (sync) or the producer's callback thread (async).
void RecordResult(Sender& s, const Result<SendResult>& result, Clock::time_point start,
                  uint64_t messages) {
  if (!result.ok()) return RecordFailure(s, result.status(), messages);
  s.stats->latency.Record(MicrosSince(start));
  WorkerStats::Add(s.stats->ok_requests, 1);
  WorkerStats::Add(s.stats->ok_messages, messages);
  if (result->status != SendStatus::kSendOk) WorkerStats::Add(s.stats->not_send_ok, messages);
}

// A sender's message: the shared body, the delay level and Apache's user properties
// ("prop<i>" = "hello<v>", "prop<i+1>" = "<v>" until their size passes -p).
Message MakeMessage(const ProducerBenchOptions& o, const std::string& body) {
  Message m(o.topic, body);
  if (o.DelayLevel() > 0) m.set_delay_time_level(o.DelayLevel());
  if (o.property_size > 0) {
    std::mt19937 rng(std::random_device{}());
    int value = static_cast<int>(rng() % 100);
    int size = 0;
    for (int i = 0; size <= o.property_size; i += 2, value += 2) {
      const std::string k1 = "prop" + std::to_string(i), v1 = "hello" + std::to_string(value);
      const std::string k2 = "prop" + std::to_string(i + 1), v2 = std::to_string(value);
      (void)m.PutUserProperty(k1, v1);  // "prop<n>" is never a reserved name
      (void)m.PutUserProperty(k2, v2);
      size += static_cast<int>(k1.size() + v1.size() + k2.size() + v2.size());
    }
  }
  return m;
}

// What changes from message to message: KEYS (the send time in seconds, as Apache's) and TAGS
// (tag0..tagN-1 in turn).
class Decorator {
 public:
  explicit Decorator(const ProducerBenchOptions& o) : keys_(o.keys) {
    for (int i = 0; i < o.tag_count; ++i) tags_.push_back("tag" + std::to_string(i));
  }
  void Apply(Message& m) {
    if (keys_) {
      const int64_t second = std::chrono::duration_cast<std::chrono::seconds>(
                                 std::chrono::system_clock::now().time_since_epoch())
                                 .count();
      if (second != key_second_ || m.keys().empty()) m.set_keys(std::to_string(second));
      key_second_ = second;
    }
    if (!tags_.empty()) m.set_tags(tags_[next_tag_++ % tags_.size()]);
  }

 private:
  const bool keys_;
  int64_t key_second_ = -1;
  std::vector<std::string> tags_;
  size_t next_tag_ = 0;
};

// One sync send: a plain Send, or with --transaction a whole transaction (half message, local
// transaction, END_TRANSACTION), which is what Apache's TransactionProducer times.
Result<SendResult> SendOne(const SenderShared& sh, const Message& message) {
  if (sh.transaction_producer == nullptr) return sh.producer->Send(message);
  Result<TransactionSendResult> result = sh.transaction_producer->SendMessageInTransaction(message);
  if (!result.ok()) return std::move(result).TakeStatus();
  return static_cast<SendResult&&>(std::move(result).value());
}

void RunSync(Sender& s) {
  const SenderShared& sh = *s.shared;
  Message message = MakeMessage(*sh.options, *sh.body);
  Decorator decorator(*sh.options);
  while (!sh.stop->stopped() && sh.budget->Claim(1) == 1) {
    decorator.Apply(message);
    const Clock::time_point start = Clock::now();
    Result<SendResult> result = SendOne(sh, message);
    RecordResult(s, result, start, 1);
    if (!result.ok()) sh.stop->WaitFor(kFailurePause);
  }
}

void RunBatch(Sender& s) {
  const SenderShared& sh = *s.shared;
  const int64_t size = sh.options->BatchSize();
  std::vector<Message> batch(static_cast<size_t>(size), MakeMessage(*sh.options, *sh.body));
  Decorator decorator(*sh.options);
  while (!sh.stop->stopped()) {
    const int64_t n = sh.budget->Claim(size);
    if (n == 0) break;
    if (n < size) batch.resize(static_cast<size_t>(n));  // the budget's last, partial batch
    for (Message& m : batch) decorator.Apply(m);
    const Clock::time_point start = Clock::now();
    Result<SendResult> result = sh.producer->Send(batch);
    RecordResult(s, result, start, static_cast<uint64_t>(n));
    if (!result.ok()) sh.stop->WaitFor(kFailurePause);
  }
}

void RunAsync(Sender& s) {
  const SenderShared& sh = *s.shared;
  Message message = MakeMessage(*sh.options, *sh.body);
  Decorator decorator(*sh.options);
  while (!sh.stop->stopped()) {
    if (!s.window.Acquire(kWindowPoll)) continue;
    if (sh.stop->stopped() || sh.budget->Claim(1) == 0) {
      s.window.Release();
      break;
    }
    decorator.Apply(message);
    const Clock::time_point start = Clock::now();
    s.stats->in_flight.fetch_add(1, std::memory_order_relaxed);
    // Captures 16 trivially copyable bytes: std::function keeps them inline (no allocation).
    Status st = sh.producer->SendAsync(message, [&s, start](Result<SendResult> result) {
      RecordResult(s, result, start, 1);
      s.stats->in_flight.fetch_sub(1, std::memory_order_relaxed);
      s.window.Release();
    });
    if (!st.ok()) {  // the callback will not run
      s.stats->in_flight.fetch_sub(1, std::memory_order_relaxed);
      s.window.Release();
      RecordFailure(s, st, 1);
      sh.stop->WaitFor(kFailurePause);
    }
  }
  // Every callback of this sender, bounded: a send ends within its timeout. Past that the
  // producer's shutdown runs what is left (the Sender outlives it).
  const auto deadline = Clock::now() + std::chrono::milliseconds(sh.options->send_timeout_ms) +
                        std::chrono::seconds(5);
  if (!s.window.WaitAllFree(deadline)) {
    std::fprintf(stderr, "orbit-bench: %d async sends still unanswered; left to shutdown\n",
                 s.window.in_use());
  }
}

}  // namespace

void ErrorLog::Note(const Status& status) {
  MutexLock lock(mu_);
  if (first_.empty()) first_ = status.ToString();
  if (printed_ < kPrinted) {
    ++printed_;
    std::fprintf(stderr, "orbit-bench: send failed: %s%s\n", status.ToString().c_str(),
                 printed_ == kPrinted ? " (further errors are only counted)" : "");
  }
}

std::string ErrorLog::first() const {
  MutexLock lock(mu_);
  return first_;
}

void RunSender(Sender& sender) {
  const ProducerBenchOptions& o = *sender.shared->options;
  if (o.async) {
    RunAsync(sender);
  } else if (o.BatchSize() > 1) {
    RunBatch(sender);
  } else {
    RunSync(sender);
  }
}

}  // namespace orbit::bench
