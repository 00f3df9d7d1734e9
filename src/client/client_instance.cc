#include "client/client_instance.h"

#include <unistd.h>

#include <algorithm>
#include <cstdlib>
#include <random>

#include "base/host.h"
#include "base/log.h"
#include "client/received.h"
#include "client/topic_publish_info.h"
#include "net/http_get.h"
#include "protocol/codes.h"

namespace orbit::client {

using protocol::RemotingCommand;

// Java's rocketmq.client.rebalance.waitInterval default.
constexpr int64_t kRebalanceIntervalMs = 20000;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// The process's instances by client id (Java's MQClientManager).
struct InstanceTable {
  Mutex mu;
  std::map<std::string, std::weak_ptr<ClientInstance>> instances ORBIT_GUARDED_BY(mu);
};

InstanceTable& Instances() {
  static auto* table = new InstanceTable();  // never destroyed: used until the process exits
  return *table;
}

std::vector<std::string> SplitAddrs(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(';', start);
    if (end == std::string::npos) end = text.size();
    std::string part = text.substr(start, end - start);
    part.erase(0, part.find_first_not_of(" \t"));
    part.erase(part.find_last_not_of(" \t") + 1);
    if (!part.empty()) out.push_back(part);
    start = end + 1;
  }
  return out;
}

// Routes compare equal when their queue and broker datas do, whatever their order (Java's
// topicRouteDataIsChange sorts both lists first).
bool SameRoute(protocol::TopicRouteData a, protocol::TopicRouteData b) {
  auto by_queue = [](const protocol::QueueData& x, const protocol::QueueData& y) {
    return x.broker_name < y.broker_name;
  };
  auto by_broker = [](const protocol::BrokerData& x, const protocol::BrokerData& y) {
    return x.broker_name < y.broker_name;
  };
  std::sort(a.queue_datas.begin(), a.queue_datas.end(), by_queue);
  std::sort(b.queue_datas.begin(), b.queue_datas.end(), by_queue);
  std::sort(a.broker_datas.begin(), a.broker_datas.end(), by_broker);
  std::sort(b.broker_datas.begin(), b.broker_datas.end(), by_broker);
  return a.queue_datas == b.queue_datas && a.broker_datas == b.broker_datas &&
         a.order_topic_conf == b.order_topic_conf;
}

// Java's topicRouteData2TopicSubscribeInfo: every readable queue of every broker.
std::vector<MessageQueue> ReadableQueues(const std::string& topic,
                                         const protocol::TopicRouteData& route) {
  std::vector<MessageQueue> queues;
  for (const auto& qd : route.queue_datas) {
    if ((qd.perm & protocol::kPermRead) == 0) continue;
    for (int32_t i = 0; i < qd.read_queue_nums; ++i) {
      queues.push_back(MessageQueue{topic, qd.broker_name, i});
    }
  }
  return queues;
}

}  // namespace

std::string ClientInstance::BuildClientId(const ClientConfig& config) {
  static std::atomic<uint64_t> counter{0};
  std::string ip = config.client_ip.empty() ? LocalIpv4Address() : config.client_ip;
  std::string instance = config.instance_name;
  if (instance.empty()) {
    // Java: "<pid>#<System.nanoTime()>"; a per-process counter keeps ids unique and short.
    instance = std::to_string(::getpid()) + "#" + std::to_string(counter.fetch_add(1));
  }
  std::string id = ip + "@" + instance;
  if (!config.unit_name.empty()) id += "@" + config.unit_name;
  return id;
}

std::shared_ptr<ClientInstance> ClientInstance::GetOrCreate(const ClientConfig& config,
                                                            const std::string& client_id) {
  InstanceTable& table = Instances();
  MutexLock lock(table.mu);
  auto& slot = table.instances[client_id];
  if (auto existing = slot.lock()) return existing;
  auto created = std::make_shared<ClientInstance>(config, client_id);
  slot = created;
  return created;
}

ClientInstance::ClientInstance(ClientConfig config, std::string client_id)
    : config_(std::move(config)), client_id_(std::move(client_id)) {
  net::ClientOptions options;
  options.io_threads = std::max(1, config_.io_threads);
  options.connect_timeout_ms = 3000;
  options.thread_name = "orbit-client-io";
  remoting_ = std::make_unique<net::RemotingClient>(options);
  for (int32_t code :
       {RequestCode::kCheckTransactionState, RequestCode::kPushReplyMessageToClient,
        RequestCode::kNotifyConsumerIdsChanged, RequestCode::kResetConsumerClientOffset,
        RequestCode::kGetConsumerRunningInfo, RequestCode::kConsumeMessageDirectly}) {
    remoting_->RegisterProcessor(code, [this](const net::ConnectionPtr& conn, RemotingCommand req) {
      OnBrokerRequest(conn, std::move(req));
    });
  }
  std::string addrs = config_.namesrv_addr;
  if (addrs.empty()) {
    const char* env = std::getenv("NAMESRV_ADDR");
    if (env != nullptr) addrs = env;
  }
  MutexLock lock(mu_);
  namesrvs_ = SplitAddrs(addrs);
  if (!namesrvs_.empty()) {
    // Java starts at a random name server and moves on when one fails.
    std::random_device rd;
    namesrv_index_ = rd() % namesrvs_.size();
  }
}

ClientInstance::~ClientInstance() {
  Stop();
  remoting_->Shutdown();
}

Status ClientInstance::StartLocked() {
  if (started_) return Status::Ok();
  if (namesrvs_.empty()) {
    return Status(ErrorCode::kNoNameServer,
                  "no name server address: set namesrv_addr (\"host:port;host:port\"), the "
                  "NAMESRV_ADDR environment variable or a namesrv_lookup_url that answers");
  }
  started_ = true;
  scheduler_.Add("update-routes", 10, config_.poll_name_server_interval_ms,
                 [this] { RefreshAllRoutes(); });
  if (config_.namesrv_addr.empty() && !config_.namesrv_lookup_url.empty()) {
    scheduler_.Add("fetch-namesrv-addr", 10 * 1000, 2 * 60 * 1000, [this] { LookUpNameServers(); });
  }
  scheduler_.Add("heartbeat", 1000, config_.heartbeat_broker_interval_ms, [this] {
    CleanOfflineBrokers();
    SendHeartbeatToAllBrokers();
  });
  scheduler_.Add("persist-offsets", 10 * 1000, config_.persist_consumer_offset_interval_ms,
                 [this] { PersistAllOffsets(); });
  scheduler_.Add("rebalance", kRebalanceIntervalMs, kRebalanceIntervalMs,
                 [this] { RebalanceAll(); });
  scheduler_.Start();
  ORBIT_LOG_DEBUG("client instance {} started (name servers {})", client_id_, namesrvs_.front());
  return Status::Ok();
}

void ClientInstance::Stop() {
  {
    MutexLock lock(mu_);
    if (!started_) return;
    started_ = false;
  }
  scheduler_.Stop();
  {
    InstanceTable& table = Instances();
    MutexLock lock(table.mu);
    auto it = table.instances.find(client_id_);
    if (it != table.instances.end() && it->second.lock().get() == this) table.instances.erase(it);
  }
  ORBIT_LOG_DEBUG("client instance {} stopped", client_id_);
}

void ClientInstance::LookUpNameServersBeforeStart() {
  bool look_up = false;
  {
    MutexLock lock(mu_);
    look_up = !started_ && namesrvs_.empty() && !config_.namesrv_lookup_url.empty();
  }
  // Java fetches the list once at start when no address is configured (blocking the start).
  if (look_up) LookUpNameServers();
}

Status ClientInstance::RegisterProducer(const std::string& group, ProducerListener* listener) {
  LookUpNameServersBeforeStart();
  MutexLock lock(mu_);
  if (producers_.count(group) != 0) {
    return InvalidArgument("the producer group[" + group +
                           "] has been created before, specify another name please");
  }
  ORBIT_RETURN_IF_ERROR(StartLocked());
  producers_[group] = listener;
  return Status::Ok();
}

void ClientInstance::UnregisterProducer(const std::string& group) {
  bool last = false;
  {
    MutexLock lock(mu_);
    if (producers_.erase(group) == 0) return;
    last = producers_.empty() && consumers_.empty() && admins_.empty();
  }
  UnregisterFromBrokers(group, "");
  if (last) Stop();
}

Status ClientInstance::RegisterConsumer(const std::string& group, ConsumerListener* listener) {
  LookUpNameServersBeforeStart();
  MutexLock lock(mu_);
  if (consumers_.count(group) != 0) {
    return InvalidArgument("the consumer group[" + group +
                           "] has been created before, specify another name please");
  }
  ORBIT_RETURN_IF_ERROR(StartLocked());
  consumers_[group] = listener;
  return Status::Ok();
}

void ClientInstance::UnregisterConsumer(const std::string& group) {
  bool last = false;
  {
    MutexLock lock(mu_);
    if (consumers_.erase(group) == 0) return;
    last = producers_.empty() && consumers_.empty() && admins_.empty();
  }
  // A rebalance or offset persistence may be running on the consumer right now: it must end
  // before the consumer can go away.
  if (!scheduler_.InSchedulerThread()) scheduler_.WaitIdle();
  UnregisterFromBrokers("", group);
  if (last) Stop();
}

Status ClientInstance::RegisterAdmin(const std::string& group) {
  LookUpNameServersBeforeStart();
  MutexLock lock(mu_);
  if (admins_.count(group) != 0) {
    return InvalidArgument("the admin group[" + group +
                           "] has been created before, specify another name please");
  }
  ORBIT_RETURN_IF_ERROR(StartLocked());
  admins_.insert(group);
  return Status::Ok();
}

void ClientInstance::UnregisterAdmin(const std::string& group) {
  bool last = false;
  {
    MutexLock lock(mu_);
    if (admins_.erase(group) == 0) return;
    last = producers_.empty() && consumers_.empty() && admins_.empty();
  }
  if (last) Stop();
}

void ClientInstance::UnregisterFromBrokers(const std::string& producer_group,
                                           const std::string& consumer_group) {
  std::vector<std::string> addrs;
  {
    MutexLock lock(mu_);
    for (const auto& [name, ids] : broker_addrs_) {
      for (const auto& [id, addr] : ids) addrs.push_back(addr);
    }
  }
  for (const auto& addr : addrs) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kUnregisterClient);
    protocol::UnregisterClientRequestHeader h;
    h.client_id = client_id_;
    if (!producer_group.empty()) h.producer_group = producer_group;
    if (!consumer_group.empty()) h.consumer_group = consumer_group;
    h.Encode(&req.ext_fields);
    auto resp = InvokeSync(addr, std::move(req), config_.mq_client_api_timeout_ms);
    if (!resp.ok()) {
      ORBIT_LOG_WARN("unregister client {} from {}: {}", client_id_, addr,
                     resp.status().ToString());
    }
  }
}

std::vector<ConsumerListener*> ClientInstance::Consumers() const {
  MutexLock lock(mu_);
  std::vector<ConsumerListener*> out;
  for (const auto& [group, listener] : consumers_) out.push_back(listener);
  return out;
}

void ClientInstance::RebalanceAll() {
  for (ConsumerListener* consumer : Consumers()) consumer->DoRebalance();
}

void ClientInstance::PersistAllOffsets() {
  for (ConsumerListener* consumer : Consumers()) consumer->PersistOffsets();
}

void ClientInstance::RebalanceSoon() {
  scheduler_.Post([this] { RebalanceAll(); });
}

Result<std::vector<std::string>> ClientInstance::FindConsumerIdList(const std::string& topic,
                                                                    const std::string& group) {
  auto any_broker = [&]() -> std::string {
    MutexLock lock(mu_);
    auto it = routes_.find(topic);
    if (it == routes_.end()) return "";
    for (const auto& broker : it->second.broker_datas) {
      auto master = broker.broker_addrs.find(0);
      if (master != broker.broker_addrs.end()) return master->second;
      if (!broker.broker_addrs.empty()) return broker.broker_addrs.begin()->second;
    }
    return "";
  };
  std::string addr = any_broker();
  if (addr.empty()) {
    ORBIT_RETURN_IF_ERROR(UpdateTopicRoute(topic).status());
    addr = any_broker();
  }
  if (addr.empty()) {
    return Status(ErrorCode::kNoRoute, "no broker serves topic " + topic);
  }
  RemotingCommand req = RemotingCommand::Request(RequestCode::kGetConsumerListByGroup);
  protocol::GetConsumerListByGroupRequestHeader h;
  h.consumer_group = group;
  h.Encode(&req.ext_fields);
  ORBIT_ASSIGN_OR_RETURN(auto resp,
                         InvokeSync(addr, std::move(req), config_.mq_client_api_timeout_ms));
  if (resp.code != ResponseCode::kSuccess) {
    return Status::Remote(
        resp.code, "consumers of " + group + " at " + addr + ": " + resp.remark.value_or(""));
  }
  ORBIT_ASSIGN_OR_RETURN(auto body,
                         protocol::GetConsumerListByGroupResponseBody::Decode(resp.body));
  return body.consumer_id_list;
}

std::string ClientInstance::FindBrokerAddressInSubscribe(const std::string& broker_name) const {
  MutexLock lock(mu_);
  auto it = broker_addrs_.find(broker_name);
  if (it == broker_addrs_.end() || it->second.empty()) return "";
  auto master = it->second.find(0);
  return master != it->second.end() ? master->second : it->second.begin()->second;
}

void ClientInstance::LookUpNameServers() {
  auto body = net::HttpGet(config_.namesrv_lookup_url, config_.mq_client_api_timeout_ms);
  if (!body.ok()) {
    ORBIT_LOG_WARN("name server lookup at {}: {}", config_.namesrv_lookup_url,
                   body.status().ToString());
    return;
  }
  std::vector<std::string> addrs = SplitAddrs(*body);
  for (auto& a : addrs) {
    while (!a.empty() && (a.back() == '\n' || a.back() == '\r')) a.pop_back();
  }
  addrs.erase(std::remove(addrs.begin(), addrs.end(), std::string()), addrs.end());
  if (addrs.empty()) {
    ORBIT_LOG_WARN("name server lookup at {} answered no address", config_.namesrv_lookup_url);
    return;
  }
  MutexLock lock(mu_);
  if (addrs == namesrvs_) return;
  ORBIT_LOG_INFO("name servers from {}: {}", config_.namesrv_lookup_url, *body);
  namesrvs_ = std::move(addrs);
  std::random_device rd;
  namesrv_index_ = rd() % namesrvs_.size();
}

void ClientInstance::SetReplyHandler(BrokerRequestHandler handler) {
  MutexLock lock(mu_);
  reply_handler_ = std::move(handler);
}

void ClientInstance::OnBrokerRequest(const net::ConnectionPtr& conn, RemotingCommand request) {
  if (request.code == RequestCode::kPushReplyMessageToClient) {
    BrokerRequestHandler handler;
    {
      MutexLock lock(mu_);
      handler = reply_handler_;
    }
    if (handler) {
      handler(conn, std::move(request));
    } else if (!request.is_oneway()) {
      net::Reply(conn, request,
                 RemotingCommand::ResponseTo(request, ResponseCode::kSystemError,
                                             "no requester in this client"));
    }
    return;
  }
  if (request.code == RequestCode::kCheckTransactionState) {
    std::vector<ProducerListener*> listeners;
    const std::string* group_field = request.ext_fields.Find("producerGroup");
    std::string group = group_field != nullptr ? *group_field : "";
    {
      MutexLock lock(mu_);
      for (const auto& [name, listener] : producers_) {
        if (group.empty() || name == group) listeners.push_back(listener);
      }
    }
    // Java hands the check to the producer of the message's group (PGROUP property); the
    // header carries no group, so the producer looks at the message itself.
    for (ProducerListener* listener : listeners) {
      listener->OnCheckTransactionState(conn->remote_address(), request);
    }
    return;
  }
  if (request.code == RequestCode::kResetConsumerClientOffset ||
      request.code == RequestCode::kGetConsumerRunningInfo ||
      request.code == RequestCode::kConsumeMessageDirectly) {
    OnConsumerAdminRequest(conn, std::move(request));
    return;
  }
  if (request.code == RequestCode::kNotifyConsumerIdsChanged) {
    // Oneway; a group changed at a broker: rebalance every consumer now (as Java does).
    const std::string* group = request.ext_fields.Find("consumerGroup");
    ORBIT_LOG_INFO("broker {} says the consumers of {} changed; rebalancing",
                   conn->remote_address(), group != nullptr ? *group : std::string("?"));
    RebalanceSoon();
  }
}

ConsumerListener* ClientInstance::FindConsumer(const std::string& group) const {
  MutexLock lock(mu_);
  auto it = consumers_.find(group);
  return it == consumers_.end() ? nullptr : it->second;
}

namespace {

// The reset offsets in either body: a broker sends the list form (ResetOffsetBodyForC) when the
// operator's tool announced itself as C++, the map form otherwise.
Result<std::map<MessageQueue, int64_t>> DecodeResetOffsets(std::string_view body) {
  std::map<MessageQueue, int64_t> offsets;
  if (auto map_form = protocol::ResetOffsetBody::Decode(body); map_form.ok()) {
    for (const auto& [mq, offset] : map_form->offset_table) {
      offsets[MessageQueue{mq.topic, mq.broker_name, mq.queue_id}] = offset;
    }
    return offsets;
  }
  auto list_form = protocol::ResetOffsetBodyForC::Decode(body);
  if (!list_form.ok()) return list_form.status();
  for (const auto& entry : list_form->offset_table) {
    offsets[MessageQueue{entry.topic, entry.broker_name, entry.queue_id}] = entry.offset;
  }
  return offsets;
}

}  // namespace

void ClientInstance::OnConsumerAdminRequest(const net::ConnectionPtr& conn,
                                            RemotingCommand request) {
  auto answer = [&conn, &request](int32_t code, std::string remark, std::string body = {}) {
    if (request.is_oneway()) return;
    RemotingCommand response = RemotingCommand::ResponseTo(request, code, std::move(remark));
    response.body = std::move(body);
    net::Reply(conn, request, std::move(response));
  };
  const std::string* group_field = request.ext_fields.Find(
      request.code == RequestCode::kResetConsumerClientOffset ? "group" : "consumerGroup");
  std::string group = group_field != nullptr ? *group_field : "";
  ConsumerListener* consumer = FindConsumer(group);
  if (consumer == nullptr) {
    answer(ResponseCode::kSystemError,
           "The Consumer Group <" + group + "> not exist in this consumer");
    return;
  }
  if (request.code == RequestCode::kResetConsumerClientOffset) {
    auto header = protocol::ResetOffsetRequestHeader::Decode(request.ext_fields);
    auto offsets = DecodeResetOffsets(request.body);
    if (!header.ok() || !offsets.ok()) {
      ORBIT_LOG_WARN("broker {}: malformed RESET_CONSUMER_CLIENT_OFFSET ignored: {}",
                     conn->remote_address(),
                     (!header.ok() ? header.status() : offsets.status()).ToString());
      answer(ResponseCode::kSystemError, "malformed reset offset request");
      return;
    }
    ORBIT_LOG_INFO("broker {} resets the offsets of group {} on topic {} ({} queues)",
                   conn->remote_address(), group, header->topic, offsets->size());
    consumer->OnResetOffset(header->topic, *offsets);
    answer(ResponseCode::kSuccess, "");
    return;
  }
  if (request.code == RequestCode::kGetConsumerRunningInfo) {
    std::optional<protocol::ConsumerRunningInfo> info = consumer->RunningInfo();
    if (!info) {
      answer(ResponseCode::kSystemError,
             "The Consumer Group <" + group + "> does not report its running info");
      return;
    }
    std::string namesrvs;
    for (const std::string& addr : NameServers()) {
      namesrvs += (namesrvs.empty() ? "" : ";") + addr;
    }
    info->properties[std::string(protocol::kPropNamesrvAddr)] = namesrvs;
    answer(ResponseCode::kSuccess, "", info->Encode());
    return;
  }
  // CONSUME_MESSAGE_DIRECTLY: the body is the stored record.
  auto header = protocol::ConsumeMessageDirectlyResultRequestHeader::Decode(request.ext_fields);
  auto record = protocol::DecodeRecord(request.body);
  Result<MessageExt> msg =
      record.ok() ? ToMessageExt(*record, header.ok() && header->broker_name ? *header->broker_name
                                                                             : std::string())
                  : Result<MessageExt>(record.status());
  if (!msg.ok()) {
    answer(ResponseCode::kSystemError, "cannot decode the message: " + msg.status().ToString());
    return;
  }
  request.body.clear();  // only the header is needed for the answer
  std::weak_ptr<net::Connection> weak_conn = conn;
  bool accepted = consumer->ConsumeMessageDirectly(
      std::move(*msg), [weak_conn, request](protocol::ConsumeMessageDirectlyResult result) {
        auto c = weak_conn.lock();
        if (!c || request.is_oneway()) return;
        RemotingCommand response = RemotingCommand::ResponseTo(request, ResponseCode::kSuccess, "");
        response.body = result.Encode();
        net::Reply(c, request, std::move(response));
      });
  if (!accepted) {
    answer(ResponseCode::kSystemError,
           "The Consumer Group <" + group + "> cannot consume a message directly");
  }
}

void ClientInstance::Prepare(RemotingCommand& request) const {
  request.serialize_type =
      config_.binary_header ? protocol::SerializeType::kRocketmq : protocol::SerializeType::kJson;
  if (!config_.rpc_hook) return;
  std::map<std::string, std::string> fields(request.ext_fields.begin(), request.ext_fields.end());
  RpcView view{request.code, fields, request.body};
  config_.rpc_hook->BeforeRequest("", view);
  protocol::ExtFields out;
  for (auto& [k, v] : fields) out.Set(k, std::move(v));
  request.ext_fields = std::move(out);
}

void ClientInstance::AfterResponse(const std::string& addr, const RemotingCommand& request,
                                   const RemotingCommand& response) const {
  if (!config_.rpc_hook) return;
  std::map<std::string, std::string> req_fields(request.ext_fields.begin(),
                                                request.ext_fields.end());
  std::map<std::string, std::string> resp_fields(response.ext_fields.begin(),
                                                 response.ext_fields.end());
  RpcView req_view{request.code, req_fields, request.body};
  RpcView resp_view{response.code, resp_fields, response.body};
  config_.rpc_hook->AfterResponse(addr, req_view, resp_view);
}

void ClientInstance::InvokeAsync(const std::string& addr, RemotingCommand request,
                                 int64_t timeout_ms, net::ResponseCallback callback) {
  Prepare(request);
  if (!config_.rpc_hook) {
    remoting_->InvokeAsync(addr, std::move(request), timeout_ms, std::move(callback));
    return;
  }
  auto copy = std::make_shared<RemotingCommand>(request);
  remoting_->InvokeAsync(
      addr, std::move(request), timeout_ms,
      [this, addr, copy, callback = std::move(callback)](Result<RemotingCommand> resp) {
        if (resp.ok()) AfterResponse(addr, *copy, *resp);
        callback(std::move(resp));
      });
}

Result<RemotingCommand> ClientInstance::InvokeSync(const std::string& addr, RemotingCommand request,
                                                   int64_t timeout_ms) {
  Prepare(request);
  std::optional<RemotingCommand> copy;
  if (config_.rpc_hook) copy = request;
  auto resp = remoting_->InvokeSync(addr, std::move(request), timeout_ms);
  if (copy && resp.ok()) AfterResponse(addr, *copy, *resp);
  return resp;
}

Status ClientInstance::InvokeOneway(const std::string& addr, RemotingCommand request) {
  Prepare(request);
  return remoting_->InvokeOneway(addr, std::move(request));
}

std::vector<std::string> ClientInstance::NameServers() const {
  MutexLock lock(mu_);
  return namesrvs_;
}

Result<protocol::TopicRouteData> ClientInstance::GetRouteFromNameServer(const std::string& topic,
                                                                        int64_t timeout_ms) {
  std::vector<std::string> namesrvs;
  size_t start = 0;
  {
    MutexLock lock(mu_);
    namesrvs = namesrvs_;
    start = namesrv_index_;
  }
  if (namesrvs.empty()) return Status(ErrorCode::kNoNameServer, "no name server address");
  Status last;
  for (size_t i = 0; i < namesrvs.size(); ++i) {
    size_t index = (start + i) % namesrvs.size();
    const std::string& addr = namesrvs[index];
    RemotingCommand req = RemotingCommand::Request(RequestCode::kGetRouteinfoByTopic);
    protocol::GetRouteInfoRequestHeader h;
    h.topic = topic;
    h.Encode(&req.ext_fields);
    auto resp = InvokeSync(addr, std::move(req), timeout_ms);
    if (!resp.ok()) {
      // A name server that cannot be reached: the next one, and keep it for later calls.
      last = Status(resp.status().code(), "name server " + addr + ": " + resp.status().message());
      MutexLock lock(mu_);
      if (namesrv_index_ == index) namesrv_index_ = (index + 1) % namesrvs.size();
      continue;
    }
    if (resp->code == ResponseCode::kTopicNotExist) {
      return Status(ErrorCode::kNoRoute, "No route info of this topic: " + topic);
    }
    if (resp->code != ResponseCode::kSuccess) {
      return Status::Remote(resp->code, resp->remark.value_or(""));
    }
    return protocol::TopicRouteData::Decode(resp->body);
  }
  return Status(ErrorCode::kNoNameServer, "no name server answered (" +
                                              std::to_string(namesrvs.size()) +
                                              " tried); last: " + last.message());
}

Result<bool> ClientInstance::UpdateTopicRoute(const std::string& topic,
                                              const std::string& default_topic,
                                              int32_t default_queue_nums) {
  MutexLock update_lock(route_update_mu_);
  protocol::TopicRouteData route;
  if (default_topic.empty()) {
    ORBIT_ASSIGN_OR_RETURN(route, GetRouteFromNameServer(topic, config_.mq_client_api_timeout_ms));
  } else {
    ORBIT_ASSIGN_OR_RETURN(route,
                           GetRouteFromNameServer(default_topic, config_.mq_client_api_timeout_ms));
    route = ClampDefaultTopicRoute(std::move(route), default_queue_nums);
  }
  std::vector<ProducerListener*> listeners;
  std::vector<ConsumerListener*> consumers;
  {
    MutexLock lock(mu_);
    auto it = routes_.find(topic);
    bool changed = it == routes_.end() || !SameRoute(it->second, route);
    if (!changed) return false;
    for (const auto& broker : route.broker_datas) {
      for (const auto& [id, addr] : broker.broker_addrs) {
        broker_addrs_[broker.broker_name][id] = addr;
      }
    }
    routes_[topic] = route;
    for (const auto& [group, listener] : producers_) listeners.push_back(listener);
    for (const auto& [group, consumer] : consumers_) consumers.push_back(consumer);
  }
  auto info = TopicPublishInfo::FromRoute(topic, route);
  for (ProducerListener* listener : listeners) listener->OnPublishInfo(topic, info);
  if (!consumers.empty() && default_topic.empty()) {
    std::vector<MessageQueue> queues = ReadableQueues(topic, route);
    for (ConsumerListener* consumer : consumers) consumer->OnSubscribeInfo(topic, queues);
  }
  return true;
}

std::optional<std::vector<MessageQueue>> ClientInstance::SubscribeQueues(
    const std::string& topic) const {
  MutexLock lock(mu_);
  auto it = routes_.find(topic);
  if (it == routes_.end()) return std::nullopt;
  return ReadableQueues(topic, it->second);
}

std::string ClientInstance::FindBrokerAddressInPublish(const std::string& broker_name) const {
  MutexLock lock(mu_);
  auto it = broker_addrs_.find(broker_name);
  if (it == broker_addrs_.end()) return "";
  auto master = it->second.find(0);
  return master == it->second.end() ? "" : master->second;
}

std::optional<int32_t> ClientInstance::BrokerVersion(const std::string& broker_addr) const {
  MutexLock lock(mu_);
  auto it = broker_versions_.find(broker_addr);
  if (it == broker_versions_.end()) return std::nullopt;
  return it->second;
}

void ClientInstance::RefreshAllRoutes() {
  std::set<std::string> topics;
  std::vector<ProducerListener*> listeners;
  {
    MutexLock lock(mu_);
    for (const auto& [group, listener] : producers_) listeners.push_back(listener);
  }
  for (ProducerListener* listener : listeners) {
    for (auto& topic : listener->PublishTopics()) topics.insert(std::move(topic));
  }
  for (ConsumerListener* consumer : Consumers()) {
    for (auto& topic : consumer->SubscribedTopics()) topics.insert(std::move(topic));
  }
  for (const auto& topic : topics) {
    auto changed = UpdateTopicRoute(topic);
    if (!changed.ok() && changed.status().code() != ErrorCode::kNoRoute) {
      ORBIT_LOG_WARN("route of {}: {}", topic, changed.status().ToString());
    }
  }
}

void ClientInstance::CleanOfflineBrokers() {
  MutexLock lock(mu_);
  std::map<std::string, std::map<int64_t, std::string>> live;
  for (const auto& [name, ids] : broker_addrs_) {
    for (const auto& [id, addr] : ids) {
      bool in_route = false;
      for (const auto& [topic, route] : routes_) {
        for (const auto& broker : route.broker_datas) {
          for (const auto& [rid, raddr] : broker.broker_addrs) in_route = in_route || raddr == addr;
        }
      }
      if (in_route) {
        live[name][id] = addr;
      } else {
        ORBIT_LOG_INFO("broker {} ({}) is in no route any more; forgotten", name, addr);
      }
    }
  }
  broker_addrs_ = std::move(live);
}

void ClientInstance::SendHeartbeatToAllBrokers() {
  protocol::HeartbeatData data;
  data.client_id = client_id_;
  std::vector<std::string> masters;
  std::vector<ConsumerListener*> consumers = Consumers();
  for (ConsumerListener* consumer : consumers) {
    data.consumer_data_set.push_back(consumer->HeartbeatEntry());
  }
  {
    MutexLock lock(mu_);
    if (producers_.empty() && consumers_.empty()) return;
    for (const auto& [group, listener] : producers_) {
      data.producer_data_set.push_back(protocol::ProducerData{group});
    }
    // Java always adds its internal producer group.
    data.producer_data_set.push_back(protocol::ProducerData{"CLIENT_INNER_PRODUCER"});
    // Without consumers only masters are told; consumers pull from slaves too.
    for (const auto& [name, ids] : broker_addrs_) {
      for (const auto& [id, addr] : ids) {
        if (id == 0 || !consumers.empty()) masters.push_back(addr);
      }
    }
  }
  const std::string body = data.Encode();
  for (const auto& addr : masters) {
    RemotingCommand req = RemotingCommand::Request(RequestCode::kHeartBeat);
    req.body = body;
    auto resp = InvokeSync(addr, std::move(req), config_.mq_client_api_timeout_ms);
    if (!resp.ok() || resp->code != ResponseCode::kSuccess) {
      ORBIT_LOG_WARN("heartbeat to {}: {}", addr,
                     resp.ok()
                         ? "code " + std::to_string(resp->code) + " " + resp->remark.value_or("")
                         : resp.status().ToString());
      continue;
    }
    MutexLock lock(mu_);
    broker_versions_[addr] = resp->version;
  }
}

}  // namespace orbit::client
