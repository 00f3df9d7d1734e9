#pragma once

// Topic, group and broker-config administration of Apache 4.9's AdminBrokerProcessor:
// UPDATE_AND_CREATE_TOPIC (17), DELETE_TOPIC_IN_BROKER (215), GET_ALL_TOPIC_CONFIG (21),
// UPDATE_AND_CREATE_SUBSCRIPTIONGROUP (200), DELETE_SUBSCRIPTIONGROUP (207),
// GET_BROKER_CONFIG (26: body = every config key as properties text, header `version` = the
// config's DataVersion) and UPDATE_BROKER_CONFIG (25: body = properties text).
//
// UPDATE_BROKER_CONFIG: as Apache, the new values are checked, written back to the broker's config
// file (brokerConfigPath, set by -c; only the changed keys' lines are rewritten) and applied.
// Keys the running broker reads where it uses them (IsRuntimeBrokerConfigKey) take effect at
// once, by publishing a new config snapshot; the others at the next start, and the reply's remark
// names them. Without a config file such keys are refused, as nothing could keep them. Unknown
// keys and bad values are refused with the key named, and nothing changes; configBlackList and
// brokerConfigPath answer NO_PERMISSION as in Apache 4.9.6+. A change of brokerPermission or
// namesrvAddr re-registers before the reply (Apache does so for brokerPermission). The other
// admin views live in admin_stats_processor.h, consumer_admin_processor.h, lock_processor.h and
// query_processor.h.
//
// Threads: runs on the connection's loop (table updates and one small file write each).

#include "base/thread_annotations.h"
#include "broker/broker_config.h"
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

  // Follow-ups of a published change: TBW102 when auto-creation turns on, the topic data version
  // when the registered permission or name servers change, the check thread's interval.
  void AfterConfigUpdate(const BrokerConfig& before, const BrokerConfig& after);

  Broker& broker_;
  Mutex update_mu_;
  // Apache's Configuration.dataVersion: stamped at start, bumped by each update that changes a
  // value.
  protocol::DataVersion config_version_ ORBIT_GUARDED_BY(update_mu_);
};

}  // namespace orbit::broker
