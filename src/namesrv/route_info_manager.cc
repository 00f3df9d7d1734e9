#include "namesrv/route_info_manager.h"

#include "base/log.h"

namespace orbit::namesrv {

using protocol::BrokerData;
using protocol::QueueData;
using protocol::TopicRouteData;

RegisterBrokerResult RouteInfoManager::RegisterBroker(const BrokerRegistration& reg,
                                                      int64_t now_ms) {
  RegisterBrokerResult result;
  MutexLock lock(mu_);
  cluster_addr_table_[reg.cluster_name].insert(reg.broker_name);

  bool first = false;
  auto [bd_it, created] = broker_addr_table_.try_emplace(reg.broker_name);
  BrokerData& broker = bd_it->second;
  if (created) {
    broker.cluster = reg.cluster_name;
    broker.broker_name = reg.broker_name;
    first = true;
  }
  // The same address under another id means a slave became master (or the reverse).
  for (auto it = broker.broker_addrs.begin(); it != broker.broker_addrs.end();) {
    if (it->second == reg.broker_addr && it->first != reg.broker_id) {
      it = broker.broker_addrs.erase(it);
    } else {
      ++it;
    }
  }
  auto [addr_it, new_addr] = broker.broker_addrs.insert_or_assign(reg.broker_id, reg.broker_addr);
  (void)addr_it;
  first = first || new_addr;

  protocol::DataVersion version;
  if (reg.topic_config) version = reg.topic_config->data_version;
  if (reg.topic_config && reg.broker_id == 0) {
    auto live = broker_live_table_.find(reg.broker_addr);
    bool changed = live == broker_live_table_.end() || !(live->second.data_version == version);
    if (changed || first) {
      for (const auto& [topic, config] : reg.topic_config->topic_config_table) {
        QueueData qd;
        qd.broker_name = reg.broker_name;
        qd.read_queue_nums = config.read_queue_nums;
        qd.write_queue_nums = config.write_queue_nums;
        qd.perm = config.perm;
        qd.topic_sys_flag = config.topic_sys_flag;
        topic_queue_table_[topic][reg.broker_name] = qd;
      }
    }
  }

  LiveInfo& live = broker_live_table_[reg.broker_addr];
  if (live.last_update_ms == 0) {
    ORBIT_LOG_INFO("new broker registered: {} {} id {} cluster {}", reg.broker_name,
                   reg.broker_addr, reg.broker_id, reg.cluster_name);
  }
  live.last_update_ms = now_ms;
  live.data_version = version;
  live.connection_id = reg.connection_id;
  live.ha_server_addr = reg.ha_server_addr;

  if (reg.filter_server_list.empty()) {
    filter_server_table_.erase(reg.broker_addr);
  } else {
    filter_server_table_[reg.broker_addr] = reg.filter_server_list;
  }

  if (reg.broker_id != 0) {
    auto master = broker.broker_addrs.find(0);
    if (master != broker.broker_addrs.end()) {
      auto master_live = broker_live_table_.find(master->second);
      if (master_live != broker_live_table_.end()) {
        result.ha_server_addr = master_live->second.ha_server_addr;
        result.master_addr = master->second;
      }
    }
  }
  return result;
}

void RouteInfoManager::UnregisterBroker(const std::string& cluster_name,
                                        const std::string& broker_addr,
                                        const std::string& broker_name, int64_t broker_id) {
  MutexLock lock(mu_);
  broker_live_table_.erase(broker_addr);
  filter_server_table_.erase(broker_addr);
  bool remove_name = false;
  auto it = broker_addr_table_.find(broker_name);
  if (it != broker_addr_table_.end()) {
    it->second.broker_addrs.erase(broker_id);
    if (it->second.broker_addrs.empty()) {
      broker_addr_table_.erase(it);
      remove_name = true;
    }
  }
  if (remove_name) {
    auto cluster = cluster_addr_table_.find(cluster_name);
    if (cluster != cluster_addr_table_.end()) {
      cluster->second.erase(broker_name);
      if (cluster->second.empty()) cluster_addr_table_.erase(cluster);
    }
    RemoveTopicsOfBroker(broker_name);
  }
  ORBIT_LOG_INFO("broker unregistered: {} {} id {}", broker_name, broker_addr, broker_id);
}

bool RouteInfoManager::QueryDataVersion(const std::string& broker_addr,
                                        const protocol::DataVersion& version, int64_t now_ms,
                                        std::optional<protocol::DataVersion>* stored) {
  MutexLock lock(mu_);
  auto it = broker_live_table_.find(broker_addr);
  if (it == broker_live_table_.end()) {
    stored->reset();
    return true;
  }
  *stored = it->second.data_version;
  bool changed = !(it->second.data_version == version);
  if (!changed) it->second.last_update_ms = now_ms;
  return changed;
}

std::optional<TopicRouteData> RouteInfoManager::PickupTopicRouteData(
    const std::string& topic) const {
  MutexLock lock(mu_);
  auto qit = topic_queue_table_.find(topic);
  if (qit == topic_queue_table_.end() || qit->second.empty()) return std::nullopt;
  TopicRouteData route;
  bool found_broker = false;
  for (const auto& [broker_name, qd] : qit->second) {
    route.queue_datas.push_back(qd);
    auto bit = broker_addr_table_.find(broker_name);
    if (bit == broker_addr_table_.end()) continue;
    found_broker = true;
    route.broker_datas.push_back(bit->second);
    for (const auto& [id, addr] : bit->second.broker_addrs) {
      auto fit = filter_server_table_.find(addr);
      if (fit != filter_server_table_.end()) route.filter_server_table[addr] = fit->second;
    }
  }
  if (!found_broker) return std::nullopt;
  return route;
}

protocol::ClusterInfo RouteInfoManager::GetAllClusterInfo() const {
  MutexLock lock(mu_);
  protocol::ClusterInfo info;
  info.broker_addr_table = broker_addr_table_;
  for (const auto& [cluster, names] : cluster_addr_table_) {
    info.cluster_addr_table[cluster] = std::vector<std::string>(names.begin(), names.end());
  }
  return info;
}

std::vector<std::string> RouteInfoManager::GetAllTopicList() const {
  MutexLock lock(mu_);
  std::vector<std::string> topics;
  for (const auto& [topic, qds] : topic_queue_table_) topics.push_back(topic);
  return topics;
}

std::vector<std::string> RouteInfoManager::GetTopicsByCluster(const std::string& cluster) const {
  MutexLock lock(mu_);
  std::vector<std::string> topics;
  auto cit = cluster_addr_table_.find(cluster);
  if (cit == cluster_addr_table_.end()) return topics;
  for (const auto& [topic, qds] : topic_queue_table_) {
    for (const auto& [broker_name, qd] : qds) {
      if (cit->second.count(broker_name) != 0) {
        topics.push_back(topic);
        break;
      }
    }
  }
  return topics;
}

std::vector<std::string> RouteInfoManager::GetSystemTopicList(std::string* broker_addr) const {
  MutexLock lock(mu_);
  std::vector<std::string> names;
  for (const auto& [cluster, brokers] : cluster_addr_table_) {
    names.push_back(cluster);
    names.insert(names.end(), brokers.begin(), brokers.end());
  }
  for (const auto& [name, bd] : broker_addr_table_) {
    for (const auto& [id, addr] : bd.broker_addrs) *broker_addr = addr;
  }
  return names;
}

std::vector<std::string> RouteInfoManager::GetTopicsBySysFlag(int32_t with_flags,
                                                              int32_t without_flags) const {
  MutexLock lock(mu_);
  std::vector<std::string> topics;
  for (const auto& [topic, qds] : topic_queue_table_) {
    if (qds.empty()) continue;
    int32_t flag = qds.begin()->second.topic_sys_flag;
    if ((flag & with_flags) == with_flags && (flag & without_flags) == 0) topics.push_back(topic);
  }
  return topics;
}

void RouteInfoManager::DeleteTopic(const std::string& topic, const std::string& cluster_name) {
  MutexLock lock(mu_);
  if (cluster_name.empty()) {
    topic_queue_table_.erase(topic);
    return;
  }
  auto qit = topic_queue_table_.find(topic);
  auto cit = cluster_addr_table_.find(cluster_name);
  if (qit == topic_queue_table_.end() || cit == cluster_addr_table_.end()) return;
  for (const auto& broker_name : cit->second) qit->second.erase(broker_name);
  if (qit->second.empty()) topic_queue_table_.erase(qit);
}

int RouteInfoManager::WipeWritePermOfBroker(const std::string& broker_name) {
  MutexLock lock(mu_);
  int count = 0;
  for (auto& [topic, qds] : topic_queue_table_) {
    auto it = qds.find(broker_name);
    if (it == qds.end()) continue;
    it->second.perm &= ~protocol::kPermWrite;
    ++count;
  }
  return count;
}

int RouteInfoManager::AddWritePermOfBroker(const std::string& broker_name) {
  MutexLock lock(mu_);
  int count = 0;
  for (auto& [topic, qds] : topic_queue_table_) {
    auto it = qds.find(broker_name);
    if (it == qds.end()) continue;
    it->second.perm = protocol::kPermRead | protocol::kPermWrite;
    ++count;
  }
  return count;
}

std::vector<std::string> RouteInfoManager::ScanNotActiveBroker(int64_t now_ms, int64_t expiry_ms) {
  MutexLock lock(mu_);
  std::vector<std::string> expired;
  for (const auto& [addr, live] : broker_live_table_) {
    if (live.last_update_ms + expiry_ms < now_ms) expired.push_back(addr);
  }
  for (const auto& addr : expired) {
    ORBIT_LOG_WARN("broker {} expired: no registration for {} ms", addr, expiry_ms);
    RemoveBrokerAddress(addr);
  }
  return expired;
}

void RouteInfoManager::OnConnectionClosed(uint64_t connection_id, const std::string& remote_addr) {
  MutexLock lock(mu_);
  std::vector<std::string> addrs;
  for (const auto& [addr, live] : broker_live_table_) {
    if (live.connection_id == connection_id) addrs.push_back(addr);
  }
  if (addrs.empty()) {
    // Not a registering connection: only an address match counts (Apache does the same).
    if (broker_live_table_.count(remote_addr) == 0) return;
    addrs.push_back(remote_addr);
  }
  for (const auto& addr : addrs) {
    ORBIT_LOG_INFO("broker {} removed: its connection closed", addr);
    RemoveBrokerAddress(addr);
  }
}

void RouteInfoManager::RemoveBrokerAddress(const std::string& broker_addr) {
  broker_live_table_.erase(broker_addr);
  filter_server_table_.erase(broker_addr);
  std::vector<std::string> emptied;
  for (auto it = broker_addr_table_.begin(); it != broker_addr_table_.end();) {
    auto& addrs = it->second.broker_addrs;
    for (auto a = addrs.begin(); a != addrs.end();) {
      a = a->second == broker_addr ? addrs.erase(a) : std::next(a);
    }
    if (addrs.empty()) {
      emptied.push_back(it->first);
      it = broker_addr_table_.erase(it);
    } else {
      ++it;
    }
  }
  for (const auto& name : emptied) {
    for (auto c = cluster_addr_table_.begin(); c != cluster_addr_table_.end();) {
      c->second.erase(name);
      c = c->second.empty() ? cluster_addr_table_.erase(c) : std::next(c);
    }
    RemoveTopicsOfBroker(name);
  }
}

void RouteInfoManager::RemoveTopicsOfBroker(const std::string& broker_name) {
  for (auto it = topic_queue_table_.begin(); it != topic_queue_table_.end();) {
    it->second.erase(broker_name);
    it = it->second.empty() ? topic_queue_table_.erase(it) : std::next(it);
  }
}

size_t RouteInfoManager::live_broker_count() const {
  MutexLock lock(mu_);
  return broker_live_table_.size();
}

}  // namespace orbit::namesrv
