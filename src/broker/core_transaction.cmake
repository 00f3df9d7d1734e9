# Transactional messages: half and op records, END_TRANSACTION and the check-back service.
list(APPEND BROKER_core_SRCS
  end_transaction_processor.cc
  transaction_check.cc
  transaction_service.cc)
list(APPEND BROKER_core_TESTS tests/transaction_test.cc)
