#pragma once

// CONSUMER_SEND_MSG_BACK (36), as Apache 4.9's SendMessageProcessor.asyncConsumerSendMsgBack
// (consumer.md §8): a consumer returns a message it failed to consume. The broker looks the
// original record up by its commit-log offset and appends a copy for the group:
//
// - to %RETRY%<group> (created with the group's retryQueueNums, random queue) with DELAY = the
//   header's delayLevel, or 3 + reconsumeTimes when that is 0; the copy is then parked in
//   SCHEDULE_TOPIC_XXXX like a delayed send (delay_level.h) with REAL_TOPIC = %RETRY%<group>;
// - to %DLQ%<group> (1 queue, perm RW, created) with DELAY = 0 when the original's
//   reconsumeTimes >= maxReconsumeTimes (the header's for request version >= V3_4_9 when given,
//   else the group's retryMaxTimes) or the header's delayLevel < 0.
//
// The copy keeps the original's body (as stored), flag, sysFlag, born time and host, and
// properties, with RETRY_TOPIC = the original topic (when absent), WAIT=false, DELAY,
// ORIGIN_MESSAGE_ID = the original's ORIGIN_MESSAGE_ID or else its offset msgId; reconsumeTimes
// + 1. Replies: SUCCESS (no header, no remark); SUBSCRIPTION_GROUP_NOT_EXIST; NO_PERMISSION
// (broker or retry topic not writable); SUCCESS and nothing stored when retryQueueNums <= 0;
// SYSTEM_ERROR "look message by offset failed, <offset>"; SYSTEM_ERROR with the store's
// PutMessageStatus name when the append fails.
//
// Threads: runs on the connection's loop; the reply is sent from the store's callback (the loop
// itself: the copy is appended with WAIT=false, so a SYNC_FLUSH store does not wait).

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class SendBackProcessor {
 public:
  explicit SendBackProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void HandleSendBack(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
