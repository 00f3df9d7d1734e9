// orbit::Producer against an in-process cluster (EmbeddedCluster: name server + brokers on
// loopback ephemeral ports): every send mode, routing, auto-creation, compression, batches,
// delay levels, validation and lifecycle errors, and what the broker stored.

#include "orbit/producer.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <set>
#include <thread>

#include "embedded/embedded_cluster.h"
#include "integration/cluster_support.h"
#include "net/http_get.h"
#include "protocol/message.h"
#include "protocol/message_flags.h"

namespace orbit {
namespace {

// Answers every connection with `response` (a whole HTTP response) until destroyed; loopback,
// ephemeral port. Counts the requests it served.
class TinyHttpServer {
 public:
  explicit TinyHttpServer(std::string response) : response_(std::move(response)) {
    fd_ = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t len = sizeof(sa);
    if (bind(fd_, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0 || listen(fd_, 8) != 0 ||
        getsockname(fd_, reinterpret_cast<sockaddr*>(&sa), &len) != 0) {
      ADD_FAILURE() << "cannot listen";
      return;
    }
    port_ = ntohs(sa.sin_port);
    thread_ = std::thread([this] {
      for (;;) {
        int c = accept(fd_, nullptr, nullptr);
        if (c < 0) return;  // closed
        char buf[1024];
        (void)!read(c, buf, sizeof(buf));  // the request (small; one read)
        (void)!write(c, response_.data(), response_.size());
        close(c);
        served_.fetch_add(1);
      }
    });
  }
  ~TinyHttpServer() {
    shutdown(fd_, SHUT_RDWR);
    close(fd_);
    if (thread_.joinable()) thread_.join();
  }
  std::string url(const std::string& path = "/rocketmq/nsaddr") const {
    return "http://127.0.0.1:" + std::to_string(port_) + path;
  }
  int served() const { return served_.load(); }

 private:
  std::string response_;
  int fd_ = -1;
  uint16_t port_ = 0;
  std::atomic<int> served_{0};
  std::thread thread_;
};

class ProducerTest : public ::testing::Test {
 protected:
  void SetUp() override { StartCluster(1); }
  // (The producers of a test are destroyed before TearDown: each shuts down first.)
  void TearDown() override { cluster_.reset(); }

  void StartCluster(int brokers) {
    cluster_.reset();
    EmbeddedClusterOptions options;
    options.brokers = brokers;
    auto c = EmbeddedCluster::Start(options);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    cluster_ = std::move(*c);
  }

  ProducerConfig Config(const std::string& group = "PG") {
    ProducerConfig config;
    config.group = group;
    config.namesrv_addr = cluster_->namesrv_addr();
    return config;
  }

  // UPDATE_AND_CREATE_TOPIC on every broker, then waits until the name server routes it.
  void CreateTopic(const std::string& topic, int queues) {
    std::string error;
    ASSERT_TRUE(orbit::testing::CreateTopic(*cluster_, topic, queues, &error)) << error;
  }

  // The records of a queue, straight from broker i's store (once dispatched).
  std::vector<protocol::MessageRecord> Stored(int broker, const std::string& topic, int queue) {
    return orbit::testing::StoredRecords(*cluster_, broker, topic, queue);
  }

  std::unique_ptr<EmbeddedCluster> cluster_;
};

TEST_F(ProducerTest, SyncSendIsStoredAsSent) {
  CreateTopic("TopicSync", 4);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  EXPECT_EQ(producer.state(), ServiceState::kRunning);

  Message message("TopicSync", "TagA", "key-1 key-2", "hello orbit");
  ASSERT_TRUE(message.PutUserProperty("color", "blue").ok());
  auto sent = producer.Send(message);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(sent->status, SendStatus::kSendOk);
  EXPECT_EQ(sent->queue.topic, "TopicSync");
  EXPECT_EQ(sent->queue.broker_name, "broker-a");
  EXPECT_EQ(sent->msg_id.size(), 32u);
  EXPECT_FALSE(sent->offset_msg_id.empty());
  EXPECT_TRUE(message.unique_id().empty()) << "the caller's message is not changed";

  auto records = Stored(0, "TopicSync", sent->queue.queue_id);
  ASSERT_EQ(records.size(), 1u);
  const auto& r = records[0];
  EXPECT_EQ(r.body, "hello orbit");
  EXPECT_EQ(r.queue_offset, sent->queue_offset);
  EXPECT_EQ(r.properties.Get("TAGS"), "TagA");
  EXPECT_EQ(r.properties.Get("KEYS"), "key-1 key-2");
  EXPECT_EQ(r.properties.Get("color"), "blue");
  EXPECT_EQ(r.properties.Get("UNIQ_KEY"), sent->msg_id);
  producer.Shutdown();
  EXPECT_EQ(producer.state(), ServiceState::kShutdownAlready);
}

TEST_F(ProducerTest, SendsSpreadOverTheQueuesAndSelectorsPinThem) {
  CreateTopic("TopicSpread", 4);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  std::set<int> queues;
  for (int i = 0; i < 8; ++i) {
    auto sent = producer.Send(Message("TopicSpread", "m" + std::to_string(i)));
    ASSERT_TRUE(sent.ok()) << sent.status().ToString();
    queues.insert(sent->queue.queue_id);
  }
  EXPECT_EQ(queues.size(), 4u);

  auto publish = producer.FetchPublishQueues("TopicSpread");
  ASSERT_TRUE(publish.ok());
  ASSERT_EQ(publish->size(), 4u);
  auto by_order = SelectQueueByHash("order-42");
  std::set<int> pinned;
  for (int i = 0; i < 5; ++i) {
    auto sent = producer.Send(Message("TopicSpread", "o" + std::to_string(i)), by_order);
    ASSERT_TRUE(sent.ok());
    pinned.insert(sent->queue.queue_id);
  }
  EXPECT_EQ(pinned.size(), 1u);

  auto to_queue = producer.Send(Message("TopicSpread", "q"), (*publish)[2]);
  ASSERT_TRUE(to_queue.ok());
  EXPECT_EQ(to_queue->queue, (*publish)[2]);
  // A queue of another topic is refused before anything is sent.
  auto wrong = producer.Send(Message("TopicOther", "q"), (*publish)[2]);
  EXPECT_EQ(wrong.status().code(), ErrorCode::kInvalidArgument);
}

TEST_F(ProducerTest, UnknownTopicIsCreatedThroughTheDefaultTopic) {
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  auto sent = producer.Send(Message("TopicAutoCreated", "first"));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_TRUE(cluster_->broker(0).topics().Find("TopicAutoCreated").has_value());
  EXPECT_LT(sent->queue.queue_id, 4);  // defaultTopicQueueNums
}

TEST_F(ProducerTest, UnknownTopicWithoutAutoCreationIsAClearError) {
  cluster_.reset();
  EmbeddedClusterOptions options;
  options.configure = [](int, broker::BrokerConfig& c) { c.auto_create_topic_enable = false; };
  auto c = EmbeddedCluster::Start(options);
  ASSERT_TRUE(c.ok());
  cluster_ = std::move(*c);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  auto sent = producer.Send(Message("TopicNowhere", "x"));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), ErrorCode::kNoRoute) << sent.status().ToString();
  EXPECT_NE(sent.status().message().find("TopicNowhere"), std::string::npos);
}

TEST_F(ProducerTest, AsyncCallbacksRunOnceEachOffTheIoThreads) {
  CreateTopic("TopicAsync", 4);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  constexpr int kCount = 500;
  std::mutex mu;
  std::condition_variable cv;
  std::map<std::string, int> calls;
  int done = 0, failed = 0;
  std::set<std::string> threads;
  for (int i = 0; i < kCount; ++i) {
    Status st = producer.SendAsync(Message("TopicAsync", "async-" + std::to_string(i)),
                                   [&](Result<SendResult> r) {
                                     char name[16] = {};
                                     pthread_getname_np(pthread_self(), name, sizeof(name));
                                     std::lock_guard<std::mutex> lock(mu);
                                     threads.insert(name);
                                     if (r.ok()) {
                                       ++calls[r->msg_id];
                                     } else {
                                       ++failed;
                                     }
                                     ++done;
                                     cv.notify_all();
                                   });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }
  {
    std::unique_lock<std::mutex> lock(mu);
    ASSERT_TRUE(cv.wait_for(lock, std::chrono::seconds(20), [&] { return done == kCount; }));
  }
  EXPECT_EQ(failed, 0);
  EXPECT_EQ(calls.size(), static_cast<size_t>(kCount));
  for (const auto& [id, n] : calls) EXPECT_EQ(n, 1) << id;
  EXPECT_EQ(threads, std::set<std::string>{"orbit-callback"});

  auto future = producer.SendAsync(Message("TopicAsync", "with a future"));
  ASSERT_EQ(future.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto result = future.get();
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(result->queue.topic, "TopicAsync");
}

// Records every hook call: which attempt, in which mode, and what it saw.
class RecordingHook final : public SendHook {
 public:
  struct Call {
    bool before = false;
    CommunicationMode mode = CommunicationMode::kSync;
    std::string unique_id;
    std::string topic;
    size_t batch_size = 0;
    std::string broker_addr;
    bool has_result = false;
    bool result_ok = false;
    std::string result_msg_id;
  };
  std::string Name() const override { return "recording"; }
  void Before(const SendContext& c) override { Record(true, c); }
  void After(const SendContext& c) override { Record(false, c); }
  std::vector<Call> Calls() const {
    std::lock_guard<std::mutex> lock(mu_);
    return calls_;
  }

 private:
  void Record(bool before, const SendContext& c) {
    Call call;
    call.before = before;
    call.mode = c.mode;
    if (c.message != nullptr) {
      call.unique_id = c.message->unique_id();
      call.topic = c.message->topic();
    }
    call.batch_size = c.batch != nullptr ? c.batch->size() : 0;
    call.broker_addr = c.broker_addr;
    call.has_result = c.result != nullptr;
    call.result_ok = c.result != nullptr && c.result->ok();
    if (call.result_ok) call.result_msg_id = (*c.result)->msg_id;
    std::lock_guard<std::mutex> lock(mu_);
    calls_.push_back(std::move(call));
  }
  mutable std::mutex mu_;
  std::vector<Call> calls_;
};

TEST_F(ProducerTest, SendHooksSeeEveryAttemptOfEveryKind) {
  CreateTopic("TopicHooks", 2);
  Producer producer(Config());
  auto hook = std::make_shared<RecordingHook>();
  producer.AddSendHook(hook);
  ASSERT_TRUE(producer.Start().ok());

  auto sync = producer.Send(Message("TopicHooks", "sync"));
  ASSERT_TRUE(sync.ok()) << sync.status().ToString();
  auto async = producer.SendAsync(Message("TopicHooks", "async"));
  ASSERT_EQ(async.wait_for(std::chrono::seconds(10)), std::future_status::ready);
  auto async_result = async.get();
  ASSERT_TRUE(async_result.ok()) << async_result.status().ToString();
  ASSERT_TRUE(producer.SendOneway(Message("TopicHooks", "oneway")).ok());
  std::vector<Message> batch{Message("TopicHooks", "b0"), Message("TopicHooks", "b1"),
                             Message("TopicHooks", "b2")};
  auto batched = producer.Send(batch);
  ASSERT_TRUE(batched.ok()) << batched.status().ToString();
  // A failed attempt is seen too: a queue of a broker that does not exist.
  MessageQueue nowhere{"TopicHooks", "broker-none", 0};
  EXPECT_FALSE(producer.Send(Message("TopicHooks", "lost"), nowhere).ok());

  // The async After() may run on an I/O thread just after the future is ready.
  std::vector<RecordingHook::Call> calls;
  for (int i = 0; i < 200; ++i) {
    calls = hook->Calls();
    if (calls.size() >= 10) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(calls.size(), 10u);
  // Sync, async, oneway, batch: Before then After for each, in that order (each call returned
  // or was answered before the next began).
  const CommunicationMode modes[] = {CommunicationMode::kSync, CommunicationMode::kAsync,
                                     CommunicationMode::kOneway, CommunicationMode::kSync};
  for (int i = 0; i < 4; ++i) {
    const auto& before = calls[2 * i];
    const auto& after = calls[2 * i + 1];
    SCOPED_TRACE("send " + std::to_string(i));
    EXPECT_TRUE(before.before);
    EXPECT_FALSE(after.before);
    EXPECT_EQ(before.mode, modes[i]);
    EXPECT_EQ(after.mode, modes[i]);
    EXPECT_EQ(before.topic, "TopicHooks");
    EXPECT_EQ(before.unique_id.size(), 32u) << "the unique id is set before the attempt";
    EXPECT_EQ(before.unique_id, after.unique_id);
    EXPECT_FALSE(after.broker_addr.empty());
    EXPECT_FALSE(before.has_result);
  }
  EXPECT_EQ(calls[1].result_msg_id, sync->msg_id);
  EXPECT_EQ(calls[1].unique_id, sync->msg_id);
  EXPECT_EQ(calls[3].result_msg_id, async_result->msg_id);
  EXPECT_EQ(calls[3].unique_id, async_result->msg_id);
  EXPECT_FALSE(calls[5].has_result) << "a oneway send has no answer";
  EXPECT_EQ(calls[6].batch_size, 3u);
  EXPECT_EQ(calls[7].batch_size, 3u);
  EXPECT_EQ(calls[7].result_msg_id, batched->msg_id);
  EXPECT_EQ(batched->msg_id.substr(0, 32), calls[7].unique_id) << "the batch's first message";
  EXPECT_TRUE(calls[7].has_result);
  EXPECT_TRUE(calls[7].result_ok);
  // The failed attempt: After() carries the error.
  EXPECT_TRUE(calls[8].before);
  EXPECT_FALSE(calls[9].before);
  EXPECT_TRUE(calls[9].has_result);
  EXPECT_FALSE(calls[9].result_ok);
}

TEST_F(ProducerTest, OnewayArrives) {
  CreateTopic("TopicOneway", 1);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(producer.SendOneway(Message("TopicOneway", "one-" + std::to_string(i))).ok());
  }
  std::vector<protocol::MessageRecord> records;
  for (int i = 0; i < 200 && records.size() < 10; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
    records = Stored(0, "TopicOneway", 0);
  }
  EXPECT_EQ(records.size(), 10u);
}

TEST_F(ProducerTest, BatchIsStoredAsConsecutiveMessages) {
  CreateTopic("TopicBatch", 2);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  std::vector<Message> batch;
  for (int i = 0; i < 5; ++i)
    batch.emplace_back("TopicBatch", "Tag", "k" + std::to_string(i), "batch-" + std::to_string(i));
  auto sent = producer.Send(batch);
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  EXPECT_EQ(std::count(sent->msg_id.begin(), sent->msg_id.end(), ','), 4);
  auto records = Stored(0, "TopicBatch", sent->queue.queue_id);
  ASSERT_EQ(records.size(), 5u);
  for (int i = 0; i < 5; ++i) {
    EXPECT_EQ(records[i].body, "batch-" + std::to_string(i));
    EXPECT_EQ(records[i].properties.Get("KEYS"), "k" + std::to_string(i));
    EXPECT_EQ(records[i].queue_offset, sent->queue_offset + i);
  }
  // A batch of two topics is refused.
  batch.emplace_back("TopicElse", "x");
  EXPECT_FALSE(producer.Send(batch).ok());
}

TEST_F(ProducerTest, LargeBodiesAreCompressedAndDelayLevelsParked) {
  CreateTopic("TopicBig", 1);
  Producer producer(Config());
  ASSERT_TRUE(producer.Start().ok());
  std::string body(8192, 'z');
  auto sent = producer.Send(Message("TopicBig", body));
  ASSERT_TRUE(sent.ok());
  auto records = Stored(0, "TopicBig", 0);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_NE(records[0].sys_flag & protocol::kSysFlagCompressed, 0);
  EXPECT_LT(records[0].body.size(), body.size());
  auto plain = protocol::DecompressedBody(records[0]);
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(*plain, body);

  Message delayed("TopicBig", "later");
  delayed.set_delay_time_level(3);
  ASSERT_TRUE(producer.Send(delayed).ok());
  auto parked = Stored(0, "SCHEDULE_TOPIC_XXXX", 2);  // level 3 → queue 2
  ASSERT_EQ(parked.size(), 1u);
  EXPECT_EQ(parked[0].properties.Get("REAL_TOPIC"), "TopicBig");
}

TEST_F(ProducerTest, InvalidInputIsRefusedBeforeSending) {
  Producer producer(Config());
  // Not started yet.
  EXPECT_EQ(producer.Send(Message("T", "x")).status().code(), ErrorCode::kNotRunning);
  ASSERT_TRUE(producer.Start().ok());
  EXPECT_EQ(producer.Send(Message("TopicV", "")).status().code(), ErrorCode::kMessageIllegal);
  EXPECT_EQ(producer.Send(Message("TopicV", std::string(4 * 1024 * 1024 + 1, 'x'))).status().code(),
            ErrorCode::kMessageIllegal);
  EXPECT_EQ(producer.Send(Message("bad topic!", "x")).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(producer.Send(Message("SCHEDULE_TOPIC_XXXX", "x")).status().code(),
            ErrorCode::kInvalidArgument);
  Message reserved("TopicV", "x");
  EXPECT_EQ(reserved.PutUserProperty("TAGS", "x").code(), ErrorCode::kInvalidArgument);
  // An async send that is refused never calls back.
  bool called = false;
  EXPECT_FALSE(
      producer.SendAsync(Message("TopicV", ""), [&](Result<SendResult>) { called = true; }).ok());
  EXPECT_FALSE(called);
}

TEST_F(ProducerTest, LifecycleErrorsAreClear) {
  ProducerConfig config = Config("PG_LIFE");
  config.instance_name = "shared";
  Producer first(config);
  ASSERT_TRUE(first.Start().ok());
  EXPECT_FALSE(first.Start().ok()) << "a second start";
  // The same group in the same client instance.
  Producer twin(config);
  Status st = twin.Start();
  EXPECT_EQ(st.code(), ErrorCode::kInvalidArgument);
  EXPECT_NE(st.message().find("PG_LIFE"), std::string::npos) << st.ToString();
  EXPECT_EQ(twin.state(), ServiceState::kStartFailed);
  // Another group shares the instance.
  ProducerConfig other = config;
  other.group = "PG_OTHER";
  Producer second(other);
  ASSERT_TRUE(second.Start().ok());
  EXPECT_EQ(first.client_id(), second.client_id());
  EXPECT_NE(first.client_id().find("@shared"), std::string::npos);

  ProducerConfig bad = Config("DEFAULT_PRODUCER");
  EXPECT_FALSE(Producer(bad).Start().ok());
  bad.group = "bad group";
  EXPECT_FALSE(Producer(bad).Start().ok());
}

TEST_F(ProducerTest, NoReachableNameServerFailsClearlyWithinTheTimeout) {
  ProducerConfig config = Config();
  config.namesrv_addr = "127.0.0.1:1";
  config.send_msg_timeout_ms = 2000;
  Producer producer(config);
  ASSERT_TRUE(producer.Start().ok());
  auto begin = std::chrono::steady_clock::now();
  auto sent = producer.Send(Message("TopicX", "x"));
  ASSERT_FALSE(sent.ok());
  EXPECT_EQ(sent.status().code(), ErrorCode::kNoNameServer) << sent.status().ToString();
  EXPECT_NE(sent.status().message().find("127.0.0.1:1"), std::string::npos);
  // Bounded by the connect timeout, not hanging (a generous bound: a shared machine).
  EXPECT_LT(std::chrono::steady_clock::now() - begin, std::chrono::seconds(30));

  ProducerConfig none = Config("PG_NONE");
  none.namesrv_addr = "";
  Producer nowhere(none);
  if (std::getenv("NAMESRV_ADDR") == nullptr) {
    EXPECT_EQ(nowhere.Start().code(), ErrorCode::kNoNameServer);
  }
}

TEST_F(ProducerTest, RequestGetsTheReplyThroughTheBroker) {
  CreateTopic("TopicRequest", 1);
  Producer requester(Config("PG_REQUESTER"));
  ASSERT_TRUE(requester.Start().ok());
  ProducerConfig replier_config = Config("PG_REPLIER");
  replier_config.instance_name = "replier";
  Producer replier(replier_config);
  ASSERT_TRUE(replier.Start().ok());

  // The consumer's side, by hand: the request is read from the store and answered.
  std::thread answer([&] {
    for (int i = 0; i < 500; ++i) {
      auto records = Stored(0, "TopicRequest", 0);
      if (!records.empty()) {
        Message request(records[0].topic, records[0].body);
        for (const auto& [name, value] : records[0].properties) {
          request.PutPropertyUnchecked(name, value);
        }
        auto reply = CreateReplyMessage(request, "pong to " + records[0].body);
        ASSERT_TRUE(reply.ok()) << reply.status().ToString();
        auto sent = replier.Send(*reply);
        EXPECT_TRUE(sent.ok()) << sent.status().ToString();
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  });
  auto reply = requester.Request(Message("TopicRequest", "ping"), 10000);
  answer.join();
  ASSERT_TRUE(reply.ok()) << reply.status().ToString();
  EXPECT_EQ(reply->body(), "pong to ping");
  EXPECT_EQ(reply->topic(), "DefaultCluster_REPLY_TOPIC");
  EXPECT_EQ(reply->GetProperty("MSG_TYPE"), "reply");
  EXPECT_TRUE(reply->GetProperty("ARRIVE_TIME").has_value());

  // Nobody answers: a clear timeout.
  auto lonely = requester.Request(Message("TopicRequest", "anyone?"), 300);
  EXPECT_EQ(lonely.status().code(), ErrorCode::kTimeout) << lonely.status().ToString();
  // Not a request: no reply can be made.
  EXPECT_FALSE(CreateReplyMessage(Message("TopicRequest", "x"), "y").ok());
}

TEST(ProducerAclTest, SignedRequestsPassAndWrongCredentialsAreRefused) {
  char dir_template[] = "/tmp/orbit-acl-XXXXXX";
  ASSERT_NE(mkdtemp(dir_template), nullptr);
  const std::string acl_file = std::string(dir_template) + "/plain_acl.yml";
  {
    std::ofstream out(acl_file);
    out << "accounts:\n"
           "  - accessKey: RocketMQ\n"
           "    secretKey: 12345678\n"
           "    admin: false\n"
           "    defaultTopicPerm: DENY\n"
           "    defaultGroupPerm: SUB\n"
           "    topicPerms:\n"
           "      - TopicAcl=PUB|SUB\n"
           "      - TopicAclDeny=DENY\n";
  }
  EmbeddedClusterOptions options;
  options.configure = [&](int, broker::BrokerConfig& c) {
    c.acl_enable = true;
    c.acl_file = acl_file;
  };
  auto cluster = EmbeddedCluster::Start(options);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();

  auto config = [&](const std::string& group, const std::string& secret) {
    ProducerConfig c;
    c.group = group;
    c.namesrv_addr = (*cluster)->namesrv_addr();
    c.rpc_hook = MakeAclRpcHook("RocketMQ", secret);
    c.retry_times_when_send_failed = 0;
    return c;
  };
  Producer signed_producer(config("PG_ACL", "12345678"));
  ASSERT_TRUE(signed_producer.Start().ok());
  auto sent = signed_producer.Send(Message("TopicAcl", "signed"));
  ASSERT_TRUE(sent.ok()) << sent.status().ToString();
  auto denied = signed_producer.Send(Message("TopicAclDeny", "no"));
  ASSERT_FALSE(denied.ok());
  EXPECT_EQ(denied.status().remote_code(), 16) << denied.status().ToString();  // NO_PERMISSION

  ProducerConfig wrong = config("PG_ACL_WRONG", "not-the-secret");
  wrong.instance_name = "acl-wrong";
  Producer impostor(wrong);
  ASSERT_TRUE(impostor.Start().ok());
  auto refused = impostor.Send(Message("TopicAcl", "forged"));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().remote_code(), 16) << refused.status().ToString();
  EXPECT_NE(refused.status().message().find("signature"), std::string::npos)
      << refused.status().ToString();
  signed_producer.Shutdown();
  impostor.Shutdown();
  cluster->reset();
  std::filesystem::remove_all(dir_template);
}

TEST(HttpGetTest, BodyOfA200AndClearErrorsOtherwise) {
  TinyHttpServer ok("HTTP/1.1 200 OK\r\nContent-Length: 15\r\n\r\n127.0.0.1:9876\n");
  auto body = net::HttpGet(ok.url(), 3000);
  ASSERT_TRUE(body.ok()) << body.status().ToString();
  EXPECT_EQ(*body, "127.0.0.1:9876\n");
  TinyHttpServer missing("HTTP/1.1 404 Not Found\r\n\r\n");
  EXPECT_EQ(net::HttpGet(missing.url(), 3000).status().remote_code(), 404);
  TinyHttpServer garbage("nonsense");
  EXPECT_EQ(net::HttpGet(garbage.url(), 3000).status().code(), ErrorCode::kMalformed);
  EXPECT_EQ(net::HttpGet("ftp://x/y", 3000).status().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(net::HttpGet("http://127.0.0.1:1/x", 3000).status().code(), ErrorCode::kConnectFailed);
}

TEST_F(ProducerTest, NameServersComeFromTheLookupUrlWhenNoneIsConfigured) {
  if (std::getenv("NAMESRV_ADDR") != nullptr) GTEST_SKIP() << "NAMESRV_ADDR is set";
  CreateTopic("TopicLookup", 1);
  TinyHttpServer lookup("HTTP/1.0 200 OK\r\n\r\n" + cluster_->namesrv_addr() + "\n");
  ProducerConfig config = Config("PG_LOOKUP");
  config.namesrv_addr = "";
  config.namesrv_lookup_url = lookup.url();
  Producer producer(config);
  ASSERT_TRUE(producer.Start().ok());
  EXPECT_EQ(lookup.served(), 1);
  auto sent = producer.Send(Message("TopicLookup", "found the way"));
  EXPECT_TRUE(sent.ok()) << sent.status().ToString();

  // A lookup that answers nothing useful leaves the client without name servers: a clear error.
  TinyHttpServer empty("HTTP/1.0 200 OK\r\n\r\n\n");
  config.group = "PG_LOOKUP_EMPTY";
  config.instance_name = "lookup-empty";
  config.namesrv_lookup_url = empty.url();
  Producer lost(config);
  EXPECT_EQ(lost.Start().code(), ErrorCode::kNoNameServer);
}

TEST_F(ProducerTest, ShutdownRunsEveryPendingCallbackOnce) {
  CreateTopic("TopicDrain", 2);
  std::atomic<int> calls{0};
  {
    Producer producer(Config());
    ASSERT_TRUE(producer.Start().ok());
    for (int i = 0; i < 200; ++i) {
      ASSERT_TRUE(producer
                      .SendAsync(Message("TopicDrain", "d" + std::to_string(i)),
                                 [&](Result<SendResult>) { calls.fetch_add(1); })
                      .ok());
    }
    producer.Shutdown();
    EXPECT_EQ(calls.load(), 200);
    EXPECT_EQ(producer.SendAsync(Message("TopicDrain", "late"), [](Result<SendResult>) {}).code(),
              ErrorCode::kNotRunning);
  }
  EXPECT_EQ(calls.load(), 200);
}

}  // namespace
}  // namespace orbit
