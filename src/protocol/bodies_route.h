#pragma once

// Route bodies served by the name server (json-bodies.md §3, nameserver.md §5, §9).
//
// TopicRouteData (GET_ROUTEINFO_BY_TOPIC, 105) has two encodings, chosen per request by
// RouteJsonStyle(): version >= 401 (V4_9_4) or acceptStandardJsonOnly=true get kStandard
//   {"brokerDatas":[{"brokerAddrs":{"0":"192.168.1.10:10911"},"brokerName":"broker-a",
//     "cluster":"DefaultCluster"}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a",
//     "perm":6,"readQueueNums":4,"topicSysFlag":0,"writeQueueNums":4}]}
// and everyone else kFastjson, identical except for bare brokerId keys {0:"192.168.1.10:10911"}
// and map order. orderTopicConf ("brokerName:queueNums;...") is omitted when empty.
//
// ClusterInfo (GET_BROKER_CLUSTER_INFO, 106) is always kFastjson:
//   {"brokerAddrTable":{"broker-a":{"brokerAddrs":{0:"..."},"brokerName":"broker-a",
//     "cluster":"DefaultCluster"}},"clusterAddrTable":{"DefaultCluster":["broker-a"]}}
//
// TopicList (206, 224, 304, 311-313): {"topicList":["TopicTest","TBW102"]}; brokerAddr only in
// GET_SYSTEM_TOPIC_LIST_FROM_NS (304).

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "protocol/bodies_common.h"

namespace orbit::protocol {

// MQVersion V4_9_4: first version that receives standard-JSON route data.
inline constexpr int32_t kStandardJsonRouteVersion = 401;
// brokerId of a master in BrokerData::broker_addrs.
inline constexpr int64_t kMasterBrokerId = 0;

// The encoding DefaultRequestProcessor.getRouteInfoByTopic picks for a request.
inline JsonStyle RouteJsonStyle(int32_t request_version, bool accept_standard_json_only) {
  return request_version >= kStandardJsonRouteVersion || accept_standard_json_only
             ? JsonStyle::kStandard
             : JsonStyle::kFastjson;
}

struct QueueData {
  std::string broker_name;
  int32_t read_queue_nums = 0;
  int32_t write_queue_nums = 0;
  int32_t perm = 0;
  int32_t topic_sys_flag = 0;

  bool operator==(const QueueData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerName", s.broker_name);
    v("perm", s.perm);
    v("readQueueNums", s.read_queue_nums);
    v("topicSysFlag", s.topic_sys_flag);
    v("writeQueueNums", s.write_queue_nums);
  }
};

struct BrokerData {
  std::string cluster;
  std::string broker_name;
  std::map<int64_t, std::string> broker_addrs;  // brokerId -> "ip:port"; 0 = master

  bool operator==(const BrokerData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerAddrs", s.broker_addrs);
    v("brokerName", s.broker_name);
    v("cluster", s.cluster);
  }
};

struct TopicRouteData {
  std::string order_topic_conf;
  std::vector<QueueData> queue_datas;
  std::vector<BrokerData> broker_datas;
  std::map<std::string, std::vector<std::string>> filter_server_table;  // brokerAddr -> servers

  bool operator==(const TopicRouteData&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerDatas", s.broker_datas);
    v("filterServerTable", s.filter_server_table, kHashMapOrder);
    v("orderTopicConf", s.order_topic_conf);
    v("queueDatas", s.queue_datas);
  }

  // Accepts both encodings.
  static Result<TopicRouteData> Decode(std::string_view json);
  std::string Encode(JsonStyle style) const;
  void EncodeTo(std::string* out, JsonStyle style) const;
};

struct ClusterInfo {
  std::map<std::string, BrokerData> broker_addr_table;                 // brokerName -> data
  std::map<std::string, std::vector<std::string>> cluster_addr_table;  // cluster -> brokerNames

  bool operator==(const ClusterInfo&) const = default;

  // RouteInfoManager's tables: new HashMap<>(128) and new HashMap<>(32).
  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerAddrTable", s.broker_addr_table, MapOrder{MapOrder::Kind::kJavaHash, 128});
    v("clusterAddrTable", s.cluster_addr_table, MapOrder{MapOrder::Kind::kJavaHash, 32});
  }

  static Result<ClusterInfo> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

struct TopicList {
  std::vector<std::string> topic_list;  // a Java HashSet; order kept as given
  std::string broker_addr;

  bool operator==(const TopicList&) const = default;

  template <typename S, typename V>
  static void VisitFields(S& s, V& v) {
    v("brokerAddr", s.broker_addr);
    v("topicList", s.topic_list);
  }

  static Result<TopicList> Decode(std::string_view json);
  std::string Encode() const;
  void EncodeTo(std::string* out) const;
};

}  // namespace orbit::protocol
