# Typed JSON bodies (protocol/bodies*.h).
list(APPEND PROTOCOL_SRCS
  bodies_admin.cc
  bodies_common.cc
  bodies_consumer.cc
  bodies_files.cc
  bodies_heartbeat.cc
  bodies_register.cc
  bodies_route.cc
  internal/bodies_codec.cc)
list(APPEND PROTOCOL_TEST_SRCS tests/bodies_test.cc)
# The compressed REGISTER_BROKER body is a zlib stream.
list(APPEND PROTOCOL_DEPS ZLIB::ZLIB)
