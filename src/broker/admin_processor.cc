#include "broker/admin_processor.h"

#include "base/log.h"
#include "base/properties.h"
#include "broker/broker.h"
#include "broker/reply.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

AdminProcessor::AdminProcessor(Broker& broker) : broker_(broker) {
  config_version_.timestamp = broker.clock().NowMillis();
}

void AdminProcessor::Register(net::RemotingServer& server) {
  RegisterMethods<AdminProcessor>(
      server, this,
      {
          {RequestCode::kUpdateAndCreateTopic, &AdminProcessor::UpdateAndCreateTopic},
          {RequestCode::kDeleteTopicInBroker, &AdminProcessor::DeleteTopic},
          {RequestCode::kGetAllTopicConfig, &AdminProcessor::GetAllTopicConfig},
          {RequestCode::kUpdateAndCreateSubscriptiongroup,
           &AdminProcessor::UpdateAndCreateSubscriptionGroup},
          {RequestCode::kDeleteSubscriptiongroup, &AdminProcessor::DeleteSubscriptionGroup},
          {RequestCode::kGetBrokerConfig, &AdminProcessor::GetBrokerConfig},
          {RequestCode::kUpdateBrokerConfig, &AdminProcessor::UpdateBrokerConfig},
      });
}

void AdminProcessor::UpdateAndCreateTopic(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::CreateTopicRequestHeader>(conn, req);
  if (!h) return;
  if (h->topic == broker_.config().broker_cluster_name) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "the topic[" + h->topic + "] is conflict with system reserved words.");
  }
  protocol::TopicConfig tc;
  tc.topic_name = h->topic;
  tc.read_queue_nums = h->read_queue_nums;
  tc.write_queue_nums = h->write_queue_nums;
  tc.perm = h->perm;
  tc.topic_filter_type = h->topic_filter_type == "MULTI_TAG"
                             ? protocol::TopicFilterType::kMultiTag
                             : protocol::TopicFilterType::kSingleTag;
  tc.topic_sys_flag = h->topic_sys_flag.value_or(0);
  Status st = broker_.topics().Update(tc);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  // Routed before the answer, as Apache registers before answering.
  broker_.RegisterIfTopicsChanged(
      [conn, req = std::move(req)] { ReplyCode(conn, req, ResponseCode::kSuccess); });
}

void AdminProcessor::DeleteTopic(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::DeleteTopicRequestHeader>(conn, req);
  if (!h) return;
  Status st = broker_.topics().Delete(h->topic);
  if (st.ok()) st = broker_.store().DeleteTopics({h->topic});
  broker_.offsets().RemoveTopic(h->topic);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void AdminProcessor::GetAllTopicConfig(const net::ConnectionPtr& conn, RemotingCommand req) {
  ReplyBody(conn, req, broker_.topics().Snapshot().Encode());
}

void AdminProcessor::UpdateAndCreateSubscriptionGroup(const net::ConnectionPtr& conn,
                                                      RemotingCommand req) {
  auto config = protocol::SubscriptionGroupConfig::Decode(req.body);
  if (!config.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "subscription group config does not decode: " + config.status().message());
  }
  Status st = broker_.groups().Update(*config);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void AdminProcessor::DeleteSubscriptionGroup(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::DeleteSubscriptionGroupRequestHeader>(conn, req);
  if (!h) return;
  Status st = broker_.groups().Delete(h->group_name);
  if (h->remove_offset.value_or(false)) broker_.offsets().RemoveGroup(h->group_name);
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void AdminProcessor::GetBrokerConfig(const net::ConnectionPtr& conn, RemotingCommand req) {
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  resp.body = FormatBrokerConfig(broker_.config());
  protocol::GetBrokerConfigResponseHeader h;
  h.version = config_version_.Encode();
  h.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void AdminProcessor::UpdateBrokerConfig(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto props = ParseProperties(req.body);
  if (!props.ok())
    return ReplyCode(conn, req, ResponseCode::kSystemError, "string2Properties error");
  for (const auto& [key, value] : *props) {
    if (key == "configBlackList" || key == "brokerConfigPath") {
      return ReplyCode(conn, req, ResponseCode::kNoPermission,
                       "Can not update config in black list.");
    }
  }
  const BrokerConfig& current = broker_.config();
  BrokerConfig updated = current;
  std::vector<std::string> unknown;
  Status st = ApplyConfig(BrokerConfigFields(), *props, &updated, &unknown);
  if (st.ok() && unknown.empty()) st = updated.Validate();
  std::string names;
  for (const auto& key : unknown) names += (names.empty() ? "" : ", ") + key;
  if (!unknown.empty()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "unknown broker config key(s): " + names);
  }
  if (!st.ok()) return ReplyCode(conn, req, ResponseCode::kSystemError, st.message());
  for (const auto& field : BrokerConfigFields()) {
    if (field.get(updated) != field.get(current)) {
      names += (names.empty() ? "" : ", ") + field.key;
    }
  }
  if (!names.empty()) {
    ORBIT_LOG_WARN("updateBrokerConfig from {} refused: {} would change at runtime",
                   conn->remote_address(), names);
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "Orbit applies broker config at start only; not changed: " + names +
                         " (set them in broker.conf and restart the broker)");
  }
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

}  // namespace orbit::broker
