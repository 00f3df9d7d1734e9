#pragma once

// Name-server configuration: Apache's NamesrvConfig and NettyServerConfig keys with their
// defaults, plus Orbit's own (marked so in the table). docs/config.md is generated from the
// table (NamesrvConfigMarkdown) and a test keeps it in sync.

#include <cstdint>
#include <string>
#include <vector>

#include "base/config.h"

namespace orbit::namesrv {

struct NamesrvConfig {
  std::string rocketmq_home;
  std::string kv_config_path;     // default $HOME/namesrv/kvConfig.json
  std::string config_store_path;  // default $HOME/namesrv/namesrv.properties
  std::string product_env_name = "center";
  bool cluster_test = false;
  bool order_message_enable = false;
  int32_t listen_port = 9876;
  std::string bind_address = "0.0.0.0";
  int32_t server_worker_threads = 0;  // event-loop threads; 0 = one per core
  int64_t broker_channel_expired_time = 120000;
  int64_t scan_not_active_broker_interval = 10000;
  std::string log_dir;  // default $HOME/logs/orbit
  std::string log_level = "info";

  // Fills the $HOME-based defaults.
  static NamesrvConfig Defaults();
};

const std::vector<ConfigField<NamesrvConfig>>& NamesrvConfigFields();
// Keys UPDATE_NAMESRV_CONFIG may not change (Apache's configBlackList).
bool IsBlacklistedConfigKey(const std::string& key);
std::string NamesrvConfigMarkdown();

}  // namespace orbit::namesrv
