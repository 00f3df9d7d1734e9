#pragma once

// Helpers shared by the store's tests: messages to append and their expected decoding.

#include <gtest/gtest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "protocol/message.h"
#include "protocol/properties.h"
#include "store/commit_log.h"

// Fails the test (and returns) when a Status is not Ok, printing it.
#define ASSERT_OK(expr)                                    \
  do {                                                     \
    const ::orbit::Status assert_ok_ = (expr);             \
    ASSERT_TRUE(assert_ok_.ok()) << assert_ok_.ToString(); \
  } while (0)

namespace orbit::store::testing {

// Owns the bytes a MessageInput points into.
struct OwnedMessage {
  std::string topic;
  int32_t queue_id = 0;
  std::string body;
  std::string properties;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 1700000000000;

  MessageInput input() const {
    MessageInput in;
    in.topic = topic;
    in.queue_id = queue_id;
    in.body = body;
    in.properties = properties;
    in.sys_flag = sys_flag;
    in.born_timestamp = born_timestamp;
    in.born_host = protocol::HostAddress::IPv4(10, 0, 0, 7, 40000);
    return in;
  }
};

// A message with KEYS, TAGS and UNIQ_KEY set from `n`.
inline OwnedMessage MakeMessage(const std::string& topic, int32_t queue_id, int n,
                                size_t body_size = 100) {
  OwnedMessage m;
  m.topic = topic;
  m.queue_id = queue_id;
  m.body.resize(body_size);
  for (size_t i = 0; i < body_size; ++i) {
    m.body[i] = static_cast<char>('a' + (static_cast<size_t>(n) + i) % 26);
  }
  protocol::MessageProperties props;
  props.Set(protocol::kPropertyKeys,
            "key-" + std::to_string(n) + " shared-" + std::to_string(n % 3));
  props.Set(protocol::kPropertyTags, n % 2 == 0 ? "TagA" : "TagB");
  props.Set(protocol::kPropertyUniqKey, "UNIQ" + std::to_string(n));
  m.properties = protocol::EncodeProperties(props);
  return m;
}

}  // namespace orbit::store::testing
