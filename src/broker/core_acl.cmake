# ACL 1.0 (aclEnable): plain_acl.yml accounts (yaml-cpp), request signatures (HMAC-SHA1 from
# OpenSSL's libcrypto) and the permission check the broker runs before any processor.
find_package(yaml-cpp REQUIRED)
find_package(OpenSSL REQUIRED COMPONENTS Crypto)
list(APPEND BROKER_core_SRCS acl.cc acl_config.cc)
list(APPEND BROKER_core_TESTS tests/acl_test.cc)
list(APPEND BROKER_core_DEPS yaml-cpp OpenSSL::Crypto)
