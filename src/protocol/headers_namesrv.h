#pragma once

// Typed custom headers of the name server (shared/protocol/headers.md §6): REGISTER_BROKER
// (103), UNREGISTER_BROKER (104), QUERY_DATA_VERSION (322), GET_ROUTEINFO_BY_TOPIC (105), the
// KV config requests (100, 101, 102, 219), DELETE_TOPIC_IN_NAMESRV (216), GET_TOPICS_BY_CLUSTER
// (224), WIPE_WRITE_PERM_OF_BROKER (205) and ADD_WRITE_PERM_OF_BROKER (327).
// Java class names are kept verbatim (UnRegisterBroker..., ...KVConfig...).
// Decode/Encode contract: see protocol/headers.h.

#include <cstdint>
#include <optional>
#include <string>

#include "base/status.h"
#include "protocol/remoting_command.h"

namespace orbit::protocol {

// RegisterBrokerRequestHeader (103); the body is RegisterBrokerBody (nameserver.md §3).
struct RegisterBrokerRequestHeader {
  std::string broker_name;
  std::string broker_addr;  // ip:port clients connect to
  std::string cluster_name;
  std::string ha_server_addr;                       // brokerIP2:haListenPort
  int64_t broker_id = 0;                            // 0 master, >= 1 slave
  std::optional<bool> compressed = false;           // Java: boolean
  std::optional<int32_t> body_crc32 = 0;            // CRC32 & 0x7FFFFFFF of the body; 0 = no check
  std::optional<int64_t> heartbeat_timeout_millis;  // 5.x
  std::optional<bool> enable_acting_master;         // 5.x

  static Result<RegisterBrokerRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const RegisterBrokerRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("brokerName", h.broker_name);
    v("brokerAddr", h.broker_addr);
    v("clusterName", h.cluster_name);
    v("haServerAddr", h.ha_server_addr);
    v("brokerId", h.broker_id);
    v("compressed", h.compressed);
    v("bodyCrc32", h.body_crc32);
    v("heartbeatTimeoutMillis", h.heartbeat_timeout_millis);
    v("enableActingMaster", h.enable_acting_master);
  }
};

// RegisterBrokerResponseHeader (103); master_addr is set for slaves.
struct RegisterBrokerResponseHeader {
  std::optional<std::string> ha_server_addr;
  std::optional<std::string> master_addr;

  static Result<RegisterBrokerResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const RegisterBrokerResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("haServerAddr", h.ha_server_addr);
    v("masterAddr", h.master_addr);
  }
};

// UnRegisterBrokerRequestHeader (104).
struct UnRegisterBrokerRequestHeader {
  std::string broker_name;
  std::string broker_addr;
  std::string cluster_name;
  int64_t broker_id = 0;

  static Result<UnRegisterBrokerRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const UnRegisterBrokerRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("brokerName", h.broker_name);
    v("brokerAddr", h.broker_addr);
    v("clusterName", h.cluster_name);
    v("brokerId", h.broker_id);
  }
};

// QueryDataVersionRequestHeader (322); the body is the broker's DataVersion.
struct QueryDataVersionRequestHeader {
  std::string broker_name;
  std::string broker_addr;
  std::string cluster_name;
  int64_t broker_id = 0;

  static Result<QueryDataVersionRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryDataVersionRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("brokerName", h.broker_name);
    v("brokerAddr", h.broker_addr);
    v("clusterName", h.cluster_name);
    v("brokerId", h.broker_id);
  }
};

// QueryDataVersionResponseHeader (322).
struct QueryDataVersionResponseHeader {
  bool changed = false;

  static Result<QueryDataVersionResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const QueryDataVersionResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("changed", h.changed);
  }
};

// GetRouteInfoRequestHeader (105).
struct GetRouteInfoRequestHeader {
  std::string topic;
  std::optional<bool> accept_standard_json_only;  // 4.9.4+

  static Result<GetRouteInfoRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetRouteInfoRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("acceptStandardJsonOnly", h.accept_standard_json_only);
  }
};

// PutKVConfigRequestHeader (100).
struct PutKVConfigRequestHeader {
  std::string kv_namespace;  // key "namespace"
  std::string key;
  std::string value;

  static Result<PutKVConfigRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const PutKVConfigRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("namespace", h.kv_namespace);
    v("key", h.key);
    v("value", h.value);
  }
};

// GetKVConfigRequestHeader (101).
struct GetKVConfigRequestHeader {
  std::string kv_namespace;  // key "namespace"
  std::string key;

  static Result<GetKVConfigRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetKVConfigRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("namespace", h.kv_namespace);
    v("key", h.key);
  }
};

// GetKVConfigResponseHeader (101).
struct GetKVConfigResponseHeader {
  std::optional<std::string> value;

  static Result<GetKVConfigResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetKVConfigResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("value", h.value);
  }
};

// DeleteKVConfigRequestHeader (102).
struct DeleteKVConfigRequestHeader {
  std::string kv_namespace;  // key "namespace"
  std::string key;

  static Result<DeleteKVConfigRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const DeleteKVConfigRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("namespace", h.kv_namespace);
    v("key", h.key);
  }
};

// GetKVListByNamespaceRequestHeader (219).
struct GetKVListByNamespaceRequestHeader {
  std::string kv_namespace;  // key "namespace"

  static Result<GetKVListByNamespaceRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetKVListByNamespaceRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("namespace", h.kv_namespace);
  }
};

// DeleteTopicFromNamesrvRequestHeader (216).
struct DeleteTopicFromNamesrvRequestHeader {
  std::string topic;
  std::optional<std::string> cluster_name;

  static Result<DeleteTopicFromNamesrvRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const DeleteTopicFromNamesrvRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("topic", h.topic);
    v("clusterName", h.cluster_name);
  }
};

// GetTopicsByClusterRequestHeader (224).
struct GetTopicsByClusterRequestHeader {
  std::string cluster;

  static Result<GetTopicsByClusterRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const GetTopicsByClusterRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("cluster", h.cluster);
  }
};

// WipeWritePermOfBrokerRequestHeader (205).
struct WipeWritePermOfBrokerRequestHeader {
  std::string broker_name;

  static Result<WipeWritePermOfBrokerRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const WipeWritePermOfBrokerRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("brokerName", h.broker_name);
  }
};

// WipeWritePermOfBrokerResponseHeader (205).
struct WipeWritePermOfBrokerResponseHeader {
  int32_t wipe_topic_count = 0;

  static Result<WipeWritePermOfBrokerResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const WipeWritePermOfBrokerResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("wipeTopicCount", h.wipe_topic_count);
  }
};

// AddWritePermOfBrokerRequestHeader (327).
struct AddWritePermOfBrokerRequestHeader {
  std::string broker_name;

  static Result<AddWritePermOfBrokerRequestHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const AddWritePermOfBrokerRequestHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("brokerName", h.broker_name);
  }
};

// AddWritePermOfBrokerResponseHeader (327).
struct AddWritePermOfBrokerResponseHeader {
  int32_t add_topic_count = 0;

  static Result<AddWritePermOfBrokerResponseHeader> Decode(const ExtFields& ext);
  void Encode(ExtFields* ext) const;
  bool operator==(const AddWritePermOfBrokerResponseHeader&) const = default;

  template <typename H, typename V>
  static void VisitFields(H& h, V& v) {
    v("addTopicCount", h.add_topic_count);
  }
};

}  // namespace orbit::protocol
