// A process that writes a store until it is killed: used by kill9_test. It prints one line per
// acknowledged put — "ACK <n> <commit-log offset> <queue offset>" — after the put's callback
// reported success, so every printed line is a promise the store made.
//
// usage: store_crash_writer DIR ASYNC_FLUSH|SYNC_FLUSH MAX_MESSAGES

#include <cstdio>
#include <cstdlib>
#include <string>

#include "store/message_store.h"
#include "store/tests/store_test_util.h"

int main(int argc, char** argv) {
  if (argc != 4) {
    std::fprintf(stderr, "usage: %s DIR ASYNC_FLUSH|SYNC_FLUSH MAX_MESSAGES\n", argv[0]);
    return 2;
  }
  orbit::store::StoreConfig config;
  config.store_path_root_dir = argv[1];
  config.flush_disk_type = argv[2];
  config.mapped_file_size_commit_log = 1024 * 1024;
  config.mapped_file_size_consume_queue = 300 * 20;
  config.max_hash_slot_num = 1000;
  config.max_index_num = 4000;
  int max = std::atoi(argv[3]);
  auto store = orbit::store::MessageStore::Open(config, orbit::store::StoreOptions{});
  if (!store.ok()) {
    std::fprintf(stderr, "open: %s\n", store.status().ToString().c_str());
    return 1;
  }
  std::printf("READY\n");
  std::fflush(stdout);
  for (int n = 0; n < max; ++n) {
    auto m = orbit::store::testing::MakeMessage("Crash", n % 4, n, 200 + (n * 37) % 3000);
    auto r = (*store)->PutMessage(m.input());
    if (!r.status.ok()) {
      std::fprintf(stderr, "put %d: %s\n", n, r.status.ToString().c_str());
      return 1;
    }
    std::printf("ACK %d %lld %lld\n", n, static_cast<long long>(r.append.commit_log_offset),
                static_cast<long long>(r.append.queue_offset));
    std::fflush(stdout);
  }
  // Stay alive (unflushed, dirty) until killed.
  std::printf("DONE\n");
  std::fflush(stdout);
  for (;;) pause();
}
