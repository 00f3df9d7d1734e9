#pragma once

// Topic, group and broker-config administration of Apache 4.9's AdminBrokerProcessor:
// UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), DELETE_SUBSCRIPTIONGROUP (207),
// GET_BROKER_CONFIG (26: body = every config key as properties text, header `version` = the
// config's DataVersion) and UPDATE_BROKER_CONFIG (25: body = properties text).
//
// UPDATE_BROKER_CONFIG: Apache applies the keys to the live config objects and rewrites the
// broker's config file. Orbit's processors read BrokerConfig without synchronization on every
// thread, so Orbit changes nothing at runtime: keys whose value would change are refused with a
// remark naming them (set them in broker.conf and restart); unknown keys and bad values are
// refused too; configBlackList and brokerConfigPath answer NO_PERMISSION as in Apache 4.9.6+;
// a body that changes nothing succeeds. The other admin views live in admin_stats_processor.h,
// consumer_admin_processor.h, lock_processor.h and query_processor.h.
//
// Threads: runs on the connection's loop (table updates and one small file write each).

#include "net/remoting_server.h"
#include "protocol/bodies.h"

namespace orbit::broker {

class Broker;

class AdminProcessor {
 public:
  explicit AdminProcessor(Broker& broker);
  void Register(net::RemotingServer& server);

 private:
  void UpdateAndCreateTopic(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void DeleteTopic(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetAllTopicConfig(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void UpdateAndCreateSubscriptionGroup(const net::ConnectionPtr& conn,
                                        protocol::RemotingCommand req);
  void DeleteSubscriptionGroup(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetBrokerConfig(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void UpdateBrokerConfig(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
  // Apache's Configuration.dataVersion: stamped at start, never bumped (nothing changes).
  protocol::DataVersion config_version_;
};

}  // namespace orbit::broker
