#include "broker/schedule_message_service.h"

#include <pthread.h>

#include <algorithm>
#include <charconv>
#include <chrono>

#include "base/log.h"
#include "broker/topic_config_manager.h"
#include "protocol/message.h"
#include "protocol/properties.h"
#include "store/config_files.h"

namespace orbit::broker {

namespace {

int64_t SteadyNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

// REAL_QID as Integer.parseInt reads it; nullopt when it is not a number.
std::optional<int32_t> ParseQueueId(std::string_view text) {
  int32_t v = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

ScheduleMessageService::ScheduleMessageService(store::MessageStore& store, store::FileSystem& fs,
                                               std::string config_dir, const Clock& clock)
    : store_(store), fs_(fs), config_dir_(std::move(config_dir)), clock_(clock) {}

ScheduleMessageService::~ScheduleMessageService() { Shutdown(); }

Status ScheduleMessageService::Load() {
  ORBIT_ASSIGN_OR_RETURN(auto loaded, store::LoadDelayOffsets(fs_, config_dir_));
  MutexLock lock(mu_);
  offsets_ = std::move(loaded.table.offset_table);
  return Status::Ok();
}

void ScheduleMessageService::Start() {
  if (thread_.joinable() || shut_down_) return;
  thread_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "broker-delay");
    Loop();
  });
}

void ScheduleMessageService::Shutdown() {
  if (shut_down_) return;
  shut_down_ = true;
  {
    MutexLock lock(mu_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (!thread_.joinable()) return;
  thread_.join();
  if (Status st = Persist(); !st.ok()) {
    ORBIT_LOG_ERROR("delay offsets not persisted at shutdown: {}", st.ToString());
  }
}

Status ScheduleMessageService::Persist() {
  MutexLock persist(persist_mu_);
  protocol::DelayOffsetSerializeWrapper snapshot = Snapshot();
  return store::PersistDelayOffsets(fs_, config_dir_, snapshot);
}

std::map<int32_t, int64_t> ScheduleMessageService::OffsetTable() const {
  MutexLock lock(mu_);
  return offsets_;
}

protocol::DelayOffsetSerializeWrapper ScheduleMessageService::Snapshot() const {
  protocol::DelayOffsetSerializeWrapper out;
  out.offset_table = OffsetTable();
  return out;
}

std::optional<int64_t> ScheduleMessageService::Offset(int32_t level) const {
  MutexLock lock(mu_);
  auto it = offsets_.find(level);
  if (it == offsets_.end()) return std::nullopt;
  return it->second;
}

void ScheduleMessageService::SetOffset(int32_t level, int64_t offset) {
  MutexLock lock(mu_);
  offsets_[level] = offset;
}

bool ScheduleMessageService::stopping() const {
  MutexLock lock(mu_);
  return stop_;
}

void ScheduleMessageService::Loop() {
  const int32_t levels = static_cast<int32_t>(store_.delay_levels().size());
  // Steady-clock ms at which each level (index = level) wants its next look.
  std::vector<int64_t> next_run(static_cast<size_t>(levels) + 1, 0);
  std::unique_lock<std::mutex> lock(mu_.native());
  while (!stop_) {
    lock.unlock();
    int64_t wake = SteadyNowMs() + kPollIntervalMs;
    for (int32_t level = 1; level <= levels; ++level) {
      int64_t& next = next_run[static_cast<size_t>(level)];
      if (next <= SteadyNowMs()) next = RunLevel(level, SteadyNowMs());
      wake = std::min(wake, next);
    }
    lock.lock();
    auto deadline = std::chrono::steady_clock::time_point(std::chrono::milliseconds(wake));
    while (!stop_ && std::chrono::steady_clock::now() < deadline) {
      stop_cv_.wait_until(lock, deadline);
    }
  }
}

int64_t ScheduleMessageService::RunLevel(int32_t level, int64_t steady_now_ms) {
  const int32_t queue_id = level - 1;
  const int64_t delay_ms = store_.delay_levels()[static_cast<size_t>(level - 1)];
  const std::optional<int64_t> known = Offset(level);
  int64_t offset = known.value_or(0);
  auto wait = [&](int64_t ms) {
    SetOffset(level, offset);
    return steady_now_ms + ms;
  };
  for (int round = 0; round < kMaxDeliveriesPerLevelPerRound; ++round) {
    if (stopping()) return steady_now_ms;
    int64_t tags_code = 0;
    // One entry at a time: the filter sees the tags code (delivery time) of each entry read,
    // and GetMessage stops after the first message it could read, so the last code seen is
    // that message's.
    store::GetResult r =
        store_.GetMessage(kScheduleTopic, queue_id, offset, 1, [&tags_code](int64_t code) {
          tags_code = code;
          return true;
        });
    switch (r.status) {
      case store::GetStatus::kFound:
        break;
      case store::GetStatus::kNoMatchedLogicQueue:
        return steady_now_ms + kPollIntervalMs;  // nothing was ever delayed at this level
      case store::GetStatus::kNoMessageInQueue:
      case store::GetStatus::kOffsetOverflowOne:
      case store::GetStatus::kOffsetOverflowBadly:
        if (offset > r.max_offset || offset < r.min_offset) {
          ORBIT_LOG_WARN("delay level {}: offset {} is outside the queue [{}, {}]; moved to {}",
                         level, offset, r.min_offset, r.max_offset, r.max_offset);
          offset = r.max_offset;
        }
        if (!known && r.max_offset == 0) return steady_now_ms + kPollIntervalMs;
        return wait(kPollIntervalMs);
      case store::GetStatus::kOffsetTooSmall:
        ORBIT_LOG_WARN("delay level {}: offset {} is below the queue's minimum {}; moved to it",
                       level, offset, r.next_begin_offset);
        offset = r.next_begin_offset;
        SetOffset(level, offset);
        continue;
      default:  // entries whose records cannot be read (removed or corrupt): Apache skips them
        if (r.next_begin_offset <= offset) return wait(kPollIntervalMs);
        ORBIT_LOG_ERROR("delay level {}: entries {}..{} cannot be read ({}); skipped", level,
                        offset, r.next_begin_offset - 1, store::GetStatusName(r.status));
        offset = r.next_begin_offset;
        SetOffset(level, offset);
        continue;
    }
    const int64_t entry = r.queue_offsets.front();
    if (entry > offset) {
      ORBIT_LOG_ERROR("delay level {}: entries {}..{} cannot be read; skipped", level, offset,
                      entry - 1);
      offset = entry;
    }
    // correctDeliverTimestamp: a delivery time further away than the level's delay is now.
    const int64_t now = clock_.NowMillis();
    const int64_t deliver_at = tags_code > now + delay_ms ? now : tags_code;
    if (deliver_at > now) return wait(std::min(deliver_at - now, kPollIntervalMs));
    if (Deliver(r.messages.front().view(), level, entry) == Delivered::kFailed) {
      return wait(kRetryAfterFailureMs);
    }
    offset = entry + 1;
    SetOffset(level, offset);
  }
  return steady_now_ms;  // maybe more is due: back after the other levels had their turn
}

ScheduleMessageService::Delivered ScheduleMessageService::Deliver(std::string_view record,
                                                                  int32_t level,
                                                                  int64_t queue_offset) {
  auto layout = protocol::ParseRecordLayout(record);
  auto rec = protocol::DecodeRecord(record);
  if (!layout.ok() || !rec.ok()) {
    ORBIT_LOG_ERROR("delay level {} offset {}: the record does not decode; dropped", level,
                    queue_offset);
    return Delivered::kDropped;
  }
  const std::string* real_topic = rec->properties.Find(protocol::kPropertyRealTopic);
  const std::string* real_qid = rec->properties.Find(protocol::kPropertyRealQueueId);
  std::optional<int32_t> queue_id = real_qid ? ParseQueueId(*real_qid) : std::nullopt;
  if (real_topic == nullptr || real_topic->empty() || !queue_id) {
    ORBIT_LOG_ERROR("delay level {} offset {} (msgId {}): no valid REAL_TOPIC/REAL_QID; dropped",
                    level, queue_offset, rec->OffsetMsgId());
    return Delivered::kDropped;
  }
  if (*real_topic == kTransHalfTopic) {
    ORBIT_LOG_ERROR("delay level {} offset {} (msgId {}): the real topic is {}; dropped", level,
                    queue_offset, rec->OffsetMsgId(), *real_topic);
    return Delivered::kDropped;
  }
  store::MessageInput in;
  in.topic = *real_topic;
  in.queue_id = *queue_id;
  in.flag = rec->flag;
  in.sys_flag = rec->sys_flag;
  in.born_timestamp = rec->born_timestamp;
  in.born_host = rec->born_host;
  in.reconsume_times = rec->reconsume_times;
  in.body = rec->body;
  in.properties = record.substr(layout->properties_pos, layout->properties_size);
  in.wait_store_msg_ok = false;
  store::PutResult put = store_.PutMessage(in);
  if (!put.status.ok() && put.status.code() != ErrorCode::kFlushTimeout) {
    ORBIT_LOG_ERROR(
        "delay level {} offset {} (msgId {}): a message time up, but appending it to {}/{} "
        "failed: {}; retried in {} ms",
        level, queue_offset, rec->OffsetMsgId(), *real_topic, *queue_id, put.status.ToString(),
        kRetryAfterFailureMs);
    return Delivered::kFailed;
  }
  return Delivered::kDone;
}

}  // namespace orbit::broker
