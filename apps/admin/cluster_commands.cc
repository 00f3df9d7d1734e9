// Cluster and broker commands of orbit-admin: clusterList, brokerStatus, getBrokerConfig,
// updateBrokerConfig (Apache's tools/command/cluster and broker).

#include <fmt/format.h>

#include <chrono>
#include <cstdlib>
#include <thread>

#include "apps/admin/command.h"

namespace orbit::admin {
namespace {

using KeyValues = std::map<std::string, std::string>;

std::string Get(const KeyValues& kv, const std::string& key, const std::string& fallback = "") {
  auto it = kv.find(key);
  return it == kv.end() ? fallback : it->second;
}
int64_t GetInt(const KeyValues& kv, const std::string& key) {
  return std::strtoll(Get(kv, key, "0").c_str(), nullptr, 10);
}
// The first figure of a "tps tps tps" runtime value.
double FirstDouble(const KeyValues& kv, const std::string& key) {
  return std::strtod(Get(kv, key, "0").c_str(), nullptr);
}

Json KeyValuesJson(const KeyValues& kv) {
  Json j = Json::Object();
  for (const auto& [k, v] : kv) j.Set(k, v);
  return j;
}

// ---- clusterList

struct ClusterListOptions {
  bool more_stats = false;
  int64_t interval_s = 0;
  std::string cluster;
};

void AddClusterList(CLI::App* cmd, ClusterListOptions* o) {
  cmd->add_flag("-m,--moreStats", o->more_stats, "message totals of yesterday and today");
  cmd->add_option("-i,--interval", o->interval_s, "print again every N seconds (0: once)")
      ->capture_default_str()
      ->check(CLI::Range(int64_t{0}, int64_t{86400}));
  cmd->add_option("-c,--clusterName", o->cluster, "only this cluster");
}

struct BrokerRow {
  std::string cluster;
  std::string broker_name;
  int64_t id = 0;
  std::string addr;
  Result<KeyValues> stats = KeyValues{};
};

Status PrintClusterOnce(AdminClient& admin, const ClusterListOptions& o, Output& out) {
  auto info = admin.ExamineClusterInfo();
  if (!info.ok()) return Explain(info.status(), "cluster info");
  if (!o.cluster.empty() && info->clusters.count(o.cluster) == 0) {
    return NotFound("cluster " + o.cluster + " is not known to the name servers");
  }
  std::vector<BrokerRow> rows;
  for (const auto& [cluster, names] : info->clusters) {
    if (!o.cluster.empty() && cluster != o.cluster) continue;
    for (const std::string& name : names) {
      auto it = info->brokers.find(name);
      if (it == info->brokers.end()) continue;
      for (const auto& [id, addr] : it->second.addrs) {
        rows.push_back({cluster, name, id, addr, admin.FetchBrokerRuntimeStats(addr)});
      }
    }
  }
  const int64_t now = NowMs();
  Table table = o.more_stats
                    ? Table({"#Cluster Name", "#Broker Name", "#InTotalYest", "#OutTotalYest",
                             "#InTotalToday", "#OutTotalToday"})
                    : Table({"#Cluster Name", "#Broker Name", "#BID", "#Addr", "#Version",
                             "#InTPS(LOAD)", "#OutTPS(LOAD)", "#PCWait(ms)", "#Hour", "#SPACE"});
  Json list = Json::Array();
  for (const BrokerRow& r : rows) {
    Json j = Json::Object();
    j.Set("cluster", r.cluster)
        .Set("brokerName", r.broker_name)
        .Set("brokerId", r.id)
        .Set("addr", r.addr);
    if (!r.stats.ok()) {
      const std::string why = Explain(r.stats.status(), "").message();
      table.AddRow({r.cluster, r.broker_name, std::to_string(r.id), r.addr, "unreachable"});
      list.Push(j.Set("error", why));
      continue;
    }
    const KeyValues& kv = *r.stats;
    const int64_t in_yest =
        GetInt(kv, "msgPutTotalTodayMorning") - GetInt(kv, "msgPutTotalYesterdayMorning");
    const int64_t out_yest =
        GetInt(kv, "msgGetTotalTodayMorning") - GetInt(kv, "msgGetTotalYesterdayMorning");
    const int64_t in_today =
        GetInt(kv, "msgPutTotalTodayNow") - GetInt(kv, "msgPutTotalTodayMorning");
    const int64_t out_today =
        GetInt(kv, "msgGetTotalTodayNow") - GetInt(kv, "msgGetTotalTodayMorning");
    const double in_tps = FirstDouble(kv, "putTps");
    const double out_tps = FirstDouble(kv, "getTransferedTps");
    const int64_t earliest = GetInt(kv, "earliestMessageTimeStamp");
    const double hours = earliest > 0 ? static_cast<double>(now - earliest) / 3600000.0 : 0;
    const double space = std::strtod(Get(kv, "commitLogDiskRatio", "0").c_str(), nullptr);
    if (o.more_stats) {
      table.AddRow({r.cluster, r.broker_name, std::to_string(in_yest), std::to_string(out_yest),
                    std::to_string(in_today), std::to_string(out_today)});
    } else {
      table.AddRow({r.cluster, r.broker_name, std::to_string(r.id), r.addr,
                    Get(kv, "brokerVersionDesc"),
                    fmt::format("{:.2f}({},{}ms)", in_tps, Get(kv, "sendThreadPoolQueueSize", "0"),
                                Get(kv, "sendThreadPoolQueueHeadWaitTimeMills", "0")),
                    fmt::format("{:.2f}({},{}ms)", out_tps, Get(kv, "pullThreadPoolQueueSize", "0"),
                                Get(kv, "pullThreadPoolQueueHeadWaitTimeMills", "0")),
                    Get(kv, "pageCacheLockTimeMills", "0"), fmt::format("{:.2f}", hours),
                    fmt::format("{:.4f}", space)});
    }
    j.Set("version", Get(kv, "brokerVersionDesc"))
        .Set("inTps", in_tps)
        .Set("outTps", out_tps)
        .Set("sendThreadPoolQueueSize", GetInt(kv, "sendThreadPoolQueueSize"))
        .Set("pullThreadPoolQueueSize", GetInt(kv, "pullThreadPoolQueueSize"))
        .Set("pageCacheLockTimeMills", GetInt(kv, "pageCacheLockTimeMills"))
        .Set("hours", hours)
        .Set("commitLogDiskRatio", space)
        .Set("inTotalYest", in_yest)
        .Set("outTotalYest", out_yest)
        .Set("inTotalToday", in_today)
        .Set("outTotalToday", out_today);
    list.Push(std::move(j));
  }
  if (out.json()) {
    out.Emit(list);
  } else {
    out.Print(table);
  }
  return Status::Ok();
}

Status RunClusterList(const CommonOptions& common, const ClusterListOptions& o, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  while (true) {
    ORBIT_RETURN_IF_ERROR(PrintClusterOnce(*admin, o, out));
    if (o.interval_s <= 0) return Status::Ok();
    std::this_thread::sleep_for(std::chrono::seconds(o.interval_s));
    if (!out.json()) out.Line("");
  }
}

// ---- brokerStatus / getBrokerConfig

struct BrokerQueryOptions {
  BrokerTarget target;
};

void AddBrokerQuery(CLI::App* cmd, BrokerQueryOptions* o) { AddBrokerTarget(cmd, &o->target); }
std::string CheckBrokerQuery(const BrokerQueryOptions& o) { return CheckBrokerTarget(o.target); }

// Asks every broker -b/-c designates with `fetch` and prints what it answered: "key: value"
// lines (`separator`), each broker's under a header line when there are several.
Status RunPerBroker(const CommonOptions& common, const BrokerTarget& target, const char* what,
                    Result<KeyValues> (AdminClient::*fetch)(const std::string&),
                    const std::string& separator, Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  ORBIT_ASSIGN_OR_RETURN(auto addrs, TargetBrokers(*admin, target));
  Json all = Json::Object();
  for (const std::string& addr : addrs) {
    auto kv = ((*admin).*fetch)(addr);
    if (!kv.ok()) return Explain(kv.status(), std::string(what) + " of broker " + addr);
    if (out.json()) {
      all.Set(addr, KeyValuesJson(*kv));
      continue;
    }
    if (addrs.size() > 1 || !target.cluster.empty()) {
      out.Line(fmt::format("============{}============", addr));
    }
    size_t width = 0;
    for (const auto& [k, v] : *kv) width = std::max(width, k.size());
    for (const auto& [k, v] : *kv) {
      out.Line(fmt::format("{:<{}}{}{}", k, width, separator, v));
    }
  }
  if (out.json()) out.Emit(all);
  return Status::Ok();
}

Status RunBrokerStatus(const CommonOptions& common, const BrokerQueryOptions& o, Output& out) {
  return RunPerBroker(common, o.target, "runtime info", &AdminClient::FetchBrokerRuntimeStats,
                      " : ", out);
}

Status RunGetBrokerConfig(const CommonOptions& common, const BrokerQueryOptions& o, Output& out) {
  return RunPerBroker(common, o.target, "config", &AdminClient::GetBrokerConfig, " = ", out);
}

// ---- updateBrokerConfig

struct UpdateBrokerConfigOptions {
  BrokerTarget target;
  std::string key;
  std::string value;
};

void AddUpdateBrokerConfig(CLI::App* cmd, UpdateBrokerConfigOptions* o) {
  AddBrokerTarget(cmd, &o->target);
  cmd->add_option("-k,--key", o->key, "config key")->required();
  cmd->add_option("-v,--value", o->value, "config value")->required();
}

std::string CheckUpdateBrokerConfig(const UpdateBrokerConfigOptions& o) {
  return CheckBrokerTarget(o.target);
}

Status RunUpdateBrokerConfig(const CommonOptions& common, const UpdateBrokerConfigOptions& o,
                             Output& out) {
  ORBIT_ASSIGN_OR_RETURN(auto admin, StartAdmin(common));
  ORBIT_ASSIGN_OR_RETURN(auto addrs, TargetBrokers(*admin, o.target));
  Json brokers = Json::Array();
  for (const std::string& addr : addrs) {
    ORBIT_RETURN_IF_ERROR(Explain(admin->UpdateBrokerConfig(addr, {{o.key, o.value}}),
                                  "updating the config of broker " + addr));
    if (!out.json()) out.Line(fmt::format("update broker config success, {}", addr));
    brokers.Push(addr);
  }
  if (out.json()) {
    out.Emit(
        Json::Object().Set("key", o.key).Set("value", o.value).Set("brokers", std::move(brokers)));
  }
  return Status::Ok();
}

}  // namespace

void AddClusterCommands(std::vector<Command>* commands) {
  commands->push_back(MakeCommand<ClusterListOptions>(
      "clusterList", "List the clusters' brokers with their version, load and disk", AddClusterList,
      RunClusterList));
  commands->push_back(
      MakeCommand<BrokerQueryOptions>("brokerStatus", "Show a broker's runtime statistics",
                                      AddBrokerQuery, RunBrokerStatus, CheckBrokerQuery));
  commands->push_back(
      MakeCommand<BrokerQueryOptions>("getBrokerConfig", "Show a broker's configuration",
                                      AddBrokerQuery, RunGetBrokerConfig, CheckBrokerQuery));
  commands->push_back(MakeCommand<UpdateBrokerConfigOptions>(
      "updateBrokerConfig", "Change one configuration key of a broker or a cluster's masters",
      AddUpdateBrokerConfig, RunUpdateBrokerConfig, CheckUpdateBrokerConfig));
}

}  // namespace orbit::admin
