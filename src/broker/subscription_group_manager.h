#pragma once

// The broker's consumer groups (Apache's SubscriptionGroupManager): config/subscriptionGroup.json
// plus Apache's system groups, and auto-creation of a group on first use when
// autoCreateSubscriptionGroup. Every change is persisted (atomic write with a .bak) and bumps
// the data version.
//
// Threads: thread-safe (one mutex).

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "broker/broker_config.h"
#include "protocol/bodies.h"
#include "store/file_system.h"

namespace orbit::broker {

// Apache's system groups (MixAll): TOOLS_CONSUMER, FILTERSRV_CONSUMER, SELF_TEST_C_GROUP,
// CID_ONS-HTTP-PROXY, CID_ONSAPI_PULL, CID_ONSAPI_PERMISSION, CID_ONSAPI_OWNER,
// CID_RMQ_SYS_TRANS (whatever 4.9.x's SubscriptionGroupManager.init() creates).
bool IsSystemGroup(std::string_view group);

class SubscriptionGroupManager {
 public:
  SubscriptionGroupManager(const LiveBrokerConfig& config, store::FileSystem& fs,
                           std::string config_dir);

  // Loads subscriptionGroup.json (or its .bak) and adds the system groups.
  Status Load();

  std::optional<protocol::SubscriptionGroupConfig> Find(std::string_view group) const;
  // Apache's findSubscriptionGroupConfig: the group's config, created with defaults (and
  // persisted) when missing and autoCreateSubscriptionGroup or a system group; nullopt when it
  // may not be created (the caller answers SUBSCRIPTION_GROUP_NOT_EXIST).
  std::optional<protocol::SubscriptionGroupConfig> FindOrCreate(std::string_view group);
  // Creates or replaces (UPDATE_AND_CREATE_SUBSCRIPTIONGROUP).
  Status Update(const protocol::SubscriptionGroupConfig& group_config);
  // Removes the group (DELETE_SUBSCRIPTIONGROUP); Ok when it did not exist.
  Status Delete(std::string_view group);
  protocol::SubscriptionGroupWrapper Snapshot() const;

 private:
  Status PersistLocked() ORBIT_REQUIRES(mu_);
  // Puts `config` (removes `name` when nullopt), bumps the data version and persists; undone
  // when persisting fails.
  Status ApplyLocked(const std::string& name,
                     std::optional<protocol::SubscriptionGroupConfig> config) ORBIT_REQUIRES(mu_);

  const LiveBrokerConfig& config_;
  store::FileSystem& fs_;
  const std::string config_dir_;
  mutable Mutex mu_;
  protocol::SubscriptionGroupWrapper table_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::broker
