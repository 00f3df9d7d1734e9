#include "namesrv/namesrv_config.h"

#include <cstdlib>

namespace orbit::namesrv {

NamesrvConfig NamesrvConfig::Defaults() {
  NamesrvConfig c;
  const char* home = std::getenv("HOME");
  std::string h = home != nullptr ? home : ".";
  const char* rocketmq_home = std::getenv("ROCKETMQ_HOME");
  if (rocketmq_home != nullptr) c.rocketmq_home = rocketmq_home;
  c.kv_config_path = h + "/namesrv/kvConfig.json";
  c.config_store_path = h + "/namesrv/namesrv.properties";
  c.log_dir = h + "/logs/orbit";
  return c;
}

const std::vector<ConfigField<NamesrvConfig>>& NamesrvConfigFields() {
  using C = NamesrvConfig;
  static const std::vector<ConfigField<C>> fields = {
      MakeConfigField("rocketmqHome", &C::rocketmq_home,
                      "RocketMQ home (env ROCKETMQ_HOME); informational"),
      MakeConfigField("kvConfigPath", &C::kv_config_path,
                      "file holding the KV config (`$HOME/namesrv/kvConfig.json`)"),
      MakeConfigField("configStorePath", &C::config_store_path,
                      "where UPDATE_NAMESRV_CONFIG changes are kept "
                      "(`$HOME/namesrv/namesrv.properties`)"),
      MakeConfigField("productEnvName", &C::product_env_name, "environment name"),
      MakeConfigField("clusterTest", &C::cluster_test, "test-cluster flag (unused)"),
      MakeConfigField("orderMessageEnable", &C::order_message_enable,
                      "put `orderTopicConf` from the ORDER_TOPIC_CONFIG namespace into routes"),
      MakeConfigField("listenPort", &C::listen_port, "TCP port"),
      MakeConfigField("bindAddress", &C::bind_address, "address to listen on"),
      MakeConfigField("serverWorkerThreads", &C::server_worker_threads,
                      "Orbit: event-loop threads, 0 = one per core"),
      MakeConfigField("brokerChannelExpiredTime", &C::broker_channel_expired_time,
                      "Orbit: ms without registration after which a broker is removed"),
      MakeConfigField("scanNotActiveBrokerInterval", &C::scan_not_active_broker_interval,
                      "ms between scans for expired brokers (5.x key)"),
      MakeConfigField("logDir", &C::log_dir,
                      "Orbit: directory of namesrv.log (`$HOME/logs/orbit`)"),
      MakeConfigField("logLevel", &C::log_level, "Orbit: trace, debug, info, warn, error or off"),
  };
  return fields;
}

bool IsBlacklistedConfigKey(const std::string& key) {
  return key == "configBlackList" || key == "configStorePath" || key == "kvConfigPath" ||
         key == "rocketmqHome";
}

std::string NamesrvConfigMarkdown() {
  NamesrvConfig defaults;  // without $HOME expansion, so the doc does not depend on the machine
  return ConfigMarkdown(NamesrvConfigFields(), defaults);
}

}  // namespace orbit::namesrv
