// orbit-namesrv: the RocketMQ-compatible name server.
//   orbit-namesrv [-c namesrv.properties] [-p] [--config-doc]

#include <CLI/CLI.hpp>
#include <csignal>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <sstream>

#include "base/log.h"
#include "base/properties.h"
#include "namesrv/name_server.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  using orbit::namesrv::NamesrvConfig;
  CLI::App app{"Orbit name server (RocketMQ 4.9 compatible)", "orbit-namesrv"};
  std::string config_file;
  bool print_config = false;
  bool config_doc = false;
  app.add_option("-c,--configFile", config_file, "properties file with RocketMQ namesrv keys");
  app.add_flag("-p,--printConfigItem", print_config, "print the effective config and exit");
  app.add_flag("--config-doc", config_doc, "print the config table as markdown and exit");
  CLI11_PARSE(app, argc, argv);

  if (config_doc) {
    std::cout << orbit::namesrv::NamesrvConfigMarkdown();
    return 0;
  }

  NamesrvConfig config = NamesrvConfig::Defaults();
  if (!config_file.empty()) {
    std::ifstream in(config_file);
    if (!in) {
      std::cerr << "orbit-namesrv: cannot read config file " << config_file << "\n";
      return 2;
    }
    std::stringstream ss;
    ss << in.rdbuf();
    auto props = orbit::ParseProperties(ss.str());
    std::vector<std::string> unknown;
    orbit::Status st = props.ok() ? orbit::ApplyConfig(orbit::namesrv::NamesrvConfigFields(),
                                                       *props, &config, &unknown)
                                  : props.status();
    if (!st.ok()) {
      std::cerr << "orbit-namesrv: " << config_file << ": " << st.ToString() << "\n";
      return 2;
    }
    for (const auto& k : unknown) std::cerr << "orbit-namesrv: ignoring unknown key " << k << "\n";
  }
  if (print_config) {
    std::cout << orbit::FormatProperties(
        orbit::ConfigToProperties(orbit::namesrv::NamesrvConfigFields(), config));
    return 0;
  }

  orbit::SetupLogging({config.log_dir + "/namesrv.log", config.log_level, true});
  orbit::namesrv::NameServer server(config);
  orbit::Status st = server.Start();
  if (!st.ok()) {
    ORBIT_LOG_ERROR("name server failed to start: {}", st.ToString());
    return 1;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  ORBIT_LOG_INFO("The Name Server boot success. port={}", server.port());
  while (!g_stop) std::this_thread::sleep_for(std::chrono::milliseconds(100));
  ORBIT_LOG_INFO("shutting down");
  server.Shutdown();
  spdlog::shutdown();  // flushes the log file
  return 0;
}
