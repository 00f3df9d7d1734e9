// A real process writes the store and is killed with SIGKILL; what it acknowledged must be
// there after a restart (the page cache survives a process death, so ASYNC_FLUSH loses nothing
// it acknowledged).

#include <gtest/gtest.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <filesystem>
#include <sstream>

#include "golden/golden_store.h"
#include "protocol/message.h"
#include "store/message_store.h"
#include "store/tests/store_test_util.h"

extern char** environ;

namespace orbit::store {
namespace {

struct Ack {
  int n;
  int64_t offset;
  int64_t queue_offset;
};

// Appends the ack a writer's output line holds, if it is one.
void ParseAck(const char* line, std::vector<Ack>* acks) {
  Ack a{};
  long long off = 0;
  long long qoff = 0;
  if (std::sscanf(line, "ACK %d %lld %lld", &a.n, &off, &qoff) == 3) {
    a.offset = off;
    a.queue_offset = qoff;
    acks->push_back(a);
  }
}

class Kill9Test : public ::testing::TestWithParam<std::string> {
 protected:
  // Starts the writer, reads acks until `want` arrived (or 30 s), kills it.
  std::vector<Ack> RunAndKill(int want) {
    int fds[2];
    EXPECT_EQ(pipe(fds), 0);
    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
    posix_spawn_file_actions_addclose(&actions, fds[0]);
    std::string max = std::to_string(want * 4);
    std::string mode = GetParam();
    const char* argv[] = {ORBIT_CRASH_WRITER, dir_.c_str(), mode.c_str(), max.c_str(), nullptr};
    pid_t pid = 0;
    int rc = posix_spawn(&pid, ORBIT_CRASH_WRITER, &actions, nullptr,
                         const_cast<char* const*>(argv), environ);
    posix_spawn_file_actions_destroy(&actions);
    close(fds[1]);
    EXPECT_EQ(rc, 0);
    FILE* in = fdopen(fds[0], "r");
    std::vector<Ack> acks;
    char line[256];
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
    while (static_cast<int>(acks.size()) < want && std::fgets(line, sizeof(line), in) != nullptr &&
           std::chrono::steady_clock::now() < deadline) {
      ParseAck(line, &acks);
    }
    kill(pid, SIGKILL);
    // Acks printed before the kill landed are promises too.
    while (std::fgets(line, sizeof(line), in) != nullptr) {
      ParseAck(line, &acks);
    }
    fclose(in);
    int status = 0;
    waitpid(pid, &status, 0);
    EXPECT_TRUE(WIFSIGNALED(status));
    return acks;
  }

  orbit::testing::TempDir tmp_{"orbit-kill9-"};
  const std::string dir_ = tmp_.path();
};

TEST_P(Kill9Test, EveryAcknowledgedMessageSurvivesSigkill) {
  std::vector<Ack> acks = RunAndKill(3000);
  ASSERT_GE(acks.size(), 3000u);
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/abort"));

  StoreConfig config;
  config.store_path_root_dir = dir_;
  config.flush_disk_type = GetParam();
  config.mapped_file_size_commit_log = 1024 * 1024;
  config.mapped_file_size_consume_queue = 300 * 20;
  config.max_hash_slot_num = 1000;
  config.max_index_num = 4000;
  auto store = MessageStore::Open(config, StoreOptions{});
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  EXPECT_FALSE((*store)->stats().last_exit_ok);
  ASSERT_TRUE((*store)->WaitDispatched(10000));
  for (const Ack& a : acks) {
    auto m = testing::MakeMessage("Crash", a.n % 4, a.n, 200 + (a.n * 37) % 3000);
    auto range = (*store)->LookMessageByOffset(a.offset);
    ASSERT_TRUE(range.ok()) << "ack " << a.n << ": " << range.status().ToString();
    auto rec = protocol::DecodeRecord(range->view());
    ASSERT_TRUE(rec.ok());
    EXPECT_TRUE(protocol::VerifyBodyCrc(*rec).ok());
    EXPECT_EQ(rec->body, m.body) << a.n;
    EXPECT_EQ(rec->queue_offset, a.queue_offset);
    EXPECT_EQ((*store)->GetCommitLogOffsetInQueue("Crash", a.n % 4, a.queue_offset), a.offset)
        << "ack " << a.n;
  }
  // New writes continue after the recovered end, with the queue offsets carrying on.
  int64_t before = (*store)->GetMaxOffsetInQueue("Crash", 0);
  auto next = testing::MakeMessage("Crash", 0, 999999);
  PutResult r = (*store)->PutMessage(next.input());
  ASSERT_TRUE(r.status.ok());
  EXPECT_EQ(r.append.queue_offset, before);
  EXPECT_GE(r.append.commit_log_offset, acks.back().offset);
}

INSTANTIATE_TEST_SUITE_P(FlushModes, Kill9Test, ::testing::Values("ASYNC_FLUSH", "SYNC_FLUSH"),
                         [](const auto& info) { return info.param; });

}  // namespace
}  // namespace orbit::store
