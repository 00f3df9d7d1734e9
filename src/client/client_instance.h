#pragma once

// The client instance (Java's MQClientInstance + MQClientManager + MQClientAPIImpl's plumbing):
// one per client id in the process, shared by that id's producers and consumers. It
// owns the connections (one net::RemotingClient), the name-server list, the route and
// broker-address tables, and the scheduled tasks (client-behaviour.md §2):
//   - name-server lookup over HTTP (only with a lookup URL and no address): 10 s, then 2 min;
//   - route refresh of every topic in use: 10 ms, then pollNameServerInterval (30 s);
//   - offline-broker cleanup + heartbeat to every broker: 1 s, then heartbeatBrokerInterval;
//   - consumer offset persistence: 10 s, then persistConsumerOffsetInterval (5 s);
//   - rebalance of every consumer: 1 s, then every 20 s, and at once on
//     NOTIFY_CONSUMER_IDS_CHANGED.
// It starts with its first producer or consumer and stops when the last one leaves.
//
// Threads: the tasks run on the instance's scheduler thread ("orbit-client"); the connections'
// I/O runs on the remoting client's loop threads; requests from brokers are handed to the
// registered listeners on an I/O thread (listeners hand them on). Everything else is callable
// from any thread.

#include <atomic>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/scheduler.h"
#include "base/thread_annotations.h"
#include "net/remoting_client.h"
#include "orbit/client_config.h"
#include "orbit/message.h"
#include "orbit/status.h"
#include "protocol/bodies.h"
#include "protocol/headers.h"

namespace orbit::client {

class TopicPublishInfo;

// What the instance needs from a producer.
class ProducerListener {
 public:
  virtual ~ProducerListener() = default;
  // The topics this producer sends to (their routes are refreshed periodically).
  virtual std::vector<std::string> PublishTopics() = 0;
  // A topic's route changed (or was fetched for the first time).
  virtual void OnPublishInfo(const std::string& topic,
                             std::shared_ptr<const TopicPublishInfo> info) = 0;
  // CHECK_TRANSACTION_STATE from a broker (on an I/O thread; hand it on).
  virtual void OnCheckTransactionState(const std::string& /*broker_addr*/,
                                       protocol::RemotingCommand /*request*/) {}
};

// What the instance needs from a consumer (Java's MQConsumerInner).
class ConsumerListener {
 public:
  virtual ~ConsumerListener() = default;
  // The group's entry in every heartbeat: consume type, message model, where to start, the
  // subscriptions and unit mode.
  virtual protocol::ConsumerData HeartbeatEntry() = 0;
  // The topics whose routes the consumer needs (its subscriptions).
  virtual std::vector<std::string> SubscribedTopics() = 0;
  // A subscribed topic's readable queues, on every route change (Java's
  // updateTopicSubscribeInfo).
  virtual void OnSubscribeInfo(const std::string& topic, std::vector<MessageQueue> queues) = 0;
  // Rebalance: every 20 s and at once when a broker says the group changed
  // (NOTIFY_CONSUMER_IDS_CHANGED). On the instance's scheduler thread.
  virtual void DoRebalance() = 0;
  // Persist the consumed offsets: every persist_consumer_offset_interval_ms (scheduler thread).
  virtual void PersistOffsets() = 0;
  // RESET_CONSUMER_CLIENT_OFFSET: an operator moved the group's offsets of `topic` (the broker
  // has stored them); the consumer starts again from them. On an I/O thread: hand it on.
  virtual void OnResetOffset(const std::string& /*topic*/,
                             const std::map<MessageQueue, int64_t>& /*offsets*/) {}
  // GET_CONSUMER_RUNNING_INFO: settings, subscriptions and the state of every queue held.
  // nullopt: this kind of consumer does not report it. On an I/O thread: must not block.
  virtual std::optional<protocol::ConsumerRunningInfo> RunningInfo() { return std::nullopt; }
  // CONSUME_MESSAGE_DIRECTLY: runs the listener on `msg` off the calling (I/O) thread and calls
  // `done` with the outcome. false: this consumer cannot (no listener): `done` is not called.
  using DirectResultCallback = std::function<void(protocol::ConsumeMessageDirectlyResult)>;
  virtual bool ConsumeMessageDirectly(MessageExt /*msg*/, DirectResultCallback /*done*/) {
    return false;
  }
};

// A request from a broker the instance does not handle itself (on an I/O thread).
using BrokerRequestHandler =
    std::function<void(const net::ConnectionPtr& conn, protocol::RemotingCommand request)>;

class ClientInstance {
 public:
  // The process's instance for `client_id`, created with `config` when there is none (the first
  // creator's settings then hold for every user of the id, as in Java).
  static std::shared_ptr<ClientInstance> GetOrCreate(const ClientConfig& config,
                                                     const std::string& client_id);
  // `ip@instance[@unit]` for a config (instance defaults to "<pid>#<counter>").
  static std::string BuildClientId(const ClientConfig& config);

  ClientInstance(ClientConfig config, std::string client_id);
  ~ClientInstance();
  ClientInstance(const ClientInstance&) = delete;
  ClientInstance& operator=(const ClientInstance&) = delete;

  const std::string& client_id() const { return client_id_; }
  const ClientConfig& config() const { return config_; }

  // Adds a producer group; the first user starts the instance. Errors: the group is already
  // registered here, or no name server is known.
  Status RegisterProducer(const std::string& group, ProducerListener* listener) ORBIT_EXCLUDES(mu_);
  // Removes the group and tells every broker (UNREGISTER_CLIENT); the last user stops the
  // instance.
  void UnregisterProducer(const std::string& group) ORBIT_EXCLUDES(mu_);

  // The same for a consumer group (a group may have a producer and a consumer in one
  // instance). Unregistering tells every broker (UNREGISTER_CLIENT with consumerGroup).
  Status RegisterConsumer(const std::string& group, ConsumerListener* listener) ORBIT_EXCLUDES(mu_);
  void UnregisterConsumer(const std::string& group) ORBIT_EXCLUDES(mu_);
  // An admin client (Java's registerAdminExt): keeps the instance running, sends no heartbeat
  // entry and nothing to the brokers when it leaves.
  Status RegisterAdmin(const std::string& group) ORBIT_EXCLUDES(mu_);
  void UnregisterAdmin(const std::string& group) ORBIT_EXCLUDES(mu_);
  // Runs every consumer's DoRebalance on the scheduler thread soon (Java's
  // rebalanceImmediately). Any thread.
  void RebalanceSoon();
  // GET_CONSUMER_LIST_BY_GROUP from one broker of `topic` (Java's findConsumerIdList): the
  // client ids of the group's live consumers, as the broker sees them from heartbeats.
  Result<std::vector<std::string>> FindConsumerIdList(const std::string& topic,
                                                      const std::string& group) ORBIT_EXCLUDES(mu_);
  // Any known address of `broker_name` for consumer requests, the master first (Java's
  // findBrokerAddressInSubscribe with brokerId 0, not only that one); "" when unknown.
  std::string FindBrokerAddressInSubscribe(const std::string& broker_name) const
      ORBIT_EXCLUDES(mu_);

  // Handler for PUSH_REPLY_MESSAGE_TO_CLIENT (request-reply); one per instance.
  void SetReplyHandler(BrokerRequestHandler handler) ORBIT_EXCLUDES(mu_);

  // GET_ROUTEINFO_BY_TOPIC from the current name server, moving on to the next on a transport
  // failure. kNoRoute when the name server answers TOPIC_NOT_EXIST.
  Result<protocol::TopicRouteData> GetRouteFromNameServer(const std::string& topic,
                                                          int64_t timeout_ms);
  // Java's updateTopicRouteInfoFromNameServer: fetches the route of `topic` (or, with
  // `default_topic`, the clamped route of the default topic, for auto-creation) and, when it
  // differs from the stored one, stores it, merges its broker addresses and hands the publish
  // info to every producer. Returns whether the route changed.
  Result<bool> UpdateTopicRoute(const std::string& topic, const std::string& default_topic = "",
                                int32_t default_queue_nums = 4) ORBIT_EXCLUDES(mu_);
  // The readable queues of `topic` from its stored route (what OnSubscribeInfo gets);
  // nullopt when no route is stored.
  std::optional<std::vector<MessageQueue>> SubscribeQueues(const std::string& topic) const
      ORBIT_EXCLUDES(mu_);
  // Master address of a broker, from the merged routes; "" when unknown.
  std::string FindBrokerAddressInPublish(const std::string& broker_name) const ORBIT_EXCLUDES(mu_);
  // HEART_BEAT to every known broker master, and to slaves too when there are consumers (as
  // Java); records their versions.
  void SendHeartbeatToAllBrokers() ORBIT_EXCLUDES(mu_);
  // The broker's version from its last heartbeat answer; nullopt when none yet.
  std::optional<int32_t> BrokerVersion(const std::string& broker_addr) const ORBIT_EXCLUDES(mu_);
  // The name servers in use (for tests and tools).
  std::vector<std::string> NameServers() const ORBIT_EXCLUDES(mu_);

  // Requests with the config's header serialization and RPC hook applied.
  void InvokeAsync(const std::string& addr, protocol::RemotingCommand request, int64_t timeout_ms,
                   net::ResponseCallback callback);
  Result<protocol::RemotingCommand> InvokeSync(const std::string& addr,
                                               protocol::RemotingCommand request,
                                               int64_t timeout_ms);
  Status InvokeOneway(const std::string& addr, protocol::RemotingCommand request);

  Scheduler& scheduler() { return scheduler_; }

 private:
  Status StartLocked() ORBIT_REQUIRES(mu_);
  void Stop() ORBIT_EXCLUDES(mu_);
  void Prepare(protocol::RemotingCommand& request) const;
  void AfterResponse(const std::string& addr, const protocol::RemotingCommand& request,
                     const protocol::RemotingCommand& response) const;
  // Scheduled tasks.
  void RefreshAllRoutes() ORBIT_EXCLUDES(mu_);
  void CleanOfflineBrokers() ORBIT_EXCLUDES(mu_);
  void LookUpNameServers() ORBIT_EXCLUDES(mu_);
  // The first lookup, when no address is configured and the instance has not started yet.
  void LookUpNameServersBeforeStart() ORBIT_EXCLUDES(mu_);
  void OnBrokerRequest(const net::ConnectionPtr& conn, protocol::RemotingCommand request);
  // RESET_CONSUMER_CLIENT_OFFSET, GET_CONSUMER_RUNNING_INFO, CONSUME_MESSAGE_DIRECTLY.
  void OnConsumerAdminRequest(const net::ConnectionPtr& conn, protocol::RemotingCommand request);
  ConsumerListener* FindConsumer(const std::string& group) const ORBIT_EXCLUDES(mu_);
  void RebalanceAll() ORBIT_EXCLUDES(mu_);
  void PersistAllOffsets() ORBIT_EXCLUDES(mu_);
  std::vector<ConsumerListener*> Consumers() const ORBIT_EXCLUDES(mu_);
  // UNREGISTER_CLIENT for one group to every known broker.
  void UnregisterFromBrokers(const std::string& producer_group, const std::string& consumer_group)
      ORBIT_EXCLUDES(mu_);

  const ClientConfig config_;
  const std::string client_id_;
  std::unique_ptr<net::RemotingClient> remoting_;
  Scheduler scheduler_{"orbit-client"};

  mutable Mutex mu_;
  bool started_ ORBIT_GUARDED_BY(mu_) = false;
  std::vector<std::string> namesrvs_ ORBIT_GUARDED_BY(mu_);
  size_t namesrv_index_ ORBIT_GUARDED_BY(mu_) = 0;
  std::map<std::string, ProducerListener*> producers_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, ConsumerListener*> consumers_ ORBIT_GUARDED_BY(mu_);
  std::set<std::string> admins_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, protocol::TopicRouteData> routes_ ORBIT_GUARDED_BY(mu_);
  // broker name → broker id → address, merged from every route.
  std::map<std::string, std::map<int64_t, std::string>> broker_addrs_ ORBIT_GUARDED_BY(mu_);
  std::map<std::string, int32_t> broker_versions_ ORBIT_GUARDED_BY(mu_);
  BrokerRequestHandler reply_handler_ ORBIT_GUARDED_BY(mu_);
  Mutex route_update_mu_;  // one route update at a time (Java's lockNamesrv)
};

}  // namespace orbit::client
