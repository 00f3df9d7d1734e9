# Typed JSON bodies against the captured frames.
list(APPEND GOLDEN_TEST_SRCS golden/bodies_golden_test.cc)
