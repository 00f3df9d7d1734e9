# Broker configuration: BrokerConfig's key table over store::StoreConfig's (broker_config.h).
set(BROKER_config_SRCS broker_config.cc)
set(BROKER_config_DEPS orbit::store)
set(BROKER_config_TESTS tests/broker_config_test.cc)
