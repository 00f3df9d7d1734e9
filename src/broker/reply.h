#pragma once

// Small helpers the processors share: answering with a code and remark, decoding a typed header
// or answering SYSTEM_ERROR, and parsing a peer's "ip:port".

#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "base/status.h"
#include "net/dispatcher.h"
#include "net/remoting_server.h"
#include "protocol/message_id.h"
#include "protocol/remoting_command.h"

namespace orbit::broker {

// What Apache appends to remarks that send users to its FAQ (FAQUrl.suggestTodo).
inline constexpr std::string_view kFaqHint =
    "\nSee http://rocketmq.apache.org/docs/faq/ for further details.";

// Registers member functions of a processor as the handlers of their request codes.
template <typename P>
using ProcessorMethod = void (P::*)(const net::ConnectionPtr&, protocol::RemotingCommand);
template <typename P>
void RegisterMethods(net::RemotingServer& server, P* self,
                     std::initializer_list<std::pair<int32_t, ProcessorMethod<P>>> methods) {
  for (const auto& [code, fn] : methods) {
    server.RegisterProcessor(
        code, [self, fn = fn](const net::ConnectionPtr& conn, protocol::RemotingCommand req) {
          (self->*fn)(conn, std::move(req));
        });
  }
}

inline void ReplyCode(const net::ConnectionPtr& conn, const protocol::RemotingCommand& req,
                      int32_t code, std::optional<std::string> remark = std::nullopt) {
  net::Reply(conn, req, protocol::RemotingCommand::ResponseTo(req, code, std::move(remark)));
}

// Answers SUCCESS with `body`.
inline void ReplyBody(const net::ConnectionPtr& conn, const protocol::RemotingCommand& req,
                      std::string body) {
  protocol::RemotingCommand resp = protocol::RemotingCommand::ResponseTo(req, 0 /* SUCCESS */);
  resp.body = std::move(body);
  net::Reply(conn, req, std::move(resp));
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
