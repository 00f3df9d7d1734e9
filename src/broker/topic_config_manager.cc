#include "broker/topic_config_manager.h"

#include <algorithm>
#include <array>
#include <utility>

#include "base/clock.h"
#include "base/log.h"
#include "store/config_files.h"

namespace orbit::broker {
namespace {

using protocol::TopicConfig;

// Apache's TopicValidator.TOPIC_MAX_LENGTH.
constexpr size_t kTopicMaxLength = 127;
// TopicConfigManager.SCHEDULE_TOPIC_QUEUE_NUM: one queue per delay level.
constexpr int32_t kScheduleTopicQueueNums = 18;
// MixAll.REPLY_TOPIC_POSTFIX: "<cluster>_REPLY_TOPIC" carries request-reply answers.
constexpr std::string_view kReplyTopicPostfix = "REPLY_TOPIC";
// Orbit's bound on a topic's queue numbers (Apache has none; a queue is a directory on disk).
constexpr int32_t kMaxQueueNums = 65535;

// TopicValidator.NOT_ALLOWED_SEND_TOPIC_SET (4.9).
constexpr std::array<std::string_view, 6> kNotAllowedSendTopics = {
    kScheduleTopic,          kTransHalfTopic, kTransOpHalfTopic,
    kTransCheckMaxTimeTopic, kSelfTestTopic,  kOffsetMovedEventTopic,
};

bool IsValidTopicChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '%' ||
         c == '|' || c == '_' || c == '-';
}

// `new TopicConfig(name)` with the given queue numbers and permission.
TopicConfig MakeTopic(std::string_view name, int32_t queue_nums, int32_t perm) {
  TopicConfig config;
  config.topic_name = std::string(name);
  config.read_queue_nums = queue_nums;
  config.write_queue_nums = queue_nums;
  config.perm = perm;
  return config;
}

Status ValidateQueueNums(const TopicConfig& config) {
  auto ok = [](int32_t n) { return n >= 0 && n <= kMaxQueueNums; };
  if (!ok(config.read_queue_nums) || !ok(config.write_queue_nums)) {
    return InvalidArgument("topic " + config.topic_name + ": queue numbers (read " +
                           std::to_string(config.read_queue_nums) + ", write " +
                           std::to_string(config.write_queue_nums) + ") must be in 0.." +
                           std::to_string(kMaxQueueNums));
  }
  return Status::Ok();
}

}  // namespace

std::string RetryTopic(std::string_view group) {
  return std::string(kRetryGroupTopicPrefix) + std::string(group);
}

std::string DlqTopic(std::string_view group) {
  return std::string(kDlqGroupTopicPrefix) + std::string(group);
}

bool IsNotAllowedSendTopic(std::string_view topic) {
  return std::find(kNotAllowedSendTopics.begin(), kNotAllowedSendTopics.end(), topic) !=
         kNotAllowedSendTopics.end();
}

Status ValidateTopicName(std::string_view topic) {
  if (topic.empty()) return InvalidArgument("the topic name is empty");
  auto bad = std::find_if_not(topic.begin(), topic.end(), IsValidTopicChar);
  if (bad != topic.end()) {
    return InvalidArgument("topic '" + std::string(topic) + "' has an illegal character at " +
                           std::to_string(bad - topic.begin()) +
                           ", only ^[%|a-zA-Z0-9_-]+$ is allowed");
  }
  if (topic.size() > kTopicMaxLength) {
    return InvalidArgument("topic name is " + std::to_string(topic.size()) +
                           " characters long, longer than the maximum " +
                           std::to_string(kTopicMaxLength));
  }
  return Status::Ok();
}

TopicConfigManager::TopicConfigManager(const LiveBrokerConfig& config, store::FileSystem& fs,
                                       std::string config_dir)
    : config_(config), fs_(fs), config_dir_(std::move(config_dir)) {}

// Any thread (broker start). Apache fills the table with its system topics in the constructor
// and then putAll()s the file over them, so a system topic in the file keeps the file's values.
Status TopicConfigManager::Load() {
  ORBIT_ASSIGN_OR_RETURN(auto loaded, store::LoadTopics(fs_, config_dir_));
  MutexLock lock(mu_);
  table_ = std::move(loaded.table);
  if (loaded.source == store::ConfigSource::kNone) {
    // `new DataVersion()`: timestamp now, counter 0.
    table_.data_version = protocol::DataVersion{Clock::System().NowMillis(), 0};
  }

  const BrokerConfig& config = config_.get();
  using protocol::kPermInherit;
  using protocol::kPermRead;
  using protocol::kPermWrite;
  const int32_t rw = kPermRead | kPermWrite;
  PutSystemTopic(MakeTopic(kSelfTestTopic, 1, rw));
  if (config.auto_create_topic_enable) {
    PutSystemTopic(
        MakeTopic(kAutoCreateTopicKeyTopic, config.default_topic_queue_nums, kPermInherit | rw));
  }
  PutSystemTopic(MakeTopic(kBenchmarkTopic, 1024, rw));
  // The cluster's topic keeps `new TopicConfig()`'s 16 queues.
  PutSystemTopic(MakeTopic(config.broker_cluster_name, 16,
                           kPermInherit | (config.cluster_topic_enable ? rw : 0)));
  PutSystemTopic(
      MakeTopic(config.broker_name, 1, kPermInherit | (config.broker_topic_enable ? rw : 0)));
  PutSystemTopic(MakeTopic(kOffsetMovedEventTopic, 1, rw));
  PutSystemTopic(MakeTopic(kScheduleTopic, kScheduleTopicQueueNums, rw));
  if (config.trace_topic_enable) PutSystemTopic(MakeTopic(config.msg_trace_topic_name, 1, rw));
  if (!config.broker_cluster_name.empty()) {
    PutSystemTopic(
        MakeTopic(config.broker_cluster_name + "_" + std::string(kReplyTopicPostfix), 1, rw));
  }
  ORBIT_LOG_INFO("topics: {} loaded from {} (data version {}:{})", table_.topic_config_table.size(),
                 config_dir_, table_.data_version.timestamp, table_.data_version.counter);
  return Status::Ok();
}

// REQUIRES: mu_. Adds a system topic unless the file already had it. A name left empty (a
// BrokerConfig without broker or cluster name) is skipped rather than creating topic "".
void TopicConfigManager::PutSystemTopic(TopicConfig config) {
  if (config.topic_name.empty()) {
    ORBIT_LOG_WARN(
        "topics: skipping a system topic with an empty name (broker or cluster name "
        "not set)");
    return;
  }
  std::string name = config.topic_name;
  table_.topic_config_table.try_emplace(std::move(name), std::move(config));
}

std::optional<TopicConfig> TopicConfigManager::Find(std::string_view topic) const {
  MutexLock lock(mu_);
  auto it = table_.topic_config_table.find(std::string(topic));
  if (it == table_.topic_config_table.end()) return std::nullopt;
  return it->second;
}

protocol::TopicConfigSerializeWrapper TopicConfigManager::Snapshot() const {
  MutexLock lock(mu_);
  return table_;
}

protocol::DataVersion TopicConfigManager::data_version() const {
  MutexLock lock(mu_);
  return table_.data_version;
}

// REQUIRES: mu_ (which also serializes the writers of topics.json).
Status TopicConfigManager::PersistLocked() {
  return store::PersistTopics(fs_, config_dir_, table_);
}

// REQUIRES: mu_. Puts `config` (or removes `name` when config is nullopt), bumps the data version
// and persists. When the write fails the table and the version are put back, so that memory
// never holds what the file does not.
Status TopicConfigManager::ApplyLocked(const std::string& name, std::optional<TopicConfig> config) {
  auto& topics = table_.topic_config_table;
  std::optional<TopicConfig> previous;
  if (auto it = topics.find(name); it != topics.end()) previous = it->second;
  const protocol::DataVersion previous_version = table_.data_version;

  if (config) {
    topics.insert_or_assign(name, *std::move(config));
  } else {
    topics.erase(name);
  }
  table_.data_version.Next(Clock::System().NowMillis());
  Status persisted = PersistLocked();
  if (!persisted.ok()) {
    if (previous) {
      topics.insert_or_assign(name, *std::move(previous));
    } else {
      topics.erase(name);
    }
    table_.data_version = previous_version;
    ORBIT_LOG_ERROR("topics: change of {} not applied, persisting failed: {}", name,
                    persisted.ToString());
  }
  return persisted;
}

// Calling thread, after mu_ is released.
void TopicConfigManager::NextDataVersion() {
  {
    MutexLock lock(mu_);
    table_.data_version.Next(Clock::System().NowMillis());
  }
  Changed();
}

void TopicConfigManager::Changed() {
  if (on_change_) on_change_();
}

Result<TopicConfig> TopicConfigManager::CreateTopicInSendMessageMethod(
    std::string_view topic, std::string_view default_topic, int32_t client_default_queue_nums,
    int32_t topic_sys_flag) {
  ORBIT_RETURN_IF_ERROR(ValidateTopicName(topic));
  TopicConfig created;
  {
    MutexLock lock(mu_);
    auto& topics = table_.topic_config_table;
    if (auto it = topics.find(std::string(topic)); it != topics.end()) return it->second;

    auto def = topics.find(std::string(default_topic));
    if (def == topics.end()) {
      return NotFound("topic " + std::string(topic) + " does not exist and the default topic " +
                      std::string(default_topic) + " does not exist either");
    }
    // Apache drops TBW102's inherit bit when autoCreateTopicEnable is off (a TBW102 left in
    // topics.json by an earlier run); Orbit refuses the same way without changing the table.
    const bool auto_create = config_.get().auto_create_topic_enable;
    bool inherit = protocol::IsInherited(def->second.perm) &&
                   (default_topic != kAutoCreateTopicKeyTopic || auto_create);
    if (!inherit) {
      return NotFound("topic " + std::string(topic) + " does not exist and may not be created " +
                      "from " + std::string(default_topic) +
                      (auto_create ? " (it lacks the inherit permission)"
                                   : " (autoCreateTopicEnable is false)"));
    }
    int32_t queue_nums =
        std::max(0, std::min(client_default_queue_nums, def->second.write_queue_nums));
    created = MakeTopic(topic, queue_nums, def->second.perm & ~protocol::kPermInherit);
    created.topic_sys_flag = topic_sys_flag;
    created.topic_filter_type = def->second.topic_filter_type;
    ORBIT_RETURN_IF_ERROR(ApplyLocked(created.topic_name, created));
    ORBIT_LOG_INFO("topics: created {} from {} ({} queues, perm {})", created.topic_name,
                   default_topic, queue_nums, protocol::PermToString(created.perm));
  }
  Changed();
  return created;
}

Result<TopicConfig> TopicConfigManager::CreateTopicInSendMessageBackMethod(std::string_view topic,
                                                                           int32_t queue_nums,
                                                                           int32_t perm,
                                                                           int32_t topic_sys_flag) {
  ORBIT_RETURN_IF_ERROR(ValidateTopicName(topic));
  TopicConfig created = MakeTopic(topic, queue_nums, perm);
  created.topic_sys_flag = topic_sys_flag;
  ORBIT_RETURN_IF_ERROR(ValidateQueueNums(created));
  {
    MutexLock lock(mu_);
    auto& topics = table_.topic_config_table;
    if (auto it = topics.find(created.topic_name); it != topics.end()) return it->second;
    ORBIT_RETURN_IF_ERROR(ApplyLocked(created.topic_name, created));
    ORBIT_LOG_INFO("topics: created {} ({} queues, perm {})", created.topic_name, queue_nums,
                   protocol::PermToString(perm));
  }
  Changed();
  return created;
}

Status TopicConfigManager::Update(const TopicConfig& topic_config) {
  ORBIT_RETURN_IF_ERROR(ValidateTopicName(topic_config.topic_name));
  ORBIT_RETURN_IF_ERROR(ValidateQueueNums(topic_config));
  {
    MutexLock lock(mu_);
    ORBIT_RETURN_IF_ERROR(ApplyLocked(topic_config.topic_name, topic_config));
  }
  ORBIT_LOG_INFO("topics: updated {} (read {}, write {}, perm {})", topic_config.topic_name,
                 topic_config.read_queue_nums, topic_config.write_queue_nums,
                 protocol::PermToString(topic_config.perm));
  Changed();
  return Status::Ok();
}

Status TopicConfigManager::Delete(std::string_view topic) {
  std::string name(topic);
  {
    MutexLock lock(mu_);
    if (!table_.topic_config_table.contains(name)) return Status::Ok();
    ORBIT_RETURN_IF_ERROR(ApplyLocked(name, std::nullopt));
  }
  ORBIT_LOG_INFO("topics: deleted {}", name);
  Changed();
  return Status::Ok();
}

}  // namespace orbit::broker
