# Message codec: stored records, properties, sysFlag, compression, batches, ids, tag hash.
list(APPEND PROTOCOL_SRCS
  compression.cc
  message.cc
  message_batch.cc
  message_id.cc
  properties.cc
  tag_hash.cc)
list(APPEND PROTOCOL_TEST_SRCS
  tests/message_batch_test.cc
  tests/message_compression_test.cc
  tests/message_flags_test.cc
  tests/message_id_test.cc
  tests/message_properties_test.cc
  tests/message_record_test.cc
  tests/message_tag_hash_test.cc)
list(APPEND PROTOCOL_DEPS ZLIB::ZLIB PkgConfig::LZ4 PkgConfig::ZSTD)
