#pragma once

// The admin client (RocketMQ's DefaultMQAdminExt): what an operator does to a cluster, for
// programs; `orbit-admin` is built on it. Works against Orbit's and Apache's name servers and
// brokers (the same requests as Apache 4.9's mqadmin, signed with ACL 1.0 when the config has an
// RPC hook).
//
//   orbit::AdminConfig config;
//   config.namesrv_addr = "127.0.0.1:9876";
//   orbit::AdminClient admin(config);
//   if (auto st = admin.Start(); !st.ok()) { ... }
//   auto cluster = admin.ExamineClusterInfo();
//   orbit::TopicSettings topic;
//   topic.topic = "TopicTest";
//   for (const auto& addr : *admin.MasterAddrsOfCluster("DefaultCluster")) {
//     admin.CreateOrUpdateTopic(addr, topic);
//   }
//
// Errors: a Status whose message says what failed in words a person understands: the name
// server could not be reached, the topic does not exist, or the broker refused with its
// response code and remark ("broker 127.0.0.1:10911 refused: code 17, topic ... not exist").
//
// Threads: every method may be called from any thread once Start() returned OK; calls block
// until the answer or the config's timeout.

#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

#include "orbit/client_config.h"
#include "orbit/message.h"
#include "orbit/status.h"

namespace orbit {

namespace client {
class AdminClientImpl;
}

struct AdminConfig : ClientConfig {
  // Client-side timeout of each request (DefaultMQAdminExt's timeoutMillis).
  int64_t timeout_ms = 5000;
  // The admin group in the client instance (Java's adminExtGroup).
  std::string admin_group = "admin_ext_group";
};

// Permission bits of a topic or broker (RocketMQ's PermName).
inline constexpr int32_t kPermPriority = 0x8;
inline constexpr int32_t kPermRead = 0x4;
inline constexpr int32_t kPermWrite = 0x2;
inline constexpr int32_t kPermInherit = 0x1;
// "RW-", "R--", ... as mqadmin prints them.
std::string PermToString(int32_t perm);

// One broker (a master and its slaves) as the name server knows it.
struct BrokerAddrs {
  std::string cluster;
  std::string broker_name;
  std::map<int64_t, std::string> addrs;  // broker id -> "ip:port"; 0 = master
  // The master's address, else the lowest id's; "" when none.
  std::string SelectAddr() const;
};

// GET_BROKER_CLUSTER_INFO.
struct ClusterInfo {
  std::map<std::string, BrokerAddrs> brokers;             // broker name -> addresses
  std::map<std::string, std::set<std::string>> clusters;  // cluster -> broker names
};

// A topic's settings at a broker (UPDATE_AND_CREATE_TOPIC); defaults are mqadmin updateTopic's.
struct TopicSettings {
  std::string topic;
  int32_t read_queue_nums = 8;
  int32_t write_queue_nums = 8;
  int32_t perm = kPermRead | kPermWrite;
  bool order = false;
  int32_t topic_sys_flag = 0;
};

// GET_ROUTEINFO_BY_TOPIC.
struct TopicQueueData {
  std::string broker_name;
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 0;
  int32_t topic_sys_flag = 0;
};
struct TopicRoute {
  std::string order_topic_conf;
  std::vector<TopicQueueData> queues;
  std::vector<BrokerAddrs> brokers;
};

// GET_TOPIC_STATS_INFO, one entry per queue.
struct TopicQueueStats {
  MessageQueue queue;
  int64_t min_offset = 0;
  int64_t max_offset = 0;
  int64_t last_update_timestamp = 0;  // store time of the last message, 0 when empty
};

// A subscription group's settings (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP); defaults are Java's.
struct SubscriptionGroupSettings {
  std::string group;
  bool consume_enable = true;
  bool consume_from_min_enable = true;
  bool consume_broadcast_enable = true;
  int32_t retry_queue_nums = 1;
  int32_t retry_max_times = 16;
  int64_t broker_id = 0;
  int64_t which_broker_when_consume_slowly = 1;
  bool notify_consumer_ids_changed_enable = true;
};

// GET_CONSUME_STATS, merged over the brokers.
struct QueueProgress {
  MessageQueue queue;
  int64_t broker_offset = 0;    // the queue's max offset
  int64_t consumer_offset = 0;  // the group's committed offset
  int64_t last_timestamp = 0;   // store time of the last consumed message, 0 when none
};
struct ConsumeProgress {
  std::vector<QueueProgress> queues;  // sorted by topic, broker name, queue id
  double consume_tps = 0;
  int64_t Diff() const;  // sum of broker_offset - consumer_offset
};

// A client connected to a broker (GET_CONSUMER/PRODUCER_CONNECTION_LIST).
struct ClientConnection {
  std::string client_id;
  std::string client_addr;
  std::string language;  // "JAVA", "CPP", ...
  int32_t version = 0;   // RocketMQ version code the client announced
};
// GET_CONSUMER_CONNECTION_LIST, merged over the brokers.
struct ConsumerConnectionInfo {
  std::vector<ClientConnection> connections;
  std::string consume_type;                          // "CONSUME_PASSIVELY", "CONSUME_ACTIVELY"
  std::string message_model;                         // "CLUSTERING", "BROADCASTING"
  std::string consume_from_where;                    // "CONSUME_FROM_LAST_OFFSET", ...
  std::map<std::string, std::string> subscriptions;  // topic -> sub expression
};

// The name of a RocketMQ version code as clients announce it (Apache's MQVersion.Version):
// 409 -> "V4_9_8", 62 -> "V3_1_8_SNAPSHOT"; codes past the last known one are
// "HIGHER_VERSION", as Java's getVersionDesc answers; negative codes are "UNKNOWN".
std::string VersionName(int32_t version);

// A queue a consumer holds, as its process queue stands (Java's ProcessQueueInfo).
struct ProcessQueueState {
  int64_t commit_offset = 0;  // the offset the consumer will commit next
  int64_t cached_msg_min_offset = 0;
  int64_t cached_msg_max_offset = 0;
  int32_t cached_msg_count = 0;
  int32_t cached_msg_size_mib = 0;
  int64_t transaction_msg_min_offset = 0;
  int64_t transaction_msg_max_offset = 0;
  int32_t transaction_msg_count = 0;
  bool locked = false;  // orderly consumers: the broker lock is held
  int64_t try_unlock_times = 0;
  int64_t last_lock_timestamp = 0;
  bool dropped = false;  // Java's "droped": the queue was taken away
  int64_t last_pull_timestamp = 0;
  int64_t last_consume_timestamp = 0;
};
// A consumer's rates on one topic (Java's ConsumeStatus).
struct TopicConsumeStatus {
  double pull_rt = 0;
  double pull_tps = 0;
  double consume_rt = 0;
  double consume_ok_tps = 0;
  double consume_failed_tps = 0;
  int64_t consume_failed_msgs = 0;  // in the last hour
};
// GET_CONSUMER_RUNNING_INFO: what one consumer client of a group says about itself.
struct ConsumerRunningInfo {
  // Its config and PROP_* keys (PROP_CONSUME_TYPE, PROP_CLIENT_VERSION, ...).
  std::map<std::string, std::string> properties;
  std::map<std::string, std::string> subscriptions;    // topic -> sub expression
  std::map<MessageQueue, ProcessQueueState> queues;    // the queues it holds
  std::map<std::string, TopicConsumeStatus> statuses;  // topic -> rates
  std::string jstack;                                  // thread dump, when asked for
  // A push consumer (PROP_CONSUME_TYPE CONSUME_PASSIVELY): only those consume directly.
  bool IsPushType() const;
};

// CONSUME_MESSAGE_DIRECTLY: what the consumer's listener did with the message.
struct ConsumeDirectlyResult {
  bool order = false;  // an orderly listener consumed it
  bool auto_commit = true;
  std::string result;  // "CR_SUCCESS", "CR_LATER", "CR_ROLLBACK", "CR_COMMIT",
                       // "CR_THROW_EXCEPTION", "CR_RETURN_NULL"
  std::string remark;
  int64_t spent_time_ms = 0;
};

class AdminClient {
 public:
  explicit AdminClient(AdminConfig config);
  ~AdminClient();  // shuts down
  AdminClient(const AdminClient&) = delete;
  AdminClient& operator=(const AdminClient&) = delete;

  // Errors: no name server configured, start already done.
  Status Start();
  void Shutdown();

  // ---- Name servers
  Result<ClusterInfo> ExamineClusterInfo();
  // The master addresses of every broker of `cluster` (Java's
  // CommandUtil.fetchMasterAddrByClusterName). NotFound when the cluster is unknown.
  Result<std::vector<std::string>> MasterAddrsOfCluster(const std::string& cluster);
  // The names of the brokers of `cluster`.
  Result<std::set<std::string>> BrokerNamesOfCluster(const std::string& cluster);
  // GET_ALL_TOPIC_LIST_FROM_NAMESERVER.
  Result<std::vector<std::string>> FetchAllTopicList();
  // GET_ROUTEINFO_BY_TOPIC; NotFound when the topic does not exist.
  Result<TopicRoute> ExamineTopicRoute(const std::string& topic);
  // DELETE_TOPIC_IN_NAMESRV at every name server.
  Status DeleteTopicInNameServers(const std::string& topic);

  // ---- Brokers
  // GET_BROKER_RUNTIME_INFO: the broker's key/value table.
  Result<std::map<std::string, std::string>> FetchBrokerRuntimeStats(
      const std::string& broker_addr);
  // GET_BROKER_CONFIG: the broker's properties.
  Result<std::map<std::string, std::string>> GetBrokerConfig(const std::string& broker_addr);
  // UPDATE_BROKER_CONFIG with the given properties.
  Status UpdateBrokerConfig(const std::string& broker_addr,
                            const std::map<std::string, std::string>& properties);

  // ---- Topics
  Status CreateOrUpdateTopic(const std::string& broker_addr, const TopicSettings& settings);
  // DELETE_TOPIC_IN_BROKER at each of the addresses.
  Status DeleteTopicInBrokers(const std::set<std::string>& broker_addrs, const std::string& topic);
  // GET_TOPIC_STATS_INFO at every broker of the topic's route.
  Result<std::vector<TopicQueueStats>> ExamineTopicStats(const std::string& topic);
  // QUERY_TOPIC_CONSUME_BY_WHO at every broker of the route: the groups consuming the topic.
  Result<std::set<std::string>> QueryTopicConsumeByWho(const std::string& topic);

  // ---- Groups
  Status CreateOrUpdateSubscriptionGroup(const std::string& broker_addr,
                                         const SubscriptionGroupSettings& settings);
  Status DeleteSubscriptionGroup(const std::string& broker_addr, const std::string& group);
  // GET_CONSUME_STATS at every broker of the group's retry topic route (and of `topic` when
  // given, only its queues).
  Result<ConsumeProgress> ExamineConsumeStats(const std::string& group,
                                              const std::string& topic = "");
  // NotFound when no consumer of the group is online.
  Result<ConsumerConnectionInfo> ExamineConsumerConnectionInfo(const std::string& group);
  // GET_PRODUCER_CONNECTION_LIST at every broker of the topic's route.
  Result<std::vector<ClientConnection>> ExamineProducerConnectionInfo(const std::string& group,
                                                                      const std::string& topic);
  // Java's resetOffsetByTimestamp (INVOKE_BROKER_TO_RESET_OFFSET at every broker of the topic):
  // the new offset of each queue. When no consumer of the group is online, falls back to what
  // Java's tool does then: each queue's offset is searched by time and committed with
  // UPDATE_CONSUMER_OFFSET. `timestamp_ms` -1 means the queue ends. `force`: move the offset
  // back as well as forward.
  Result<std::map<MessageQueue, int64_t>> ResetOffsetByTimestamp(const std::string& topic,
                                                                 const std::string& group,
                                                                 int64_t timestamp_ms, bool force);
  // UPDATE_CONSUMER_OFFSET of one queue at its broker.
  Status UpdateConsumeOffset(const std::string& group, const MessageQueue& queue, int64_t offset);
  // Java's getConsumerRunningInfo: GET_CONSUMER_RUNNING_INFO at the brokers where the group is
  // online (those of its retry topic), which ask the client `client_id` (as consumerConnection
  // lists it). `jstack` asks for a thread dump too (Orbit clients send none). Errors: the
  // broker's refusal, e.g. "... code 1, The Consumer <G> <id> not online".
  Result<ConsumerRunningInfo> GetConsumerRunningInfo(const std::string& group,
                                                     const std::string& client_id,
                                                     bool jstack = false);
  // Java's consumeMessageDirectly: CONSUME_MESSAGE_DIRECTLY at the broker that stores the
  // message (the address in the offset message id), which hands it to the consumer `client_id`
  // of `group`; its listener consumes it whatever the offsets say. InvalidArgument when the id
  // is not an offset message id.
  Result<ConsumeDirectlyResult> ConsumeMessageDirectly(const std::string& group,
                                                       const std::string& client_id,
                                                       const std::string& offset_msg_id);

  // ---- Offsets of queues
  Result<int64_t> MaxOffset(const MessageQueue& queue);
  Result<int64_t> MinOffset(const MessageQueue& queue);
  // SEARCH_OFFSET_BY_TIMESTAMP.
  Result<int64_t> SearchOffset(const MessageQueue& queue, int64_t timestamp_ms);

  // ---- Messages
  // VIEW_MESSAGE_BY_ID at the store address the offset message id encodes. NotFound when the
  // broker has no such record; InvalidArgument when the id is not an offset message id.
  Result<MessageExt> ViewMessage(const std::string& offset_msg_id);
  // QUERY_MESSAGE by key (KEYS) at every broker of the topic, stored within [begin, end] ms,
  // at most max_num per broker; only the messages whose keys really contain `key`.
  Result<std::vector<MessageExt>> QueryMessageByKey(const std::string& topic,
                                                    const std::string& key, int32_t max_num,
                                                    int64_t begin_ms, int64_t end_ms);
  // QUERY_MESSAGE by the producer's unique id (UNIQ_KEY, the msg id a producer reports), with
  // _UNIQUE_KEY_QUERY=true. NotFound when no broker has it.
  Result<std::vector<MessageExt>> QueryMessageByUniqueKey(const std::string& topic,
                                                          const std::string& msg_id);

 private:
  std::unique_ptr<client::AdminClientImpl> impl_;
};

}  // namespace orbit
