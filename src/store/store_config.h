#pragma once

// The store's settings: Apache RocketMQ 4.9's MessageStoreConfig keys and defaults (the subset
// Orbit's store implements). The broker's config table includes this one, so broker.conf sets
// them (docs/config.md).

#include <cstdint>
#include <string>
#include <vector>

#include "base/config.h"
#include "base/status.h"

namespace orbit::store {

enum class FlushDiskType { kAsyncFlush, kSyncFlush };

struct StoreConfig {
  std::string store_path_root_dir;    // Defaults(): $HOME/store
  std::string store_path_commit_log;  // empty: <root>/commitlog

  int64_t mapped_file_size_commit_log = 1024LL * 1024 * 1024;
  int64_t mapped_file_size_consume_queue = 300000LL * 20;  // rounded up to a multiple of 20
  int32_t max_hash_slot_num = 5000000;
  int32_t max_index_num = 5000000 * 4;
  bool message_index_enable = true;
  bool message_index_safe = false;

  std::string flush_disk_type = "ASYNC_FLUSH";
  int32_t flush_interval_commit_log = 500;
  int32_t flush_commit_log_least_pages = 4;
  int32_t flush_commit_log_thorough_interval = 10000;
  bool flush_commit_log_timed = false;
  int32_t flush_interval_consume_queue = 1000;
  int32_t flush_consume_queue_least_pages = 2;
  int32_t flush_consume_queue_thorough_interval = 60000;
  int64_t sync_flush_timeout = 5000;

  int32_t file_reserved_time = 72;         // hours
  std::string delete_when = "04";          // hours of day, ';'-separated
  int32_t disk_max_used_space_ratio = 75;  // percent
  int32_t clean_resource_interval = 10000;
  int32_t delete_commit_log_files_interval = 100;
  int32_t destroy_mapped_file_interval_forcibly = 120000;
  bool clean_file_forcibly_enable = true;
  // Apache reads these two from system properties (rocketmq.broker.diskSpace*Ratio).
  int32_t disk_space_clean_forcibly_ratio = 85;  // percent: delete early regardless of hour
  int32_t disk_space_warning_level_ratio = 90;   // percent: refuse writes above it

  int32_t max_message_size = 1024 * 1024 * 4;
  bool check_crc_on_recover = true;
  std::string message_delay_level = "1s 5s 10s 30s 1m 2m 3m 4m 5m 6m 7m 8m 9m 10m 20m 30m 1h 2h";

  int32_t max_transfer_bytes_on_message_in_memory = 1024 * 256;
  int32_t max_transfer_count_on_message_in_memory = 32;
  int32_t max_transfer_bytes_on_message_in_disk = 1024 * 64;
  int32_t max_transfer_count_on_message_in_disk = 8;
  int32_t access_message_in_memory_max_ratio = 40;
  int32_t default_query_max_num = 32;

  // Defaults with paths under $HOME.
  static StoreConfig Defaults();

  FlushDiskType flush_type() const {
    return flush_disk_type == "SYNC_FLUSH" ? FlushDiskType::kSyncFlush : FlushDiskType::kAsyncFlush;
  }
  std::string CommitLogDir() const;
  std::string ConsumeQueueDir() const;
  std::string IndexDir() const;
  std::string ConfigDir() const;
  std::string CheckpointPath() const;
  std::string AbortPath() const;
  std::string LockPath() const;
  // mapped_file_size_consume_queue rounded up to whole 20-byte entries, as Apache does.
  int64_t ConsumeQueueSegmentBytes() const;

  // Checks ranges and enumerations; the error names the key.
  Status Validate() const;
};

const std::vector<ConfigField<StoreConfig>>& StoreConfigFields();

// messageDelayLevel parsed: element i is the delay of level i+1, in ms. The units are s, m, h, d
// as Apache accepts them; anything else is an error naming the token.
Result<std::vector<int64_t>> ParseDelayLevels(const std::string& text);

}  // namespace orbit::store
