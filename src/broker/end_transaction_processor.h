#pragma once

// END_TRANSACTION (37), as Apache 4.9's EndTransactionProcessor (transactions-and-delay.md §5):
//
// | request                                   | answer (none when the request is oneway)      |
// |-------------------------------------------|-----------------------------------------------|
// | on a slave                                | SLAVE_NOT_AVAILABLE                           |
// | commitOrRollback 0 (UNKNOW) or not 8 / 12 | nothing at all (logged)                       |
// | no half message at commitLogOffset        | SYSTEM_ERROR "Find prepared transaction message
// failed" | | PGROUP != producerGroup                   | SYSTEM_ERROR "The producer group wrong" |
// | its queue offset != tranStateTableOffset  | SYSTEM_ERROR "The transaction state table offset
// wrong" | | its offset != commitLogOffset             | SYSTEM_ERROR "The commit log offset wrong"
// | | commit (8)                                | the real message stored, then the op record; the
// store's result | | rollback (12)                             | the op record; SUCCESS |
//
// fromTransactionCheck (a producer answering CHECK_TRANSACTION_STATE) changes only the logs.
// The committed message (endMessageTransaction): topic REAL_TOPIC, queue REAL_QID, the half's
// body, flag, born time and host and reconsume times, transaction type COMMIT,
// preparedTransactionOffset = commitLogOffset, and the half's property string as it is: Apache
// builds the string before it clears REAL_TOPIC / REAL_QID from the map, so the stored record
// keeps TRAN_MSG, PGROUP, REAL_TOPIC, REAL_QID, CLUSTER and WAIT (checked on 4.9.8). Like Apache,
// the processor does not remember finished transactions: a second commit of the same half message
// stores it twice.
//
// Threads: runs on the connection's loop; puts do not wait for a flush, so the reply is sent
// from the store's callback on the same thread.

#include "net/remoting_server.h"
#include "protocol/headers_transaction.h"
#include "protocol/message.h"

namespace orbit::broker {

class Broker;

class EndTransactionProcessor {
 public:
  explicit EndTransactionProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);

 private:
  void Handle(const net::ConnectionPtr& conn, protocol::RemotingCommand req);
  void Commit(const net::ConnectionPtr& conn, const protocol::RemotingCommand& req,
              const protocol::EndTransactionRequestHeader& h, const protocol::MessageRecord& half);
  void Rollback(const net::ConnectionPtr& conn, const protocol::RemotingCommand& req,
                const protocol::MessageRecord& half);

  Broker& broker_;
};

}  // namespace orbit::broker
