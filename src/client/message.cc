// Message, MessageQueue and SendResult (include/orbit/message.h).
//
// The accessors store everything as properties under RocketMQ's names so that the property
// string sent on the wire is the one a Java producer sends for the same calls:
//   - every constructor but the default one sets WAIT=true (Java's constructors do);
//   - TAGS and KEYS are set only when non-empty;
//   - several keys are joined with a single space (KEY_SEPARATOR).

#include "orbit/message.h"

#include <charconv>
#include <string>
#include <utility>

#include "protocol/properties.h"

namespace orbit {
namespace {

using protocol::kPropertyDelayTimeLevel;
using protocol::kPropertyKeys;
using protocol::kPropertyTags;
using protocol::kPropertyUniqKey;
using protocol::kPropertyWaitStoreMsgOk;

// java.lang.String.trim().isEmpty(): nothing but characters <= ' '.
bool IsBlank(std::string_view s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) > ' ') return false;
  }
  return true;
}

bool HasSeparator(std::string_view s) {
  return s.find(protocol::kNameValueSeparator) != std::string_view::npos ||
         s.find(protocol::kPropertySeparator) != std::string_view::npos;
}

// Boolean.parseBoolean: "true" in any case, everything else is false.
bool ParseJavaBoolean(std::string_view s) {
  if (s.size() != 4) return false;
  constexpr std::string_view kTrue = "true";
  for (size_t i = 0; i < 4; ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != kTrue[i]) return false;
  }
  return true;
}

}  // namespace

std::string MessageQueue::ToString() const {
  return "MessageQueue [topic=" + topic + ", brokerName=" + broker_name +
         ", queueId=" + std::to_string(queue_id) + "]";
}

Message::Message(std::string topic, std::string body)
    : Message(std::move(topic), std::string(), std::string(), std::move(body)) {}

Message::Message(std::string topic, std::string tags, std::string body)
    : Message(std::move(topic), std::move(tags), std::string(), std::move(body)) {}

Message::Message(std::string topic, std::string tags, std::string keys, std::string body)
    : topic_(std::move(topic)), body_(std::move(body)) {
  set_tags(tags);
  set_keys(keys);
  set_wait_store_msg_ok(true);
}

std::string Message::tags() const { return GetProperty(kPropertyTags).value_or(std::string()); }

void Message::set_tags(std::string_view tags) {
  if (tags.empty()) {
    ClearProperty(kPropertyTags);
  } else {
    PutPropertyUnchecked(std::string(kPropertyTags), std::string(tags));
  }
}

std::string Message::keys() const { return GetProperty(kPropertyKeys).value_or(std::string()); }

void Message::set_keys(std::string_view keys) {
  if (keys.empty()) {
    ClearProperty(kPropertyKeys);
  } else {
    PutPropertyUnchecked(std::string(kPropertyKeys), std::string(keys));
  }
}

void Message::set_keys(const std::vector<std::string>& keys) {
  // String.join(KEY_SEPARATOR, keys): empty entries keep their separators.
  std::string joined;
  for (size_t i = 0; i < keys.size(); ++i) {
    if (i > 0) joined += protocol::kKeySeparator;
    joined += keys[i];
  }
  set_keys(joined);
}

int32_t Message::delay_time_level() const {
  auto it = properties_.find(kPropertyDelayTimeLevel);
  if (it == properties_.end()) return 0;
  int32_t level = 0;
  const std::string& s = it->second;
  auto [ptr, ec] = std::from_chars(s.data(), s.data() + s.size(), level);
  if (ec != std::errc() || ptr != s.data() + s.size()) return 0;
  return level;
}

void Message::set_delay_time_level(int32_t level) {
  // The broker delays only for a level > 0; leaving the property out for 0 keeps the frame of
  // an ordinary send.
  if (level <= 0) {
    ClearProperty(kPropertyDelayTimeLevel);
  } else {
    PutPropertyUnchecked(std::string(kPropertyDelayTimeLevel), std::to_string(level));
  }
}

bool Message::wait_store_msg_ok() const {
  auto it = properties_.find(kPropertyWaitStoreMsgOk);
  return it == properties_.end() || ParseJavaBoolean(it->second);
}

void Message::set_wait_store_msg_ok(bool wait) {
  PutPropertyUnchecked(std::string(kPropertyWaitStoreMsgOk), wait ? "true" : "false");
}

std::string Message::unique_id() const {
  return GetProperty(kPropertyUniqKey).value_or(std::string());
}

std::optional<std::string> Message::GetProperty(std::string_view name) const {
  auto it = properties_.find(name);
  if (it == properties_.end()) return std::nullopt;
  return it->second;
}

Status Message::PutUserProperty(std::string_view name, std::string_view value) {
  if (IsReservedPropertyName(name)) {
    return InvalidArgument("the property name '" + std::string(name) +
                           "' is reserved for system use; choose another name");
  }
  if (IsBlank(name) || IsBlank(value)) {
    return InvalidArgument("the name and value of a user property may not be empty or blank");
  }
  // The separators of the property string would split the entry on the wire.
  if (HasSeparator(name) || HasSeparator(value)) {
    return InvalidArgument("the user property '" + std::string(name) +
                           "' contains a 0x01 or 0x02 byte, which the wire format reserves");
  }
  PutPropertyUnchecked(std::string(name), std::string(value));
  return Status::Ok();
}

std::optional<std::string> Message::GetUserProperty(std::string_view name) const {
  return GetProperty(name);
}

void Message::PutPropertyUnchecked(std::string name, std::string value) {
  properties_.insert_or_assign(std::move(name), std::move(value));
}

void Message::ClearProperty(std::string_view name) {
  auto it = properties_.find(name);
  if (it != properties_.end()) properties_.erase(it);
}

bool IsReservedPropertyName(std::string_view name) { return protocol::IsReservedPropertyKey(name); }

const char* SendStatusName(SendStatus status) {
  switch (status) {
    case SendStatus::kSendOk:
      return "SEND_OK";
    case SendStatus::kFlushDiskTimeout:
      return "FLUSH_DISK_TIMEOUT";
    case SendStatus::kFlushSlaveTimeout:
      return "FLUSH_SLAVE_TIMEOUT";
    case SendStatus::kSlaveNotAvailable:
      return "SLAVE_NOT_AVAILABLE";
  }
  return "UNKNOWN";
}

std::string SendResult::ToString() const {
  return std::string("SendResult [sendStatus=") + SendStatusName(status) + ", msgId=" + msg_id +
         ", offsetMsgId=" + offset_msg_id + ", messageQueue=" + queue.ToString() +
         ", queueOffset=" + std::to_string(queue_offset) + "]";
}

}  // namespace orbit
