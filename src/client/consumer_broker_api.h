#pragma once

// The broker requests every consumer kind makes for one group (Java's MQClientAPIImpl consumer
// calls and the consumers' sendMessageBack), over the client instance's connections:
//   - offsets of a queue: GET_MAX_OFFSET, GET_MIN_OFFSET, SEARCH_OFFSET_BY_TIMESTAMP,
//     GET_EARLIEST_MSG_STORETIME;
//   - PULL_MESSAGE, sync or async, answered as a PullResult (client/pull_api);
//   - LOCK_BATCH_MQ / UNLOCK_BATCH_MQ (orderly consumption);
//   - CONSUMER_SEND_MSG_BACK, falling back to a resend to %RETRY%<group> by a producer when the
//     broker cannot take the message back;
//   - the request sender of the remote offset store (QUERY_/UPDATE_CONSUMER_OFFSET).
// Requests that concern a broker go to its master when known, else to any address of it.
//
// Threads: every method may be called from any thread; sync calls not from an I/O thread.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "client/client_instance.h"
#include "client/offset_store.h"
#include "client/pull_api.h"
#include "orbit/consumer.h"
#include "orbit/producer.h"

namespace orbit::client {

// "%RETRY%<group>" and "%DLQ%<group>".
std::string RetryTopic(const std::string& group);
std::string DlqTopic(const std::string& group);

// The requests, as Java 4.9.8's client builds them (checked against the golden captures).
// GET_MAX_OFFSET / GET_MIN_OFFSET / GET_EARLIEST_MSG_STORETIME / SEARCH_OFFSET_BY_TIMESTAMP
// (`timestamp_ms` used by the last only) for one queue, with bname.
protocol::RemotingCommand BuildQueueOffsetRequest(int32_t code, const MessageQueue& mq,
                                                  int64_t timestamp_ms = 0);
// CONSUMER_SEND_MSG_BACK of `msg` for `group`; bname = `broker_name`.
protocol::RemotingCommand BuildSendBackRequest(const MessageExt& msg, const std::string& group,
                                               const std::string& origin_topic, int32_t delay_level,
                                               int32_t max_reconsume_times,
                                               const std::string& broker_name);
// LOCK_BATCH_MQ / UNLOCK_BATCH_MQ for `group` and `client_id`.
protocol::RemotingCommand BuildLockBatchRequest(int32_t code, const std::string& group,
                                                const std::string& client_id,
                                                const std::set<MessageQueue>& mqs);

class ConsumerBrokerApi {
 public:
  // `group` with its namespace; `config` is the consumer's (for the fallback producer).
  ConsumerBrokerApi(std::shared_ptr<ClientInstance> instance, ClientConfig config,
                    std::string group, std::string client_id);
  ~ConsumerBrokerApi();

  const std::string& group() const { return group_; }
  ClientInstance& instance() { return *instance_; }

  // A request to the master of `broker_name` (any address of it when no master is known);
  // kNoRoute when the broker is unknown. A oneway request answers an empty command.
  Result<protocol::RemotingCommand> Invoke(const std::string& broker_name,
                                           protocol::RemotingCommand request, int64_t timeout_ms,
                                           bool oneway);
  // For the remote offset store.
  OffsetRequestSender OffsetSender();

  Result<int64_t> MaxOffset(const MessageQueue& mq);
  Result<int64_t> MinOffset(const MessageQueue& mq);
  Result<int64_t> SearchOffset(const MessageQueue& mq, int64_t timestamp_ms);
  Result<int64_t> EarliestMsgStoreTime(const MessageQueue& mq);

  // PULL_MESSAGE; `address` empty: the queue's broker (master first). The async callback runs
  // once, on an I/O thread (or at once on the calling thread when nothing could be sent).
  void PullAsync(const PullRequestSpec& spec, const protocol::SubscriptionData& subscription,
                 int64_t timeout_ms, std::function<void(Result<PullResult>)> callback);
  Result<PullResult> PullSync(const PullRequestSpec& spec,
                              const protocol::SubscriptionData& subscription, int64_t timeout_ms);

  // LOCK_BATCH_MQ of `mqs` (all of one broker): the ones locked for this client.
  Result<std::set<MessageQueue>> LockBatch(const std::string& broker_name,
                                           const std::set<MessageQueue>& mqs);
  // UNLOCK_BATCH_MQ; failures are logged.
  void UnlockBatch(const std::string& broker_name, const std::set<MessageQueue>& mqs, bool oneway);

  // Java's sendMessageBack: CONSUMER_SEND_MSG_BACK to `broker_name` (the message's store host
  // when empty); when that fails, the message goes to the retry topic through a producer with
  // reconsume times + 1 (unless `resend` is false: the message lacks its body). `origin_topic`
  // is the message's own topic (namespaced).
  Status SendMessageBack(const MessageExt& msg, const std::string& origin_topic,
                         int32_t delay_level, const std::string& broker_name,
                         int32_t max_reconsume_times, bool resend = true);
  // The message to %RETRY%<group> as a producer sends it back: its properties, the origin id,
  // RETRY_TOPIC = `origin_topic`, RECONSUME_TIME = `reconsume_times`, MAX_RECONSUME_TIMES, delay
  // level 3 + its reconsume times.
  Message RetryMessage(const MessageExt& msg, const std::string& origin_topic,
                       int32_t reconsume_times, int32_t max_reconsume_times) const;
  // Sends a message through the group's fallback producer (started on first use).
  Result<SendResult> SendThroughProducer(const Message& msg) ORBIT_EXCLUDES(mu_);
  // Shuts the fallback producer down (the consumer is shutting down); started again if needed.
  void StopProducer() ORBIT_EXCLUDES(mu_);

 private:
  // The master of `broker_name` (else any address); when unknown and `topic` is given, the
  // topic's route is fetched again first (not on the instance's scheduler thread, where routes
  // are refreshed anyway).
  std::string FindAddress(const std::string& broker_name, const std::string* topic);

  const std::shared_ptr<ClientInstance> instance_;
  const ClientConfig config_;
  const std::string group_;
  const std::string client_id_;
  Mutex mu_;
  std::shared_ptr<Producer> producer_ ORBIT_GUARDED_BY(mu_);
};

// Small pieces every consumer kind shares.
int64_t WallMillis();
protocol::MessageModel ToProtocol(MessageModel model);
protocol::ConsumeFromWhere ToProtocol(ConsumeFromWhere where);
// The group's heartbeat entry.
protocol::ConsumerData MakeConsumerData(
    const std::string& group, protocol::ConsumeType type, MessageModel model,
    ConsumeFromWhere where, bool unit_mode,
    const std::map<std::string, protocol::SubscriptionData>& subs);
// Where CONSUME_FROM_TIMESTAMP starts: `timestamp` ("yyyyMMddHHmmss", local time) when set, else
// half an hour ago (Java's default); kInvalidArgument for a malformed timestamp.
Result<int64_t> ConsumeTimestampMillis(ConsumeFromWhere where, const std::string& timestamp);
std::vector<std::string> TopicsOf(const std::map<std::string, protocol::SubscriptionData>& subs);
// The readable queues of `topic` (fetched from the name server now; the stored route when that
// fails), named without the namespace. kNoRoute when there are none.
Result<std::vector<MessageQueue>> FetchTopicQueues(ClientInstance& instance, std::string_view ns,
                                                   const std::string& topic);
// After a subscription was added to a running consumer: on the instance's scheduler thread, the
// topic's route, its queues to the consumer, a heartbeat and a rebalance (as Java's subscribe).
void RefreshAfterSubscribe(const std::shared_ptr<ClientInstance>& instance,
                           std::weak_ptr<ConsumerListener> consumer, const std::string& topic);

// What every consumer kind sets up at start: its group (with the namespace), client id, client
// instance, broker calls and offset store (remote in clustering, the local file in
// broadcasting, loaded).
struct ConsumerParts {
  std::string group;
  std::string client_id;
  std::shared_ptr<ClientInstance> instance;
  std::unique_ptr<ConsumerBrokerApi> api;
  std::unique_ptr<OffsetBrokerApi> offset_api;
  std::unique_ptr<OffsetStore> offset_store;
};
// kInvalidArgument for a bad group name or DEFAULT_CONSUMER; the offset store's error when its
// file cannot be read.
Result<ConsumerParts> MakeConsumerParts(const ClientConfig& config, const std::string& group,
                                        bool clustering, const std::string& local_offset_store_dir);

}  // namespace orbit::client
