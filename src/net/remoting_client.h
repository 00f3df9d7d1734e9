#pragma once

// Client side of the remoting protocol: one connection per "host:port", shared by every request
// to that address, created on first use and re-created on the next use after it drops.
//
// Back-pressure: at most max_async_in_flight async/sync requests and max_oneway_in_flight oneway
// requests (until written) at once; beyond that a call fails at once with kTooManyRequests.
// Callbacks run on an I/O loop thread: they must not block (hand work to an executor).

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "net/connection.h"
#include "net/dispatcher.h"
#include "net/event_loop.h"

namespace orbit::net {

struct ClientOptions {
  int io_threads = 1;
  int64_t connect_timeout_ms = 3000;
  int max_async_in_flight = 65535;
  int max_oneway_in_flight = 65535;
  std::string thread_name = "orbit-cli";
};

class RemotingClient final : private ConnectionHandler {
 public:
  explicit RemotingClient(ClientOptions options = {});
  ~RemotingClient() override;

  // Processors for requests servers send to this client (e.g. CHECK_TRANSACTION_STATE). Register
  // before the first invocation. Unknown codes are ignored, as the Java client does.
  void RegisterProcessor(int32_t code, RequestProcessor processor);

  // Any thread. `cb` is called exactly once, on an I/O thread.
  void InvokeAsync(const std::string& addr, protocol::RemotingCommand request, int64_t timeout_ms,
                   ResponseCallback cb);
  // Blocks the calling thread; must not be called on an I/O thread (returns kInternal there).
  Result<protocol::RemotingCommand> InvokeSync(const std::string& addr,
                                               protocol::RemotingCommand request,
                                               int64_t timeout_ms);
  // Returns once the request is queued; an error only for back-pressure, a bad address or
  // shutdown. Delivery is not confirmed (oneway).
  Status InvokeOneway(const std::string& addr, protocol::RemotingCommand request);

  // Closes the connection to addr, if any (pending requests fail).
  void CloseConnection(const std::string& addr);
  // Fails everything in flight with kShutdown, closes connections, joins the I/O threads.
  void Shutdown();

  int async_in_flight() const { return async_in_flight_.load(); }

 private:
  Result<ConnectionPtr> GetOrConnect(const std::string& addr);
  void OnRequest(const ConnectionPtr& conn, protocol::RemotingCommand request) override;
  void OnClosed(const ConnectionPtr& conn, const Status& why) override;

  const ClientOptions options_;
  EventLoopGroup loops_;
  RequestDispatcher dispatcher_{UnknownCodePolicy::kIgnore};
  Mutex mu_;
  std::unordered_map<std::string, ConnectionPtr> connections_ ORBIT_GUARDED_BY(mu_);
  bool shutdown_ ORBIT_GUARDED_BY(mu_) = false;
  std::atomic<int> async_in_flight_{0};
  std::atomic<int> oneway_in_flight_{0};
};

// Splits "host:port" (IPv6 as "[::1]:port"); error when malformed.
Status SplitHostPort(const std::string& addr, std::string* host, std::string* port);

}  // namespace orbit::net
