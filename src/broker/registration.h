#pragma once

// Registration with the name servers (Apache's BrokerOuterAPI.registerBrokerAll /
// unregisterBrokerAll): REGISTER_BROKER (103) with the topic table to every configured name
// server, UNREGISTER_BROKER (104) at shutdown.
//
// Threads: RegisterAll and UnregisterAll block for at most registerBrokerTimeoutMills per name
// server; they run on the scheduler thread and at start/shutdown, never on an event loop.

#include <functional>
#include <memory>
#include <string>
#include <utility>

#include "base/status.h"
#include "net/remoting_client.h"

namespace orbit::broker {

class Broker;

class Registration {
 public:
  explicit Registration(Broker& broker);
  ~Registration();

  // Registers with every name server; the error lists the ones that failed (the others are
  // registered anyway).
  Status RegisterAll();
  // The same without blocking (any thread, event loops included): `done` runs once every name
  // server has answered or failed, on the registration client's I/O thread.
  void RegisterAllAsync(std::function<void()> done);
  void UnregisterAll();

 private:
  // The request header and body for the current topic table.
  std::pair<protocol::RemotingCommand, std::string> BuildRequest();

  Broker& broker_;
  std::unique_ptr<net::RemotingClient> client_;
};

}  // namespace orbit::broker
