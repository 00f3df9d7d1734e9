#pragma once

// The name server's KV config (nameserver.md §8): namespace -> key -> value, persisted after
// every change to kvConfigPath as {"configTable":{...}} (pretty JSON), written atomically:
// <path>.tmp, previous content kept as <path>.bak, then rename. Loading falls back to .bak.

#include <map>
#include <optional>
#include <string>

#include "base/status.h"
#include "base/thread_annotations.h"

namespace orbit::namesrv {

inline constexpr const char* kOrderTopicConfigNamespace = "ORDER_TOPIC_CONFIG";

class KVConfigManager {
 public:
  // `path` empty = memory only.
  explicit KVConfigManager(std::string path) : path_(std::move(path)) {}

  // Loads the file if present. A missing file is not an error; an unreadable one is.
  Status Load() ORBIT_EXCLUDES(mu_);

  Status Put(const std::string& ns, const std::string& key, const std::string& value)
      ORBIT_EXCLUDES(mu_);
  Status Delete(const std::string& ns, const std::string& key) ORBIT_EXCLUDES(mu_);
  std::optional<std::string> Get(const std::string& ns, const std::string& key) const
      ORBIT_EXCLUDES(mu_);
  // The whole namespace; nullopt when it does not exist.
  std::optional<std::map<std::string, std::string>> GetNamespace(const std::string& ns) const
      ORBIT_EXCLUDES(mu_);

 private:
  Status PersistLocked() ORBIT_REQUIRES(mu_);

  const std::string path_;
  mutable Mutex mu_;
  std::map<std::string, std::map<std::string, std::string>> table_ ORBIT_GUARDED_BY(mu_);
};

// Writes `content` to `path` atomically (tmp + rename), keeping the old file as path.bak.
Status WriteFileAtomically(const std::string& path, const std::string& content);

}  // namespace orbit::namesrv
