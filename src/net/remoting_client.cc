#include "net/remoting_client.h"

#include <charconv>
#include <chrono>
#include <optional>

#include "base/log.h"
#include "net/sync_waiter.h"

namespace orbit::net {

using protocol::RemotingCommand;

Status SplitHostPort(const std::string& addr, std::string* host, std::string* port) {
  size_t colon = addr.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 >= addr.size()) {
    return InvalidArgument("address '" + addr + "' is not host:port");
  }
  *host = addr.substr(0, colon);
  if (host->size() >= 2 && host->front() == '[' && host->back() == ']') {
    *host = host->substr(1, host->size() - 2);
  }
  *port = addr.substr(colon + 1);
  unsigned value = 0;
  auto r = std::from_chars(port->data(), port->data() + port->size(), value);
  if (r.ec != std::errc() || r.ptr != port->data() + port->size() || value == 0 || value > 65535) {
    return InvalidArgument("address '" + addr + "' has a bad port");
  }
  return Status::Ok();
}

RemotingClient::RemotingClient(ClientOptions options)
    : options_(std::move(options)), loops_(options_.io_threads, options_.thread_name) {}

RemotingClient::~RemotingClient() { Shutdown(); }

void RemotingClient::RegisterProcessor(int32_t code, RequestProcessor processor) {
  dispatcher_.Register(code, std::move(processor));
}

Result<ConnectionPtr> RemotingClient::GetOrConnect(const std::string& addr) {
  MutexLock lock(mu_);
  if (shutdown_) return Status(ErrorCode::kShutdown, "client is shut down");
  auto it = connections_.find(addr);
  if (it != connections_.end() && !it->second->closed()) return it->second;
  std::string host, port;
  ORBIT_RETURN_IF_ERROR(SplitHostPort(addr, &host, &port));
  asio::io_context& io = loops_.Next();
  auto conn = std::make_shared<Connection>(io, asio::ip::tcp::socket(io),
                                           static_cast<ConnectionHandler*>(this));
  conn->Connect(host, port, options_.connect_timeout_ms);
  connections_[addr] = conn;
  return conn;
}

void RemotingClient::InvokeAsync(const std::string& addr, RemotingCommand request,
                                 int64_t timeout_ms, ResponseCallback cb) {
  if (async_in_flight_.fetch_add(1, std::memory_order_acq_rel) >= options_.max_async_in_flight) {
    async_in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    cb(Status(ErrorCode::kTooManyRequests,
              "more than " + std::to_string(options_.max_async_in_flight) + " requests in flight"));
    return;
  }
  auto conn = GetOrConnect(addr);
  if (!conn.ok()) {
    async_in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    cb(conn.status());
    return;
  }
  (*conn)->SendRequest(std::move(request), timeout_ms,
                       [this, cb = std::move(cb)](Result<RemotingCommand> r) {
                         async_in_flight_.fetch_sub(1, std::memory_order_acq_rel);
                         cb(std::move(r));
                       });
}

Result<RemotingCommand> RemotingClient::InvokeSync(const std::string& addr, RemotingCommand request,
                                                   int64_t timeout_ms) {
  if (loops_.InLoopThread()) {
    return Internal("InvokeSync called on an I/O thread; use InvokeAsync there");
  }
  auto waiter = std::make_shared<SyncWaiter>();
  // The connection's sweep always completes the call; the extra wait only guards against a
  // loop that is stuck.
  const auto deadline =
      std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms + 5000);
  InvokeAsync(addr, std::move(request), timeout_ms,
              [waiter](Result<RemotingCommand> r) { SyncWaiter::Complete(waiter, std::move(r)); });
  std::optional<Result<RemotingCommand>> result = waiter->Wait(deadline);
  if (!result) return Status(ErrorCode::kTimeout, "no response from " + addr + " in time");
  return std::move(*result);
}

Status RemotingClient::InvokeOneway(const std::string& addr, RemotingCommand request) {
  if (oneway_in_flight_.fetch_add(1, std::memory_order_acq_rel) >= options_.max_oneway_in_flight) {
    oneway_in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    return Status(ErrorCode::kTooManyRequests, "too many oneway requests in flight");
  }
  auto conn = GetOrConnect(addr);
  if (!conn.ok()) {
    oneway_in_flight_.fetch_sub(1, std::memory_order_acq_rel);
    return conn.status();
  }
  (*conn)->SendOneway(std::move(request), [this](const Status&) {
    oneway_in_flight_.fetch_sub(1, std::memory_order_acq_rel);
  });
  return Status::Ok();
}

void RemotingClient::CloseConnection(const std::string& addr) {
  ConnectionPtr conn;
  {
    MutexLock lock(mu_);
    auto it = connections_.find(addr);
    if (it == connections_.end()) return;
    conn = it->second;
    connections_.erase(it);
  }
  conn->Close(Status(ErrorCode::kConnectionClosed, "closed by the client"));
}

void RemotingClient::Shutdown() {
  std::unordered_map<std::string, ConnectionPtr> conns;
  {
    MutexLock lock(mu_);
    if (shutdown_) return;
    shutdown_ = true;
    conns.swap(connections_);
  }
  for (auto& [addr, conn] : conns) conn->Close(Status(ErrorCode::kShutdown, "client shut down"));
  loops_.Stop();
}

void RemotingClient::OnRequest(const ConnectionPtr& conn, RemotingCommand request) {
  dispatcher_.Dispatch(conn, std::move(request));
}

void RemotingClient::OnClosed(const ConnectionPtr& conn, const Status& why) {
  ORBIT_LOG_DEBUG("connection to {} closed: {}", conn->remote_address(), why.ToString());
  MutexLock lock(mu_);
  for (auto it = connections_.begin(); it != connections_.end(); ++it) {
    if (it->second == conn) {
      connections_.erase(it);
      break;
    }
  }
}

}  // namespace orbit::net
