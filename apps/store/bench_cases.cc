// orbit-store bench: the store cases (internal/bench.h). Their messages are those of
// bench/store_bench.cc: topic BenchTopic, queue id i % 8, born host 10.0.0.1:50000, properties
// UNIQ_KEY, TAGS=TagA, WAIT=true.

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <functional>
#include <latch>
#include <mutex>
#include <thread>
#include <vector>

#include "apps/store/internal/bench.h"
#include "base/thread_annotations.h"
#include "protocol/properties.h"
#include "store/message_store.h"

namespace orbit::store_tool {
namespace {

using store::MessageStore;
using store::PutResult;

constexpr int32_t kQueues = 8;
constexpr std::string_view kTopic = "BenchTopic";
constexpr int64_t kReadFillMessages = 100'000;
constexpr int64_t kReadFillBytes = int64_t{256} << 20;
constexpr int64_t kRecordOverhead = 256;  // header, topic and properties of a record, at most
constexpr int32_t kReadBatch = 32;
// How long callbacks may take after the last put: longer than syncFlushTimeout (5 s), after
// which the store completes a waiting SYNC put with kFlushTimeout.
constexpr auto kCompletionWait = std::chrono::seconds(30);
constexpr int64_t kDispatchWaitMs = 60'000;
constexpr int64_t kWarmUpWriter = 0xFFFF;  // in the UNIQ_KEY of the put before the clock starts

// One writer's messages, each with a new UNIQ_KEY (32 hex digits: 10.0.0.1, the writer, a
// counter) so that the index sees distinct keys. The counter is patched in place: the store has
// copied a message into the commit log when PutMessageAsync returns.
class MessageSource {
 public:
  MessageSource(int64_t body_size, int64_t writer);
  MessageSource(const MessageSource&) = delete;
  MessageSource& operator=(const MessageSource&) = delete;

  // The next message, for `queue_id`; valid until the next call.
  const store::MessageInput& Next(int32_t queue_id) {
    static constexpr char kHex[] = "0123456789ABCDEF";
    uint64_t n = counter_++;
    for (size_t i = 16; i-- > 0; n >>= 4) properties_[counter_pos_ + i] = kHex[n & 0xF];
    input_.queue_id = queue_id;
    return input_;
  }

 private:
  std::string body_;
  std::string properties_;
  size_t counter_pos_ = 0;  // the key's last 16 hex digits in properties_
  uint64_t counter_ = 0;
  store::MessageInput input_;
};

MessageSource::MessageSource(int64_t body_size, int64_t writer)
    : body_(static_cast<size_t>(body_size), 'm') {
  char key[33];
  std::snprintf(key, sizeof(key), "0A000001%08X%016X", static_cast<unsigned>(writer), 0u);
  protocol::MessageProperties props;
  props.Set(protocol::kPropertyUniqKey, key);
  props.Set(protocol::kPropertyTags, "TagA");
  props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
  properties_ = protocol::EncodeProperties(props);
  counter_pos_ = properties_.find(key) + 16;
  input_.topic = kTopic;
  input_.body = body_;
  input_.properties = properties_;
  input_.born_timestamp = std::chrono::duration_cast<std::chrono::milliseconds>(
                              std::chrono::system_clock::now().time_since_epoch())
                              .count();
  input_.born_host = protocol::HostAddress::IPv4(10, 0, 0, 1, 50000);
}

// The outcome of one writer's puts, counted by the thread that runs the callbacks (the writer's
// for ASYNC, the flush thread for SYNC) and read by the case's thread.
class PutTally {
 public:
  void Count(const PutResult& r) {
    if (r.status.ok()) {
      record_bytes_.fetch_add(r.append.bytes, std::memory_order_relaxed);
      ok_.fetch_add(1, std::memory_order_release);
      return;
    }
    {
      MutexLock lock(mu_);
      if (first_error_.empty()) first_error_ = r.status.ToString();
    }
    failed_.fetch_add(1, std::memory_order_release);
  }
  int64_t ok() const { return ok_.load(std::memory_order_acquire); }
  int64_t failed() const { return failed_.load(std::memory_order_acquire); }
  int64_t record_bytes() const { return record_bytes_.load(std::memory_order_relaxed); }
  std::string first_error() {
    MutexLock lock(mu_);
    return first_error_;
  }

 private:
  std::atomic<int64_t> ok_{0};
  std::atomic<int64_t> failed_{0};
  std::atomic<int64_t> record_bytes_{0};
  Mutex mu_;
  std::string first_error_ ORBIT_GUARDED_BY(mu_);
};

// Adds a tally to the case once all `submitted` puts have completed; those that have not by
// `deadline` count as failures.
void Collect(PutTally& tally, int64_t submitted, BenchClock::time_point deadline, CaseResult& c) {
  while (tally.ok() + tally.failed() < submitted && BenchClock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  const int64_t missing = std::max<int64_t>(0, submitted - tally.ok() - tally.failed());
  c.messages += tally.ok();
  c.failures += tally.failed() + missing;
  if (c.first_error.empty()) c.first_error = tally.first_error();
  if (c.first_error.empty() && missing > 0) {
    c.first_error = std::to_string(missing) + " puts never completed";
  }
}

// SYNC: the puts submitted and not yet completed. The case's thread waits for room, callbacks
// on the flush thread make it.
class InFlightWindow {
 public:
  explicit InFlightWindow(int64_t limit) : limit_(limit) {}

  // Takes a slot; false once `deadline` has passed.
  // The waits use Mutex::native(), which the analysis cannot see.
  bool Acquire(BenchClock::time_point deadline) ORBIT_NO_THREAD_SAFETY_ANALYSIS {
    if (BenchClock::now() >= deadline) return false;
    std::unique_lock<std::mutex> lock(mu_.native());
    // No predicate lambda: the analysis would check its body on its own.
    while (in_flight_ >= limit_) {
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout && in_flight_ >= limit_) {
        return false;
      }
    }
    ++in_flight_;
    return true;
  }
  // Gives a slot back (a put's callback). Notifies under the lock, so that a Drain that
  // returns never races a notify on a window that is going away.
  void Release() {
    MutexLock lock(mu_);
    // Wake the waiter once per group commit: when the window was full, or when it drained.
    if (in_flight_-- == limit_ || in_flight_ == 0) cv_.notify_all();
  }
  // Waits until nothing is in flight; false at `deadline`.
  bool Drain(BenchClock::time_point deadline) ORBIT_NO_THREAD_SAFETY_ANALYSIS {
    std::unique_lock<std::mutex> lock(mu_.native());
    while (in_flight_ != 0) {
      if (cv_.wait_until(lock, deadline) == std::cv_status::timeout) return in_flight_ == 0;
    }
    return true;
  }

 private:
  const int64_t limit_;
  Mutex mu_;
  std::condition_variable cv_;
  int64_t in_flight_ ORBIT_GUARDED_BY(mu_) = 0;
};

Result<std::unique_ptr<MessageStore>> OpenStore(const std::string& dir, bool sync) {
  store::StoreConfig config;
  config.store_path_root_dir = dir;
  config.flush_disk_type = sync ? "SYNC_FLUSH" : "ASYNC_FLUSH";
  return MessageStore::Open(config, store::StoreOptions{});
}

// Opens a store for a put case and puts one message before the clock starts: the store creates
// its first commit-log segment on the first put, a one-off cost that is not the throughput being
// measured. A failed first put is the case's failure.
Result<std::unique_ptr<MessageStore>> OpenWarmStore(const std::string& dir, bool sync, int64_t size,
                                                    CaseResult& c) {
  ORBIT_ASSIGN_OR_RETURN(auto store, OpenStore(dir, sync));
  MessageSource source(size, kWarmUpWriter);
  PutResult r = store->PutMessage(source.Next(0));
  if (!r.status.ok()) {
    c.failures = 1;
    c.first_error = "the first put: " + r.status.ToString();
  }
  return store;
}

// Why a loop of puts ended before its time.
enum class Stop { kTime, kCount, kBytes, kFailure };

void NoteStop(Stop stop, CaseResult& c) {
  if (stop == Stop::kCount) c.notes += "stopped at " + std::to_string(kBenchMaxOps) + " puts; ";
  if (stop == Stop::kBytes) c.notes += "stopped at the disk-space budget; ";
}

// One ASYNC writer thread's share of the case; written by that thread, read after join.
struct alignas(64) AsyncWriter {
  PutTally tally;
  int64_t submitted = 0;
  Stop stop = Stop::kTime;
  BenchClock::time_point end;
};

// What the ASYNC writer threads share.
struct AsyncStart {
  explicit AsyncStart(int64_t writers) : ready(writers) {}
  std::latch ready;
  std::atomic<bool> go{false};
  std::atomic<bool> stop{false};
  std::atomic<int64_t> finished{0};
};

// An ASYNC writer thread: puts until told to stop, or until its share of the count or of the
// byte budget is used up, or a put fails. ASYNC callbacks run on this thread.
void RunAsyncWriter(MessageStore& store, int64_t size, int64_t index, int64_t max_puts,
                    int64_t max_bytes, AsyncStart& start, AsyncWriter& w) {
  MessageSource source(size, index);
  PutTally* tally = &w.tally;
  start.ready.count_down();
  start.go.wait(false);
  int64_t n = 0;
  for (; !start.stop.load(std::memory_order_relaxed); ++n) {
    if (n >= max_puts) w.stop = Stop::kCount;
    if (tally->record_bytes() >= max_bytes) w.stop = Stop::kBytes;
    if (tally->failed() > 0) w.stop = Stop::kFailure;
    if (w.stop != Stop::kTime) break;
    store.PutMessageAsync(source.Next(static_cast<int32_t>(n % kQueues)),
                          [tally](PutResult r) { tally->Count(r); });
  }
  w.submitted = n;
  w.end = BenchClock::now();
  start.finished.fetch_add(1);
}

// GetMessage of kReadBatch over queue 0 (`count` messages) for `seconds`, into `c`.
void ReadLoop(const MessageStore& store, double seconds, int64_t count, CaseResult& c) {
  const auto t0 = BenchClock::now();
  const auto deadline = t0 + BenchDuration(seconds);
  int64_t offset = 0;
  for (int64_t gets = 0; gets < kBenchMaxOps && BenchClock::now() < deadline; ++gets) {
    store::GetResult g = store.GetMessage(kTopic, 0, offset, kReadBatch);
    if (g.status != store::GetStatus::kFound || g.messages.empty()) {
      ++c.failures;
      c.first_error = "GetMessage at queue offset " + std::to_string(offset) + ": " +
                      store::GetStatusName(g.status);
      break;
    }
    c.messages += static_cast<int64_t>(g.messages.size());
    offset = g.next_begin_offset >= count ? 0 : g.next_begin_offset;
  }
  c.seconds = SecondsBetween(t0, BenchClock::now());
  const int64_t skipped = store.stats().skipped_corrupt_reads;
  if (skipped > 0) {
    c.failures += skipped;
    if (c.first_error.empty()) c.first_error = std::to_string(skipped) + " corrupt records skipped";
  }
}

}  // namespace

Result<CaseResult> RunAsyncCase(const std::string& root, double seconds, int64_t size,
                                int64_t writers) {
  CaseResult c{.mode = "async", .size = size, .writers = writers};
  ORBIT_ASSIGN_OR_RETURN(int64_t budget, CaseByteBudget(root));
  std::vector<AsyncWriter> ws(static_cast<size_t>(writers));  // outlives the store's callbacks
  ORBIT_ASSIGN_OR_RETURN(auto dir, ScratchDir::Make(root, "async"));
  ORBIT_ASSIGN_OR_RETURN(auto store, OpenWarmStore(dir->path(), /*sync=*/false, size, c));
  if (c.failures > 0) return c;
  AsyncStart start(writers);
  std::vector<std::thread> threads;
  for (int64_t i = 0; i < writers; ++i) {
    threads.emplace_back(RunAsyncWriter, std::ref(*store), size, i,
                         (kBenchMaxOps + writers - 1) / writers, budget / writers, std::ref(start),
                         std::ref(ws[static_cast<size_t>(i)]));
  }
  start.ready.wait();
  const auto t0 = BenchClock::now();
  const auto deadline = t0 + BenchDuration(seconds);
  start.go.store(true);
  start.go.notify_all();
  while (start.finished.load() < writers && BenchClock::now() < deadline) {
    std::this_thread::sleep_for(std::min<BenchClock::duration>(std::chrono::milliseconds(10),
                                                               deadline - BenchClock::now()));
  }
  start.stop.store(true);
  for (auto& t : threads) t.join();
  BenchClock::time_point end = t0;
  for (AsyncWriter& w : ws) {
    end = std::max(end, w.end);
    Collect(w.tally, w.submitted, BenchClock::now() + kCompletionWait, c);
    NoteStop(w.stop, c);
  }
  c.seconds = SecondsBetween(t0, end);
  c.dispatch_behind_bytes = store->DispatchBehindBytes();
  ORBIT_RETURN_IF_ERROR(store->Shutdown());
  return c;
}

Result<CaseResult> RunSyncCase(const std::string& root, double seconds, int64_t size,
                               int64_t in_flight) {
  CaseResult c{.mode = "sync", .size = size, .writers = in_flight};
  ORBIT_ASSIGN_OR_RETURN(int64_t budget, CaseByteBudget(root));
  InFlightWindow window(in_flight);  // both outlive the store's callbacks
  PutTally tally;
  ORBIT_ASSIGN_OR_RETURN(auto dir, ScratchDir::Make(root, "sync"));
  ORBIT_ASSIGN_OR_RETURN(auto store, OpenWarmStore(dir->path(), /*sync=*/true, size, c));
  if (c.failures > 0) return c;
  MessageSource source(size, 0);
  const store::StoreStats stats_before = store->stats();
  const auto t0 = BenchClock::now();
  const auto deadline = t0 + BenchDuration(seconds);
  int64_t n = 0;
  Stop stop = Stop::kTime;
  for (; window.Acquire(deadline); ++n) {
    if (n >= kBenchMaxOps) stop = Stop::kCount;
    if (tally.record_bytes() >= budget) stop = Stop::kBytes;
    if (tally.failed() > 0) stop = Stop::kFailure;
    if (stop != Stop::kTime) {
      window.Release();
      break;
    }
    store->PutMessageAsync(source.Next(static_cast<int32_t>(n % kQueues)),
                           [&window, &tally](PutResult r) {
                             tally.Count(r);
                             window.Release();
                           });
  }
  const bool drained = window.Drain(BenchClock::now() + kCompletionWait);
  c.seconds = SecondsBetween(t0, BenchClock::now());
  const store::StoreStats stats_after = store->stats();
  const int64_t flushes = stats_after.flushes - stats_before.flushes;
  Collect(tally, n, BenchClock::now(), c);
  if (flushes > 0) {
    c.puts_per_flush = static_cast<double>(c.messages) / static_cast<double>(flushes);
    c.flush_us = static_cast<double>(stats_after.flush_micros - stats_before.flush_micros) /
                 static_cast<double>(flushes);
  }
  NoteStop(stop, c);
  if (!drained) c.notes += "puts still in flight after 30 s; ";
  ORBIT_RETURN_IF_ERROR(store->Shutdown());
  return c;
}

Result<CaseResult> RunReadCase(const std::string& root, double seconds, int64_t size) {
  CaseResult c{.mode = "read", .size = size, .writers = 1};
  ORBIT_ASSIGN_OR_RETURN(int64_t budget, CaseByteBudget(root));
  PutTally fill;  // outlives the store's callbacks
  ORBIT_ASSIGN_OR_RETURN(auto dir, ScratchDir::Make(root, "read"));
  ORBIT_ASSIGN_OR_RETURN(auto store, OpenStore(dir->path(), /*sync=*/false));
  const int64_t count = std::clamp<int64_t>(
      std::min(kReadFillBytes, budget) / (size + kRecordOverhead), 1, kReadFillMessages);
  MessageSource source(size, 0);
  for (int64_t i = 0; i < count && fill.failed() == 0; ++i) {
    store->PutMessageAsync(source.Next(0), [&fill](PutResult r) { fill.Count(r); });
  }
  Collect(fill, count, BenchClock::now() + kCompletionWait, c);
  if (c.failures > 0) {
    c.first_error = "filling the store: " + c.first_error;
  } else if (!store->WaitDispatched(kDispatchWaitMs)) {
    c.failures = 1;
    c.first_error = "the dispatcher did not catch up within 60 s";
  } else {
    c.messages = 0;  // from here: messages read
    ReadLoop(*store, seconds, count, c);
    c.notes += std::to_string(count) + " messages in queue 0, " + std::to_string(kReadBatch) +
               " per GetMessage; ";
  }
  ORBIT_RETURN_IF_ERROR(store->Shutdown());
  return c;
}

}  // namespace orbit::store_tool
