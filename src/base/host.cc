#include "base/host.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

namespace orbit {

std::string LocalIpv4Address() {
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return "127.0.0.1";
  std::string preferred, last;
  for (ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr || a->ifa_addr->sa_family != AF_INET) continue;
    if ((a->ifa_flags & IFF_UP) == 0 || (a->ifa_flags & IFF_LOOPBACK) != 0) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* sin = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) == nullptr) continue;
    std::string ip(text);
    if (ip.rfind("127.", 0) == 0) continue;
    last = ip;
    if (preferred.empty() && ip.rfind("192.168.", 0) != 0) preferred = ip;
  }
  freeifaddrs(list);
  if (!preferred.empty()) return preferred;
  return last.empty() ? "127.0.0.1" : last;
}

}  // namespace orbit
