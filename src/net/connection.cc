#include "net/connection.h"

#include <sys/socket.h>
#include <sys/uio.h>

#include <asio/connect.hpp>
#include <asio/dispatch.hpp>
#include <asio/post.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <chrono>
#include <climits>
#include <cstring>

#include "base/log.h"
#include "net/sync_waiter.h"

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
    if (!ec) self->SetRemote(ep);
    self->OnConnected();
  });
}

void Connection::Connect(const std::string& host, const std::string& port, int64_t timeout_ms) {
  RunOnLoop([self = shared_from_this(), host, port, timeout_ms] {
    self->resolver_ = std::make_unique<asio::ip::tcp::resolver>(self->io_);
    self->connect_timer_.expires_after(std::chrono::milliseconds(timeout_ms));
    self->connect_timer_.async_wait([self, host, port](const asio::error_code& ec) {
      if (ec || self->closed()) return;
      {
        MutexLock lock(self->out_mu_);
        if (self->connected_) return;
      }
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
                self->SetRemote(ep);
                self->OnConnected();
              });
        });
  });
}

void Connection::OnConnected() {
  if (closed()) return;
  asio::error_code ec;
  socket_.set_option(asio::ip::tcp::no_delay(true), ec);
  fd_.store(socket_.native_handle(), std::memory_order_release);
  {
    MutexLock lock(out_mu_);
    connected_ = true;
  }
  DoRead();
  Flush();
}

size_t Connection::pending_count() const {
  MutexLock lock(out_mu_);
  return pending_.size();
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

void Connection::SetRemote(const asio::ip::tcp::endpoint& ep) {
  remote_address_ = ep.address().to_string() + ":" + std::to_string(ep.port());
  remote_host_.port = ep.port();
  if (ep.address().is_v4()) {
    const auto bytes = ep.address().to_v4().to_bytes();
    remote_host_.ip.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  } else {
    const auto bytes = ep.address().to_v6().to_bytes();
    remote_host_.ip.assign(reinterpret_cast<const char*>(bytes.data()), bytes.size());
  }
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
  // Callers blocked on the answers in this read are woken once it is handled.
  WakeBatch wakes;
  corked_ = true;
  bool ok = ParseFrames();
  corked_ = false;
  if (!ok) return;
  // Everything the frames of this read made the loop send, in one write.
  Flush();
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
  ResponseCallback cb;
  {
    MutexLock lock(out_mu_);
    auto it = pending_.find(cmd.opaque);
    if (it == pending_.end()) {
      ORBIT_LOG_DEBUG("response opaque {} from {} matches no request (late or unknown)", cmd.opaque,
                      remote_address_);
      return;
    }
    cb = std::move(it->second.cb);
    pending_.erase(it);
  }
  cb(std::move(cmd));
}

Status Connection::ClosedStatus() const {
  // closed_ is set before DoClose records why: a sender may see the flag first.
  if (!close_status_.ok()) return close_status_;
  return Status(ErrorCode::kConnectionClosed, "connection closed");
}

void Connection::Kick(bool direct) {
  if (io_.get_executor().running_in_this_thread()) {
    if (!corked_) Flush();  // else the end of the read writes
    return;
  }
  if (direct) {
    Flush();
    return;
  }
  {
    MutexLock lock(out_mu_);
    // A writer takes what was queued before it lets go; a posted flush is still to come.
    if (flush_posted_ || writer_active_ || !connected_ || closed() || queued_.empty()) return;
    flush_posted_ = true;
  }
  asio::post(io_, [self = shared_from_this()] {
    {
      MutexLock lock(self->out_mu_);
      self->flush_posted_ = false;
    }
    self->Flush();
  });
}

void Connection::SendRequest(RemotingCommand request, int64_t timeout_ms, ResponseCallback cb) {
  request.flag &= ~(protocol::kFlagResponse | protocol::kFlagOneway);
  {
    MutexLock lock(out_mu_);
    // Skip opaques still waiting (after a wrap-around).
    do {
      request.opaque = next_opaque_++;
    } while (pending_.count(request.opaque) != 0);
  }
  // Encoded on the calling thread.
  std::string frame;
  Status st = protocol::EncodeFrame(request, &frame);
  bool arm_sweep = false;
  bool alone = false;
  if (st.ok()) {
    MutexLock lock(out_mu_);
    if (closed()) {
      st = ClosedStatus();
    } else {
      alone = pending_.empty();
      // Registered before the frame can be written, so that no response can come first.
      pending_.emplace(request.opaque, Pending{std::move(cb), SteadyNowMillis() + timeout_ms});
      queued_.AppendOwned(frame);
      arm_sweep = !sweep_armed_;
      sweep_armed_ = true;
    }
  }
  if (!st.ok()) {
    // Failures are reported on the loop thread, never inside the caller's call.
    asio::post(io_, [cb = std::move(cb), st = std::move(st)]() mutable { cb(std::move(st)); });
    return;
  }
  if (arm_sweep) asio::post(io_, [self = shared_from_this()] { self->ArmSweep(); });
  Kick(alone);
}

void Connection::SendOneway(RemotingCommand request, WriteCallback on_written) {
  request.flag = (request.flag & ~protocol::kFlagResponse) | protocol::kFlagOneway;
  {
    MutexLock lock(out_mu_);
    request.opaque = next_opaque_++;
  }
  std::string frame;
  Status st = protocol::EncodeFrame(request, &frame);
  if (!st.ok()) {
    if (on_written) on_written(st);
    return;
  }
  QueueFrame(std::move(frame), std::move(on_written), /*direct=*/true);
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
  QueueFrame(std::move(frame), nullptr, /*direct=*/false);
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

size_t Connection::WriteBatch::bytes() const {
  size_t n = 0;
  for (const Chunk& c : chunks) n += c.end - c.begin;
  return n;
}

void Connection::WriteBatch::clear() {
  owned.clear();
  chunks.clear();
  keep_alive.clear();
}

void Connection::QueueFrame(std::string frame, WriteCallback cb, bool direct) {
  Status closed_status;
  {
    MutexLock lock(out_mu_);
    if (closed()) {
      closed_status = ClosedStatus();
    } else {
      if (queued_.chunks.empty()) {
        queued_.owned = std::move(frame);
        queued_.chunks.push_back(Chunk{nullptr, 0, queued_.owned.size()});
      } else {
        queued_.AppendOwned(frame);
      }
      if (cb) queued_cbs_.push_back(std::move(cb));
      cb = nullptr;
    }
  }
  if (cb) {
    cb(closed_status);
    return;
  }
  Kick(direct);
}

void Connection::QueueBatchPart(std::string head, std::vector<BodyPiece> pieces,
                                std::shared_ptr<const void> keep_alive) {
  {
    MutexLock lock(out_mu_);
    if (closed()) return;
    queued_.AppendOwned(head);
    for (const auto& p : pieces) queued_.AppendExternal(p.data, p.size);
    if (keep_alive) queued_.keep_alive.push_back(std::move(keep_alive));
  }
  Kick(/*direct=*/false);
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
  QueueBatchPart(std::move(head), std::move(pieces), std::move(keep_alive));
}

void Connection::Flush() {
  for (;;) {
    {
      MutexLock lock(out_mu_);
      if (writer_active_ || !connected_ || socket_closed_ || closed() || queued_.empty()) return;
      writer_active_ = true;
      std::swap(writing_, queued_);
      queued_.clear();
      writing_cbs_.swap(queued_cbs_);
    }
    Result<size_t> written = WriteDirect(0);
    if (!written.ok()) {
      FinishWrite(written.status());
      Close(written.status());
      return;
    }
    if (*written < writing_.bytes()) {
      // The socket is full: the loop writes the rest when it drains, then goes on.
      asio::post(io_, [self = shared_from_this(), at = *written] { self->WriteRestOnLoop(at); });
      return;
    }
    FinishWrite(Status::Ok());
  }
}

Result<size_t> Connection::WriteDirect(size_t skip) {
  iov_.clear();
  size_t total = 0;
  for (const Chunk& c : writing_.chunks) {
    const char* base = c.external != nullptr ? c.external : writing_.owned.data() + c.begin;
    size_t len = c.end - c.begin;
    total += len;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    iov_.push_back(iovec{const_cast<char*>(base + skip), len - skip});
    skip = 0;
  }
  size_t written = total;
  for (const iovec& v : iov_) written -= v.iov_len;
  const int fd = fd_.load(std::memory_order_acquire);
  size_t at = 0;
  while (at < iov_.size()) {
    msghdr msg{};
    msg.msg_iov = &iov_[at];
    msg.msg_iovlen = std::min<size_t>(iov_.size() - at, IOV_MAX);
    ssize_t n = ::sendmsg(fd, &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) break;
      return Status(ErrorCode::kConnectionClosed,
                    "write to " + remote_address_ + ": " + std::strerror(errno));
    }
    written += static_cast<size_t>(n);
    auto left = static_cast<size_t>(n);
    while (left > 0 && at < iov_.size()) {
      if (left >= iov_[at].iov_len) {
        left -= iov_[at].iov_len;
        ++at;
      } else {
        iov_[at].iov_base = static_cast<char*>(iov_[at].iov_base) + left;
        iov_[at].iov_len -= left;
        left = 0;
      }
    }
  }
  return written;
}

void Connection::WriteRestOnLoop(size_t skip) {
  std::vector<asio::const_buffer> buffers;
  buffers.reserve(writing_.chunks.size());
  for (const Chunk& c : writing_.chunks) {
    const char* base = c.external != nullptr ? c.external : writing_.owned.data() + c.begin;
    size_t len = c.end - c.begin;
    if (skip >= len) {
      skip -= len;
      continue;
    }
    buffers.emplace_back(base + skip, len - skip);
    skip = 0;
  }
  asio::async_write(socket_, buffers,
                    [self = shared_from_this()](const asio::error_code& ec, size_t) {
                      if (ec) {
                        Status st(ErrorCode::kConnectionClosed,
                                  "write to " + self->remote_address_ + ": " + ec.message());
                        self->FinishWrite(st);
                        self->DoClose(st);
                        return;
                      }
                      self->FinishWrite(Status::Ok());
                      self->Flush();
                    });
}

void Connection::FinishWrite(const Status& error) {
  std::vector<WriteCallback> cbs;
  cbs.swap(writing_cbs_);
  writing_.clear();
  if (writing_.owned.capacity() > 4 * kInitialReadBuffer) writing_.owned.shrink_to_fit();
  bool close_now = false;
  {
    MutexLock lock(out_mu_);
    writer_active_ = false;
    close_now = close_after_write_;
    close_after_write_ = false;
  }
  if (close_now) asio::post(io_, [self = shared_from_this()] { self->CloseSocket(); });
  for (auto& cb : cbs) cb(error);
}

void Connection::ArmSweep() {
  if (closed()) return;
  sweep_timer_.expires_after(std::chrono::milliseconds(kSweepIntervalMs));
  sweep_timer_.async_wait([self = shared_from_this()](const asio::error_code& ec) {
    if (ec || self->closed()) return;
    self->SweepTimeouts();
  });
}

void Connection::SweepTimeouts() {
  int64_t now = SteadyNowMillis();
  std::vector<ResponseCallback> expired;
  bool rearm = false;
  {
    MutexLock lock(out_mu_);
    for (auto it = pending_.begin(); it != pending_.end();) {
      if (it->second.deadline_ms <= now) {
        expired.push_back(std::move(it->second.cb));
        it = pending_.erase(it);
      } else {
        ++it;
      }
    }
    rearm = !pending_.empty();
    if (!rearm) sweep_armed_ = false;
  }
  for (auto& cb : expired) {
    cb(Status(ErrorCode::kTimeout, "no response from " + remote_address_ + " in time"));
  }
  if (rearm) ArmSweep();
}

void Connection::Close(Status why) {
  RunOnLoop([self = shared_from_this(), why = std::move(why)] { self->DoClose(why); });
}

void Connection::DoClose(const Status& why) {
  if (closed_.exchange(true, std::memory_order_acq_rel)) return;
  asio::error_code ignored;
  // Stops both directions now; the descriptor itself is closed once no thread writes to it.
  socket_.shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
  sweep_timer_.cancel();
  connect_timer_.cancel();
  if (resolver_) resolver_->cancel();
  Status fail = why.ok() ? Status(ErrorCode::kConnectionClosed, "connection closed") : why;
  if (fail.code() != ErrorCode::kConnectFailed && fail.code() != ErrorCode::kShutdown) {
    fail = Status(ErrorCode::kConnectionClosed, fail.message());
  }
  std::unordered_map<int32_t, Pending> pending;
  std::vector<WriteCallback> cbs;
  bool close_now = false;
  {
    MutexLock lock(out_mu_);
    close_status_ = fail;
    pending.swap(pending_);
    cbs.swap(queued_cbs_);
    queued_.clear();
    if (writer_active_) {
      close_after_write_ = true;
    } else {
      close_now = true;
    }
  }
  if (close_now) CloseSocket();
  for (auto& [opaque, p] : pending) p.cb(fail);
  for (auto& cb : cbs) cb(fail);
  handler_->OnClosed(shared_from_this(), why);
}

void Connection::CloseSocket() {
  {
    MutexLock lock(out_mu_);
    if (socket_closed_) return;
    socket_closed_ = true;
  }
  asio::error_code ignored;
  socket_.close(ignored);
}

}  // namespace orbit::net
