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

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class SendProcessor {
 public:
  explicit SendProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void HandleSend(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
