#include "broker/reply_processor.h"

#include <memory>
#include <optional>
#include <string>
#include <utility>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/delay_level.h"
#include "broker/reply.h"
#include "broker/send_processor.h"
#include "broker/transaction_service.h"
#include "protocol/codes.h"
#include "protocol/headers_send.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// Apache pushes with Broker2Client.callClient, a synchronous call of 10 s.
constexpr int64_t kPushReplyTimeoutMs = 10000;

// The sysFlag bits of a reply that are stored (Apache stores none; see reply_processor.h).
constexpr int32_t kStoredSysFlagBits =
    protocol::kSysFlagCompressed | protocol::kSysFlagCompressionTypeMask;

// How Java prints a resolved InetSocketAddress, which Apache puts in bornHost and storeHost.
std::string JavaSocketAddress(const protocol::HostAddress& addr) { return "/" + addr.ToString(); }

// One reply from its request to the answer to the replier. The push callback and then the store
// completion carry it, one after the other, on whichever thread runs them.
struct PendingReply {
  net::ConnectionPtr conn;  // the replier's
  bool oneway = false;
  RemotingCommand resp;  // opaque, serialization, MSG_REGION and TRACE_ON already set
  // The response header, when there is one: Apache sends none after a failed push unless the
  // store put the message.
  std::optional<protocol::SendMessageResponseHeader> out;

  // The message to store.
  std::string topic;
  int32_t queue_id = 0;
  int32_t flag = 0;
  int32_t sys_flag = 0;
  int64_t born_timestamp = 0;
  protocol::HostAddress born_host;
  int32_t reconsume_times = 0;
  std::string sent_properties;        // stored verbatim unless the reply is parked (DELAY)
  protocol::MessageProperties props;  // decoded; PUSH_REPLY_TIME added when a push is made
  std::string body;
};

void Answer(PendingReply& p) {
  if (p.out) p.out->Encode(&p.resp.ext_fields);
  if (!p.oneway) p.conn->SendResponse(p.resp);
}

// Stores the reply; a stored message gives the header its msgId and offsets, the code stays.
// Any thread (the requester's loop after a push, the replier's otherwise).
void Store(Broker& broker, std::shared_ptr<PendingReply> p) {
  std::string topic = p->topic;
  int32_t queue_id = p->queue_id;
  std::string properties = p->sent_properties;
  // Apache's store parks a delayed message and rebuilds the string from the message's map, where
  // the push added PUSH_REPLY_TIME.
  if (ParkDelayedMessage(broker.store().delay_levels(), p->sys_flag, &p->props, &topic,
                         &queue_id)) {
    properties = EncodePropertiesJavaOrder(p->props);
  }
  store::MessageInput in;
  in.topic = topic;
  in.queue_id = queue_id;
  in.flag = p->flag;
  in.sys_flag = p->sys_flag;
  in.born_timestamp = p->born_timestamp;
  in.born_host = p->born_host;
  in.reconsume_times = p->reconsume_times;
  in.body = p->body;
  in.properties = properties;  // WAIT, as sent, decides the SYNC_FLUSH wait
  broker.store().PutMessageAsync(in, [p](store::PutResult r) {
    if (r.status.ok() || r.status.code() == ErrorCode::kFlushTimeout) {
      protocol::SendMessageResponseHeader out;
      out.msg_id = r.append.OffsetMessageIds();
      out.queue_id = p->queue_id;
      out.queue_offset = r.append.queue_offset;
      p->out = std::move(out);
    } else {
      ORBIT_LOG_WARN("reply message to {} not stored: {}", p->topic, r.status.ToString());
    }
    Answer(*p);
  });
}

// Apache's handlePushReplyResult, then the store when storeReplyMessageEnable.
void AfterPush(Broker& broker, std::shared_ptr<PendingReply> p, bool pushed, std::string remark) {
  if (pushed) {
    p->resp.code = ResponseCode::kSuccess;
    p->resp.remark.reset();
    protocol::SendMessageResponseHeader out;
    out.msg_id = "0";  // Apache: "to avoid client decoding exception"
    out.queue_id = p->queue_id;
    out.queue_offset = 0;
    p->out = std::move(out);
  } else {
    p->resp.code = ResponseCode::kSystemError;
    p->resp.remark = std::move(remark);
  }
  if (!broker.config().store_reply_message_enable) return Answer(*p);
  Store(broker, std::move(p));
}

// PUSH_REPLY_MESSAGE_TO_CLIENT: the send header's fields (queueId as sent, even when negative),
// the properties with PUSH_REPLY_TIME in a java.util.HashMap's order (Apache encodes its map),
// the hosts as Java prints them, the body as sent.
RemotingCommand PushRequest(const protocol::SendMessageRequestHeader& h, const PendingReply& p,
                            const protocol::HostAddress& store_host, int64_t now) {
  protocol::ReplyMessageRequestHeader out;
  out.producer_group = h.producer_group;
  out.topic = h.topic;
  out.default_topic = h.default_topic;
  out.default_topic_queue_nums = h.default_topic_queue_nums;
  out.queue_id = h.queue_id;
  out.sys_flag = h.sys_flag;
  out.born_timestamp = h.born_timestamp;
  out.flag = h.flag;
  out.properties = EncodePropertiesJavaOrder(p.props);
  out.reconsume_times = h.reconsume_times;
  out.unit_mode = h.unit_mode.value_or(false);
  out.born_host = JavaSocketAddress(p.born_host);
  out.store_host = JavaSocketAddress(store_host);
  out.store_timestamp = now;
  RemotingCommand push = RemotingCommand::Request(RequestCode::kPushReplyMessageToClient);
  out.Encode(&push.ext_fields);
  push.body = p.body;  // a copy: the store still needs it
  return push;
}

// Pushes the reply to the connection of its REPLY_TO_CLIENT, then AfterPush with the outcome
// (at once when there is nobody to push to, else when the requester answers or the push fails).
void PushThenStore(Broker& broker, std::shared_ptr<PendingReply> p,
                   const protocol::SendMessageRequestHeader& h) {
  // Java drops an empty property value when it decodes: empty is absent.
  const std::string reply_to(p->props.Get(protocol::kPropertyMessageReplyToClient));
  if (reply_to.empty()) {
    ORBIT_LOG_WARN("reply message from {} has no REPLY_TO_CLIENT", p->conn->remote_address());
    return AfterPush(broker, std::move(p), false,
                     "reply message properties[" +
                         std::string(protocol::kPropertyMessageReplyToClient) + "] is null");
  }
  net::ConnectionPtr requester = broker.producers().FindConnection(reply_to);
  if (requester == nullptr) {
    std::string remark = "push reply message fail, channel of <" + reply_to + "> not found.";
    ORBIT_LOG_WARN("{}", remark);
    return AfterPush(broker, std::move(p), false, std::move(remark));
  }

  const int64_t now = broker.clock().NowMillis();
  p->props.Set(protocol::kPropertyPushReplyTime, std::to_string(now));
  RemotingCommand push = PushRequest(h, *p, broker.store_host(), now);
  broker.server().InvokeAsync(
      requester, std::move(push), kPushReplyTimeoutMs,
      [&broker, p, reply_to](Result<RemotingCommand> r) mutable {
        if (r.ok() && r->code == ResponseCode::kSuccess) {
          return AfterPush(broker, std::move(p), true, "");
        }
        ORBIT_LOG_WARN("push reply message to <{}> failed: {}", reply_to,
                       r.ok() ? "code " + std::to_string(r->code) + ", " + r->remark.value_or("")
                              : r.status().ToString());
        AfterPush(broker, std::move(p), false, "push reply message to " + reply_to + "fail.");
      });
}

}  // namespace

void ReplyProcessor::Register(net::RemotingServer& server) {
  RegisterMethods<ReplyProcessor>(
      server, this,
      {{RequestCode::kSendReplyMessage, &ReplyProcessor::HandleReply},
       {RequestCode::kSendReplyMessageV2, &ReplyProcessor::HandleReply}});
}

// Runs on the replier's connection loop.
void ReplyProcessor::HandleReply(const net::ConnectionPtr& conn, RemotingCommand req) {
  auto p = std::make_shared<PendingReply>();
  p->conn = conn;
  p->oneway = req.is_oneway();
  p->resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  p->resp.ext_fields.Set(protocol::kPropertyMsgRegion, broker_.config().region_id);
  p->resp.ext_fields.Set(protocol::kPropertyTraceSwitch, "true");

  auto fail = [&p](std::string remark) {
    p->resp.code = ResponseCode::kSystemError;
    p->resp.remark = std::move(remark);
    Answer(*p);
  };

  auto decoded = protocol::DecodeSendMessageRequestHeader(req);
  if (!decoded.ok()) return fail(decoded.status().message());
  const protocol::SendMessageRequestHeader& h = *decoded;
  auto topic_config = CheckSendRequest(broker_, h, *conn, &p->resp);
  if (!topic_config) return Answer(*p);
  auto born_host = ParseHostPort(conn->remote_address());
  if (!born_host.ok()) return fail(born_host.status().message());

  p->topic = h.topic;
  p->queue_id = SelectQueue(h.queue_id, *topic_config);
  p->flag = h.flag;
  p->sys_flag = h.sys_flag & kStoredSysFlagBits;
  p->born_timestamp = h.born_timestamp;
  p->born_host = *born_host;
  p->reconsume_times = h.reconsume_times.value_or(0);
  p->sent_properties = h.properties.value_or("");
  p->props = protocol::DecodeProperties(p->sent_properties);
  p->body = std::move(req.body);

  PushThenStore(broker_, std::move(p), h);
}

}  // namespace orbit::broker
