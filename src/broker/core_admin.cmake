# Admin and query requests: message queries by key and offset, orderly-consumer queue locks,
# runtime info and stats, connections, offset reset and requests forwarded to consumers.
list(APPEND BROKER_core_SRCS
  admin_stats_processor.cc
  consumer_admin_processor.cc
  lock_processor.cc
  query_processor.cc
  rebalance_lock_manager.cc
  runtime_stats.cc)
list(APPEND BROKER_core_TESTS
  tests/admin_test.cc
  tests/broker_config_update_test.cc
  tests/consumer_admin_test.cc
  tests/rebalance_lock_manager_test.cc)
