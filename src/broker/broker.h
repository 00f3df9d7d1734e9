#pragma once

// The broker: Apache RocketMQ 4.9's request processors over the store (store/) and the remoting
// server (net/). One Broker serves one brokerName/brokerId on one port and registers with the
// configured name servers.
//
// Threads (docs/threading.md):
// - the server's event loops run every processor; nothing on them blocks: a SYNC_FLUSH put
//   replies from the store's flush thread, a held pull is woken by the store's dispatch thread
//   and finished on its connection's loop (Connection::Post);
// - one scheduler thread runs the periodic tasks (registration, offset persistence, channel
//   expiry, held-pull expiry);
// - on a master, one thread delivers delayed messages (ScheduleMessageService, "broker-delay");
// - on a master, one thread checks transactions back (TransactionService, "broker-txcheck");
// - the store's own threads (flush, dispatch, housekeeping, warm).

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "base/clock.h"
#include "base/scheduler.h"
#include "base/status.h"
#include "broker/broker_config.h"
#include "broker/client_manager.h"
#include "broker/consumer_offset_manager.h"
#include "broker/rebalance_lock_manager.h"
#include "broker/subscription_group_manager.h"
#include "broker/topic_config_manager.h"
#include "net/remoting_client.h"
#include "net/remoting_server.h"
#include "store/message_store.h"

namespace orbit::broker {

class PullHoldService;
class SendProcessor;
class PullProcessor;
class ClientProcessor;
class AdminProcessor;
class Registration;
class SendBackProcessor;
class ScheduleMessageService;
class TransactionService;
class EndTransactionProcessor;
class QueryProcessor;
class LockProcessor;
class AdminStatsProcessor;
class ConsumerAdminProcessor;
class ReplyProcessor;
class RuntimeStats;
class AclValidator;

struct BrokerOptions {
  store::FileSystem* fs = nullptr;  // null: the real file system
  const Clock* clock = nullptr;     // null: the system clock
};

class Broker {
 public:
  explicit Broker(BrokerConfig config, BrokerOptions options = {});
  ~Broker();
  Broker(const Broker&) = delete;
  Broker& operator=(const Broker&) = delete;

  // Opens and recovers the store, loads topics, groups and offsets, binds the port (listenPort;
  // 0 picks an ephemeral one), registers with the name servers and starts the periodic tasks.
  Status Start();
  // Unregisters from the name servers, stops serving, persists offsets and shuts the store down
  // cleanly. Idempotent.
  void Shutdown();

  uint16_t port() const;
  // "brokerIP1:port" as registered with the name servers.
  std::string addr() const;
  // The current config snapshot (LiveBrokerConfig): read it where a value is used, so that keys
  // UPDATE_BROKER_CONFIG changes at runtime (IsRuntimeBrokerConfigKey) take effect.
  const BrokerConfig& config() const { return config_.get(); }
  // Publishes a changed config (UPDATE_BROKER_CONFIG). The caller validated it and changed only
  // runtime keys.
  void UpdateConfig(BrokerConfig next) { config_.Publish(std::move(next)); }
  const Clock& clock() const { return *clock_; }

  store::MessageStore& store() { return *store_; }
  TopicConfigManager& topics() { return *topics_; }
  SubscriptionGroupManager& groups() { return *groups_; }
  ConsumerOffsetManager& offsets() { return *offsets_; }
  ProducerManager& producers() { return producers_; }
  ConsumerManager& consumers() { return consumers_; }
  PullHoldService& hold() { return *hold_; }
  // Delayed delivery (SCHEDULE_TOPIC_XXXX, delayOffset.json); started on a master only.
  ScheduleMessageService& schedule() { return *schedule_; }
  // Half and op records, END_TRANSACTION's look-ups, the check-back (checks on a master only).
  TransactionService& transactions() { return *transactions_; }
  // Queue locks of orderly consumers (LOCK_BATCH_MQ / UNLOCK_BATCH_MQ).
  RebalanceLockManager& rebalance_locks() { return rebalance_locks_; }
  // Throughput samples for GET_BROKER_RUNTIME_INFO (sampled every second by the scheduler).
  RuntimeStats& runtime_stats() { return *runtime_stats_; }
  net::RemotingServer& server() { return *server_; }
  // The ACL 1.0 check (aclEnable=true), null when ACL is off.
  AclValidator* acl() { return acl_.get(); }
  // The store host written into records (brokerIP1:port).
  const protocol::HostAddress& store_host() const { return store_host_; }

  // Registers with every name server now (also run every registerNameServerPeriod and, soon
  // after, whenever the topic table changes).
  void RegisterBrokerAll();
  // Apache registers right after creating a topic, before answering, so that a client finds
  // the route as soon as it has the answer. When the topic table changed since the last
  // registration, registers without blocking and then runs `then` (on the registration
  // client's thread); else runs `then` at once.
  void RegisterIfTopicsChanged(std::function<void()> then);

 private:
  void OnConsumerGroupEvent(ConsumerGroupEvent event, const std::string& group,
                            const ConsumerGroupInfo& info);

  LiveBrokerConfig config_;
  BrokerOptions options_;
  const Clock* clock_;
  store::FileSystem* fs_;
  protocol::HostAddress store_host_;
  std::unique_ptr<store::MessageStore> store_;
  std::unique_ptr<TopicConfigManager> topics_;
  std::unique_ptr<SubscriptionGroupManager> groups_;
  std::unique_ptr<ConsumerOffsetManager> offsets_;
  ProducerManager producers_;
  ConsumerManager consumers_;
  std::unique_ptr<PullHoldService> hold_;
  std::unique_ptr<net::RemotingServer> server_;
  std::unique_ptr<SendProcessor> send_;
  std::unique_ptr<PullProcessor> pull_;
  std::unique_ptr<ClientProcessor> client_;
  std::unique_ptr<AdminProcessor> admin_;
  std::unique_ptr<SendBackProcessor> send_back_;
  std::unique_ptr<ScheduleMessageService> schedule_;  // destroyed before store_
  std::unique_ptr<TransactionService> transactions_;  // destroyed before store_
  std::unique_ptr<EndTransactionProcessor> end_transaction_;
  RebalanceLockManager rebalance_locks_;
  std::unique_ptr<RuntimeStats> runtime_stats_;
  std::unique_ptr<QueryProcessor> query_;
  std::unique_ptr<LockProcessor> lock_;
  std::unique_ptr<AdminStatsProcessor> admin_stats_;
  std::unique_ptr<ConsumerAdminProcessor> consumer_admin_;
  std::unique_ptr<ReplyProcessor> reply_;
  std::unique_ptr<Registration> registration_;
  std::unique_ptr<AclValidator> acl_;  // aclEnable: checks every request before its processor
  Scheduler scheduler_{"broker-sched"};
  std::atomic<bool> topics_changed_{false};
  bool started_ = false;
  bool shut_down_ = false;
};

}  // namespace orbit::broker
