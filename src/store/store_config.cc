#include "store/store_config.h"

#include <cstdlib>
#include <sstream>

#include "store/file_system.h"

namespace orbit::store {

StoreConfig StoreConfig::Defaults() {
  StoreConfig c;
  const char* home = std::getenv("HOME");
  c.store_path_root_dir = JoinPath(home != nullptr ? home : ".", "store");
  return c;
}

std::string StoreConfig::CommitLogDir() const {
  return store_path_commit_log.empty() ? JoinPath(store_path_root_dir, "commitlog")
                                       : store_path_commit_log;
}
std::string StoreConfig::ConsumeQueueDir() const {
  return JoinPath(store_path_root_dir, "consumequeue");
}
std::string StoreConfig::IndexDir() const { return JoinPath(store_path_root_dir, "index"); }
std::string StoreConfig::ConfigDir() const { return JoinPath(store_path_root_dir, "config"); }
std::string StoreConfig::CheckpointPath() const {
  return JoinPath(store_path_root_dir, "checkpoint");
}
std::string StoreConfig::AbortPath() const { return JoinPath(store_path_root_dir, "abort"); }
std::string StoreConfig::LockPath() const { return JoinPath(store_path_root_dir, "lock"); }

int64_t StoreConfig::ConsumeQueueSegmentBytes() const {
  int64_t entries = (mapped_file_size_consume_queue + 19) / 20;
  return entries * 20;
}

Status StoreConfig::Validate() const {
  auto bad = [](const char* key, const std::string& why) {
    return InvalidArgument(std::string("config key ") + key + ": " + why);
  };
  if (store_path_root_dir.empty()) return bad("storePathRootDir", "must not be empty");
  if (mapped_file_size_commit_log < 64 * 1024 || mapped_file_size_commit_log > (1LL << 31) - 1) {
    return bad("mappedFileSizeCommitLog", "must be between 65536 and 2147483647");
  }
  if (mapped_file_size_consume_queue < 20) {
    return bad("mappedFileSizeConsumeQueue", "must be at least 20");
  }
  if (max_hash_slot_num <= 0) return bad("maxHashSlotNum", "must be positive");
  if (max_index_num <= 1) return bad("maxIndexNum", "must be at least 2");
  if (flush_disk_type != "ASYNC_FLUSH" && flush_disk_type != "SYNC_FLUSH") {
    return bad("flushDiskType", "must be ASYNC_FLUSH or SYNC_FLUSH, not " + flush_disk_type);
  }
  if (flush_interval_commit_log <= 0) return bad("flushIntervalCommitLog", "must be positive");
  if (flush_interval_consume_queue <= 0) {
    return bad("flushIntervalConsumeQueue", "must be positive");
  }
  if (sync_flush_timeout <= 0) return bad("syncFlushTimeout", "must be positive");
  if (file_reserved_time <= 0) return bad("fileReservedTime", "must be positive");
  if (disk_max_used_space_ratio < 10 || disk_max_used_space_ratio > 95) {
    return bad("diskMaxUsedSpaceRatio", "must be between 10 and 95");
  }
  if (max_message_size <= 0) return bad("maxMessageSize", "must be positive");
  std::stringstream hours(delete_when);
  std::string h;
  while (std::getline(hours, h, ';')) {
    char* end = nullptr;
    long v = std::strtol(h.c_str(), &end, 10);
    if (h.empty() || *end != '\0' || v < 0 || v > 23) {
      return bad("deleteWhen", "must be hours 00-23 separated by ';', not " + delete_when);
    }
  }
  auto levels = ParseDelayLevels(message_delay_level);
  if (!levels.ok()) return bad("messageDelayLevel", levels.status().message());
  if (store_path_root_dir.empty()) return bad("storePathRootDir", "must not be empty");
  return Status::Ok();
}

Result<std::vector<int64_t>> ParseDelayLevels(const std::string& text) {
  std::vector<int64_t> out;
  std::stringstream in(text);
  std::string token;
  while (in >> token) {
    char unit = token.back();
    int64_t mult = 0;
    switch (unit) {
      case 's':
        mult = 1000;
        break;
      case 'm':
        mult = 60 * 1000;
        break;
      case 'h':
        mult = 60 * 60 * 1000;
        break;
      case 'd':
        mult = 24 * 60 * 60 * 1000;
        break;
      default:
        return InvalidArgument("delay level '" + token + "' has no unit s, m, h or d");
    }
    std::string num = token.substr(0, token.size() - 1);
    char* end = nullptr;
    long long v = std::strtoll(num.c_str(), &end, 10);
    if (num.empty() || *end != '\0' || v < 0) {
      return InvalidArgument("delay level '" + token + "' is not a number and a unit");
    }
    out.push_back(v * mult);
  }
  if (out.empty()) return InvalidArgument("no delay levels");
  return out;
}

const std::vector<ConfigField<StoreConfig>>& StoreConfigFields() {
  using C = StoreConfig;
  static const std::vector<ConfigField<C>> fields = {
      MakeConfigField("storePathRootDir", &C::store_path_root_dir,
                      "store directory (`$HOME/store`)"),
      MakeConfigField("storePathCommitLog", &C::store_path_commit_log,
                      "commit-log directory (empty: `<storePathRootDir>/commitlog`)"),
      MakeConfigField("mappedFileSizeCommitLog", &C::mapped_file_size_commit_log,
                      "bytes per commit-log segment file"),
      MakeConfigField("mappedFileSizeConsumeQueue", &C::mapped_file_size_consume_queue,
                      "bytes per consume-queue file (rounded up to whole 20-byte entries)"),
      MakeConfigField("maxHashSlotNum", &C::max_hash_slot_num, "hash slots per index file"),
      MakeConfigField("maxIndexNum", &C::max_index_num, "entries per index file"),
      MakeConfigField("messageIndexEnable", &C::message_index_enable,
                      "index message keys and UNIQ_KEY"),
      MakeConfigField("messageIndexSafe", &C::message_index_safe,
                      "crash recovery also starts before the index checkpoint"),
      MakeConfigField("flushDiskType", &C::flush_disk_type, "ASYNC_FLUSH or SYNC_FLUSH"),
      MakeConfigField("flushIntervalCommitLog", &C::flush_interval_commit_log,
                      "ms between commit-log flushes (ASYNC_FLUSH)"),
      MakeConfigField("flushCommitLogLeastPages", &C::flush_commit_log_least_pages,
                      "dirty 4 KiB pages needed before a periodic flush"),
      MakeConfigField("flushCommitLogThoroughInterval", &C::flush_commit_log_thorough_interval,
                      "ms after which everything is flushed regardless of the page count"),
      MakeConfigField("flushCommitLogTimed", &C::flush_commit_log_timed,
                      "sleep the full interval instead of waking on new data"),
      MakeConfigField("flushIntervalConsumeQueue", &C::flush_interval_consume_queue,
                      "ms between consume-queue and index flushes"),
      MakeConfigField("flushConsumeQueueLeastPages", &C::flush_consume_queue_least_pages,
                      "dirty pages needed before a periodic consume-queue flush"),
      MakeConfigField("flushConsumeQueueThoroughInterval",
                      &C::flush_consume_queue_thorough_interval,
                      "ms after which consume queues are flushed regardless of the page count"),
      MakeConfigField("syncFlushTimeout", &C::sync_flush_timeout,
                      "ms a SYNC_FLUSH put waits for its flush before FLUSH_DISK_TIMEOUT"),
      MakeConfigField("fileReservedTime", &C::file_reserved_time,
                      "hours a commit-log file is kept"),
      MakeConfigField("deleteWhen", &C::delete_when,
                      "hours of day (`04`, `04;16`) when expired files are deleted"),
      MakeConfigField("diskMaxUsedSpaceRatio", &C::disk_max_used_space_ratio,
                      "percent of disk use above which expired files are deleted at any hour"),
      MakeConfigField("cleanResourceInterval", &C::clean_resource_interval,
                      "ms between retention checks"),
      MakeConfigField("deleteCommitLogFilesInterval", &C::delete_commit_log_files_interval,
                      "ms between two file deletions in one pass"),
      MakeConfigField("destroyMapedFileIntervalForcibly", &C::destroy_mapped_file_interval_forcibly,
                      "ms a file still in use is kept before it is removed anyway"),
      MakeConfigField("cleanFileForciblyEnable", &C::clean_file_forcibly_enable,
                      "delete the oldest files, even unexpired, when the disk is nearly full"),
      MakeConfigField("diskSpaceCleanForciblyRatio", &C::disk_space_clean_forcibly_ratio,
                      "Orbit (Apache: system property): percent of disk use that forces "
                      "cleaning"),
      MakeConfigField("diskSpaceWarningLevelRatio", &C::disk_space_warning_level_ratio,
                      "Orbit (Apache: system property): percent of disk use above which writes "
                      "are refused"),
      MakeConfigField("maxMessageSize", &C::max_message_size, "largest message body, bytes"),
      MakeConfigField("checkCRCOnRecover", &C::check_crc_on_recover,
                      "verify body CRCs while recovering"),
      MakeConfigField("messageDelayLevel", &C::message_delay_level,
                      "delay of each level, space-separated (s, m, h, d)"),
      MakeConfigField("maxTransferBytesOnMessageInMemory",
                      &C::max_transfer_bytes_on_message_in_memory,
                      "bytes one pull returns when the data is in memory"),
      MakeConfigField("maxTransferCountOnMessageInMemory",
                      &C::max_transfer_count_on_message_in_memory,
                      "messages one pull returns when the data is in memory"),
      MakeConfigField("maxTransferBytesOnMessageInDisk", &C::max_transfer_bytes_on_message_in_disk,
                      "bytes one pull returns when the data is on disk"),
      MakeConfigField("maxTransferCountOnMessageInDisk", &C::max_transfer_count_on_message_in_disk,
                      "messages one pull returns when the data is on disk"),
      MakeConfigField("accessMessageInMemoryMaxRatio", &C::access_message_in_memory_max_ratio,
                      "percent of memory the newest data is assumed to occupy"),
      MakeConfigField("defaultQueryMaxNum", &C::default_query_max_num,
                      "most messages a key query returns"),
  };
  return fields;
}

}  // namespace orbit::store
