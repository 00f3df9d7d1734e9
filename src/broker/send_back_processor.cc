#include "broker/send_back_processor.h"

#include <random>

#include "broker/broker.h"
#include "broker/delay_level.h"
#include "broker/reply.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/message.h"
#include "protocol/properties.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

// MQVersion.Version.V3_4_9: from this request version on the header's maxReconsumeTimes counts.
constexpr int32_t kVersionV3_4_9 = 121;
constexpr int32_t kDlqQueueNums = 1;  // DLQ_NUMS_PER_GROUP

int32_t RandomQueue(int32_t queue_nums) {
  thread_local std::minstd_rand rng{std::random_device{}()};
  if (queue_nums <= 0) return 0;
  return static_cast<int32_t>(rng() % static_cast<uint32_t>(queue_nums));
}

// UtilAll.isBlank: empty or whitespace only.
bool IsBlank(const std::string* text) {
  return text == nullptr || text->find_first_not_of(" \t\r\n\f\v") == std::string::npos;
}

// The PutMessageStatus name Apache puts in the remark when the append is not PUT_OK.
std::string PutStatusName(const Status& st) {
  switch (st.code()) {
    case ErrorCode::kMessageIllegal:
      return "MESSAGE_ILLEGAL";
    case ErrorCode::kDiskFull:
    case ErrorCode::kStoreFenced:
    case ErrorCode::kShutdown:
      return "SERVICE_NOT_AVAILABLE";
    case ErrorCode::kFlushTimeout:
      return "FLUSH_DISK_TIMEOUT";
    default:
      return "UNKNOWN_ERROR";
  }
}

}  // namespace

void SendBackProcessor::Register(net::RemotingServer& server) {
  server.RegisterProcessor(RequestCode::kConsumerSendMsgBack,
                           [this](const net::ConnectionPtr& conn, RemotingCommand req) {
                             HandleSendBack(conn, std::move(req));
                           });
}

void SendBackProcessor::HandleSendBack(const net::ConnectionPtr& conn, RemotingCommand req) {
  const BrokerConfig& config = broker_.config();
  auto h = DecodeOrReply<protocol::ConsumerSendMsgBackRequestHeader>(conn, req);
  if (!h) return;
  auto fail = [&](int32_t code, std::string remark) {
    ReplyCode(conn, req, code, std::move(remark));
  };

  auto group = broker_.groups().FindOrCreate(h->group);
  if (!group) {
    return fail(ResponseCode::kSubscriptionGroupNotExist,
                "subscription group not exist, " + h->group + " " + std::string(kFaqHint));
  }
  if (!protocol::IsWriteable(config.broker_permission)) {
    return fail(ResponseCode::kNoPermission,
                "the broker[" + config.broker_ip1 + "] sending message is forbidden");
  }
  if (group->retry_queue_nums <= 0) return ReplyCode(conn, req, ResponseCode::kSuccess);

  std::string topic = RetryTopic(h->group);
  int32_t queue_id = RandomQueue(group->retry_queue_nums);
  int32_t topic_sys_flag = h->unit_mode.value_or(false) ? protocol::kTopicSysFlagUnitSub : 0;
  auto retry = broker_.topics().CreateTopicInSendMessageBackMethod(
      topic, group->retry_queue_nums, protocol::kPermWrite | protocol::kPermRead, topic_sys_flag);
  if (!retry.ok()) return fail(ResponseCode::kSystemError, "topic[" + topic + "] not exist");
  if (!protocol::IsWriteable(retry->perm)) {
    return fail(ResponseCode::kNoPermission,
                "the topic[" + topic + "] sending message is forbidden");
  }

  auto range = broker_.store().LookMessageByOffset(h->offset);
  auto original = range.ok() ? protocol::DecodeRecord(range->view())
                             : Result<protocol::MessageRecord>(range.status());
  if (!original.ok()) {
    return fail(ResponseCode::kSystemError,
                "look message by offset failed, " + std::to_string(h->offset));
  }

  protocol::MessageProperties props = std::move(original->properties);
  if (!props.Contains(protocol::kPropertyRetryTopic)) {
    props.Set(protocol::kPropertyRetryTopic, original->topic);
  }
  props.Set(protocol::kPropertyWaitStoreMsgOk, "false");

  int32_t max_reconsume_times = group->retry_max_times;
  if (req.version >= kVersionV3_4_9 && h->max_reconsume_times) {
    max_reconsume_times = *h->max_reconsume_times;
  }
  if (original->reconsume_times >= max_reconsume_times || h->delay_level < 0) {
    topic = DlqTopic(h->group);
    queue_id = RandomQueue(kDlqQueueNums);
    auto dlq = broker_.topics().CreateTopicInSendMessageBackMethod(
        topic, kDlqQueueNums, protocol::kPermWrite | protocol::kPermRead, 0);
    if (!dlq.ok()) return fail(ResponseCode::kSystemError, "topic[" + topic + "] not exist");
    props.Set(protocol::kPropertyDelayTimeLevel, "0");
  } else {
    int64_t level = h->delay_level;
    if (level == 0) level = 3 + static_cast<int64_t>(original->reconsume_times);
    props.Set(protocol::kPropertyDelayTimeLevel, std::to_string(level));
  }
  if (IsBlank(props.Find(protocol::kPropertyOriginMessageId))) {
    props.Set(protocol::kPropertyOriginMessageId, original->OffsetMsgId());
  }
  // CommitLog.putMessage parks the copy when DELAY > 0 (not for the DLQ, whose DELAY is 0).
  ParkDelayedMessage(broker_.store().delay_levels(), original->sys_flag, &props, &topic, &queue_id);

  std::string properties = protocol::EncodeProperties(props);
  store::MessageInput in;
  in.topic = topic;
  in.queue_id = queue_id;
  in.flag = original->flag;
  in.sys_flag = original->sys_flag;
  in.born_timestamp = original->born_timestamp;
  in.born_host = original->born_host;
  in.reconsume_times = original->reconsume_times + 1;
  in.body = original->body;
  in.properties = properties;
  in.wait_store_msg_ok = false;

  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  const bool oneway = req.is_oneway();
  broker_.store().PutMessageAsync(in, [conn, resp, oneway](store::PutResult r) mutable {
    if (oneway) return;
    if (!r.status.ok()) {
      resp.code = ResponseCode::kSystemError;
      resp.remark = PutStatusName(r.status);
    }
    conn->SendResponse(resp);
  });
}

}  // namespace orbit::broker
