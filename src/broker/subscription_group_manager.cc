#include "broker/subscription_group_manager.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/clock.h"
#include "base/log.h"
#include "store/config_files.h"

namespace orbit::broker {
namespace {

using protocol::SubscriptionGroupConfig;

// The groups SubscriptionGroupManager.init() creates (MixAll names, 4.9).
constexpr std::array<std::string_view, 7> kInitGroups = {
    "TOOLS_CONSUMER",  "FILTERSRV_CONSUMER",    "SELF_TEST_C_GROUP", "CID_ONS-HTTP-PROXY",
    "CID_ONSAPI_PULL", "CID_ONSAPI_PERMISSION", "CID_ONSAPI_OWNER",
};
// MixAll.CID_RMQ_SYS_PREFIX: MixAll.isSysConsumerGroup(), e.g. CID_RMQ_SYS_TRANS.
constexpr std::string_view kSysGroupPrefix = "CID_RMQ_SYS_";
// The client's Validators.CHARACTER_MAX_LENGTH for group names. Apache's broker checks nothing
// here and its clients also enforce ^[%|a-zA-Z0-9_-]+$; Orbit leaves the characters alone so
// that groups created with Apache's admin tools stay accepted.
constexpr size_t kGroupMaxLength = 255;

SubscriptionGroupConfig MakeGroup(std::string_view name) {
  SubscriptionGroupConfig config;  // `new SubscriptionGroupConfig()`
  config.group_name = std::string(name);
  return config;
}

Status ValidateGroupName(std::string_view group) {
  if (group.empty()) return InvalidArgument("the consumer group name is empty");
  if (group.size() > kGroupMaxLength) {
    return InvalidArgument("consumer group name is " + std::to_string(group.size()) +
                           " characters long, longer than the maximum " +
                           std::to_string(kGroupMaxLength));
  }
  return Status::Ok();
}

}  // namespace

bool IsSystemGroup(std::string_view group) {
  return group.starts_with(kSysGroupPrefix) ||
         std::find(kInitGroups.begin(), kInitGroups.end(), group) != kInitGroups.end();
}

SubscriptionGroupManager::SubscriptionGroupManager(const LiveBrokerConfig& config,
                                                   store::FileSystem& fs, std::string config_dir)
    : config_(config), fs_(fs), config_dir_(std::move(config_dir)) {}

// Any thread (broker start). As in Apache, init()'s groups are overwritten by the file's.
Status SubscriptionGroupManager::Load() {
  ORBIT_ASSIGN_OR_RETURN(auto loaded, store::LoadSubscriptionGroups(fs_, config_dir_));
  MutexLock lock(mu_);
  table_ = std::move(loaded.table);
  if (loaded.source == store::ConfigSource::kNone) {
    table_.data_version = protocol::DataVersion{Clock::System().NowMillis(), 0};
  }
  for (std::string_view name : kInitGroups) {
    table_.subscription_group_table.try_emplace(std::string(name), MakeGroup(name));
  }
  ORBIT_LOG_INFO("subscription groups: {} loaded from {}", table_.subscription_group_table.size(),
                 config_dir_);
  return Status::Ok();
}

std::optional<SubscriptionGroupConfig> SubscriptionGroupManager::Find(
    std::string_view group) const {
  MutexLock lock(mu_);
  auto it = table_.subscription_group_table.find(std::string(group));
  if (it == table_.subscription_group_table.end()) return std::nullopt;
  return it->second;
}

// Request threads (pull, heartbeat, send-back). A persist failure keeps the new group in memory
// (as Apache does; the next successful persist writes it): refusing the consumer because of a
// disk error would only make it fail later with a misleading SUBSCRIPTION_GROUP_NOT_EXIST.
std::optional<SubscriptionGroupConfig> SubscriptionGroupManager::FindOrCreate(
    std::string_view group) {
  MutexLock lock(mu_);
  auto& groups = table_.subscription_group_table;
  if (auto it = groups.find(std::string(group)); it != groups.end()) return it->second;
  if (group.empty()) return std::nullopt;
  if (!config_.get().auto_create_subscription_group && !IsSystemGroup(group)) return std::nullopt;

  SubscriptionGroupConfig created = MakeGroup(group);
  groups.emplace(created.group_name, created);
  table_.data_version.Next(Clock::System().NowMillis());
  ORBIT_LOG_INFO("subscription groups: auto-created {}", created.group_name);
  if (Status s = PersistLocked(); !s.ok()) {
    ORBIT_LOG_ERROR("subscription groups: persisting auto-created {} failed: {}",
                    created.group_name, s.ToString());
  }
  return created;
}

// REQUIRES: mu_ (which also serializes the writers of subscriptionGroup.json).
Status SubscriptionGroupManager::PersistLocked() {
  return store::PersistSubscriptionGroups(fs_, config_dir_, table_);
}

// REQUIRES: mu_. Puts `config` (removes `name` when nullopt), bumps the data version and
// persists; puts the table back when persisting fails.
Status SubscriptionGroupManager::ApplyLocked(const std::string& name,
                                             std::optional<SubscriptionGroupConfig> config) {
  auto& groups = table_.subscription_group_table;
  std::optional<SubscriptionGroupConfig> previous;
  if (auto it = groups.find(name); it != groups.end()) previous = it->second;
  const protocol::DataVersion previous_version = table_.data_version;

  if (config) {
    groups.insert_or_assign(name, *std::move(config));
  } else {
    groups.erase(name);
  }
  table_.data_version.Next(Clock::System().NowMillis());
  Status persisted = PersistLocked();
  if (!persisted.ok()) {
    if (previous) {
      groups.insert_or_assign(name, *std::move(previous));
    } else {
      groups.erase(name);
    }
    table_.data_version = previous_version;
    ORBIT_LOG_ERROR("subscription groups: change of {} not applied, persisting failed: {}", name,
                    persisted.ToString());
  }
  return persisted;
}

Status SubscriptionGroupManager::Update(const SubscriptionGroupConfig& group_config) {
  ORBIT_RETURN_IF_ERROR(ValidateGroupName(group_config.group_name));
  MutexLock lock(mu_);
  ORBIT_RETURN_IF_ERROR(ApplyLocked(group_config.group_name, group_config));
  ORBIT_LOG_INFO("subscription groups: updated {}", group_config.group_name);
  return Status::Ok();
}

Status SubscriptionGroupManager::Delete(std::string_view group) {
  std::string name(group);
  MutexLock lock(mu_);
  if (!table_.subscription_group_table.contains(name)) return Status::Ok();
  ORBIT_RETURN_IF_ERROR(ApplyLocked(name, std::nullopt));
  ORBIT_LOG_INFO("subscription groups: deleted {}", name);
  return Status::Ok();
}

protocol::SubscriptionGroupWrapper SubscriptionGroupManager::Snapshot() const {
  MutexLock lock(mu_);
  return table_;
}

}  // namespace orbit::broker
