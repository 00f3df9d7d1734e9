#include "client/validators.h"

#include <algorithm>
#include <iterator>
#include <string>

namespace orbit::client {
namespace {

constexpr std::string_view kAllowedChars = "^[%|a-zA-Z0-9_-]+$";

// UtilAll.isBlank: empty or only whitespace.
bool IsBlank(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r' ||
           (c >= '\x1c' && c <= '\x1f');
  });
}

bool IsNameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '%' ||
         c == '|' || c == '_' || c == '-';
}

bool HasIllegalChar(std::string_view name) {
  return !std::all_of(name.begin(), name.end(), IsNameChar);
}

}  // namespace

Status ValidateGroup(std::string_view group) {
  if (IsBlank(group)) return InvalidArgument("the group name is blank");
  if (group.size() > kMaxGroupLength) {
    return InvalidArgument("the group name is longer than the maximum of " +
                           std::to_string(kMaxGroupLength) + " characters (" +
                           std::to_string(group.size()) + ")");
  }
  if (HasIllegalChar(group)) {
    return InvalidArgument("the group name [" + std::string(group) +
                           "] contains illegal characters; allowed: " + std::string(kAllowedChars));
  }
  return Status::Ok();
}

Status ValidateProducerGroup(std::string_view group) {
  ORBIT_RETURN_IF_ERROR(ValidateGroup(group));
  if (group == kDefaultProducerGroup) {
    return InvalidArgument("the producer group may not be " + std::string(kDefaultProducerGroup) +
                           " (reserved for the broker); choose another one");
  }
  return Status::Ok();
}

Status ValidateTopic(std::string_view topic) {
  if (IsBlank(topic)) return InvalidArgument("the topic is blank");
  if (topic.size() > kMaxTopicLength) {
    return InvalidArgument("the topic is longer than the maximum of " +
                           std::to_string(kMaxTopicLength) + " characters (" +
                           std::to_string(topic.size()) + ")");
  }
  if (HasIllegalChar(topic)) {
    return InvalidArgument("the topic [" + std::string(topic) +
                           "] contains illegal characters; allowed: " + std::string(kAllowedChars));
  }
  if (std::find(std::begin(kNotAllowedSendTopics), std::end(kNotAllowedSendTopics), topic) !=
      std::end(kNotAllowedSendTopics)) {
    return InvalidArgument("sending to the system topic [" + std::string(topic) + "] is forbidden");
  }
  return Status::Ok();
}

Status ValidateMessage(const Message& message, int32_t max_message_size) {
  ORBIT_RETURN_IF_ERROR(ValidateTopic(message.topic()));
  if (message.body().empty()) {
    return Status(ErrorCode::kMessageIllegal, "the message body is empty");
  }
  if (max_message_size < 0 || message.body().size() > static_cast<size_t>(max_message_size)) {
    return Status(ErrorCode::kMessageIllegal, "the message body is " +
                                                  std::to_string(message.body().size()) +
                                                  " bytes, over the maximum message size of " +
                                                  std::to_string(max_message_size) + " bytes");
  }
  return Status::Ok();
}

namespace {

// Topics and groups that keep their name under a namespace (Java's NamespaceUtil system
// resources).
bool IsSystemResource(const std::string& name) {
  return name == "TBW102" || name == "SCHEDULE_TOPIC_XXXX" || name == "BenchmarkTest" ||
         name == "OFFSET_MOVED_EVENT" || name == "SELF_TEST_TOPIC" ||
         name.starts_with("rmq_sys_") || name.starts_with("RMQ_SYS_") ||
         name.starts_with("CID_RMQ_SYS_");
}

constexpr std::string_view kGroupTopicPrefixes[] = {"%RETRY%", "%DLQ%"};

}  // namespace

std::string WrapNamespace(std::string_view ns, const std::string& name) {
  if (ns.empty() || IsSystemResource(name)) return name;
  const std::string wrapped_prefix = std::string(ns) + "%";
  if (name.starts_with(wrapped_prefix)) return name;
  for (std::string_view prefix : kGroupTopicPrefixes) {
    if (name.starts_with(prefix)) {
      std::string rest = name.substr(prefix.size());
      return rest.starts_with(wrapped_prefix) ? name : std::string(prefix) + wrapped_prefix + rest;
    }
  }
  return wrapped_prefix + name;
}

std::string UnwrapNamespace(std::string_view ns, const std::string& name) {
  if (ns.empty()) return name;
  const std::string wrapped_prefix = std::string(ns) + "%";
  for (std::string_view prefix : kGroupTopicPrefixes) {
    if (name.starts_with(prefix)) {
      std::string rest = name.substr(prefix.size());
      return rest.starts_with(wrapped_prefix)
                 ? std::string(prefix) + rest.substr(wrapped_prefix.size())
                 : name;
    }
  }
  return name.starts_with(wrapped_prefix) ? name.substr(wrapped_prefix.size()) : name;
}

}  // namespace orbit::client
