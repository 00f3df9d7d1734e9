list(APPEND STORE_SRCS config_files.cc)
list(APPEND STORE_TESTS config_files)
set(STORE_TEST_config_files_SRCS tests/config_files_test.cc)
set(STORE_TEST_config_files_DEPS orbit_golden_support)
