#include "broker/pull_processor.h"

#include "base/log.h"
#include "broker/broker.h"
#include "broker/pull_hold_service.h"
#include "broker/reply.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/tag_hash.h"

namespace orbit::broker {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<protocol::SubscriptionData> BuildSubscription(std::string topic, std::string sub_string,
                                                     std::string_view expression_type) {
  protocol::SubscriptionData sub;
  sub.topic = std::move(topic);
  if (!expression_type.empty() && expression_type != protocol::kExpressionTypeTag) {
    return InvalidArgument("expression type " + std::string(expression_type) +
                           " is not supported; use TAG");
  }
  if (sub_string.empty() || sub_string == "*") {
    sub.sub_string = "*";
    return sub;
  }
  sub.sub_string = sub_string;
  std::string_view rest = sub_string;
  while (!rest.empty()) {
    size_t bar = rest.find("||");
    std::string_view tag = Trim(rest.substr(0, bar));
    if (!tag.empty()) {
      sub.tags_set.emplace_back(tag);
      sub.code_set.push_back(protocol::TagsHashCode(tag));
    }
    if (bar == std::string_view::npos) break;
    rest = rest.substr(bar + 2);
  }
  return sub;
}

void PullProcessor::Register(net::RemotingServer& server) {
  server.RegisterProcessor(RequestCode::kPullMessage,
                           [this](const net::ConnectionPtr& conn, RemotingCommand req) {
                             HandlePull(conn, std::move(req), true);
                           });
}

void PullProcessor::HandlePull(const net::ConnectionPtr& conn, RemotingCommand req,
                               bool allow_suspend) {
  const BrokerConfig& config = broker_.config();
  auto fail = [&](int32_t code, std::string remark) {
    ReplyCode(conn, req, code, std::move(remark));
  };
  auto h = DecodeOrReply<protocol::PullMessageRequestHeader>(conn, req);
  if (!h) return;

  if ((config.broker_permission & protocol::kPermRead) == 0) {
    return fail(ResponseCode::kNoPermission,
                "the broker[" + config.broker_ip1 + "] pulling message is forbidden");
  }
  auto group = broker_.groups().FindOrCreate(h->consumer_group);
  if (!group) {
    return fail(
        ResponseCode::kSubscriptionGroupNotExist,
        "subscription group [" + h->consumer_group + "] does not exist, " + std::string(kFaqHint));
  }
  if (!group->consume_enable) {
    return fail(ResponseCode::kNoPermission,
                "subscription group no permission, " + h->consumer_group);
  }
  const bool has_suspend = (h->sys_flag & kPullFlagSuspend) != 0;
  const bool has_commit = (h->sys_flag & kPullFlagCommitOffset) != 0;
  const bool has_subscription = (h->sys_flag & kPullFlagSubscription) != 0;
  const int64_t suspend_ms = has_suspend ? h->suspend_timeout_millis : 0;

  auto topic = broker_.topics().Find(h->topic);
  if (!topic) {
    return fail(ResponseCode::kTopicNotExist,
                "topic[" + h->topic + "] not exist, apply first please! " + std::string(kFaqHint));
  }
  if ((topic->perm & protocol::kPermRead) == 0) {
    return fail(ResponseCode::kNoPermission,
                "the topic[" + h->topic + "] pulling message is forbidden");
  }
  if (h->queue_id < 0 || h->queue_id >= topic->read_queue_nums) {
    return fail(ResponseCode::kSystemError,
                "queueId[" + std::to_string(h->queue_id) + "] is illegal, topic:[" + h->topic +
                    "] topicConfig.readQueueNums:[" + std::to_string(topic->read_queue_nums) +
                    "] consumer:[" + conn->remote_address() + "]");
  }

  protocol::SubscriptionData subscription;
  if (has_subscription) {
    auto built =
        BuildSubscription(h->topic, h->subscription.value_or(""), h->expression_type.value_or(""));
    if (!built.ok()) {
      return fail(ResponseCode::kSubscriptionParseFailed,
                  "parse the consumer's subscription failed: " + built.status().message());
    }
    subscription = std::move(*built);
  } else {
    auto info = broker_.consumers().FindGroup(h->consumer_group);
    if (!info) {
      return fail(ResponseCode::kSubscriptionNotExist,
                  "the consumer's group info not exist" + std::string(kFaqHint));
    }
    if (!group->consume_broadcast_enable &&
        info->message_model == protocol::MessageModel::kBroadcasting) {
      return fail(ResponseCode::kNoPermission,
                  "the consumer group[" + h->consumer_group + "] can not consume by broadcast way");
    }
    auto it = info->subscriptions.find(h->topic);
    if (it == info->subscriptions.end()) {
      return fail(ResponseCode::kSubscriptionNotExist,
                  "the consumer's subscription not exist" + std::string(kFaqHint));
    }
    if (it->second.sub_version < h->sub_version) {
      return fail(ResponseCode::kSubscriptionNotLatest, "the consumer's subscription not latest");
    }
    subscription = it->second;
  }

  store::TagsFilter filter;
  if (subscription.sub_string != "*" && !subscription.code_set.empty()) {
    filter = [&subscription](int64_t tags_code) {
      return MatchesTagsCode(subscription, tags_code);
    };
  }
  store::GetResult got =
      broker_.store().GetMessage(h->topic, h->queue_id, h->queue_offset, h->max_msg_nums, filter);

  RemotingCommand resp = RemotingCommand::ResponseTo(req, ResponseCode::kSuccess);
  protocol::PullMessageResponseHeader out;
  out.next_begin_offset = got.next_begin_offset;
  out.min_offset = got.min_offset;
  out.max_offset = got.max_offset;
  out.suggest_which_broker_id =
      got.suggest_pulling_from_slave ? group->which_broker_when_consume_slowly : 0;
  switch (got.status) {
    case store::GetStatus::kFound:
      resp.code = ResponseCode::kSuccess;
      break;
    case store::GetStatus::kMessageWasRemoving:
    case store::GetStatus::kNoMatchedMessage:
      resp.code = ResponseCode::kPullRetryImmediately;
      break;
    case store::GetStatus::kNoMatchedLogicQueue:
    case store::GetStatus::kNoMessageInQueue:
      resp.code =
          h->queue_offset != 0 ? ResponseCode::kPullOffsetMoved : ResponseCode::kPullNotFound;
      break;
    case store::GetStatus::kOffsetFoundNull:
    case store::GetStatus::kOffsetOverflowOne:
      resp.code = ResponseCode::kPullNotFound;
      break;
    case store::GetStatus::kOffsetOverflowBadly:
    case store::GetStatus::kOffsetTooSmall:
      resp.code = ResponseCode::kPullOffsetMoved;
      break;
  }
  resp.remark = store::GetStatusName(got.status);

  if (resp.code == ResponseCode::kPullNotFound && allow_suspend && has_suspend) {
    // Long polling: hold the request; it is answered when a message arrives or time is up.
    int64_t timeout = config.long_polling_enable ? suspend_ms : config.short_polling_time_mills;
    HeldPull held;
    held.conn = conn;
    held.pull_from_offset = h->queue_offset;
    held.subscription = std::move(subscription);
    held.suspended_at_ms = broker_.clock().NowMillis();
    held.timeout_ms = timeout;
    held.request = std::move(req);
    broker_.hold().Hold(h->topic, h->queue_id, std::move(held));
    // The commit offset is still taken (Apache does so before suspending).
    if (has_commit && !config.IsSlave()) {
      broker_.offsets().Commit(h->consumer_group, h->topic, h->queue_id, h->commit_offset);
    }
    return;
  }

  out.Encode(&resp.ext_fields);
  // Apache commits the carried offset only when the request may be suspended (the first time).
  if (has_commit && allow_suspend && !config.IsSlave()) {
    broker_.offsets().Commit(h->consumer_group, h->topic, h->queue_id, h->commit_offset);
  }
  if (resp.code == ResponseCode::kSuccess && !got.messages.empty()) {
    // The records go out from the store's mapped segments (writev), not through a copy; the
    // ranges keep their segments mapped until written.
    std::vector<net::Connection::BodyPiece> pieces;
    pieces.reserve(got.messages.size());
    for (const auto& m : got.messages) pieces.push_back({m.data, m.size});
    auto ranges = std::make_shared<std::vector<store::SelectedRange>>(std::move(got.messages));
    conn->SendResponseWithBody(resp, std::move(pieces), std::move(ranges));
    return;
  }
  net::Reply(conn, req, std::move(resp));
}

}  // namespace orbit::broker
