#pragma once

// The admin client's requests and the decoding of their answers (Java's MQClientAPIImpl admin
// calls, as Apache 4.9.8's mqadmin sends them; checked against the golden captures 14-16), kept
// apart from the client so that tests build and parse exactly what the admin client does.

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "orbit/admin.h"
#include "protocol/remoting_command.h"

namespace orbit::client {

// Name-server requests.
protocol::RemotingCommand BuildClusterInfoRequest();  // GET_BROKER_CLUSTER_INFO
protocol::RemotingCommand BuildTopicListRequest();    // GET_ALL_TOPIC_LIST_FROM_NAMESERVER
protocol::RemotingCommand BuildRouteRequest(const std::string& topic);  // GET_ROUTEINFO_BY_TOPIC
protocol::RemotingCommand BuildDeleteTopicInNameServerRequest(const std::string& topic);

// Broker requests.
// UPDATE_AND_CREATE_TOPIC: default topic TBW102, filter type SINGLE_TAG, as mqadmin updateTopic.
protocol::RemotingCommand BuildCreateTopicRequest(const TopicSettings& settings);
protocol::RemotingCommand BuildDeleteTopicInBrokerRequest(const std::string& topic);
protocol::RemotingCommand BuildRuntimeInfoRequest();  // GET_BROKER_RUNTIME_INFO
protocol::RemotingCommand BuildGetBrokerConfigRequest();
protocol::RemotingCommand BuildUpdateBrokerConfigRequest(
    const std::map<std::string, std::string>& properties);
protocol::RemotingCommand BuildTopicStatsRequest(const std::string& topic);
protocol::RemotingCommand BuildTopicConsumeByWhoRequest(const std::string& topic);
// GET_CONSUME_STATS; an empty `topic` leaves the header field out (every topic of the group).
protocol::RemotingCommand BuildConsumeStatsRequest(const std::string& group,
                                                   const std::string& topic = "");
protocol::RemotingCommand BuildCreateSubscriptionGroupRequest(
    const SubscriptionGroupSettings& settings);
protocol::RemotingCommand BuildDeleteSubscriptionGroupRequest(const std::string& group);
protocol::RemotingCommand BuildConsumerConnectionRequest(const std::string& group);
protocol::RemotingCommand BuildProducerConnectionRequest(const std::string& group);
// INVOKE_BROKER_TO_RESET_OFFSET.
protocol::RemotingCommand BuildResetOffsetRequest(const std::string& topic,
                                                  const std::string& group, int64_t timestamp_ms,
                                                  bool force);
// VIEW_MESSAGE_BY_ID of the record at `commit_log_offset`.
protocol::RemotingCommand BuildViewMessageRequest(int64_t commit_log_offset);
// QUERY_MESSAGE; `unique_key` adds _UNIQUE_KEY_QUERY=true (Java always sends the flag).
protocol::RemotingCommand BuildQueryMessageRequest(const std::string& topic, const std::string& key,
                                                   int32_t max_num, int64_t begin_ms,
                                                   int64_t end_ms, bool unique_key);
// GET_CONSUMER_RUNNING_INFO for client `client_id` of `group` (jstackEnable always sent).
protocol::RemotingCommand BuildConsumerRunningInfoRequest(const std::string& group,
                                                          const std::string& client_id,
                                                          bool jstack);
// CONSUME_MESSAGE_DIRECTLY: consumerGroup, clientId and msgId (an offset message id), as Java's
// MQClientAPIImpl sends it; the broker adds brokerName and the stored message as the body.
protocol::RemotingCommand BuildConsumeMessageDirectlyRequest(const std::string& group,
                                                             const std::string& client_id,
                                                             const std::string& offset_msg_id);

// Answers' bodies.
Result<ClusterInfo> DecodeClusterInfo(std::string_view body);
Result<TopicRoute> DecodeTopicRoute(std::string_view body);
Result<std::vector<std::string>> DecodeTopicList(std::string_view body);
Result<std::map<std::string, std::string>> DecodeKVTable(std::string_view body);
// GET_CONSUME_STATS, queues sorted by topic, broker name and queue id.
Result<ConsumeProgress> DecodeConsumeStats(std::string_view body);
Result<std::vector<TopicQueueStats>> DecodeTopicStats(std::string_view body);
// Java .properties text (GET_BROKER_CONFIG).
Result<std::map<std::string, std::string>> DecodeProperties(std::string_view body);
// Stored records one after another (VIEW_MESSAGE_BY_ID, QUERY_MESSAGE).
Result<std::vector<MessageExt>> DecodeStoredMessages(std::string_view body);
// A consumer's ConsumerRunningInfo (GET_CONSUMER_RUNNING_INFO).
Result<ConsumerRunningInfo> DecodeConsumerRunningInfo(std::string_view body);
// ConsumeMessageDirectlyResult (CONSUME_MESSAGE_DIRECTLY).
Result<ConsumeDirectlyResult> DecodeConsumeDirectlyResult(std::string_view body);

}  // namespace orbit::client
