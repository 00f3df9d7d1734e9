#pragma once

// A minimal blocking HTTP/1.0 GET for the name-server address server (RocketMQ clients fetch
// "host:port;host:port" from http://<domain>:8080/rocketmq/nsaddr). Plain HTTP only; the whole
// exchange (resolve, connect, request, response) is bounded by `timeout_ms`. Runs on the
// calling thread, which must not be an event-loop thread.

#include <cstdint>
#include <string>

#include "orbit/status.h"

namespace orbit::net {

// The body of a 200 response. Errors: kInvalidArgument for a URL that is not http://host[:port]/
// path, kTimeout, kConnectFailed, kRemote with the HTTP status for a non-200 answer, kMalformed
// for a response that is not HTTP or larger than `max_bytes`.
Result<std::string> HttpGet(const std::string& url, int64_t timeout_ms,
                            size_t max_bytes = 64 * 1024);

}  // namespace orbit::net
