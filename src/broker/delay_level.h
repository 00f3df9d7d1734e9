#pragma once

// Parking a delayed message: what Apache 4.9's CommitLog.asyncPutMessage does before it appends
// a message whose DELAY property is above 0 (transactions-and-delay.md §2). Shared by the send
// path (send_processor.cc) and CONSUMER_SEND_MSG_BACK (send_back_processor.cc); the schedule
// service (schedule_message_service.h) later moves the parked record back.
//
// Threads: pure functions, any thread.

#include <cstdint>
#include <span>
#include <string>

#include "protocol/properties.h"

namespace orbit::broker {

// When the transaction type of `sys_flag` is NOT_TYPE or COMMIT and `props` holds DELAY > 0:
// clamps DELAY to the highest level (rewriting the property when it was above), adds REAL_TOPIC
// = *topic and REAL_QID = *queue_id, and redirects the message to SCHEDULE_TOPIC_XXXX, queue
// level - 1. `delay_levels` is the store's table (MessageStore::delay_levels(), level 1 first).
// Returns whether the message was parked.
bool ParkDelayedMessage(std::span<const int64_t> delay_levels, int32_t sys_flag,
                        protocol::MessageProperties* props, std::string* topic, int32_t* queue_id);

// The DELAY property as Apache's getDelayTimeLevel reads it: 0 when absent or not a number.
int64_t DelayTimeLevel(const protocol::MessageProperties& props);

}  // namespace orbit::broker
