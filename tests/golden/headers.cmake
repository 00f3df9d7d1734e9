# Typed custom headers against the captured extFields.
list(APPEND GOLDEN_TEST_SRCS golden/headers_golden_test.cc)
