#pragma once

// The broker's view of its clients (Apache's ProducerManager and ConsumerManager): which
// connections belong to which producer and consumer groups, with what subscriptions, learnt from
// HEART_BEAT and forgotten on UNREGISTER_CLIENT, on connection close, or after
// channelExpiredTimeout without a heartbeat (ScanNotActiveChannels).
//
// Consumer group changes (a client joining or leaving a group, a subscription changing) are
// reported to the listener so that the broker can send NOTIFY_CONSUMER_IDS_CHANGED to the group's
// clients and create retry topics.
//
// Threads: thread-safe (one mutex per manager); listeners run on the calling thread after the
// mutex is released.

#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/thread_annotations.h"
#include "net/connection.h"
#include "protocol/bodies.h"

namespace orbit::broker {

// One client connection in a group.
struct ClientChannelInfo {
  net::ConnectionPtr conn;
  std::string client_id;  // "ip@instance" from the heartbeat
  std::string language;   // request's language, e.g. "JAVA", "CPP"
  int32_t version = 0;    // request's version
  int64_t last_update_ms = 0;
};

class ProducerManager {
 public:
  void Register(const std::string& group, ClientChannelInfo info);
  void Unregister(const std::string& group, uint64_t conn_id);
  // Removes the connection from every group (connection closed).
  void OnConnectionClosed(uint64_t conn_id);
  // Drops connections whose last heartbeat is older than timeout_ms (and closes them); returns
  // how many.
  int ScanNotActiveChannels(int64_t now_ms, int64_t timeout_ms);
  // A live connection of the group for a transaction check-back, taken in turn (round robin);
  // nullptr when the group has none.
  net::ConnectionPtr AvailableConnection(const std::string& group);
  // Apache's findChannel: the connection of producer client `client_id` (whatever its group), to
  // push a request-reply answer to; nullptr when no live connection registered that id. When a
  // client id is on several connections (a reconnect whose old connection is not closed yet),
  // the newest live one.
  net::ConnectionPtr FindConnection(std::string_view client_id) const;
  std::vector<ClientChannelInfo> Connections(const std::string& group) const;
  std::vector<std::string> Groups() const;

 private:
  // A connection registered under a client id, and in how many groups.
  struct ClientConnection {
    net::ConnectionPtr conn;
    int groups = 0;
  };
  void IndexAdd(const ClientChannelInfo& info) ORBIT_REQUIRES(mu_);
  void IndexRemove(const ClientChannelInfo& info) ORBIT_REQUIRES(mu_);

  mutable Mutex mu_;
  // group -> connection id -> info
  std::map<std::string, std::map<uint64_t, ClientChannelInfo>> groups_ ORBIT_GUARDED_BY(mu_);
  // client id -> connection id -> connection: every (group, connection) entry of groups_ counted
  // once, so that an entry leaves when its connection's last group does.
  std::map<std::string, std::map<uint64_t, ClientConnection>, std::less<>> by_client_id_
      ORBIT_GUARDED_BY(mu_);
  uint64_t round_robin_ ORBIT_GUARDED_BY(mu_) = 0;
};

// Everything known of one consumer group.
struct ConsumerGroupInfo {
  std::string group;
  protocol::ConsumeType consume_type = protocol::ConsumeType::kConsumePassively;
  protocol::MessageModel message_model = protocol::MessageModel::kClustering;
  protocol::ConsumeFromWhere consume_from_where =
      protocol::ConsumeFromWhere::kConsumeFromLastOffset;
  std::map<std::string, protocol::SubscriptionData> subscriptions;  // by topic
  std::map<uint64_t, ClientChannelInfo> channels;                   // by connection id
  int64_t last_update_ms = 0;

  // Client ids of the group's connections, in connection order (GET_CONSUMER_LIST_BY_GROUP).
  std::vector<std::string> ClientIds() const;
};

enum class ConsumerGroupEvent {
  kChange,      // the group's set of clients changed (join, leave, expiry)
  kUnregister,  // the group's last client left
  kRegister,    // subscriptions were (re)registered; the broker creates retry topics
};

class ConsumerManager {
 public:
  using Listener = std::function<void(ConsumerGroupEvent event, const std::string& group,
                                      const ConsumerGroupInfo& info)>;
  // Set before use.
  void set_listener(Listener listener) { listener_ = std::move(listener); }

  // Apache's registerConsumer: adds or refreshes the connection and replaces the subscriptions
  // (those of topics no longer subscribed are removed). Fires kChange when the connection is
  // new to the group (and `notify_on_change`), and kRegister always. Returns whether anything
  // changed.
  bool Register(const std::string& group, ClientChannelInfo info,
                const protocol::ConsumerData& data, bool notify_on_change);
  // Removes the connection from the group; kChange (and kUnregister when it was the last).
  void Unregister(const std::string& group, uint64_t conn_id, bool notify_on_change);
  // Removes the connection from every group, with the events Unregister fires.
  void OnConnectionClosed(uint64_t conn_id);
  // As ProducerManager::ScanNotActiveChannels, with the events of Unregister.
  int ScanNotActiveChannels(int64_t now_ms, int64_t timeout_ms);

  std::optional<ConsumerGroupInfo> FindGroup(std::string_view group) const;
  std::optional<protocol::SubscriptionData> FindSubscription(std::string_view group,
                                                             std::string_view topic) const;
  // Groups with at least one client subscribed to `topic`.
  std::vector<std::string> GroupsOfTopic(std::string_view topic) const;
  std::vector<std::string> Groups() const;

 private:
  Listener listener_;
  mutable Mutex mu_;
  std::map<std::string, ConsumerGroupInfo, std::less<>> groups_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::broker
