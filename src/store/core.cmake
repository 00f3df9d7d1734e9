# Commit log, consume queues, checkpoint and the MessageStore facade.
list(APPEND STORE_SRCS commit_log.cc consume_queue.cc checkpoint.cc message_store.cc)
list(APPEND STORE_TESTS core)
set(STORE_TEST_core_DEPS orbit_golden_support)
set(STORE_TEST_core_SRCS tests/commit_log_test.cc tests/message_store_test.cc
  tests/kill9_test.cc tests/crash_test.cc)
if(ORBIT_BUILD_TESTS)
  add_executable(store_crash_writer tests/crash_writer.cc)
  target_link_libraries(store_crash_writer PRIVATE orbit::store)
  target_compile_options(store_crash_writer PRIVATE ${ORBIT_WARNINGS})
endif()

# Apache 4.9.8 stores opened by MessageStore (tests/data/golden_store).
find_package(OpenSSL REQUIRED)
list(APPEND STORE_TESTS golden)
set(STORE_TEST_golden_SRCS tests/golden_store_test.cc)
set(STORE_TEST_golden_DEPS orbit_golden_support OpenSSL::Crypto)
