#pragma once

// Queue locks of orderly consumers, as Apache 4.9's AdminBrokerProcessor serves them:
// LOCK_BATCH_MQ (41: body LockBatchRequestBody, answer LockBatchResponseBody with the queues
// now held by the client) and UNLOCK_BATCH_MQ (42: releases the client's own locks; code only).
//
// Threads: runs on the connection's loop (a table update under the lock manager's mutex).

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class LockProcessor {
 public:
  explicit LockProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void LockBatchMq(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void UnlockBatchMq(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
