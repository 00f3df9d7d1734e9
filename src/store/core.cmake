# Commit log, consume queues, checkpoint and the MessageStore facade.
option(ORBIT_STORE_CORE_WIP "temporary: build the store core while it is written" OFF)
if(ORBIT_STORE_CORE_WIP)
  list(APPEND STORE_SRCS commit_log.cc consume_queue.cc checkpoint.cc)
  list(APPEND STORE_TESTS core)
  set(STORE_TEST_core_SRCS tests/commit_log_test.cc)
endif()
