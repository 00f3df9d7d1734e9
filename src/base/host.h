#pragma once

// Facts about this host that clients put on the wire.

#include <string>

namespace orbit {

// The IPv4 address RocketMQ's Java client uses for this host (RemotingUtil.getLocalAddress):
// among the interfaces that are up, the first IPv4 address that is neither loopback nor
// 192.168.x.x; else the last IPv4 address found; else "127.0.0.1".
std::string LocalIpv4Address();

}  // namespace orbit
