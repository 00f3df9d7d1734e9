#pragma once

// Message lookups of Apache 4.9's QueryMessageProcessor:
// QUERY_MESSAGE (12): messages of a topic whose key (KEYS, space-separated) or UNIQ_KEY equals
//   the header's key, stored within [beginTimestamp, endTimestamp], at most maxNum of them (32 when
//   the extField _UNIQUE_KEY_QUERY is "true", never more than 64); the body is the records as
//   stored, the header indexLastUpdateTimestamp/indexLastUpdatePhyoffset; QUERY_NOT_FOUND when
//   none. The index matches on a 32-bit hash of "topic#key", so every hit is checked against the
//   record before it is returned (Apache leaves that to the client).
// VIEW_MESSAGE_BY_ID (33): the record at the header's commit-log offset (what an offset message
//   id encodes), or SYSTEM_ERROR.
//
// Threads: runs on the connection's loop; reads the index and the mapped commit log.

#include "net/remoting_server.h"

namespace orbit::broker {

class Broker;

// Apache's MessageStoreConfig.maxMsgsNumBatch: the most messages one query returns.
inline constexpr int32_t kMaxMsgsNumBatch = 64;

class QueryProcessor {
 public:
  explicit QueryProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void QueryMessage(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void ViewMessageById(const net::ConnectionPtr& conn, protocol::RemotingCommand req);

  Broker& broker_;
};

}  // namespace orbit::broker
