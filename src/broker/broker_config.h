#pragma once

// Broker configuration: Apache RocketMQ 4.9's BrokerConfig and NettyServerConfig keys with their
// defaults, plus the store's MessageStoreConfig keys (store/store_config.h), in one table as
// Apache's broker.conf mixes them. Orbit's own keys are marked so in the table. docs/config.md
// is generated from the table (BrokerConfigMarkdown) and a test keeps it in sync.
//
// Loading (ApplyBrokerProperties): unknown keys are returned for the caller to warn about; a known
// key with an invalid value is an error that names the key; Validate() checks relations between
// keys (ranges, roles, addresses).

#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "base/config.h"
#include "base/status.h"
#include "base/thread_annotations.h"
#include "store/store_config.h"

namespace orbit::broker {

struct BrokerConfig {
  // ---- identity and cluster ----
  std::string rocketmq_home;  // env ROCKETMQ_HOME
  std::string namesrv_addr;   // "host:port;host:port"; env NAMESRV_ADDR
  std::string broker_ip1;     // default: this host's first non-loopback IPv4
  std::string broker_ip2;     // default: broker_ip1 (HA)
  std::string broker_name;    // default: the host name
  std::string broker_cluster_name = "DefaultCluster";
  int64_t broker_id = 0;                     // 0 = master
  std::string broker_role = "ASYNC_MASTER";  // ASYNC_MASTER, SYNC_MASTER or SLAVE
  int32_t broker_permission = 6;             // PermName: 4 read | 2 write
  std::string region_id = "DefaultRegion";

  // ---- topics and groups ----
  int32_t default_topic_queue_nums = 8;
  bool auto_create_topic_enable = true;
  bool cluster_topic_enable = true;
  bool broker_topic_enable = true;
  bool auto_create_subscription_group = true;
  bool trace_topic_enable = false;
  std::string msg_trace_topic_name = "RMQ_SYS_TRACE_TOPIC";

  // ---- network (NettyServerConfig) ----
  int32_t listen_port = 10911;
  std::string bind_address = "0.0.0.0";  // Orbit
  int32_t server_worker_threads = 0;     // Orbit meaning: event loops, 0 = one per core

  // ---- consumers ----
  bool long_polling_enable = true;
  int64_t short_polling_time_mills = 1000;
  bool notify_consumer_ids_changed_enable = true;
  int32_t flush_consumer_offset_interval = 5000;  // ms between consumerOffset.json writes
  int64_t flush_delay_offset_interval = 10000;    // ms between delayOffset.json writes
  int64_t channel_expired_timeout = 120000;       // Orbit name for Apache's fixed 120 s
  bool transfer_msg_by_heap = true;
  bool slave_read_enable = false;
  int64_t consumer_fallbehind_threshold = 1024LL * 1024 * 1024 * 16;
  bool disable_consume_if_consumer_read_slowly = false;
  int32_t max_reconsume_times = 16;  // Orbit: when the group's config has none

  // ---- transactions ----
  bool reject_transaction_message = false;
  int64_t transaction_timeout = 6000;
  int32_t transaction_check_max = 15;
  int64_t transaction_check_interval = 60000;

  // ---- registration ----
  int32_t register_name_server_period = 30000;
  int32_t register_broker_timeout_mills = 6000;
  bool force_register = true;
  bool compressed_register = false;
  bool fetch_namesrv_addr_by_address_server = false;

  // ---- ACL 1.0 ----
  bool acl_enable = false;
  std::string acl_file;  // Orbit: default $ROCKETMQ_HOME/conf/plain_acl.yml

  // ---- misc ----
  bool store_reply_message_enable = true;
  int64_t start_accept_send_request_time_stamp = 0;
  int64_t wait_time_mills_in_send_queue = 200;
  std::string log_dir;  // Orbit: default $HOME/logs/orbit
  std::string log_level = "info";
  // Apache 5's brokerConfigPath: the file UPDATE_BROKER_CONFIG writes accepted changes back to
  // (set by -c). Empty: changes hold until the broker stops.
  std::string broker_config_path;

  store::StoreConfig store;

  // Apache's defaults that depend on the machine: $HOME paths, host name, local IP.
  static BrokerConfig Defaults();

  // Relations between keys; errors name the key.
  Status Validate() const;

  // "ip:port" other processes reach this broker at (broker_ip1:listen_port).
  std::string BrokerAddr() const;
  // namesrv_addr split at ';' (empty entries dropped).
  std::vector<std::string> NamesrvAddrs() const;
  bool IsSlave() const { return broker_role == "SLAVE"; }
};

// The broker's config as its threads see it. Readers take the current snapshot without locking;
// UPDATE_BROKER_CONFIG publishes a new one. A replaced snapshot is kept until the holder is
// destroyed (updates are rare admin requests), so a reference taken from get() never dangles,
// though it may be one update old.
class LiveBrokerConfig {
 public:
  explicit LiveBrokerConfig(BrokerConfig initial);
  LiveBrokerConfig(const LiveBrokerConfig&) = delete;
  LiveBrokerConfig& operator=(const LiveBrokerConfig&) = delete;

  const BrokerConfig& get() const { return *current_.load(std::memory_order_acquire); }
  // Makes `next` the current snapshot and returns it.
  const BrokerConfig& Publish(BrokerConfig next) ORBIT_EXCLUDES(mu_);

 private:
  Mutex mu_;
  std::vector<std::unique_ptr<const BrokerConfig>> versions_ ORBIT_GUARDED_BY(mu_);
  std::atomic<const BrokerConfig*> current_;
};

// Keys a running broker applies when UPDATE_BROKER_CONFIG changes them: each is read where it
// is used, not copied at start. Every other key takes effect at the next start.
std::span<const std::string_view> RuntimeBrokerConfigKeys();
bool IsRuntimeBrokerConfigKey(std::string_view key);

// Broker keys first, then the store's (store::StoreConfigFields), each key once.
const std::vector<ConfigField<BrokerConfig>>& BrokerConfigFields();

// Applies a .properties text onto *config. Unknown keys go to *unknown; a bad value is an
// error naming the key.
Status ApplyBrokerProperties(std::string_view text, BrokerConfig* config,
                             std::vector<std::string>* unknown);

// The effective config as a .properties text (what `orbit-broker -p` prints).
std::string FormatBrokerConfig(const BrokerConfig& config);

// Markdown table of every key, its default and description (docs/config.md's broker part).
std::string BrokerConfigMarkdown();

}  // namespace orbit::broker
