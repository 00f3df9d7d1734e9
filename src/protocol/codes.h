#pragma once

// Request and response codes of the RocketMQ 4.9.8 remoting protocol, with their Java names.
// Generated once from the protocol tables (shared/protocol/codes.md); names verbatim.

#include <cstdint>

// X(constant, code, JAVA_NAME)
#define ORBIT_REQUEST_CODES(X)                                                     \
  X(kSendMessage, 10, "SEND_MESSAGE")                                              \
  X(kPullMessage, 11, "PULL_MESSAGE")                                              \
  X(kQueryMessage, 12, "QUERY_MESSAGE")                                            \
  X(kQueryBrokerOffset, 13, "QUERY_BROKER_OFFSET")                                 \
  X(kQueryConsumerOffset, 14, "QUERY_CONSUMER_OFFSET")                             \
  X(kUpdateConsumerOffset, 15, "UPDATE_CONSUMER_OFFSET")                           \
  X(kUpdateAndCreateTopic, 17, "UPDATE_AND_CREATE_TOPIC")                          \
  X(kGetAllTopicConfig, 21, "GET_ALL_TOPIC_CONFIG")                                \
  X(kGetTopicConfigList, 22, "GET_TOPIC_CONFIG_LIST")                              \
  X(kGetTopicNameList, 23, "GET_TOPIC_NAME_LIST")                                  \
  X(kUpdateBrokerConfig, 25, "UPDATE_BROKER_CONFIG")                               \
  X(kGetBrokerConfig, 26, "GET_BROKER_CONFIG")                                     \
  X(kTriggerDeleteFiles, 27, "TRIGGER_DELETE_FILES")                               \
  X(kGetBrokerRuntimeInfo, 28, "GET_BROKER_RUNTIME_INFO")                          \
  X(kSearchOffsetByTimestamp, 29, "SEARCH_OFFSET_BY_TIMESTAMP")                    \
  X(kGetMaxOffset, 30, "GET_MAX_OFFSET")                                           \
  X(kGetMinOffset, 31, "GET_MIN_OFFSET")                                           \
  X(kGetEarliestMsgStoretime, 32, "GET_EARLIEST_MSG_STORETIME")                    \
  X(kViewMessageById, 33, "VIEW_MESSAGE_BY_ID")                                    \
  X(kHeartBeat, 34, "HEART_BEAT")                                                  \
  X(kUnregisterClient, 35, "UNREGISTER_CLIENT")                                    \
  X(kConsumerSendMsgBack, 36, "CONSUMER_SEND_MSG_BACK")                            \
  X(kEndTransaction, 37, "END_TRANSACTION")                                        \
  X(kGetConsumerListByGroup, 38, "GET_CONSUMER_LIST_BY_GROUP")                     \
  X(kCheckTransactionState, 39, "CHECK_TRANSACTION_STATE")                         \
  X(kNotifyConsumerIdsChanged, 40, "NOTIFY_CONSUMER_IDS_CHANGED")                  \
  X(kLockBatchMq, 41, "LOCK_BATCH_MQ")                                             \
  X(kUnlockBatchMq, 42, "UNLOCK_BATCH_MQ")                                         \
  X(kGetAllConsumerOffset, 43, "GET_ALL_CONSUMER_OFFSET")                          \
  X(kGetAllDelayOffset, 45, "GET_ALL_DELAY_OFFSET")                                \
  X(kCheckClientConfig, 46, "CHECK_CLIENT_CONFIG")                                 \
  X(kUpdateAndCreateAclConfig, 50, "UPDATE_AND_CREATE_ACL_CONFIG")                 \
  X(kDeleteAclConfig, 51, "DELETE_ACL_CONFIG")                                     \
  X(kGetBrokerClusterAclInfo, 52, "GET_BROKER_CLUSTER_ACL_INFO")                   \
  X(kUpdateGlobalWhiteAddrsConfig, 53, "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG")         \
  X(kPutKvConfig, 100, "PUT_KV_CONFIG")                                            \
  X(kGetKvConfig, 101, "GET_KV_CONFIG")                                            \
  X(kDeleteKvConfig, 102, "DELETE_KV_CONFIG")                                      \
  X(kRegisterBroker, 103, "REGISTER_BROKER")                                       \
  X(kUnregisterBroker, 104, "UNREGISTER_BROKER")                                   \
  X(kGetRouteinfoByTopic, 105, "GET_ROUTEINFO_BY_TOPIC")                           \
  X(kGetBrokerClusterInfo, 106, "GET_BROKER_CLUSTER_INFO")                         \
  X(kUpdateAndCreateSubscriptiongroup, 200, "UPDATE_AND_CREATE_SUBSCRIPTIONGROUP") \
  X(kGetAllSubscriptiongroupConfig, 201, "GET_ALL_SUBSCRIPTIONGROUP_CONFIG")       \
  X(kGetTopicStatsInfo, 202, "GET_TOPIC_STATS_INFO")                               \
  X(kGetConsumerConnectionList, 203, "GET_CONSUMER_CONNECTION_LIST")               \
  X(kGetProducerConnectionList, 204, "GET_PRODUCER_CONNECTION_LIST")               \
  X(kWipeWritePermOfBroker, 205, "WIPE_WRITE_PERM_OF_BROKER")                      \
  X(kGetAllTopicListFromNameserver, 206, "GET_ALL_TOPIC_LIST_FROM_NAMESERVER")     \
  X(kDeleteSubscriptiongroup, 207, "DELETE_SUBSCRIPTIONGROUP")                     \
  X(kGetConsumeStats, 208, "GET_CONSUME_STATS")                                    \
  X(kSuspendConsumer, 209, "SUSPEND_CONSUMER")                                     \
  X(kResumeConsumer, 210, "RESUME_CONSUMER")                                       \
  X(kResetConsumerOffsetInConsumer, 211, "RESET_CONSUMER_OFFSET_IN_CONSUMER")      \
  X(kResetConsumerOffsetInBroker, 212, "RESET_CONSUMER_OFFSET_IN_BROKER")          \
  X(kAdjustConsumerThreadPool, 213, "ADJUST_CONSUMER_THREAD_POOL")                 \
  X(kWhoConsumeTheMessage, 214, "WHO_CONSUME_THE_MESSAGE")                         \
  X(kDeleteTopicInBroker, 215, "DELETE_TOPIC_IN_BROKER")                           \
  X(kDeleteTopicInNamesrv, 216, "DELETE_TOPIC_IN_NAMESRV")                         \
  X(kGetKvlistByNamespace, 219, "GET_KVLIST_BY_NAMESPACE")                         \
  X(kResetConsumerClientOffset, 220, "RESET_CONSUMER_CLIENT_OFFSET")               \
  X(kGetConsumerStatusFromClient, 221, "GET_CONSUMER_STATUS_FROM_CLIENT")          \
  X(kInvokeBrokerToResetOffset, 222, "INVOKE_BROKER_TO_RESET_OFFSET")              \
  X(kInvokeBrokerToGetConsumerStatus, 223, "INVOKE_BROKER_TO_GET_CONSUMER_STATUS") \
  X(kGetTopicsByCluster, 224, "GET_TOPICS_BY_CLUSTER")                             \
  X(kQueryTopicConsumeByWho, 300, "QUERY_TOPIC_CONSUME_BY_WHO")                    \
  X(kRegisterFilterServer, 301, "REGISTER_FILTER_SERVER")                          \
  X(kRegisterMessageFilterClass, 302, "REGISTER_MESSAGE_FILTER_CLASS")             \
  X(kQueryConsumeTimeSpan, 303, "QUERY_CONSUME_TIME_SPAN")                         \
  X(kGetSystemTopicListFromNs, 304, "GET_SYSTEM_TOPIC_LIST_FROM_NS")               \
  X(kGetSystemTopicListFromBroker, 305, "GET_SYSTEM_TOPIC_LIST_FROM_BROKER")       \
  X(kCleanExpiredConsumequeue, 306, "CLEAN_EXPIRED_CONSUMEQUEUE")                  \
  X(kGetConsumerRunningInfo, 307, "GET_CONSUMER_RUNNING_INFO")                     \
  X(kQueryCorrectionOffset, 308, "QUERY_CORRECTION_OFFSET")                        \
  X(kConsumeMessageDirectly, 309, "CONSUME_MESSAGE_DIRECTLY")                      \
  X(kSendMessageV2, 310, "SEND_MESSAGE_V2")                                        \
  X(kGetUnitTopicList, 311, "GET_UNIT_TOPIC_LIST")                                 \
  X(kGetHasUnitSubTopicList, 312, "GET_HAS_UNIT_SUB_TOPIC_LIST")                   \
  X(kGetHasUnitSubUnunitTopicList, 313, "GET_HAS_UNIT_SUB_UNUNIT_TOPIC_LIST")      \
  X(kCloneGroupOffset, 314, "CLONE_GROUP_OFFSET")                                  \
  X(kViewBrokerStatsData, 315, "VIEW_BROKER_STATS_DATA")                           \
  X(kCleanUnusedTopic, 316, "CLEAN_UNUSED_TOPIC")                                  \
  X(kGetBrokerConsumeStats, 317, "GET_BROKER_CONSUME_STATS")                       \
  X(kUpdateNamesrvConfig, 318, "UPDATE_NAMESRV_CONFIG")                            \
  X(kGetNamesrvConfig, 319, "GET_NAMESRV_CONFIG")                                  \
  X(kSendBatchMessage, 320, "SEND_BATCH_MESSAGE")                                  \
  X(kQueryConsumeQueue, 321, "QUERY_CONSUME_QUEUE")                                \
  X(kQueryDataVersion, 322, "QUERY_DATA_VERSION")                                  \
  X(kResumeCheckHalfMessage, 323, "RESUME_CHECK_HALF_MESSAGE")                     \
  X(kSendReplyMessage, 324, "SEND_REPLY_MESSAGE")                                  \
  X(kSendReplyMessageV2, 325, "SEND_REPLY_MESSAGE_V2")                             \
  X(kPushReplyMessageToClient, 326, "PUSH_REPLY_MESSAGE_TO_CLIENT")                \
  X(kAddWritePermOfBroker, 327, "ADD_WRITE_PERM_OF_BROKER")                        \
  X(kGetAllProducerInfo, 328, "GET_ALL_PRODUCER_INFO")                             \
  X(kDeleteExpiredCommitlog, 329, "DELETE_EXPIRED_COMMITLOG")

// X(constant, code, JAVA_NAME, producer_retries): producer_retries marks the codes for which the
// Java producer retries a synchronous send on another broker (producer.md).
#define ORBIT_RESPONSE_CODES(X)                                                                 \
  X(kSuccess, 0, "SUCCESS", false)                                                              \
  X(kSystemError, 1, "SYSTEM_ERROR", true)                                                      \
  X(kSystemBusy, 2, "SYSTEM_BUSY", false)                                                       \
  X(kRequestCodeNotSupported, 3, "REQUEST_CODE_NOT_SUPPORTED", false)                           \
  X(kTransactionFailed, 4, "TRANSACTION_FAILED", false)                                         \
  X(kFlushDiskTimeout, 10, "FLUSH_DISK_TIMEOUT", false)                                         \
  X(kSlaveNotAvailable, 11, "SLAVE_NOT_AVAILABLE", false)                                       \
  X(kFlushSlaveTimeout, 12, "FLUSH_SLAVE_TIMEOUT", false)                                       \
  X(kMessageIllegal, 13, "MESSAGE_ILLEGAL", false)                                              \
  X(kServiceNotAvailable, 14, "SERVICE_NOT_AVAILABLE", true)                                    \
  X(kVersionNotSupported, 15, "VERSION_NOT_SUPPORTED", false)                                   \
  X(kNoPermission, 16, "NO_PERMISSION", true)                                                   \
  X(kTopicNotExist, 17, "TOPIC_NOT_EXIST", true)                                                \
  X(kTopicExistAlready, 18, "TOPIC_EXIST_ALREADY", false)                                       \
  X(kPullNotFound, 19, "PULL_NOT_FOUND", false)                                                 \
  X(kPullRetryImmediately, 20, "PULL_RETRY_IMMEDIATELY", false)                                 \
  X(kPullOffsetMoved, 21, "PULL_OFFSET_MOVED", false)                                           \
  X(kQueryNotFound, 22, "QUERY_NOT_FOUND", false)                                               \
  X(kSubscriptionParseFailed, 23, "SUBSCRIPTION_PARSE_FAILED", false)                           \
  X(kSubscriptionNotExist, 24, "SUBSCRIPTION_NOT_EXIST", false)                                 \
  X(kSubscriptionNotLatest, 25, "SUBSCRIPTION_NOT_LATEST", false)                               \
  X(kSubscriptionGroupNotExist, 26, "SUBSCRIPTION_GROUP_NOT_EXIST", false)                      \
  X(kFilterDataNotExist, 27, "FILTER_DATA_NOT_EXIST", false)                                    \
  X(kFilterDataNotLatest, 28, "FILTER_DATA_NOT_LATEST", false)                                  \
  X(kTransactionShouldCommit, 200, "TRANSACTION_SHOULD_COMMIT", false)                          \
  X(kTransactionShouldRollback, 201, "TRANSACTION_SHOULD_ROLLBACK", false)                      \
  X(kTransactionStateUnknow, 202, "TRANSACTION_STATE_UNKNOW", false)                            \
  X(kTransactionStateGroupWrong, 203, "TRANSACTION_STATE_GROUP_WRONG", false)                   \
  X(kNoBuyerId, 204, "NO_BUYER_ID", true)                                                       \
  X(kNotInCurrentUnit, 205, "NOT_IN_CURRENT_UNIT", true)                                        \
  X(kConsumerNotOnline, 206, "CONSUMER_NOT_ONLINE", false)                                      \
  X(kConsumeMsgTimeout, 207, "CONSUME_MSG_TIMEOUT", false)                                      \
  X(kNoMessage, 208, "NO_MESSAGE", false)                                                       \
  X(kUpdateAndCreateAclConfigFailed, 209, "UPDATE_AND_CREATE_ACL_CONFIG_FAILED", false)         \
  X(kDeleteAclConfigFailed, 210, "DELETE_ACL_CONFIG_FAILED", false)                             \
  X(kUpdateGlobalWhiteAddrsConfigFailed, 211, "UPDATE_GLOBAL_WHITE_ADDRS_CONFIG_FAILED", false) \
  X(kFlowControl, 215, "FLOW_CONTROL", false)

namespace orbit::protocol {

// Plain enums inside structs: the constants convert to the int32 code of a RemotingCommand.
struct RequestCode {
  enum : int32_t {
#define ORBIT_X(name, code, java) name = code,
    ORBIT_REQUEST_CODES(ORBIT_X)
#undef ORBIT_X
  };
};

struct ResponseCode {
  enum : int32_t {
#define ORBIT_X(name, code, java, retry) name = code,
    ORBIT_RESPONSE_CODES(ORBIT_X)
#undef ORBIT_X
  };
};

// Java name of a request code, or nullptr when unknown.
const char* RequestCodeName(int32_t code);
// Java name of a response code, or nullptr when unknown.
const char* ResponseCodeName(int32_t code);
// Whether the Java producer retries a sync send that failed with this response code.
bool ProducerRetriesResponse(int32_t code);

}  // namespace orbit::protocol
