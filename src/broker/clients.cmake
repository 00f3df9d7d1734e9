# Producer and consumer groups of the broker's clients (Apache's ProducerManager, ConsumerManager).
set(BROKER_clients_SRCS client_manager.cc)
set(BROKER_clients_DEPS orbit::net)
set(BROKER_clients_TESTS tests/client_manager_test.cc)
