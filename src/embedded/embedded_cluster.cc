#include "embedded/embedded_cluster.h"

#include <stdlib.h>

#include <filesystem>

#include "base/log.h"

namespace orbit {

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(EmbeddedClusterOptions options) {
  if (options.brokers < 0) return InvalidArgument("brokers must not be negative");
  std::unique_ptr<EmbeddedCluster> c(new EmbeddedCluster(std::move(options)));
  if (c->options_.data_dir.empty()) {
    std::string tmpl = (std::filesystem::temp_directory_path() / "orbit-cluster-XXXXXX").string();
    if (mkdtemp(tmpl.data()) == nullptr) {
      return Status(ErrorCode::kIoError, "cannot create a temporary directory for the cluster");
    }
    c->data_dir_ = tmpl;
    c->remove_data_dir_ = true;
  } else {
    c->data_dir_ = c->options_.data_dir;
    std::error_code ec;
    std::filesystem::create_directories(c->data_dir_, ec);
    if (ec)
      return Status(ErrorCode::kIoError, "cannot create " + c->data_dir_ + ": " + ec.message());
  }

  namesrv::NamesrvConfig ns;
  ns.listen_port = c->options_.namesrv_port;
  ns.bind_address = c->options_.bind_host.empty() ? c->options_.host : c->options_.bind_host;
  ns.server_worker_threads = 1;
  ns.kv_config_path = c->data_dir_ + "/namesrv/kvConfig.json";
  ns.config_store_path = c->data_dir_ + "/namesrv/namesrv.properties";
  c->namesrv_ = std::make_unique<namesrv::NameServer>(ns);
  ORBIT_RETURN_IF_ERROR(c->namesrv_->Start());

  for (int i = 0; i < c->options_.brokers; ++i) {
    uint16_t port =
        c->options_.broker_port == 0 ? 0 : static_cast<uint16_t>(c->options_.broker_port + i);
    c->brokers_.emplace_back();
    ORBIT_RETURN_IF_ERROR(c->StartBroker(i, port));
  }
  return c;
}

EmbeddedCluster::~EmbeddedCluster() { Shutdown(); }

std::string EmbeddedCluster::namesrv_addr() const {
  return options_.host + ":" + std::to_string(namesrv_->port());
}

broker::BrokerConfig EmbeddedCluster::BrokerConfigFor(int index, uint16_t port) const {
  broker::BrokerConfig config;
  config.broker_name = "broker-" + std::string(1, static_cast<char>('a' + index % 26)) +
                       (index >= 26 ? std::to_string(index / 26) : "");
  config.broker_cluster_name = options_.cluster_name;
  config.broker_ip1 = options_.host;
  config.broker_ip2 = options_.host;
  config.bind_address = options_.bind_host.empty() ? options_.host : options_.bind_host;
  config.listen_port = port;
  config.namesrv_addr = namesrv_addr();
  config.server_worker_threads = 1;
  config.store.store_path_root_dir = data_dir_ + "/" + config.broker_name;
  // Small files: a test cluster should not need gigabytes of disk.
  config.store.mapped_file_size_commit_log = 64 << 20;
  config.store.mapped_file_size_consume_queue = 20 * 30000;
  config.store.max_hash_slot_num = 50000;
  config.store.max_index_num = 200000;
  config.log_dir = data_dir_ + "/logs";
  if (options_.configure) options_.configure(index, config);
  return config;
}

Status EmbeddedCluster::StartBroker(int index, uint16_t port) {
  auto b = std::make_unique<broker::Broker>(BrokerConfigFor(index, port));
  ORBIT_RETURN_IF_ERROR(b->Start());
  brokers_[static_cast<size_t>(index)] = std::move(b);
  return Status::Ok();
}

Status EmbeddedCluster::RestartBroker(int index) {
  auto& b = brokers_.at(static_cast<size_t>(index));
  uint16_t port = b->port();
  b->Shutdown();
  b.reset();
  return StartBroker(index, port);
}

void EmbeddedCluster::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  for (auto& b : brokers_) {
    if (b) b->Shutdown();
  }
  brokers_.clear();
  if (namesrv_) namesrv_->Shutdown();
  if (remove_data_dir_) {
    std::error_code ec;
    std::filesystem::remove_all(data_dir_, ec);
  }
}

}  // namespace orbit
