#pragma once

// What every consumer kind shares about pulling (Java's PullAPIWrapper and FilterAPI, and
// MQClientAPIImpl's pull request/response handling; consumer.md §2-§3):
//   - a subscription from a tag expression ("*", "TagA || TagB"), SQL92 refused for now;
//   - the PULL_MESSAGE request for one queue (PullSysFlag bits, long-polling suspend time);
//   - the answer as a PullResult: status from the response code, the records decoded into
//     MessageExts, re-filtered by the exact tag (the broker filters by tag hash only), with
//     MIN_OFFSET / MAX_OFFSET set and the transaction id of prepared messages.
// Pure: no I/O; the consumers send the request through their client instance.

#include <cstdint>
#include <string>
#include <vector>

#include "orbit/message.h"
#include "orbit/pull_consumer.h"
#include "orbit/status.h"
#include "protocol/bodies_heartbeat.h"
#include "protocol/remoting_command.h"

namespace orbit::client {

// PullSysFlag bits of the request's sysFlag header (not the message sysFlag).
inline constexpr int32_t kPullFlagCommitOffset = 0x1;
inline constexpr int32_t kPullFlagSuspend = 0x2;
inline constexpr int32_t kPullFlagSubscription = 0x4;
inline constexpr int32_t kPullFlagClassFilter = 0x8;
inline constexpr int32_t kPullFlagLitePull = 0x10;

int32_t BuildPullSysFlag(bool commit_offset, bool suspend, bool subscription, bool class_filter,
                         bool lite_pull = false);

// Java's FilterAPI.buildSubscriptionData for a TAG expression: empty or "*" subscribes to every
// tag; otherwise tags split on "||", trimmed, empty ones dropped, each with its Java hash code.
// subVersion is `sub_version_ms` (Java: the current time). kInvalidArgument for SQL92 (not
// supported yet) and for an expression with no tag in it ("||").
Result<protocol::SubscriptionData> BuildSubscription(const std::string& topic,
                                                     const std::string& expression,
                                                     int64_t sub_version_ms,
                                                     const std::string& expression_type = "TAG");

// The result types are public (orbit/pull_consumer.h).
using orbit::PullResult;
using orbit::PullStatus;
using orbit::PullStatusName;

struct PullRequestSpec {
  std::string consumer_group;
  MessageQueue queue;
  int64_t offset = 0;
  int32_t max_nums = 32;
  int32_t sys_flag = 0;
  int64_t commit_offset = 0;
  int64_t suspend_timeout_ms = 15000;  // how long the broker may hold the request
  std::string subscription;            // sent when sys_flag has kPullFlagSubscription
  int64_t sub_version = 0;
  std::string expression_type = "TAG";
};

protocol::RemotingCommand BuildPullRequest(const PullRequestSpec& spec);

// The answer to a PULL_MESSAGE for `queue` under `subscription`. Codes other than SUCCESS (with
// messages) and the three pull codes are errors carrying the broker's code and remark; a body
// that does not decode is kMalformed.
Result<PullResult> ProcessPullResponse(const protocol::RemotingCommand& response,
                                       const MessageQueue& queue,
                                       const protocol::SubscriptionData& subscription);

}  // namespace orbit::client
