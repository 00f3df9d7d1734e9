#include "net/remoting_server.h"

#include <asio/post.hpp>
#include <future>

#include "base/log.h"

namespace orbit::net {

using protocol::RemotingCommand;

RemotingServer::RemotingServer(ServerOptions options)
    : options_(std::move(options)),
      loops_(options_.io_threads, options_.thread_name),
      dispatcher_(options_.unknown_code_policy) {}

RemotingServer::~RemotingServer() { Shutdown(); }

void RemotingServer::RegisterProcessor(int32_t code, RequestProcessor processor) {
  dispatcher_.Register(code, std::move(processor));
}

void RemotingServer::AddConnectionListener(ConnectionListener listener) {
  listeners_.push_back(std::move(listener));
}

Status RemotingServer::Start() {
  asio::error_code ec;
  auto address = asio::ip::make_address(options_.host, ec);
  if (ec) return InvalidArgument("bad listen address '" + options_.host + "': " + ec.message());
  asio::ip::tcp::endpoint endpoint(address, options_.port);
  // The acceptor lives on loop 0; accepted sockets are created on the loop chosen for them.
  acceptor_ = std::make_unique<asio::ip::tcp::acceptor>(loops_.At(0));
  acceptor_->open(endpoint.protocol(), ec);
  if (!ec) acceptor_->set_option(asio::ip::tcp::acceptor::reuse_address(true), ec);
  if (!ec) acceptor_->bind(endpoint, ec);
  if (!ec) acceptor_->listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Status(ErrorCode::kIoError, "cannot listen on " + options_.host + ":" +
                                           std::to_string(options_.port) + ": " + ec.message());
  }
  port_ = acceptor_->local_endpoint().port();
  asio::post(loops_.At(0), [this] { DoAccept(); });
  return Status::Ok();
}

void RemotingServer::DoAccept() {
  asio::io_context& io = loops_.Next();
  acceptor_->async_accept(io,
                          [this, &io](const asio::error_code& ec, asio::ip::tcp::socket socket) {
                            if (ec == asio::error::operation_aborted || !acceptor_->is_open())
                              return;
                            if (!ec) {
                              auto conn = std::make_shared<Connection>(
                                  io, std::move(socket), static_cast<ConnectionHandler*>(this));
                              bool accepted = false;
                              {
                                MutexLock lock(mu_);
                                if (!shutdown_) {
                                  connections_[conn->id()] = conn;
                                  accepted = true;
                                }
                              }
                              if (accepted) {
                                asio::post(io, [this, conn] {
                                  conn->Start();
                                  for (auto& l : listeners_) {
                                    if (l.on_connected) l.on_connected(conn);
                                  }
                                });
                              }
                            } else {
                              ORBIT_LOG_WARN("accept failed: {}", ec.message());
                            }
                            DoAccept();
                          });
}

void RemotingServer::OnRequest(const ConnectionPtr& conn, RemotingCommand request) {
  if (filter_) {
    if (std::optional<RemotingCommand> refused = filter_(conn, request)) {
      Reply(conn, request, std::move(*refused));  // nothing for a oneway request
      return;
    }
  }
  dispatcher_.Dispatch(conn, std::move(request));
}

void RemotingServer::OnClosed(const ConnectionPtr& conn, const Status& why) {
  {
    MutexLock lock(mu_);
    connections_.erase(conn->id());
  }
  for (auto& l : listeners_) {
    if (l.on_closed) l.on_closed(conn, why);
  }
}

void RemotingServer::InvokeAsync(const ConnectionPtr& conn, RemotingCommand request,
                                 int64_t timeout_ms, ResponseCallback cb) {
  if (async_in_flight_.fetch_add(1) >= options_.max_async_to_clients) {
    async_in_flight_.fetch_sub(1);
    cb(Status(ErrorCode::kTooManyRequests, "too many requests to clients in flight"));
    return;
  }
  conn->SendRequest(std::move(request), timeout_ms,
                    [this, cb = std::move(cb)](Result<RemotingCommand> r) {
                      async_in_flight_.fetch_sub(1);
                      cb(std::move(r));
                    });
}

Status RemotingServer::InvokeOneway(const ConnectionPtr& conn, RemotingCommand request) {
  if (oneway_in_flight_.fetch_add(1) >= options_.max_oneway_to_clients) {
    oneway_in_flight_.fetch_sub(1);
    return Status(ErrorCode::kTooManyRequests, "too many oneway requests to clients in flight");
  }
  conn->SendOneway(std::move(request), [this](const Status&) { oneway_in_flight_.fetch_sub(1); });
  return Status::Ok();
}

size_t RemotingServer::connection_count() const {
  MutexLock lock(mu_);
  return connections_.size();
}

void RemotingServer::Shutdown() {
  std::unordered_map<uint64_t, ConnectionPtr> conns;
  {
    MutexLock lock(mu_);
    if (shutdown_) return;
    shutdown_ = true;
    conns = connections_;
  }
  if (acceptor_) {
    std::promise<void> closed;
    asio::post(loops_.At(0), [this, &closed] {
      asio::error_code ignored;
      acceptor_->close(ignored);
      closed.set_value();
    });
    closed.get_future().wait();
  }
  for (auto& [id, conn] : conns) conn->Close(Status(ErrorCode::kShutdown, "server shut down"));
  loops_.Stop();
  MutexLock lock(mu_);
  connections_.clear();
}

}  // namespace orbit::net
