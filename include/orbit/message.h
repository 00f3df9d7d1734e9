#pragma once

// Messages as a producer sends them and a consumer receives them, and the queues they live in.
// Plain value types: copy, move and compare them freely.

#include <compare>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "orbit/status.h"

namespace orbit {

// One queue of a topic on one broker (RocketMQ's MessageQueue).
struct MessageQueue {
  std::string topic;
  std::string broker_name;
  int32_t queue_id = 0;

  // "MessageQueue [topic=T, brokerName=B, queueId=N]", as the Java client prints it.
  std::string ToString() const;
  auto operator<=>(const MessageQueue&) const = default;
};

// A message to send (or one received). The topic and body are required; everything else is
// optional. System properties (tags, keys, delay level, ...) have their own accessors; user
// properties go through PutUserProperty, which refuses the names RocketMQ reserves.
class Message {
 public:
  Message() = default;
  Message(std::string topic, std::string body);
  Message(std::string topic, std::string tags, std::string body);
  Message(std::string topic, std::string tags, std::string keys, std::string body);

  const std::string& topic() const { return topic_; }
  void set_topic(std::string topic) { topic_ = std::move(topic); }
  const std::string& body() const { return body_; }
  void set_body(std::string body) { body_ = std::move(body); }
  // The application's flag (an int carried as is).
  int32_t flag() const { return flag_; }
  void set_flag(int32_t flag) { flag_ = flag; }

  // TAGS: one tag a consumer can filter on ("TagA"). Empty: none.
  std::string tags() const;
  void set_tags(std::string_view tags);
  // KEYS: space-separated keys, indexed by the broker for queries by key.
  std::string keys() const;
  void set_keys(std::string_view keys);
  void set_keys(const std::vector<std::string>& keys);
  // DELAY: delay level 1..18 with the broker's default messageDelayLevel (1s 5s 10s 30s 1m ...);
  // 0 = deliver at once.
  int32_t delay_time_level() const;
  void set_delay_time_level(int32_t level);
  // WAIT: whether a SYNC_FLUSH broker answers only after the message is on disk (default true).
  bool wait_store_msg_ok() const;
  void set_wait_store_msg_ok(bool wait);
  // The unique id the producer gave the message (UNIQ_KEY); empty before it is sent.
  std::string unique_id() const;
  // Namespaced sends, traces and transactions set more system properties; they are readable here.
  std::optional<std::string> GetProperty(std::string_view name) const;

  // A user property. Refused (kInvalidArgument): an empty name or value, or a name RocketMQ
  // reserves for system properties (TAGS, KEYS, DELAY, UNIQ_KEY, ...).
  Status PutUserProperty(std::string_view name, std::string_view value);
  std::optional<std::string> GetUserProperty(std::string_view name) const;

  // Every property, system and user, as sent on the wire.
  const std::map<std::string, std::string, std::less<>>& properties() const { return properties_; }
  // Sets a property without the reserved-name check (for the library and for tools that
  // forward messages as they are). Prefer the accessors above.
  void PutPropertyUnchecked(std::string name, std::string value);
  void ClearProperty(std::string_view name);

  bool operator==(const Message&) const = default;

 private:
  std::string topic_;
  std::string body_;
  int32_t flag_ = 0;
  std::map<std::string, std::string, std::less<>> properties_;
};

// A message as a broker stored it (RocketMQ's MessageExt): what consumers receive and what a
// transaction check-back carries. The body is uncompressed.
class MessageExt : public Message {
 public:
  // The id a Java consumer reports: the producer's UNIQ_KEY when set, else offset_msg_id.
  std::string msg_id;
  // Store address + commit-log offset, as hex (the broker's id of the record).
  std::string offset_msg_id;
  std::string broker_name;
  int32_t queue_id = 0;
  int64_t queue_offset = 0;
  int64_t commit_log_offset = 0;
  int64_t born_timestamp = 0;
  int64_t store_timestamp = 0;
  std::string born_host;   // "ip:port"
  std::string store_host;  // "ip:port"
  int32_t reconsume_times = 0;
  int32_t sys_flag = 0;
  int32_t body_crc = 0;
  int64_t prepared_transaction_offset = 0;
  // Transaction check-backs: the id END_TRANSACTION refers to.
  std::string transaction_id;

  bool operator==(const MessageExt&) const = default;
};

// True for the property names RocketMQ reserves (MessageConst.STRING_HASH_SET).
bool IsReservedPropertyName(std::string_view name);

// How the broker stored a message that it accepted.
enum class SendStatus {
  kSendOk,             // stored (and flushed/replicated as the broker is configured)
  kFlushDiskTimeout,   // stored, but a SYNC_FLUSH broker's flush did not finish in time
  kFlushSlaveTimeout,  // stored, but a SYNC_MASTER's slave did not confirm in time
  kSlaveNotAvailable,  // stored, but a SYNC_MASTER has no slave to replicate to
};
// "SEND_OK", "FLUSH_DISK_TIMEOUT", "FLUSH_SLAVE_TIMEOUT", "SLAVE_NOT_AVAILABLE".
const char* SendStatusName(SendStatus status);

struct SendResult {
  SendStatus status = SendStatus::kSendOk;
  // The producer's unique id of the message (UNIQ_KEY); for a batch, the ids joined by ','.
  std::string msg_id;
  // The broker's id: store address + commit-log offset (for a batch, joined by ',').
  std::string offset_msg_id;
  MessageQueue queue;
  // Offset in the queue (of the first message of a batch).
  int64_t queue_offset = 0;
  // Transactional sends: the id END_TRANSACTION refers to.
  std::string transaction_id;
  std::string region_id = "DefaultRegion";
  bool trace_on = true;

  std::string ToString() const;
};

}  // namespace orbit
