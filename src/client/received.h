#pragma once

// Records from a broker (pull bodies, check-backs) as the public MessageExt.

#include <string>

#include "orbit/message.h"
#include "protocol/message.h"

namespace orbit::client {

// The record as a MessageExt: body uncompressed (kCompression when it cannot be), properties
// copied, ids and hosts formatted as Java's MessageExt prints them. `broker_name` is the
// broker the record came from. The view form reads straight from the pull body (no
// MessageRecord in between: the copies were a good part of a consumer's allocations).
// The "ip:port" text of hosts met one after another: the records of one pull share their store
// host and mostly their born host, so each is formatted once per pull, not once per message.
class HostNameCache {
 public:
  const std::string& Name(std::string_view ip, int32_t port);

 private:
  std::string ip_;
  int32_t port_ = -1;
  std::string name_;
};
struct RecordHostCache {
  HostNameCache born;
  HostNameCache store;
};

Result<MessageExt> ToMessageExt(const protocol::MessageRecordView& record,
                                const std::string& broker_name = "",
                                RecordHostCache* hosts = nullptr);
Result<MessageExt> ToMessageExt(const protocol::MessageRecord& record,
                                const std::string& broker_name = "");

}  // namespace orbit::client
