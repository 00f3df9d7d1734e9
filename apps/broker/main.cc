// orbit-broker: the RocketMQ-compatible broker.
//   orbit-broker [-c broker.conf] [-n namesrvAddr] [-p] [--config-doc]
// Keys and defaults are Apache RocketMQ 4.9's (docs/config.md). Unknown keys are warned about;
// an invalid value stops the start with a message naming the key.

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/log.h"
#include "broker/broker.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  using orbit::broker::BrokerConfig;
  CLI::App app{"Orbit broker (RocketMQ 4.9 compatible)", "orbit-broker"};
  std::string config_file;
  std::string namesrv;
  bool print_config = false;
  bool config_doc = false;
  app.add_option("-c,--configFile", config_file, "broker.conf with RocketMQ broker and store keys");
  app.add_option("-n,--namesrvAddr", namesrv, "name servers, e.g. 127.0.0.1:9876;10.0.0.2:9876");
  app.add_flag("-p,--printConfigItem", print_config, "print the effective config and exit");
  app.add_flag("--config-doc", config_doc, "print the config table as markdown and exit");
  CLI11_PARSE(app, argc, argv);

  if (config_doc) {
    std::cout << orbit::broker::BrokerConfigMarkdown();
    return 0;
  }
  BrokerConfig config = BrokerConfig::Defaults();
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) {
      std::cerr << "orbit-broker: cannot read config file " << config_file << "\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    std::vector<std::string> unknown;
    orbit::Status st = orbit::broker::ApplyBrokerProperties(ss.str(), &config, &unknown);
    if (!st.ok()) {
      std::cerr << "orbit-broker: " << config_file << ": " << st.message() << "\n";
      return 2;
    }
    for (const auto& k : unknown) std::cerr << "orbit-broker: ignoring unknown key " << k << "\n";
    // UPDATE_BROKER_CONFIG writes accepted changes back to the file the broker started from.
    if (config.broker_config_path.empty()) {
      config.broker_config_path = std::filesystem::absolute(config_file).string();
    }
  }
  if (!namesrv.empty()) config.namesrv_addr = namesrv;
  if (orbit::Status st = config.Validate(); !st.ok()) {
    std::cerr << "orbit-broker: " << st.message() << "\n";
    return 2;
  }
  if (print_config) {
    std::cout << orbit::broker::FormatBrokerConfig(config);
    return 0;
  }

  orbit::SetupLogging({config.log_dir + "/broker.log", config.log_level, true});
  orbit::broker::Broker broker(config);
  orbit::Status st = broker.Start();
  if (!st.ok()) {
    ORBIT_LOG_ERROR("broker failed to start: {}", st.ToString());
    std::cerr << "orbit-broker: " << st.ToString() << "\n";
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::cout << "The broker[" << config.broker_name << ", " << broker.addr()
            << "] boot success. serializeType=JSON"
            << (config.namesrv_addr.empty() ? "" : " and name server is " + config.namesrv_addr)
            << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ORBIT_LOG_INFO("shutting down");
  broker.Shutdown();
  spdlog::shutdown();
  return 0;
}
