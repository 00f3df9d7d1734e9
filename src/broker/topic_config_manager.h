#pragma once

// The broker's topic table (Apache's TopicConfigManager): config/topics.json plus the system
// topics Apache creates at start, auto-creation of topics on send through the default topic
// (TBW102) when autoCreateTopicEnable, and retry/DLQ topics created on send-back.
//
// Every change is persisted (store/config_files.h: atomic write with a .bak) and bumps the data
// version; the on_change callback (set before Load) tells the broker to register with the name
// servers again.
//
// Threads: all methods are thread-safe (one mutex); on_change runs on the calling thread after
// the mutex is released.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "broker/broker_config.h"
#include "protocol/bodies.h"
#include "store/file_system.h"

namespace orbit::broker {

// Apache's system topic names (TopicValidator / MixAll).
inline constexpr std::string_view kAutoCreateTopicKeyTopic = "TBW102";
inline constexpr std::string_view kSelfTestTopic = "SELF_TEST_TOPIC";
inline constexpr std::string_view kBenchmarkTopic = "BenchmarkTest";
inline constexpr std::string_view kOffsetMovedEventTopic = "OFFSET_MOVED_EVENT";
inline constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
inline constexpr std::string_view kTransHalfTopic = "RMQ_SYS_TRANS_HALF_TOPIC";
inline constexpr std::string_view kTransOpHalfTopic = "RMQ_SYS_TRANS_OP_HALF_TOPIC";
inline constexpr std::string_view kTransCheckMaxTimeTopic = "TRANS_CHECK_MAX_TIME_TOPIC";
inline constexpr std::string_view kRetryGroupTopicPrefix = "%RETRY%";
inline constexpr std::string_view kDlqGroupTopicPrefix = "%DLQ%";

std::string RetryTopic(std::string_view group);  // "%RETRY%" + group
std::string DlqTopic(std::string_view group);    // "%DLQ%" + group
// Topics a client may not send to (TopicValidator.isNotAllowedSendTopic in 4.9):
// SCHEDULE_TOPIC_XXXX, the three transaction topics, SELF_TEST_TOPIC and OFFSET_MOVED_EVENT.
bool IsNotAllowedSendTopic(std::string_view topic);
// Apache's topic name rule: 1..127 characters of [%|a-zA-Z0-9_-]. The error says what is wrong.
Status ValidateTopicName(std::string_view topic);

class TopicConfigManager {
 public:
  TopicConfigManager(const LiveBrokerConfig& config, store::FileSystem& fs, std::string config_dir);

  // Called after every change that the name servers must learn about.
  void set_on_change(std::function<void()> on_change) { on_change_ = std::move(on_change); }

  // Loads topics.json (falling back to its .bak) and adds the system topics Apache creates in
  // TopicConfigManager's constructor (those already in the file keep the file's values).
  Status Load();

  std::optional<protocol::TopicConfig> Find(std::string_view topic) const;
  // All topics and the data version, as GET_ALL_TOPIC_CONFIG and registration send them.
  protocol::TopicConfigSerializeWrapper Snapshot() const;
  protocol::DataVersion data_version() const;

  // Apache's createTopicInSendMessageMethod: a topic that does not exist is created from
  // `default_topic` (TBW102) when that topic exists and carries the inherit permission; queue
  // numbers are min(client_default_queue_nums, default topic's write queues). Returns the
  // existing or new config; NotFound when it may not be created (the caller answers
  // TOPIC_NOT_EXIST).
  Result<protocol::TopicConfig> CreateTopicInSendMessageMethod(std::string_view topic,
                                                               std::string_view default_topic,
                                                               int32_t client_default_queue_nums,
                                                               int32_t topic_sys_flag);
  // Apache's createTopicInSendMessageBackMethod: retry and DLQ topics, created as given when
  // missing; the existing config otherwise.
  Result<protocol::TopicConfig> CreateTopicInSendMessageBackMethod(std::string_view topic,
                                                                   int32_t queue_nums, int32_t perm,
                                                                   int32_t topic_sys_flag);
  // Creates or replaces (UPDATE_AND_CREATE_TOPIC); validates the name and queue numbers.
  Status Update(const protocol::TopicConfig& topic_config);
  // Removes the topic (DELETE_TOPIC_IN_BROKER); Ok when it did not exist.
  Status Delete(std::string_view topic);
  // Bumps the data version without changing a topic (as Apache does when brokerPermission
  // changes), so that the name servers take the next registration's topic table.
  void NextDataVersion() ORBIT_EXCLUDES(mu_);

 private:
  Status PersistLocked() ORBIT_REQUIRES(mu_);
  void PutSystemTopic(protocol::TopicConfig config) ORBIT_REQUIRES(mu_);
  // Puts `config` (removes `name` when nullopt), bumps the data version and persists; undone
  // when persisting fails.
  Status ApplyLocked(const std::string& name, std::optional<protocol::TopicConfig> config)
      ORBIT_REQUIRES(mu_);
  void Changed() ORBIT_EXCLUDES(mu_);

  const LiveBrokerConfig& config_;
  store::FileSystem& fs_;
  const std::string config_dir_;
  std::function<void()> on_change_;
  mutable Mutex mu_;
  protocol::TopicConfigSerializeWrapper table_ ORBIT_GUARDED_BY(mu_);
};

}  // namespace orbit::broker
