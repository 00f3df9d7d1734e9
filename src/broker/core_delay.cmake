# Delayed delivery and consumer send-back: the schedule service (SCHEDULE_TOPIC_XXXX → real
# topic, delayOffset.json), CONSUMER_SEND_MSG_BACK, and the delay-level rewrite both share with
# the send path.
list(APPEND BROKER_core_SRCS
  delay_level.cc
  schedule_message_service.cc
  send_back_processor.cc)
list(APPEND BROKER_core_TESTS tests/delay_test.cc)
