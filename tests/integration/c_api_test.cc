// The producer's C API (orbit/c/producer.h) against an in-process cluster. The producer is
// driven through the C header only; the cluster and its stores are inspected in C++.

#include <gtest/gtest.h>
#include <pthread.h>

#include <chrono>
#include <condition_variable>
#include <cstring>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "orbit/c/producer.h"

namespace orbit {
namespace {

// Frees a handle at scope exit (the C API's own destroy functions).
struct ProducerDeleter {
  void operator()(orbit_producer_t* p) const { orbit_producer_destroy(p); }
};
struct MessageDeleter {
  void operator()(orbit_message_t* m) const { orbit_message_destroy(m); }
};
using ProducerPtr = std::unique_ptr<orbit_producer_t, ProducerDeleter>;
using MessagePtr = std::unique_ptr<orbit_message_t, MessageDeleter>;

MessagePtr NewMessage(const std::string& topic, const std::string& body) {
  orbit_message_t* m = nullptr;
  EXPECT_EQ(orbit_message_create(topic.c_str(), body.data(), body.size(), &m), ORBIT_OK)
      << orbit_last_error();
  return MessagePtr(m);
}

class CApiTest : public ::testing::Test {
 protected:
  void SetUp() override { StartCluster({}); }
  void TearDown() override { cluster_.reset(); }

  void StartCluster(EmbeddedClusterOptions options) {
    cluster_.reset();
    auto c = EmbeddedCluster::Start(std::move(options));
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
    namesrv_ = cluster_->namesrv_addr();
  }

  void CreateTopic(const std::string& topic, int queues) {
    std::string error;
    ASSERT_TRUE(testing::CreateTopic(*cluster_, topic, queues, &error)) << error;
  }

  // A started producer of group `group` (with the defaults otherwise).
  ProducerPtr Started(const char* group = "CPG") {
    orbit_producer_config_t config;
    orbit_producer_config_init(&config);
    config.group = group;
    config.namesrv_addr = namesrv_.c_str();
    orbit_producer_t* p = nullptr;
    EXPECT_EQ(orbit_producer_create(&config, &p), ORBIT_OK) << orbit_last_error();
    ProducerPtr producer(p);
    EXPECT_EQ(orbit_producer_start(p), ORBIT_OK) << orbit_last_error();
    return producer;
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::string namesrv_;
};

TEST_F(CApiTest, ConfigDefaultsAndArgumentErrors) {
  orbit_producer_config_t config;
  std::memset(&config, 0x5a, sizeof(config));
  orbit_producer_config_init(&config);
  EXPECT_EQ(config.group, nullptr);
  EXPECT_EQ(config.access_key, nullptr);
  EXPECT_EQ(config.send_timeout_ms, 3000);
  EXPECT_EQ(config.retry_times_when_send_failed, 2);
  EXPECT_EQ(config.compress_msg_body_over_howmuch, 4096);

  orbit_producer_t* p = nullptr;
  EXPECT_EQ(orbit_producer_create(&config, &p), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(p, nullptr);
  EXPECT_NE(std::string(orbit_last_error()).find("group"), std::string::npos);
  config.group = "CPG";
  config.access_key = "ak";
  EXPECT_EQ(orbit_producer_create(&config, &p), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_NE(std::string(orbit_last_error()).find("secret_key"), std::string::npos);
  config.secret_key = "sk";
  config.namesrv_addr = namesrv_.c_str();
  ASSERT_EQ(orbit_producer_create(&config, &p), ORBIT_OK);
  EXPECT_STREQ(orbit_last_error(), "");
  ProducerPtr producer(p);

  auto m = NewMessage("TopicC", "x");
  EXPECT_EQ(orbit_producer_send(p, m.get(), nullptr), ORBIT_ERR_NOT_RUNNING);
  EXPECT_EQ(orbit_message_put_property(m.get(), "TAGS", "t"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_message_put_property(m.get(), "", "v"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_message_set_delay_level(m.get(), -1), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_message_create(nullptr, "x", 1, nullptr), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_producer_send(nullptr, m.get(), nullptr), ORBIT_ERR_INVALID_ARGUMENT);
  orbit_producer_destroy(nullptr);
  orbit_message_destroy(nullptr);

  EXPECT_STREQ(orbit_error_name(ORBIT_ERR_TIMEOUT), "kTimeout");
  EXPECT_STREQ(orbit_error_name(17), "TOPIC_NOT_EXIST");
  EXPECT_STREQ(orbit_error_name(999), "UNKNOWN");
  EXPECT_EQ(orbit_error_is_retriable(ORBIT_ERR_TIMEOUT), 1);
  EXPECT_EQ(orbit_error_is_retriable(ORBIT_ERR_INVALID_ARGUMENT), 0);
  EXPECT_EQ(orbit_error_is_retriable(17), 1);  // TOPIC_NOT_EXIST, as the Java producer retries
}

TEST_F(CApiTest, SyncSendIsStoredWithTagsKeysAndProperties) {
  CreateTopic("TopicC", 4);
  auto producer = Started();
  const char body[] = {'b', 'i', 'n', '\0', 'a', 'r', 'y'};  // bodies are bytes, not C strings
  orbit_message_t* m = nullptr;
  ASSERT_EQ(orbit_message_create("TopicC", body, sizeof(body), &m), ORBIT_OK);
  MessagePtr message(m);
  ASSERT_EQ(orbit_message_set_tags(m, "TagC"), ORBIT_OK);
  ASSERT_EQ(orbit_message_set_keys(m, "k1 k2"), ORBIT_OK);
  ASSERT_EQ(orbit_message_put_property(m, "color", "blue"), ORBIT_OK);

  orbit_send_result_t result;
  std::memset(&result, 0x5a, sizeof(result));
  ASSERT_EQ(orbit_producer_send(producer.get(), m, &result), ORBIT_OK) << orbit_last_error();
  EXPECT_EQ(result.status, ORBIT_SEND_OK);
  EXPECT_EQ(std::strlen(result.msg_id), 32u);
  EXPECT_EQ(std::strlen(result.offset_msg_id), 32u);
  EXPECT_STREQ(result.topic, "TopicC");
  EXPECT_STREQ(result.broker_name, "broker-a");
  EXPECT_GE(result.queue_id, 0);
  EXPECT_LT(result.queue_id, 4);

  auto records = testing::StoredRecords(*cluster_, 0, "TopicC", result.queue_id);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].body, std::string(body, sizeof(body)));
  EXPECT_EQ(records[0].queue_offset, result.queue_offset);
  EXPECT_EQ(records[0].properties.Get("TAGS"), "TagC");
  EXPECT_EQ(records[0].properties.Get("KEYS"), "k1 k2");
  EXPECT_EQ(records[0].properties.Get("color"), "blue");
  EXPECT_EQ(records[0].properties.Get("UNIQ_KEY"), result.msg_id);

  // The message is the caller's and unchanged: sending it again gives a new id.
  orbit_send_result_t again;
  ASSERT_EQ(orbit_producer_send(producer.get(), m, &again), ORBIT_OK);
  EXPECT_STRNE(again.msg_id, result.msg_id);
  // A NULL result is allowed.
  EXPECT_EQ(orbit_producer_send(producer.get(), m, nullptr), ORBIT_OK);
}

TEST_F(CApiTest, ChosenQueuesAndShardingKeys) {
  CreateTopic("TopicQ", 4);
  auto producer = Started();
  auto m = NewMessage("TopicQ", "q");
  orbit_send_result_t result;
  ASSERT_EQ(orbit_producer_send_to_queue(producer.get(), m.get(), "broker-a", 2, &result), ORBIT_OK)
      << orbit_last_error();
  EXPECT_EQ(result.queue_id, 2);
  EXPECT_STREQ(result.broker_name, "broker-a");
  ASSERT_EQ(orbit_producer_send_to_queue(producer.get(), m.get(), nullptr, 3, &result), ORBIT_OK);
  EXPECT_EQ(result.queue_id, 3);
  EXPECT_EQ(orbit_producer_send_to_queue(producer.get(), m.get(), nullptr, 9, &result),
            ORBIT_ERR_NOT_FOUND);
  EXPECT_NE(std::string(orbit_last_error()).find("queue 9"), std::string::npos);

  std::set<int> pinned;
  for (int i = 0; i < 5; ++i) {
    ASSERT_EQ(orbit_producer_send_orderly(producer.get(), m.get(), "order-7", &result), ORBIT_OK);
    pinned.insert(result.queue_id);
  }
  EXPECT_EQ(pinned.size(), 1u);
}

TEST_F(CApiTest, BatchFillsOneResultPerMessage) {
  CreateTopic("TopicB", 2);
  auto producer = Started();
  std::vector<MessagePtr> owned;
  std::vector<const orbit_message_t*> batch;
  for (int i = 0; i < 3; ++i) {
    owned.push_back(NewMessage("TopicB", "batch-" + std::to_string(i)));
    batch.push_back(owned.back().get());
  }
  orbit_send_result_t results[3];
  ASSERT_EQ(orbit_producer_send_batch(producer.get(), batch.data(), batch.size(), results),
            ORBIT_OK)
      << orbit_last_error();
  auto records = testing::StoredRecords(*cluster_, 0, "TopicB", results[0].queue_id);
  ASSERT_EQ(records.size(), 3u);
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(results[i].queue_id, results[0].queue_id);
    EXPECT_EQ(results[i].queue_offset, results[0].queue_offset + i);
    EXPECT_EQ(records[i].body, "batch-" + std::to_string(i));
    EXPECT_EQ(records[i].properties.Get("UNIQ_KEY"), results[i].msg_id);
    EXPECT_EQ(std::strlen(results[i].offset_msg_id), 32u);
  }
  // One NULL in the batch refuses the whole batch.
  batch.push_back(nullptr);
  EXPECT_EQ(orbit_producer_send_batch(producer.get(), batch.data(), batch.size(), nullptr),
            ORBIT_ERR_INVALID_ARGUMENT);
}

struct AsyncLog {
  std::mutex mu;
  std::condition_variable cv;
  int calls = 0;
  int failures = 0;
  std::set<std::string> ids;
  std::set<std::string> threads;
};

void OnSent(int code, const char* error, const orbit_send_result_t* result, void* user_data) {
  auto* log = static_cast<AsyncLog*>(user_data);
  char name[16] = {};
  pthread_getname_np(pthread_self(), name, sizeof(name));
  std::lock_guard lock(log->mu);
  log->threads.insert(name);
  if (code == ORBIT_OK && result != nullptr && error == nullptr) {
    log->ids.insert(result->msg_id);
  } else {
    ++log->failures;
  }
  ++log->calls;
  log->cv.notify_all();
}

TEST_F(CApiTest, AsyncCallbackRunsOnceOnTheCallbackThreadWithUserData) {
  CreateTopic("TopicA", 4);
  auto producer = Started();
  AsyncLog log;
  constexpr int kCount = 50;
  for (int i = 0; i < kCount; ++i) {
    auto m = NewMessage("TopicA", "async-" + std::to_string(i));
    ASSERT_EQ(orbit_producer_send_async(producer.get(), m.get(), OnSent, &log), ORBIT_OK)
        << orbit_last_error();
    // `m` is destroyed here, before its answer: the send copied it.
  }
  {
    std::unique_lock lock(log.mu);
    ASSERT_TRUE(
        log.cv.wait_for(lock, std::chrono::seconds(20), [&] { return log.calls == kCount; }));
  }
  EXPECT_EQ(log.failures, 0);
  EXPECT_EQ(log.ids.size(), static_cast<size_t>(kCount));
  EXPECT_EQ(log.threads, std::set<std::string>{"orbit-callback"});

  auto m = NewMessage("TopicA", "x");
  EXPECT_EQ(orbit_producer_send_async(producer.get(), m.get(), nullptr, &log),
            ORBIT_ERR_INVALID_ARGUMENT);
  orbit_producer_shutdown(producer.get());
  EXPECT_EQ(orbit_producer_send_async(producer.get(), m.get(), OnSent, &log),
            ORBIT_ERR_NOT_RUNNING);
  std::lock_guard lock(log.mu);
  EXPECT_EQ(log.calls, kCount) << "a refused async send never calls back";
}

TEST_F(CApiTest, OnewayAndDelayLevelArrive) {
  CreateTopic("TopicO", 1);
  auto producer = Started();
  auto m = NewMessage("TopicO", "one");
  ASSERT_EQ(orbit_producer_send_oneway(producer.get(), m.get()), ORBIT_OK);
  std::vector<protocol::MessageRecord> records;
  for (int i = 0; i < 200 && records.empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    records = testing::StoredRecords(*cluster_, 0, "TopicO", 0);
  }
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].body, "one");

  auto delayed = NewMessage("TopicO", "later");
  ASSERT_EQ(orbit_message_set_delay_level(delayed.get(), 3), ORBIT_OK);
  ASSERT_EQ(orbit_producer_send(producer.get(), delayed.get(), nullptr), ORBIT_OK);
  auto parked = testing::StoredRecords(*cluster_, 0, "SCHEDULE_TOPIC_XXXX", 2);  // level 3
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].properties.Get("DELAY"), "3");
}

TEST_F(CApiTest, ErrorsCarryLocalCodesOrTheBrokersResponseCode) {
  EmbeddedClusterOptions options;
  options.configure = [](int, broker::BrokerConfig& c) { c.auto_create_topic_enable = false; };
  StartCluster(std::move(options));
  auto producer = Started();
  auto m = NewMessage("TopicMissing", "x");
  const int code = orbit_producer_send(producer.get(), m.get(), nullptr);
  EXPECT_NE(code, ORBIT_OK);
  EXPECT_STRNE(orbit_last_error(), "");
  EXPECT_STRNE(orbit_error_name(code), "UNKNOWN") << code;

  // A queue id the broker does not have: refused by the broker, with its response code.
  CreateTopic("TopicOneQueue", 1);
  auto one = NewMessage("TopicOneQueue", "x");
  EXPECT_EQ(orbit_producer_send_to_queue(producer.get(), one.get(), "broker-a", 7, nullptr), 1);
  EXPECT_STREQ(orbit_error_name(1), "SYSTEM_ERROR");
  EXPECT_NE(std::string(orbit_last_error()).find("queueId[7]"), std::string::npos)
      << orbit_last_error();
}

}  // namespace
}  // namespace orbit
