#pragma once

// Typed custom headers: the extFields of a RemotingCommand as C++ structs, one per Java
// CommandCustomHeader of RocketMQ 4.9.8 (plus the optional 5.x fields), per
// shared/protocol/headers.md. Grouped by area:
//   headers_send.h         send V1/V2, send response, reply push
//   headers_pull.h         pull, consumer offsets, max/min/earliest offset, search by time
//   headers_consumer.h     send-back, consumer list, unregister, running info, reset offset...
//   headers_transaction.h  end/check transaction, query/view message
//   headers_namesrv.h      register/unregister broker, route info, KV config, write perm...
//   headers_admin.h        topic and group administration, stats
//
// Contract shared by every header struct T:
//   * Members are named after the Java fields (snake_case); the extFields keys are the Java
//     field names verbatim ("clientID", "bodyCrc32", "isOrder", "a".."n"). T::VisitFields lists
//     them in Java's declaration order and is the single source of both directions.
//   * A plain member (std::string, int32_t, int64_t, bool) is a required (@CFNotNull) field;
//     a std::optional member is optional. Optional fields Java declares with a default
//     (primitive boolean/int, `= false`, `= 0`) are optionals initialised to that default, so a
//     header built in code encodes like Java's; Decode leaves them nullopt when the key is
//     absent, so a decoded header re-encodes exactly the keys it was given.
//   * static Result<T> Decode(const ExtFields&): a missing required key -> kMissingField naming
//     the key; an Integer/Long that is not [+-]?[0-9]+ or out of range -> kMalformed naming the
//     key (stricter than Java, which logs and keeps the default). Booleans follow
//     Boolean.parseBoolean: case-insensitive "true" is true, anything else false, never an error.
//     Keys the header does not own (AccessKey, Signature, ReqT, bname where not a field...) are
//     ignored. Never throws, never crashes, on any input.
//   * void Encode(ExtFields*) const: writes every present field as Java's toString() would
//     (decimal integers, "true"/"false"); absent optionals are not written. Into an empty
//     ExtFields the fields are appended; otherwise an existing key is replaced.
//   * Requests without a custom header (HEART_BEAT, LOCK_BATCH_MQ, ...) and responses whose header
//     is empty (UPDATE_CONSUMER_OFFSET, GET_CONSUMER_LIST_BY_GROUP, ...) have no struct.

#include "protocol/codes.h"
#include "protocol/headers_admin.h"
#include "protocol/headers_consumer.h"
#include "protocol/headers_namesrv.h"
#include "protocol/headers_pull.h"
#include "protocol/headers_send.h"
#include "protocol/headers_transaction.h"

// X(RequestCode constant, header type): the custom header of each request that has one.
#define ORBIT_REQUEST_HEADERS(X)                                        \
  X(kSendMessage, SendMessageRequestHeader)                             \
  X(kPullMessage, PullMessageRequestHeader)                             \
  X(kQueryMessage, QueryMessageRequestHeader)                           \
  X(kQueryConsumerOffset, QueryConsumerOffsetRequestHeader)             \
  X(kUpdateConsumerOffset, UpdateConsumerOffsetRequestHeader)           \
  X(kUpdateAndCreateTopic, CreateTopicRequestHeader)                    \
  X(kSearchOffsetByTimestamp, SearchOffsetRequestHeader)                \
  X(kGetMaxOffset, GetMaxOffsetRequestHeader)                           \
  X(kGetMinOffset, GetMinOffsetRequestHeader)                           \
  X(kGetEarliestMsgStoretime, GetEarliestMsgStoretimeRequestHeader)     \
  X(kViewMessageById, ViewMessageRequestHeader)                         \
  X(kUnregisterClient, UnregisterClientRequestHeader)                   \
  X(kConsumerSendMsgBack, ConsumerSendMsgBackRequestHeader)             \
  X(kEndTransaction, EndTransactionRequestHeader)                       \
  X(kGetConsumerListByGroup, GetConsumerListByGroupRequestHeader)       \
  X(kCheckTransactionState, CheckTransactionStateRequestHeader)         \
  X(kNotifyConsumerIdsChanged, NotifyConsumerIdsChangedRequestHeader)   \
  X(kPutKvConfig, PutKVConfigRequestHeader)                             \
  X(kGetKvConfig, GetKVConfigRequestHeader)                             \
  X(kDeleteKvConfig, DeleteKVConfigRequestHeader)                       \
  X(kRegisterBroker, RegisterBrokerRequestHeader)                       \
  X(kUnregisterBroker, UnRegisterBrokerRequestHeader)                   \
  X(kGetRouteinfoByTopic, GetRouteInfoRequestHeader)                    \
  X(kGetTopicStatsInfo, GetTopicStatsInfoRequestHeader)                 \
  X(kGetConsumerConnectionList, GetConsumerConnectionListRequestHeader) \
  X(kGetProducerConnectionList, GetProducerConnectionListRequestHeader) \
  X(kWipeWritePermOfBroker, WipeWritePermOfBrokerRequestHeader)         \
  X(kDeleteSubscriptiongroup, DeleteSubscriptionGroupRequestHeader)     \
  X(kGetConsumeStats, GetConsumeStatsRequestHeader)                     \
  X(kDeleteTopicInBroker, DeleteTopicRequestHeader)                     \
  X(kDeleteTopicInNamesrv, DeleteTopicFromNamesrvRequestHeader)         \
  X(kGetKvlistByNamespace, GetKVListByNamespaceRequestHeader)           \
  X(kResetConsumerClientOffset, ResetOffsetRequestHeader)               \
  X(kGetConsumerStatusFromClient, GetConsumerStatusRequestHeader)       \
  X(kInvokeBrokerToResetOffset, ResetOffsetRequestHeader)               \
  X(kInvokeBrokerToGetConsumerStatus, GetConsumerStatusRequestHeader)   \
  X(kGetTopicsByCluster, GetTopicsByClusterRequestHeader)               \
  X(kQueryTopicConsumeByWho, QueryTopicConsumeByWhoRequestHeader)       \
  X(kQueryConsumeTimeSpan, QueryConsumeTimeSpanRequestHeader)           \
  X(kGetConsumerRunningInfo, GetConsumerRunningInfoRequestHeader)       \
  X(kConsumeMessageDirectly, ConsumeMessageDirectlyResultRequestHeader) \
  X(kSendMessageV2, SendMessageRequestHeaderV2)                         \
  X(kCloneGroupOffset, CloneGroupOffsetRequestHeader)                   \
  X(kViewBrokerStatsData, ViewBrokerStatsDataRequestHeader)             \
  X(kGetBrokerConsumeStats, GetConsumeStatsInBrokerHeader)              \
  X(kSendBatchMessage, SendMessageRequestHeaderV2)                      \
  X(kQueryConsumeQueue, QueryConsumeQueueRequestHeader)                 \
  X(kQueryDataVersion, QueryDataVersionRequestHeader)                   \
  X(kResumeCheckHalfMessage, ResumeCheckHalfMessageRequestHeader)       \
  X(kSendReplyMessage, SendMessageRequestHeader)                        \
  X(kSendReplyMessageV2, SendMessageRequestHeaderV2)                    \
  X(kPushReplyMessageToClient, ReplyMessageRequestHeader)               \
  X(kAddWritePermOfBroker, AddWritePermOfBrokerRequestHeader)

// X(RequestCode constant, header type): the custom header of a SUCCESS response to that request,
// for the requests whose response header is not empty. (PULL_MESSAGE also carries its header with
// PULL_NOT_FOUND, PULL_RETRY_IMMEDIATELY and PULL_OFFSET_MOVED.)
#define ORBIT_RESPONSE_HEADERS(X)                                    \
  X(kSendMessage, SendMessageResponseHeader)                         \
  X(kPullMessage, PullMessageResponseHeader)                         \
  X(kQueryMessage, QueryMessageResponseHeader)                       \
  X(kQueryConsumerOffset, QueryConsumerOffsetResponseHeader)         \
  X(kGetBrokerConfig, GetBrokerConfigResponseHeader)                 \
  X(kSearchOffsetByTimestamp, SearchOffsetResponseHeader)            \
  X(kGetMaxOffset, GetMaxOffsetResponseHeader)                       \
  X(kGetMinOffset, GetMinOffsetResponseHeader)                       \
  X(kGetEarliestMsgStoretime, GetEarliestMsgStoretimeResponseHeader) \
  X(kGetKvConfig, GetKVConfigResponseHeader)                         \
  X(kRegisterBroker, RegisterBrokerResponseHeader)                   \
  X(kWipeWritePermOfBroker, WipeWritePermOfBrokerResponseHeader)     \
  X(kSendMessageV2, SendMessageResponseHeader)                       \
  X(kSendBatchMessage, SendMessageResponseHeader)                    \
  X(kQueryDataVersion, QueryDataVersionResponseHeader)               \
  X(kSendReplyMessage, SendMessageResponseHeader)                    \
  X(kSendReplyMessageV2, SendMessageResponseHeader)                  \
  X(kAddWritePermOfBroker, AddWritePermOfBrokerResponseHeader)

// X(header type): every typed header, once.
#define ORBIT_HEADER_TYPES(X)                  \
  X(SendMessageRequestHeader)                  \
  X(SendMessageRequestHeaderV2)                \
  X(SendMessageResponseHeader)                 \
  X(ReplyMessageRequestHeader)                 \
  X(PullMessageRequestHeader)                  \
  X(PullMessageResponseHeader)                 \
  X(QueryConsumerOffsetRequestHeader)          \
  X(QueryConsumerOffsetResponseHeader)         \
  X(UpdateConsumerOffsetRequestHeader)         \
  X(GetMaxOffsetRequestHeader)                 \
  X(GetMaxOffsetResponseHeader)                \
  X(GetMinOffsetRequestHeader)                 \
  X(GetMinOffsetResponseHeader)                \
  X(GetEarliestMsgStoretimeRequestHeader)      \
  X(GetEarliestMsgStoretimeResponseHeader)     \
  X(SearchOffsetRequestHeader)                 \
  X(SearchOffsetResponseHeader)                \
  X(ConsumerSendMsgBackRequestHeader)          \
  X(GetConsumerListByGroupRequestHeader)       \
  X(UnregisterClientRequestHeader)             \
  X(NotifyConsumerIdsChangedRequestHeader)     \
  X(GetConsumerRunningInfoRequestHeader)       \
  X(ConsumeMessageDirectlyResultRequestHeader) \
  X(ResetOffsetRequestHeader)                  \
  X(GetConsumerStatusRequestHeader)            \
  X(EndTransactionRequestHeader)               \
  X(CheckTransactionStateRequestHeader)        \
  X(CheckTransactionStateResponseHeader)       \
  X(QueryMessageRequestHeader)                 \
  X(QueryMessageResponseHeader)                \
  X(ViewMessageRequestHeader)                  \
  X(RegisterBrokerRequestHeader)               \
  X(RegisterBrokerResponseHeader)              \
  X(UnRegisterBrokerRequestHeader)             \
  X(QueryDataVersionRequestHeader)             \
  X(QueryDataVersionResponseHeader)            \
  X(GetRouteInfoRequestHeader)                 \
  X(PutKVConfigRequestHeader)                  \
  X(GetKVConfigRequestHeader)                  \
  X(GetKVConfigResponseHeader)                 \
  X(DeleteKVConfigRequestHeader)               \
  X(GetKVListByNamespaceRequestHeader)         \
  X(DeleteTopicFromNamesrvRequestHeader)       \
  X(GetTopicsByClusterRequestHeader)           \
  X(WipeWritePermOfBrokerRequestHeader)        \
  X(WipeWritePermOfBrokerResponseHeader)       \
  X(AddWritePermOfBrokerRequestHeader)         \
  X(AddWritePermOfBrokerResponseHeader)        \
  X(CreateTopicRequestHeader)                  \
  X(DeleteTopicRequestHeader)                  \
  X(GetTopicStatsInfoRequestHeader)            \
  X(GetConsumeStatsRequestHeader)              \
  X(GetConsumerConnectionListRequestHeader)    \
  X(GetProducerConnectionListRequestHeader)    \
  X(QueryTopicConsumeByWhoRequestHeader)       \
  X(DeleteSubscriptionGroupRequestHeader)      \
  X(GetConsumeStatsInBrokerHeader)             \
  X(QueryConsumeTimeSpanRequestHeader)         \
  X(CloneGroupOffsetRequestHeader)             \
  X(ViewBrokerStatsDataRequestHeader)          \
  X(QueryConsumeQueueRequestHeader)            \
  X(ResumeCheckHalfMessageRequestHeader)       \
  X(GetBrokerConfigResponseHeader)
