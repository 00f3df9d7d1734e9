#pragma once

// orbit-server as a child process on free loopback ports, with its data in a directory of the
// test's, and the few admin calls the cross-process tests need (create a topic, wait for its
// route). The binary's path comes from the build (ORBIT_SERVER_BINARY).

#include <memory>
#include <optional>
#include <string>

#include "base/status.h"
#include "interop/process.h"
#include "net/remoting_client.h"

namespace orbit::testing {

class OrbitServerProcess {
 public:
  // Starts orbit-server with `extra_conf` as its broker.conf (may be empty) and waits until its
  // broker is registered with its name server (at most `timeout`).
  static Result<std::unique_ptr<OrbitServerProcess>> Start(
      const std::string& data_dir, const std::string& extra_conf = "",
      std::chrono::milliseconds timeout = std::chrono::seconds(20), int namesrv_port = 0,
      int broker_port = 0);
  ~OrbitServerProcess();

  std::string namesrv_addr() const { return "127.0.0.1:" + std::to_string(namesrv_port_); }
  std::string broker_addr() const { return "127.0.0.1:" + std::to_string(broker_port_); }
  int namesrv_port() const { return namesrv_port_; }
  int broker_port() const { return broker_port_; }
  ChildProcess& process() { return *process_; }
  const std::string& log_path() const { return log_path_; }

  // UPDATE_AND_CREATE_TOPIC on the broker, then waits until the name server routes it.
  Status CreateTopic(const std::string& topic, int queues,
                     std::chrono::milliseconds timeout = std::chrono::seconds(10));
  net::RemotingClient& client() { return *client_; }

 private:
  OrbitServerProcess() = default;
  Status WaitRegistered(std::chrono::milliseconds timeout);

  std::optional<ChildProcess> process_;
  std::unique_ptr<net::RemotingClient> client_;
  std::string log_path_;
  int namesrv_port_ = 0;
  int broker_port_ = 0;
};

// The first `name` found in $PATH, or "".
std::string FindInPath(const std::string& name);

}  // namespace orbit::testing
