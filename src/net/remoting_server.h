#pragma once

// Server side of the remoting protocol: accepts connections on a TCP port, spreads them over
// the event loops, and dispatches requests to processors by code. Replies use the request's
// serialization; oneway requests are never answered; unknown codes follow the policy.
// The server can also send requests to its clients (a broker asks producers and consumers).

#include <asio/ip/tcp.hpp>
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "net/connection.h"
#include "net/dispatcher.h"
#include "net/event_loop.h"

namespace orbit::net {

struct ServerOptions {
  std::string host = "0.0.0.0";
  uint16_t port = 0;   // 0 = an ephemeral port; see RemotingServer::port()
  int io_threads = 0;  // 0 = one per core
  UnknownCodePolicy unknown_code_policy = UnknownCodePolicy::kReplyNotSupported;
  // Server-to-client requests in flight (Apache: 64 async, 256 oneway).
  int max_async_to_clients = 64;
  int max_oneway_to_clients = 256;
  std::string thread_name = "orbit-srv";
};

// Told about connections opening and closing; called on the connection's loop thread.
struct ConnectionListener {
  std::function<void(const ConnectionPtr&)> on_connected;
  std::function<void(const ConnectionPtr&, const Status&)> on_closed;
};

// Sees every request before its processor (the broker's ACL check, Apache's RPC hook). A
// returned response is sent instead of dispatching (dropped for a oneway request, which is then
// not processed either); std::nullopt lets the request through. Runs on the connection's loop
// thread and must not block.
using RequestFilter = std::function<std::optional<protocol::RemotingCommand>(
    const ConnectionPtr& conn, const protocol::RemotingCommand& request)>;

class RemotingServer final : private ConnectionHandler {
 public:
  explicit RemotingServer(ServerOptions options);
  ~RemotingServer() override;

  // Register processors and listeners before Start().
  void RegisterProcessor(int32_t code, RequestProcessor processor);
  void AddConnectionListener(ConnectionListener listener);
  // At most one filter; a later call replaces the earlier one. Before Start().
  void SetRequestFilter(RequestFilter filter) { filter_ = std::move(filter); }

  // Binds and starts accepting. Error when the address cannot be bound.
  Status Start();
  uint16_t port() const { return port_; }

  // Server-to-client requests. Any thread; callbacks on the connection's loop thread.
  void InvokeAsync(const ConnectionPtr& conn, protocol::RemotingCommand request, int64_t timeout_ms,
                   ResponseCallback cb);
  Status InvokeOneway(const ConnectionPtr& conn, protocol::RemotingCommand request);

  size_t connection_count() const;
  // Stops accepting, closes every connection (their pending requests fail), joins the loops.
  void Shutdown();

 private:
  void DoAccept();
  void OnRequest(const ConnectionPtr& conn, protocol::RemotingCommand request) override;
  void OnClosed(const ConnectionPtr& conn, const Status& why) override;

  const ServerOptions options_;
  EventLoopGroup loops_;
  RequestDispatcher dispatcher_;
  std::vector<ConnectionListener> listeners_;
  RequestFilter filter_;
  std::unique_ptr<asio::ip::tcp::acceptor> acceptor_;
  uint16_t port_ = 0;
  mutable Mutex mu_;
  std::unordered_map<uint64_t, ConnectionPtr> connections_ ORBIT_GUARDED_BY(mu_);
  bool shutdown_ ORBIT_GUARDED_BY(mu_) = false;
  std::atomic<int> async_in_flight_{0};
  std::atomic<int> oneway_in_flight_{0};
};

}  // namespace orbit::net
