// verify: every consume queue (consumequeue/<topic>/<queueId>/) against the commit log.

#include <algorithm>
#include <cstdint>
#include <set>

#include "apps/store/internal/store_files.h"
#include "apps/store/internal/verify_steps.h"
#include "protocol/properties.h"
#include "protocol/tag_hash.h"
#include "store/consume_queue.h"
#include "store/segment.h"

namespace orbit::store_tool {
namespace {

// Its consume-queue entries hold the delivery time instead of a tags code.
constexpr std::string_view kScheduleTopic = "SCHEDULE_TOPIC_XXXX";

// Checks the entries of one queue in order; see VerifyConsumeQueues.
class QueueChecker {
 public:
  QueueChecker(const LogFacts& facts, QueueSummary* q, Findings* findings)
      : facts_(facts), q_(*q), findings_(*findings) {}

  void Check(int64_t index, const store::CqEntry& e);
  // After the last entry: the aggregated findings.
  void Finish();

 private:
  std::string Name() const { return q_.topic + "/" + std::to_string(q_.queue_id); }
  std::string Where(int64_t index) const;
  void Bad(int64_t index, const std::string& why);
  // Empty when the record matches the entry, else what differs.
  std::string Mismatch(int64_t index, const store::CqEntry& e, const RecordInfo& r) const;

  const LogFacts& facts_;
  QueueSummary& q_;
  Findings& findings_;
  int64_t zero_run_start_ = -1;
  int64_t first_ahead_ = -1;
};

std::string QueueChecker::Where(int64_t index) const {
  uint64_t byte = static_cast<uint64_t>(index) * store::kCqEntrySize;
  return "consumequeue/" + Name() + "/" +
         store::SegmentFileName(byte / q_.segment_size * q_.segment_size) + " position " +
         std::to_string(byte % q_.segment_size);
}

void QueueChecker::Bad(int64_t index, const std::string& why) {
  ++q_.bad;
  findings_.Add(Severity::kCorruption, "cq-entry",
                Name() + " entry " + std::to_string(index) + " (" + Where(index) + "): " + why);
}

std::string QueueChecker::Mismatch(int64_t index, const store::CqEntry& e,
                                   const RecordInfo& r) const {
  std::string at = "the record at " + std::to_string(r.offset);
  if (r.size != e.size) {
    return "size " + std::to_string(e.size) + ", but " + at + " is " + std::to_string(r.size) +
           " bytes";
  }
  if (r.topic != q_.topic) return at + " is of topic '" + std::string(r.topic) + "'";
  if (r.queue_id != q_.queue_id) return at + " is of queue " + std::to_string(r.queue_id);
  if (r.queue_offset != index) {
    return at + " has queue offset " + std::to_string(r.queue_offset);
  }
  if (!IsDispatched(r.sys_flag)) {
    return at + " is a prepared or rolled-back transactional record, which no queue holds";
  }
  if (q_.topic == kScheduleTopic) {
    if (e.tags_code < r.store_timestamp) {
      return "delivery time " + std::to_string(e.tags_code) + " is before " + at +
             "'s store time " + std::to_string(r.store_timestamp);
    }
    return {};
  }
  protocol::MessageProperties props = protocol::DecodeProperties(r.properties);
  std::string_view tags = props.Get(protocol::kPropertyTags);
  int64_t expected = tags.empty() ? 0 : protocol::TagsCode(tags);
  if (e.tags_code != expected) {
    return "tags code " + std::to_string(e.tags_code) + ", but " + at + " has TAGS '" +
           std::string(tags) + "' (code " + std::to_string(expected) + ")";
  }
  return {};
}

void QueueChecker::Check(int64_t index, const store::CqEntry& e) {
  if (e.commit_log_offset == 0 && e.size == 0 && e.tags_code == 0) {
    // Never written: the end of the queue, unless written entries follow.
    if (zero_run_start_ < 0) zero_run_start_ = index;
    return;
  }
  if (zero_run_start_ >= 0) {
    q_.bad += index - zero_run_start_;
    findings_.Add(Severity::kCorruption, "cq-hole",
                  Name() + ": empty entries at queue offsets [" + std::to_string(zero_run_start_) +
                      ", " + std::to_string(index) + ") (" + Where(zero_run_start_) +
                      ") before written ones; a recovering broker would end the queue there");
    zero_run_start_ = -1;
  }
  q_.max_offset = index + 1;
  if (e.is_blank()) {
    ++q_.blanks;
    return;
  }
  if (e.commit_log_offset < 0 || e.size <= 0) {
    Bad(index, "invalid entry (commit-log offset " + std::to_string(e.commit_log_offset) +
                   ", size " + std::to_string(e.size) + ")");
    return;
  }
  if (e.commit_log_offset < facts_.min_offset) {
    ++q_.expired;
    return;
  }
  if (e.commit_log_offset >= facts_.end_offset) {
    if (first_ahead_ < 0) first_ahead_ = index;
    ++q_.ahead;
    return;
  }
  if (facts_.InCorruptRegion(e.commit_log_offset)) {
    Bad(index, "points into corrupt commit-log data at " + std::to_string(e.commit_log_offset) +
                   " (" + facts_.Describe(e.commit_log_offset) + ")");
    return;
  }
  auto record = RecordAt(*facts_.log, e.commit_log_offset);
  if (!record.ok()) {
    Bad(index, "no record starts at commit-log offset " + std::to_string(e.commit_log_offset) +
                   " (" + facts_.Describe(e.commit_log_offset) + "): " + record.status().message());
    return;
  }
  std::string why = Mismatch(index, e, *record);
  if (!why.empty()) {
    Bad(index, why);
    return;
  }
  ++q_.entries;
}

void QueueChecker::Finish() {
  if (q_.ahead > 0) {
    findings_.Add(
        Severity::kWarning, "cq-ahead",
        Name() + ": queue ahead of the log: " + std::to_string(q_.ahead) +
            (q_.ahead == 1 ? " entry" : " entries") + " from queue offset " +
            std::to_string(first_ahead_) + " point at or past the end of the commit log's data (" +
            std::to_string(facts_.end_offset) + "); a crash leaves this, recovery drops them");
  }
  if (q_.log_next_offset > q_.max_offset) {
    findings_.Add(Severity::kWarning, "cq-behind",
                  Name() + ": queue behind the log (recovery rebuilds it): the queue holds [" +
                      std::to_string(q_.min_offset) + ", " + std::to_string(q_.max_offset) +
                      ") but the commit log has records up to queue offset " +
                      std::to_string(q_.log_next_offset - 1) + " (" +
                      std::to_string(q_.log_next_offset - q_.max_offset) +
                      (q_.log_next_offset - q_.max_offset == 1 ? " entry" : " entries") +
                      " missing)");
  }
}

void VerifyQueue(store::FileSystem& fs, const std::string& root, const std::string& topic,
                 int32_t queue_id, const LogFacts& facts, VerifyReport* report) {
  Findings& findings = report->findings;
  QueueSummary q;
  q.topic = topic;
  q.queue_id = queue_id;
  auto it = facts.next_queue_offset.find({topic, queue_id});
  if (it != facts.next_queue_offset.end()) q.log_next_offset = it->second;
  std::string name = topic + "/" + std::to_string(queue_id);
  std::string queue_dir = store::JoinPath(store::JoinPath(root, topic), std::to_string(queue_id));
  auto listed = ListSegments(fs, queue_dir, store::kCqEntrySize);
  if (!listed.ok()) {
    findings.Add(Severity::kError, "io",
                 "consumequeue/" + name + ": " + listed.status().ToString());
    report->queues.push_back(q);
    return;
  }
  for (const auto& stray : listed->strays) {
    findings.Add(Severity::kWarning, "stray-file",
                 "consumequeue/" + name + "/" + stray + " is not a segment file (ignored)");
  }
  for (const auto& problem : listed->problems) {
    findings.Add(Severity::kCorruption, "segment-size",
                 "consumequeue/" + name + ": " + problem + "; the queue cannot be read");
  }
  for (const auto& [begin, end] : listed->gaps) {
    findings.Add(Severity::kCorruption, "segment-gap",
                 "consumequeue/" + name + ": files missing for bytes [" + std::to_string(begin) +
                     ", " + std::to_string(end) + ")");
  }
  q.files = static_cast<int>(listed->files.size());
  q.segment_size = listed->segment_size;
  if (q.segment_size == 0 || facts.log == nullptr) {
    report->queues.push_back(q);
    return;
  }
  q.min_offset = static_cast<int64_t>(listed->files.front().start / store::kCqEntrySize);
  q.max_offset = q.min_offset;
  store::ConsumeQueue cq(fs, root, topic, queue_id, q.segment_size);
  Status st = cq.Load();
  if (!st.ok()) {
    findings.Add(Severity::kError, "io", "consumequeue/" + name + ": " + st.ToString());
    report->queues.push_back(q);
    return;
  }
  QueueChecker checker(facts, &q, &findings);
  std::vector<store::CqEntry> entries;
  for (const auto& file : listed->files) {
    int64_t first = static_cast<int64_t>(file.start / store::kCqEntrySize);
    entries.clear();
    cq.GetEntries(first, q.segment_size / store::kCqEntrySize, &entries);
    for (size_t i = 0; i < entries.size(); ++i) {
      checker.Check(first + static_cast<int64_t>(i), entries[i]);
    }
  }
  checker.Finish();
  report->queues.push_back(q);
}

// A queue directory's name: the canonical decimal form of a non-negative int32.
bool ParseQueueId(const std::string& name, int32_t* id) {
  if (name.empty() || name.size() > 10) return false;
  int64_t v = 0;
  for (char c : name) {
    if (c < '0' || c > '9') return false;
    v = v * 10 + (c - '0');
  }
  if (v > INT32_MAX || std::to_string(v) != name) return false;
  *id = static_cast<int32_t>(v);
  return true;
}

}  // namespace

void VerifyConsumeQueues(store::FileSystem& fs, const std::string& dir, const LogFacts& facts,
                         VerifyReport* report) {
  Findings& findings = report->findings;
  std::string root = store::JoinPath(dir, "consumequeue");
  std::set<std::pair<std::string, int32_t>> seen;
  std::vector<std::string> topics;
  if (fs.IsDirectory(root)) {
    auto listed = fs.List(root);
    if (listed.ok()) {
      topics = std::move(*listed);
    } else {
      findings.Add(Severity::kError, "io", listed.status().ToString());
    }
  }
  for (const auto& topic : topics) {
    std::string topic_dir = store::JoinPath(root, topic);
    if (!fs.IsDirectory(topic_dir)) {
      findings.Add(Severity::kWarning, "stray-file",
                   "consumequeue/" + topic + " is not a topic directory (ignored)");
      continue;
    }
    auto names = fs.List(topic_dir);
    if (!names.ok()) {
      findings.Add(Severity::kError, "io", names.status().ToString());
      continue;
    }
    std::vector<int32_t> ids;
    for (const auto& name : *names) {
      int32_t id = 0;
      if (ParseQueueId(name, &id) && fs.IsDirectory(store::JoinPath(topic_dir, name))) {
        ids.push_back(id);
      } else {
        findings.Add(Severity::kWarning, "stray-file",
                     "consumequeue/" + topic + "/" + name + " is not a queue directory (ignored)");
      }
    }
    std::sort(ids.begin(), ids.end());
    for (int32_t id : ids) {
      seen.emplace(topic, id);
      VerifyQueue(fs, root, topic, id, facts, report);
    }
  }
  for (const auto& [key, next] : facts.next_queue_offset) {
    if (seen.count(key) != 0) continue;
    findings.Add(Severity::kWarning, "cq-behind",
                 key.first + "/" + std::to_string(key.second) +
                     ": queue behind the log (recovery rebuilds it): no consume queue, but the "
                     "commit log has queue offsets up to " +
                     std::to_string(next - 1));
  }
}

}  // namespace orbit::store_tool
