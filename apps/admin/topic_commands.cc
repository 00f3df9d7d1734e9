// Topic commands of orbit-admin: updateTopic, deleteTopic, topicList, topicRoute, topicStatus,
// topicClusterList (Apache's tools/command/topic).

#include <fmt/format.h>

#include <algorithm>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

constexpr const char* kRetryPrefix = "%RETRY%";
constexpr const char* kDlqPrefix = "%DLQ%";
// TopicSysFlag: unit topic, has unit subscription.
constexpr int32_t kFlagUnit = 0x1;
constexpr int32_t kFlagUnitSub = 0x2;

bool StartsWith(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// ---- updateTopic

struct UpdateTopicOptions {
  BrokerTarget target;
  std::string topic;
  int32_t read_queues = 8;
  int32_t write_queues = 8;
  int32_t perm = kPermRead | kPermWrite;
  bool order = false;
  bool unit = false;
  bool has_unit_sub = false;
};

void AddUpdateTopic(CLI::App* cmd, UpdateTopicOptions* o) {
  AddBrokerTarget(cmd, &o->target);
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-r,--readQueueNums", o->read_queues, "read queues")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("-w,--writeQueueNums", o->write_queues, "write queues")
      ->capture_default_str()
      ->check(CLI::Range(1, 1024));
  cmd->add_option("-p,--perm", o->perm, "permission: 2 write only, 4 read only, 6 read-write")
      ->capture_default_str()
      ->check(CLI::IsMember({2, 4, 6}));
  AddBool(cmd, "-o,--order", &o->order, "ordered topic (default false)");
  AddBool(cmd, "-u,--unit", &o->unit, "unit topic (default false)");
  AddBool(cmd, "-s,--hasUnitSub", &o->has_unit_sub, "has unit subscription (default false)");
}

std::string CheckUpdateTopic(const UpdateTopicOptions& o) { return CheckBrokerTarget(o.target); }

Status RunUpdateTopic(const CommonOptions& common, const UpdateTopicOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  TopicSettings settings;
  settings.topic = o.topic;
  settings.read_queue_nums = o.read_queues;
  settings.write_queue_nums = o.write_queues;
  settings.perm = o.perm;
  settings.order = o.order;
  settings.topic_sys_flag = (o.unit ? kFlagUnit : 0) | (o.has_unit_sub ? kFlagUnitSub : 0);
  ORBIT_ASSIGN_OR_RETURN(auto addrs, TargetBrokers(*admin, o.target));
  Json brokers = Json::Array();
  for (const std::string& addr : addrs) {
    ORBIT_RETURN_IF_ERROR(Explain(admin->CreateOrUpdateTopic(addr, settings),
                                  "creating topic " + o.topic + " at " + addr));
    if (!out.json()) out.Line(fmt::format("create topic to {} success.", addr));
    brokers.Push(addr);
  }
  if (out.json()) {
    out.Emit(Json::Object()
                 .Set("topic", o.topic)
                 .Set("readQueueNums", settings.read_queue_nums)
                 .Set("writeQueueNums", settings.write_queue_nums)
                 .Set("perm", settings.perm)
                 .Set("order", settings.order)
                 .Set("topicSysFlag", settings.topic_sys_flag)
                 .Set("brokers", std::move(brokers)));
  } else {
    out.Line(fmt::format(
        "TopicConfig [topicName={}, readQueueNums={}, writeQueueNums={}, perm={}, order={}, "
        "topicSysFlag={}]",
        o.topic, settings.read_queue_nums, settings.write_queue_nums, PermToString(settings.perm),
        settings.order, settings.topic_sys_flag));
  }
  return Status::Ok();
}

// ---- deleteTopic

struct DeleteTopicOptions {
  std::string topic;
  std::string cluster;
};

void AddDeleteTopic(CLI::App* cmd, DeleteTopicOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-c,--clusterName", o->cluster, "delete the topic from this cluster")->required();
}

Status RunDeleteTopic(const CommonOptions& common, const DeleteTopicOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  ORBIT_ASSIGN_OR_RETURN(auto addrs, TargetBrokers(*admin, BrokerTarget{"", o.cluster}));
  ORBIT_RETURN_IF_ERROR(Explain(
      admin->DeleteTopicInBrokers(std::set<std::string>(addrs.begin(), addrs.end()), o.topic),
      "deleting topic " + o.topic + " from the brokers"));
  ORBIT_RETURN_IF_ERROR(Explain(admin->DeleteTopicInNameServers(o.topic),
                                "deleting topic " + o.topic + " from the name servers"));
  if (out.json()) {
    Json brokers = Json::Array();
    for (const auto& addr : addrs) brokers.Push(addr);
    out.Emit(Json::Object()
                 .Set("topic", o.topic)
                 .Set("cluster", o.cluster)
                 .Set("brokers", std::move(brokers)));
  } else {
    out.Line(fmt::format("delete topic [{}] from cluster [{}] success.", o.topic, o.cluster));
    out.Line(fmt::format("delete topic [{}] from NameServer success.", o.topic));
  }
  return Status::Ok();
}

// ---- topicList

struct TopicListOptions {
  bool cluster_mode = false;
};

void AddTopicList(CLI::App* cmd, TopicListOptions* o) {
  cmd->add_flag("-c,--clusterModel", o->cluster_mode,
                "with each topic's cluster and consumer groups (skips retry and DLQ topics)");
}

// The clusters of the brokers that serve `route`.
std::set<std::string> ClustersOf(const TopicRoute& route) {
  std::set<std::string> clusters;
  for (const BrokerAddrs& b : route.brokers) clusters.insert(b.cluster);
  return clusters;
}

Status RunTopicList(const CommonOptions& common, const TopicListOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto topics = admin->FetchAllTopicList();
  if (!topics.ok()) return Explain(topics.status(), "listing topics");
  std::sort(topics->begin(), topics->end());
  if (!o.cluster_mode) {
    if (out.json()) {
      Json list = Json::Array();
      for (const auto& t : *topics) list.Push(t);
      out.Emit(Json::Object().Set("topicList", std::move(list)));
    } else {
      for (const auto& t : *topics) out.Line(t);
    }
    return Status::Ok();
  }
  Table table({"#Cluster Name", "#Topic", "#Consumer Group"});
  Json list = Json::Array();
  for (const std::string& topic : *topics) {
    if (StartsWith(topic, kRetryPrefix) || StartsWith(topic, kDlqPrefix)) continue;
    auto route = admin->ExamineTopicRoute(topic);
    std::string cluster;
    if (route.ok()) {
      for (const auto& c : ClustersOf(*route)) cluster += (cluster.empty() ? "" : ",") + c;
    }
    auto groups = admin->QueryTopicConsumeByWho(topic);
    Json group_list = Json::Array();
    if (groups.ok() && !groups->empty()) {
      for (const auto& g : *groups) {
        table.AddRow({cluster, topic, g});
        group_list.Push(g);
      }
    } else {
      table.AddRow({cluster, topic, ""});
    }
    list.Push(Json::Object()
                  .Set("cluster", cluster)
                  .Set("topic", topic)
                  .Set("consumerGroups", std::move(group_list)));
  }
  if (out.json()) {
    out.Emit(list);
  } else {
    out.Print(table);
  }
  return Status::Ok();
}

// ---- topicRoute

struct TopicRouteOptions {
  std::string topic;
  bool list = false;
};

void AddTopicRoute(CLI::App* cmd, TopicRouteOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  AddBool(cmd, "-l,--list", &o->list, "list format (the default here; kept for mqadmin scripts)");
}

Json RouteJson(const TopicRoute& route) {
  Json queues = Json::Array();
  for (const TopicQueueData& q : route.queues) {
    queues.Push(Json::Object()
                    .Set("brokerName", q.broker_name)
                    .Set("readQueueNums", q.read_queue_nums)
                    .Set("writeQueueNums", q.write_queue_nums)
                    .Set("perm", q.perm)
                    .Set("topicSysFlag", q.topic_sys_flag));
  }
  Json brokers = Json::Array();
  for (const BrokerAddrs& b : route.brokers) {
    Json addrs = Json::Object();
    for (const auto& [id, addr] : b.addrs) addrs.Set(std::to_string(id), addr);
    brokers.Push(Json::Object()
                     .Set("cluster", b.cluster)
                     .Set("brokerName", b.broker_name)
                     .Set("brokerAddrs", std::move(addrs)));
  }
  Json j = Json::Object();
  if (!route.order_topic_conf.empty()) j.Set("orderTopicConf", route.order_topic_conf);
  j.Set("queueDatas", std::move(queues)).Set("brokerDatas", std::move(brokers));
  return j;
}

Status RunTopicRoute(const CommonOptions& common, const TopicRouteOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto route = admin->ExamineTopicRoute(o.topic);
  if (!route.ok()) return Explain(route.status(), "route of topic " + o.topic);
  if (out.json()) {
    out.Emit(RouteJson(*route));
    return Status::Ok();
  }
  Table table(
      {"#ClusterName", "#BrokerName", "#BrokerAddrs", "#ReadQueue", "#WriteQueue", "#Perm"});
  int64_t total_read = 0;
  int64_t total_write = 0;
  for (const TopicQueueData& q : route->queues) {
    std::string cluster;
    std::string addrs;
    for (const BrokerAddrs& b : route->brokers) {
      if (b.broker_name != q.broker_name) continue;
      cluster = b.cluster;
      for (const auto& [id, addr] : b.addrs) {
        addrs += fmt::format("{}{}:{}", addrs.empty() ? "" : ",", id, addr);
      }
    }
    table.AddRow({cluster, q.broker_name, addrs, std::to_string(q.read_queue_nums),
                  std::to_string(q.write_queue_nums), PermToString(q.perm)});
    total_read += q.read_queue_nums;
    total_write += q.write_queue_nums;
  }
  table.AddRow({"Total:", std::to_string(route->queues.size()), "", std::to_string(total_read),
                std::to_string(total_write), ""});
  out.Print(table);
  if (!route->order_topic_conf.empty()) out.Line("OrderTopicConf: " + route->order_topic_conf);
  return Status::Ok();
}

// ---- topicStatus

struct TopicStatusOptions {
  std::string topic;
  std::string cluster;
};

void AddTopicStatus(CLI::App* cmd, TopicStatusOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
  cmd->add_option("-c,--cluster", o->cluster, "only the brokers of this cluster");
}

Status RunTopicStatus(const CommonOptions& common, const TopicStatusOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto stats = admin->ExamineTopicStats(o.topic);
  if (!stats.ok()) return Explain(stats.status(), "status of topic " + o.topic);
  std::set<std::string> brokers;
  if (!o.cluster.empty()) {
    auto names = admin->BrokerNamesOfCluster(o.cluster);
    if (!names.ok()) return Explain(names.status(), "brokers of cluster " + o.cluster);
    brokers = *names;
  }
  std::sort(stats->begin(), stats->end(),
            [](const TopicQueueStats& a, const TopicQueueStats& b) { return a.queue < b.queue; });
  Table table({"#Broker Name", "#QID", "#Min Offset", "#Max Offset", "#Last Updated"});
  Json list = Json::Array();
  for (const TopicQueueStats& s : *stats) {
    if (!brokers.empty() && brokers.count(s.queue.broker_name) == 0) continue;
    table.AddRow({s.queue.broker_name, std::to_string(s.queue.queue_id),
                  std::to_string(s.min_offset), std::to_string(s.max_offset),
                  HumanTime(s.last_update_timestamp)});
    list.Push(Json::Object()
                  .Set("brokerName", s.queue.broker_name)
                  .Set("queueId", s.queue.queue_id)
                  .Set("minOffset", s.min_offset)
                  .Set("maxOffset", s.max_offset)
                  .Set("lastUpdateTimestamp", s.last_update_timestamp));
  }
  if (out.json()) {
    out.Emit(list);
  } else {
    out.Print(table);
  }
  return Status::Ok();
}

// ---- topicClusterList

struct TopicClusterListOptions {
  std::string topic;
};

void AddTopicClusterList(CLI::App* cmd, TopicClusterListOptions* o) {
  cmd->add_option("-t,--topic", o->topic, "topic name")->required();
}

Status RunTopicClusterList(const CommonOptions& common, const TopicClusterListOptions& o,
                           Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  auto route = admin->ExamineTopicRoute(o.topic);
  if (!route.ok()) return Explain(route.status(), "route of topic " + o.topic);
  std::set<std::string> clusters = ClustersOf(*route);
  // Older name servers leave the cluster out of the route: ask for the cluster table.
  if (clusters.count("") > 0) {
    clusters.erase("");
    auto info = admin->ExamineClusterInfo();
    if (!info.ok()) return Explain(info.status(), "cluster info");
    for (const TopicQueueData& q : route->queues) {
      auto it = info->brokers.find(q.broker_name);
      if (it != info->brokers.end()) clusters.insert(it->second.cluster);
    }
  }
  if (out.json()) {
    Json list = Json::Array();
    for (const auto& c : clusters) list.Push(c);
    out.Emit(Json::Object().Set("topic", o.topic).Set("clusters", std::move(list)));
  } else {
    for (const auto& c : clusters) out.Line(c);
  }
  return Status::Ok();
}

}  // namespace

void AddTopicCommands(std::vector<Command>* commands) {
  commands->push_back(MakeCommand<UpdateTopicOptions>(
      "updateTopic", "Create or update a topic on a broker or on every master of a cluster",
      AddUpdateTopic, RunUpdateTopic, CheckUpdateTopic));
  commands->push_back(MakeCommand<DeleteTopicOptions>(
      "deleteTopic", "Delete a topic from a cluster's brokers and the name servers", AddDeleteTopic,
      RunDeleteTopic));
  commands->push_back(MakeCommand<TopicListOptions>(
      "topicList", "List the topics the name servers know", AddTopicList, RunTopicList));
  commands->push_back(MakeCommand<TopicRouteOptions>(
      "topicRoute", "Show a topic's route: brokers, queues, permissions", AddTopicRoute,
      RunTopicRoute));
  commands->push_back(MakeCommand<TopicStatusOptions>(
      "topicStatus", "Show the min/max offset and last update of each queue of a topic",
      AddTopicStatus, RunTopicStatus));
  commands->push_back(MakeCommand<TopicClusterListOptions>(
      "topicClusterList", "List the clusters that serve a topic", AddTopicClusterList,
      RunTopicClusterList));
}

}  // namespace orbit::admin
