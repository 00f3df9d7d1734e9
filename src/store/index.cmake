# Index files (Apache's index/ directory) and the IndexService that builds and queries them.
list(APPEND STORE_SRCS index_file.cc)
list(APPEND STORE_TESTS index)
set(STORE_TEST_index_SRCS tests/index_test.cc)
