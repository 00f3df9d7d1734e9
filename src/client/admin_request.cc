#include "client/admin_request.h"

#include <algorithm>

#include "base/properties.h"
#include "client/received.h"
#include "protocol/bodies.h"
#include "protocol/headers.h"
#include "protocol/message.h"

namespace orbit::client {

using protocol::RemotingCommand;
using protocol::RequestCode;

namespace {

// A request whose header is `h` (nothing when the request has no header).
template <typename Header>
RemotingCommand WithHeader(int32_t code, const Header& h) {
  RemotingCommand request = RemotingCommand::Request(code);
  h.Encode(&request.ext_fields);
  return request;
}

BrokerAddrs ToBrokerAddrs(const protocol::BrokerData& data) {
  return BrokerAddrs{data.cluster, data.broker_name, data.broker_addrs};
}

MessageQueue ToQueue(const protocol::MessageQueue& mq) {
  return MessageQueue{mq.topic, mq.broker_name, mq.queue_id};
}

}  // namespace

RemotingCommand BuildClusterInfoRequest() {
  return RemotingCommand::Request(RequestCode::kGetBrokerClusterInfo);
}

RemotingCommand BuildTopicListRequest() {
  return RemotingCommand::Request(RequestCode::kGetAllTopicListFromNameserver);
}

RemotingCommand BuildRouteRequest(const std::string& topic) {
  protocol::GetRouteInfoRequestHeader h;
  h.topic = topic;
  return WithHeader(RequestCode::kGetRouteinfoByTopic, h);
}

RemotingCommand BuildDeleteTopicInNameServerRequest(const std::string& topic) {
  protocol::DeleteTopicFromNamesrvRequestHeader h;
  h.topic = topic;
  return WithHeader(RequestCode::kDeleteTopicInNamesrv, h);
}

RemotingCommand BuildCreateTopicRequest(const TopicSettings& settings) {
  protocol::CreateTopicRequestHeader h;
  h.topic = settings.topic;
  h.default_topic = "TBW102";  // Java's TopicValidator.AUTO_CREATE_TOPIC_KEY_TOPIC
  h.read_queue_nums = settings.read_queue_nums;
  h.write_queue_nums = settings.write_queue_nums;
  h.perm = settings.perm;
  h.topic_filter_type = "SINGLE_TAG";
  h.topic_sys_flag = settings.topic_sys_flag;
  h.order = settings.order;
  return WithHeader(RequestCode::kUpdateAndCreateTopic, h);
}

RemotingCommand BuildDeleteTopicInBrokerRequest(const std::string& topic) {
  protocol::DeleteTopicRequestHeader h;
  h.topic = topic;
  return WithHeader(RequestCode::kDeleteTopicInBroker, h);
}

RemotingCommand BuildRuntimeInfoRequest() {
  return RemotingCommand::Request(RequestCode::kGetBrokerRuntimeInfo);
}

RemotingCommand BuildGetBrokerConfigRequest() {
  return RemotingCommand::Request(RequestCode::kGetBrokerConfig);
}

RemotingCommand BuildUpdateBrokerConfigRequest(
    const std::map<std::string, std::string>& properties) {
  RemotingCommand request = RemotingCommand::Request(RequestCode::kUpdateBrokerConfig);
  request.body = FormatProperties(PropertyList(properties.begin(), properties.end()));
  return request;
}

RemotingCommand BuildTopicStatsRequest(const std::string& topic) {
  protocol::GetTopicStatsInfoRequestHeader h;
  h.topic = topic;
  return WithHeader(RequestCode::kGetTopicStatsInfo, h);
}

RemotingCommand BuildTopicConsumeByWhoRequest(const std::string& topic) {
  protocol::QueryTopicConsumeByWhoRequestHeader h;
  h.topic = topic;
  return WithHeader(RequestCode::kQueryTopicConsumeByWho, h);
}

RemotingCommand BuildConsumeStatsRequest(const std::string& group, const std::string& topic) {
  protocol::GetConsumeStatsRequestHeader h;
  h.consumer_group = group;
  if (!topic.empty()) h.topic = topic;
  return WithHeader(RequestCode::kGetConsumeStats, h);
}

RemotingCommand BuildCreateSubscriptionGroupRequest(const SubscriptionGroupSettings& settings) {
  protocol::SubscriptionGroupConfig config;
  config.group_name = settings.group;
  config.consume_enable = settings.consume_enable;
  config.consume_from_min_enable = settings.consume_from_min_enable;
  config.consume_broadcast_enable = settings.consume_broadcast_enable;
  config.retry_queue_nums = settings.retry_queue_nums;
  config.retry_max_times = settings.retry_max_times;
  config.broker_id = settings.broker_id;
  config.which_broker_when_consume_slowly = settings.which_broker_when_consume_slowly;
  config.notify_consumer_ids_changed_enable = settings.notify_consumer_ids_changed_enable;
  RemotingCommand request =
      RemotingCommand::Request(RequestCode::kUpdateAndCreateSubscriptiongroup);
  request.body = config.Encode();
  return request;
}

RemotingCommand BuildDeleteSubscriptionGroupRequest(const std::string& group) {
  protocol::DeleteSubscriptionGroupRequestHeader h;
  h.group_name = group;
  return WithHeader(RequestCode::kDeleteSubscriptiongroup, h);
}

RemotingCommand BuildConsumerConnectionRequest(const std::string& group) {
  protocol::GetConsumerConnectionListRequestHeader h;
  h.consumer_group = group;
  return WithHeader(RequestCode::kGetConsumerConnectionList, h);
}

RemotingCommand BuildProducerConnectionRequest(const std::string& group) {
  protocol::GetProducerConnectionListRequestHeader h;
  h.producer_group = group;
  return WithHeader(RequestCode::kGetProducerConnectionList, h);
}

RemotingCommand BuildResetOffsetRequest(const std::string& topic, const std::string& group,
                                        int64_t timestamp_ms, bool force) {
  protocol::ResetOffsetRequestHeader h;
  h.topic = topic;
  h.group = group;
  h.timestamp = timestamp_ms;
  h.is_force = force;
  RemotingCommand request = WithHeader(RequestCode::kInvokeBrokerToResetOffset, h);
  // A broker passes the new offsets on to the group's consumers in the form the requester's
  // language asks for: a list for CPP (which Java consumers cannot read), a map otherwise. Orbit
  // consumers read both; Java ones only the map, so the request says JAVA, as mqadmin does.
  request.language = protocol::LanguageCode::kJava;
  return request;
}

RemotingCommand BuildViewMessageRequest(int64_t commit_log_offset) {
  protocol::ViewMessageRequestHeader h;
  h.offset = commit_log_offset;
  return WithHeader(RequestCode::kViewMessageById, h);
}

RemotingCommand BuildQueryMessageRequest(const std::string& topic, const std::string& key,
                                         int32_t max_num, int64_t begin_ms, int64_t end_ms,
                                         bool unique_key) {
  protocol::QueryMessageRequestHeader h;
  h.topic = topic;
  h.key = key;
  h.max_num = max_num;
  h.begin_timestamp = begin_ms;
  h.end_timestamp = end_ms;
  RemotingCommand request = WithHeader(RequestCode::kQueryMessage, h);
  // The broker reads the flag outside the header (and ACL leaves it out of the signature).
  request.ext_fields.Set("_UNIQUE_KEY_QUERY", unique_key ? "true" : "false");
  return request;
}

RemotingCommand BuildConsumerRunningInfoRequest(const std::string& group,
                                                const std::string& client_id, bool jstack) {
  protocol::GetConsumerRunningInfoRequestHeader h;
  h.consumer_group = group;
  h.client_id = client_id;
  h.jstack_enable = jstack;
  return WithHeader(RequestCode::kGetConsumerRunningInfo, h);
}

RemotingCommand BuildConsumeMessageDirectlyRequest(const std::string& group,
                                                   const std::string& client_id,
                                                   const std::string& offset_msg_id) {
  protocol::ConsumeMessageDirectlyResultRequestHeader h;
  h.consumer_group = group;
  h.client_id = client_id;
  h.msg_id = offset_msg_id;
  return WithHeader(RequestCode::kConsumeMessageDirectly, h);
}

Result<ClusterInfo> DecodeClusterInfo(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::ClusterInfo decoded, protocol::ClusterInfo::Decode(body));
  ClusterInfo out;
  for (const auto& [name, data] : decoded.broker_addr_table) {
    out.brokers[name] = ToBrokerAddrs(data);
  }
  for (const auto& [cluster, names] : decoded.cluster_addr_table) {
    out.clusters[cluster].insert(names.begin(), names.end());
  }
  return out;
}

Result<TopicRoute> DecodeTopicRoute(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::TopicRouteData decoded, protocol::TopicRouteData::Decode(body));
  TopicRoute out;
  out.order_topic_conf = decoded.order_topic_conf;
  for (const auto& qd : decoded.queue_datas) {
    out.queues.push_back(TopicQueueData{qd.broker_name, qd.read_queue_nums, qd.write_queue_nums,
                                        qd.perm, qd.topic_sys_flag});
  }
  for (const auto& bd : decoded.broker_datas) out.brokers.push_back(ToBrokerAddrs(bd));
  return out;
}

Result<std::vector<std::string>> DecodeTopicList(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::TopicList decoded, protocol::TopicList::Decode(body));
  return std::move(decoded.topic_list);
}

Result<std::map<std::string, std::string>> DecodeKVTable(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::KVTable decoded, protocol::KVTable::Decode(body));
  return std::move(decoded.table);
}

Result<ConsumeProgress> DecodeConsumeStats(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::ConsumeStats decoded, protocol::ConsumeStats::Decode(body));
  ConsumeProgress out;
  out.consume_tps = decoded.consume_tps;
  for (const auto& [mq, offsets] : decoded.offset_table) {
    out.queues.push_back(QueueProgress{ToQueue(mq), offsets.broker_offset, offsets.consumer_offset,
                                       offsets.last_timestamp});
  }
  // orbit::MessageQueue orders by topic, broker name, queue id: the order mqadmin prints.
  std::sort(out.queues.begin(), out.queues.end(),
            [](const QueueProgress& a, const QueueProgress& b) { return a.queue < b.queue; });
  return out;
}

Result<std::vector<TopicQueueStats>> DecodeTopicStats(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::TopicStatsTable decoded,
                         protocol::TopicStatsTable::Decode(body));
  std::vector<TopicQueueStats> out;
  for (const auto& [mq, offsets] : decoded.offset_table) {
    out.push_back(TopicQueueStats{ToQueue(mq), offsets.min_offset, offsets.max_offset,
                                  offsets.last_update_timestamp});
  }
  std::sort(out.begin(), out.end(),
            [](const TopicQueueStats& a, const TopicQueueStats& b) { return a.queue < b.queue; });
  return out;
}

Result<std::map<std::string, std::string>> DecodeProperties(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(PropertyList list, ParseProperties(body));
  std::map<std::string, std::string> out;
  // Later keys override earlier ones, as when Java loads the text.
  for (auto& [key, value] : list) out[key] = std::move(value);
  return out;
}

Result<std::vector<MessageExt>> DecodeStoredMessages(std::string_view body) {
  std::vector<protocol::MessageRecord> records;
  ORBIT_RETURN_IF_ERROR(protocol::DecodeRecords(body, &records));
  std::vector<MessageExt> out;
  out.reserve(records.size());
  for (const auto& record : records) {
    ORBIT_ASSIGN_OR_RETURN(MessageExt msg, ToMessageExt(record));
    out.push_back(std::move(msg));
  }
  return out;
}

Result<ConsumerRunningInfo> DecodeConsumerRunningInfo(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::ConsumerRunningInfo decoded,
                         protocol::ConsumerRunningInfo::Decode(body));
  ConsumerRunningInfo out;
  out.properties = std::move(decoded.properties);
  for (const auto& sub : decoded.subscription_set) out.subscriptions[sub.topic] = sub.sub_string;
  for (const auto& [mq, pq] : decoded.mq_table) {
    out.queues[ToQueue(mq)] = ProcessQueueState{
        .commit_offset = pq.commit_offset,
        .cached_msg_min_offset = pq.cached_msg_min_offset,
        .cached_msg_max_offset = pq.cached_msg_max_offset,
        .cached_msg_count = pq.cached_msg_count,
        .cached_msg_size_mib = pq.cached_msg_size_in_mib,
        .transaction_msg_min_offset = pq.transaction_msg_min_offset,
        .transaction_msg_max_offset = pq.transaction_msg_max_offset,
        .transaction_msg_count = pq.transaction_msg_count,
        .locked = pq.locked,
        .try_unlock_times = pq.try_unlock_times,
        .last_lock_timestamp = pq.last_lock_timestamp,
        .dropped = pq.droped,
        .last_pull_timestamp = pq.last_pull_timestamp,
        .last_consume_timestamp = pq.last_consume_timestamp,
    };
  }
  for (const auto& [topic, st] : decoded.status_table) {
    out.statuses[topic] = TopicConsumeStatus{
        .pull_rt = st.pull_rt,
        .pull_tps = st.pull_tps,
        .consume_rt = st.consume_rt,
        .consume_ok_tps = st.consume_ok_tps,
        .consume_failed_tps = st.consume_failed_tps,
        .consume_failed_msgs = st.consume_failed_msgs,
    };
  }
  out.jstack = std::move(decoded.jstack);
  return out;
}

Result<ConsumeDirectlyResult> DecodeConsumeDirectlyResult(std::string_view body) {
  ORBIT_ASSIGN_OR_RETURN(protocol::ConsumeMessageDirectlyResult decoded,
                         protocol::ConsumeMessageDirectlyResult::Decode(body));
  ConsumeDirectlyResult out;
  out.order = decoded.order;
  out.auto_commit = decoded.auto_commit;
  if (decoded.consume_result) {
    const auto& names = protocol::JavaEnumTraits<protocol::CMResult>::kNames;
    const auto index = static_cast<size_t>(*decoded.consume_result);
    if (index < std::size(names)) out.result = std::string(names[index]);
  }
  out.remark = std::move(decoded.remark);
  out.spent_time_ms = decoded.spent_time_mills;
  return out;
}

}  // namespace orbit::client
