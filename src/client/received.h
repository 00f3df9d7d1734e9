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
Result<MessageExt> ToMessageExt(const protocol::MessageRecordView& record,
                                const std::string& broker_name = "");
Result<MessageExt> ToMessageExt(const protocol::MessageRecord& record,
                                const std::string& broker_name = "");

}  // namespace orbit::client
