#pragma once

// Client management and consumer offsets, as Apache 4.9's ClientManageProcessor and
// ConsumerManageProcessor plus the offset queries of AdminBrokerProcessor that clients send:
// HEART_BEAT (34), UNREGISTER_CLIENT (35), GET_CONSUMER_LIST_BY_GROUP (38),
// QUERY_CONSUMER_OFFSET (14), UPDATE_CONSUMER_OFFSET (15), GET_MAX_OFFSET (30),
// GET_MIN_OFFSET (31), GET_EARLIEST_MSG_STORETIME (32), SEARCH_OFFSET_BY_TIMESTAMP (29).
// Also sends NOTIFY_CONSUMER_IDS_CHANGED (40, oneway) to every client of a group that changed.
//
// Threads: processors run on the connection's loop; NotifyConsumerIdsChanged on whichever
// thread reports the change.

#include <string>

#include "broker/client_manager.h"
#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

class ClientProcessor {
 public:
  explicit ClientProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);
  // Oneway NOTIFY_CONSUMER_IDS_CHANGED to each connection of the group.
  void NotifyConsumerIdsChanged(const std::string& group, const ConsumerGroupInfo& info);

 private:
  void HeartBeat(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void UnregisterClient(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetConsumerListByGroup(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void QueryConsumerOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void UpdateConsumerOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetMaxOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetMinOffset(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void GetEarliestMsgStoretime(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void SearchOffsetByTimestamp(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  // Apache's checkInDiskByConsumeOffset: whether the message at `queue_offset` is older than
  // what the page cache is expected to hold (accessMessageInMemoryMaxRatio of memory).
  bool InDisk(const std::string& topic, int32_t queue_id, int64_t queue_offset);

  Broker& broker_;
};

}  // namespace orbit::broker
