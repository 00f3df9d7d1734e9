#include "broker/send_processor.h"

#include <random>

#include "base/log.h"
#include "broker/broker.h"
#include "broker/delay_level.h"
#include "broker/reply.h"
#include "broker/transaction_service.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message_batch.h"
#include "protocol/message_flags.h"
#include "protocol/properties.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

int32_t RandomQueue(int32_t write_queue_nums) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  if (write_queue_nums <= 0) return 0;
  return static_cast<int32_t>(rng() % static_cast<uint32_t>(write_queue_nums));
}

// Apache's handlePutMessageResult codes and remarks for a store error.
void ReplyPutError(const net::ConnectionPtr& conn, RemotingCommand resp, const Status& st) {
  switch (st.code()) {
    case ErrorCode::kMessageIllegal:
      resp.code = ResponseCode::kMessageIllegal;
      resp.remark =
          "the message is illegal, maybe msg body or properties length not matched. msg body "
          "length limit 128k, msg properties length limit 32k. (" +
          st.message() + ")";
      break;
    case ErrorCode::kDiskFull:
    case ErrorCode::kStoreFenced:
    case ErrorCode::kShutdown:
      resp.code = ResponseCode::kServiceNotAvailable;
      resp.remark =
          "service not available now. It may be caused by one of the following reasons: the "
          "broker's disk is full, messages are put to the slave, message store has been shut "
          "down, etc. (" +
          st.message() + ")";
      break;
    default:
      resp.code = ResponseCode::kSystemError;
      resp.remark = "create mapped file failed, server is busy or broken. (" + st.message() + ")";
      break;
  }
  conn->SendResponse(resp);
}

}  // namespace

std::optional<protocol::TopicConfig> CheckSendRequest(Broker& broker,
                                                      const protocol::SendMessageRequestHeader& h,
                                                      const net::Connection& conn,
                                                      RemotingCommand* resp) {
  const BrokerConfig& config = broker.config();
  auto fail = [resp](int32_t code, std::string remark) {
    resp->code = code;
    resp->remark = std::move(remark);
    return std::nullopt;
  };
  if (broker.clock().NowMillis() < config.start_accept_send_request_time_stamp) {
    return fail(ResponseCode::kSystemError,
                "broker unable to service, until " +
                    std::to_string(config.start_accept_send_request_time_stamp));
  }
  // msgCheck
  if (Status st = ValidateTopicName(h.topic); !st.ok()) {
    return fail(ResponseCode::kSystemError, st.message());
  }
  if (IsNotAllowedSendTopic(h.topic)) {
    return fail(ResponseCode::kNoPermission,
                "Sending message to topic[" + h.topic + "] is forbidden.");
  }
  if ((config.broker_permission & protocol::kPermWrite) == 0) {
    return fail(ResponseCode::kNoPermission,
                "the broker[" + config.broker_ip1 + "] sending message is forbidden");
  }
  auto topic_config = broker.topics().Find(h.topic);
  if (!topic_config) {
    int32_t sys_flag = h.unit_mode.value_or(false) ? protocol::kTopicSysFlagUnit : 0;
    auto created = broker.topics().CreateTopicInSendMessageMethod(
        h.topic, h.default_topic, h.default_topic_queue_nums, sys_flag);
    if (created.ok()) {
      topic_config = *created;
    } else if (h.topic.starts_with(kRetryGroupTopicPrefix)) {
      auto retry = broker.topics().CreateTopicInSendMessageBackMethod(
          h.topic, 1, protocol::kPermWrite | protocol::kPermRead, sys_flag);
      if (retry.ok()) topic_config = *retry;
    }
    if (!topic_config) {
      return fail(ResponseCode::kTopicNotExist,
                  "topic[" + h.topic + "] not exist, apply first please!" + std::string(kFaqHint));
    }
  }
  int32_t queue_limit = std::max(topic_config->write_queue_nums, topic_config->read_queue_nums);
  if (h.queue_id >= queue_limit) {
    return fail(ResponseCode::kSystemError, "request queueId[" + std::to_string(h.queue_id) +
                                                "] is illegal, topic " + h.topic + " has " +
                                                std::to_string(queue_limit) +
                                                " queues. Producer: " + conn.remote_address());
  }
  return topic_config;
}

int32_t SelectQueue(int32_t requested, const protocol::TopicConfig& topic) {
  return requested < 0 ? RandomQueue(topic.write_queue_nums) : requested;
}

void SendProcessor::Register(net::RemotingServer& server) {
  auto handler = [this](const net::ConnectionPtr& conn, RemotingCommand req) {
    HandleSend(conn, std::move(req));
  };
  server.RegisterProcessor(RequestCode::kSendMessage, handler);
  server.RegisterProcessor(RequestCode::kSendMessageV2, handler);
  server.RegisterProcessor(RequestCode::kSendBatchMessage, handler);
}

void SendProcessor::HandleSend(const net::ConnectionPtr& conn, RemotingCommand req) {
  const BrokerConfig& config = broker_.config();
  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  resp.ext_fields.Set(protocol::kPropertyMsgRegion, config.region_id);
  resp.ext_fields.Set(protocol::kPropertyTraceSwitch, "true");
  auto fail = [&](int32_t code, std::string remark) {
    resp.code = code;
    resp.remark = std::move(remark);
    net::Reply(conn, req, std::move(resp));
  };

  auto decoded = protocol::DecodeSendMessageRequestHeader(req);
  if (!decoded.ok()) return fail(ResponseCode::kSystemError, decoded.status().message());
  protocol::SendMessageRequestHeader& h = *decoded;
  const bool batch = req.code == RequestCode::kSendBatchMessage;

  auto topic_config = CheckSendRequest(broker_, h, *conn, &resp);
  if (!topic_config) return net::Reply(conn, req, std::move(resp));
  int32_t queue_id = SelectQueue(h.queue_id, *topic_config);

  protocol::MessageProperties props = protocol::DecodeProperties(h.properties.value_or(""));
  std::string topic = h.topic;
  int32_t reconsume_times = h.reconsume_times.value_or(0);

  // handleRetryAndDLQ
  if (topic.starts_with(kRetryGroupTopicPrefix)) {
    if (batch) {
      return fail(ResponseCode::kMessageIllegal,
                  "batch request does not support retry group " + topic);
    }
    std::string group = topic.substr(kRetryGroupTopicPrefix.size());
    auto group_config = broker_.groups().FindOrCreate(group);
    if (!group_config) {
      return fail(ResponseCode::kSubscriptionGroupNotExist,
                  "subscription group not exist, " + group + std::string(kFaqHint));
    }
    int32_t max_reconsume = h.max_reconsume_times.value_or(group_config->retry_max_times);
    if (reconsume_times >= max_reconsume) {
      topic = DlqTopic(group);
      auto dlq = broker_.topics().CreateTopicInSendMessageBackMethod(
          topic, 1, protocol::kPermWrite | protocol::kPermRead, 0);
      if (!dlq.ok()) return fail(ResponseCode::kSystemError, "topic[" + topic + "] not exist");
      queue_id = 0;
      props.Erase(protocol::kPropertyDelayTimeLevel);
    }
  }

  int32_t sys_flag = h.sys_flag;
  if (IsTransactionPrepared(props) && config.reject_transaction_message) {
    return fail(ResponseCode::kNoPermission,
                "the broker[" + config.broker_ip1 + "] sending transaction message is forbidden");
  }

  // WAIT is not stored (Apache 4.9 drops it to save space); it still decides the SYNC wait.
  const std::string wait_value(props.Get(protocol::kPropertyWaitStoreMsgOk));
  bool wait = wait_value != "false";
  props.Erase(protocol::kPropertyWaitStoreMsgOk);
  props.Set(protocol::kPropertyCluster, config.broker_cluster_name);

  // Delay levels (Apache does this in CommitLog.putMessage). A parked message keeps WAIT as sent:
  // Apache rebuilds its property string from the map, where WAIT was put back.
  if (!batch &&
      ParkDelayedMessage(broker_.store().delay_levels(), sys_flag, &props, &topic, &queue_id) &&
      !wait_value.empty()) {
    props.Set(protocol::kPropertyWaitStoreMsgOk, wait_value);
  }

  const protocol::HostAddress& born_host = conn->remote_host();
  if (!born_host.valid()) {
    return fail(ResponseCode::kSystemError, "no address for the sender " + conn->remote_address());
  }

  // The answer is made when the put completes (at once, on this thread, for ASYNC_FLUSH): the
  // same as `resp` so far, rebuilt rather than copied.
  auto done = [conn, opaque = req.opaque, type = req.serialize_type, region = config.region_id,
               queue_id](store::PutResult r) {
    RemotingCommand resp;
    resp.code = ResponseCode::kSuccess;
    resp.opaque = opaque;
    resp.flag = protocol::kFlagResponse;
    resp.serialize_type = type;
    resp.ext_fields.reserve(6);
    resp.ext_fields.Append(std::string(protocol::kPropertyMsgRegion), region);
    resp.ext_fields.Append(std::string(protocol::kPropertyTraceSwitch), "true");
    if (!r.status.ok() && r.status.code() != ErrorCode::kFlushTimeout) {
      ReplyPutError(conn, std::move(resp), r.status);
      return;
    }
    if (!r.status.ok()) resp.code = ResponseCode::kFlushDiskTimeout;
    protocol::SendMessageResponseHeader out;
    out.msg_id = r.append.OffsetMessageIds();
    out.queue_id = queue_id;
    out.queue_offset = r.append.queue_offset;
    out.Encode(&resp.ext_fields);
    conn->SendResponse(resp);
  };

  if (!batch) {
    std::string properties = protocol::EncodeProperties(props);
    store::MessageInput in;
    in.topic = topic;
    in.queue_id = queue_id;
    in.flag = h.flag;
    in.sys_flag = sys_flag;
    in.born_timestamp = h.born_timestamp;
    in.born_host = born_host;
    in.reconsume_times = reconsume_times;
    in.body = req.body;
    in.properties = properties;
    in.wait_store_msg_ok = wait;
    std::string half_properties;  // TRAN_MSG=true: stored as a half message
    if (IsTransactionPrepared(props)) {
      ToHalfMessage(props, h.properties.value_or(""), &in, &half_properties);
    }
    if (req.is_oneway()) {
      broker_.store().PutMessageAsync(in, [](store::PutResult) {});
      return;
    }
    broker_.store().PutMessageAsync(in, std::move(done));
    return;
  }

  auto entries = protocol::DecodeBatch(req.body);
  if (!entries.ok() || entries->empty()) {
    return fail(ResponseCode::kMessageIllegal,
                "the batch body does not decode: " +
                    (entries.ok() ? std::string("no messages") : entries.status().message()));
  }
  std::string batch_props = protocol::EncodeProperties(props);
  std::vector<std::string> record_props;
  record_props.reserve(entries->size());
  std::vector<store::MessageInput> inputs;
  inputs.reserve(entries->size());
  for (const auto& e : *entries) {
    std::string_view level = e.properties.Get(protocol::kPropertyDelayTimeLevel);
    if (!level.empty() && level != "0") {
      return fail(ResponseCode::kMessageIllegal, "batch messages do not support delay levels");
    }
    std::string p = protocol::EncodeProperties(e.properties);
    if (!p.empty() && !batch_props.empty() && p.back() != protocol::kPropertySeparator) {
      p.push_back(protocol::kPropertySeparator);
    }
    p += batch_props;
    record_props.push_back(std::move(p));
  }
  for (size_t i = 0; i < entries->size(); ++i) {
    const auto& e = (*entries)[i];
    store::MessageInput in;
    in.topic = topic;
    in.queue_id = queue_id;
    in.flag = e.flag;
    in.sys_flag = sys_flag;
    in.born_timestamp = h.born_timestamp;
    in.born_host = born_host;
    in.reconsume_times = reconsume_times;
    in.body = e.body;
    in.properties = record_props[i];
    in.wait_store_msg_ok = wait;
    inputs.push_back(in);
  }
  if (req.is_oneway()) {
    broker_.store().PutMessagesAsync(inputs, [](store::PutResult) {});
    return;
  }
  broker_.store().PutMessagesAsync(inputs, std::move(done));
}

}  // namespace orbit::broker
