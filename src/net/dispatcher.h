#pragma once

// Request processors by code, shared by the client (requests a broker sends to producers and
// consumers) and the server. Processors run on the connection's loop thread and must not block;
// work that waits replies later with Reply() from any thread.

#include <functional>
#include <unordered_map>

#include "net/connection.h"
#include "protocol/remoting_command.h"

namespace orbit::net {

using RequestProcessor =
    std::function<void(const ConnectionPtr& conn, protocol::RemotingCommand request)>;

enum class UnknownCodePolicy {
  // Answer REQUEST_CODE_NOT_SUPPORTED in the request's serialization (Apache broker).
  kReplyNotSupported,
  // Answer nothing (Apache name server and clients); the caller times out.
  kIgnore,
};

// Sends `response` for `request`: copies opaque and serialization, sets the response flag, and
// drops it when the request was oneway. Any thread.
void Reply(const ConnectionPtr& conn, const protocol::RemotingCommand& request,
           protocol::RemotingCommand response);

class RequestDispatcher {
 public:
  explicit RequestDispatcher(UnknownCodePolicy policy) : policy_(policy) {}

  // Not thread-safe: register everything before the endpoint starts.
  void Register(int32_t code, RequestProcessor processor);
  void SetUnknownCodePolicy(UnknownCodePolicy policy) { policy_ = policy; }

  void Dispatch(const ConnectionPtr& conn, protocol::RemotingCommand request) const;

 private:
  UnknownCodePolicy policy_;
  std::unordered_map<int32_t, RequestProcessor> processors_;
};

}  // namespace orbit::net
