#include "broker/reply.h"

#include <arpa/inet.h>

#include <charconv>

namespace orbit::broker {

Result<protocol::HostAddress> ParseHostPort(std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    return InvalidArgument("'" + std::string(text) + "' is not ip:port");
  }
  std::string_view host = text.substr(0, colon);
  std::string_view port_text = text.substr(colon + 1);
  int32_t port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port < 0 || port > 65535) {
    return InvalidArgument("'" + std::string(text) + "' has no valid port");
  }
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  std::string host_z(host);
  protocol::HostAddress addr;
  addr.port = port;
  unsigned char buf[16];
  if (inet_pton(AF_INET, host_z.c_str(), buf) == 1) {
    addr.ip.assign(reinterpret_cast<char*>(buf), 4);
    return addr;
  }
  if (inet_pton(AF_INET6, host_z.c_str(), buf) == 1) {
    addr.ip.assign(reinterpret_cast<char*>(buf), 16);
    return addr;
  }
  return InvalidArgument("'" + std::string(text) + "' has no IP address");
}

}  // namespace orbit::broker
