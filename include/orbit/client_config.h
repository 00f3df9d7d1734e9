#pragma once

// Settings every producer and consumer shares (RocketMQ's ClientConfig), with the Java client's
// defaults, and the hooks that see every request a client sends.

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace orbit {

// A request or response as an RPC hook sees it: the request code (or response code), the header
// fields (mutable before a request is sent) and the body.
struct RpcView {
  int32_t code = 0;
  std::map<std::string, std::string>& ext_fields;
  std::string_view body;
};

// Runs on every request a client sends (RocketMQ's RPCHook): ACL signing, tracing, metrics.
// BeforeRequest may add or change header fields. Called on the sending thread or on an I/O
// thread: implementations must be thread-safe and must not block.
class RpcHook {
 public:
  virtual ~RpcHook() = default;
  virtual void BeforeRequest(const std::string& remote_addr, RpcView& request) = 0;
  virtual void AfterResponse(const std::string& /*remote_addr*/, const RpcView& /*request*/,
                             const RpcView& /*response*/) {}
};

// ACL 1.0 signing (RocketMQ's AclClientRPCHook): adds AccessKey, Signature (HMAC-SHA1 over the
// sorted header fields and the body, base64) and, when given, SecurityToken.
std::shared_ptr<RpcHook> MakeAclRpcHook(std::string access_key, std::string secret_key,
                                        std::string security_token = "");

struct ClientConfig {
  // Name servers, "host:port;host:port". Empty: the NAMESRV_ADDR environment variable, then the
  // lookup URL below.
  std::string namesrv_addr;
  // HTTP address server answering the name-server list (first lookup after 10 s, then every
  // 2 min), used when no address is configured: "http://host:port/rocketmq/nsaddr".
  std::string namesrv_lookup_url;
  // This client's IP in its client id. Empty: the first non-loopback IPv4, as Java picks it.
  std::string client_ip;
  // Empty: the process id plus a unique suffix ("<pid>#<n>") for producers and clustering
  // consumers, as Java does with "DEFAULT".
  std::string instance_name;
  // Appended to the client id when set.
  std::string unit_name;
  // Prefix of topic and group names ("<namespace>%<name>") when set.
  std::string name_space;
  int64_t poll_name_server_interval_ms = 30000;  // route refresh
  int64_t heartbeat_broker_interval_ms = 30000;  // heartbeat to every broker
  int64_t persist_consumer_offset_interval_ms = 5000;
  int64_t mq_client_api_timeout_ms = 3000;  // route, heartbeat and admin calls
  // Serialize request headers in RocketMQ's binary form instead of JSON (both are understood by
  // every 4.x broker; JSON is the default for the widest compatibility).
  bool binary_header = false;
  // I/O threads of the client instance's connections.
  int io_threads = 1;
  // Signs or observes every request (see MakeAclRpcHook).
  std::shared_ptr<RpcHook> rpc_hook;
};

// The states of a client (RocketMQ's ServiceState).
enum class ServiceState { kCreateJust, kRunning, kShutdownAlready, kStartFailed };
const char* ServiceStateName(ServiceState state);

}  // namespace orbit
