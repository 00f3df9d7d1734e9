#include "broker/consumer_offset_manager.h"

#include <optional>
#include <utility>

#include "base/log.h"
#include "store/config_files.h"

namespace orbit::broker {
namespace {

// ConsumerOffsetManager.TOPIC_GROUP_SEPARATOR.
constexpr char kTopicGroupSeparator = '@';

std::string Key(std::string_view topic, std::string_view group) {
  std::string key;
  key.reserve(topic.size() + 1 + group.size());
  key.append(topic);
  key.push_back(kTopicGroupSeparator);
  key.append(group);
  return key;
}

struct TopicGroup {
  std::string_view topic;
  std::string_view group;
};

// A key's topic and group, as Apache's split("@") yielding two parts: keys with more than one
// separator or an empty group are skipped (such keys are never written by commits, since topic
// names cannot contain '@').
std::optional<TopicGroup> SplitKey(std::string_view key) {
  size_t at = key.find(kTopicGroupSeparator);
  if (at == std::string_view::npos || at + 1 == key.size()) return std::nullopt;
  if (key.find(kTopicGroupSeparator, at + 1) != std::string_view::npos) return std::nullopt;
  return TopicGroup{key.substr(0, at), key.substr(at + 1)};
}

}  // namespace

ConsumerOffsetManager::ConsumerOffsetManager(store::FileSystem& fs, std::string config_dir)
    : fs_(fs), config_dir_(std::move(config_dir)) {}

// Any thread (broker start).
Status ConsumerOffsetManager::Load() {
  ORBIT_ASSIGN_OR_RETURN(auto loaded, store::LoadConsumerOffsets(fs_, config_dir_));
  MutexLock lock(mu_);
  table_.clear();
  for (auto& [key, queues] : loaded.table.offset_table) table_.emplace(key, std::move(queues));
  dirty_ = false;
  ORBIT_LOG_INFO("consumer offsets: {} topic@group entries loaded from {}", table_.size(),
                 config_dir_);
  return Status::Ok();
}

// The flush timer thread or shutdown. Takes persist_mu_, then mu_ only to copy the table.
Status ConsumerOffsetManager::Persist() {
  MutexLock persist_lock(persist_mu_);
  protocol::ConsumerOffsetSerializeWrapper snapshot;
  {
    MutexLock lock(mu_);
    if (!dirty_) return Status::Ok();
    snapshot.offset_table.insert(table_.begin(), table_.end());
    dirty_ = false;
  }
  Status written = store::PersistConsumerOffsets(fs_, config_dir_, snapshot);
  if (!written.ok()) {
    MutexLock lock(mu_);
    dirty_ = true;  // retried on the next call
    ORBIT_LOG_ERROR("consumer offsets: persisting failed: {}", written.ToString());
  }
  return written;
}

void ConsumerOffsetManager::Commit(std::string_view group, std::string_view topic, int32_t queue_id,
                                   int64_t offset) {
  std::string key = Key(topic, group);
  MutexLock lock(mu_);
  auto& queues = table_[key];
  auto [it, inserted] = queues.try_emplace(queue_id, offset);
  if (!inserted) {
    if (it->second == offset) return;
    if (offset < it->second) {
      // Apache's "[NOTIFYME]" warning: allowed (a reset or a rebalance), but worth a trace.
      ORBIT_LOG_DEBUG("consumer offsets: {} queue {} moved back from {} to {}", key, queue_id,
                      it->second, offset);
    }
    it->second = offset;
  }
  dirty_ = true;
}

int64_t ConsumerOffsetManager::Query(std::string_view group, std::string_view topic,
                                     int32_t queue_id) const {
  std::string key = Key(topic, group);
  MutexLock lock(mu_);
  auto it = table_.find(key);
  if (it == table_.end()) return -1;
  auto q = it->second.find(queue_id);
  return q == it->second.end() ? -1 : q->second;
}

std::map<int32_t, int64_t> ConsumerOffsetManager::QueryAll(std::string_view group,
                                                           std::string_view topic) const {
  std::string key = Key(topic, group);
  MutexLock lock(mu_);
  auto it = table_.find(key);
  return it == table_.end() ? std::map<int32_t, int64_t>() : it->second;
}

std::set<std::string> ConsumerOffsetManager::TopicsOfGroup(std::string_view group) const {
  std::set<std::string> topics;
  MutexLock lock(mu_);
  for (const auto& [key, queues] : table_) {
    auto parts = SplitKey(key);
    if (parts && parts->group == group) topics.emplace(parts->topic);
  }
  return topics;
}

std::set<std::string> ConsumerOffsetManager::GroupsOfTopic(std::string_view topic) const {
  std::set<std::string> groups;
  MutexLock lock(mu_);
  for (const auto& [key, queues] : table_) {
    auto parts = SplitKey(key);
    if (parts && parts->topic == topic) groups.emplace(parts->group);
  }
  return groups;
}

void ConsumerOffsetManager::RemoveGroup(std::string_view group) {
  MutexLock lock(mu_);
  size_t removed = std::erase_if(table_, [&](const auto& entry) {
    auto parts = SplitKey(entry.first);
    if (!parts || parts->group != group) return false;
    ORBIT_LOG_WARN("consumer offsets: clean group offset {}", entry.first);
    return true;
  });
  if (removed > 0) dirty_ = true;
}

void ConsumerOffsetManager::RemoveTopic(std::string_view topic) {
  MutexLock lock(mu_);
  size_t removed = std::erase_if(table_, [&](const auto& entry) {
    auto parts = SplitKey(entry.first);
    if (!parts || parts->topic != topic) return false;
    ORBIT_LOG_WARN("consumer offsets: clean topic offset {}", entry.first);
    return true;
  });
  if (removed > 0) dirty_ = true;
}

protocol::ConsumerOffsetSerializeWrapper ConsumerOffsetManager::Snapshot() const {
  protocol::ConsumerOffsetSerializeWrapper snapshot;
  MutexLock lock(mu_);
  snapshot.offset_table.insert(table_.begin(), table_.end());
  return snapshot;
}

}  // namespace orbit::broker
