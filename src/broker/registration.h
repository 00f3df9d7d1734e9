#pragma once

// Registration with the name servers (Apache's BrokerOuterAPI.registerBrokerAll /
// unregisterBrokerAll): REGISTER_BROKER (103) with the topic table to every configured name
// server, UNREGISTER_BROKER (104) at shutdown.
//
// Threads: RegisterAll and UnregisterAll block for at most registerBrokerTimeoutMills per name
// server; they run on the scheduler thread and at start/shutdown, never on an event loop.

#include <memory>
#include <string>

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
  void UnregisterAll();

 private:
  Broker& broker_;
  std::unique_ptr<net::RemotingClient> client_;
};

}  // namespace orbit::broker
