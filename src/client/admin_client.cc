// orbit::AdminClient (orbit/admin.h): Java's DefaultMQAdminExt over a client instance of its own.
// Requests are built in client/admin_request; this file decides where they go (name servers with
// failover, the brokers of a route or a cluster) and turns answers into Status values a person
// can read.

#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <limits>
#include <sstream>

#include "base/log.h"
#include "base/thread_annotations.h"
#include "client/admin_request.h"
#include "client/client_instance.h"
#include "client/consumer_broker_api.h"
#include "client/offset_store.h"
#include "orbit/admin.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message_id.h"

namespace orbit {

std::string PermToString(int32_t perm) {
  std::string out = "---";
  if ((perm & kPermRead) != 0) out[0] = 'R';
  if ((perm & kPermWrite) != 0) out[1] = 'W';
  if ((perm & kPermInherit) != 0) out[2] = 'X';
  return out;
}

std::string BrokerAddrs::SelectAddr() const {
  if (addrs.empty()) return "";
  auto master = addrs.find(0);
  return master != addrs.end() ? master->second : addrs.begin()->second;
}

int64_t ConsumeProgress::Diff() const {
  int64_t diff = 0;
  for (const auto& q : queues) diff += q.broker_offset - q.consumer_offset;
  return diff;
}

namespace {

// Apache's MQVersion.Version in order (a code is an ordinal): V3_0_0's pre-releases, then a
// SNAPSHOT and a release of each patch version of 3.0.1-3.0.15, 3.1.0-3.2.9, 3.m.1-3.m.9 for m
// 3-9 and 4.0.0-5.9.9, then HIGHER_VERSION.
std::vector<std::string> BuildVersionNames() {
  std::vector<std::string> names = {"V3_0_0_SNAPSHOT", "V3_0_0_ALPHA1", "V3_0_0_BETA1",
                                    "V3_0_0_BETA2",    "V3_0_0_BETA3",  "V3_0_0_BETA4",
                                    "V3_0_0_BETA5"};
  for (int beta = 6; beta <= 9; ++beta) {
    names.push_back("V3_0_0_BETA" + std::to_string(beta) + "_SNAPSHOT");
    names.push_back("V3_0_0_BETA" + std::to_string(beta));
  }
  names.push_back("V3_0_0_FINAL");
  auto add = [&names](int major, int minor, int first_patch, int last_patch) {
    for (int patch = first_patch; patch <= last_patch; ++patch) {
      std::string name =
          "V" + std::to_string(major) + "_" + std::to_string(minor) + "_" + std::to_string(patch);
      names.push_back(name + "_SNAPSHOT");
      names.push_back(std::move(name));
    }
  };
  add(3, 0, 1, 15);
  add(3, 1, 0, 9);
  add(3, 2, 0, 9);
  for (int minor = 3; minor <= 9; ++minor) add(3, minor, 1, 9);
  for (int major = 4; major <= 5; ++major) {
    for (int minor = 0; minor <= 9; ++minor) add(major, minor, 0, 9);
  }
  names.push_back("HIGHER_VERSION");
  return names;
}

}  // namespace

std::string VersionName(int32_t version) {
  static const std::vector<std::string> kNames = BuildVersionNames();
  if (version < 0) return "UNKNOWN";
  // Java's getVersionDesc answers the last name for any code past it.
  return kNames[std::min(static_cast<size_t>(version), kNames.size() - 1)];
}

bool ConsumerRunningInfo::IsPushType() const {
  auto it = properties.find(std::string(protocol::kPropConsumeType));
  return it != properties.end() && it->second == "CONSUME_PASSIVELY";
}

namespace client {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// What a peer said no with, in words: "broker 1.2.3.4:10911 refused UPDATE_AND_CREATE_TOPIC:
// code 1, <remark>". The Status keeps the response code for callers that branch on it.
Status Refused(const std::string& who, int32_t request_code, const RemotingCommand& response) {
  std::string text = who + " refused " + protocol::RequestCodeName(request_code) + ": code " +
                     std::to_string(response.code);
  if (response.remark && !response.remark->empty()) text += ", " + *response.remark;
  return Status::Remote(response.code, std::move(text));
}

// The address requests for a broker go to: the master, else the lowest id (Java's
// BrokerData.selectBrokerAddr prefers the master too).
std::vector<std::pair<std::string, std::string>> RouteBrokers(const TopicRoute& route) {
  std::vector<std::pair<std::string, std::string>> out;  // broker name, address
  for (const auto& broker : route.brokers) {
    std::string addr = broker.SelectAddr();
    if (!addr.empty()) out.emplace_back(broker.broker_name, addr);
  }
  return out;
}

std::vector<std::string> SplitKeys(const std::string& keys) {
  std::vector<std::string> out;
  std::istringstream in(keys);
  for (std::string key; in >> key;) out.push_back(key);
  return out;
}

void MergeConnections(std::vector<ClientConnection>* into,
                      const std::vector<protocol::Connection>& from) {
  for (const auto& c : from) {
    bool seen = std::any_of(into->begin(), into->end(), [&](const ClientConnection& have) {
      return have.client_id == c.client_id && have.client_addr == c.client_addr;
    });
    if (seen) continue;
    std::string language = c.language ? protocol::LanguageName(*c.language) : "";
    into->push_back(ClientConnection{c.client_id, c.client_addr, language, c.version});
  }
}

template <typename E>
std::string EnumName(const std::optional<E>& value) {
  if (!value) return "";
  const auto& names = protocol::JavaEnumTraits<E>::kNames;
  size_t index = static_cast<size_t>(*value);
  return index < std::size(names) ? std::string(names[index]) : "";
}

std::string InstanceNameFor(const AdminConfig& config) {
  if (!config.instance_name.empty()) return config.instance_name;
  // Never the instance of a producer or consumer of this process: their names differ.
  static std::atomic<uint64_t> counter{0};
  return "admin-" + std::to_string(::getpid()) + "-" + std::to_string(counter.fetch_add(1));
}

}  // namespace

class AdminClientImpl {
 public:
  explicit AdminClientImpl(AdminConfig config) : config_(std::move(config)) {
    config_.instance_name = InstanceNameFor(config_);
  }
  ~AdminClientImpl() { Shutdown(); }

  Status Start() ORBIT_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (instance_) return Status(ErrorCode::kInvalidArgument, "the admin client already started");
    if (shut_down_) return Status(ErrorCode::kNotRunning, "the admin client was shut down");
    auto instance = ClientInstance::GetOrCreate(config_, ClientInstance::BuildClientId(config_));
    ORBIT_RETURN_IF_ERROR(instance->RegisterAdmin(config_.admin_group));
    instance_ = std::move(instance);
    return Status::Ok();
  }

  void Shutdown() ORBIT_EXCLUDES(mu_) {
    std::shared_ptr<ClientInstance> instance;
    {
      MutexLock lock(mu_);
      instance = std::move(instance_);
      instance_.reset();
      if (instance) shut_down_ = true;
    }
    if (instance) instance->UnregisterAdmin(config_.admin_group);
  }

  // ---- Name servers

  Result<ClusterInfo> ExamineClusterInfo() {
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response, NameServerOk(BuildClusterInfoRequest()));
    return DecodeClusterInfo(response.body);
  }

  Result<std::set<std::string>> BrokerNamesOfCluster(const std::string& cluster) {
    ORBIT_ASSIGN_OR_RETURN(ClusterInfo info, ExamineClusterInfo());
    auto it = info.clusters.find(cluster);
    if (it == info.clusters.end()) {
      std::string known;
      for (const auto& [name, brokers] : info.clusters) known += (known.empty() ? "" : ", ") + name;
      return Status(ErrorCode::kNotFound, "cluster " + cluster + " does not exist (known: " +
                                              (known.empty() ? "none" : known) + ")");
    }
    return it->second;
  }

  Result<std::vector<std::string>> MasterAddrsOfCluster(const std::string& cluster) {
    ORBIT_ASSIGN_OR_RETURN(ClusterInfo info, ExamineClusterInfo());
    auto it = info.clusters.find(cluster);
    if (it == info.clusters.end()) {
      return Status(ErrorCode::kNotFound, "cluster " + cluster + " does not exist");
    }
    std::vector<std::string> out;
    for (const auto& name : it->second) {
      auto broker = info.brokers.find(name);
      if (broker == info.brokers.end()) continue;
      auto master = broker->second.addrs.find(0);
      if (master != broker->second.addrs.end()) out.push_back(master->second);
    }
    return out;
  }

  Result<std::vector<std::string>> FetchAllTopicList() {
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response, NameServerOk(BuildTopicListRequest()));
    ORBIT_ASSIGN_OR_RETURN(std::vector<std::string> topics, DecodeTopicList(response.body));
    std::sort(topics.begin(), topics.end());
    return topics;
  }

  Result<TopicRoute> ExamineTopicRoute(const std::string& topic) {
    ORBIT_ASSIGN_OR_RETURN(NameServerAnswer answer, NameServer(BuildRouteRequest(topic)));
    if (answer.response.code == ResponseCode::kTopicNotExist) {
      return Status(ErrorCode::kNotFound, "topic " + topic + " does not exist");
    }
    if (answer.response.code != ResponseCode::kSuccess) {
      return Refused("name server " + answer.addr, RequestCode::kGetRouteinfoByTopic,
                     answer.response);
    }
    return DecodeTopicRoute(answer.response.body);
  }

  Status DeleteTopicInNameServers(const std::string& topic) {
    ORBIT_ASSIGN_OR_RETURN(auto instance, Instance());
    Status first;
    for (const auto& addr : instance->NameServers()) {
      Status st =
          Call("name server " + addr, addr, BuildDeleteTopicInNameServerRequest(topic)).status();
      if (!st.ok() && first.ok()) first = st;
    }
    return first;
  }

  // ---- Brokers

  Result<std::map<std::string, std::string>> FetchBrokerRuntimeStats(const std::string& addr) {
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response, BrokerOk(addr, BuildRuntimeInfoRequest()));
    return DecodeKVTable(response.body);
  }

  Result<std::map<std::string, std::string>> GetBrokerConfig(const std::string& addr) {
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response, BrokerOk(addr, BuildGetBrokerConfigRequest()));
    return DecodeProperties(response.body);
  }

  Status UpdateBrokerConfig(const std::string& addr,
                            const std::map<std::string, std::string>& properties) {
    return BrokerOk(addr, BuildUpdateBrokerConfigRequest(properties)).status();
  }

  // ---- Topics

  Status CreateOrUpdateTopic(const std::string& addr, const TopicSettings& settings) {
    if (settings.topic.empty()) return InvalidArgument("the topic name is empty");
    return BrokerOk(addr, BuildCreateTopicRequest(settings)).status();
  }

  Status DeleteTopicInBrokers(const std::set<std::string>& addrs, const std::string& topic) {
    for (const auto& addr : addrs) {
      ORBIT_RETURN_IF_ERROR(BrokerOk(addr, BuildDeleteTopicInBrokerRequest(topic)).status());
    }
    return Status::Ok();
  }

  Result<std::vector<TopicQueueStats>> ExamineTopicStats(const std::string& topic) {
    ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(topic));
    std::vector<TopicQueueStats> out;
    for (const auto& [name, addr] : RouteBrokers(route)) {
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                             BrokerOk(addr, BuildTopicStatsRequest(topic)));
      ORBIT_ASSIGN_OR_RETURN(std::vector<TopicQueueStats> stats, DecodeTopicStats(response.body));
      out.insert(out.end(), stats.begin(), stats.end());
    }
    std::sort(out.begin(), out.end(),
              [](const TopicQueueStats& a, const TopicQueueStats& b) { return a.queue < b.queue; });
    return out;
  }

  Result<std::set<std::string>> QueryTopicConsumeByWho(const std::string& topic) {
    ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(topic));
    std::set<std::string> groups;
    for (const auto& [name, addr] : RouteBrokers(route)) {
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                             BrokerOk(addr, BuildTopicConsumeByWhoRequest(topic)));
      ORBIT_ASSIGN_OR_RETURN(protocol::GroupList list, protocol::GroupList::Decode(response.body));
      groups.insert(list.group_list.begin(), list.group_list.end());
    }
    return groups;
  }

  // ---- Groups

  Status CreateOrUpdateSubscriptionGroup(const std::string& addr,
                                         const SubscriptionGroupSettings& settings) {
    if (settings.group.empty()) return InvalidArgument("the group name is empty");
    return BrokerOk(addr, BuildCreateSubscriptionGroupRequest(settings)).status();
  }

  Status DeleteSubscriptionGroup(const std::string& addr, const std::string& group) {
    return BrokerOk(addr, BuildDeleteSubscriptionGroupRequest(group)).status();
  }

  Result<ConsumeProgress> ExamineConsumeStats(const std::string& group, const std::string& topic) {
    ORBIT_ASSIGN_OR_RETURN(auto brokers, GroupBrokers(group, topic));
    ConsumeProgress merged;
    for (const auto& [name, addr] : brokers) {
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                             BrokerOk(addr, BuildConsumeStatsRequest(group, topic)));
      ORBIT_ASSIGN_OR_RETURN(ConsumeProgress part, DecodeConsumeStats(response.body));
      for (auto& q : part.queues) {
        if (topic.empty() || q.queue.topic == topic) merged.queues.push_back(std::move(q));
      }
      merged.consume_tps += part.consume_tps;
    }
    if (merged.queues.empty()) {
      // Java's examineConsumeStats refuses an empty table the same way.
      return Status(ErrorCode::kNotFound, "consumer group " + group + " has no consume progress" +
                                              (topic.empty() ? "" : " on topic " + topic) +
                                              " (no offset committed)");
    }
    std::sort(merged.queues.begin(), merged.queues.end(),
              [](const QueueProgress& a, const QueueProgress& b) { return a.queue < b.queue; });
    return merged;
  }

  Result<ConsumerConnectionInfo> ExamineConsumerConnectionInfo(const std::string& group) {
    const Status offline(ErrorCode::kNotFound,
                         "consumer group " + group + " has no consumer online");
    ORBIT_ASSIGN_OR_RETURN(auto brokers, GroupBrokers(group, ""));
    ConsumerConnectionInfo info;
    bool described = false;
    for (const auto& [name, addr] : brokers) {
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                             Call("broker " + addr, addr, BuildConsumerConnectionRequest(group)));
      if (response.code == ResponseCode::kConsumerNotOnline) continue;
      if (response.code != ResponseCode::kSuccess) {
        return Refused("broker " + addr, RequestCode::kGetConsumerConnectionList, response);
      }
      ORBIT_ASSIGN_OR_RETURN(protocol::ConsumerConnection body,
                             protocol::ConsumerConnection::Decode(response.body));
      MergeConnections(&info.connections, body.connection_set);
      for (const auto& [topic, sub] : body.subscription_table) {
        info.subscriptions.emplace(topic, sub.sub_string);
      }
      if (!described) {
        info.consume_type = EnumName(body.consume_type);
        info.message_model = EnumName(body.message_model);
        info.consume_from_where = EnumName(body.consume_from_where);
        described = true;
      }
    }
    if (info.connections.empty()) return offline;
    return info;
  }

  Result<std::vector<ClientConnection>> ExamineProducerConnectionInfo(const std::string& group,
                                                                      const std::string& topic) {
    ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(topic));
    std::vector<ClientConnection> out;
    Status refusal;
    for (const auto& [name, addr] : RouteBrokers(route)) {
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                             Call("broker " + addr, addr, BuildProducerConnectionRequest(group)));
      // Brokers answer SYSTEM_ERROR "the producer group[...] not exist" when none is there;
      // any other refusal is worth reporting when nobody is found.
      if (response.code == ResponseCode::kSystemError) continue;
      if (response.code != ResponseCode::kSuccess) {
        refusal = Refused("broker " + addr, RequestCode::kGetProducerConnectionList, response);
        continue;
      }
      ORBIT_ASSIGN_OR_RETURN(protocol::ProducerConnection body,
                             protocol::ProducerConnection::Decode(response.body));
      MergeConnections(&out, body.connection_set);
    }
    if (out.empty() && !refusal.ok()) return refusal;
    if (out.empty()) {
      return Status(ErrorCode::kNotFound, "producer group " + group + " has no producer online" +
                                              " at the brokers of topic " + topic);
    }
    return out;
  }

  Result<std::map<MessageQueue, int64_t>> ResetOffsetByTimestamp(const std::string& topic,
                                                                 const std::string& group,
                                                                 int64_t timestamp_ms, bool force) {
    ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(topic));
    std::map<MessageQueue, int64_t> out;
    for (const auto& [name, addr] : RouteBrokers(route)) {
      ORBIT_ASSIGN_OR_RETURN(
          RemotingCommand response,
          Call("broker " + addr, addr, BuildResetOffsetRequest(topic, group, timestamp_ms, force)));
      if (response.code == ResponseCode::kConsumerNotOnline) {
        // As mqadmin resetOffsetByTime: nobody online to tell, so commit the offsets directly.
        return ResetOffsetOffline(route, topic, group, timestamp_ms, force);
      }
      if (response.code != ResponseCode::kSuccess) {
        return Refused("broker " + addr, RequestCode::kInvokeBrokerToResetOffset, response);
      }
      ORBIT_ASSIGN_OR_RETURN(protocol::ResetOffsetBody body,
                             protocol::ResetOffsetBody::Decode(response.body));
      for (const auto& [mq, offset] : body.offset_table) {
        out[MessageQueue{mq.topic, mq.broker_name, mq.queue_id}] = offset;
      }
    }
    return out;
  }

  Status UpdateConsumeOffset(const std::string& group, const MessageQueue& queue, int64_t offset) {
    ORBIT_ASSIGN_OR_RETURN(std::string addr, AddrOfQueue(queue));
    return BrokerOk(addr, RemotingOffsetBrokerApi::BuildUpdateRequest(queue, group, offset))
        .status();
  }

  // ---- A consumer's own state (the broker relays the request to the client)

  Result<ConsumerRunningInfo> GetConsumerRunningInfo(const std::string& group,
                                                     const std::string& client_id, bool jstack) {
    ORBIT_ASSIGN_OR_RETURN(auto brokers, GroupBrokers(group, ""));
    // Java asks the first broker only; the next ones may still know a client that is
    // connected to some brokers and not (yet) to others.
    Status failure(ErrorCode::kNotFound, "no broker of consumer group " + group + " is known");
    for (const auto& [name, addr] : brokers) {
      auto response =
          Call("broker " + addr, addr, BuildConsumerRunningInfoRequest(group, client_id, jstack),
               ConsumerCallTimeoutMs());
      if (!response.ok()) {
        failure = response.status();
        continue;
      }
      if (response->code != ResponseCode::kSuccess) {
        failure = Refused("broker " + addr, RequestCode::kGetConsumerRunningInfo, *response);
        continue;
      }
      return DecodeConsumerRunningInfo(response->body);
    }
    return failure;
  }

  Result<ConsumeDirectlyResult> ConsumeMessageDirectly(const std::string& group,
                                                       const std::string& client_id,
                                                       const std::string& offset_msg_id) {
    auto id = protocol::DecodeOffsetMessageId(offset_msg_id);
    if (!id.ok()) {
      return InvalidArgument("'" + offset_msg_id +
                             "' is not an offset message id: " + id.status().message());
    }
    const std::string addr = id->store_host.ToString();
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                           Call("broker " + addr, addr,
                                BuildConsumeMessageDirectlyRequest(group, client_id, offset_msg_id),
                                ConsumerCallTimeoutMs()));
    if (response.code != ResponseCode::kSuccess) {
      return Refused("broker " + addr, RequestCode::kConsumeMessageDirectly, response);
    }
    return DecodeConsumeDirectlyResult(response.body);
  }

  // ---- Offsets of queues

  Result<int64_t> MaxOffset(const MessageQueue& queue) {
    ORBIT_ASSIGN_OR_RETURN(std::string addr, AddrOfQueue(queue));
    return MaxOffsetAt(addr, queue);
  }

  Result<int64_t> MinOffset(const MessageQueue& queue) {
    ORBIT_ASSIGN_OR_RETURN(std::string addr, AddrOfQueue(queue));
    return OffsetAt<protocol::GetMinOffsetResponseHeader>(
        addr, BuildQueueOffsetRequest(RequestCode::kGetMinOffset, queue));
  }

  Result<int64_t> SearchOffset(const MessageQueue& queue, int64_t timestamp_ms) {
    ORBIT_ASSIGN_OR_RETURN(std::string addr, AddrOfQueue(queue));
    return SearchOffsetAt(addr, queue, timestamp_ms);
  }

  // ---- Messages

  Result<MessageExt> ViewMessage(const std::string& offset_msg_id) {
    auto id = protocol::DecodeOffsetMessageId(offset_msg_id);
    if (!id.ok()) {
      return InvalidArgument("'" + offset_msg_id +
                             "' is not an offset message id: " + id.status().message());
    }
    const std::string addr = id->store_host.ToString();
    ORBIT_ASSIGN_OR_RETURN(
        RemotingCommand response,
        Call("broker " + addr, addr, BuildViewMessageRequest(id->commit_log_offset)));
    if (response.code == ResponseCode::kSystemError) {
      // Both Apache's and Orbit's brokers answer SYSTEM_ERROR when nothing is stored there.
      return Status(ErrorCode::kNotFound, "broker " + addr +
                                              " has no message at commit-log offset " +
                                              std::to_string(id->commit_log_offset) + ": " +
                                              response.remark.value_or(""));
    }
    if (response.code != ResponseCode::kSuccess) {
      return Refused("broker " + addr, RequestCode::kViewMessageById, response);
    }
    ORBIT_ASSIGN_OR_RETURN(std::vector<MessageExt> messages, DecodeStoredMessages(response.body));
    if (messages.empty()) {
      return Status(ErrorCode::kNotFound,
                    "broker " + addr + " answered no message for " + offset_msg_id);
    }
    return std::move(messages.front());
  }

  Result<std::vector<MessageExt>> QueryMessages(const std::string& topic, const std::string& key,
                                                int32_t max_num, int64_t begin_ms, int64_t end_ms,
                                                bool unique_key) {
    ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(topic));
    std::vector<MessageExt> found;
    Status failure;
    for (const auto& [name, addr] : RouteBrokers(route)) {
      auto response = BrokerQuery(addr, topic, key, max_num, begin_ms, end_ms, unique_key);
      if (!response.ok()) {
        // One broker down must not hide what the others have.
        ORBIT_LOG_WARN("query of {} in {} at {}: {}", key, topic, addr,
                       response.status().ToString());
        if (failure.ok()) failure = response.status();
        continue;
      }
      for (auto& msg : *response) {
        bool match = unique_key ? msg.GetProperty("UNIQ_KEY").value_or("") == key
                                : std::ranges::count(SplitKeys(msg.keys()), key) > 0;
        if (!match) continue;
        msg.broker_name = name;
        found.push_back(std::move(msg));
      }
    }
    if (!found.empty()) return found;
    if (!failure.ok()) return failure;
    return Status(ErrorCode::kNotFound,
                  std::string(unique_key ? "no message with id " : "no message with key ") + key +
                      " in topic " + topic);
  }

 private:
  struct NameServerAnswer {
    std::string addr;
    RemotingCommand response;
  };

  Result<std::shared_ptr<ClientInstance>> Instance() ORBIT_EXCLUDES(mu_) {
    MutexLock lock(mu_);
    if (!instance_) return Status(ErrorCode::kNotRunning, "the admin client is not started");
    return instance_;
  }

  // One request, whatever the answer; a transport failure says whom it could not reach.
  // `timeout_ms` 0: the config's.
  Result<RemotingCommand> Call(const std::string& who, const std::string& addr,
                               RemotingCommand request, int64_t timeout_ms = 0) {
    ORBIT_ASSIGN_OR_RETURN(auto instance, Instance());
    auto response = instance->InvokeSync(addr, std::move(request),
                                         timeout_ms > 0 ? timeout_ms : config_.timeout_ms);
    if (!response.ok()) {
      return Status(response.status().code(),
                    "cannot reach " + who + ": " + response.status().message());
    }
    return response;
  }

  // Requests the broker passes on to a client wait for the broker's own call (up to 10 s) and
  // the client's work: three times the usual timeout, as Java's admin gives them.
  int64_t ConsumerCallTimeoutMs() const { return config_.timeout_ms * 3; }

  // A broker request that must answer SUCCESS (whatever its remark: 4.9.8 answers topic creation
  // with code 0 and 'not set any response code').
  Result<RemotingCommand> BrokerOk(const std::string& addr, RemotingCommand request) {
    const int32_t code = request.code;
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                           Call("broker " + addr, addr, std::move(request)));
    if (response.code != ResponseCode::kSuccess) return Refused("broker " + addr, code, response);
    return response;
  }

  // The name servers in turn from the last one that answered; the next one only when one cannot
  // be reached (an answer, even a refusal, is final).
  Result<NameServerAnswer> NameServer(const RemotingCommand& request) {
    ORBIT_ASSIGN_OR_RETURN(auto instance, Instance());
    const std::vector<std::string> namesrvs = instance->NameServers();
    if (namesrvs.empty()) return Status(ErrorCode::kNoNameServer, "no name server address is set");
    const size_t start = namesrv_index_.load();
    std::vector<Status> failures;
    for (size_t i = 0; i < namesrvs.size(); ++i) {
      const size_t index = (start + i) % namesrvs.size();
      auto response = Call("name server " + namesrvs[index], namesrvs[index], request);
      if (response.ok()) {
        namesrv_index_.store(index);
        return NameServerAnswer{namesrvs[index], std::move(*response)};
      }
      if (response.status().code() == ErrorCode::kNotRunning) return response.status();
      failures.push_back(response.status());
    }
    if (failures.size() == 1) return Status(ErrorCode::kNoNameServer, failures[0].message());
    std::string text = "cannot reach any of " + std::to_string(failures.size()) + " name servers";
    for (const auto& f : failures) text += "; " + f.message();
    return Status(ErrorCode::kNoNameServer, std::move(text));
  }

  Result<RemotingCommand> NameServerOk(const RemotingCommand& request) {
    ORBIT_ASSIGN_OR_RETURN(NameServerAnswer answer, NameServer(request));
    if (answer.response.code != ResponseCode::kSuccess) {
      return Refused("name server " + answer.addr, request.code, answer.response);
    }
    return std::move(answer.response);
  }

  // The brokers where a group's consume state lives: those of its retry topic (Java's choice),
  // and those of `topic` when given. A group without a retry topic (it only ever committed
  // offsets, or its brokers do not create one) is looked for at every broker master known.
  Result<std::vector<std::pair<std::string, std::string>>> GroupBrokers(const std::string& group,
                                                                        const std::string& topic) {
    std::vector<std::pair<std::string, std::string>> out;
    auto add = [&out](const std::string& name, const std::string& addr) {
      std::pair<std::string, std::string> broker{name, addr};
      if (std::find(out.begin(), out.end(), broker) == out.end()) out.push_back(broker);
    };
    auto retry = ExamineTopicRoute(RetryTopic(group));
    if (retry.ok()) {
      for (const auto& [name, addr] : RouteBrokers(*retry)) add(name, addr);
    } else if (retry.status().code() != ErrorCode::kNotFound) {
      return retry.status();
    }
    if (!topic.empty()) {
      ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(topic));
      for (const auto& [name, addr] : RouteBrokers(route)) add(name, addr);
    }
    if (out.empty()) {
      ORBIT_ASSIGN_OR_RETURN(ClusterInfo info, ExamineClusterInfo());
      for (const auto& [name, broker] : info.brokers) {
        auto master = broker.addrs.find(0);
        if (master != broker.addrs.end()) add(name, master->second);
      }
    }
    return out;
  }

  Result<std::string> AddrOfQueue(const MessageQueue& queue) {
    ORBIT_ASSIGN_OR_RETURN(TopicRoute route, ExamineTopicRoute(queue.topic));
    for (const auto& [name, addr] : RouteBrokers(route)) {
      if (name == queue.broker_name) return addr;
    }
    return Status(ErrorCode::kNotFound,
                  "broker " + queue.broker_name + " is not in the route of topic " + queue.topic);
  }

  template <typename Header>
  Result<int64_t> OffsetAt(const std::string& addr, RemotingCommand request) {
    ORBIT_ASSIGN_OR_RETURN(RemotingCommand response, BrokerOk(addr, std::move(request)));
    ORBIT_ASSIGN_OR_RETURN(Header header, Header::Decode(response.ext_fields));
    return header.offset;
  }

  Result<int64_t> MaxOffsetAt(const std::string& addr, const MessageQueue& queue) {
    return OffsetAt<protocol::GetMaxOffsetResponseHeader>(
        addr, BuildQueueOffsetRequest(RequestCode::kGetMaxOffset, queue));
  }

  Result<int64_t> SearchOffsetAt(const std::string& addr, const MessageQueue& queue,
                                 int64_t timestamp_ms) {
    return OffsetAt<protocol::SearchOffsetResponseHeader>(
        addr, BuildQueueOffsetRequest(RequestCode::kSearchOffsetByTimestamp, queue, timestamp_ms));
  }

  // mqadmin's resetOffsetByTimeOld: every queue of the topic the group has an offset for at each
  // broker (all the broker's queues when none) is searched by time and, when forced or when that
  // moves the offset back, committed.
  Result<std::map<MessageQueue, int64_t>> ResetOffsetOffline(const TopicRoute& route,
                                                             const std::string& topic,
                                                             const std::string& group,
                                                             int64_t timestamp_ms, bool force) {
    std::map<MessageQueue, int64_t> out;
    for (const auto& [name, addr] : RouteBrokers(route)) {
      ORBIT_ASSIGN_OR_RETURN(RemotingCommand response,
                             BrokerOk(addr, BuildConsumeStatsRequest(group)));
      ORBIT_ASSIGN_OR_RETURN(ConsumeProgress stats, DecodeConsumeStats(response.body));
      std::map<MessageQueue, int64_t> committed;
      for (const auto& q : stats.queues) {
        if (q.queue.topic == topic) committed[q.queue] = q.consumer_offset;
      }
      if (committed.empty()) {
        // Never consumed here: Java takes each queue's min offset as the committed one.
        ORBIT_ASSIGN_OR_RETURN(RemotingCommand ts, BrokerOk(addr, BuildTopicStatsRequest(topic)));
        ORBIT_ASSIGN_OR_RETURN(std::vector<TopicQueueStats> queues, DecodeTopicStats(ts.body));
        for (const auto& q : queues) committed[q.queue] = q.min_offset;
      }
      for (const auto& [queue, current] : committed) {
        ORBIT_ASSIGN_OR_RETURN(int64_t target, timestamp_ms == -1
                                                   ? MaxOffsetAt(addr, queue)
                                                   : SearchOffsetAt(addr, queue, timestamp_ms));
        if (force || target <= current) {
          ORBIT_RETURN_IF_ERROR(
              BrokerOk(addr, RemotingOffsetBrokerApi::BuildUpdateRequest(queue, group, target))
                  .status());
          out[queue] = target;
        } else {
          out[queue] = current;
        }
      }
    }
    return out;
  }

  // QUERY_MESSAGE at one broker: its records (none for QUERY_NOT_FOUND).
  Result<std::vector<MessageExt>> BrokerQuery(const std::string& addr, const std::string& topic,
                                              const std::string& key, int32_t max_num,
                                              int64_t begin_ms, int64_t end_ms, bool unique_key) {
    ORBIT_ASSIGN_OR_RETURN(
        RemotingCommand response,
        Call("broker " + addr, addr,
             BuildQueryMessageRequest(topic, key, max_num, begin_ms, end_ms, unique_key)));
    if (response.code == ResponseCode::kQueryNotFound) return std::vector<MessageExt>{};
    if (response.code != ResponseCode::kSuccess) {
      return Refused("broker " + addr, RequestCode::kQueryMessage, response);
    }
    return DecodeStoredMessages(response.body);
  }

  AdminConfig config_;
  std::atomic<size_t> namesrv_index_{0};
  Mutex mu_;
  std::shared_ptr<ClientInstance> instance_ ORBIT_GUARDED_BY(mu_);
  bool shut_down_ ORBIT_GUARDED_BY(mu_) = false;
};

}  // namespace client

AdminClient::AdminClient(AdminConfig config)
    : impl_(std::make_unique<client::AdminClientImpl>(std::move(config))) {}
AdminClient::~AdminClient() = default;

Status AdminClient::Start() { return impl_->Start(); }
void AdminClient::Shutdown() { impl_->Shutdown(); }

Result<ClusterInfo> AdminClient::ExamineClusterInfo() { return impl_->ExamineClusterInfo(); }
Result<std::vector<std::string>> AdminClient::MasterAddrsOfCluster(const std::string& cluster) {
  return impl_->MasterAddrsOfCluster(cluster);
}
Result<std::set<std::string>> AdminClient::BrokerNamesOfCluster(const std::string& cluster) {
  return impl_->BrokerNamesOfCluster(cluster);
}
Result<std::vector<std::string>> AdminClient::FetchAllTopicList() {
  return impl_->FetchAllTopicList();
}
Result<TopicRoute> AdminClient::ExamineTopicRoute(const std::string& topic) {
  return impl_->ExamineTopicRoute(topic);
}
Status AdminClient::DeleteTopicInNameServers(const std::string& topic) {
  return impl_->DeleteTopicInNameServers(topic);
}

Result<std::map<std::string, std::string>> AdminClient::FetchBrokerRuntimeStats(
    const std::string& broker_addr) {
  return impl_->FetchBrokerRuntimeStats(broker_addr);
}
Result<std::map<std::string, std::string>> AdminClient::GetBrokerConfig(
    const std::string& broker_addr) {
  return impl_->GetBrokerConfig(broker_addr);
}
Status AdminClient::UpdateBrokerConfig(const std::string& broker_addr,
                                       const std::map<std::string, std::string>& properties) {
  return impl_->UpdateBrokerConfig(broker_addr, properties);
}

Status AdminClient::CreateOrUpdateTopic(const std::string& broker_addr,
                                        const TopicSettings& settings) {
  return impl_->CreateOrUpdateTopic(broker_addr, settings);
}
Status AdminClient::DeleteTopicInBrokers(const std::set<std::string>& broker_addrs,
                                         const std::string& topic) {
  return impl_->DeleteTopicInBrokers(broker_addrs, topic);
}
Result<std::vector<TopicQueueStats>> AdminClient::ExamineTopicStats(const std::string& topic) {
  return impl_->ExamineTopicStats(topic);
}
Result<std::set<std::string>> AdminClient::QueryTopicConsumeByWho(const std::string& topic) {
  return impl_->QueryTopicConsumeByWho(topic);
}

Status AdminClient::CreateOrUpdateSubscriptionGroup(const std::string& broker_addr,
                                                    const SubscriptionGroupSettings& settings) {
  return impl_->CreateOrUpdateSubscriptionGroup(broker_addr, settings);
}
Status AdminClient::DeleteSubscriptionGroup(const std::string& broker_addr,
                                            const std::string& group) {
  return impl_->DeleteSubscriptionGroup(broker_addr, group);
}
Result<ConsumeProgress> AdminClient::ExamineConsumeStats(const std::string& group,
                                                         const std::string& topic) {
  return impl_->ExamineConsumeStats(group, topic);
}
Result<ConsumerConnectionInfo> AdminClient::ExamineConsumerConnectionInfo(
    const std::string& group) {
  return impl_->ExamineConsumerConnectionInfo(group);
}
Result<std::vector<ClientConnection>> AdminClient::ExamineProducerConnectionInfo(
    const std::string& group, const std::string& topic) {
  return impl_->ExamineProducerConnectionInfo(group, topic);
}
Result<std::map<MessageQueue, int64_t>> AdminClient::ResetOffsetByTimestamp(
    const std::string& topic, const std::string& group, int64_t timestamp_ms, bool force) {
  return impl_->ResetOffsetByTimestamp(topic, group, timestamp_ms, force);
}
Status AdminClient::UpdateConsumeOffset(const std::string& group, const MessageQueue& queue,
                                        int64_t offset) {
  return impl_->UpdateConsumeOffset(group, queue, offset);
}

Result<ConsumerRunningInfo> AdminClient::GetConsumerRunningInfo(const std::string& group,
                                                                const std::string& client_id,
                                                                bool jstack) {
  return impl_->GetConsumerRunningInfo(group, client_id, jstack);
}
Result<ConsumeDirectlyResult> AdminClient::ConsumeMessageDirectly(
    const std::string& group, const std::string& client_id, const std::string& offset_msg_id) {
  return impl_->ConsumeMessageDirectly(group, client_id, offset_msg_id);
}

Result<int64_t> AdminClient::MaxOffset(const MessageQueue& queue) {
  return impl_->MaxOffset(queue);
}
Result<int64_t> AdminClient::MinOffset(const MessageQueue& queue) {
  return impl_->MinOffset(queue);
}
Result<int64_t> AdminClient::SearchOffset(const MessageQueue& queue, int64_t timestamp_ms) {
  return impl_->SearchOffset(queue, timestamp_ms);
}

Result<MessageExt> AdminClient::ViewMessage(const std::string& offset_msg_id) {
  return impl_->ViewMessage(offset_msg_id);
}
Result<std::vector<MessageExt>> AdminClient::QueryMessageByKey(const std::string& topic,
                                                               const std::string& key,
                                                               int32_t max_num, int64_t begin_ms,
                                                               int64_t end_ms) {
  return impl_->QueryMessages(topic, key, max_num, begin_ms, end_ms, false);
}
Result<std::vector<MessageExt>> AdminClient::QueryMessageByUniqueKey(const std::string& topic,
                                                                     const std::string& msg_id) {
  // Java's queryMessageByUniqKey: 32 at most, and the whole index (Orbit does not narrow the
  // range by the time in the id).
  return impl_->QueryMessages(topic, msg_id, 32, 0, std::numeric_limits<int64_t>::max(), true);
}

}  // namespace orbit
