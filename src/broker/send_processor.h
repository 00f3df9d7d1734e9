#pragma once

// SEND_MESSAGE (10), SEND_MESSAGE_V2 (310) and SEND_BATCH_MESSAGE (320), as Apache 4.9's
// SendMessageProcessor: checks (topic name, system topics, auto-creation through the default
// topic, queue id), retry-topic handling (to %DLQ% after maxReconsumeTimes), delay levels
// (stored under SCHEDULE_TOPIC_XXXX with REAL_TOPIC / REAL_QID), the CLUSTER property, half
// messages (TRAN_MSG=true: stored in RMQ_SYS_TRANS_HALF_TOPIC, transaction_service.h), and the
// reply (msgId, queueId, queueOffset, MSG_REGION, TRACE_ON).
//
// Threads: runs on the connection's loop; the reply is sent from the store's callback (the
// loop itself for ASYNC_FLUSH, the flush thread for SYNC_FLUSH).

#include <cstdint>
#include <optional>

#include "net/remoting_server.h"
#include "protocol/bodies_register.h"
#include "protocol/headers_send.h"

namespace orbit::broker {

class Broker;

// The checks before a message is built, shared with the reply path (reply_processor.h):
// startAcceptSendRequestTimeStamp, then Apache's msgCheck (topic name, topics clients may not
// send to, broker permission, the topic found or auto-created through the default topic, the
// queue id). Returns the topic's config; std::nullopt after setting resp's code and remark.
// Runs on the connection's loop.
std::optional<protocol::TopicConfig> CheckSendRequest(Broker& broker,
                                                      const protocol::SendMessageRequestHeader& h,
                                                      const net::Connection& conn,
                                                      protocol::RemotingCommand* resp);
// The requested queue id, or a random one below the topic's writeQueueNums when negative.
int32_t SelectQueue(int32_t requested, const protocol::TopicConfig& topic);

class SendProcessor {
 public:
  explicit SendProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void HandleSend(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
