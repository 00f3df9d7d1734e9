#pragma once

// PULL_MESSAGE (11), as Apache 4.9's PullMessageProcessor: permission, group, topic, queue and
// subscription checks (from the request's subscription when it carries one, else from the
// group's heartbeat), the tags filter by hash code, the commit offset carried in the pull, the
// suggest-broker field, and long polling: a pull that finds nothing and may be suspended is held
// (PullHoldService) and answered when a message arrives or its suspend time ends.
//
// Threads: runs on the connection's loop, also when a held pull is resumed.

#include "net/remoting_server.h"
#include "protocol/bodies.h"

namespace orbit::broker {

class Broker;

// PullSysFlag bits.
inline constexpr int32_t kPullFlagCommitOffset = 0x1;
inline constexpr int32_t kPullFlagSuspend = 0x2;
inline constexpr int32_t kPullFlagSubscription = 0x4;
inline constexpr int32_t kPullFlagClassFilter = 0x8;
inline constexpr int32_t kPullFlagLitePull = 0x10;

class PullProcessor {
 public:
  explicit PullProcessor(Broker& broker) : broker_(broker) {}
  void Register(net::RemotingServer& server);
  // A held pull resumed: answered whatever it finds.
  void Resume(const net::ConnectionPtr& conn, protocol::RemotingCommand req) {
    HandlePull(conn, std::move(req), false);
  }

 private:
  void HandlePull(const net::ConnectionPtr& conn, protocol::RemotingCommand req,
                  bool allow_suspend);

  Broker& broker_;
};

// Apache's FilterAPI.build for TAG expressions: "*" or "" subscribes to all; otherwise tags
// split at "||", trimmed, with their hash codes. SQL92 gives InvalidArgument (not supported).
Result<protocol::SubscriptionData> BuildSubscription(std::string topic, std::string sub_string,
                                                     std::string_view expression_type);

}  // namespace orbit::broker
