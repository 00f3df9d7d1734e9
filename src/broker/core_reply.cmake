# Request-reply: SEND_REPLY_MESSAGE(_V2) pushed to the requester (PUSH_REPLY_MESSAGE_TO_CLIENT)
# and stored in the reply topic.
list(APPEND BROKER_core_SRCS reply_processor.cc)
list(APPEND BROKER_core_TESTS tests/reply_test.cc)
