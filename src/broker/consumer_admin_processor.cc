#include "broker/consumer_admin_processor.h"

#include <map>
#include <optional>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/reply.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message_id.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

protocol::Connection ToConnection(const ClientChannelInfo& info) {
  protocol::Connection c;
  c.client_id = info.client_id;
  c.client_addr = info.conn != nullptr ? info.conn->remote_address() : std::string();
  c.language = protocol::LanguageFromName(info.language);
  c.version = info.version;
  return c;
}

}  // namespace

void ConsumerAdminProcessor::Register(net::RemotingServer& server) {
  RegisterMethods<ConsumerAdminProcessor>(
      server, this,
      {
          {RequestCode::kGetConsumerConnectionList,
           &ConsumerAdminProcessor::GetConsumerConnectionList},
          {RequestCode::kGetProducerConnectionList,
           &ConsumerAdminProcessor::GetProducerConnectionList},
          {RequestCode::kInvokeBrokerToResetOffset, &ConsumerAdminProcessor::ResetOffset},
          {RequestCode::kGetConsumerRunningInfo, &ConsumerAdminProcessor::GetConsumerRunningInfo},
          {RequestCode::kConsumeMessageDirectly, &ConsumerAdminProcessor::ConsumeMessageDirectly},
      });
}

void ConsumerAdminProcessor::GetConsumerConnectionList(const net::ConnectionPtr& conn,
                                                       RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetConsumerConnectionListRequestHeader>(conn, req);
  if (!h) return;
  auto group = broker_.consumers().FindGroup(h->consumer_group);
  if (!group) {
    return ReplyCode(conn, req, ResponseCode::kConsumerNotOnline,
                     "the consumer group[" + h->consumer_group + "] not online");
  }
  protocol::ConsumerConnection body;
  body.consume_from_where = group->consume_from_where;
  body.consume_type = group->consume_type;
  body.message_model = group->message_model;
  body.subscription_table.insert(group->subscriptions.begin(), group->subscriptions.end());
  for (const auto& [id, info] : group->channels) body.connection_set.push_back(ToConnection(info));
  ReplyBody(conn, req, body.Encode());
}

void ConsumerAdminProcessor::GetProducerConnectionList(const net::ConnectionPtr& conn,
                                                       RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetProducerConnectionListRequestHeader>(conn, req);
  if (!h) return;
  std::vector<ClientChannelInfo> channels = broker_.producers().Connections(h->producer_group);
  if (channels.empty()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "the producer group[" + h->producer_group + "] not exist");
  }
  protocol::ProducerConnection body;
  for (const auto& info : channels) body.connection_set.push_back(ToConnection(info));
  ReplyBody(conn, req, body.Encode());
}

void ConsumerAdminProcessor::ResetOffset(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::ResetOffsetRequestHeader>(conn, req);
  if (!h) return;
  ORBIT_LOG_INFO(
      "[reset-offset] reset offset started by {}. topic={}, group={}, timestamp={}, "
      "isForce={}",
      conn->remote_address(), h->topic, h->group, h->timestamp, h->is_force);
  auto topic = broker_.topics().Find(h->topic);
  if (!topic) {
    return ReplyCode(
        conn, req, ResponseCode::kSystemError,
        "[reset-offset] reset offset failed, no topic in this broker. topic=" + h->topic);
  }
  store::MessageStore& store = broker_.store();
  std::map<protocol::MessageQueue, int64_t> offsets;
  for (int32_t i = 0; i < topic->write_queue_nums; ++i) {
    int64_t committed = broker_.offsets().Query(h->group, h->topic, i);
    if (committed == -1) {
      return ReplyCode(conn, req, ResponseCode::kSystemError,
                       "THe consumer group <" + h->group + "> not exist");
    }
    int64_t target = h->timestamp == -1 ? store.GetMaxOffsetInQueue(h->topic, i)
                                        : store.GetOffsetInQueueByTime(h->topic, i, h->timestamp);
    target = std::max<int64_t>(target, 0);
    offsets[protocol::MessageQueue{h->topic, broker_.config().broker_name, i}] =
        h->is_force || target < committed ? target : committed;
  }

  auto group = broker_.consumers().FindGroup(h->group);
  if (!group || group->channels.empty()) {
    return ReplyCode(conn, req, ResponseCode::kConsumerNotOnline,
                     "Consumer not online, so can not reset offset, Group: " + h->group +
                         " Topic: " + h->topic + " Timestamp: " + std::to_string(h->timestamp));
  }
  // Checked for every client before any is told, so that a reset is never half done.
  for (const auto& [id, info] : group->channels) {
    if (info.version < kVersionV3_0_7_Snapshot) {
      return ReplyCode(
          conn, req, ResponseCode::kSystemError,
          "the client does not support this feature. version=" + std::to_string(info.version));
    }
  }

  RemotingCommand push = RemotingCommand::Request(RequestCode::kResetConsumerClientOffset);
  protocol::ResetOffsetRequestHeader ph;
  ph.topic = h->topic;
  ph.group = h->group;
  ph.timestamp = h->timestamp;
  ph.Encode(&push.ext_fields);
  if (req.language == protocol::LanguageCode::kCpp) {
    protocol::ResetOffsetBodyForC body;
    for (const auto& [mq, offset] : offsets) {
      body.offset_table.push_back({mq.topic, mq.broker_name, mq.queue_id, offset});
    }
    push.body = body.Encode();
  } else {
    protocol::ResetOffsetBody body;
    body.offset_table = offsets;
    push.body = body.Encode();
  }
  // Orbit commits the new offsets itself too, so that they hold even when a client goes away
  // before it persists them.
  for (const auto& [mq, offset] : offsets) {
    broker_.offsets().Commit(h->group, h->topic, mq.queue_id, offset);
  }
  for (const auto& [id, info] : group->channels) {
    if (info.conn == nullptr || info.conn->closed()) continue;
    Status st = broker_.server().InvokeOneway(info.conn, push);
    if (st.ok()) {
      ORBIT_LOG_INFO("[reset-offset] reset offset success. topic={}, group={}, clientId={}",
                     h->topic, h->group, info.client_id);
    } else {
      ORBIT_LOG_ERROR("[reset-offset] reset offset exception. topic={}, group={}, error={}",
                      h->topic, h->group, st.ToString());
    }
  }
  protocol::ResetOffsetBody answer;
  answer.offset_table = std::move(offsets);
  ReplyBody(conn, req, answer.Encode());
}

void ConsumerAdminProcessor::GetConsumerRunningInfo(const net::ConnectionPtr& conn,
                                                    RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetConsumerRunningInfoRequestHeader>(conn, req);
  if (!h) return;
  CallConsumer(conn, std::move(req), h->consumer_group, h->client_id);
}

void ConsumerAdminProcessor::ConsumeMessageDirectly(const net::ConnectionPtr& conn,
                                                    RemotingCommand req) {
  auto h = DecodeOrReply<protocol::ConsumeMessageDirectlyResultRequestHeader>(conn, req);
  if (!h) return;
  req.ext_fields.Set("brokerName", broker_.config().broker_name);
  auto id = protocol::DecodeOffsetMessageId(h->msg_id.value_or(""));
  if (!id.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "msgId is not an offset message id: " + id.status().message());
  }
  auto range = broker_.store().LookMessageByOffset(id->commit_log_offset);
  if (!range.ok()) {
    return ReplyCode(
        conn, req, ResponseCode::kSystemError,
        "can not find message by the offset, " + std::to_string(id->commit_log_offset));
  }
  req.body.assign(range->data, range->size);
  CallConsumer(conn, std::move(req), h->consumer_group, h->client_id.value_or(""));
}

void ConsumerAdminProcessor::CallConsumer(const net::ConnectionPtr& conn, RemotingCommand req,
                                          const std::string& group, const std::string& client_id) {
  std::optional<ClientChannelInfo> target;
  if (auto info = broker_.consumers().FindGroup(group)) {
    for (const auto& [id, channel] : info->channels) {
      if (channel.client_id == client_id) target = channel;
    }
  }
  if (!target || target->conn == nullptr) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "The Consumer <" + group + "> <" + client_id + "> not online");
  }
  if (target->version < kVersionV3_1_8_Snapshot) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "The Consumer <" + client_id + "> Version <" +
                         std::to_string(target->version) +
                         "> too low to finish, please upgrade it to V3_1_8_SNAPSHOT");
  }
  RemotingCommand forward = RemotingCommand::Request(req.code);
  forward.ext_fields = req.ext_fields;
  forward.body = std::move(req.body);
  req.body.clear();
  broker_.server().InvokeAsync(
      target->conn, std::move(forward), kCallClientTimeoutMs,
      [conn, req = std::move(req), group, client_id](Result<RemotingCommand> r) {
        if (!r.ok()) {
          bool timeout = r.status().code() == ErrorCode::kTimeout;
          return ReplyCode(
              conn, req, timeout ? ResponseCode::kConsumeMsgTimeout : ResponseCode::kSystemError,
              (timeout ? "consumer <" : "invoke consumer <") + group + "> <" + client_id +
                  (timeout ? "> Timeout: " : "> Exception: ") + r.status().message());
        }
        RemotingCommand resp = RemotingCommand::ResponseTo(req, r->code, std::move(r->remark));
        resp.ext_fields = std::move(r->ext_fields);
        resp.body = std::move(r->body);
        net::Reply(conn, req, std::move(resp));
      });
}

}  // namespace orbit::broker
