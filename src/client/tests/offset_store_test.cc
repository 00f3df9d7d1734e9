// Consumer offset stores (consumer.md §5-§6): the in-memory table, the remote store against a
// fake broker API, the request adapter, and the local file store in a temporary directory.

#include "client/offset_store.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

#include "protocol/codes.h"
#include "protocol/headers_pull.h"

namespace orbit::client {
namespace {

namespace fs = std::filesystem;

MessageQueue Mq(int32_t id, std::string topic = "TopicTest", std::string broker = "broker-a") {
  return MessageQueue{std::move(topic), std::move(broker), id};
}

// ---- fakes ----

struct SentUpdate {
  MessageQueue mq;
  std::string group;
  int64_t offset = 0;
  bool oneway = false;
  int64_t timeout_ms = 0;
};

class FakeBrokerApi : public OffsetBrokerApi {
 public:
  Result<int64_t> QueryConsumerOffset(const MessageQueue& mq, const std::string& group,
                                      int64_t timeout_ms) override {
    queries.push_back(mq);
    last_group = group;
    last_timeout_ms = timeout_ms;
    auto it = answers.find(mq);
    if (it == answers.end()) return Status::Remote(protocol::ResponseCode::kQueryNotFound, "none");
    return it->second;
  }
  Status UpdateConsumerOffset(const MessageQueue& mq, const std::string& group, int64_t offset,
                              bool oneway, int64_t timeout_ms) override {
    updates.push_back({mq, group, offset, oneway, timeout_ms});
    auto it = update_failures.find(mq);
    return it == update_failures.end() ? Status::Ok() : it->second;
  }

  std::map<MessageQueue, Result<int64_t>> answers;
  std::map<MessageQueue, Status> update_failures;
  std::vector<MessageQueue> queries;
  std::vector<SentUpdate> updates;
  std::string last_group;
  int64_t last_timeout_ms = 0;
};

// ---- the in-memory table (shared by both stores) ----

TEST(OffsetStoreTest, UnknownQueueReadsMinusOne) {
  FakeBrokerApi api;
  RemoteBrokerOffsetStore remote(&api, "CG");
  EXPECT_EQ(remote.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), -1);
  EXPECT_TRUE(api.queries.empty());
  LocalFileOffsetStore local("client", "CG", "/nonexistent-orbit-offsets");
  EXPECT_EQ(local.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), -1);
  EXPECT_EQ(local.ReadOffset(Mq(0), ReadOffsetType::kReadFromStore), -1);
  EXPECT_EQ(local.ReadOffset(Mq(0), ReadOffsetType::kMemoryFirstThenStore), -1);
}

TEST(OffsetStoreTest, UpdateWithAndWithoutIncreaseOnly) {
  FakeBrokerApi api;
  RemoteBrokerOffsetStore store(&api, "CG");
  const MessageQueue mq = Mq(1);
  store.UpdateOffset(mq, 10, /*increase_only=*/true);  // first value is taken as is
  EXPECT_EQ(store.ReadOffset(mq, ReadOffsetType::kReadFromMemory), 10);
  store.UpdateOffset(mq, 5, true);
  EXPECT_EQ(store.ReadOffset(mq, ReadOffsetType::kReadFromMemory), 10);
  store.UpdateOffset(mq, 20, true);
  EXPECT_EQ(store.ReadOffset(mq, ReadOffsetType::kReadFromMemory), 20);
  store.UpdateOffset(mq, 3, false);
  EXPECT_EQ(store.ReadOffset(mq, ReadOffsetType::kReadFromMemory), 3);
  // Other queues are untouched.
  EXPECT_EQ(store.ReadOffset(Mq(2), ReadOffsetType::kReadFromMemory), -1);
  EXPECT_EQ(store.ReadOffset(Mq(1, "TopicTest", "broker-b"), ReadOffsetType::kReadFromMemory), -1);
}

TEST(OffsetStoreTest, CloneOffsetTableByTopicAndRemove) {
  FakeBrokerApi api;
  RemoteBrokerOffsetStore store(&api, "CG");
  store.UpdateOffset(Mq(0, "A"), 1, false);
  store.UpdateOffset(Mq(1, "A"), 2, false);
  store.UpdateOffset(Mq(0, "B"), 3, false);
  EXPECT_EQ(store.CloneOffsetTable("A"),
            (std::map<MessageQueue, int64_t>{{Mq(0, "A"), 1}, {Mq(1, "A"), 2}}));
  EXPECT_EQ(store.CloneOffsetTable("C").size(), 0u);
  EXPECT_EQ(store.CloneOffsetTable("").size(), 3u);
  EXPECT_EQ(store.CloneOffsetTable("  ").size(), 3u);  // blank, as Java's isBlank
  store.RemoveOffset(Mq(1, "A"));
  EXPECT_EQ(store.CloneOffsetTable("A"), (std::map<MessageQueue, int64_t>{{Mq(0, "A"), 1}}));
}

TEST(OffsetStoreTest, ConcurrentIncreaseOnlyEndsWithMaximum) {
  FakeBrokerApi api;
  RemoteBrokerOffsetStore store(&api, "CG");
  constexpr int kThreads = 4;
  constexpr int kQueues = 3;
  constexpr int kRounds = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < kRounds; ++i) {
        // Values go up and down; the largest ever written is kRounds * kThreads - 1 + q.
        const int64_t value = static_cast<int64_t>(i) * kThreads + t;
        for (int q = 0; q < kQueues; ++q) {
          store.UpdateOffset(Mq(q), (i % 2 == 0) ? value + q : value / 2, true);
        }
        if (i % 100 == 0) (void)store.CloneOffsetTable("");
      }
    });
  }
  for (auto& th : threads) th.join();
  for (int q = 0; q < kQueues; ++q) {
    int64_t expected = 0;
    for (int t = 0; t < kThreads; ++t) {
      const int last_even = ((kRounds - 1) % 2 == 0) ? kRounds - 1 : kRounds - 2;
      expected = std::max<int64_t>(expected, static_cast<int64_t>(last_even) * kThreads + t + q);
    }
    EXPECT_EQ(store.ReadOffset(Mq(q), ReadOffsetType::kReadFromMemory), expected) << q;
  }
}

// ---- RemoteBrokerOffsetStore ----

TEST(RemoteOffsetStoreTest, ReadFromStoreAsksBrokerAndCaches) {
  FakeBrokerApi api;
  api.answers.emplace(Mq(0), Result<int64_t>(42));
  RemoteBrokerOffsetStore store(&api, "CG");
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromStore), 42);
  ASSERT_EQ(api.queries.size(), 1u);
  EXPECT_EQ(api.last_group, "CG");
  EXPECT_EQ(api.last_timeout_ms, kOffsetRequestTimeoutMs);
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 42);
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kMemoryFirstThenStore), 42);
  EXPECT_EQ(api.queries.size(), 1u);  // memory answered

  // The broker's value replaces a larger one in memory (not increase-only).
  store.UpdateOffset(Mq(0), 100, false);
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromStore), 42);
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 42);
}

TEST(RemoteOffsetStoreTest, MemoryFirstFallsBackToBroker) {
  FakeBrokerApi api;
  api.answers.emplace(Mq(3), Result<int64_t>(7));
  RemoteBrokerOffsetStore store(&api, "CG");
  EXPECT_EQ(store.ReadOffset(Mq(3), ReadOffsetType::kMemoryFirstThenStore), 7);
  EXPECT_EQ(api.queries, std::vector<MessageQueue>{Mq(3)});
  EXPECT_EQ(store.ReadOffset(Mq(3), ReadOffsetType::kReadFromMemory), 7);
}

TEST(RemoteOffsetStoreTest, QueryNotFoundIsMinusOneOtherErrorsMinusTwo) {
  FakeBrokerApi api;
  api.answers.emplace(Mq(0), Status::Remote(protocol::ResponseCode::kQueryNotFound, "no"));
  api.answers.emplace(Mq(1), Status::Remote(protocol::ResponseCode::kSystemError, "boom"));
  api.answers.emplace(Mq(2), Status(ErrorCode::kTimeout, "timed out"));
  api.answers.emplace(Mq(3), Status(ErrorCode::kBrokerNotFound, "no broker-a"));
  RemoteBrokerOffsetStore store(&api, "CG");
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromStore), -1);
  EXPECT_EQ(store.ReadOffset(Mq(1), ReadOffsetType::kReadFromStore), -2);
  EXPECT_EQ(store.ReadOffset(Mq(2), ReadOffsetType::kReadFromStore), -2);
  EXPECT_EQ(store.ReadOffset(Mq(3), ReadOffsetType::kMemoryFirstThenStore), -2);
  // Nothing was cached.
  for (int q = 0; q < 4; ++q) {
    EXPECT_EQ(store.ReadOffset(Mq(q), ReadOffsetType::kReadFromMemory), -1) << q;
  }
  EXPECT_TRUE(store.CloneOffsetTable("").empty());
}

TEST(RemoteOffsetStoreTest, PersistAllSendsOneOnewayUpdatePerAssignedQueue) {
  FakeBrokerApi api;
  RemoteBrokerOffsetStore store(&api, "CG");
  store.UpdateOffset(Mq(0), 10, false);
  store.UpdateOffset(Mq(1), 11, false);
  store.UpdateOffset(Mq(2), 12, false);
  store.UpdateOffset(Mq(3), 13, false);  // no longer assigned

  EXPECT_TRUE(store.PersistAll({}).ok());  // empty set: nothing sent, nothing dropped
  EXPECT_TRUE(api.updates.empty());
  EXPECT_EQ(store.CloneOffsetTable("").size(), 4u);

  // Mq(9) is assigned but has no offset: nothing to send for it.
  ASSERT_TRUE(store.PersistAll({Mq(0), Mq(1), Mq(2), Mq(9)}).ok());
  ASSERT_EQ(api.updates.size(), 3u);
  std::map<MessageQueue, int64_t> sent;
  for (const SentUpdate& u : api.updates) {
    EXPECT_EQ(u.group, "CG");
    EXPECT_TRUE(u.oneway);
    EXPECT_EQ(u.timeout_ms, kOffsetRequestTimeoutMs);
    sent[u.mq] = u.offset;
  }
  EXPECT_EQ(sent, (std::map<MessageQueue, int64_t>{{Mq(0), 10}, {Mq(1), 11}, {Mq(2), 12}}));
  // The unassigned queue is forgotten, as Java's persistAll does.
  EXPECT_EQ(store.CloneOffsetTable(""),
            (std::map<MessageQueue, int64_t>{{Mq(0), 10}, {Mq(1), 11}, {Mq(2), 12}}));
}

TEST(RemoteOffsetStoreTest, PersistAllFailureKeepsMemoryAndTriesEveryQueue) {
  FakeBrokerApi api;
  api.update_failures.emplace(Mq(1), Status(ErrorCode::kConnectFailed, "down"));
  RemoteBrokerOffsetStore store(&api, "CG");
  for (int q = 0; q < 3; ++q) store.UpdateOffset(Mq(q), 100 + q, false);
  Status s = store.PersistAll({Mq(0), Mq(1), Mq(2)});
  EXPECT_EQ(s.code(), ErrorCode::kConnectFailed);
  EXPECT_EQ(api.updates.size(), 3u);
  EXPECT_EQ(store.ReadOffset(Mq(1), ReadOffsetType::kReadFromMemory), 101);
  // The next round sends it again.
  api.update_failures.clear();
  api.updates.clear();
  EXPECT_TRUE(store.PersistAll({Mq(1)}).ok());
  ASSERT_EQ(api.updates.size(), 1u);
  EXPECT_EQ(api.updates[0].offset, 101);
}

TEST(RemoteOffsetStoreTest, PersistOneAndSyncUpdate) {
  FakeBrokerApi api;
  RemoteBrokerOffsetStore store(&api, "CG");
  EXPECT_TRUE(store.Persist(Mq(0)).ok());  // unknown: nothing sent
  EXPECT_TRUE(api.updates.empty());
  store.UpdateOffset(Mq(0), 5, false);
  EXPECT_TRUE(store.Persist(Mq(0)).ok());
  ASSERT_EQ(api.updates.size(), 1u);
  EXPECT_TRUE(api.updates[0].oneway);
  EXPECT_EQ(api.updates[0].offset, 5);

  api.update_failures.emplace(Mq(0), Status::Remote(protocol::ResponseCode::kSystemError, "x"));
  Status s = store.UpdateConsumeOffsetToBroker(Mq(0), 9, /*oneway=*/false);
  EXPECT_EQ(s.remote_code(), protocol::ResponseCode::kSystemError);
  ASSERT_EQ(api.updates.size(), 2u);
  EXPECT_FALSE(api.updates[1].oneway);
  EXPECT_EQ(api.updates[1].offset, 9);
  // Sending does not change memory.
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 5);
}

// ---- RemotingOffsetBrokerApi ----

struct SentRequest {
  std::string broker_name;
  protocol::RemotingCommand request;
  int64_t timeout_ms = 0;
  bool oneway = false;
};

TEST(RemotingOffsetBrokerApiTest, QueryBuildsHeaderAndReadsOffset) {
  std::vector<SentRequest> sent;
  Result<protocol::RemotingCommand> answer = Status(ErrorCode::kInternal, "unset");
  RemotingOffsetBrokerApi api([&](const std::string& broker, protocol::RemotingCommand request,
                                  int64_t timeout_ms, bool oneway) {
    sent.push_back({broker, std::move(request), timeout_ms, oneway});
    return answer;
  });
  protocol::RemotingCommand ok;
  ok.code = protocol::ResponseCode::kSuccess;
  protocol::QueryConsumerOffsetResponseHeader{.offset = 42}.Encode(&ok.ext_fields);
  answer = ok;

  Result<int64_t> offset = api.QueryConsumerOffset(Mq(3, "T", "broker-b"), "CG", 5000);
  ASSERT_TRUE(offset.ok()) << offset.status().ToString();
  EXPECT_EQ(*offset, 42);
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_EQ(sent[0].broker_name, "broker-b");
  EXPECT_EQ(sent[0].timeout_ms, 5000);
  EXPECT_FALSE(sent[0].oneway);
  EXPECT_EQ(sent[0].request.code, protocol::RequestCode::kQueryConsumerOffset);
  auto header = protocol::QueryConsumerOffsetRequestHeader::Decode(sent[0].request.ext_fields);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->consumer_group, "CG");
  EXPECT_EQ(header->topic, "T");
  EXPECT_EQ(header->queue_id, 3);
  EXPECT_EQ(header->bname, "broker-b");
  EXPECT_EQ(*sent[0].request.ext_fields.Find("consumerGroup"), "CG");
  EXPECT_EQ(*sent[0].request.ext_fields.Find("queueId"), "3");

  protocol::RemotingCommand not_found;
  not_found.code = protocol::ResponseCode::kQueryNotFound;
  not_found.remark = "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first";
  answer = not_found;
  offset = api.QueryConsumerOffset(Mq(3), "CG", 5000);
  EXPECT_EQ(offset.status().code(), ErrorCode::kRemote);
  EXPECT_EQ(offset.status().remote_code(), protocol::ResponseCode::kQueryNotFound);
  EXPECT_EQ(offset.status().message(), *not_found.remark);

  answer = Status(ErrorCode::kTimeout, "timed out");
  EXPECT_EQ(api.QueryConsumerOffset(Mq(3), "CG", 5000).status().code(), ErrorCode::kTimeout);

  // Through the store: the adapter's answers map to -1 / -2.
  RemoteBrokerOffsetStore store(&api, "CG");
  answer = not_found;
  EXPECT_EQ(store.ReadOffset(Mq(3), ReadOffsetType::kReadFromStore), -1);
  answer = ok;
  EXPECT_EQ(store.ReadOffset(Mq(3), ReadOffsetType::kReadFromStore), 42);
}

TEST(RemotingOffsetBrokerApiTest, UpdateBuildsHeader) {
  std::vector<SentRequest> sent;
  protocol::RemotingCommand reply;
  reply.code = protocol::ResponseCode::kSuccess;
  RemotingOffsetBrokerApi api([&](const std::string& broker, protocol::RemotingCommand request,
                                  int64_t timeout_ms, bool oneway) {
    sent.push_back({broker, std::move(request), timeout_ms, oneway});
    return Result<protocol::RemotingCommand>(reply);
  });
  ASSERT_TRUE(api.UpdateConsumerOffset(Mq(1), "CG", 77, /*oneway=*/true, 5000).ok());
  ASSERT_EQ(sent.size(), 1u);
  EXPECT_TRUE(sent[0].oneway);
  EXPECT_EQ(sent[0].broker_name, "broker-a");
  EXPECT_EQ(sent[0].request.code, protocol::RequestCode::kUpdateConsumerOffset);
  auto header = protocol::UpdateConsumerOffsetRequestHeader::Decode(sent[0].request.ext_fields);
  ASSERT_TRUE(header.ok());
  EXPECT_EQ(header->consumer_group, "CG");
  EXPECT_EQ(header->topic, "TopicTest");
  EXPECT_EQ(header->queue_id, 1);
  EXPECT_EQ(header->commit_offset, 77);
  EXPECT_EQ(*sent[0].request.ext_fields.Find("commitOffset"), "77");

  // A sync update checks the response code; a oneway one cannot.
  reply.code = protocol::ResponseCode::kSystemError;
  reply.remark = "busy";
  Status s = api.UpdateConsumerOffset(Mq(1), "CG", 78, /*oneway=*/false, 5000);
  EXPECT_EQ(s.remote_code(), protocol::ResponseCode::kSystemError);
  EXPECT_FALSE(sent.back().oneway);
  EXPECT_TRUE(api.UpdateConsumerOffset(Mq(1), "CG", 79, /*oneway=*/true, 5000).ok());
}

// ---- LocalFileOffsetStore ----

class LocalOffsetStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char tmpl[] = "/tmp/orbit-offset-test-XXXXXX";
    ASSERT_NE(::mkdtemp(tmpl), nullptr);
    dir_ = tmpl;
  }
  void TearDown() override {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }

  static std::string ReadFile(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }
  static void WriteFile(const std::string& path, const std::string& text) {
    fs::create_directories(fs::path(path).parent_path());
    std::ofstream(path, std::ios::binary) << text;
  }

  std::string dir_;
};

// Java's client writing {TopicTest/broker-a/0..3}: fastjson PrettyFormat, bean keys with members
// alphabetical, entries in ConcurrentHashMap(16) order (MessageQueue.hashCode buckets 8, 9, 14,
// 15 for queues 3, 2, 1, 0).
std::string JavaOffsetsJson() {
  std::string s = "{\n\t\"offsetTable\":{";
  const std::pair<int, int64_t> entries[] = {{3, 7}, {2, 0}, {1, 1234567890123}, {0, 42}};
  bool first = true;
  for (const auto& [queue, offset] : entries) {
    if (!first) s += ",";
    first = false;
    s += "{\n\t\t\t\"brokerName\":\"broker-a\",\n\t\t\t\"queueId\":" + std::to_string(queue) +
         ",\n\t\t\t\"topic\":\"TopicTest\"\n\t\t}:" + std::to_string(offset);
  }
  s += "\n\t}\n}";
  return s;
}

TEST_F(LocalOffsetStoreTest, PathScheme) {
  LocalFileOffsetStore store("192.168.1.20@12345", "CG", dir_);
  EXPECT_EQ(store.path(), dir_ + "/192.168.1.20@12345/CG/offsets.json");
}

TEST_F(LocalOffsetStoreTest, DefaultDirFromEnvironmentThenHome) {
  const char* old_env = std::getenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR");
  const std::string saved_env = old_env ? old_env : "";
  const char* old_home = std::getenv("HOME");
  const std::string saved_home = old_home ? old_home : "";

  ::setenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR", dir_.c_str(), 1);
  EXPECT_EQ(LocalFileOffsetStore("c", "g").path(), dir_ + "/c/g/offsets.json");
  ::unsetenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR");
  ::setenv("HOME", "/home/someone", 1);
  EXPECT_EQ(LocalFileOffsetStore("c", "g").path(),
            "/home/someone/.rocketmq_offsets/c/g/offsets.json");
  // An explicit directory wins.
  EXPECT_EQ(LocalFileOffsetStore("c", "g", "/x").path(), "/x/c/g/offsets.json");

  if (old_env) ::setenv("ROCKETMQ_CLIENT_LOCAL_OFFSET_STORE_DIR", saved_env.c_str(), 1);
  if (old_home) {
    ::setenv("HOME", saved_home.c_str(), 1);
  } else {
    ::unsetenv("HOME");
  }
}

TEST_F(LocalOffsetStoreTest, LoadsJavaWrittenFileAndWritesTheSameBytes) {
  LocalFileOffsetStore store("client@1", "CG", dir_);
  WriteFile(store.path(), JavaOffsetsJson());
  ASSERT_TRUE(store.Load().ok());
  EXPECT_EQ(store.CloneOffsetTable(""),
            (std::map<MessageQueue, int64_t>{
                {Mq(0), 42}, {Mq(1), 1234567890123}, {Mq(2), 0}, {Mq(3), 7}}));

  // Rewriting the same table gives back Java's bytes (key order included).
  ASSERT_TRUE(store.PersistAll({Mq(0), Mq(1), Mq(2), Mq(3)}).ok());
  EXPECT_EQ(ReadFile(store.path()), JavaOffsetsJson());
  // The previous content went to the .bak copy; no .tmp is left behind.
  EXPECT_EQ(ReadFile(store.path() + ".bak"), JavaOffsetsJson());
  EXPECT_FALSE(fs::exists(store.path() + ".tmp"));
}

TEST_F(LocalOffsetStoreTest, RoundTripOnlyPersistsGivenQueues) {
  LocalFileOffsetStore writer("client@1", "CG", dir_);
  writer.UpdateOffset(Mq(0), 10, false);
  writer.UpdateOffset(Mq(1, "Other", "broker-b"), 11, false);
  writer.UpdateOffset(Mq(2), 12, false);  // not in the set: not written
  EXPECT_TRUE(writer.PersistAll({}).ok());
  EXPECT_FALSE(fs::exists(writer.path()));  // empty set writes nothing

  ASSERT_TRUE(writer.PersistAll({Mq(0), Mq(1, "Other", "broker-b"), Mq(5)}).ok());
  EXPECT_TRUE(fs::exists(writer.path()));
  EXPECT_FALSE(fs::exists(writer.path() + ".bak"));  // first write: nothing to back up
  const std::string first = ReadFile(writer.path());
  EXPECT_EQ(first.rfind("{\n\t\"offsetTable\":{{\n\t\t\t\"brokerName\":", 0), 0u) << first;
  // Memory keeps every queue (the local store drops nothing).
  EXPECT_EQ(writer.CloneOffsetTable("").size(), 3u);

  writer.UpdateOffset(Mq(0), 20, true);
  ASSERT_TRUE(writer.PersistAll({Mq(0), Mq(1, "Other", "broker-b")}).ok());
  EXPECT_EQ(ReadFile(writer.path() + ".bak"), first);

  LocalFileOffsetStore reader("client@1", "CG", dir_);
  ASSERT_TRUE(reader.Load().ok());
  EXPECT_EQ(reader.CloneOffsetTable(""),
            (std::map<MessageQueue, int64_t>{{Mq(0), 20}, {Mq(1, "Other", "broker-b"), 11}}));

  // kReadFromStore reads the file and caches the value.
  LocalFileOffsetStore fresh("client@1", "CG", dir_);
  EXPECT_EQ(fresh.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), -1);
  EXPECT_EQ(fresh.ReadOffset(Mq(0), ReadOffsetType::kMemoryFirstThenStore), 20);
  EXPECT_EQ(fresh.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 20);
  EXPECT_EQ(fresh.ReadOffset(Mq(2), ReadOffsetType::kReadFromStore), -1);

  // Another group or client id has its own file.
  LocalFileOffsetStore other("client@1", "CG2", dir_);
  ASSERT_TRUE(other.Load().ok());
  EXPECT_TRUE(other.CloneOffsetTable("").empty());
}

TEST_F(LocalOffsetStoreTest, FallsBackToBak) {
  LocalFileOffsetStore store("c", "g", dir_);
  const std::string good =
      R"({"offsetTable":{{"brokerName":"broker-a","queueId":0,"topic":"TopicTest"}:5}})";
  // Main file missing.
  WriteFile(store.path() + ".bak", good);
  {
    LocalFileOffsetStore s("c", "g", dir_);
    ASSERT_TRUE(s.Load().ok());
    EXPECT_EQ(s.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 5);
  }
  // Main file empty.
  WriteFile(store.path(), "");
  {
    LocalFileOffsetStore s("c", "g", dir_);
    ASSERT_TRUE(s.Load().ok());
    EXPECT_EQ(s.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 5);
  }
  // Main file corrupt (torn).
  WriteFile(store.path(), good.substr(0, 30));
  {
    LocalFileOffsetStore s("c", "g", dir_);
    ASSERT_TRUE(s.Load().ok());
    EXPECT_EQ(s.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 5);
    EXPECT_EQ(s.ReadOffset(Mq(0), ReadOffsetType::kReadFromStore), 5);
  }
}

TEST_F(LocalOffsetStoreTest, CorruptFileWithoutUsableBakIsAnError) {
  // Neither file: nothing stored yet, not an error.
  LocalFileOffsetStore store("c", "g", dir_);
  ASSERT_TRUE(store.Load().ok());
  EXPECT_TRUE(store.CloneOffsetTable("").empty());

  WriteFile(store.path(), "{\"offsetTable\":{{\"brokerName\":");
  Status s = store.Load();
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_NE(s.message().find(store.path()), std::string::npos) << s.message();
  EXPECT_NE(s.message().find("corrupt"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(".bak"), std::string::npos) << s.message();

  WriteFile(store.path() + ".bak", "not json");
  s = store.Load();
  EXPECT_EQ(s.code(), ErrorCode::kMalformed);
  EXPECT_NE(s.message().find(store.path() + ".bak' is corrupt"), std::string::npos) << s.message();
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromStore), -1);
  EXPECT_TRUE(store.CloneOffsetTable("").empty());

  // Main missing, .bak corrupt: an error too (Java throws from readLocalOffsetBak).
  fs::remove(store.path());
  EXPECT_EQ(store.Load().code(), ErrorCode::kMalformed);
}

TEST_F(LocalOffsetStoreTest, UnwritableDirectoryIsAnIoError) {
  // A regular file where a directory should be: fails even for root.
  const std::string blocker = dir_ + "/blocker";
  WriteFile(blocker, "x");
  LocalFileOffsetStore store("c", "g", blocker);
  store.UpdateOffset(Mq(0), 9, false);
  Status s = store.PersistAll({Mq(0)});
  EXPECT_EQ(s.code(), ErrorCode::kIoError);
  EXPECT_NE(s.message().find("directory"), std::string::npos) << s.message();
  EXPECT_NE(s.message().find(blocker), std::string::npos) << s.message();
  EXPECT_EQ(store.ReadOffset(Mq(0), ReadOffsetType::kReadFromMemory), 9);
}

TEST_F(LocalOffsetStoreTest, ConcurrentPersistAndUpdate) {
  LocalFileOffsetStore store("c", "g", dir_);
  std::vector<std::thread> threads;
  for (int t = 0; t < 3; ++t) {
    threads.emplace_back([&store, t] {
      for (int i = 0; i < 50; ++i) {
        store.UpdateOffset(Mq(t), i, true);
        EXPECT_TRUE(store.PersistAll({Mq(0), Mq(1), Mq(2)}).ok());
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE(store.PersistAll({Mq(0), Mq(1), Mq(2)}).ok());
  LocalFileOffsetStore reader("c", "g", dir_);
  ASSERT_TRUE(reader.Load().ok());
  EXPECT_EQ(reader.CloneOffsetTable(""),
            (std::map<MessageQueue, int64_t>{{Mq(0), 49}, {Mq(1), 49}, {Mq(2), 49}}));
}

}  // namespace
}  // namespace orbit::client
