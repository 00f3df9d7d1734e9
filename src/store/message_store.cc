#include "store/message_store.h"

#include <pthread.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <ctime>
#include <future>
#include <sstream>

#include "base/bytes.h"
#include "base/log.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"
#include "protocol/tag_hash.h"
#include "store/index_file.h"

namespace orbit::store {
namespace {

constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";
constexpr int64_t kGroupCommitWaitMs = 10;

std::unique_lock<std::mutex> NativeLock(Mutex& mu) ORBIT_NO_THREAD_SAFETY_ANALYSIS {
  return std::unique_lock<std::mutex>(mu.native());
}

int64_t ParseInt(std::string_view s, int64_t fallback) {
  if (s.empty()) return fallback;
  int64_t v = 0;
  bool neg = false;
  size_t i = 0;
  if (s[0] == '-') {
    neg = true;
    i = 1;
  }
  if (i == s.size()) return fallback;
  for (; i < s.size(); ++i) {
    if (s[i] < '0' || s[i] > '9') return fallback;
    v = v * 10 + (s[i] - '0');
    if (v > (int64_t{1} << 40)) return fallback;
  }
  return neg ? -v : v;
}

}  // namespace

bool FindProperty(std::string_view properties, std::string_view name, std::string_view* value) {
  bool found = false;
  ForEachProperty(properties, [&](std::string_view n, std::string_view v) {
    if (!found && n == name) {
      *value = v;
      found = true;
    }
  });
  return found;
}

const char* GetStatusName(GetStatus status) {
  switch (status) {
    case GetStatus::kFound:
      return "FOUND";
    case GetStatus::kNoMatchedMessage:
      return "NO_MATCHED_MESSAGE";
    case GetStatus::kMessageWasRemoving:
      return "MESSAGE_WAS_REMOVING";
    case GetStatus::kOffsetFoundNull:
      return "OFFSET_FOUND_NULL";
    case GetStatus::kOffsetOverflowBadly:
      return "OFFSET_OVERFLOW_BADLY";
    case GetStatus::kOffsetOverflowOne:
      return "OFFSET_OVERFLOW_ONE";
    case GetStatus::kOffsetTooSmall:
      return "OFFSET_TOO_SMALL";
    case GetStatus::kNoMatchedLogicQueue:
      return "NO_MATCHED_LOGIC_QUEUE";
    case GetStatus::kNoMessageInQueue:
      return "NO_MESSAGE_IN_QUEUE";
  }
  return "UNKNOWN";
}

MessageStore::MessageStore(StoreConfig config, StoreOptions options)
    : config_(std::move(config)),
      options_(std::move(options)),
      fs_(options_.fs != nullptr ? options_.fs : FileSystem::Default()),
      clock_(options_.clock != nullptr ? options_.clock : &Clock::System()) {
  long pages = ::sysconf(_SC_PHYS_PAGES);
  long page_size = ::sysconf(_SC_PAGESIZE);
  memory_bytes_ = pages > 0 && page_size > 0 ? uint64_t(pages) * uint64_t(page_size) : 0;
}

MessageStore::~MessageStore() {
  if (!shut_down_.load()) (void)Shutdown();
}

Result<std::unique_ptr<MessageStore>> MessageStore::Open(const StoreConfig& config,
                                                         StoreOptions options) {
  ORBIT_RETURN_IF_ERROR(config.Validate());
  if (!options.store_host.valid()) return InvalidArgument("store host is not set");
  auto store = std::unique_ptr<MessageStore>(new MessageStore(config, std::move(options)));
  ORBIT_ASSIGN_OR_RETURN(store->delay_levels_, ParseDelayLevels(config.message_delay_level));
  ORBIT_RETURN_IF_ERROR(store->Recover());
  if (store->options_.start_threads) store->StartThreads();
  return store;
}

// ---------------------------------------------------------------------------------------------
// Recovery

Status MessageStore::LoadConsumeQueues() {
  std::string root = config_.ConsumeQueueDir();
  if (!fs_->Exists(root)) return Status::Ok();
  ORBIT_ASSIGN_OR_RETURN(auto topics, fs_->List(root));
  size_t seg_bytes = static_cast<size_t>(config_.ConsumeQueueSegmentBytes());
  for (const auto& topic : topics) {
    std::string tdir = JoinPath(root, topic);
    if (!fs_->IsDirectory(tdir)) continue;
    ORBIT_ASSIGN_OR_RETURN(auto queues, fs_->List(tdir));
    for (const auto& q : queues) {
      int64_t id = ParseInt(q, -1);
      if (id < 0 || id > 0x7FFFFFFF || std::to_string(id) != q) {
        ORBIT_LOG_WARN("ignoring {}: not a queue id", JoinPath(tdir, q));
        continue;
      }
      auto cq =
          std::make_shared<ConsumeQueue>(*fs_, root, topic, static_cast<int32_t>(id), seg_bytes);
      ORBIT_RETURN_IF_ERROR(cq->Load());
      MutexLock lock(cq_mu_);
      cqs_[topic][static_cast<int32_t>(id)] = std::move(cq);
    }
  }
  return Status::Ok();
}

Status MessageStore::Recover() {
  ORBIT_RETURN_IF_ERROR(fs_->CreateDirs(config_.store_path_root_dir));
  ORBIT_ASSIGN_OR_RETURN(lock_, fs_->Lock(config_.LockPath()));
  bool last_exit_ok = !fs_->Exists(config_.AbortPath());
  recovery_stats_.last_exit_ok = last_exit_ok;
  ORBIT_LOG_INFO("opening store {} after a {} stop", config_.store_path_root_dir,
                 last_exit_ok ? "clean" : "unclean");

  ORBIT_ASSIGN_OR_RETURN(checkpoint_, Checkpoint::Open(*fs_, config_.CheckpointPath()));

  CommitLogOptions clo;
  clo.segment_size = static_cast<size_t>(config_.mapped_file_size_commit_log);
  clo.max_message_size = config_.max_message_size;
  clo.store_host = options_.store_host;
  clo.clock = clock_;
  commit_log_ = std::make_unique<CommitLog>(*fs_, config_.CommitLogDir(), clo);
  ORBIT_RETURN_IF_ERROR(commit_log_->Load());
  ORBIT_RETURN_IF_ERROR(LoadConsumeQueues());

  index_ = std::make_unique<IndexService>(*fs_, config_.IndexDir(), config_.max_hash_slot_num,
                                          config_.max_index_num, clock_);
  ORBIT_RETURN_IF_ERROR(index_->Load(last_exit_ok, checkpoint_->index_timestamp()));

  {
    MutexLock lock(cq_mu_);
    for (auto& [topic, queues] : cqs_) {
      for (auto& [id, cq] : queues) ORBIT_RETURN_IF_ERROR(cq->Recover());
    }
  }

  // The commit log: where to start checking.
  auto segs = commit_log_->segments().Segments();
  int64_t from = 0;
  bool redispatch = false;
  if (!segs.empty()) {
    if (last_exit_ok) {
      size_t index = segs.size() > 3 ? segs.size() - 3 : 0;
      from = static_cast<int64_t>(segs[index]->start_offset());
    } else {
      // Back from the last segment to one whose first record is older than the checkpoint.
      int64_t min_ts = config_.message_index_enable && config_.message_index_safe
                           ? checkpoint_->MinTimestampIndex()
                           : checkpoint_->MinTimestamp();
      size_t index = 0;
      for (size_t i = segs.size(); i-- > 0;) {
        int64_t ts = commit_log_->FirstStoreTimestampOf(*segs[i]);
        if (ts >= 0 && ts <= min_ts) {
          index = i;
          break;
        }
      }
      from = static_cast<int64_t>(segs[index]->start_offset());
      redispatch = true;
    }
  }

  // Valid records are scanned with CRC checks; after a crash they are re-dispatched on the way.
  int64_t redispatched = 0;
  // After a crash only what the checkpoint vouches for is known durable.
  int64_t durable_before = last_exit_ok ? INT64_MAX : checkpoint_->physic_timestamp();
  ScanReport report = commit_log_->Scan(from, config_.check_crc_on_recover, durable_before,
                                        [&](const ScannedRecord& rec) {
                                          if (!redispatch) return;
                                          Dispatch(rec);
                                          ++redispatched;
                                        });
  corrupt_regions_ = report.corrupt;
  recovery_stats_.corrupt_regions_at_recovery = report.corrupt_regions;
  recovery_stats_.corrupt_bytes_at_recovery = report.corrupt_bytes;
  recovery_stats_.torn_tail_bytes_at_recovery = report.torn_tail_bytes;
  recovery_stats_.records_redispatched_at_recovery = redispatched;
  int64_t end = segs.empty() ? 0 : report.end_offset;
  ORBIT_LOG_INFO(
      "commit log recovered from {} to {}: {} records checked, {} corrupt regions, "
      "{} torn bytes cut",
      from, end, report.records, report.corrupt_regions, report.torn_tail_bytes);
  if (!segs.empty()) ORBIT_RETURN_IF_ERROR(commit_log_->TruncateTo(end));

  // Consume queues must not point past the end; the queue table follows from them.
  std::map<std::pair<std::string, int32_t>, int64_t> table;
  int64_t max_cq_end = -1;
  {
    MutexLock lock(cq_mu_);
    for (auto& [topic, queues] : cqs_) {
      for (auto& [id, cq] : queues) {
        ORBIT_RETURN_IF_ERROR(cq->TruncateBeyond(end));
        cq->CorrectMinOffset(commit_log_->MinOffset());
        table[{topic, id}] = cq->MaxOffset();
        max_cq_end = std::max(max_cq_end, cq->MaxPhysicalEnd());
      }
    }
  }
  commit_log_->SetQueueOffsets(table);

  // The dispatcher continues after the last record any consume queue holds.
  int64_t reput = redispatch ? end : std::max<int64_t>(max_cq_end, commit_log_->MinOffset());
  reput = std::min(reput, end);
  reput_offset_.store(reput);
  if (!last_exit_ok) ORBIT_LOG_INFO("re-dispatched {} records after the crash", redispatched);

  // Running: a crash from now on leaves the abort file behind.
  ORBIT_ASSIGN_OR_RETURN(auto abort, fs_->Open(config_.AbortPath(), OpenMode::kCreate));
  abort.reset();
  ORBIT_RETURN_IF_ERROR(fs_->SyncDir(config_.store_path_root_dir));
  opened_ = true;
  return Status::Ok();
}

// ---------------------------------------------------------------------------------------------
// Dispatch

void MessageStore::Dispatch(const ScannedRecord& rec) {
  const char* p = rec.bytes.data();
  const protocol::RecordLayout& l = rec.layout;
  DispatchRequest req;
  req.topic = rec.bytes.substr(l.topic_pos, l.topic_size);
  req.queue_id = static_cast<int32_t>(LoadU32(p + protocol::RecordLayout::kQueueIdPos));
  req.commit_log_offset = rec.offset;
  req.size = static_cast<int32_t>(l.total_size);
  req.queue_offset = static_cast<int64_t>(LoadU64(p + protocol::RecordLayout::kQueueOffsetPos));
  req.sys_flag = l.sys_flag;
  req.store_timestamp = static_cast<int64_t>(LoadU64(p + l.store_timestamp_pos));
  req.prepared_transaction_offset =
      static_cast<int64_t>(LoadU64(p + l.prepared_transaction_offset_pos));
  req.properties = rec.bytes.substr(l.properties_pos, l.properties_size);
  // One pass over the properties for the four the dispatcher needs.
  std::string_view tags;
  std::string_view level_text;
  bool has_level = false;
  ForEachProperty(req.properties, [&](std::string_view name, std::string_view value) {
    if (name == protocol::kPropertyTags) {
      tags = value;
    } else if (name == protocol::kPropertyKeys) {
      req.keys = value;
    } else if (name == protocol::kPropertyUniqKey) {
      req.uniq_key = value;
    } else if (name == protocol::kPropertyDelayTimeLevel) {
      level_text = value;
      has_level = true;
    }
  });
  req.tags_code = tags.empty() ? 0 : protocol::TagsCode(tags);
  if (req.topic == kScheduleTopic) {
    if (has_level) {
      int64_t level = ParseInt(level_text, 0);
      int64_t max_level = static_cast<int64_t>(delay_levels_.size());
      if (level > max_level) level = max_level;
      if (level > 0) {
        req.tags_code = req.store_timestamp + delay_levels_[static_cast<size_t>(level - 1)];
      }
    }
  }
  req.has_consume_queue_entry = HasConsumeQueueEntry(req.sys_flag);
  if (req.has_consume_queue_entry) {
    auto cq = FindOrCreateConsumeQueue(req.topic, req.queue_id);
    if (cq.ok()) {
      Status st =
          (*cq)->Put(req.queue_offset, CqEntry{req.commit_log_offset, req.size, req.tags_code});
      if (!st.ok()) {
        ORBIT_LOG_ERROR("consume queue {}/{}: cannot write entry {}: {}", req.topic, req.queue_id,
                        req.queue_offset, st.ToString());
      }
    } else {
      ORBIT_LOG_ERROR("consume queue {}/{}: {}", req.topic, req.queue_id, cq.status().ToString());
    }
  }
  if (config_.message_index_enable) {
    IndexRequest ireq;
    ireq.topic = req.topic;
    ireq.keys = req.keys;
    ireq.uniq_key = req.uniq_key;
    ireq.commit_log_offset = req.commit_log_offset;
    ireq.store_timestamp = req.store_timestamp;
    ireq.sys_flag = req.sys_flag;
    Status st = index_->BuildIndex(ireq);
    if (!st.ok()) ORBIT_LOG_ERROR("index: {}", st.ToString());
  }
  last_dispatched_timestamp_.store(req.store_timestamp, std::memory_order_relaxed);
  if (options_.dispatch_hook) options_.dispatch_hook(req);
}

void MessageStore::DispatchNow() {
  MutexLock run(dispatch_run_mu_);
  for (;;) {
    int64_t offset = reput_offset_.load();
    if (offset >= commit_log_->MaxOffset()) return;
    auto range = commit_log_->ReadFrom(offset);
    if (!range.ok()) {
      // The segment holding `offset` is gone (retention ran ahead): skip to what is left.
      int64_t min = commit_log_->MinOffset();
      if (offset < min) {
        reput_offset_.store(min);
        continue;
      }
      return;
    }
    std::string_view data = range->view();
    size_t pos = 0;
    const Segment& seg = *range->segment;
    while (pos + 8 <= data.size()) {
      uint32_t magic = LoadU32(data.data() + pos + 4);
      int32_t total = static_cast<int32_t>(LoadU32(data.data() + pos));
      int64_t at = offset + static_cast<int64_t>(pos);
      if (magic == protocol::kBlankMagicCode) {
        pos = data.size();
        reput_offset_.store(static_cast<int64_t>(seg.end_offset()));
        break;
      }
      if (InCorruptRegion(at)) {
        // Recovery skipped this region; jump to its end.
        for (const auto& [b, e] : corrupt_regions_) {
          if (at >= b && at < e) {
            pos = static_cast<size_t>(e - offset);
            break;
          }
        }
        reput_offset_.store(offset + static_cast<int64_t>(pos));
        continue;
      }
      ScannedRecord rec;
      // Recovery checked every record it kept; later ones were written by this process. Reads
      // verify each record again (CRC included) before serving it.
      Status st = ParseRecordAt(data.substr(pos), at, &rec.layout);
      if (!st.ok() || total <= 0) {
        ORBIT_LOG_ERROR("dispatch: bad record at {}: {}; stopping", at, st.ToString());
        return;
      }
      rec.offset = at;
      rec.bytes = data.substr(pos, rec.layout.total_size);
      Dispatch(rec);
      pos += rec.layout.total_size;
      reput_offset_.store(offset + static_cast<int64_t>(pos), std::memory_order_release);
    }
    // A full segment whose last bytes cannot hold even a filler: go on with the next one.
    // (Anything else written meanwhile is read again from the new snapshot above.)
    int64_t at = reput_offset_.load();
    if (seg.full() && static_cast<int64_t>(seg.end_offset()) - at < 8 &&
        static_cast<int64_t>(seg.end_offset()) > at) {
      reput_offset_.store(static_cast<int64_t>(seg.end_offset()));
    }
    if (reput_offset_.load() == offset) return;
  }
}

void MessageStore::WakeDispatcher() {
  if (dispatcher_sleeping_.load(std::memory_order_acquire) &&
      dispatcher_sleeping_.exchange(false)) {
    std::lock_guard<std::mutex> lock(dispatch_mu_.native());
    dispatch_cv_.notify_one();
  }
}

void MessageStore::DispatchLoop() {
  for (;;) {
    const int64_t before = reput_offset_.load();
    DispatchNow();
    const bool busy = reput_offset_.load() != before;
    auto lock = NativeLock(dispatch_mu_);
    if (dispatch_stop_) break;
    if (busy) {
      // Under load, let appends gather for a millisecond and take them in one round instead of
      // being woken for each (a wake-up costs more than dispatching tens of messages; Apache's
      // reput service polls every millisecond). Appenders do not wake us meanwhile.
      dispatch_cv_.wait_for(lock, std::chrono::milliseconds(1));
      continue;
    }
    // Idle: the next append wakes us at once.
    dispatcher_sleeping_.store(true, std::memory_order_release);
    if (reput_offset_.load() < commit_log_->MaxOffset()) {
      dispatcher_sleeping_.store(false);
      continue;
    }
    // Appends wake us; the timeout covers a lost race and the stop request.
    dispatch_cv_.wait_for(lock, std::chrono::milliseconds(1));
    dispatcher_sleeping_.store(false);
  }
  DispatchNow();
}

bool MessageStore::WaitDispatched(int64_t timeout_ms) const {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (reput_offset_.load() < commit_log_->MaxOffset()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// ---------------------------------------------------------------------------------------------
// Writes

Status MessageStore::CheckWritable() const {
  if (stopping_.load()) return Status(ErrorCode::kShutdown, "the store is shutting down");
  if (fenced_.load()) {
    return Status(ErrorCode::kStoreFenced,
                  "the store refuses writes after a failed write or sync; restart the broker");
  }
  if (disk_full_.load()) {
    return Status(ErrorCode::kDiskFull, "disk usage is above diskSpaceWarningLevelRatio (" +
                                            std::to_string(config_.disk_space_warning_level_ratio) +
                                            "%); writes resume when space is freed");
  }
  return Status::Ok();
}

void MessageStore::Fence(const Status& why) {
  if (!fenced_.exchange(true)) {
    ORBIT_LOG_ERROR("store fenced: {}; writes are refused until restart", why.ToString());
  }
}

void MessageStore::CompletePut(Result<AppendResult> appended, bool wait, PutCallback done) {
  if (!appended.ok()) {
    put_failures_.fetch_add(1, std::memory_order_relaxed);
    done(PutResult{appended.status(), {}});
    return;
  }
  puts_.fetch_add(1, std::memory_order_relaxed);
  put_messages_.fetch_add(appended->count, std::memory_order_relaxed);
  put_bytes_.fetch_add(appended->bytes, std::memory_order_relaxed);
  WakeDispatcher();
  if (config_.flush_type() == FlushDiskType::kSyncFlush && wait) {
    if (!threads_started_) {
      // No flush thread: flush inline.
      Status st = FlushCommitLogNow();
      done(PutResult{st, std::move(*appended)});
      return;
    }
    FlushRequest req;
    req.end_offset = appended->commit_log_offset + appended->bytes;
    req.deadline_ms = clock_->SteadyMillis() + config_.sync_flush_timeout;
    req.done = std::move(done);
    req.append = std::move(*appended);
    {
      MutexLock lock(flush_mu_);
      if (!flush_stop_) {
        flush_requests_.push_back(std::move(req));
        // Wake the flush thread only when it waits for this many requests (see FlushLoop):
        // one wake per group, not one per put.
        if (flush_requests_.size() >= flush_wake_at_) flush_cv_.notify_one();
        return;
      }
    }
    // The flush thread is gone (shutdown raced with this put): flush here.
    Status st = FlushCommitLogNow();
    req.done(PutResult{st, std::move(req.append)});
    return;
  }
  done(PutResult{Status::Ok(), std::move(*appended)});
}

bool MessageStore::WaitsForFlush(std::string_view properties) const {
  // Only SYNC_FLUSH waits; skip the property scan otherwise.
  if (config_.flush_type() != FlushDiskType::kSyncFlush) return false;
  std::string_view wait_text;
  return !(FindProperty(properties, protocol::kPropertyWaitStoreMsgOk, &wait_text) &&
           wait_text == "false");
}

void MessageStore::PutMessageAsync(const MessageInput& msg, PutCallback done) {
  Status st = CheckWritable();
  if (!st.ok()) {
    put_failures_.fetch_add(1, std::memory_order_relaxed);
    done(PutResult{st, {}});
    return;
  }
  bool wait = msg.wait_store_msg_ok.has_value()
                  ? *msg.wait_store_msg_ok && config_.flush_type() == FlushDiskType::kSyncFlush
                  : WaitsForFlush(msg.properties);
  CompletePut(commit_log_->Append(msg), wait, std::move(done));
}

void MessageStore::PutMessagesAsync(std::span<const MessageInput> batch, PutCallback done) {
  Status st = CheckWritable();
  if (!st.ok()) {
    put_failures_.fetch_add(1, std::memory_order_relaxed);
    done(PutResult{st, {}});
    return;
  }
  bool wait = batch.empty() || (batch[0].wait_store_msg_ok.has_value()
                                    ? *batch[0].wait_store_msg_ok &&
                                          config_.flush_type() == FlushDiskType::kSyncFlush
                                    : WaitsForFlush(batch[0].properties));
  CompletePut(commit_log_->AppendBatch(batch), wait, std::move(done));
}

PutResult MessageStore::PutMessage(const MessageInput& msg) {
  std::promise<PutResult> promise;
  auto future = promise.get_future();
  PutMessageAsync(msg, [&promise](PutResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

PutResult MessageStore::PutMessages(std::span<const MessageInput> batch) {
  std::promise<PutResult> promise;
  auto future = promise.get_future();
  PutMessagesAsync(batch, [&promise](PutResult r) { promise.set_value(std::move(r)); });
  return future.get();
}

// ---------------------------------------------------------------------------------------------
// Flush

Status MessageStore::FlushCommitLogNow() {
  if (fenced_.load()) {
    return Status(ErrorCode::kStoreFenced, "the store is fenced after a failed sync");
  }
  int64_t ts = commit_log_->LastStoreTimestamp();
  auto started = std::chrono::steady_clock::now();
  auto r = commit_log_->segments().Flush(0);
  if (!r.ok()) {
    Fence(r.status());
    return Status(ErrorCode::kStoreFenced, "flush failed: " + r.status().message());
  }
  if (*r) {
    flushes_.fetch_add(1, std::memory_order_relaxed);
    flush_micros_.fetch_add(std::chrono::duration_cast<std::chrono::microseconds>(
                                std::chrono::steady_clock::now() - started)
                                .count(),
                            std::memory_order_relaxed);
  }
  if (ts > 0) checkpoint_->set_physic_timestamp(ts);
  return Status::Ok();
}

void MessageStore::FlushLoop() {
  using SteadyClock = std::chrono::steady_clock;
  const bool sync = config_.flush_type() == FlushDiskType::kSyncFlush;
  int64_t last_thorough = clock_->SteadyMillis();
  // Group commit: the writers of the last group usually send again as soon as their acks
  // arrive, so before the next sync wait a little for as many requests as the last group had.
  // The wait is at most half of what the last sync took, so it costs less latency than the
  // extra sync it saves.
  size_t last_group = 1;
  SteadyClock::duration last_sync_took{};
  for (;;) {
    std::vector<FlushRequest> batch;
    bool stop = false;
    {
      auto lock = NativeLock(flush_mu_);
      if (sync) {
        if (flush_requests_.empty() && !flush_stop_) {
          flush_wake_at_ = 1;
          flush_cv_.wait_for(lock, std::chrono::milliseconds(kGroupCommitWaitMs));
        }
        if (!flush_requests_.empty() && flush_requests_.size() < last_group) {
          auto until = SteadyClock::now() + std::min<SteadyClock::duration>(
                                                last_sync_took / 2, std::chrono::milliseconds(2));
          flush_wake_at_ = last_group;
          while (!flush_stop_ && flush_requests_.size() < last_group &&
                 flush_cv_.wait_until(lock, until) != std::cv_status::timeout) {
          }
        }
        flush_wake_at_ = SIZE_MAX;  // flushing: later puts are picked up after it
      } else if (!flush_stop_) {
        flush_cv_.wait_for(lock, std::chrono::milliseconds(config_.flush_interval_commit_log));
      }
      batch.swap(flush_requests_);
      stop = flush_stop_;
    }
    Status st;
    if (sync || stop) {
      auto started = SteadyClock::now();
      st = FlushCommitLogNow();
      last_sync_took = SteadyClock::now() - started;
      if (!batch.empty()) last_group = batch.size();
    } else {
      int64_t now = clock_->SteadyMillis();
      int least = config_.flush_commit_log_least_pages;
      if (now - last_thorough >= config_.flush_commit_log_thorough_interval) {
        least = 0;
        last_thorough = now;
      }
      int64_t ts = commit_log_->LastStoreTimestamp();
      auto r = commit_log_->segments().Flush(least);
      if (!r.ok()) {
        Fence(r.status());
      } else if (*r) {
        flushes_.fetch_add(1, std::memory_order_relaxed);
        if (commit_log_->FlushedOffset() >= commit_log_->MaxOffset() && ts > 0) {
          checkpoint_->set_physic_timestamp(ts);
        }
      }
    }
    int64_t flushed = commit_log_->FlushedOffset();
    int64_t now = clock_->SteadyMillis();
    std::vector<FlushRequest> later;
    for (auto& req : batch) {
      if (req.end_offset <= flushed && st.ok()) {
        req.done(PutResult{Status::Ok(), std::move(req.append)});
      } else if (fenced_.load()) {
        req.done(PutResult{Status(ErrorCode::kStoreFenced,
                                  "the flush covering this message failed; it is not durable"),
                           std::move(req.append)});
      } else if (now >= req.deadline_ms) {
        req.done(PutResult{
            Status(ErrorCode::kFlushTimeout, "flush did not finish within syncFlushTimeout"),
            std::move(req.append)});
      } else {
        later.push_back(std::move(req));
      }
    }
    if (!later.empty()) {
      MutexLock lock(flush_mu_);
      for (auto& r : later) flush_requests_.push_back(std::move(r));
    }
    if (stop) {
      MutexLock lock(flush_mu_);
      if (flush_requests_.empty()) break;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Housekeeping: consume-queue/index flush, checkpoint, retention

Status MessageStore::FlushLogicsAndCheckpoint(int least_pages) {
  int64_t logics_ts = last_dispatched_timestamp_.load();
  std::vector<std::shared_ptr<ConsumeQueue>> all;
  {
    MutexLock lock(cq_mu_);
    for (auto& [topic, queues] : cqs_) {
      for (auto& [id, cq] : queues) all.push_back(cq);
    }
  }
  Status result;
  for (auto& cq : all) {
    auto r = cq->Flush(least_pages);
    if (!r.ok()) {
      ORBIT_LOG_ERROR("flushing consume queue {}: {}", cq->dir(), r.status().ToString());
      result = r.status();
    }
  }
  // A partial flush vouches for no new logics or index time; the physical time (set by the
  // commit-log flush) is saved either way.
  if (least_pages == 0) {
    if (result.ok() && logics_ts > 0) checkpoint_->set_logics_timestamp(logics_ts);
    Status ist = index_->Flush();
    if (ist.ok()) {
      int64_t its = index_->FlushedTimestamp();
      if (its > 0) checkpoint_->set_index_timestamp(its);
    } else {
      result = ist;
    }
  }
  Status cst = checkpoint_->Flush();
  if (!cst.ok()) result = cst;
  return result;
}

Status MessageStore::RunRetention(bool manual) {
  MutexLock lock(retention_mu_);
  auto space = fs_->Space(config_.CommitLogDir());
  double ratio = space.ok() ? space->used_ratio() : 0.0;
  int64_t now = clock_->NowMillis();
  bool full = ratio * 100.0 > config_.disk_space_warning_level_ratio;
  if (full != disk_full_.load()) {
    disk_full_.store(full);
    if (full) {
      ORBIT_LOG_ERROR("disk {} is {:.1f}% used (> {}%): refusing writes until space returns",
                      config_.CommitLogDir(), ratio * 100.0,
                      config_.disk_space_warning_level_ratio);
    } else {
      ORBIT_LOG_INFO("disk {} is {:.1f}% used again: accepting writes", config_.CommitLogDir(),
                     ratio * 100.0);
    }
  }
  bool time_to_delete = false;
  {
    std::time_t t = static_cast<std::time_t>(now / 1000);
    std::tm tm{};
    localtime_r(&t, &tm);
    std::stringstream hours(config_.delete_when);
    std::string h;
    while (std::getline(hours, h, ';')) {
      if (ParseInt(h, -1) == tm.tm_hour) time_to_delete = true;
    }
  }
  bool space_to_delete = ratio * 100.0 > config_.disk_max_used_space_ratio;
  bool clean_now =
      config_.clean_file_forcibly_enable && ratio * 100.0 > config_.disk_space_clean_forcibly_ratio;
  if (!(time_to_delete || space_to_delete || manual)) return Status::Ok();

  int64_t reserved_ms = int64_t{config_.file_reserved_time} * 3600 * 1000;
  int deleted = 0;
  constexpr int kMaxPerPass = 10;
  auto& segs = commit_log_->segments();
  while (deleted < kMaxPerPass) {
    auto all = segs.Segments();
    if (all.size() <= 1) break;
    const auto& first = all.front();
    auto mtime = fs_->ModifiedTimeMs(first->path());
    bool expired = mtime.ok() && *mtime + reserved_ms <= now;
    if (!expired && !clean_now) break;
    // Never delete what the dispatcher has not read yet.
    if (static_cast<int64_t>(first->end_offset()) > reput_offset_.load()) break;
    ORBIT_ASSIGN_OR_RETURN(std::string path, segs.DeleteFirst());
    ORBIT_LOG_INFO("retention: deleted commit-log file {} ({})", path,
                   expired ? "expired" : "disk nearly full");
    ++deleted;
  }
  if (deleted > 0) {
    int64_t min = commit_log_->MinOffset();
    std::vector<std::shared_ptr<ConsumeQueue>> all;
    {
      MutexLock cq_lock(cq_mu_);
      for (auto& [topic, queues] : cqs_) {
        for (auto& [id, cq] : queues) all.push_back(cq);
      }
    }
    for (auto& cq : all) {
      auto n = cq->DeleteExpired(min);
      if (!n.ok()) ORBIT_LOG_ERROR("retention of {}: {}", cq->dir(), n.status().ToString());
    }
    auto n = index_->DeleteExpired(min);
    if (!n.ok()) ORBIT_LOG_ERROR("retention of the index: {}", n.status().ToString());
  }
  return Status::Ok();
}

void MessageStore::HousekeepingLoop() {
  int64_t last_cq_flush = clock_->SteadyMillis();
  int64_t last_thorough = last_cq_flush;
  int64_t last_clean = last_cq_flush;
  for (;;) {
    {
      auto lock = NativeLock(house_mu_);
      if (house_stop_) break;
      int64_t wait =
          std::min(config_.flush_interval_consume_queue, config_.clean_resource_interval);
      house_cv_.wait_for(lock, std::chrono::milliseconds(std::max<int64_t>(wait, 10)));
      if (house_stop_) break;
    }
    int64_t now = clock_->SteadyMillis();
    if (now - last_cq_flush >= config_.flush_interval_consume_queue) {
      last_cq_flush = now;
      int least = config_.flush_consume_queue_least_pages;
      if (now - last_thorough >= config_.flush_consume_queue_thorough_interval) {
        least = 0;
        last_thorough = now;
      }
      Status st = FlushLogicsAndCheckpoint(least);
      if (!st.ok()) ORBIT_LOG_ERROR("consume-queue flush: {}", st.ToString());
    }
    if (now - last_clean >= config_.clean_resource_interval) {
      last_clean = now;
      Status st = RunRetention(false);
      if (!st.ok()) ORBIT_LOG_ERROR("retention: {}", st.ToString());
    }
  }
}

void MessageStore::WarmLoop() {
  // Growing the page cache costs ~11 us per 4 KiB page on this kind of machine; paid on the
  // appender's thread it halves the append rate. Keep the next few MiB faulted in.
  constexpr size_t kAhead = 32 * 1024 * 1024;
  constexpr size_t kChunk = 1024 * 1024;
  const Segment* warmed_segment = nullptr;
  size_t warmed_to = 0;
  for (;;) {
    {
      auto lock = NativeLock(warm_mu_);
      if (warm_stop_) break;
      warm_cv_.wait_for(lock, std::chrono::milliseconds(5));
      if (warm_stop_) break;
    }
    auto seg = commit_log_->segments().Last();
    if (seg == nullptr) continue;
    if (seg.get() != warmed_segment) {
      warmed_segment = seg.get();
      warmed_to = 0;
    }
    size_t pos = seg->write_pos();
    size_t want = std::min(seg->size(), pos + kAhead);
    warmed_to = std::max(warmed_to, pos);
    while (warmed_to < want) {
      size_t n = std::min(kChunk, want - warmed_to);
      seg->Prefault(warmed_to, n);
      warmed_to += n;
    }
  }
}

void MessageStore::StartThreads() {
  threads_started_ = true;
  // Named for top -H and perf (at most 15 characters).
  flush_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-flush");
    FlushLoop();
  });
  dispatch_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-dispatch");
    DispatchLoop();
  });
  house_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-house");
    HousekeepingLoop();
  });
  warm_thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "store-warm");
    WarmLoop();
  });
}

void MessageStore::StopThreads() {
  if (!threads_started_) return;
  {
    MutexLock lock(dispatch_mu_);
    dispatch_stop_ = true;
  }
  dispatch_cv_.notify_all();
  dispatch_thread_.join();
  {
    MutexLock lock(flush_mu_);
    flush_stop_ = true;
  }
  flush_cv_.notify_all();
  flush_thread_.join();
  {
    MutexLock lock(house_mu_);
    house_stop_ = true;
  }
  house_cv_.notify_all();
  house_thread_.join();
  {
    MutexLock lock(warm_mu_);
    warm_stop_ = true;
  }
  warm_cv_.notify_all();
  warm_thread_.join();
  threads_started_ = false;
}

Status MessageStore::Shutdown() {
  if (shut_down_.exchange(true)) return Status::Ok();
  if (!opened_) return Status::Ok();  // Open failed half-way: nothing to stop or flush
  stopping_.store(true);
  StopThreads();
  DispatchNow();
  Status result;
  if (!fenced_.load()) {
    Status st = FlushCommitLogNow();
    if (!st.ok()) result = st;
  }
  Status st = FlushLogicsAndCheckpoint();
  if (!st.ok() && result.ok()) result = st;
  if (result.ok() && !fenced_.load()) {
    // A clean stop: everything is flushed. Remove the pre-allocated empty segment as Apache
    // does not keep one either, then the abort file.
    Status rm = fs_->Remove(config_.AbortPath());
    if (rm.ok()) rm = fs_->SyncDir(config_.store_path_root_dir);
    if (!rm.ok()) result = rm;
  } else {
    ORBIT_LOG_ERROR("store {} stopped uncleanly: {}", config_.store_path_root_dir,
                    fenced_.load() ? "it was fenced" : result.ToString());
  }
  lock_.reset();
  return result;
}

// ---------------------------------------------------------------------------------------------
// Consume queues and reads

std::shared_ptr<ConsumeQueue> MessageStore::FindConsumeQueue(std::string_view topic,
                                                             int32_t queue_id) const {
  MutexLock lock(cq_mu_);
  auto t = cqs_.find(topic);
  if (t == cqs_.end()) return nullptr;
  auto q = t->second.find(queue_id);
  return q == t->second.end() ? nullptr : q->second;
}

Result<std::shared_ptr<ConsumeQueue>> MessageStore::FindOrCreateConsumeQueue(std::string_view topic,
                                                                             int32_t queue_id) {
  MutexLock lock(cq_mu_);
  auto topic_it = cqs_.find(topic);
  if (topic_it == cqs_.end()) topic_it = cqs_.emplace(std::string(topic), QueueMap{}).first;
  auto& queues = topic_it->second;
  auto it = queues.find(queue_id);
  if (it != queues.end()) return it->second;
  auto cq =
      std::make_shared<ConsumeQueue>(*fs_, config_.ConsumeQueueDir(), std::string(topic), queue_id,
                                     static_cast<size_t>(config_.ConsumeQueueSegmentBytes()));
  queues[queue_id] = cq;
  return cq;
}

bool MessageStore::InCorruptRegion(int64_t offset) const {
  for (const auto& [b, e] : corrupt_regions_) {
    if (offset >= b && offset < e) return true;
  }
  return false;
}

bool MessageStore::TheBatchIsFull(int32_t size, int32_t max_count, size_t total_bytes, size_t count,
                                  bool in_disk) const {
  if (total_bytes == 0 || count == 0) return false;
  if (static_cast<size_t>(max_count) <= count) return true;
  if (in_disk) {
    if (total_bytes + static_cast<size_t>(size) >
        static_cast<size_t>(config_.max_transfer_bytes_on_message_in_disk)) {
      return true;
    }
    if (count > static_cast<size_t>(config_.max_transfer_count_on_message_in_disk) - 1) return true;
  } else {
    if (total_bytes + static_cast<size_t>(size) >
        static_cast<size_t>(config_.max_transfer_bytes_on_message_in_memory)) {
      return true;
    }
    if (count > static_cast<size_t>(config_.max_transfer_count_on_message_in_memory) - 1) {
      return true;
    }
  }
  return false;
}

GetResult MessageStore::GetMessage(std::string_view topic, int32_t queue_id, int64_t queue_offset,
                                   int32_t max_count, const TagsFilter& filter) const {
  GetResult r = GetMessageUncounted(topic, queue_id, queue_offset, max_count, filter);
  if (r.status == GetStatus::kFound) {
    get_found_.fetch_add(1, std::memory_order_relaxed);
  } else {
    get_miss_.fetch_add(1, std::memory_order_relaxed);
  }
  get_transferred_.fetch_add(static_cast<int64_t>(r.messages.size()), std::memory_order_relaxed);
  return r;
}

GetResult MessageStore::GetMessageUncounted(std::string_view topic, int32_t queue_id,
                                            int64_t queue_offset, int32_t max_count,
                                            const TagsFilter& filter) const {
  GetResult r;
  r.next_begin_offset = queue_offset;
  int64_t max_phy = commit_log_->MaxOffset();
  auto cq = FindConsumeQueue(topic, queue_id);
  if (cq == nullptr) {
    r.status = GetStatus::kNoMatchedLogicQueue;
    r.next_begin_offset = 0;
    return r;
  }
  r.min_offset = cq->MinOffset();
  r.max_offset = cq->MaxOffset();
  if (r.max_offset == 0) {
    r.status = GetStatus::kNoMessageInQueue;
    r.next_begin_offset = 0;
    return r;
  }
  if (queue_offset < r.min_offset) {
    r.status = GetStatus::kOffsetTooSmall;
    r.next_begin_offset = r.min_offset;
    return r;
  }
  if (queue_offset == r.max_offset) {
    r.status = GetStatus::kOffsetOverflowOne;
    r.next_begin_offset = queue_offset;
    return r;
  }
  if (queue_offset > r.max_offset) {
    r.status = GetStatus::kOffsetOverflowBadly;
    r.next_begin_offset = r.min_offset == 0 ? r.min_offset : r.max_offset;
    return r;
  }
  double memory = double(memory_bytes_) * (config_.access_message_in_memory_max_ratio / 100.0);
  size_t max_filter = static_cast<size_t>(std::max(16000, max_count * 20));
  // Entries are read in small chunks: most pulls stop after max_count messages, a filtering one
  // may look at up to max_filter entries (as Apache does).
  std::vector<CqEntry> entries;
  entries.reserve(64);
  if (cq->GetEntries(queue_offset, 1, &entries) == 0) {
    r.status = GetStatus::kOffsetFoundNull;
    r.next_begin_offset = queue_offset + 1;
    return r;
  }
  entries.clear();
  r.status = GetStatus::kNoMatchedMessage;
  int64_t max_phy_pulling = 0;
  size_t i = 0;
  bool full = false;
  while (!full && i < max_filter) {
    entries.clear();
    size_t want = std::min<size_t>(64, max_filter - i);
    if (cq->GetEntries(queue_offset + static_cast<int64_t>(i), want, &entries) == 0) break;
    for (size_t k = 0; k < entries.size(); ++k, ++i) {
      const CqEntry& e = entries[k];
      if (e.is_blank()) continue;
      max_phy_pulling = e.commit_log_offset;
      bool in_disk = double(max_phy - e.commit_log_offset) > memory;
      if (TheBatchIsFull(e.size, max_count, r.total_bytes, r.messages.size(), in_disk)) {
        full = true;
        break;
      }
      if (filter && !filter(e.tags_code)) {
        if (r.total_bytes == 0) r.status = GetStatus::kNoMatchedMessage;
        continue;
      }
      auto range = commit_log_->Read(e.commit_log_offset, e.size);
      if (!range.ok()) {
        if (r.total_bytes == 0) r.status = GetStatus::kMessageWasRemoving;
        continue;
      }
      // Never serve bytes that are not the intact record the entry names.
      protocol::RecordLayout layout;
      if (InCorruptRegion(e.commit_log_offset) ||
          !CheckRecord(range->view(), e.commit_log_offset, /*check_crc=*/true, &layout).ok() ||
          layout.total_size != static_cast<size_t>(e.size) ||
          range->view().substr(layout.topic_pos, layout.topic_size) != topic ||
          static_cast<int32_t>(LoadU32(range->data + protocol::RecordLayout::kQueueIdPos)) !=
              queue_id ||
          static_cast<int64_t>(LoadU64(range->data + protocol::RecordLayout::kQueueOffsetPos)) !=
              queue_offset + static_cast<int64_t>(i)) {
        ORBIT_LOG_WARN("not serving {}/{} offset {}: the entry or its record is corrupt", topic,
                       queue_id, queue_offset + static_cast<int64_t>(i));
        skipped_corrupt_reads_.fetch_add(1, std::memory_order_relaxed);
        continue;
      }
      r.total_bytes += range->size;
      r.messages.push_back(std::move(*range));
      r.queue_offsets.push_back(queue_offset + static_cast<int64_t>(i));
      r.status = GetStatus::kFound;
    }
    if (entries.size() < want) break;
  }
  r.next_begin_offset = queue_offset + static_cast<int64_t>(i);
  r.suggest_pulling_from_slave = double(max_phy - max_phy_pulling) > memory;
  return r;
}

Result<SelectedRange> MessageStore::LookMessageByOffset(int64_t commit_log_offset) const {
  if (InCorruptRegion(commit_log_offset)) {
    return Malformed("the record at " + std::to_string(commit_log_offset) + " is corrupt");
  }
  ORBIT_ASSIGN_OR_RETURN(auto head, commit_log_->Read(commit_log_offset, 8));
  int32_t size = static_cast<int32_t>(LoadU32(head.data));
  if (LoadU32(head.data + 4) != protocol::kMessageMagicCode || size <= 0) {
    return NotFound("no message at commit-log offset " + std::to_string(commit_log_offset));
  }
  ORBIT_ASSIGN_OR_RETURN(auto range, commit_log_->Read(commit_log_offset, size));
  protocol::RecordLayout layout;
  Status st = CheckRecord(range.view(), commit_log_offset, /*check_crc=*/true, &layout);
  if (!st.ok()) {
    skipped_corrupt_reads_.fetch_add(1, std::memory_order_relaxed);
    return st;
  }
  return range;
}

QueryResult MessageStore::QueryMessage(std::string_view topic, std::string_view key,
                                       int32_t max_num, int64_t begin_ms, int64_t end_ms) const {
  QueryResult out;
  auto q = index_->QueryOffsets(topic, key, max_num, begin_ms, end_ms);
  out.index_last_update_timestamp = q.index_last_update_timestamp;
  out.index_last_update_phy_offset = q.index_last_update_phy_offset;
  for (int64_t off : q.offsets) {
    auto range = LookMessageByOffset(off);
    if (range.ok()) out.messages.push_back(std::move(*range));
  }
  return out;
}

int64_t MessageStore::GetMinOffsetInQueue(std::string_view topic, int32_t queue_id) const {
  auto cq = FindConsumeQueue(topic, queue_id);
  return cq == nullptr ? 0 : cq->MinOffset();
}

int64_t MessageStore::GetMaxOffsetInQueue(std::string_view topic, int32_t queue_id) const {
  auto cq = FindConsumeQueue(topic, queue_id);
  return cq == nullptr ? 0 : cq->MaxOffset();
}

int64_t MessageStore::GetCommitLogOffsetInQueue(std::string_view topic, int32_t queue_id,
                                                int64_t queue_offset) const {
  auto cq = FindConsumeQueue(topic, queue_id);
  if (cq == nullptr) return 0;
  auto e = cq->Get(queue_offset);
  return e.ok() ? e->commit_log_offset : 0;
}

int64_t MessageStore::GetOffsetInQueueByTime(std::string_view topic, int32_t queue_id,
                                             int64_t timestamp_ms) const {
  auto cq = FindConsumeQueue(topic, queue_id);
  if (cq == nullptr) return 0;
  return cq->OffsetForTimestamp(timestamp_ms, [this](int64_t offset, int32_t size) {
    return commit_log_->StoreTimestampAt(offset, size);
  });
}

int64_t MessageStore::GetMessageStoreTimestamp(std::string_view topic, int32_t queue_id,
                                               int64_t queue_offset) const {
  auto cq = FindConsumeQueue(topic, queue_id);
  if (cq == nullptr) return -1;
  auto e = cq->Get(queue_offset);
  if (!e.ok() || e->is_blank()) return -1;
  return commit_log_->StoreTimestampAt(e->commit_log_offset, e->size);
}

int64_t MessageStore::GetEarliestMessageTime(std::string_view topic, int32_t queue_id) const {
  auto cq = FindConsumeQueue(topic, queue_id);
  if (cq == nullptr) return -1;
  for (int64_t off = cq->MinOffset(); off < cq->MaxOffset(); ++off) {
    int64_t t = GetMessageStoreTimestamp(topic, queue_id, off);
    if (t >= 0) return t;
  }
  return -1;
}

int64_t MessageStore::GetEarliestMessageTime() const {
  auto first = commit_log_->segments().First();
  if (first == nullptr) return -1;
  return commit_log_->FirstStoreTimestampOf(*first);
}

std::map<std::string, std::vector<int32_t>> MessageStore::ConsumeQueueTopics() const {
  std::map<std::string, std::vector<int32_t>> out;
  MutexLock lock(cq_mu_);
  for (const auto& [topic, queues] : cqs_) {
    for (const auto& [id, cq] : queues) out[topic].push_back(id);
  }
  return out;
}

Status MessageStore::DeleteTopics(const std::vector<std::string>& topics) {
  for (const auto& topic : topics) {
    std::map<int32_t, std::shared_ptr<ConsumeQueue>> queues;
    {
      MutexLock lock(cq_mu_);
      auto it = cqs_.find(topic);
      if (it == cqs_.end()) continue;
      queues = std::move(it->second);
      cqs_.erase(it);
    }
    for (auto& [id, cq] : queues) ORBIT_RETURN_IF_ERROR(cq->Destroy());
    commit_log_->RemoveQueueOffsets(topic);
    ORBIT_RETURN_IF_ERROR(RemoveRecursively(*fs_, JoinPath(config_.ConsumeQueueDir(), topic)));
  }
  return Status::Ok();
}

StoreStats MessageStore::stats() const {
  StoreStats s = recovery_stats_;
  s.puts = puts_.load();
  s.put_failures = put_failures_.load();
  s.flushes = flushes_.load();
  s.flush_micros = flush_micros_.load();
  s.skipped_corrupt_reads = skipped_corrupt_reads_.load();
  s.put_messages = put_messages_.load();
  s.put_bytes = put_bytes_.load();
  s.get_found = get_found_.load();
  s.get_miss = get_miss_.load();
  s.get_transferred = get_transferred_.load();
  return s;
}

}  // namespace orbit::store
