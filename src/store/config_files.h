#pragma once

// The JSON tables a broker keeps in <storePathRootDir>/config/, in Apache RocketMQ 4.9's format
// so that Orbit and Apache brokers can open each other's stores:
//
//   topics.json             TopicConfigSerializeWrapper (protocol/bodies_register.h)
//   subscriptionGroup.json  SubscriptionGroupWrapper (protocol/bodies_admin.h)
//   consumerOffset.json     ConsumerOffsetSerializeWrapper (protocol/bodies_files.h)
//   delayOffset.json        DelayOffsetSerializeWrapper (protocol/bodies_files.h)
//
// Content: fastjson's pretty form as the wrappers' EncodePretty() writes it (TAB indentation,
// bare integer map keys such as {0:202,1:202}, no trailing newline). Each file is replaced
// atomically (WriteFileAtomically: <name>.tmp, synced, old content copied to <name>.bak, rename,
// directory synced), so the .bak always holds the previous version.
//
// Loading follows Apache's ConfigManager.load(): the main file, else <name>.bak when the main
// file is missing, empty, unreadable or does not decode (logged as a warning), else an empty
// table when neither file has content. Unlike Apache, a file that has content which cannot be
// used is never dropped silently: when no copy decodes, Load fails naming both files, and the
// broker refuses to start rather than lose an operator's topics or offsets.
//
// Threads: none of this keeps state besides the path. Loads may run on any thread. Callers
// serialize the persists of one file (each file's manager persists under its own lock, or from
// a single thread): two concurrent writers of one file share its .tmp and .bak.tmp names. A load
// running concurrently with a persist of the same file sees the old or the new content.

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "protocol/bodies_admin.h"
#include "protocol/bodies_files.h"
#include "protocol/bodies_register.h"
#include "store/file_system.h"

namespace orbit::store {

// File names inside StoreConfig::ConfigDir().
inline constexpr std::string_view kTopicsFile = "topics.json";
inline constexpr std::string_view kSubscriptionGroupFile = "subscriptionGroup.json";
inline constexpr std::string_view kConsumerOffsetFile = "consumerOffset.json";
inline constexpr std::string_view kDelayOffsetFile = "delayOffset.json";

// Which copy a load used.
enum class ConfigSource : uint8_t {
  kNone,    // neither the file nor its .bak has content: the table starts empty
  kMain,    // <path>
  kBackup,  // <path>.bak, because <path> could not be used
};

// One config file: `path` and its `<path>.bak`.
class ConfigFile {
 public:
  // Applies a file's content to the caller's table; a non-ok Status means the content does not
  // decode (the table must then be left as it was, or be overwritten by a later call).
  using Decoder = std::function<Status(std::string_view content)>;

  ConfigFile(FileSystem& fs, std::string path) : fs_(fs), path_(std::move(path)) {}

  const std::string& path() const { return path_; }
  std::string backup_path() const { return path_ + ".bak"; }

  // Hands the content of the main file, or of the .bak when the main file is missing, empty,
  // unreadable or rejected by `decode`, to `decode`. Returns kMain or kBackup (never kNone).
  // Errors: kNotFound when neither file has content (callers start with an empty table, as
  // Apache does); kMalformed naming both files when a copy has content but none decodes;
  // the read error (kIoError) when a copy cannot be read and none decodes.
  Result<ConfigSource> Load(const Decoder& decode) const;

  // Replaces the file with `content` (WriteFileAtomically). REQUIRES: no other Persist of this
  // path runs concurrently.
  Status Persist(std::string_view content) const;

 private:
  FileSystem& fs_;
  std::string path_;
};

// A table read by one of the typed loaders below.
template <typename T>
struct LoadedConfig {
  T table;  // default-constructed (empty) when source == kNone
  ConfigSource source = ConfigSource::kNone;
};

// Typed access to the four files under `config_dir` (StoreConfig::ConfigDir()). A missing file
// is an empty table (source kNone); other errors as ConfigFile::Load. The persists write
// EncodePretty(), the form Apache writes.
Result<LoadedConfig<protocol::TopicConfigSerializeWrapper>> LoadTopics(
    FileSystem& fs, const std::string& config_dir);
Status PersistTopics(FileSystem& fs, const std::string& config_dir,
                     const protocol::TopicConfigSerializeWrapper& topics);

Result<LoadedConfig<protocol::SubscriptionGroupWrapper>> LoadSubscriptionGroups(
    FileSystem& fs, const std::string& config_dir);
Status PersistSubscriptionGroups(FileSystem& fs, const std::string& config_dir,
                                 const protocol::SubscriptionGroupWrapper& groups);

Result<LoadedConfig<protocol::ConsumerOffsetSerializeWrapper>> LoadConsumerOffsets(
    FileSystem& fs, const std::string& config_dir);
Status PersistConsumerOffsets(FileSystem& fs, const std::string& config_dir,
                              const protocol::ConsumerOffsetSerializeWrapper& offsets);

Result<LoadedConfig<protocol::DelayOffsetSerializeWrapper>> LoadDelayOffsets(
    FileSystem& fs, const std::string& config_dir);
Status PersistDelayOffsets(FileSystem& fs, const std::string& config_dir,
                           const protocol::DelayOffsetSerializeWrapper& offsets);

}  // namespace orbit::store
