# Message codec golden tests: stored records, batches, compressed bodies, message ids.
list(APPEND GOLDEN_TEST_SRCS golden/message_golden_test.cc)
