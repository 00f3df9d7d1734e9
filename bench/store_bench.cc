// Store hot paths (Google Benchmark), with the disk's own ceilings measured in the same run:
//
// | benchmark                          | one iteration                                         |
// |------------------------------------|-------------------------------------------------------|
// | BM_DiskBufferedWrite               | pwrite of 64 KiB at the end of a file (page cache)    |
// | BM_DiskAppendFdatasync             | pwrite of 4 KiB at the end of a file + fdatasync      |
// | BM_StoreAppend/<body>/<mode>       | one put (ASYNC: returns after the append; SYNC: after |
// |   /threads:N                       | its group commit), N writer threads                   |
// | BM_StoreRead                       | GetMessage of 32 messages (consume-queue lookup +     |
// |                                    | commit-log read) from a store of 100k messages        |
//
// Files go under $ORBIT_BENCH_DIR (default /tmp), which must be a real disk for the sync figures.

#include <benchmark/benchmark.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include <atomic>
#include <condition_variable>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <mutex>
#include <string>

#include "protocol/properties.h"
#include "store/message_store.h"

namespace orbit::store {
namespace {

std::string BenchRoot() {
  const char* env = std::getenv("ORBIT_BENCH_DIR");
  return env != nullptr ? env : "/tmp";
}

std::string MakeTempDir(const char* tag) {
  std::string tmpl = BenchRoot() + "/orbit-" + tag + "-XXXXXX";
  if (mkdtemp(tmpl.data()) == nullptr) std::abort();
  return tmpl;
}

void BM_DiskBufferedWrite(benchmark::State& state) {
  std::string dir = MakeTempDir("diskbuf");
  int fd = ::open((dir + "/f").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  std::string chunk(64 * 1024, 'x');
  off_t pos = 0;
  for (auto _ : state) {
    if (::pwrite(fd, chunk.data(), chunk.size(), pos) != static_cast<ssize_t>(chunk.size())) {
      state.SkipWithError("pwrite failed");
      break;
    }
    pos += static_cast<off_t>(chunk.size());
    if (pos >= (off_t{1} << 30)) pos = 0;  // stay within 1 GiB
  }
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(chunk.size()));
  ::close(fd);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DiskBufferedWrite)->UseRealTime();

void BM_DiskAppendFdatasync(benchmark::State& state) {
  std::string dir = MakeTempDir("disksync");
  int fd = ::open((dir + "/f").c_str(), O_RDWR | O_CREAT | O_TRUNC, 0644);
  std::string block(4096, 'y');
  off_t pos = 0;
  for (auto _ : state) {
    if (::pwrite(fd, block.data(), block.size(), pos) != 4096 || ::fdatasync(fd) != 0) {
      state.SkipWithError("write or fdatasync failed");
      break;
    }
    pos += 4096;
  }
  state.SetItemsProcessed(state.iterations());
  ::close(fd);
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_DiskAppendFdatasync)->UseRealTime()->MinTime(2.0);

struct BenchMessage {
  std::string body;
  std::string properties;
  MessageInput input(int32_t queue_id) const {
    MessageInput in;
    in.topic = "BenchTopic";
    in.queue_id = queue_id;
    in.body = body;
    in.properties = properties;
    in.born_timestamp = 1700000000000;
    in.born_host = protocol::HostAddress::IPv4(10, 0, 0, 1, 50000);
    return in;
  }
};

BenchMessage MakeBenchMessage(size_t body_size) {
  BenchMessage m;
  m.body.assign(body_size, 'm');
  protocol::MessageProperties props;
  props.Set(protocol::kPropertyUniqKey, "7F0000010000000000000000000000AB");
  props.Set(protocol::kPropertyTags, "TagA");
  props.Set(protocol::kPropertyWaitStoreMsgOk, "true");
  m.properties = protocol::EncodeProperties(props);
  return m;
}

// One store shared by the threads of a benchmark run.
struct SharedStore {
  std::string dir;
  std::unique_ptr<MessageStore> store;
};
SharedStore* g_store = nullptr;

void BM_StoreAppend(benchmark::State& state) {
  size_t body = static_cast<size_t>(state.range(0));
  bool sync = state.range(1) == 1;
  if (state.thread_index() == 0) {
    g_store = new SharedStore;
    g_store->dir = MakeTempDir("storebench");
    StoreConfig config;
    config.store_path_root_dir = g_store->dir;
    config.flush_disk_type = sync ? "SYNC_FLUSH" : "ASYNC_FLUSH";
    auto s = MessageStore::Open(config, StoreOptions{});
    if (!s.ok()) std::abort();
    g_store->store = std::move(*s);
  }
  BenchMessage m = MakeBenchMessage(body);
  MessageInput in = m.input(state.thread_index() % 8);
  int64_t failures = 0;
  for (auto _ : state) {
    if (sync) {
      PutResult r = g_store->store->PutMessage(in);
      if (!r.status.ok()) ++failures;
    } else {
      g_store->store->PutMessageAsync(in, [&failures](PutResult r) {
        if (!r.status.ok()) ++failures;
      });
    }
  }
  state.SetItemsProcessed(state.iterations());
  state.SetBytesProcessed(state.iterations() * static_cast<int64_t>(body));
  if (failures > 0) state.SkipWithError("puts failed");
  if (state.thread_index() == 0) {
    state.counters["dispatch_behind_MB"] =
        static_cast<double>(g_store->store->DispatchBehindBytes()) / 1e6;
    (void)g_store->store->Shutdown();
    g_store->store.reset();
    std::filesystem::remove_all(g_store->dir);
    delete g_store;
    g_store = nullptr;
  }
}
BENCHMARK(BM_StoreAppend)
    ->ArgNames({"body", "sync"})
    ->Args({128, 0})
    ->Args({1024, 0})
    ->Threads(1)
    ->Threads(8)
    ->Threads(64)
    ->UseRealTime();
BENCHMARK(BM_StoreAppend)
    ->ArgNames({"body", "sync"})
    ->Args({128, 1})
    ->Args({1024, 1})
    ->Threads(1)
    ->Threads(8)
    ->Threads(64)
    ->UseRealTime()
    ->MinTime(2.0);

// SYNC_FLUSH as the broker drives it: one thread keeps `in_flight` puts outstanding (like 64
// producers' requests on an event loop), each completing on the flush thread after its group
// commit. One iteration = one acknowledged put.
void BM_StoreAppendSyncInFlight(benchmark::State& state) {
  size_t body = static_cast<size_t>(state.range(0));
  int64_t in_flight_max = state.range(1);
  std::string dir = MakeTempDir("storesyncif");
  StoreConfig config;
  config.store_path_root_dir = dir;
  config.flush_disk_type = "SYNC_FLUSH";
  auto s = MessageStore::Open(config, StoreOptions{});
  if (!s.ok()) std::abort();
  auto& store = *s;
  BenchMessage m = MakeBenchMessage(body);
  std::mutex mu;
  std::condition_variable cv;
  int64_t in_flight = 0;
  int64_t failures = 0;
  for (auto _ : state) {
    {
      std::unique_lock<std::mutex> lock(mu);
      cv.wait(lock, [&] { return in_flight < in_flight_max; });
      ++in_flight;
    }
    store->PutMessageAsync(m.input(static_cast<int32_t>(in_flight % 8)), [&](PutResult r) {
      std::lock_guard<std::mutex> lock(mu);
      if (!r.status.ok()) ++failures;
      // Wake the driver once per group, when the window has room again (or drained, at the
      // end).
      if (in_flight-- == in_flight_max || in_flight == 0) cv.notify_one();
    });
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    cv.wait(lock, [&] { return in_flight == 0; });
  }
  state.SetItemsProcessed(state.iterations());
  StoreStats stats = store->stats();
  if (stats.flushes > 0) {
    state.counters["puts_per_flush"] =
        static_cast<double>(state.iterations()) / static_cast<double>(stats.flushes);
    state.counters["flush_us"] =
        static_cast<double>(stats.flush_micros) / static_cast<double>(stats.flushes);
  }
  if (failures > 0) state.SkipWithError("puts failed");
  (void)store->Shutdown();
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoreAppendSyncInFlight)
    ->ArgNames({"body", "in_flight"})
    ->Args({128, 1})
    ->Args({128, 8})
    ->Args({128, 64})
    ->Args({1024, 64})
    ->UseRealTime()
    ->MinTime(2.0);

void BM_StoreRead(benchmark::State& state) {
  std::string dir = MakeTempDir("storeread");
  StoreConfig config;
  config.store_path_root_dir = dir;
  auto s = MessageStore::Open(config, StoreOptions{});
  if (!s.ok()) std::abort();
  auto& store = *s;
  BenchMessage m = MakeBenchMessage(static_cast<size_t>(state.range(0)));
  constexpr int64_t kMessages = 100000;
  for (int64_t i = 0; i < kMessages; ++i) store->PutMessageAsync(m.input(0), [](PutResult) {});
  store->WaitDispatched(60000);
  int64_t offset = 0;
  int64_t messages = 0;
  for (auto _ : state) {
    GetResult g = store->GetMessage("BenchTopic", 0, offset, 32);
    messages += static_cast<int64_t>(g.messages.size());
    benchmark::DoNotOptimize(g.messages.data());
    offset = g.next_begin_offset >= kMessages ? 0 : g.next_begin_offset;
  }
  state.SetItemsProcessed(messages);
  (void)store->Shutdown();
  store.reset();
  std::filesystem::remove_all(dir);
}
BENCHMARK(BM_StoreRead)->Arg(128)->Arg(1024);

}  // namespace
}  // namespace orbit::store

BENCHMARK_MAIN();
