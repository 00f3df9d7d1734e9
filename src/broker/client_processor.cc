#include "broker/client_processor.h"

#include <unistd.h>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/reply.h"
#include "protocol/bodies.h"
#include "protocol/codes.h"
#include "protocol/headers.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

void ClientProcessor::Register(net::RemotingServer& server) {
  RegisterMethods<ClientProcessor>(
      server, this,
      {
          {RequestCode::kHeartBeat, &ClientProcessor::HeartBeat},
          {RequestCode::kUnregisterClient, &ClientProcessor::UnregisterClient},
          {RequestCode::kGetConsumerListByGroup, &ClientProcessor::GetConsumerListByGroup},
          {RequestCode::kQueryConsumerOffset, &ClientProcessor::QueryConsumerOffset},
          {RequestCode::kUpdateConsumerOffset, &ClientProcessor::UpdateConsumerOffset},
          {RequestCode::kGetMaxOffset, &ClientProcessor::GetMaxOffset},
          {RequestCode::kGetMinOffset, &ClientProcessor::GetMinOffset},
          {RequestCode::kGetEarliestMsgStoretime, &ClientProcessor::GetEarliestMsgStoretime},
          {RequestCode::kSearchOffsetByTimestamp, &ClientProcessor::SearchOffsetByTimestamp},
      });
}

void ClientProcessor::HeartBeat(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto hb = protocol::HeartbeatData::Decode(req.body);
  if (!hb.ok()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "heartbeat body does not decode: " + hb.status().message());
  }
  ClientChannelInfo info;
  info.conn = conn;
  info.client_id = hb->client_id;
  info.language = protocol::LanguageName(req.language);
  info.version = req.version;
  info.last_update_ms = broker_.clock().NowMillis();
  for (const auto& data : hb->consumer_data_set) {
    bool notify = true;
    if (auto group = broker_.groups().FindOrCreate(data.group_name)) {
      notify = group->notify_consumer_ids_changed_enable;
      int32_t sys_flag = data.unit_mode ? protocol::kTopicSysFlagUnitSub : 0;
      auto retry = broker_.topics().CreateTopicInSendMessageBackMethod(
          RetryTopic(data.group_name), group->retry_queue_nums,
          protocol::kPermWrite | protocol::kPermRead, sys_flag);
      if (!retry.ok()) {
        ORBIT_LOG_WARN("heartbeat of {}: retry topic not created: {}", data.group_name,
                       retry.status().ToString());
      }
    }
    broker_.consumers().Register(data.group_name, info, data, notify);
  }
  for (const auto& data : hb->producer_data_set) {
    broker_.producers().Register(data.group_name, info);
  }
  // A new retry topic is routed before the answer, as Apache registers synchronously here.
  broker_.RegisterIfTopicsChanged(
      [conn, req = std::move(req)] { ReplyCode(conn, req, ResponseCode::kSuccess); });
}

void ClientProcessor::UnregisterClient(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::UnregisterClientRequestHeader>(conn, req);
  if (!h) return;
  if (h->producer_group && !h->producer_group->empty()) {
    broker_.producers().Unregister(*h->producer_group, conn->id());
  }
  if (h->consumer_group && !h->consumer_group->empty()) {
    bool notify = true;
    if (auto group = broker_.groups().Find(*h->consumer_group)) {
      notify = group->notify_consumer_ids_changed_enable;
    }
    broker_.consumers().Unregister(*h->consumer_group, conn->id(), notify);
  }
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void ClientProcessor::GetConsumerListByGroup(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetConsumerListByGroupRequestHeader>(conn, req);
  if (!h) return;
  auto info = broker_.consumers().FindGroup(h->consumer_group);
  if (!info || info->channels.empty()) {
    return ReplyCode(conn, req, ResponseCode::kSystemError,
                     "no consumer for this group, " + h->consumer_group);
  }
  protocol::GetConsumerListByGroupResponseBody body;
  body.consumer_id_list = info->ClientIds();
  ReplyBody(conn, req, body.Encode());
}

bool ClientProcessor::InDisk(const std::string& topic, int32_t queue_id, int64_t queue_offset) {
  int64_t phy = broker_.store().GetCommitLogOffsetInQueue(topic, queue_id, queue_offset);
  long pages = sysconf(_SC_PHYS_PAGES);
  long page_size = sysconf(_SC_PAGE_SIZE);
  int64_t memory = pages > 0 && page_size > 0 ? static_cast<int64_t>(pages) * page_size : 0;
  int64_t in_memory = memory / 100 * broker_.config().store.access_message_in_memory_max_ratio;
  return broker_.store().GetMaxPhyOffset() - phy > in_memory;
}

void ClientProcessor::QueryConsumerOffset(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::QueryConsumerOffsetRequestHeader>(conn, req);
  if (!h) return;
  int64_t offset = broker_.offsets().Query(h->consumer_group, h->topic, h->queue_id);
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  protocol::QueryConsumerOffsetResponseHeader out;
  if (offset >= 0) {
    out.offset = offset;
  } else {
    // A group new to this queue: offset 0 while the queue's first message is still cheap to
    // read (Apache's rule), else QUERY_NOT_FOUND and the client decides by consumeFromWhere.
    int64_t min = broker_.store().GetMinOffsetInQueue(h->topic, h->queue_id);
    if (min <= 0 && !InDisk(h->topic, h->queue_id, 0)) {
      out.offset = 0;
    } else {
      return ReplyCode(conn, req, ResponseCode::kQueryNotFound,
                       "Not found, V3_0_6_SNAPSHOT maybe this group consumer boot first");
    }
  }
  out.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void ClientProcessor::UpdateConsumerOffset(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::UpdateConsumerOffsetRequestHeader>(conn, req);
  if (!h) return;
  broker_.offsets().Commit(h->consumer_group, h->topic, h->queue_id, h->commit_offset);
  ReplyCode(conn, req, ResponseCode::kSuccess);
}

void ClientProcessor::GetMaxOffset(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetMaxOffsetRequestHeader>(conn, req);
  if (!h) return;
  protocol::GetMaxOffsetResponseHeader out;
  out.offset = broker_.store().GetMaxOffsetInQueue(h->topic, h->queue_id);
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  out.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void ClientProcessor::GetMinOffset(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetMinOffsetRequestHeader>(conn, req);
  if (!h) return;
  protocol::GetMinOffsetResponseHeader out;
  out.offset = broker_.store().GetMinOffsetInQueue(h->topic, h->queue_id);
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  out.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void ClientProcessor::GetEarliestMsgStoretime(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::GetEarliestMsgStoretimeRequestHeader>(conn, req);
  if (!h) return;
  protocol::GetEarliestMsgStoretimeResponseHeader out;
  out.timestamp = broker_.store().GetEarliestMessageTime(h->topic, h->queue_id);
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  out.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void ClientProcessor::SearchOffsetByTimestamp(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto h = DecodeOrReply<protocol::SearchOffsetRequestHeader>(conn, req);
  if (!h) return;
  protocol::SearchOffsetResponseHeader out;
  out.offset = broker_.store().GetOffsetInQueueByTime(h->topic, h->queue_id, h->timestamp);
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  out.Encode(&resp.ext_fields);
  net::Reply(conn, req, std::move(resp));
}

void ClientProcessor::NotifyConsumerIdsChanged(const std::string& group,
                                               const ConsumerGroupInfo& info) {
  for (const auto& [id, channel] : info.channels) {
    if (channel.conn == nullptr || channel.conn->closed()) continue;
    RemotingCommand req = RemotingCommand::Request(RequestCode::kNotifyConsumerIdsChanged);
    protocol::NotifyConsumerIdsChangedRequestHeader h;
    h.consumer_group = group;
    h.Encode(&req.ext_fields);
    Status st = broker_.server().InvokeOneway(channel.conn, std::move(req));
    if (!st.ok()) {
      ORBIT_LOG_WARN("notify consumer ids changed to {} of {}: {}", channel.client_id, group,
                     st.ToString());
    }
  }
}

}  // namespace orbit::broker
