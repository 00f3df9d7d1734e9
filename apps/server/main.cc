// orbit-server: a name server and a broker in one process, with single-machine defaults
// (name server on 9876, broker on 10911, data under ./orbit-data). The default a new user starts.
//   orbit-server [--data-dir DIR] [-c broker.conf] [--host IP] [--bind IP]
//                [--namesrv-port N] [--broker-port N] [-p]

#include <CLI/CLI.hpp>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include "base/log.h"
#include "embedded/embedded_cluster.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"Orbit standalone server: name server + broker (RocketMQ 4.9 compatible)",
               "orbit-server"};
  std::string data_dir = "orbit-data";
  std::string config_file;
  std::string host;
  std::string bind = "0.0.0.0";
  uint16_t namesrv_port = 9876;
  uint16_t broker_port = 10911;
  bool print_config = false;
  app.add_option("--data-dir", data_dir, "store, config files and logs")->capture_default_str();
  app.add_option("-c,--configFile", config_file,
                 "broker.conf: RocketMQ broker and store keys for the broker (ports and "
                 "directories come from the options here; default: DATA_DIR/broker.conf when "
                 "it exists)");
  app.add_option("--host", host,
                 "address given to clients (default: this host's first non-loopback IPv4)");
  app.add_option("--bind", bind, "address the servers listen on")->capture_default_str();
  app.add_option("--namesrv-port", namesrv_port, "name server port")->capture_default_str();
  app.add_option("--broker-port", broker_port, "broker port")->capture_default_str();
  app.add_flag("-p,--printConfigItem", print_config,
               "print the broker's effective config and exit");
  CLI11_PARSE(app, argc, argv);

  orbit::broker::BrokerConfig defaults = orbit::broker::BrokerConfig::Defaults();
  // The broker's config file: -c, else DATA_DIR/broker.conf. UPDATE_BROKER_CONFIG writes accepted
  // changes back to it (creating DATA_DIR/broker.conf), so they hold across restarts.
  const std::string data_config = (std::filesystem::path(data_dir) / "broker.conf").string();
  if (config_file.empty() && std::filesystem::exists(data_config)) config_file = data_config;
  const std::string config_path =
      std::filesystem::absolute(config_file.empty() ? data_config : config_file).string();
  std::string file_text;
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) {
      std::cerr << "orbit-server: cannot read config file " << config_file << "\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    file_text = ss.str();
    orbit::broker::BrokerConfig probe;
    std::vector<std::string> unknown;
    if (orbit::Status st = orbit::broker::ApplyBrokerProperties(file_text, &probe, &unknown);
        !st.ok()) {
      std::cerr << "orbit-server: " << config_file << ": " << st.message() << "\n";
      return 2;
    }
    for (const auto& k : unknown) std::cerr << "orbit-server: ignoring unknown key " << k << "\n";
  }

  orbit::EmbeddedClusterOptions options;
  options.data_dir = std::filesystem::absolute(data_dir).string();
  options.host = host.empty() ? defaults.broker_ip1 : host;
  options.bind_host = bind;
  options.namesrv_port = namesrv_port;
  options.broker_port = broker_port;
  options.configure = [&](int, orbit::broker::BrokerConfig& config) {
    // Full-size store files, as a real broker; the file's keys win over the defaults.
    config.store.mapped_file_size_commit_log = defaults.store.mapped_file_size_commit_log;
    config.store.mapped_file_size_consume_queue = defaults.store.mapped_file_size_consume_queue;
    config.store.max_hash_slot_num = defaults.store.max_hash_slot_num;
    config.store.max_index_num = defaults.store.max_index_num;
    config.server_worker_threads = 0;
    if (!file_text.empty()) {
      std::vector<std::string> unknown;
      (void)orbit::broker::ApplyBrokerProperties(file_text, &config, &unknown);
      // Where and on which port it serves stays as given on the command line.
      config.listen_port = broker_port;
      config.store.store_path_root_dir = options.data_dir + "/" + config.broker_name;
    }
    if (config.broker_config_path.empty()) config.broker_config_path = config_path;
  };
  if (print_config) {
    options.brokers = 0;  // nothing started; just show what the broker would run with
    orbit::broker::BrokerConfig config;
    config.broker_name = "broker-a";
    config.broker_ip1 = options.host;
    config.listen_port = broker_port;
    config.namesrv_addr = options.host + ":" + std::to_string(namesrv_port);
    config.store.store_path_root_dir = options.data_dir + "/broker-a";
    options.configure(0, config);
    std::cout << orbit::broker::FormatBrokerConfig(config);
    return 0;
  }

  std::error_code ec;
  std::filesystem::create_directories(options.data_dir + "/logs", ec);
  orbit::SetupLogging({options.data_dir + "/logs/orbit-server.log", "info", true});
  auto cluster = orbit::EmbeddedCluster::Start(options);
  if (!cluster.ok()) {
    std::cerr << "orbit-server: " << cluster.status().ToString() << "\n";
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  std::cout << "orbit-server ready: name server " << (*cluster)->namesrv_addr() << ", broker "
            << (*cluster)->broker(0).addr() << ", data in " << options.data_dir << std::endl;
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ORBIT_LOG_INFO("shutting down");
  (*cluster)->Shutdown();
  spdlog::shutdown();
  return 0;
}
