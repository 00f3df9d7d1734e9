// The consumers' C API (orbit/c/consumer.h) against an in-process cluster. Consumers and the
// producer that feeds them are driven through the C headers only; the cluster is set up in C++.

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "orbit/c/consumer.h"
#include "orbit/c/producer.h"

namespace orbit {
namespace {

using namespace std::chrono_literals;

struct ProducerDeleter {
  void operator()(orbit_producer_t* p) const { orbit_producer_destroy(p); }
};
struct PushDeleter {
  void operator()(orbit_push_consumer_t* c) const { orbit_push_consumer_destroy(c); }
};
struct LiteDeleter {
  void operator()(orbit_lite_pull_consumer_t* c) const { orbit_lite_pull_consumer_destroy(c); }
};
struct ListDeleter {
  void operator()(orbit_message_list_t* l) const { orbit_message_list_destroy(l); }
};
using ProducerPtr = std::unique_ptr<orbit_producer_t, ProducerDeleter>;
using PushPtr = std::unique_ptr<orbit_push_consumer_t, PushDeleter>;
using LitePtr = std::unique_ptr<orbit_lite_pull_consumer_t, LiteDeleter>;
using ListPtr = std::unique_ptr<orbit_message_list_t, ListDeleter>;

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit) {
  const auto give_up = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < give_up) {
    if (done()) return true;
    std::this_thread::sleep_for(20ms);
  }
  return done();
}

std::string BodyOf(const orbit_message_ext_t* m) {
  size_t len = 0;
  const void* body = orbit_message_ext_body(m, &len);
  return std::string(static_cast<const char*>(body), len);
}

// One delivery as a listener saw it, copied out of the library's memory during the call.
struct Delivery {
  std::string body, msg_id, tags, keys, color, topic, broker;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int32_t reconsume_times = 0;
  int64_t born = 0, stored = 0;
  bool context_matches = false;  // the context names the message's queue
};

// Shared by the listeners (consume threads) and the test thread.
struct Log {
  std::mutex mu;
  std::vector<Delivery> deliveries;
  std::map<int32_t, int> in_flight;  // orderly: listener calls running per queue
  bool overlap = false;
  int fail_first = 0;  // answer "later" / "suspend" to this many calls first

  size_t size() {
    std::lock_guard lock(mu);
    return deliveries.size();
  }
};

void Record(Log* log, const orbit_message_ext_t* const* msgs, size_t count,
            const orbit_message_queue_t& queue) {
  for (size_t i = 0; i < count; ++i) {
    const orbit_message_ext_t* m = msgs[i];
    const char* color = orbit_message_ext_property(m, "color");
    Delivery d{BodyOf(m),
               orbit_message_ext_msg_id(m),
               orbit_message_ext_tags(m),
               orbit_message_ext_keys(m),
               color == nullptr ? "" : color,
               orbit_message_ext_topic(m),
               orbit_message_ext_broker_name(m),
               orbit_message_ext_queue_id(m),
               orbit_message_ext_queue_offset(m),
               orbit_message_ext_reconsume_times(m),
               orbit_message_ext_born_timestamp(m),
               orbit_message_ext_store_timestamp(m),
               false};
    d.context_matches =
        d.topic == queue.topic && d.broker == queue.broker_name && d.queue_id == queue.queue_id;
    log->deliveries.push_back(std::move(d));
  }
}

int OnConcurrent(const orbit_message_ext_t* const* msgs, size_t count,
                 orbit_consume_concurrently_context_t* context, void* user_data) {
  auto* log = static_cast<Log*>(user_data);
  std::lock_guard lock(log->mu);
  Record(log, msgs, count, context->queue);
  if (log->fail_first > 0) {
    --log->fail_first;
    context->delay_level_when_next_consume = 1;  // 1 s with the test cluster's levels
    return ORBIT_RECONSUME_LATER;
  }
  return ORBIT_CONSUME_SUCCESS;
}

int OnOrderly(const orbit_message_ext_t* const* msgs, size_t count,
              orbit_consume_orderly_context_t* context, void* user_data) {
  auto* log = static_cast<Log*>(user_data);
  {
    std::lock_guard lock(log->mu);
    if (log->in_flight[context->queue.queue_id]++ != 0) log->overlap = true;
  }
  std::this_thread::sleep_for(1ms);
  std::lock_guard lock(log->mu);
  log->in_flight[context->queue.queue_id]--;
  Record(log, msgs, count, context->queue);
  if (log->fail_first > 0) {
    --log->fail_first;
    context->suspend_current_queue_time_ms = 50;
    return ORBIT_ORDERLY_SUSPEND;
  }
  return ORBIT_ORDERLY_SUCCESS;
}

class CApiConsumerTest : public ::testing::Test {
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

  ProducerPtr StartProducer() {
    orbit_producer_config_t config;
    orbit_producer_config_init(&config);
    config.group = "CConsumerTestProducer";
    config.namesrv_addr = namesrv_.c_str();
    orbit_producer_t* p = nullptr;
    EXPECT_EQ(orbit_producer_create(&config, &p), ORBIT_OK) << orbit_last_error();
    ProducerPtr producer(p);
    EXPECT_EQ(orbit_producer_start(p), ORBIT_OK) << orbit_last_error();
    return producer;
  }

  // Sends body-<from>..body-<to - 1> (tag TagC, keys "k<i>", property color=blue), with
  // `sharding` ordered by "key-<i % 4>"; returns the send results.
  std::vector<orbit_send_result_t> Send(orbit_producer_t* producer, const std::string& topic,
                                        int from, int to, bool sharding = false) {
    std::vector<orbit_send_result_t> results;
    for (int i = from; i < to; ++i) {
      const std::string body = "body-" + std::to_string(i);
      orbit_message_t* m = nullptr;
      EXPECT_EQ(orbit_message_create(topic.c_str(), body.data(), body.size(), &m), ORBIT_OK);
      EXPECT_EQ(orbit_message_set_tags(m, "TagC"), ORBIT_OK);
      EXPECT_EQ(orbit_message_set_keys(m, ("k" + std::to_string(i)).c_str()), ORBIT_OK);
      EXPECT_EQ(orbit_message_put_property(m, "color", "blue"), ORBIT_OK);
      orbit_send_result_t r;
      const std::string key = "key-" + std::to_string(i % 4);
      const int rc = sharding ? orbit_producer_send_orderly(producer, m, key.c_str(), &r)
                              : orbit_producer_send(producer, m, &r);
      EXPECT_EQ(rc, ORBIT_OK) << orbit_last_error();
      orbit_message_destroy(m);
      if (rc == ORBIT_OK) results.push_back(r);
    }
    return results;
  }

  orbit_push_consumer_config_t PushConfig(const char* group) {
    orbit_push_consumer_config_t config;
    orbit_push_consumer_config_init(&config);
    config.group = group;
    config.namesrv_addr = namesrv_.c_str();
    config.consume_from_where = ORBIT_CONSUME_FROM_FIRST_OFFSET;
    config.consume_thread_count = 4;
    return config;
  }

  PushPtr CreatePush(const orbit_push_consumer_config_t& config, const char* topic) {
    orbit_push_consumer_t* c = nullptr;
    EXPECT_EQ(orbit_push_consumer_create(&config, &c), ORBIT_OK) << orbit_last_error();
    PushPtr consumer(c);
    EXPECT_EQ(orbit_push_consumer_subscribe(c, topic, "*"), ORBIT_OK) << orbit_last_error();
    return consumer;
  }

  orbit_lite_pull_consumer_config_t LiteConfig(const char* group) {
    orbit_lite_pull_consumer_config_t config;
    orbit_lite_pull_consumer_config_init(&config);
    config.group = group;
    config.namesrv_addr = namesrv_.c_str();
    config.consume_from_where = ORBIT_CONSUME_FROM_FIRST_OFFSET;
    config.poll_timeout_ms = 200;
    return config;
  }

  // Polls (default timeout) until `n` messages came or 30 s passed; copies their bodies and
  // queue positions.
  std::vector<Delivery> PollN(orbit_lite_pull_consumer_t* consumer, size_t n) {
    std::vector<Delivery> out;
    const auto give_up = std::chrono::steady_clock::now() + 30s;
    while (out.size() < n && std::chrono::steady_clock::now() < give_up) {
      orbit_message_list_t* raw = nullptr;
      const int rc = orbit_lite_pull_consumer_poll(consumer, -1, &raw);
      EXPECT_EQ(rc, ORBIT_OK) << orbit_last_error();
      if (rc != ORBIT_OK) break;
      ListPtr list(raw);
      for (size_t i = 0; i < orbit_message_list_count(raw); ++i) {
        const orbit_message_ext_t* m = orbit_message_list_get(raw, i);
        Delivery d;
        d.body = BodyOf(m);
        d.topic = orbit_message_ext_topic(m);
        d.queue_id = orbit_message_ext_queue_id(m);
        d.queue_offset = orbit_message_ext_queue_offset(m);
        out.push_back(std::move(d));
      }
      EXPECT_EQ(orbit_message_list_get(raw, orbit_message_list_count(raw)), nullptr);
    }
    return out;
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
  std::string namesrv_;
};

bool Mentions(const char* what) {
  return std::string(orbit_last_error()).find(what) != std::string::npos;
}

TEST_F(CApiConsumerTest, ConfigDefaultsAndArgumentErrors) {
  orbit_push_consumer_config_t push;
  std::memset(&push, 0x5a, sizeof(push));
  orbit_push_consumer_config_init(&push);
  EXPECT_EQ(push.group, nullptr);
  EXPECT_EQ(push.local_offset_store_dir, nullptr);
  EXPECT_EQ(push.message_model, ORBIT_CLUSTERING);
  EXPECT_EQ(push.consume_from_where, ORBIT_CONSUME_FROM_LAST_OFFSET);
  EXPECT_EQ(push.consume_thread_count, 20);
  EXPECT_EQ(push.consume_message_batch_max_size, 1);
  EXPECT_EQ(push.pull_batch_size, 32);
  EXPECT_EQ(push.max_reconsume_times, -1);
  EXPECT_EQ(push.suspend_current_queue_time_ms, 1000);

  orbit_push_consumer_t* c = nullptr;
  EXPECT_EQ(orbit_push_consumer_create(&push, &c), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(c, nullptr);
  EXPECT_TRUE(Mentions("group")) << orbit_last_error();
  push.group = "CGroup";
  push.message_model = 7;
  EXPECT_EQ(orbit_push_consumer_create(&push, &c), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("message_model")) << orbit_last_error();
  push.message_model = ORBIT_BROADCASTING;
  push.consume_from_where = 3;
  EXPECT_EQ(orbit_push_consumer_create(&push, &c), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("consume_from_where")) << orbit_last_error();
  push.consume_from_where = ORBIT_CONSUME_FROM_FIRST_OFFSET;
  push.access_key = "ak";
  EXPECT_EQ(orbit_push_consumer_create(&push, &c), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("secret_key")) << orbit_last_error();
  push.access_key = nullptr;
  EXPECT_EQ(orbit_push_consumer_create(nullptr, &c), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_push_consumer_create(&push, nullptr), ORBIT_ERR_INVALID_ARGUMENT);
  push.namesrv_addr = namesrv_.c_str();
  ASSERT_EQ(orbit_push_consumer_create(&push, &c), ORBIT_OK) << orbit_last_error();
  EXPECT_STREQ(orbit_last_error(), "");
  PushPtr consumer(c);
  EXPECT_EQ(orbit_push_consumer_subscribe(c, "bad topic", "*"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_STRNE(orbit_last_error(), "");
  EXPECT_EQ(orbit_push_consumer_subscribe(c, "TopicC", "||"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_push_consumer_subscribe(c, nullptr, "*"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_push_consumer_subscribe(nullptr, "TopicC", "*"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_push_consumer_subscribe(c, "TopicC", nullptr), ORBIT_OK);  // NULL: "*"
  EXPECT_EQ(orbit_push_consumer_register_concurrent_listener(c, nullptr, nullptr),
            ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("listener")) << orbit_last_error();
  EXPECT_EQ(orbit_push_consumer_start(c), ORBIT_ERR_INVALID_ARGUMENT);  // no listener
  EXPECT_TRUE(Mentions("listener")) << orbit_last_error();
  Log log;
  EXPECT_EQ(orbit_push_consumer_register_orderly_listener(c, OnOrderly, &log),
            ORBIT_ERR_INVALID_ARGUMENT);  // a failed start cannot be retried
  EXPECT_TRUE(Mentions("before start")) << orbit_last_error();
  orbit_push_consumer_shutdown(nullptr);
  orbit_push_consumer_destroy(nullptr);

  orbit_lite_pull_consumer_config_t lite;
  std::memset(&lite, 0x5a, sizeof(lite));
  orbit_lite_pull_consumer_config_init(&lite);
  EXPECT_EQ(lite.group, nullptr);
  EXPECT_EQ(lite.auto_commit, 1);
  EXPECT_EQ(lite.auto_commit_interval_ms, 5000);
  EXPECT_EQ(lite.pull_batch_size, 10);
  EXPECT_EQ(lite.poll_timeout_ms, 5000);
  orbit_lite_pull_consumer_t* l = nullptr;
  EXPECT_EQ(orbit_lite_pull_consumer_create(&lite, &l), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("group")) << orbit_last_error();
  lite = LiteConfig("CLiteGroup");
  lite.poll_timeout_ms = -1;
  EXPECT_EQ(orbit_lite_pull_consumer_create(&lite, &l), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("poll_timeout_ms")) << orbit_last_error();
  lite.poll_timeout_ms = 100;
  ASSERT_EQ(orbit_lite_pull_consumer_create(&lite, &l), ORBIT_OK) << orbit_last_error();
  LitePtr lite_consumer(l);
  orbit_message_list_t* list = nullptr;
  EXPECT_EQ(orbit_lite_pull_consumer_poll(l, 10, &list), ORBIT_ERR_NOT_RUNNING);
  EXPECT_EQ(list, nullptr);
  EXPECT_EQ(orbit_lite_pull_consumer_poll(l, 10, nullptr), ORBIT_ERR_INVALID_ARGUMENT);
  const orbit_message_queue_t q0{"TopicC", "broker-a", 0};
  const orbit_message_queue_t no_topic{nullptr, "broker-a", 0};
  EXPECT_EQ(orbit_lite_pull_consumer_assign(l, nullptr, 1), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_lite_pull_consumer_assign(l, &q0, 0), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_lite_pull_consumer_assign(l, &no_topic, 1), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("topic")) << orbit_last_error();
  ASSERT_EQ(orbit_lite_pull_consumer_assign(l, &q0, 1), ORBIT_OK) << orbit_last_error();
  EXPECT_EQ(orbit_lite_pull_consumer_subscribe(l, "TopicC", "*"), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_TRUE(Mentions("exclusive")) << orbit_last_error();
  int64_t offset = 0;
  EXPECT_EQ(orbit_lite_pull_consumer_committed(l, nullptr, &offset), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_lite_pull_consumer_committed(l, &q0, nullptr), ORBIT_ERR_INVALID_ARGUMENT);
  EXPECT_EQ(orbit_lite_pull_consumer_seek(l, &no_topic, 0), ORBIT_ERR_INVALID_ARGUMENT);
  orbit_lite_pull_consumer_destroy(nullptr);
  orbit_message_list_destroy(nullptr);

  // Library-owned views answer NULL with "" or 0 rather than crashing.
  EXPECT_STREQ(orbit_message_ext_topic(nullptr), "");
  EXPECT_STREQ(orbit_message_ext_tags(nullptr), "");
  EXPECT_EQ(orbit_message_ext_property(nullptr, "color"), nullptr);
  size_t len = 7;
  EXPECT_EQ(orbit_message_ext_body(nullptr, &len), nullptr);
  EXPECT_EQ(len, 0u);
  EXPECT_EQ(orbit_message_list_count(nullptr), 0u);
  EXPECT_EQ(orbit_message_list_get(nullptr, 0), nullptr);
}

TEST_F(CApiConsumerTest, ConcurrentListenerReceivesEveryMessage) {
  CreateTopic("TopicCPush", 4);
  Log log;
  auto consumer = CreatePush(PushConfig("CGroupPush"), "TopicCPush");
  ASSERT_EQ(orbit_push_consumer_register_concurrent_listener(consumer.get(), OnConcurrent, &log),
            ORBIT_OK);
  ASSERT_EQ(orbit_push_consumer_start(consumer.get()), ORBIT_OK) << orbit_last_error();
  EXPECT_EQ(orbit_push_consumer_start(consumer.get()), ORBIT_ERR_NOT_RUNNING);
  auto producer = StartProducer();
  auto sent = Send(producer.get(), "TopicCPush", 0, 100);
  ASSERT_EQ(sent.size(), 100u);
  ASSERT_TRUE(WaitFor([&] { return log.size() >= 100; }, 30s)) << log.size();
  orbit_push_consumer_shutdown(consumer.get());
  orbit_push_consumer_shutdown(consumer.get());  // idempotent

  std::map<std::string, std::string> id_of_body;
  for (int i = 0; i < 100; ++i) id_of_body["body-" + std::to_string(i)] = sent[i].msg_id;
  std::lock_guard lock(log.mu);
  std::set<std::string> bodies;
  for (const Delivery& d : log.deliveries) {
    bodies.insert(d.body);
    EXPECT_EQ(d.msg_id, id_of_body[d.body]);
    EXPECT_EQ(d.topic, "TopicCPush");
    EXPECT_EQ(d.tags, "TagC");
    EXPECT_EQ(d.keys, "k" + d.body.substr(5));
    EXPECT_EQ(d.color, "blue");
    EXPECT_EQ(d.broker, "broker-a");
    EXPECT_EQ(d.reconsume_times, 0);
    EXPECT_GT(d.born, 0);
    EXPECT_GE(d.stored, d.born);
    EXPECT_TRUE(d.context_matches) << d.body;
  }
  EXPECT_EQ(bodies.size(), 100u);
}

TEST_F(CApiConsumerTest, OrderlyListenerReceivesEachQueueInOrder) {
  CreateTopic("TopicCOrder", 4);
  Log log;
  log.fail_first = 1;  // the first batch is suspended, then retried in place
  auto config = PushConfig("CGroupOrder");
  config.consume_message_batch_max_size = 3;
  auto consumer = CreatePush(config, "TopicCOrder");
  ASSERT_EQ(orbit_push_consumer_register_orderly_listener(consumer.get(), OnOrderly, &log),
            ORBIT_OK);
  ASSERT_EQ(orbit_push_consumer_start(consumer.get()), ORBIT_OK) << orbit_last_error();
  auto producer = StartProducer();
  auto sent = Send(producer.get(), "TopicCOrder", 0, 200, /*sharding=*/true);
  ASSERT_EQ(sent.size(), 200u);
  std::set<int32_t> used;
  for (const auto& r : sent) used.insert(r.queue_id);

  auto consumed = [&] {
    std::lock_guard lock(log.mu);
    std::set<std::string> bodies;
    for (const Delivery& d : log.deliveries) bodies.insert(d.body);
    return bodies.size();
  };
  ASSERT_TRUE(WaitFor([&] { return consumed() >= 200; }, 30s)) << consumed();
  orbit_push_consumer_destroy(consumer.release());

  std::lock_guard lock(log.mu);
  EXPECT_FALSE(log.overlap);
  // Per queue, the offsets in delivery order: 0, 1, 2, ... after the suspended first batch,
  // which came again with its reconsume count raised.
  std::map<int32_t, std::vector<int64_t>> offsets;
  bool retried = false;
  for (size_t i = 0; i < log.deliveries.size(); ++i) {
    const Delivery& d = log.deliveries[i];
    EXPECT_TRUE(d.context_matches) << d.body;
    if (d.reconsume_times > 0) retried = true;
    auto& seq = offsets[d.queue_id];
    if (!seq.empty() && d.queue_offset == 0) seq.clear();  // the retried first batch
    seq.push_back(d.queue_offset);
  }
  EXPECT_TRUE(retried);
  for (const auto& [queue, seq] : offsets) {
    for (size_t i = 0; i < seq.size(); ++i) {
      ASSERT_EQ(seq[i], static_cast<int64_t>(i)) << "queue " << queue;
    }
  }
  EXPECT_EQ(offsets.size(), used.size());
}

TEST_F(CApiConsumerTest, ReconsumeLaterRedeliversWithReconsumeTimes) {
  // Short delay levels: a message sent back comes again after 1 s.
  EmbeddedClusterOptions options;
  options.configure = [](int, broker::BrokerConfig& config) {
    config.store.message_delay_level = "1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s 1s";
  };
  StartCluster(std::move(options));
  CreateTopic("TopicCRetry", 1);
  Log log;
  log.fail_first = 1;
  auto consumer = CreatePush(PushConfig("CGroupRetry"), "TopicCRetry");
  ASSERT_EQ(orbit_push_consumer_register_concurrent_listener(consumer.get(), OnConcurrent, &log),
            ORBIT_OK);
  ASSERT_EQ(orbit_push_consumer_start(consumer.get()), ORBIT_OK) << orbit_last_error();
  auto producer = StartProducer();
  auto sent = Send(producer.get(), "TopicCRetry", 0, 1);
  ASSERT_EQ(sent.size(), 1u);
  ASSERT_TRUE(WaitFor([&] { return log.size() >= 2; }, 30s)) << log.size();
  std::this_thread::sleep_for(1500ms);  // and not again: the second delivery succeeded

  std::lock_guard lock(log.mu);
  ASSERT_EQ(log.deliveries.size(), 2u);
  for (int i = 0; i < 2; ++i) {
    const Delivery& d = log.deliveries[i];
    EXPECT_EQ(d.reconsume_times, i);
    EXPECT_EQ(d.body, "body-0");
    EXPECT_EQ(d.msg_id, sent[0].msg_id);
    EXPECT_EQ(d.topic, "TopicCRetry");  // the retry topic is hidden
    EXPECT_EQ(d.tags, "TagC");
    EXPECT_EQ(d.color, "blue");
  }
}

TEST_F(CApiConsumerTest, LitePullPollsEverythingAndCommits) {
  CreateTopic("TopicCLite", 4);
  auto producer = StartProducer();
  auto sent = Send(producer.get(), "TopicCLite", 0, 100);
  ASSERT_EQ(sent.size(), 100u);
  std::map<int32_t, int64_t> end;  // per queue: one past its last offset
  for (const auto& r : sent) end[r.queue_id] = std::max(end[r.queue_id], r.queue_offset + 1);

  auto config = LiteConfig("CGroupLite");
  config.auto_commit = 0;
  orbit_lite_pull_consumer_t* l = nullptr;
  ASSERT_EQ(orbit_lite_pull_consumer_create(&config, &l), ORBIT_OK) << orbit_last_error();
  LitePtr consumer(l);
  ASSERT_EQ(orbit_lite_pull_consumer_subscribe(l, "TopicCLite", "TagC"), ORBIT_OK);
  ASSERT_EQ(orbit_lite_pull_consumer_start(l), ORBIT_OK) << orbit_last_error();
  auto msgs = PollN(l, 100);
  ASSERT_EQ(msgs.size(), 100u);
  std::set<std::string> bodies;
  std::map<int32_t, int64_t> last;
  for (const Delivery& d : msgs) {
    bodies.insert(d.body);
    EXPECT_EQ(d.topic, "TopicCLite");
    auto it = last.find(d.queue_id);
    if (it != last.end()) {
      EXPECT_EQ(d.queue_offset, it->second + 1);  // queue order
    }
    last[d.queue_id] = d.queue_offset;
  }
  EXPECT_EQ(bodies.size(), 100u);
  orbit_message_list_t* raw = nullptr;
  ASSERT_EQ(orbit_lite_pull_consumer_poll(l, 100, &raw), ORBIT_OK);
  ListPtr empty(raw);
  EXPECT_EQ(orbit_message_list_count(raw), 0u);

  ASSERT_EQ(orbit_lite_pull_consumer_commit_sync(l), ORBIT_OK) << orbit_last_error();
  for (const auto& entry : end) {
    // Plain copies: clang 14 cannot capture structured bindings in a lambda.
    const auto queue = entry.first;
    const auto offset = entry.second;
    const orbit_message_queue_t mq{"TopicCLite", "broker-a", queue};
    int64_t committed = -9;
    EXPECT_TRUE(WaitFor(  // the offset update is oneway
        [&] {
          EXPECT_EQ(orbit_lite_pull_consumer_committed(l, &mq, &committed), ORBIT_OK)
              << orbit_last_error();
          return committed == offset;
        },
        5s))
        << "queue " << queue << ": " << committed << " != " << offset;
  }
  orbit_lite_pull_consumer_destroy(consumer.release());

  // Another consumer of the group, assigned one queue: seek back within it.
  config.group = "CGroupLiteAssigned";
  ASSERT_EQ(orbit_lite_pull_consumer_create(&config, &l), ORBIT_OK);
  consumer.reset(l);
  const orbit_message_queue_t q0{"TopicCLite", "broker-a", 0};
  ASSERT_EQ(orbit_lite_pull_consumer_assign(l, &q0, 1), ORBIT_OK) << orbit_last_error();
  ASSERT_EQ(orbit_lite_pull_consumer_start(l), ORBIT_OK) << orbit_last_error();
  const auto n0 = static_cast<size_t>(end[0]);
  ASSERT_EQ(PollN(l, n0).size(), n0);
  ASSERT_EQ(orbit_lite_pull_consumer_seek(l, &q0, 1), ORBIT_OK) << orbit_last_error();
  auto again = PollN(l, n0 - 1);
  ASSERT_EQ(again.size(), n0 - 1);
  EXPECT_EQ(again.front().queue_offset, 1);
  const orbit_message_queue_t q3{"TopicCLite", "broker-a", 3};
  EXPECT_EQ(orbit_lite_pull_consumer_seek(l, &q3, 0), ORBIT_ERR_INVALID_ARGUMENT);  // not ours
  EXPECT_STRNE(orbit_last_error(), "");
  EXPECT_EQ(orbit_lite_pull_consumer_seek(l, &q0, 100000), ORBIT_ERR_INVALID_ARGUMENT);
  orbit_lite_pull_consumer_shutdown(l);
  EXPECT_EQ(orbit_lite_pull_consumer_poll(l, 10, &raw), ORBIT_ERR_NOT_RUNNING);
}

}  // namespace
}  // namespace orbit
