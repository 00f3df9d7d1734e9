#include "net/dispatcher.h"

#include <string>

#include "base/log.h"
#include "protocol/codes.h"

namespace orbit::net {

using protocol::RemotingCommand;

void Reply(const ConnectionPtr& conn, const RemotingCommand& request, RemotingCommand response) {
  if (request.is_oneway()) return;
  response.opaque = request.opaque;
  response.flag = (response.flag | protocol::kFlagResponse) & ~protocol::kFlagOneway;
  response.serialize_type = request.serialize_type;
  conn->SendResponse(response);
}

void RequestDispatcher::Register(int32_t code, RequestProcessor processor) {
  processors_[code] = std::move(processor);
}

void RequestDispatcher::Dispatch(const ConnectionPtr& conn, RemotingCommand request) const {
  auto it = processors_.find(request.code);
  if (it != processors_.end()) {
    it->second(conn, std::move(request));
    return;
  }
  ORBIT_LOG_DEBUG("request code {} from {} not supported", request.code, conn->remote_address());
  if (policy_ == UnknownCodePolicy::kIgnore) return;
  Reply(conn, request,
        RemotingCommand::ResponseTo(
            request, protocol::ResponseCode::kRequestCodeNotSupported,
            " request type " + std::to_string(request.code) + " not supported"));
}

}  // namespace orbit::net
