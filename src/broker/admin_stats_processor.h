#pragma once

// Read-only admin views of Apache 4.9's AdminBrokerProcessor (what mqadmin's clusterList,
// brokerStatus, topicStatus, consumerProgress and queryMsgById's track detail ask for):
// GET_BROKER_RUNTIME_INFO (28), GET_TOPIC_STATS_INFO (202), GET_CONSUME_STATS (208),
// QUERY_TOPIC_CONSUME_BY_WHO (300), GET_ALL_SUBSCRIPTIONGROUP_CONFIG (201),
// GET_ALL_CONSUMER_OFFSET (43), GET_ALL_DELAY_OFFSET (45: delayOffset.json's content); and
// CLEAN_UNUSED_TOPIC (316), which drops the consume queues of topics no longer in the topic
// table.
//
// GET_BROKER_RUNTIME_INFO answers Apache's key names with what Orbit measures; keys of Apache's
// thread pools are 0 (Orbit has no request queues: processors run on the event loops), keys Orbit
// cannot measure (pageCacheLockTimeMills, put latency distribution, transient store pool) are left
// out. Consume TPS in GET_CONSUME_STATS is 0.0: Orbit keeps no per-group get statistics.
//
// Threads: runs on the connection's loop; reads thread-safe managers and the store.

#include <map>
#include <string>

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class AdminStatsProcessor {
 public:
  explicit AdminStatsProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

  // The GET_BROKER_RUNTIME_INFO table.
  std::map<std::string, std::string> RuntimeInfo() const;

 private:
  void GetBrokerRuntimeInfo(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetTopicStatsInfo(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetConsumeStats(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void QueryTopicConsumeByWho(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetAllSubscriptionGroupConfig(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetAllConsumerOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetAllDelayOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void CleanUnusedTopic(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
