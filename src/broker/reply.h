#pragma once

// Small helpers the processors share: answering with a code and remark, decoding a typed header
// or answering SYSTEM_ERROR, and parsing a peer's "ip:port".

#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/dispatcher.h"
#include "protocol/message_id.h"
#include "protocol/remoting_command.h"

namespace orbit::broker {

inline void ReplyCode(const net::ConnectionPtr& conn, const protocol::RemotingCommand& req,
                      int32_t code, std::optional<std::string> remark = std::nullopt) {
  net::Reply(conn, req, protocol::RemotingCommand::ResponseTo(req, code, std::move(remark)));
}

// Decodes the header of `req` as H, or answers SYSTEM_ERROR with the reason (Apache answers a
// header that does not decode the same way).
template <typename H>
std::optional<H> DecodeOrReply(const net::ConnectionPtr& conn,
                               const protocol::RemotingCommand& req) {
  auto h = H::Decode(req.ext_fields);
  if (!h.ok()) {
    ReplyCode(conn, req, 1 /* SYSTEM_ERROR */, h.status().message());
    return std::nullopt;
  }
  return std::move(*h);
}

// "1.2.3.4:5678" or "[::1]:5678" to a HostAddress; InvalidArgument otherwise.
Result<protocol::HostAddress> ParseHostPort(std::string_view text);

}  // namespace orbit::broker
