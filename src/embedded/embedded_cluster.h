#pragma once

// orbit::EmbeddedCluster: a name server and N brokers inside this process, on loopback ports the
// kernel picks, with their data in one directory. For tests and for applications that want a
// private RocketMQ-compatible cluster; clients reach it through namesrv_addr() like any other.
//
// Threads: Start/Shutdown/RestartBroker from one controlling thread; the servers run their own
// threads (see broker/broker.h, namesrv/name_server.h).

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "broker/broker.h"
#include "namesrv/name_server.h"

namespace orbit {

struct EmbeddedClusterOptions {
  int brokers = 1;
  // Where stores and config files go (one subdirectory per broker). Empty: a new temporary
  // directory, removed at shutdown.
  std::string data_dir;
  std::string cluster_name = "DefaultCluster";
  // "broker-a", "broker-b", ... unless changed here. Called for each broker before it starts.
  std::function<void(int index, broker::BrokerConfig& config)> configure;
  // Fixed ports (0: ephemeral). Broker i listens on broker_port + i when broker_port != 0.
  uint16_t namesrv_port = 0;
  uint16_t broker_port = 0;
  // The address clients are given (brokerIP1, name server address) and the one servers bind
  // to (empty: `host`).
  std::string host = "127.0.0.1";
  std::string bind_host;
};

class EmbeddedCluster {
 public:
  static Result<std::unique_ptr<EmbeddedCluster>> Start(EmbeddedClusterOptions options);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // "127.0.0.1:port" of the name server.
  std::string namesrv_addr() const;
  int broker_count() const { return static_cast<int>(brokers_.size()); }
  broker::Broker& broker(int index) { return *brokers_.at(static_cast<size_t>(index)); }
  namesrv::NameServer& namesrv() { return *namesrv_; }
  const std::string& data_dir() const { return data_dir_; }

  // Stops broker `index` cleanly and starts it again on the same port and store.
  Status RestartBroker(int index);
  // Brokers first (they unregister), then the name server. Idempotent.
  void Shutdown();

 private:
  explicit EmbeddedCluster(EmbeddedClusterOptions options) : options_(std::move(options)) {}
  broker::BrokerConfig BrokerConfigFor(int index, uint16_t port) const;
  Status StartBroker(int index, uint16_t port);

  EmbeddedClusterOptions options_;
  std::string data_dir_;
  bool remove_data_dir_ = false;
  std::unique_ptr<namesrv::NameServer> namesrv_;
  std::vector<std::unique_ptr<broker::Broker>> brokers_;
  bool shut_down_ = false;
};

}  // namespace orbit
