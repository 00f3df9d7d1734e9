#pragma once

// Admin requests about a broker's clients, as Apache 4.9's AdminBrokerProcessor and
// Broker2Client serve them:
// GET_CONSUMER_CONNECTION_LIST (203): the group's connections and subscriptions, or
//   CONSUMER_NOT_ONLINE;
// GET_PRODUCER_CONNECTION_LIST (204): the group's connections, or SYSTEM_ERROR;
// INVOKE_BROKER_TO_RESET_OFFSET (222): per write queue of the topic, the offset of the first
//   message stored at or after the timestamp (-1: the queue's end); with isForce, or when that is
//   behind the group's committed offset, it becomes the new offset. The offsets are committed here
//   and pushed to every online client of the group with RESET_CONSUMER_CLIENT_OFFSET (220,
//   oneway; ResetOffsetBodyForC when the admin request came from a CPP client); the answer's body
//   is the ResetOffsetBody. CONSUMER_NOT_ONLINE when the group has no client (mqadmin then falls
//   back to resetting through UPDATE_CONSUMER_OFFSET);
// GET_CONSUMER_RUNNING_INFO (307) and CONSUME_MESSAGE_DIRECTLY (309): forwarded to the client
//   named by the header (309 with the message's record as body and the broker's name added), and
//   the client's answer returned as is; CONSUME_MSG_TIMEOUT when it does not answer in 10 s.
//
// Threads: runs on the connection's loop; forwarded requests complete on the client connection's
// loop, which replies to the admin (net::Reply is thread-safe).

#include <string>

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

// MQVersion ordinals below which Apache refuses to call a client (V3_0_7_SNAPSHOT for offset
// resets, V3_1_8_SNAPSHOT for forwarded requests).
inline constexpr int32_t kVersionV3_0_7_Snapshot = 28;
inline constexpr int32_t kVersionV3_1_8_Snapshot = 62;
// How long a forwarded request waits for the client (Broker2Client.callClient).
inline constexpr int64_t kCallClientTimeoutMs = 10000;

class ConsumerAdminProcessor {
 public:
  explicit ConsumerAdminProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void GetConsumerConnectionList(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetProducerConnectionList(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void ResetOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetConsumerRunningInfo(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void ConsumeMessageDirectly(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  // Apache's callClient: sends `req`'s code, ext fields and body to the client `client_id` of
  // `group` and answers the admin with the client's response.
  void CallConsumer(const net::ConnectionPtr& conn, protocol::RemotingCommand req,
                    const std::string& group, const std::string& client_id);

  Broker& broker_;
};

}  // namespace orbit::broker
