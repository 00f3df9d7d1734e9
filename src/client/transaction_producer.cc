#include "orbit/transaction_producer.h"

#include "client/producer_impl.h"

namespace orbit {

const char* LocalTransactionStateName(LocalTransactionState state) {
  switch (state) {
    case LocalTransactionState::kCommitMessage:
      return "COMMIT_MESSAGE";
    case LocalTransactionState::kRollbackMessage:
      return "ROLLBACK_MESSAGE";
    case LocalTransactionState::kUnknown:
      break;
  }
  return "UNKNOW";
}

namespace {

std::shared_ptr<client::ProducerImpl> MakeTransactional(
    ProducerConfig config, std::shared_ptr<TransactionListener> listener, int hold_max) {
  auto impl = std::make_shared<client::ProducerImpl>(std::move(config));
  impl->SetTransactionListener(std::move(listener), hold_max);
  return impl;
}

}  // namespace

TransactionProducer::TransactionProducer(ProducerConfig config,
                                         std::shared_ptr<TransactionListener> listener,
                                         int check_request_hold_max)
    : Producer(MakeTransactional(std::move(config), std::move(listener), check_request_hold_max)) {}

Result<TransactionSendResult> TransactionProducer::SendMessageInTransaction(
    const Message& message,
    const std::function<LocalTransactionState(const Message&, const SendResult&)>& execute) {
  return impl().SendInTransaction(message, execute);
}

}  // namespace orbit
