// Group and offset commands of orbit-admin: updateSubGroup, deleteSubGroup, consumerProgress,
// consumerConnection, producerConnection, resetOffsetByTime (Apache's tools/command/consumer,
// connection and offset).

#include <fmt/format.h>

#include <algorithm>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

constexpr const char* kRetryPrefix = "%RETRY%";
constexpr const char* kDlqPrefix = "%DLQ%";

// ---- updateSubGroup

struct UpdateSubGroupOptions {
  BrokerTarget target;
  SubscriptionGroupSettings settings;
  UpdateSubGroupOptions() {
    // mqadmin's defaults differ from the broker's here.
    settings.consume_broadcast_enable = false;
    settings.consume_from_min_enable = false;
  }
};

void AddUpdateSubGroup(CLI::App* cmd, UpdateSubGroupOptions* o) {
  SubscriptionGroupSettings& s = o->settings;
  AddBrokerTarget(cmd, &o->target);
  cmd->add_option("-g,--groupName", s.group, "consumer group name")->required();
  AddBool(cmd, "-s,--consumeEnable", &s.consume_enable, "consume enabled (default true)");
  AddBool(cmd, "-m,--consumeFromMinEnable", &s.consume_from_min_enable,
          "start from the queue's min offset (default false)");
  AddBool(cmd, "-d,--consumeBroadcastEnable", &s.consume_broadcast_enable,
          "broadcast consumption (default false)");
  cmd->add_option("-q,--retryQueueNums", s.retry_queue_nums, "retry queues")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("-r,--retryMaxTimes", s.retry_max_times, "deliveries before the DLQ")
      ->capture_default_str()
      ->check(CLI::Range(0, 1000));
  cmd->add_option("-i,--brokerId", s.broker_id, "broker id consumers pull from")
      ->capture_default_str();
  cmd->add_option("-w,--whichBrokerWhenConsumeSlowly", s.which_broker_when_consume_slowly,
                  "broker id when consumption is slow")
      ->capture_default_str();
  AddBool(cmd, "-a,--notifyConsumerIdsChanged", &s.notify_consumer_ids_changed_enable,
          "notify consumers when the group changes (default true)");
}

std::string CheckUpdateSubGroup(const UpdateSubGroupOptions& o) {
  return CheckBrokerTarget(o.target);
}

Status RunUpdateSubGroup(const CommonOptions& common, const UpdateSubGroupOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  ORBIT_ASSIGN_OR_RETURN(auto addrs, TargetBrokers(*admin, o.target));
  const SubscriptionGroupSettings& s = o.settings;
  Json brokers = Json::Array();
  for (const auto& addr : addrs) {
    ORBIT_RETURN_IF_ERROR(Explain(admin->CreateOrUpdateSubscriptionGroup(addr, s),
                                  "creating group " + s.group + " at " + addr));
    if (!out.json()) out.Line(fmt::format("create subscription group to {} success.", addr));
    brokers.Push(addr);
  }
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("groupName", s.group)
                 .Set("consumeEnable", s.consume_enable)
                 .Set("consumeFromMinEnable", s.consume_from_min_enable)
                 .Set("consumeBroadcastEnable", s.consume_broadcast_enable)
                 .Set("retryQueueNums", s.retry_queue_nums)
                 .Set("retryMaxTimes", s.retry_max_times)
                 .Set("brokerId", s.broker_id)
                 .Set("whichBrokerWhenConsumeSlowly", s.which_broker_when_consume_slowly)
                 .Set("notifyConsumerIdsChangedEnable", s.notify_consumer_ids_changed_enable)
                 .Set("brokers", std::move(brokers)));
  } else {
    out.Line(fmt::format(
        "SubscriptionGroupConfig [groupName={}, consumeEnable={}, consumeFromMinEnable={}, "
        "consumeBroadcastEnable={}, retryQueueNums={}, retryMaxTimes={}, brokerId={}, "
        "whichBrokerWhenConsumeSlowly={}, notifyConsumerIdsChangedEnable={}]",
        s.group, s.consume_enable, s.consume_from_min_enable, s.consume_broadcast_enable,
        s.retry_queue_nums, s.retry_max_times, s.broker_id, s.which_broker_when_consume_slowly,
        s.notify_consumer_ids_changed_enable));
  }
  return Status::Ok();
}

// ---- deleteSubGroup

struct DeleteSubGroupOptions {
  BrokerTarget target;
  std::string group;
};

void AddDeleteSubGroup(CLI::App* cmd, DeleteSubGroupOptions* o) {
  AddBrokerTarget(cmd, &o->target);
  cmd->add_option("-g,--groupName", o->group, "consumer group name")->required();
}

std::string CheckDeleteSubGroup(const DeleteSubGroupOptions& o) {
  return CheckBrokerTarget(o.target);
}

Status RunDeleteSubGroup(const CommonOptions& common, const DeleteSubGroupOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  ORBIT_ASSIGN_OR_RETURN(auto addrs, TargetBrokers(*admin, o.target));
  Json brokers = Json::Array();
  for (const auto& addr : addrs) {
    ORBIT_RETURN_IF_ERROR(Explain(admin->DeleteSubscriptionGroup(addr, o.group),
                                  "deleting group " + o.group + " at " + addr));
    if (!out.json()) {
      out.Line(
          fmt::format("delete subscription group [{}] from broker [{}] success.", o.group, addr));
    }
    brokers.Push(addr);
  }
  // As mqadmin does for a whole cluster: the group's retry and DLQ topics go too (they may not
  // exist: failures are not errors).
  if (!o.target.cluster.empty()) {
    const std::set<std::string> addr_set(addrs.begin(), addrs.end());
    for (const std::string& topic :
         {std::string(kRetryPrefix) + o.group, std::string(kDlqPrefix) + o.group}) {
      if (admin->DeleteTopicInBrokers(addr_set, topic).ok() &&
          admin->DeleteTopicInNameServers(topic).ok() && !out.json()) {
        out.Line(
            fmt::format("delete topic [{}] from cluster [{}] success.", topic, o.target.cluster));
      }
    }
  }
  if (out.json()) {
    out.Emit(Json::Object().Set("groupName", o.group).Set("brokers", std::move(brokers)));
  }
  return Status::Ok();
}

// ---- consumerProgress

struct ConsumerProgressOptions {
  std::string group;
  std::string topic;
  bool show_client_ip = false;
};

void AddConsumerProgress(CLI::App* cmd, ConsumerProgressOptions* o) {
  cmd->add_option("-g,--groupName", o->group,
                  "consumer group (default: every group, one line each)");
  cmd->add_option("-t,--topicName", o->topic, "only this topic's queues");
  AddBool(cmd, "-s,--showClientIP", &o->show_client_ip,
          "add the #Client IP column: the IP of the client holding each queue (NA: none)");
}

std::string ConsumeTypeName(const std::string& consume_type) {
  if (consume_type == "CONSUME_PASSIVELY") return "PUSH";
  if (consume_type == "CONSUME_ACTIVELY") return "PULL";
  return consume_type;
}

// Which client holds each queue of `group` (Apache's getMessageQueueAllocationResult): the
// queues in each online client's running info, mapped to the client's IP. Empty when nobody
// is online or answers, as Apache's tool leaves it.
std::map<MessageQueue, std::string> QueueHolders(AdminClient& admin, const std::string& group) {
  std::map<MessageQueue, std::string> out;
  auto conn = admin.ExamineConsumerConnectionInfo(group);
  if (!conn.ok()) return out;
  for (const ClientConnection& c : conn->connections) {
    auto info = admin.GetConsumerRunningInfo(group, c.client_id);
    if (!info.ok()) continue;
    const std::string ip = c.client_addr.substr(0, c.client_addr.find(':'));
    for (const auto& [queue, state] : info->queues) out[queue] = ip;
  }
  return out;
}

Status RunAllGroupsProgress(AdminClient& admin, Output& out) {
  auto topics = admin.FetchAllTopicList();
  if (!topics.ok()) return Explain(topics.status(), "listing topics");
  std::vector<std::string> groups;
  for (const std::string& t : *topics) {
    if (t.rfind(kRetryPrefix, 0) == 0) groups.push_back(t.substr(std::string(kRetryPrefix).size()));
  }
  std::sort(groups.begin(), groups.end());
  Table table({"#Group", "#Count", "#Version", "#Type", "#Model", "#TPS", "#Diff Total"});
  Json list = Json::Array();
  for (const std::string& group : groups) {
    auto stats = admin.ExamineConsumeStats(group);
    if (!stats.ok()) continue;  // a group without offsets anywhere
    auto conn = admin.ExamineConsumerConnectionInfo(group);
    const size_t count = conn.ok() ? conn->connections.size() : 0;
    // Apache prints the lowest version of the group's clients.
    int32_t min_version = 0;
    for (size_t i = 0; i < count; ++i) {
      const int32_t v = conn->connections[i].version;
      min_version = i == 0 ? v : std::min(min_version, v);
    }
    const std::string version = count > 0 ? VersionName(min_version) : "OFFLINE";
    const std::string type = conn.ok() ? ConsumeTypeName(conn->consume_type) : "";
    const std::string model = conn.ok() ? conn->message_model : "";
    table.AddRow({group, std::to_string(count), version, type, model,
                  fmt::format("{:.0f}", stats->consume_tps), std::to_string(stats->Diff())});
    list.Push(Json::Object()
                  .Set("group", group)
                  .Set("count", static_cast<int64_t>(count))
                  .Set("version", count > 0 ? Json(min_version) : Json())
                  .Set("versionDesc", count > 0 ? Json(version) : Json())
                  .Set("consumeType", type)
                  .Set("messageModel", model)
                  .Set("consumeTps", stats->consume_tps)
                  .Set("diffTotal", stats->Diff()));
  }
  if (out.json()) {
    out.Emit(list);
  } else {
    out.Print(table);
  }
  return Status::Ok();
}

Status RunConsumerProgress(const CommonOptions& common, const ConsumerProgressOptions& o,
                           Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  if (o.group.empty()) return RunAllGroupsProgress(*admin, out);
  auto stats = admin->ExamineConsumeStats(o.group, o.topic);
  if (!stats.ok()) return Explain(stats.status(), "progress of group " + o.group);
  std::vector<std::string> header = {"#Topic", "#Broker Name", "#QID", "#Broker Offset",
                                     "#Consumer Offset"};
  if (o.show_client_ip) header.push_back("#Client IP");
  header.insert(header.end(), {"#Diff", "#LastTime"});
  Table table(header);
  std::map<MessageQueue, std::string> holders;
  if (o.show_client_ip) holders = QueueHolders(*admin, o.group);
  Json queues = Json::Array();
  for (const QueueProgress& q : stats->queues) {
    std::vector<std::string> row = {
        q.queue.topic, q.queue.broker_name, std::to_string(q.queue.queue_id),
        std::to_string(q.broker_offset), std::to_string(q.consumer_offset)};
    auto holder = holders.find(q.queue);
    const std::string client_ip = holder != holders.end() ? holder->second : "";
    if (o.show_client_ip) row.push_back(client_ip.empty() ? "NA" : client_ip);
    row.push_back(std::to_string(q.broker_offset - q.consumer_offset));
    row.push_back(q.last_timestamp > 0 ? HumanTime(q.last_timestamp) : "N/A");
    table.AddRow(std::move(row));
    Json queue = Json::Object()
                     .Set("topic", q.queue.topic)
                     .Set("brokerName", q.queue.broker_name)
                     .Set("queueId", q.queue.queue_id)
                     .Set("brokerOffset", q.broker_offset)
                     .Set("consumerOffset", q.consumer_offset)
                     .Set("diff", q.broker_offset - q.consumer_offset)
                     .Set("lastTimestamp", q.last_timestamp);
    if (o.show_client_ip) queue.Set("clientIp", client_ip.empty() ? Json() : Json(client_ip));
    queues.Push(std::move(queue));
  }
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("group", o.group)
                 .Set("queues", std::move(queues))
                 .Set("consumeTps", stats->consume_tps)
                 .Set("diffTotal", stats->Diff()));
  } else {
    out.Print(table);
    out.Line("");
    out.Line(fmt::format("Consume TPS: {:.2f}", stats->consume_tps));
    out.Line(fmt::format("Diff Total: {}", stats->Diff()));
  }
  return Status::Ok();
}

// ---- consumerConnection

struct ConsumerConnectionOptions {
  std::string group;
};

void AddConsumerConnection(CLI::App* cmd, ConsumerConnectionOptions* o) {
  cmd->add_option("-g,--consumerGroup", o->group, "consumer group name")->required();
}

Json ConnectionsJson(const std::vector<ClientConnection>& connections) {
  Json list = Json::Array();
  for (const ClientConnection& c : connections) {
    list.Push(Json::Object()
                  .Set("clientId", c.client_id)
                  .Set("clientAddr", c.client_addr)
                  .Set("language", c.language)
                  .Set("version", c.version)
                  .Set("versionDesc", VersionName(c.version)));
  }
  return list;
}

Table ConnectionsTable(const std::vector<ClientConnection>& connections) {
  Table table({"#", "#ClientId", "#ClientAddr", "#Language", "#Version"});
  int i = 0;
  for (const ClientConnection& c : connections) {
    table.AddRow({fmt::format("{:03}", ++i), c.client_id, c.client_addr, c.language,
                  VersionName(c.version)});
  }
  return table;
}

Status RunConsumerConnection(const CommonOptions& common, const ConsumerConnectionOptions& o,
                             Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto info = admin->ExamineConsumerConnectionInfo(o.group);
  if (!info.ok()) return Explain(info.status(), "connections of group " + o.group);
  if (out.json()) {
    Json subs = Json::Object();
    for (const auto& [topic, expr] : info->subscriptions) subs.Set(topic, expr);
    out.Emit(Json::Object()
                 .Set("group", o.group)
                 .Set("connections", ConnectionsJson(info->connections))
                 .Set("subscriptions", std::move(subs))
                 .Set("consumeType", info->consume_type)
                 .Set("messageModel", info->message_model)
                 .Set("consumeFromWhere", info->consume_from_where));
    return Status::Ok();
  }
  out.Print(ConnectionsTable(info->connections));
  out.Line("");
  out.Line("Below is subscription:");
  Table subs({"#", "#Topic", "#SubExpression"});
  int i = 0;
  for (const auto& [topic, expr] : info->subscriptions) {
    subs.AddRow({fmt::format("{:03}", ++i), topic, expr});
  }
  out.Print(subs);
  out.Line("");
  out.Line("ConsumeType: " + info->consume_type);
  out.Line("MessageModel: " + info->message_model);
  out.Line("ConsumeFromWhere: " + info->consume_from_where);
  return Status::Ok();
}

// ---- producerConnection

struct ProducerConnectionOptions {
  std::string group;
  std::string topic;
};

void AddProducerConnection(CLI::App* cmd, ProducerConnectionOptions* o) {
  cmd->add_option("-g,--producerGroup", o->group, "producer group name")->required();
  cmd->add_option("-t,--topic", o->topic, "topic the producers send to")->required();
}

Status RunProducerConnection(const CommonOptions& common, const ProducerConnectionOptions& o,
                             Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto conns = admin->ExamineProducerConnectionInfo(o.group, o.topic);
  if (!conns.ok()) return Explain(conns.status(), "connections of producer group " + o.group);
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("group", o.group)
                 .Set("topic", o.topic)
                 .Set("connections", ConnectionsJson(*conns)));
  } else {
    out.Print(ConnectionsTable(*conns));
  }
  return Status::Ok();
}

// ---- resetOffsetByTime

struct ResetOffsetOptions {
  std::string group;
  std::string topic;
  std::string timestamp;
  bool force = true;
  bool cplus = false;
};

void AddResetOffset(CLI::App* cmd, ResetOffsetOptions* o) {
  cmd->add_option("-g,--group", o->group, "consumer group")->required();
  cmd->add_option("-t,--topic", o->topic, "topic")->required();
  cmd->add_option("-s,--timestamp", o->timestamp,
                  "now | milliseconds since the epoch | yyyy-MM-dd#HH:mm:ss:SSS")
      ->required();
  AddBool(cmd, "-f,--force", &o->force, "also move offsets back (default true)");
  cmd->add_flag("-c,--cplus", o->cplus, "accepted for mqadmin compatibility (no effect)");
}

Status RunResetOffset(const CommonOptions& common, const ResetOffsetOptions& o, Output& out) {
  int64_t timestamp = -1;
  if (o.timestamp != "now") {
    ORBIT_ASSIGN_OR_RETURN(timestamp, ParseTimestamp(o.timestamp));
  }
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto offsets = admin->ResetOffsetByTimestamp(o.topic, o.group, timestamp, o.force);
  if (!offsets.ok()) {
    return Explain(offsets.status(), "resetting group " + o.group + " on topic " + o.topic);
  }
  Table table({"#brokerName", "#queueId", "#offset"});
  Json list = Json::Array();
  for (const auto& [mq, offset] : *offsets) {
    table.AddRow({mq.broker_name, std::to_string(mq.queue_id), std::to_string(offset)});
    list.Push(Json::Object()
                  .Set("brokerName", mq.broker_name)
                  .Set("queueId", mq.queue_id)
                  .Set("offset", offset));
  }
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("group", o.group)
                 .Set("topic", o.topic)
                 .Set("force", o.force)
                 .Set("timestamp", timestamp)
                 .Set("offsets", std::move(list)));
  } else {
    out.Line(
        fmt::format("rollback consumer offset by specified group[{}], topic[{}], force[{}], "
                    "timestamp(string)[{}], timestamp(long)[{}]",
                    o.group, o.topic, o.force, o.timestamp, timestamp));
    out.Print(table);
  }
  return Status::Ok();
}

}  // namespace

void AddGroupCommands(std::vector<Command>* commands) {
  commands->push_back(MakeCommand<UpdateSubGroupOptions>(
      "updateSubGroup", "Create or update a subscription group on a broker or a cluster",
      AddUpdateSubGroup, RunUpdateSubGroup, CheckUpdateSubGroup));
  commands->push_back(MakeCommand<DeleteSubGroupOptions>(
      "deleteSubGroup", "Delete a subscription group from a broker or a cluster", AddDeleteSubGroup,
      RunDeleteSubGroup, CheckDeleteSubGroup));
  commands->push_back(MakeCommand<ConsumerProgressOptions>(
      "consumerProgress", "Show a group's offsets and lag per queue (or every group's totals)",
      AddConsumerProgress, RunConsumerProgress));
  commands->push_back(MakeCommand<ConsumerConnectionOptions>(
      "consumerConnection", "List a consumer group's online clients and subscriptions",
      AddConsumerConnection, RunConsumerConnection));
  commands->push_back(MakeCommand<ProducerConnectionOptions>(
      "producerConnection", "List a producer group's online clients", AddProducerConnection,
      RunProducerConnection));
  commands->push_back(MakeCommand<ResetOffsetOptions>(
      "resetOffsetByTime", "Reset a group's offsets of a topic to a point in time", AddResetOffset,
      RunResetOffset));
}

}  // namespace orbit::admin
