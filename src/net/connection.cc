#include "net/connection.h"

#include <asio/connect.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <cstring>

#include "base/log.h"

namespace orbit::net {

using protocol::RemotingCommand;

namespace {
constexpr size_t kInitialReadBuffer = 64 * 1024;
constexpr int64_t kSweepIntervalMs = 20;
}  // namespace

std::atomic<uint64_t> Connection::next_id_{1};

int64_t SteadyNowMillis() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

Connection::Connection(asio::io_context& io, asio::ip::tcp::socket socket,
                       ConnectionHandler* handler)
    : io_(io),
      socket_(std::move(socket)),
      handler_(handler),
      id_(next_id_.fetch_add(1, std::memory_order_relaxed)),
      rbuf_(kInitialReadBuffer),
      sweep_timer_(io),
      connect_timer_(io) {}

Connection::~Connection() = default;

template <typename F>
void Connection::RunOnLoop(F&& f) {
  if (io_.get_executor().running_in_this_thread()) {
    f();
  } else {
    asio::post(io_, std::forward<F>(f));
  }
}

void Connection::Post(std::function<void()> task) { asio::post(io_, std::move(task)); }

void Connection::Start() {
  RunOnLoop([self = shared_from_this()] {
    asio::error_code ec;
    auto ep = self->socket_.remote_endpoint(ec);
    if (!ec) self->remote_address_ = ep.address().to_string() + ":" + std::to_string(ep.port());
    self->OnConnected();
  });
}

void Connection::Connect(const std::string& host, const std::string& port, int64_t timeout_ms) {
  RunOnLoop([self = shared_from_this(), host, port, timeout_ms] {
    self->resolver_ = std::make_unique<asio::ip::tcp::resolver>(self->io_);
    self->connect_timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->connect_timer_.async_wait([self, host, port](const asio::error_code& ec) {
      if (ec || self->connected_ || self->closed()) return;
      self->DoClose(
          Status(ErrorCode::kConnectFailed, "connect to " + host + ":" + port + " timed out"));
    });
    self->resolver_->async_resolve(
        host, port,
        [self, host, port](const asio::error_code& ec,
                           const asio::ip::tcp::resolver::results_type& results) {
          if (self->closed()) return;
          if (ec) {
            self->DoClose(
                Status(ErrorCode::kConnectFailed, "cannot resolve " + host + ": " + ec.message()));
            return;
          }
          asio::async_connect(
              self->socket_, results,
              [self, host, port](const asio::error_code& ec2, const asio::ip::tcp::endpoint& ep) {
                if (self->closed()) return;
                if (ec2) {
                  self->DoClose(Status(ErrorCode::kConnectFailed,
                                       "connect to " + host + ":" + port + ": " + ec2.message()));
                  return;
                }
                self->connect_timer_.cancel();
                self->remote_address_ = ep.address().to_string() + ":" + std::to_string(ep.port());
                self->OnConnected();
              });
        });
  });
}

void Connection::OnConnected() {
  if (closed()) return;
  connected_ = true;
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  DoRead();
  if (!queued_.empty()) DoWrite();
}

void Connection::DoRead() {
  if (read_end_ == rbuf_.size()) {
    // Compact, or grow (only ever up to one maximal frame; see ParseFrames).
    if (read_start_ > 0) {
      std::memmove(rbuf_.data(), rbuf_.data() + read_start_, read_end_ - read_start_);
      read_end_ -= read_start_;
      read_start_ = 0;
    } else {
      rbuf_.resize(rbuf_.size() * 2);
    }
  }
  socket_.async_read_some(
      asio::buffer(rbuf_.data() + read_end_, rbuf_.size() - read_end_),
      [self = shared_from_this()](const asio::error_code& ec, size_t n) { self->OnRead(ec, n); });
}

void Connection::OnRead(const asio::error_code& ec, size_t n) {
  if (closed()) return;
  if (ec) {
    DoClose(ec == asio::error::eof
                ? Status(ErrorCode::kConnectionClosed, "closed by peer " + remote_address_)
                : Status(ErrorCode::kConnectionClosed,
                         "read from " + remote_address_ + ": " + ec.message()));
    return;
  }
  read_end_ += n;
  if (!ParseFrames()) return;
  DoRead();
}

bool Connection::ParseFrames() {
  while (read_end_ - read_start_ >= 4) {
    auto length = protocol::DecodeFrameLength(rbuf_.data() + read_start_);
    if (!length.ok()) {
      ORBIT_LOG_WARN("closing {}: {}", remote_address_, length.status().ToString());
      DoClose(length.status());
      return false;
    }
    size_t frame_size = 4 + size_t{*length};
    if (read_end_ - read_start_ < frame_size) {
      // Make room for the whole frame now that its (bounded) length is known.
      if (rbuf_.size() - read_start_ < frame_size) {
        std::memmove(rbuf_.data(), rbuf_.data() + read_start_, read_end_ - read_start_);
        read_end_ -= read_start_;
        read_start_ = 0;
        if (rbuf_.size() < frame_size) rbuf_.resize(frame_size);
      }
      return true;
    }
    auto cmd = protocol::DecodeFramePayload(
        std::string_view(rbuf_.data() + read_start_ + 4, frame_size - 4));
    read_start_ += frame_size;
    if (!cmd.ok()) {
      ORBIT_LOG_WARN("closing {}: bad frame: {}", remote_address_, cmd.status().ToString());
      DoClose(cmd.status());
      return false;
    }
    HandleCommand(std::move(*cmd));
    if (closed()) return false;
  }
  if (read_start_ == read_end_) {
    read_start_ = read_end_ = 0;
    // Give back memory a large frame made us take.
    if (rbuf_.size() > 4 * kInitialReadBuffer) {
      rbuf_.resize(kInitialReadBuffer);
      rbuf_.shrink_to_fit();
    }
  }
  return true;
}

void Connection::HandleCommand(RemotingCommand cmd) {
  if (!cmd.is_response()) {
    handler_->OnRequest(shared_from_this(), std::move(cmd));
    return;
  }
  auto it = pending_.find(cmd.opaque);
  if (it == pending_.end()) {
    ORBIT_LOG_DEBUG("response opaque {} from {} matches no request (late or unknown)", cmd.opaque,
                    remote_address_);
    return;
  }
  ResponseCallback cb = std::move(it->second.cb);
  pending_.erase(it);
  cb(std::move(cmd));
}

void Connection::SendRequest(RemotingCommand request, int64_t timeout_ms, ResponseCallback cb) {
  RunOnLoop([self = shared_from_this(), request = std::move(request), timeout_ms,
             cb = std::move(cb)]() mutable {
    if (self->closed()) {
      cb(self->close_status_);
      return;
    }
    // Skip opaques still waiting (after a wrap-around).
    do {
      request.opaque = self->next_opaque_++;
    } while (self->pending_.count(request.opaque) != 0);
    request.flag &= ~(protocol::kFlagResponse | protocol::kFlagOneway);
    std::string frame;
    Status st = protocol::EncodeFrame(request, &frame);
    if (!st.ok()) {
      cb(std::move(st));
      return;
    }
    self->pending_.emplace(request.opaque, Pending{std::move(cb), SteadyNowMillis() + timeout_ms});
    self->ArmSweep();
    self->QueueFrame(std::move(frame), nullptr);
  });
}

void Connection::SendOneway(RemotingCommand request, WriteCallback on_written) {
  RunOnLoop([self = shared_from_this(), request = std::move(request),
             on_written = std::move(on_written)]() mutable {
    if (self->closed()) {
      if (on_written) on_written(self->close_status_);
      return;
    }
    request.opaque = self->next_opaque_++;
    request.flag = (request.flag & ~protocol::kFlagResponse) | protocol::kFlagOneway;
    std::string frame;
    Status st = protocol::EncodeFrame(request, &frame);
    if (!st.ok()) {
      if (on_written) on_written(st);
      return;
    }
    self->QueueFrame(std::move(frame), std::move(on_written));
  });
}

void Connection::SendResponse(const RemotingCommand& response) {
  std::string frame;
  Status st = protocol::EncodeFrame(response, &frame);
  if (!st.ok()) {
    // A response that cannot be encoded (too large, or a code the binary header cannot carry)
    // becomes a SYSTEM_ERROR in JSON, so that the caller is not left waiting.
    ORBIT_LOG_WARN("cannot encode response to {}: {}", remote_address_, st.ToString());
    RemotingCommand err = response;
    err.code = 1;  // SYSTEM_ERROR
    err.remark = "response encoding failed: " + st.message();
    err.ext_fields.clear();
    err.body.clear();
    err.serialize_type = protocol::SerializeType::kJson;
    frame.clear();
    if (!protocol::EncodeFrame(err, &frame).ok()) return;
  }
  RunOnLoop([self = shared_from_this(), frame = std::move(frame)]() mutable {
    if (!self->closed()) self->QueueFrame(std::move(frame), nullptr);
  });
}

void Connection::WriteBatch::AppendOwned(std::string_view bytes) {
  size_t begin = owned.size();
  owned.append(bytes);
  if (!chunks.empty() && chunks.back().external == nullptr) {
    chunks.back().end = owned.size();
  } else {
    chunks.push_back(Chunk{nullptr, begin, owned.size()});
  }
}

void Connection::WriteBatch::AppendExternal(const char* data, size_t size) {
  if (size > 0) chunks.push_back(Chunk{data, 0, size});
}

void Connection::WriteBatch::clear() {
  owned.clear();
  chunks.clear();
  keep_alive.clear();
}

void Connection::QueueFrame(std::string frame, WriteCallback cb) {
  if (queued_.chunks.empty()) {
    queued_.owned = std::move(frame);
    queued_.chunks.push_back(Chunk{nullptr, 0, queued_.owned.size()});
  } else {
    queued_.AppendOwned(frame);
  }
  if (cb) queued_cbs_.push_back(std::move(cb));
  if (connected_ && !write_in_flight_) DoWrite();
}

void Connection::QueueBatchPart(std::string head, std::vector<BodyPiece> pieces,
                                std::shared_ptr<const void> keep_alive) {
  queued_.AppendOwned(head);
  for (const auto& p : pieces) queued_.AppendExternal(p.data, p.size);
  if (keep_alive) queued_.keep_alive.push_back(std::move(keep_alive));
  if (connected_ && !write_in_flight_) DoWrite();
}

void Connection::SendResponseWithBody(const RemotingCommand& response,
                                      std::vector<BodyPiece> pieces,
                                      std::shared_ptr<const void> keep_alive) {
  size_t body_len = 0;
  for (const auto& p : pieces) body_len += p.size;
  std::string head;
  Status st = protocol::EncodeFrameHead(response, body_len, &head);
  if (!st.ok()) {
    // Too large or not encodable: answer as SendResponse does, without the pieces.
    RemotingCommand err = response;
    err.body.clear();
    err.code = 1;  // SYSTEM_ERROR
    err.remark = "response encoding failed: " + st.message();
    err.ext_fields.clear();
    SendResponse(err);
    return;
  }
  RunOnLoop([self = shared_from_this(), head = std::move(head), pieces = std::move(pieces),
             keep_alive = std::move(keep_alive)]() mutable {
    if (!self->closed())
      self->QueueBatchPart(std::move(head), std::move(pieces), std::move(keep_alive));
  });
}

void Connection::DoWrite() {
  if (queued_.empty() || write_in_flight_ || closed()) return;
  std::swap(writing_, queued_);
  queued_.clear();
  writing_cbs_.swap(queued_cbs_);
  write_in_flight_ = true;
  if (writing_.chunks.size() == 1 && writing_.chunks[0].external == nullptr) {
    asio::async_write(
        socket_, asio::buffer(writing_.owned),
        [self = shared_from_this()](const asio::error_code& ec, size_t) { self->OnWritten(ec); });
    return;
  }
  // Scatter-gather: the kernel copies straight from each piece (writev).
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(writing_.chunks.size());
  for (const Chunk& c : writing_.chunks) {
    if (c.external != nullptr) {
      buffers.emplace_back(c.external, c.end);
    } else {
      buffers.emplace_back(writing_.owned.data() + c.begin, c.end - c.begin);
    }
  }
  asio::async_write(
      socket_, buffers,
      [self = shared_from_this()](const asio::error_code& ec, size_t) { self->OnWritten(ec); });
}

void Connection::OnWritten(const asio::error_code& ec) {
  write_in_flight_ = false;
  Status st =
      ec ? Status(ErrorCode::kConnectionClosed, "write to " + remote_address_ + ": " + ec.message())
         : Status();
  std::vector<WriteCallback> cbs;
  cbs.swap(writing_cbs_);
  writing_.clear();
  if (writing_.owned.capacity() > 4 * kInitialReadBuffer) writing_.owned.shrink_to_fit();
  for (auto& cb : cbs) cb(st);
  if (ec) {
    DoClose(st);
    return;
  }
  DoWrite();
}

void Connection::ArmSweep() {
  if (sweep_armed_ || closed()) return;
  sweep_armed_ = true;
  sweep_timer_.expires_after(std::chrono::milliseconds(kSweepIntervalMs));
  sweep_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    self->sweep_armed_ = false;
    if (ec || self->closed()) return;
    self->SweepTimeouts();
    if (!self->pending_.empty()) self->ArmSweep();
  });
}

void Connection::SweepTimeouts() {
  int64_t now = SteadyNowMillis();
  std::vector<ResponseCallback> expired;
  for (auto it = pending_.begin(); it != pending_.end();) {
    if (it->second.deadline_ms <= now) {
      expired.push_back(std::move(it->second.cb));
      it = pending_.erase(it);
    } else {
      ++it;
    }
  }
  for (auto& cb : expired) {
    cb(Status(ErrorCode::kTimeout, "no response from " + remote_address_ + " in time"));
  }
}

void Connection::Close(Status why) {
  RunOnLoop([self = shared_from_this(), why = std::move(why)] { self->DoClose(why); });
}

void Connection::DoClose(const Status& why) {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  asio::error_code ignored;
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  socket_.close(ignored);
  sweep_timer_.cancel();
  connect_timer_.cancel();
  if (resolver_) resolver_->cancel();
  Status fail = why.ok() ? Status(ErrorCode::kConnectionClosed, "connection closed") : why;
  if (fail.code() != ErrorCode::kConnectFailed && fail.code() != ErrorCode::kShutdown) {
    fail = Status(ErrorCode::kConnectionClosed, fail.message());
  }
  close_status_ = fail;
  auto pending = std::move(pending_);
  pending_.clear();
  for (auto& [opaque, p] : pending) p.cb(fail);
  std::vector<WriteCallback> cbs = std::move(writing_cbs_);
  for (auto& cb : queued_cbs_) cbs.push_back(std::move(cb));
  queued_cbs_.clear();
  for (auto& cb : cbs) cb(fail);
  queued_.clear();
  handler_->OnClosed(shared_from_this(), why);
}

}  // namespace orbit::net
