#pragma once

// The sender loops of `orbit-bench producer` (internal to the tool). Each runs on its own thread
// until the budget is spent or the stop flag is raised, recording into its WorkerStats.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>

#include "apps/bench/producer_bench.h"
#include "apps/bench/run_control.h"
#include "apps/bench/stats.h"
#include "base/thread_annotations.h"
#include "orbit/producer.h"
#include "orbit/transaction_producer.h"

namespace orbit::bench {

// The first errors of a run: printed to stderr as they happen (the first few), the first one
// kept for the summary. Locks, but only on the failure path.
class ErrorLog {
 public:
  static constexpr int kPrinted = 5;
  void Note(const Status& status) ORBIT_EXCLUDES(mu_);
  std::string first() const ORBIT_EXCLUDES(mu_);

 private:
  mutable Mutex mu_;
  std::string first_ ORBIT_GUARDED_BY(mu_);
  int printed_ ORBIT_GUARDED_BY(mu_) = 0;
};

// What every sender shares. Everything outlives the senders and every async callback: the run
// keeps it until the producer has shut down.
struct SenderShared {
  Producer* producer = nullptr;
  // With --transaction: the same producer as `producer`, through which every send goes.
  TransactionProducer* transaction_producer = nullptr;
  const ProducerBenchOptions* options = nullptr;
  const std::string* body = nullptr;
  WorkBudget* budget = nullptr;
  StopFlag* stop = nullptr;
  ErrorLog* errors = nullptr;
};

// One sender's state. For async sends it holds the window: a slot per send in flight, returned by
// the send's callback (on the producer's callback thread).
struct Sender {
  Sender(const SenderShared* shared, WorkerStats* stats, int window)
      : shared(shared), stats(stats), window(window) {}
  const SenderShared* shared;
  WorkerStats* stats;
  InFlightWindow window;
};

// The sender thread. Picks the loop from the options: sync (plain or transactional), sync batch
// or async.
void RunSender(Sender& sender);

}  // namespace orbit::bench
