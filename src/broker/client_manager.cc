#include "broker/client_manager.h"

#include <algorithm>
#include <iterator>
#include <utility>

namespace orbit::broker {
namespace {

// One listener call, taken under the mutex and made after it is released. `info` is a snapshot
// of the group as the event left it (for kChange: the clients that remain).
struct PendingEvent {
  ConsumerGroupEvent event;
  ConsumerGroupInfo info;
};

using ConsumerGroupMap = std::map<std::string, ConsumerGroupInfo, std::less<>>;

// Apache compares with `>`: a heartbeat exactly channelExpiredTimeout old is still alive.
bool Expired(const ClientChannelInfo& info, int64_t now_ms, int64_t timeout_ms) {
  return now_ms - info.last_update_ms > timeout_ms;
}

Status ExpiredStatus(const ClientChannelInfo& info, int64_t now_ms, int64_t timeout_ms) {
  return Status(ErrorCode::kTimeout, "client " + info.client_id + " sent no heartbeat for " +
                                         std::to_string(now_ms - info.last_update_ms) +
                                         " ms (channel expiry " + std::to_string(timeout_ms) +
                                         " ms)");
}

// Closes each connection once; returns how many distinct connections there were.
// REQUIRES: no manager mutex held (Close posts to the connection's loop, but keep I/O out of the
// critical section all the same).
int CloseAll(const std::map<uint64_t, std::pair<net::ConnectionPtr, Status>>& expired) {
  for (const auto& [id, conn_and_why] : expired) conn_and_why.first->Close(conn_and_why.second);
  return static_cast<int>(expired.size());
}

// A heartbeat processed after its connection closed would otherwise leave an entry behind that
// only the expiry scan removes (120 s later; for a consumer, a dead client id that rebalancing
// hands queues to). The close listener runs after closed() turns true, so checking it under the
// manager mutex closes the race: either Register sees closed() or OnConnectionClosed runs after.
bool Usable(const ClientChannelInfo& info) { return info.conn && !info.conn->closed(); }

// ConsumerGroupInfo.updateChannel: true when the connection is new to the group. A known
// connection only has its heartbeat time refreshed, unless it now claims another client id
// (Apache logs "[BUG]" and takes the new info).
bool UpdateChannel(ConsumerGroupInfo& group, ClientChannelInfo info,
                   const protocol::ConsumerData& data) {
  // Java stores whatever the heartbeat says, nulls included; an absent value keeps the old one.
  if (data.consume_type) group.consume_type = *data.consume_type;
  if (data.message_model) group.message_model = *data.message_model;
  if (data.consume_from_where) group.consume_from_where = *data.consume_from_where;
  group.last_update_ms = info.last_update_ms;

  const uint64_t id = info.conn->id();
  auto it = group.channels.find(id);
  if (it == group.channels.end()) {
    group.channels.emplace(id, std::move(info));
    return true;
  }
  if (it->second.client_id != info.client_id) {
    it->second = std::move(info);
  } else {
    it->second.last_update_ms = info.last_update_ms;
  }
  return false;
}

// ConsumerGroupInfo.updateSubscription: adds topics not yet subscribed, replaces a topic's
// subscription only when the new subVersion is greater, and drops topics the heartbeat no longer
// lists. True when the set of topics changed; a replaced subscription is not a change (as in
// Apache: queue allocation does not depend on tags, so nobody needs to rebalance).
bool UpdateSubscriptions(ConsumerGroupInfo& group,
                         const std::vector<protocol::SubscriptionData>& subs) {
  bool changed = false;
  for (const auto& sub : subs) {
    auto [it, inserted] = group.subscriptions.try_emplace(sub.topic, sub);
    if (inserted) {
      changed = true;
    } else if (sub.sub_version > it->second.sub_version) {
      it->second = sub;
    }
  }
  const size_t removed = std::erase_if(group.subscriptions, [&subs](const auto& entry) {
    return std::none_of(subs.begin(), subs.end(),
                        [&entry](const auto& sub) { return sub.topic == entry.first; });
  });
  return changed || removed > 0;
}

// After connections were removed from the group at `it`: Apache's UNREGISTER (and the group's
// removal) when none remain, then CHANGE when `notify`. Returns the iterator past the group.
// REQUIRES: the manager mutex that guards `groups` held.
ConsumerGroupMap::iterator AfterRemoval(ConsumerGroupMap& groups, ConsumerGroupMap::iterator it,
                                        bool notify, std::vector<PendingEvent>* events) {
  if (it->second.channels.empty()) {
    ConsumerGroupInfo last = std::move(it->second);
    it = groups.erase(it);
    events->push_back({ConsumerGroupEvent::kUnregister, last});
    if (notify) events->push_back({ConsumerGroupEvent::kChange, std::move(last)});
    return it;
  }
  if (notify) events->push_back({ConsumerGroupEvent::kChange, it->second});
  return std::next(it);
}

// REQUIRES: no manager mutex held (the listener may call back into the manager).
void Fire(const ConsumerManager::Listener& listener, const std::vector<PendingEvent>& events) {
  if (!listener) return;
  for (const auto& e : events) listener(e.event, e.info.group, e.info);
}

}  // namespace

// ---- ProducerManager (any thread; each method takes mu_) ----

void ProducerManager::Register(const std::string& group, ClientChannelInfo info) {
  MutexLock lock(mu_);
  if (!Usable(info)) return;
  auto& channels = groups_[group];
  const uint64_t id = info.conn->id();
  auto it = channels.find(id);
  if (it == channels.end()) {
    IndexAdd(info);
    channels.emplace(id, std::move(info));
  } else {
    // Apache keeps the first info of a connection and only refreshes its heartbeat time.
    it->second.last_update_ms = info.last_update_ms;
  }
}

void ProducerManager::Unregister(const std::string& group, uint64_t conn_id) {
  MutexLock lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return;
  auto entry = it->second.find(conn_id);
  if (entry == it->second.end()) return;
  IndexRemove(entry->second);
  it->second.erase(entry);
  if (it->second.empty()) groups_.erase(it);
}

// Apache 4.9 leaves an emptied producer group in its table after a close or an expiry (only
// unregisterProducer removes it); here every path removes it, so that Groups() lists only groups
// with producers and the table does not grow with every group ever seen.
void ProducerManager::OnConnectionClosed(uint64_t conn_id) {
  MutexLock lock(mu_);
  for (auto it = groups_.begin(); it != groups_.end();) {
    if (auto entry = it->second.find(conn_id); entry != it->second.end()) {
      IndexRemove(entry->second);
      it->second.erase(entry);
    }
    it = it->second.empty() ? groups_.erase(it) : std::next(it);
  }
}

int ProducerManager::ScanNotActiveChannels(int64_t now_ms, int64_t timeout_ms) {
  std::map<uint64_t, std::pair<net::ConnectionPtr, Status>> expired;
  {
    MutexLock lock(mu_);
    for (auto it = groups_.begin(); it != groups_.end();) {
      for (auto entry = it->second.begin(); entry != it->second.end();) {
        const ClientChannelInfo& info = entry->second;
        if (!Expired(info, now_ms, timeout_ms)) {
          ++entry;
          continue;
        }
        expired.try_emplace(entry->first, info.conn, ExpiredStatus(info, now_ms, timeout_ms));
        IndexRemove(info);
        entry = it->second.erase(entry);
      }
      it = it->second.empty() ? groups_.erase(it) : std::next(it);
    }
  }
  return CloseAll(expired);
}

// Apache's getAvailableChannel starts at a shared counter and tries three channels, returning a
// live one; here every connection of the group is tried before giving up, since the group is
// small and a closed connection lingers only until its close event.
net::ConnectionPtr ProducerManager::AvailableConnection(const std::string& group) {
  MutexLock lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end() || it->second.empty()) return nullptr;
  const auto& channels = it->second;
  auto pos = channels.begin();
  std::advance(pos, static_cast<std::ptrdiff_t>(round_robin_++ % channels.size()));
  for (size_t tried = 0; tried < channels.size(); ++tried) {
    if (!pos->second.conn->closed()) return pos->second.conn;
    if (++pos == channels.end()) pos = channels.begin();
  }
  return nullptr;
}

// Apache keeps one channel per client id, the last registered, and drops it when any of its
// entries goes; counting entries per connection keeps the id findable while any group of a live
// connection still holds it.
net::ConnectionPtr ProducerManager::FindConnection(std::string_view client_id) const {
  MutexLock lock(mu_);
  auto it = by_client_id_.find(client_id);
  if (it == by_client_id_.end()) return nullptr;
  // Connection ids grow with each accepted connection: the newest first.
  for (auto conn = it->second.rbegin(); conn != it->second.rend(); ++conn) {
    if (!conn->second.conn->closed()) return conn->second.conn;
  }
  return nullptr;
}

// REQUIRES: mu_. For each entry added to groups_.
void ProducerManager::IndexAdd(const ClientChannelInfo& info) {
  ClientConnection& entry = by_client_id_[info.client_id][info.conn->id()];
  entry.conn = info.conn;
  ++entry.groups;
}

// REQUIRES: mu_. For each entry removed from groups_.
void ProducerManager::IndexRemove(const ClientChannelInfo& info) {
  auto it = by_client_id_.find(info.client_id);
  if (it == by_client_id_.end()) return;
  auto conn = it->second.find(info.conn->id());
  if (conn == it->second.end()) return;
  if (--conn->second.groups > 0) return;
  it->second.erase(conn);
  if (it->second.empty()) by_client_id_.erase(it);
}

std::vector<ClientChannelInfo> ProducerManager::Connections(const std::string& group) const {
  MutexLock lock(mu_);
  std::vector<ClientChannelInfo> out;
  auto it = groups_.find(group);
  if (it == groups_.end()) return out;
  for (const auto& [id, info] : it->second) out.push_back(info);
  return out;
}

std::vector<std::string> ProducerManager::Groups() const {
  MutexLock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [group, channels] : groups_) out.push_back(group);
  return out;
}

// ---- ConsumerGroupInfo ----

std::vector<std::string> ConsumerGroupInfo::ClientIds() const {
  // Connection ids grow with each accepted connection, so map order is connection order.
  std::vector<std::string> out;
  out.reserve(channels.size());
  for (const auto& [id, info] : channels) out.push_back(info.client_id);
  return out;
}

// ---- ConsumerManager (any thread; each method takes mu_, listeners run after it) ----

// kChange fires when the connection is new to the group or the group's topics changed (Apache's
// `r1 || r2`), only when `notify_on_change` (the subscription group's
// notifyConsumerIdsChangedEnable); kRegister fires on every heartbeat.
bool ConsumerManager::Register(const std::string& group, ClientChannelInfo info,
                               const protocol::ConsumerData& data, bool notify_on_change) {
  std::vector<PendingEvent> events;
  bool changed = false;
  {
    MutexLock lock(mu_);
    if (!Usable(info)) return false;
    auto it = groups_.find(group);
    if (it == groups_.end()) {
      it = groups_.emplace(group, ConsumerGroupInfo{}).first;
      it->second.group = group;
    }
    ConsumerGroupInfo& g = it->second;
    const bool new_channel = UpdateChannel(g, std::move(info), data);
    const bool topics_changed = UpdateSubscriptions(g, data.subscription_data_set);
    changed = new_channel || topics_changed;
    if (changed && notify_on_change) events.push_back({ConsumerGroupEvent::kChange, g});
    events.push_back({ConsumerGroupEvent::kRegister, g});
  }
  Fire(listener_, events);
  return changed;
}

// Apache's unregisterConsumer fires CHANGE even when the connection was not in the group; here
// nothing fires then, so that a repeated UNREGISTER_CLIENT (or one after the close or expiry that
// already removed the connection) does not make the whole group rebalance again for nothing.
void ConsumerManager::Unregister(const std::string& group, uint64_t conn_id,
                                 bool notify_on_change) {
  std::vector<PendingEvent> events;
  {
    MutexLock lock(mu_);
    auto it = groups_.find(group);
    if (it == groups_.end() || it->second.channels.erase(conn_id) == 0) return;
    AfterRemoval(groups_, it, notify_on_change, &events);
  }
  Fire(listener_, events);
}

// Apache's doChannelCloseEvent fires CHANGE without a per-group flag; the listener checks the
// broker's notifyConsumerIdsChangedEnable (as DefaultConsumerIdsChangeListener does).
void ConsumerManager::OnConnectionClosed(uint64_t conn_id) {
  std::vector<PendingEvent> events;
  {
    MutexLock lock(mu_);
    for (auto it = groups_.begin(); it != groups_.end();) {
      if (it->second.channels.erase(conn_id) == 0) {
        ++it;
      } else {
        it = AfterRemoval(groups_, it, /*notify=*/true, &events);
      }
    }
  }
  Fire(listener_, events);
}

// Apache 4.9's scanNotActiveChannel removes expired channels and emptied groups silently, and the
// close that follows finds nothing left to remove: the group's other members learn of the
// departure only at their next periodic rebalance, and the consumer filter registration of an
// emptied group is never dropped. Here the scan fires the events of a close (kUnregister,
// kChange); the close it causes later finds the connection gone and fires nothing more.
int ConsumerManager::ScanNotActiveChannels(int64_t now_ms, int64_t timeout_ms) {
  std::vector<PendingEvent> events;
  std::map<uint64_t, std::pair<net::ConnectionPtr, Status>> expired;
  {
    MutexLock lock(mu_);
    for (auto it = groups_.begin(); it != groups_.end();) {
      const size_t removed = std::erase_if(it->second.channels, [&](const auto& entry) {
        const ClientChannelInfo& info = entry.second;
        if (!Expired(info, now_ms, timeout_ms)) return false;
        expired.try_emplace(entry.first, info.conn, ExpiredStatus(info, now_ms, timeout_ms));
        return true;
      });
      it = removed == 0 ? std::next(it) : AfterRemoval(groups_, it, /*notify=*/true, &events);
    }
  }
  const int closed = CloseAll(expired);
  Fire(listener_, events);
  return closed;
}

std::optional<ConsumerGroupInfo> ConsumerManager::FindGroup(std::string_view group) const {
  MutexLock lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  return it->second;
}

std::optional<protocol::SubscriptionData> ConsumerManager::FindSubscription(
    std::string_view group, std::string_view topic) const {
  MutexLock lock(mu_);
  auto it = groups_.find(group);
  if (it == groups_.end()) return std::nullopt;
  auto sub = it->second.subscriptions.find(std::string(topic));
  if (sub == it->second.subscriptions.end()) return std::nullopt;
  return sub->second;
}

// Apache's queryTopicConsumeByWho: groups whose subscription table has the topic.
std::vector<std::string> ConsumerManager::GroupsOfTopic(std::string_view topic) const {
  MutexLock lock(mu_);
  std::vector<std::string> out;
  const std::string key(topic);
  for (const auto& [name, info] : groups_) {
    if (info.subscriptions.contains(key)) out.push_back(name);
  }
  return out;
}

std::vector<std::string> ConsumerManager::Groups() const {
  MutexLock lock(mu_);
  std::vector<std::string> out;
  for (const auto& [name, info] : groups_) out.push_back(name);
  return out;
}

}  // namespace orbit::broker
