#pragma once

// The name server: route tables, broker liveness and KV config behind a RemotingServer.
// Answers the codes Apache's name server answers (codes.md §2) and nothing else: unknown codes
// get no reply, as with Apache.
//
// Threads: request processors run on the server's event loops (short, lock-protected table
// operations); one scan thread expires silent brokers every scanNotActiveBrokerInterval.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "base/clock.h"
#include "base/status.h"
#include "namesrv/kv_config_manager.h"
#include "namesrv/namesrv_config.h"
#include "namesrv/route_info_manager.h"
#include "net/remoting_server.h"

namespace orbit::namesrv {

class NameServer {
 public:
  explicit NameServer(NamesrvConfig config, const Clock& clock = Clock::System());
  ~NameServer();

  // Loads the KV config, binds the port and starts the scan thread.
  Status Start();
  void Shutdown();
  uint16_t port() const { return server_ ? server_->port() : 0; }

  RouteInfoManager& routes() { return routes_; }
  KVConfigManager& kv() { return kv_; }
  // One expiry scan now (tests; the scan thread calls it periodically).
  void ScanNotActiveBrokers();

 private:
  void RegisterProcessors();
  void ScanLoop();

  NamesrvConfig config_;
  std::mutex config_mu_;  // guards config_ against UPDATE_NAMESRV_CONFIG
  const Clock& clock_;
  RouteInfoManager routes_;
  KVConfigManager kv_;
  std::unique_ptr<net::RemotingServer> server_;
  std::thread scan_thread_;
  std::mutex scan_mu_;
  std::condition_variable scan_cv_;
  bool stopping_ = false;
};

}  // namespace orbit::namesrv
