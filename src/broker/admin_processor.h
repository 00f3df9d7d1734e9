#pragma once

// The admin requests of Apache 4.9's AdminBrokerProcessor that Orbit serves so far:
// UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), DELETE_SUBSCRIPTIONGROUP (207).
//
// Threads: runs on the connection's loop (table updates and one small file write each).

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class AdminProcessor {
 public:
  explicit AdminProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void UpdateAndCreateTopic(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void DeleteTopic(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetAllTopicConfig(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void UpdateAndCreateSubscriptionGroup(const net::ConnectionPtr& conn,
                                        protocol::RemotingCommand req);
  void DeleteSubscriptionGroup(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
