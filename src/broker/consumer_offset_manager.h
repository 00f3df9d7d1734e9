#pragma once

// Committed consumer offsets (Apache's ConsumerOffsetManager), kept in memory and written to
// config/consumerOffset.json (keys "topic@group") by Persist(), which the broker calls every
// flushConsumerOffsetInterval and at shutdown.
//
// Threads: thread-safe (one mutex); Persist() encodes under the mutex and writes outside it.

#include <cstdint>
#include <map>
#include <set>
#include <string>
#include <string_view>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "protocol/bodies.h"
#include "store/file_system.h"

namespace orbit::broker {

class ConsumerOffsetManager {
 public:
  ConsumerOffsetManager(store::FileSystem& fs, std::string config_dir);

  // Loads consumerOffset.json (or its .bak); a missing file is an empty table.
  Status Load();
  // Writes the table atomically (with a .bak), when it changed since the last write.
  Status Persist();

  void Commit(std::string_view group, std::string_view topic, int32_t queue_id, int64_t offset);
  // The committed offset, or -1 when there is none.
  int64_t Query(std::string_view group, std::string_view topic, int32_t queue_id) const;
  // queue id -> offset for one group and topic (empty when none).
  std::map<int32_t, int64_t> QueryAll(std::string_view group, std::string_view topic) const;
  // Topics a group has offsets for, and groups that have offsets for a topic.
  std::set<std::string> TopicsOfGroup(std::string_view group) const;
  std::set<std::string> GroupsOfTopic(std::string_view topic) const;
  // Removes every offset of the group (DELETE_SUBSCRIPTIONGROUP with cleanOffset) or of the
  // topic (DELETE_TOPIC_IN_BROKER).
  void RemoveGroup(std::string_view group);
  void RemoveTopic(std::string_view topic);
  protocol::ConsumerOffsetSerializeWrapper Snapshot() const;

 private:
  store::FileSystem& fs_;
  const std::string config_dir_;
  // Serializes Persist() calls (the flush timer and shutdown), so that an older snapshot is
  // never written over a newer one. Lock order: persist_mu_, then mu_.
  Mutex persist_mu_;
  mutable Mutex mu_;
  // "topic@group" -> queue id -> offset, as in the file.
  std::map<std::string, std::map<int32_t, int64_t>, std::less<>> table_ ORBIT_GUARDED_BY(mu_);
  bool dirty_ ORBIT_GUARDED_BY(mu_) = false;
};

}  // namespace orbit::broker
