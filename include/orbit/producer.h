#pragma once

// The producer (RocketMQ's DefaultMQProducer): sync, async and oneway sends, to a chosen queue or
// through a selector, batches and delay levels, against Apache RocketMQ 4.x/5.x brokers and
// Orbit's.
//
//   orbit::ProducerConfig config;
//   config.group = "my-group";
//   config.namesrv_addr = "127.0.0.1:9876";
//   orbit::Producer producer(config);
//   if (orbit::Status st = producer.Start(); !st.ok()) { ... st.ToString() ... }
//   auto sent = producer.Send(orbit::Message("TopicTest", "TagA", "hello"));
//   if (sent.ok()) std::cout << sent->msg_id;
//
// Errors are values: every call returns a Status or a Result. A broker's refusal carries the
// broker's response code (Status::remote_code()) and remark; local failures have an ErrorCode.
//
// Threads: every method may be called from any thread at once. Async callbacks run on the
// producer's callback thread, never on an I/O thread; a callback may send again, but should not
// block for long, since callbacks run one at a time.

#include <cstdint>
#include <functional>
#include <future>
#include <memory>
#include <string>
#include <vector>

#include "orbit/client_config.h"
#include "orbit/message.h"
#include "orbit/status.h"

namespace orbit {

namespace client {
class ProducerImpl;
}

enum class CompressionType { kZlib, kLz4, kZstd };

// What an async send does when the async queue is full.
enum class AsyncFullPolicy {
  kBlock,  // wait for room, at most send_msg_timeout_ms, then fail with kTooManyRequests
  kFail,   // fail at once with kTooManyRequests
};

struct ProducerConfig : ClientConfig {
  // Required; [%|a-zA-Z0-9_-]{1,255}, not DEFAULT_PRODUCER.
  std::string group;
  // Budget of one send including its retries.
  int64_t send_msg_timeout_ms = 3000;
  // Extra attempts of a sync send (each on another broker when there is one).
  int retry_times_when_send_failed = 2;
  // Extra attempts of an async send after a network failure.
  int retry_times_when_send_async_failed = 2;
  // Also retry when the broker stored the message but reported a flush or slave problem.
  bool retry_another_broker_when_not_store_ok = false;
  // Bodies of this many bytes or more are compressed (batches never are).
  int32_t compress_msg_body_over_howmuch = 4096;
  CompressionType compress_type = CompressionType::kZlib;
  int compress_level = 5;
  int32_t max_message_size = 4 * 1024 * 1024;
  // Queues of a topic the broker creates on first send (auto-creation through create_topic_key).
  int32_t default_topic_queue_nums = 4;
  std::string create_topic_key = "TBW102";
  // MQFaultStrategy: avoid brokers that were recently slow or failing.
  bool send_latency_fault_enable = false;
  std::vector<int64_t> latency_max_ms = {50, 100, 550, 1000, 2000, 3000, 15000};
  std::vector<int64_t> not_available_duration_ms = {0, 0, 30000, 60000, 120000, 180000, 600000};
  // Async sends waiting for an answer, at most (Java: the async sender pool's 50,000 queue).
  int async_queue_capacity = 50000;
  AsyncFullPolicy async_full_policy = AsyncFullPolicy::kBlock;
};

// Chooses the queue of an ordered send: gets the topic's writable queues (in publish order:
// broker name, then queue id) and the message, and returns an index into the queues.
using QueueSelector = std::function<size_t(const std::vector<MessageQueue>&, const Message&)>;
// The queue at hash(key) % size: messages with one key stay in one queue, in order.
QueueSelector SelectQueueByHash(std::string key);

using SendCallback = std::function<void(Result<SendResult>)>;

// The reply to a request message (RocketMQ's MessageUtil.createReplyMessage): topic
// "<cluster>_REPLY_TOPIC", MSG_TYPE=reply, and the request's CORRELATION_ID, REPLY_TO_CLIENT and
// TTL. kInvalidArgument when `request` is not a request (no CLUSTER or REPLY_TO_CLIENT property).
Result<Message> CreateReplyMessage(const Message& request, std::string body);

enum class CommunicationMode { kSync, kAsync, kOneway };

// What a send hook sees of one attempt.
struct SendContext {
  std::string producer_group;
  // The message as sent: the caller's, with the namespace in its topic and its unique id
  // (UNIQ_KEY) set. For a batch, its first message.
  const Message* message = nullptr;
  // A batch send: all its messages, each with its unique id. Null otherwise.
  const std::vector<Message>* batch = nullptr;
  MessageQueue queue;
  std::string broker_addr;
  CommunicationMode mode = CommunicationMode::kSync;
  // For After(): the result or the error of the attempt. Null after a oneway send that was
  // written (no answer comes back); an error when writing it failed.
  const Result<SendResult>* result = nullptr;
};

// Runs before and after every send attempt of every kind (RocketMQ's SendMessageHook): sync,
// async, oneway and batch, retries included. After() runs once for each Before(). Sync and
// oneway hooks run on the sending thread; async ones on the sending thread (Before of the first
// attempt) or an I/O thread (the rest). Same rules as RpcHook: thread-safe, never blocking.
class SendHook {
 public:
  virtual ~SendHook() = default;
  virtual std::string Name() const = 0;
  virtual void Before(const SendContext& context) = 0;
  virtual void After(const SendContext& context) = 0;
};

class Producer {
 public:
  explicit Producer(ProducerConfig config);
  // Shuts down (see Shutdown) if running.
  ~Producer();
  Producer(const Producer&) = delete;
  Producer& operator=(const Producer&) = delete;
  Producer(Producer&&) noexcept;
  Producer& operator=(Producer&&) noexcept;

  // Checks the config, joins (or creates) the process's client instance for this client id,
  // registers the group and sends a first heartbeat. Errors: a bad group name, a group already
  // started in this client instance, or a second start.
  Status Start();
  // Waits for pending async sends (at most send_msg_timeout_ms); each callback runs exactly
  // once, with the result or kShutdown. Unregisters the group from the brokers. Idempotent.
  void Shutdown();
  ServiceState state() const;
  const ProducerConfig& config() const;
  // "ip@instance" (the client instance this producer runs in).
  std::string client_id() const;

  // Sync send with retries (up to 1 + retry_times_when_send_failed attempts within
  // send_msg_timeout_ms, each preferring another broker).
  Result<SendResult> Send(const Message& message);
  Result<SendResult> Send(const Message& message, int64_t timeout_ms);
  // To one queue (no retry).
  Result<SendResult> Send(const Message& message, const MessageQueue& queue);
  // Through a selector (ordered messages; no retry).
  Result<SendResult> Send(const Message& message, const QueueSelector& selector);
  // A batch: same topic, no delay level, each message valid; sent as one request.
  Result<SendResult> Send(const std::vector<Message>& batch);

  // Async send. Ok: `callback` will run exactly once. Not ok (the producer is not running, the
  // message is invalid or the async queue is full): the callback never runs.
  Status SendAsync(const Message& message, SendCallback callback);
  Status SendAsync(const Message& message, const MessageQueue& queue, SendCallback callback);
  Status SendAsync(const Message& message, const QueueSelector& selector, SendCallback callback);
  // The same with a future.
  std::future<Result<SendResult>> SendAsync(const Message& message);

  // Oneway: written to the broker, no answer, no retry.
  Status SendOneway(const Message& message);
  Status SendOneway(const Message& message, const MessageQueue& queue);

  // Request-reply (RocketMQ's request(msg, timeout)): sends `message` with a correlation id and
  // this client as the reply address, and waits for the reply a consumer sends back with
  // CreateReplyMessage. kTimeout when no reply arrives in `timeout_ms`. The broker must support
  // request-reply (Apache 4.6+, Orbit).
  Result<Message> Request(const Message& message, int64_t timeout_ms);

  // The writable queues of a topic, as sends choose among them.
  Result<std::vector<MessageQueue>> FetchPublishQueues(const std::string& topic);

  void AddSendHook(std::shared_ptr<SendHook> hook);

 protected:
  explicit Producer(std::shared_ptr<client::ProducerImpl> impl);
  client::ProducerImpl& impl() { return *impl_; }

 private:
  // Shared: an async send in flight keeps the engine alive until its callback has run.
  std::shared_ptr<client::ProducerImpl> impl_;
};

}  // namespace orbit
