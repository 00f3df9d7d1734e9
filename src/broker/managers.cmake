# The broker's persistent tables: topics (TopicConfigManager), consumer groups
# (SubscriptionGroupManager) and committed offsets (ConsumerOffsetManager), over the store's
# config files. Uses only broker_config.h's fields, not its functions, so the tests need no
# other broker area.
set(BROKER_managers_SRCS
  topic_config_manager.cc
  subscription_group_manager.cc
  consumer_offset_manager.cc)
set(BROKER_managers_DEPS orbit::broker_config orbit::store)
set(BROKER_managers_TESTS
  tests/topic_config_manager_test.cc
  tests/subscription_group_manager_test.cc
  tests/consumer_offset_manager_test.cc)
