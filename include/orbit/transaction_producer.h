#pragma once

// The transactional producer (RocketMQ's TransactionMQProducer): a half message is stored but
// not delivered; the local transaction then runs, and its outcome commits or rolls the message
// back (END_TRANSACTION). When the outcome is unknown, or the producer died before telling, the
// broker asks again later (CHECK_TRANSACTION_STATE) and the listener's Check answers.
//
//   class Orders : public orbit::TransactionListener { ... };
//   orbit::TransactionProducer producer(config, std::make_shared<Orders>());
//   producer.Start();
//   auto r = producer.SendMessageInTransaction(orbit::Message("Orders", "order 42"));
//
// Threads: Execute runs on the sending thread. Check runs on the producer's check thread
// ("orbit-txcheck"), one at a time; at most check_request_hold_max checks wait for it (more are
// dropped with a warning, and the broker asks again at its next check).

#include <cstdint>
#include <functional>
#include <memory>

#include "orbit/producer.h"

namespace orbit {

enum class LocalTransactionState { kCommitMessage, kRollbackMessage, kUnknown };
// "COMMIT_MESSAGE", "ROLLBACK_MESSAGE", "UNKNOW" (sic, as RocketMQ spells it).
const char* LocalTransactionStateName(LocalTransactionState state);

class TransactionListener {
 public:
  virtual ~TransactionListener() = default;
  // After the half message is stored: run the local transaction and say how it ended.
  virtual LocalTransactionState Execute(const Message& message, const SendResult& half) = 0;
  // The broker asks about a half message whose outcome it does not know.
  virtual LocalTransactionState Check(const MessageExt& message) = 0;
};

struct TransactionSendResult : SendResult {
  LocalTransactionState local_state = LocalTransactionState::kUnknown;
};

class TransactionProducer : public Producer {
 public:
  // `check_request_hold_max`: check-backs that may wait for the check thread (Java: 2000).
  TransactionProducer(ProducerConfig config, std::shared_ptr<TransactionListener> listener,
                      int check_request_hold_max = 2000);

  // Sends `message` as a half message (sync, with the producer's retries), runs the listener's
  // Execute (or `execute`, when given) if the broker stored it, and ends the transaction with the
  // outcome: commit, rollback, or nothing for kUnknown (the broker checks back). A half message
  // the broker did not store is rolled back without running the local transaction. Delay levels
  // do not apply to transactional messages and are cleared.
  Result<TransactionSendResult> SendMessageInTransaction(
      const Message& message,
      const std::function<LocalTransactionState(const Message&, const SendResult&)>& execute =
          nullptr);
};

}  // namespace orbit
