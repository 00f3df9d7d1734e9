# Typed custom headers (protocol/headers*.h).
list(APPEND PROTOCOL_SRCS headers.cc headers_send.cc internal/headers_codec.cc)
list(APPEND PROTOCOL_TEST_SRCS tests/headers_test.cc)
