#pragma once

// Checks a producer makes before anything is sent (producer.md §2, Java's Validators). Each
// error says which rule failed and names the offending value.
//
// | check   | rule                                                     | error            |
// |---------|----------------------------------------------------------|------------------|
// | group   | not blank, <= 255 characters, only [%|a-zA-Z0-9_-]       | kInvalidArgument |
// | topic   | not blank, <= 127 characters, only [%|a-zA-Z0-9_-]       | kInvalidArgument |
// | topic   | not in kNotAllowedSendTopics                             | kInvalidArgument |
// | message | topic as above                                           | kInvalidArgument |
// | message | body non-empty, <= max_message_size bytes (uncompressed) | kMessageIllegal  |
//
// Thread-safe (pure functions).

#include <cstdint>
#include <string>
#include <string_view>

#include "orbit/message.h"
#include "orbit/status.h"

namespace orbit::client {

inline constexpr size_t kMaxGroupLength = 255;
inline constexpr size_t kMaxTopicLength = 127;
// Group Java producers refuse (it is the broker's own producer group).
inline constexpr std::string_view kDefaultProducerGroup = "DEFAULT_PRODUCER";
inline constexpr std::string_view kRetryTopicPrefix = "%RETRY%";

// System topics a client may not send to (TopicValidator's not-allowed-send set in 4.9).
inline constexpr std::string_view kNotAllowedSendTopics[] = {
    "SCHEDULE_TOPIC_XXXX",        "RMQ_SYS_TRANS_HALF_TOPIC", "RMQ_SYS_TRANS_OP_HALF_TOPIC",
    "TRANS_CHECK_MAX_TIME_TOPIC", "SELF_TEST_TOPIC",          "OFFSET_MOVED_EVENT",
};

Status ValidateGroup(std::string_view group);
// ValidateGroup, and not DEFAULT_PRODUCER (what a producer's Start checks).
Status ValidateProducerGroup(std::string_view group);
// The name rules and the not-allowed-send set.
Status ValidateTopic(std::string_view topic);
// The topic (kInvalidArgument), then the body (kMessageIllegal): empty, or longer than
// max_message_size bytes.
Status ValidateMessage(const Message& message, int32_t max_message_size);

// Java's NamespaceUtil: "<ns>%<name>" (kept after a %RETRY% / %DLQ% prefix); system topics and
// groups, names already wrapped, and an empty namespace leave the name as it is.
std::string WrapNamespace(std::string_view ns, const std::string& name);
// The reverse: the name without "<ns>%" (kept after a %RETRY% / %DLQ% prefix).
std::string UnwrapNamespace(std::string_view ns, const std::string& name);

}  // namespace orbit::client
