# FaultFileSystem (in the store library: crash tests in other binaries use it) and the tests of
# the file system layer: the fault and POSIX implementations and mapped segments.
list(APPEND STORE_SRCS fault_file_system.cc)
list(APPEND STORE_TESTS fault)
set(STORE_TEST_fault_SRCS tests/fault_file_system_test.cc tests/posix_file_system_test.cc
  tests/segment_test.cc)
