#pragma once

// SEND_REPLY_MESSAGE (324, long header names) and SEND_REPLY_MESSAGE_V2 (325, short names), as
// Apache 4.9's ReplyMessageProcessor: the answer of a request-reply call, sent by the replying
// consumer, is pushed to the requesting producer and, with storeReplyMessageEnable, also stored.
//
//   1. The send checks (send_processor.h: CheckSendRequest); a negative queue id picks a queue.
//   2. Push: the producer connection of client id REPLY_TO_CLIENT (ProducerManager) is sent
//      PUSH_REPLY_MESSAGE_TO_CLIENT (326): a ReplyMessageRequestHeader (the send header's fields,
//      PUSH_REPLY_TIME added to the properties, bornHost/storeHost as Java prints a socket
//      address, "/ip:port") and the body as sent. Pushed means the client answered SUCCESS.
//   3. The code is the push's: SUCCESS with msgId "0", queueId, queueOffset 0; otherwise
//      SYSTEM_ERROR with Apache's remark and no header fields.
//   4. With storeReplyMessageEnable the reply is then stored in its topic (normally
//      `<cluster>_REPLY_TOPIC`), and a stored message replaces msgId/queueId/queueOffset with its
//      own. The store never changes the code: a failed put leaves the push's answer; a failed
//      push stays SYSTEM_ERROR even though the message was stored.
//
// Unlike a plain send: no retry/DLQ handling, no transaction handling, CLUSTER is not added and
// WAIT is stored as sent; the stored properties are the sent string (without PUSH_REPLY_TIME).
// Apache stores sysFlag 0; Orbit keeps the compression bits so that a compressed body stays
// readable. A DELAY level parks the reply as a send would (Apache's store does that).
//
// Threads: starts on the replier's connection loop; the push's answer arrives on the requester's
// connection loop, which then puts to the store; the answer to the replier is sent from the
// store's completion (that loop for ASYNC_FLUSH, the flush thread for SYNC_FLUSH). Nothing waits.

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class ReplyProcessor {
 public:
  explicit ReplyProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void HandleReply(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
