#include "store/config_files.h"

#include <utility>

#include "base/log.h"

namespace orbit::store {
namespace {

// What reading one copy (the main file or the .bak) gave.
struct Attempt {
  enum class Outcome { kMissing, kEmpty, kUnreadable, kUndecodable, kApplied };
  Outcome outcome = Outcome::kMissing;
  Status error;  // for kUnreadable and kUndecodable

  bool has_content() const { return outcome != Outcome::kMissing && outcome != Outcome::kEmpty; }
  std::string Describe() const {
    switch (outcome) {
      case Outcome::kMissing:
        return "missing";
      case Outcome::kEmpty:
        return "empty";
      case Outcome::kUnreadable:
        return "unreadable (" + error.ToString() + ")";
      case Outcome::kUndecodable:
        return "does not decode (" + error.message() + ")";
      case Outcome::kApplied:
        break;
    }
    return "ok";
  }
};

Attempt TryCopy(FileSystem& fs, const std::string& path, const ConfigFile::Decoder& decode) {
  using Outcome = Attempt::Outcome;
  if (!fs.Exists(path)) return {Outcome::kMissing, Status::Ok()};
  auto text = ReadWholeFile(fs, path);
  if (!text.ok()) {
    // Removed between the two calls: the same as never there.
    if (!fs.Exists(path)) return {Outcome::kMissing, Status::Ok()};
    return {Outcome::kUnreadable, text.status()};
  }
  if (text->empty()) return {Outcome::kEmpty, Status::Ok()};
  Status decoded = decode(*text);
  if (!decoded.ok()) return {Outcome::kUndecodable, std::move(decoded)};
  return {Outcome::kApplied, Status::Ok()};
}

// The typed loaders: decode into a LoadedConfig, an empty table when no copy exists.
template <typename T>
Result<LoadedConfig<T>> LoadTable(FileSystem& fs, const std::string& config_dir,
                                  std::string_view name) {
  LoadedConfig<T> loaded;
  ConfigFile file(fs, JoinPath(config_dir, name));
  auto source = file.Load([&loaded](std::string_view content) -> Status {
    ORBIT_ASSIGN_OR_RETURN(loaded.table, T::Decode(content));
    return Status::Ok();
  });
  if (!source.ok()) {
    if (source.status().code() != ErrorCode::kNotFound) return std::move(source).TakeStatus();
    ORBIT_LOG_INFO("config {}: no file, starting with an empty table", file.path());
    return LoadedConfig<T>{};
  }
  loaded.source = *source;
  return loaded;
}

template <typename T>
Status PersistTable(FileSystem& fs, const std::string& config_dir, std::string_view name,
                    const T& table) {
  return ConfigFile(fs, JoinPath(config_dir, name)).Persist(table.EncodePretty());
}

}  // namespace

Result<ConfigSource> ConfigFile::Load(const Decoder& decode) const {
  using Outcome = Attempt::Outcome;
  Attempt main = TryCopy(fs_, path_, decode);
  if (main.outcome == Outcome::kApplied) return ConfigSource::kMain;

  std::string backup = backup_path();
  Attempt bak = TryCopy(fs_, backup, decode);
  if (bak.outcome == Outcome::kApplied) {
    ORBIT_LOG_WARN("config {}: {}; loaded the previous version from {}", path_, main.Describe(),
                   backup);
    return ConfigSource::kBackup;
  }

  std::string what = path_ + ": " + main.Describe() + "; " + backup + ": " + bak.Describe();
  if (!main.has_content() && !bak.has_content()) return NotFound("config " + what);
  // Something an operator wrote is there but cannot be used: refuse rather than start empty.
  bool undecodable = main.outcome == Outcome::kUndecodable || bak.outcome == Outcome::kUndecodable;
  if (undecodable) return Malformed("config " + what);
  const Status& read_error = main.outcome == Outcome::kUnreadable ? main.error : bak.error;
  return Status(read_error.code(), "config " + what);
}

Status ConfigFile::Persist(std::string_view content) const {
  return WriteFileAtomically(fs_, path_, content);
}

Result<LoadedConfig<protocol::TopicConfigSerializeWrapper>> LoadTopics(
    FileSystem& fs, const std::string& config_dir) {
  return LoadTable<protocol::TopicConfigSerializeWrapper>(fs, config_dir, kTopicsFile);
}

Status PersistTopics(FileSystem& fs, const std::string& config_dir,
                     const protocol::TopicConfigSerializeWrapper& topics) {
  return PersistTable(fs, config_dir, kTopicsFile, topics);
}

Result<LoadedConfig<protocol::SubscriptionGroupWrapper>> LoadSubscriptionGroups(
    FileSystem& fs, const std::string& config_dir) {
  return LoadTable<protocol::SubscriptionGroupWrapper>(fs, config_dir, kSubscriptionGroupFile);
}

Status PersistSubscriptionGroups(FileSystem& fs, const std::string& config_dir,
                                 const protocol::SubscriptionGroupWrapper& groups) {
  return PersistTable(fs, config_dir, kSubscriptionGroupFile, groups);
}

Result<LoadedConfig<protocol::ConsumerOffsetSerializeWrapper>> LoadConsumerOffsets(
    FileSystem& fs, const std::string& config_dir) {
  return LoadTable<protocol::ConsumerOffsetSerializeWrapper>(fs, config_dir, kConsumerOffsetFile);
}

Status PersistConsumerOffsets(FileSystem& fs, const std::string& config_dir,
                              const protocol::ConsumerOffsetSerializeWrapper& offsets) {
  return PersistTable(fs, config_dir, kConsumerOffsetFile, offsets);
}

Result<LoadedConfig<protocol::DelayOffsetSerializeWrapper>> LoadDelayOffsets(
    FileSystem& fs, const std::string& config_dir) {
  return LoadTable<protocol::DelayOffsetSerializeWrapper>(fs, config_dir, kDelayOffsetFile);
}

Status PersistDelayOffsets(FileSystem& fs, const std::string& config_dir,
                           const protocol::DelayOffsetSerializeWrapper& offsets) {
  return PersistTable(fs, config_dir, kDelayOffsetFile, offsets);
}

}  // namespace orbit::store
