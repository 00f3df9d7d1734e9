#pragma once

// The name server's tables (nameserver.md §2) and the operations on them:
//   topicQueueTable   topic -> brokerName -> QueueData
//   brokerAddrTable   brokerName -> BrokerData {cluster, brokerName, brokerId -> addr}
//   clusterAddrTable  cluster -> brokerNames
//   brokerLiveTable   brokerAddr -> {last update, DataVersion, connection id, haServerAddr}
//   filterServerTable brokerAddr -> filter server addresses
// Thread-safe: one mutex guards all tables; every operation is short and never does I/O.

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/thread_annotations.h"
#include "protocol/bodies.h"

namespace orbit::namesrv {

struct RegisterBrokerResult {
  std::string ha_server_addr;  // set for a slave whose master is registered
  std::string master_addr;
};

struct BrokerRegistration {
  std::string cluster_name;
  std::string broker_addr;
  std::string broker_name;
  int64_t broker_id = 0;
  std::string ha_server_addr;
  // Absent for bodies without topic data.
  std::optional<protocol::TopicConfigSerializeWrapper> topic_config;
  std::vector<std::string> filter_server_list;
  uint64_t connection_id = 0;  // the registering connection; its close removes the broker
};

class RouteInfoManager {
 public:
  RegisterBrokerResult RegisterBroker(const BrokerRegistration& reg, int64_t now_ms)
      ORBIT_EXCLUDES(mu_);
  void UnregisterBroker(const std::string& cluster_name, const std::string& broker_addr,
                        const std::string& broker_name, int64_t broker_id) ORBIT_EXCLUDES(mu_);

  // True when the broker is unknown or its DataVersion differs; when unchanged, also refreshes
  // the broker's liveness (QUERY_DATA_VERSION acts as a heartbeat).
  bool QueryDataVersion(const std::string& broker_addr, const protocol::DataVersion& version,
                        int64_t now_ms, std::optional<protocol::DataVersion>* stored)
      ORBIT_EXCLUDES(mu_);

  std::optional<protocol::TopicRouteData> PickupTopicRouteData(const std::string& topic) const
      ORBIT_EXCLUDES(mu_);
  protocol::ClusterInfo GetAllClusterInfo() const ORBIT_EXCLUDES(mu_);
  std::vector<std::string> GetAllTopicList() const ORBIT_EXCLUDES(mu_);
  std::vector<std::string> GetTopicsByCluster(const std::string& cluster) const ORBIT_EXCLUDES(mu_);
  // Cluster names and broker names; *broker_addr = one broker address (GET_SYSTEM_TOPIC_LIST).
  std::vector<std::string> GetSystemTopicList(std::string* broker_addr) const ORBIT_EXCLUDES(mu_);
  // Topics whose first QueueData has all of `with_flags` and none of `without_flags`.
  std::vector<std::string> GetTopicsBySysFlag(int32_t with_flags, int32_t without_flags) const
      ORBIT_EXCLUDES(mu_);

  // Without a cluster: removes the topic. With one: removes that cluster's queue data of it.
  void DeleteTopic(const std::string& topic, const std::string& cluster_name) ORBIT_EXCLUDES(mu_);
  // Clears PERM_WRITE on every QueueData of the broker; returns how many topics changed.
  int WipeWritePermOfBroker(const std::string& broker_name) ORBIT_EXCLUDES(mu_);
  // Sets perm to RW on every QueueData of the broker; returns how many topics changed.
  int AddWritePermOfBroker(const std::string& broker_name) ORBIT_EXCLUDES(mu_);

  // Removes brokers not heard from for `expiry_ms`; returns the removed addresses.
  std::vector<std::string> ScanNotActiveBroker(int64_t now_ms, int64_t expiry_ms)
      ORBIT_EXCLUDES(mu_);
  // A connection closed: removes the broker registered through it (or, if none, the broker
  // whose address is `remote_addr`).
  void OnConnectionClosed(uint64_t connection_id, const std::string& remote_addr)
      ORBIT_EXCLUDES(mu_);

  size_t live_broker_count() const ORBIT_EXCLUDES(mu_);

 private:
  struct LiveInfo {
    int64_t last_update_ms = 0;
    protocol::DataVersion data_version;
    uint64_t connection_id = 0;
    std::string ha_server_addr;
  };

  void RemoveBrokerAddress(const std::string& broker_addr) ORBIT_REQUIRES(mu_);
  void RemoveTopicsOfBroker(const std::string& broker_name) ORBIT_REQUIRES(mu_);

  mutable Mutex mu_;
  std::map<std::string, std::map<std::string, protocol::QueueData>> topic_queue_table_
      ORBIT_GUARDED_BY(mu_);
  std::map<std::string, protocol::BrokerData> broker_addr_table_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, std::set<std::string>> cluster_addr_table_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, LiveInfo> broker_live_table_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, std::vector<std::string>> filter_server_table_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::namesrv
