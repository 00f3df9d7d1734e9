#include "client/pull_api.h"

#include <algorithm>
#include <string_view>

#include "client/received.h"
#include "protocol/codes.h"
#include "protocol/headers_pull.h"
#include "protocol/message.h"
#include "protocol/properties.h"
#include "protocol/tag_hash.h"

namespace orbit::client {
namespace {

std::string_view Trim(std::string_view s) {
  const auto is_space = [](char c) { return static_cast<unsigned char>(c) <= ' '; };
  while (!s.empty() && is_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_space(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

int32_t BuildPullSysFlag(bool commit_offset, bool suspend, bool subscription, bool class_filter,
                         bool lite_pull) {
  int32_t flag = 0;
  if (commit_offset) flag |= kPullFlagCommitOffset;
  if (suspend) flag |= kPullFlagSuspend;
  if (subscription) flag |= kPullFlagSubscription;
  if (class_filter) flag |= kPullFlagClassFilter;
  if (lite_pull) flag |= kPullFlagLitePull;
  return flag;
}

Result<protocol::SubscriptionData> BuildSubscription(const std::string& topic,
                                                     const std::string& expression,
                                                     int64_t sub_version_ms,
                                                     const std::string& expression_type) {
  if (expression_type != protocol::kExpressionTypeTag) {
    return InvalidArgument("subscription of " + topic + ": expression type '" + expression_type +
                           "' is not supported (only TAG; SQL92 filtering is not available yet)");
  }
  protocol::SubscriptionData sub;
  sub.topic = topic;
  sub.sub_version = sub_version_ms;
  sub.expression_type = std::string(protocol::kExpressionTypeTag);
  if (expression.empty() || expression == "*") {
    sub.sub_string = "*";
    return sub;
  }
  sub.sub_string = expression;
  std::string_view rest = expression;
  while (true) {
    const size_t bar = rest.find("||");
    const std::string_view tag = Trim(rest.substr(0, bar));
    if (!tag.empty() &&
        std::find(sub.tags_set.begin(), sub.tags_set.end(), tag) == sub.tags_set.end()) {
      sub.tags_set.emplace_back(tag);
      sub.code_set.push_back(protocol::TagsHashCode(tag));
    }
    if (bar == std::string_view::npos) break;
    rest.remove_prefix(bar + 2);
  }
  if (sub.tags_set.empty()) {
    return InvalidArgument("subscription of " + topic + ": '" + expression +
                           "' names no tag (use \"*\" for every message)");
  }
  return sub;
}

protocol::RemotingCommand BuildPullRequest(const PullRequestSpec& spec) {
  protocol::PullMessageRequestHeader h;
  h.consumer_group = spec.consumer_group;
  h.topic = spec.queue.topic;
  h.queue_id = spec.queue.queue_id;
  h.queue_offset = spec.offset;
  h.max_msg_nums = spec.max_nums;
  h.sys_flag = spec.sys_flag;
  h.commit_offset = spec.commit_offset;
  h.suspend_timeout_millis = spec.suspend_timeout_ms;
  if ((spec.sys_flag & kPullFlagSubscription) != 0) h.subscription = spec.subscription;
  h.sub_version = spec.sub_version;
  h.expression_type = spec.expression_type;
  h.bname = spec.queue.broker_name;
  protocol::RemotingCommand req =
      protocol::RemotingCommand::Request(protocol::RequestCode::kPullMessage);
  h.Encode(&req.ext_fields);
  return req;
}

Result<PullResult> ProcessPullResponse(const protocol::RemotingCommand& response,
                                       const MessageQueue& queue,
                                       const protocol::SubscriptionData& subscription) {
  PullResult result;
  switch (response.code) {
    case protocol::ResponseCode::kSuccess:
      result.status = PullStatus::kFound;
      break;
    case protocol::ResponseCode::kPullNotFound:
      result.status = PullStatus::kNoNewMsg;
      break;
    case protocol::ResponseCode::kPullRetryImmediately:
      result.status = PullStatus::kNoMatchedMsg;
      break;
    case protocol::ResponseCode::kPullOffsetMoved:
      result.status = PullStatus::kOffsetIllegal;
      break;
    default:
      return Status::Remote(response.code, "pull from " + queue.ToString() +
                                               " refused: " + response.remark.value_or(""));
  }
  ORBIT_ASSIGN_OR_RETURN(auto header,
                         protocol::PullMessageResponseHeader::Decode(response.ext_fields));
  result.next_begin_offset = header.next_begin_offset;
  result.min_offset = header.min_offset;
  result.max_offset = header.max_offset;
  result.suggest_which_broker_id = header.suggest_which_broker_id;
  if (result.status != PullStatus::kFound) return result;

  const bool filter = !subscription.tags_set.empty() && !subscription.class_filter_mode;
  const std::string min_offset = std::to_string(result.min_offset);
  const std::string max_offset = std::to_string(result.max_offset);
  const std::string_view body = response.body;
  // Located first, so that the messages are built in place (no vector growth moving them).
  std::vector<protocol::MessageRecordView> records;
  records.reserve(32);
  for (size_t pos = 0; pos < body.size();) {
    size_t consumed = 0;
    auto record = protocol::DecodeRecordView(body.substr(pos), &consumed);
    if (!record.ok()) {
      return Malformed("pull from " + queue.ToString() + ": record at byte " + std::to_string(pos) +
                       " of the answer: " + record.status().message());
    }
    records.push_back(*record);
    pos += consumed;
  }
  result.messages.reserve(records.size());
  RecordHostCache hosts;
  for (const protocol::MessageRecordView& record : records) {
    if (filter) {
      // The broker matched the tag's hash; keep only the exact tags (a message without tags
      // never matches a tag subscription).
      std::string_view tags;
      protocol::ForEachProperty(record.properties,
                                [&tags](std::string_view name, std::string_view value) {
                                  if (name == protocol::kPropertyTags) tags = value;
                                });
      if (tags.empty() || std::find(subscription.tags_set.begin(), subscription.tags_set.end(),
                                    tags) == subscription.tags_set.end()) {
        continue;
      }
    }
    ORBIT_ASSIGN_OR_RETURN(MessageExt m, ToMessageExt(record, queue.broker_name, &hosts));
    if (auto prepared = m.GetProperty(protocol::kPropertyTransactionPrepared);
        prepared && protocol::IsJavaTrue(*prepared)) {
      m.transaction_id = m.GetProperty(protocol::kPropertyUniqKey).value_or("");
    }
    m.PutPropertyUnchecked(std::string(protocol::kPropertyMinOffset), min_offset);
    m.PutPropertyUnchecked(std::string(protocol::kPropertyMaxOffset), max_offset);
    result.messages.push_back(std::move(m));
  }
  return result;
}

}  // namespace orbit::client

namespace orbit {

const char* PullStatusName(PullStatus status) {
  switch (status) {
    case PullStatus::kFound:
      return "FOUND";
    case PullStatus::kNoNewMsg:
      return "NO_NEW_MSG";
    case PullStatus::kNoMatchedMsg:
      return "NO_MATCHED_MSG";
    case PullStatus::kOffsetIllegal:
      return "OFFSET_ILLEGAL";
  }
  return "UNKNOWN";
}

}  // namespace orbit
