#include "store/commit_log.h"

#include <algorithm>
#include <cstring>

#include "base/bytes.h"
#include "base/crc32.h"
#include "base/log.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"

namespace orbit::store {
namespace {

using protocol::kBlankMagicCode;
using protocol::kMessageMagicCode;

// A filler entry is TOTALSIZE + MAGIC; a record must leave room for one after it.
constexpr size_t kEndFileMinBlank = 8;

size_t HostSize(const protocol::HostAddress& host) { return host.ip.size() + 4; }

char* PutHost(char* p, const protocol::HostAddress& host) {
  std::memcpy(p, host.ip.data(), host.ip.size());
  p += host.ip.size();
  StoreU32(p, static_cast<uint32_t>(host.port));
  return p + 4;
}

char* Put32(char* p, int32_t v) {
  StoreU32(p, static_cast<uint32_t>(v));
  return p + 4;
}
char* Put64(char* p, int64_t v) {
  StoreU64(p, static_cast<uint64_t>(v));
  return p + 8;
}

bool IsTransactionalHalfOrRollback(int32_t sys_flag) {
  auto t = protocol::GetTransactionType(sys_flag);
  return t == protocol::TransactionType::kPrepared || t == protocol::TransactionType::kRollback;
}

}  // namespace

bool PropertiesWellFormed(std::string_view props) {
  if (props.empty()) return true;
  if (props.back() == protocol::kPropertySeparator) props.remove_suffix(1);  // older clients
  size_t pos = 0;
  while (pos <= props.size()) {
    size_t end = props.find(protocol::kPropertySeparator, pos);
    if (end == std::string_view::npos) end = props.size();
    std::string_view item = props.substr(pos, end - pos);
    size_t eq = item.find(protocol::kNameValueSeparator);
    if (eq == 0 || eq == std::string_view::npos) return false;
    if (item.find('\0') != std::string_view::npos) return false;
    pos = end + 1;
  }
  return true;
}

bool HasConsumeQueueEntry(int32_t sys_flag) {
  auto t = protocol::GetTransactionType(sys_flag);
  return t == protocol::TransactionType::kNotType || t == protocol::TransactionType::kCommit;
}

Status ParseRecordAt(std::string_view data, int64_t offset, protocol::RecordLayout* layout) {
  ORBIT_ASSIGN_OR_RETURN(*layout, protocol::ParseRecordLayout(data));
  int64_t phys =
      static_cast<int64_t>(LoadU64(data.data() + protocol::RecordLayout::kPhysicalOffsetPos));
  if (phys != offset) {
    return Malformed("record at " + std::to_string(offset) + " says it is at " +
                     std::to_string(phys));
  }
  return Status::Ok();
}

Status CheckRecord(std::string_view data, int64_t offset, bool check_crc,
                   protocol::RecordLayout* layout) {
  ORBIT_RETURN_IF_ERROR(ParseRecordAt(data, offset, layout));
  const char* p = data.data();
  // Fields the record format has no checksum for: a torn page or a flipped bit shows up as a
  // topic outside Apache's topic alphabet, a property string that does not parse, or an unset
  // store time.
  std::string_view topic = data.substr(layout->topic_pos, layout->topic_size);
  for (char c : topic) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              c == '_' || c == '-' || c == '%' || c == '|';
    if (!ok) return Malformed("record at " + std::to_string(offset) + " has a corrupt topic");
  }
  if (!PropertiesWellFormed(data.substr(layout->properties_pos, layout->properties_size))) {
    return Malformed("record at " + std::to_string(offset) + " has corrupt properties");
  }
  if (static_cast<int64_t>(LoadU64(p + layout->store_timestamp_pos)) <= 0) {
    return Malformed("record at " + std::to_string(offset) + " has no store time");
  }
  if (check_crc) {
    int32_t stored = static_cast<int32_t>(LoadU32(p + protocol::RecordLayout::kBodyCrcPos));
    int32_t actual = MaskedCrc32(data.substr(layout->body_pos, layout->body_size));
    if (stored != actual) {
      return Malformed("record at " + std::to_string(offset) + ": body CRC " +
                       std::to_string(actual) + " != stored " + std::to_string(stored));
    }
  }
  return Status::Ok();
}

CommitLog::CommitLog(FileSystem& fs, std::string dir, CommitLogOptions options)
    : fs_(fs),
      options_(std::move(options)),
      segments_(fs, std::move(dir), options_.segment_size),
      clock_(options_.clock != nullptr ? options_.clock : &Clock::System()) {}

std::string AppendResult::OffsetMessageIds() const {
  if (record_sizes.empty()) return protocol::EncodeOffsetMessageId(store_host, commit_log_offset);
  std::string ids;
  int64_t at = commit_log_offset;
  for (int32_t size : record_sizes) {
    if (!ids.empty()) ids.push_back(',');
    ids += protocol::EncodeOffsetMessageId(store_host, at);
    at += size;
  }
  return ids;
}

void CommitLog::SetQueueOffsets(const std::map<std::pair<std::string, int32_t>, int64_t>& table) {
  MutexLock lock(append_mu_);
  queue_offsets_.clear();
  for (const auto& [k, v] : table) queue_offsets_.emplace(k, v);
}

void CommitLog::SetQueueOffset(std::string_view topic, int32_t queue_id, int64_t next) {
  MutexLock lock(append_mu_);
  auto it = queue_offsets_.find(QueueRef(topic, queue_id));
  if (it == queue_offsets_.end()) {
    queue_offsets_.emplace(QueueKey(std::string(topic), queue_id), next);
  } else {
    it->second = next;
  }
}

void CommitLog::RemoveQueueOffsets(std::string_view topic) {
  MutexLock lock(append_mu_);
  auto it = queue_offsets_.lower_bound(QueueRef(topic, INT32_MIN));
  while (it != queue_offsets_.end() && it->first.first == topic) it = queue_offsets_.erase(it);
}

int64_t CommitLog::NextQueueOffset(std::string_view topic, int32_t queue_id) const {
  MutexLock lock(append_mu_);
  auto it = queue_offsets_.find(QueueRef(topic, queue_id));
  return it == queue_offsets_.end() ? 0 : it->second;
}

Result<AppendResult> CommitLog::Append(const MessageInput& msg) {
  int32_t crc = MaskedCrc32(msg.body);
  MutexLock lock(append_mu_);
  return AppendLocked(std::span<const MessageInput>(&msg, 1), std::span<const int32_t>(&crc, 1));
}

Result<AppendResult> CommitLog::AppendBatch(std::span<const MessageInput> batch) {
  if (batch.empty()) return InvalidArgument("empty batch");
  std::vector<int32_t> crcs;
  crcs.reserve(batch.size());
  for (const auto& m : batch) {
    if (m.topic != batch[0].topic || m.queue_id != batch[0].queue_id) {
      return InvalidArgument("a batch must go to one topic and queue");
    }
    crcs.push_back(MaskedCrc32(m.body));
  }
  MutexLock lock(append_mu_);
  return AppendLocked(batch, crcs);
}

Result<AppendResult> CommitLog::AppendLocked(std::span<const MessageInput> batch,
                                             std::span<const int32_t> crcs) {
  const protocol::HostAddress& store_host = options_.store_host;
  // Sizes first: nothing is written unless all of the batch fits the rules.
  size_t total = 0;
  for (const auto& m : batch) {
    if (m.topic.empty() || m.topic.size() > protocol::kMaxTopicLength) {
      return Status(ErrorCode::kMessageIllegal,
                    "topic length " + std::to_string(m.topic.size()) + " is not in 1..127");
    }
    if (m.properties.size() > protocol::kMaxPropertiesLength) {
      return Status(
          ErrorCode::kMessageIllegal,
          "properties are " + std::to_string(m.properties.size()) + " bytes, more than 32767");
    }
    if (m.body.size() > static_cast<size_t>(options_.max_message_size)) {
      return Status(ErrorCode::kMessageIllegal, "body is " + std::to_string(m.body.size()) +
                                                    " bytes, more than maxMessageSize " +
                                                    std::to_string(options_.max_message_size));
    }
    if (!m.born_host.valid()) return Status(ErrorCode::kMessageIllegal, "born host is not set");
    size_t size = 4 + 4 + 4 + 4 + 4 + 8 + 8 + 4 + 8 + HostSize(m.born_host) + 8 +
                  HostSize(store_host) + 4 + 8 + 4 + m.body.size() + 1 + m.topic.size() + 2 +
                  m.properties.size();
    total += size;
  }
  if (total + kEndFileMinBlank > options_.segment_size ||
      total > static_cast<size_t>(options_.max_message_size) + 64 * 1024 * batch.size()) {
    return Status(ErrorCode::kMessageIllegal, "append of " + std::to_string(total) +
                                                  " bytes does not fit a segment of " +
                                                  std::to_string(options_.segment_size));
  }

  ORBIT_ASSIGN_OR_RETURN(auto seg, segments_.LastForAppend());
  size_t pos = seg->write_pos();
  uint64_t offset = seg->start_offset() + pos;
  if (pos + total + kEndFileMinBlank > seg->size()) {
    // Close this segment with a filler and continue in the next.
    size_t remaining = seg->size() - pos;
    char* p = seg->data() + pos;
    StoreU32(p, static_cast<uint32_t>(remaining));
    StoreU32(p + 4, kBlankMagicCode);
    seg->set_write_pos(seg->size());
    offset = seg->end_offset();
    ORBIT_ASSIGN_OR_RETURN(seg, segments_.LastForWrite(offset));
    pos = 0;
  }

  const MessageInput& first = batch[0];
  auto qit = queue_offsets_.find(QueueRef(first.topic, first.queue_id));
  if (qit == queue_offsets_.end()) {
    qit = queue_offsets_.emplace(QueueKey(std::string(first.topic), first.queue_id), 0).first;
  }
  int64_t queue_offset = qit->second;

  int64_t now = clock_->NowMillis();
  AppendResult result;
  result.commit_log_offset = static_cast<int64_t>(offset);
  result.bytes = static_cast<int32_t>(total);
  result.queue_offset = queue_offset;
  result.count = static_cast<int32_t>(batch.size());
  result.store_timestamp = now;
  result.store_host = store_host;
  if (batch.size() > 1) result.record_sizes.reserve(batch.size());

  char* p = seg->data() + pos;
  int64_t record_offset = static_cast<int64_t>(offset);
  for (size_t i = 0; i < batch.size(); ++i) {
    const MessageInput& m = batch[i];
    bool no_queue = IsTransactionalHalfOrRollback(m.sys_flag);
    int32_t sys_flag = m.sys_flag & ~(protocol::kSysFlagBornHostV6 | protocol::kSysFlagStoreHostV6);
    if (m.born_host.is_ipv6()) sys_flag |= protocol::kSysFlagBornHostV6;
    if (store_host.is_ipv6()) sys_flag |= protocol::kSysFlagStoreHostV6;
    char* start = p;
    p += 4;  // TOTALSIZE, below
    p = Put32(p, static_cast<int32_t>(kMessageMagicCode));
    p = Put32(p, crcs[i]);
    p = Put32(p, m.queue_id);
    p = Put32(p, m.flag);
    p = Put64(p, no_queue ? 0 : queue_offset);
    p = Put64(p, record_offset);
    p = Put32(p, sys_flag);
    p = Put64(p, m.born_timestamp);
    p = PutHost(p, m.born_host);
    p = Put64(p, now);
    p = PutHost(p, store_host);
    p = Put32(p, m.reconsume_times);
    p = Put64(p, m.prepared_transaction_offset);
    p = Put32(p, static_cast<int32_t>(m.body.size()));
    if (!m.body.empty()) std::memcpy(p, m.body.data(), m.body.size());
    p += m.body.size();
    *p++ = static_cast<char>(m.topic.size());
    std::memcpy(p, m.topic.data(), m.topic.size());
    p += m.topic.size();
    p[0] = static_cast<char>((m.properties.size() >> 8) & 0xFF);
    p[1] = static_cast<char>(m.properties.size() & 0xFF);
    p += 2;
    if (!m.properties.empty()) std::memcpy(p, m.properties.data(), m.properties.size());
    p += m.properties.size();
    int32_t size = static_cast<int32_t>(p - start);
    StoreU32(start, static_cast<uint32_t>(size));
    if (batch.size() > 1) result.record_sizes.push_back(size);
    record_offset += size;
    if (!no_queue) ++queue_offset;
  }
  qit->second = queue_offset;
  if (IsTransactionalHalfOrRollback(first.sys_flag)) result.queue_offset = 0;
  // Publish: readers and the dispatcher see the records only after they are complete.
  seg->set_write_pos(pos + total);
  last_store_timestamp_.store(now, std::memory_order_release);
  return result;
}

Result<SelectedRange> CommitLog::Read(int64_t offset, int32_t size) const {
  if (offset < 0 || size <= 0) return InvalidArgument("bad commit-log range");
  auto seg = segments_.Find(static_cast<uint64_t>(offset));
  if (seg == nullptr) return NotFound("commit-log offset " + std::to_string(offset) + " is gone");
  size_t pos = static_cast<size_t>(static_cast<uint64_t>(offset) - seg->start_offset());
  if (pos + static_cast<size_t>(size) > seg->write_pos()) {
    return NotFound("commit-log range " + std::to_string(offset) + "+" + std::to_string(size) +
                    " is not written");
  }
  SelectedRange r;
  r.segment = seg;
  r.commit_log_offset = offset;
  r.data = seg->data() + pos;
  r.size = static_cast<size_t>(size);
  return r;
}

Result<SelectedRange> CommitLog::ReadFrom(int64_t offset) const {
  if (offset < 0) return InvalidArgument("negative commit-log offset");
  auto seg = segments_.Find(static_cast<uint64_t>(offset));
  if (seg == nullptr) return NotFound("commit-log offset " + std::to_string(offset) + " is gone");
  size_t pos = static_cast<size_t>(static_cast<uint64_t>(offset) - seg->start_offset());
  size_t end = seg->write_pos();
  if (pos > end) return NotFound("commit-log offset " + std::to_string(offset) + " not written");
  SelectedRange r;
  r.segment = seg;
  r.commit_log_offset = offset;
  r.data = seg->data() + pos;
  r.size = end - pos;
  return r;
}

int64_t CommitLog::MinOffset() const {
  auto first = segments_.First();
  return first == nullptr ? 0 : static_cast<int64_t>(first->start_offset());
}

int64_t CommitLog::FirstStoreTimestampOf(const Segment& segment) const {
  protocol::RecordLayout layout;
  std::string_view data(segment.data(), segment.size());
  if (!CheckRecord(data, static_cast<int64_t>(segment.start_offset()), false, &layout).ok()) {
    return -1;
  }
  return static_cast<int64_t>(LoadU64(segment.data() + layout.store_timestamp_pos));
}

int64_t CommitLog::StoreTimestampAt(int64_t offset, int32_t size) const {
  auto range = Read(offset, size);
  if (!range.ok()) return -1;
  auto layout = protocol::ParseRecordLayout(range->view());
  if (!layout.ok()) return -1;
  return static_cast<int64_t>(LoadU64(range->data + layout->store_timestamp_pos));
}

Status CommitLog::TruncateTo(int64_t end) {
  ORBIT_RETURN_IF_ERROR(segments_.Truncate(static_cast<uint64_t>(end)));
  return Status::Ok();
}

ScanReport CommitLog::Scan(int64_t from, bool check_crc, int64_t durable_before_ms,
                           const std::function<void(const ScannedRecord&)>& visit) {
  int64_t last_store_ts = 0;
  ScanReport report;
  auto segs = segments_.Segments();
  report.end_offset = from;
  size_t index = 0;
  while (index < segs.size() && segs[index]->end_offset() <= static_cast<uint64_t>(from)) ++index;
  if (index == segs.size()) {
    if (!segs.empty()) report.end_offset = static_cast<int64_t>(segs.back()->end_offset());
    return report;
  }

  // Finds the next valid record at or after `pos` in segment `i` or at the start of a later one.
  auto resync = [&](size_t i, size_t pos, size_t* out_i, size_t* out_pos) {
    const auto& seg = segs[i];
    auto data_end = seg->file().DataEnd();
    size_t limit = data_end.ok() ? std::min<size_t>(*data_end, seg->size()) : seg->size();
    protocol::RecordLayout layout;
    const char* base = seg->data();
    for (size_t p = pos + 1; p + 8 <= limit; ++p) {
      // MAGIC sits 4 bytes into a record.
      const void* hit = std::memchr(base + p + 4, 0xDA, limit - p - 4);
      if (hit == nullptr) break;
      p = static_cast<size_t>(static_cast<const char*>(hit) - base) - 4;
      if (LoadU32(base + p + 4) != kMessageMagicCode) continue;
      std::string_view rest(base + p, seg->size() - p);
      if (CheckRecord(rest, static_cast<int64_t>(seg->start_offset() + p), true, &layout).ok()) {
        *out_i = i;
        *out_pos = p;
        return true;
      }
    }
    if (i + 1 < segs.size()) {
      const auto& next = segs[i + 1];
      std::string_view rest(next->data(), next->size());
      if (CheckRecord(rest, static_cast<int64_t>(next->start_offset()), true, &layout).ok()) {
        *out_i = i + 1;
        *out_pos = 0;
        return true;
      }
    }
    return false;
  };

  size_t pos = static_cast<size_t>(static_cast<uint64_t>(from) - segs[index]->start_offset());
  while (index < segs.size()) {
    const auto& seg = segs[index];
    const char* base = seg->data();
    if (pos + 8 > seg->size()) {
      // Too small for anything: the segment is done.
      ++index;
      pos = 0;
      continue;
    }
    std::string_view rest(base + pos, seg->size() - pos);
    int64_t offset = static_cast<int64_t>(seg->start_offset() + pos);
    uint32_t magic = LoadU32(base + pos + 4);
    int32_t total = static_cast<int32_t>(LoadU32(base + pos));
    if (magic == kBlankMagicCode && total > 0 && pos + static_cast<size_t>(total) == seg->size()) {
      ++index;
      pos = 0;
      report.end_offset = static_cast<int64_t>(seg->end_offset());
      continue;
    }
    ScannedRecord rec;
    Status st = CheckRecord(rest, offset, check_crc, &rec.layout);
    if (st.ok()) {
      rec.offset = offset;
      rec.bytes = rest.substr(0, rec.layout.total_size);
      last_store_ts = static_cast<int64_t>(LoadU64(base + pos + rec.layout.store_timestamp_pos));
      visit(rec);
      ++report.records;
      pos += rec.layout.total_size;
      report.end_offset = static_cast<int64_t>(seg->start_offset() + pos);
      continue;
    }
    bool all_zero = total == 0 && magic == 0;
    size_t next_i = 0;
    size_t next_pos = 0;
    bool durable = last_store_ts < durable_before_ms;
    if (durable && (!all_zero || index + 1 < segs.size())) {
      if (resync(index, pos, &next_i, &next_pos)) {
        int64_t next_offset = static_cast<int64_t>(segs[next_i]->start_offset() + next_pos);
        ++report.corrupt_regions;
        report.corrupt_bytes += next_offset - offset;
        report.corrupt.emplace_back(offset, next_offset);
        ORBIT_LOG_ERROR(
            "commit log: corrupt data in {} at file position {} (offset {}, {} bytes) skipped: "
            "{}",
            seg->path(), pos, offset, next_offset - offset, st.message());
        index = next_i;
        pos = next_pos;
        continue;
      }
    }
    // Nothing valid after it: the end of data. Count the non-zero bytes that get cut.
    auto data_end = seg->file().DataEnd();
    size_t limit = data_end.ok() ? std::min<size_t>(*data_end, seg->size()) : seg->size();
    size_t last_nonzero = pos;
    for (size_t p = pos; p < limit; ++p) {
      if (base[p] != 0) last_nonzero = p + 1;
    }
    report.torn_tail_bytes = static_cast<int64_t>(last_nonzero - pos);
    if (report.torn_tail_bytes > 0) {
      ORBIT_LOG_WARN(
          "commit log: torn tail in {} at file position {} (offset {}): {} bytes cut: {}",
          seg->path(), pos, offset, report.torn_tail_bytes, st.message());
    }
    report.end_offset = offset;
    return report;
  }
  return report;
}

}  // namespace orbit::store
