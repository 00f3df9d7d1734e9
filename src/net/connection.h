#pragma once

// One TCP connection carrying RemotingCommand frames in both directions.
//
// Threading: reading, the handler's calls and response callbacks belong to the connection's
// loop thread. Sending is done by the calling thread: a frame is encoded there and, when no
// other write is under way, written to the socket at once (non-blocking) from that thread, so a
// request costs no hand-off to the loop. Only what the kernel does not take at once goes on
// through the loop. The send queue, the writer flag and the table of pending requests are
// guarded by out_mu_.
//
// Reading: bytes go into one reusable buffer and every complete frame in it is decoded at once.
// A frame's length prefix is checked (4 .. 16 MiB) before the buffer grows for it. A frame that
// does not decode closes this connection and nothing else. Frames sent by the loop thread while
// it handles one read (a broker's responses) are written together after that read.
// Writing: frames queued while a write is in flight are merged into the next single write.

#include <sys/uio.h>

#include <asio/ip/tcp.hpp>
#include <asio/steady_timer.hpp>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "base/thread_annotations.h"
#include "protocol/message_id.h"
#include "protocol/remoting_command.h"

namespace orbit::net {

class Connection;
using ConnectionPtr = std::shared_ptr<Connection>;
using ResponseCallback = std::function<void(Result<protocol::RemotingCommand>)>;
using WriteCallback = std::function<void(const Status&)>;

// Receives what a connection cannot handle itself. Called on the connection's loop thread.
class ConnectionHandler {
 public:
  virtual ~ConnectionHandler() = default;
  // A request (or oneway request) from the peer.
  virtual void OnRequest(const ConnectionPtr& conn, protocol::RemotingCommand request) = 0;
  // The connection closed; `why` says whether it was the peer, an error or a local close.
  virtual void OnClosed(const ConnectionPtr& conn, const Status& why) = 0;
};

class Connection : public std::enable_shared_from_this<Connection> {
 public:
  // Server side: an accepted socket. Client side: a socket to be connected with Connect().
  Connection(asio::io_context& io, asio::ip::tcp::socket socket, ConnectionHandler* handler);
  ~Connection();
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Server side: starts reading an accepted socket.
  void Start();
  // Client side: resolves and connects to host:port; requests sent before it completes are
  // queued and fail with kConnectFailed if the connection cannot be made in time.
  void Connect(const std::string& host, const std::string& port, int64_t timeout_ms);

  // Any thread. Sends `request` and calls `cb` exactly once: with the response, or with an
  // error (kTimeout after timeout_ms, kConnectionClosed when the connection drops first).
  // The opaque is assigned here.
  void SendRequest(protocol::RemotingCommand request, int64_t timeout_ms, ResponseCallback cb);
  // Any thread. Sends a oneway request (flag bit 1 set here); `on_written` (optional) is called
  // once the frame is handed to the kernel or the connection is closed (on the thread that
  // wrote it, or the loop thread).
  void SendOneway(protocol::RemotingCommand request, WriteCallback on_written);
  // Any thread. Sends a response (its opaque and flag must already be set).
  void SendResponse(const protocol::RemotingCommand& response);
  // Any thread. Sends `response` (whose own body must be empty) with a body made of `pieces`,
  // written straight from where they are (writev): a broker serves message records from the
  // store's mapped segments this way. `keep_alive` holds the pieces valid until written.
  struct BodyPiece {
    const char* data;
    size_t size;
  };
  void SendResponseWithBody(const protocol::RemotingCommand& response,
                            std::vector<BodyPiece> pieces, std::shared_ptr<const void> keep_alive);
  // Any thread. Closes the socket; pending requests fail with `why`. Idempotent.
  void Close(Status why);

  bool closed() const { return closed_.load(std::memory_order_acquire); }
  // Any thread. Runs `task` on this connection's loop thread (later, even when called there),
  // for work that must not run on the caller's thread (a broker waking a held pull).
  void Post(std::function<void()> task);
  uint64_t id() const { return id_; }
  // "ip:port" of the peer (empty until connected).
  const std::string& remote_address() const { return remote_address_; }
  // The peer's address as RocketMQ ids and records carry it (4 or 16 bytes and the port); not
  // valid() before the connection is up. Set once before the first read, like remote_address().
  const protocol::HostAddress& remote_host() const { return remote_host_; }
  asio::io_context& io() { return io_; }
  // Requests waiting for a response (for tests and stats).
  size_t pending_count() const;

 private:
  struct Pending {
    ResponseCallback cb;
    int64_t deadline_ms;
  };

  template <typename F>
  void RunOnLoop(F&& f);

  void OnConnected();
  // Records the peer's address (remote_address_ and remote_host_). Loop thread, before reading.
  void SetRemote(const asio::ip::tcp::endpoint& ep);
  void DoRead();
  void OnRead(const asio::error_code& ec, size_t n);
  // Decodes every complete frame in the read buffer; false after closing on a bad frame.
  bool ParseFrames();
  void HandleCommand(protocol::RemotingCommand cmd);
  // Queues an encoded frame (and its write callback), then Kick(direct).
  void QueueFrame(std::string frame, WriteCallback cb, bool direct);
  // After queuing: on the loop thread, writes now, or at the end of the read being parsed. On
  // another thread, writes from this thread when `direct` (a request with nothing else in
  // flight: no hand-off, the lowest latency), else leaves the write to the loop, posting one
  // flush for however many frames gather meanwhile (one write for many senders).
  void Kick(bool direct);
  // Any thread: becomes the writer if nobody is, and writes what is queued until the queue is
  // empty or the socket is full (the rest then goes through the loop).
  void Flush();
  // Writes writing_ from byte `skip` with non-blocking sendmsg calls; returns the bytes written
  // (all of them, fewer when the socket is full), or an error.
  Result<size_t> WriteDirect(size_t skip);
  // Loop thread: writes writing_ from byte `skip` with asio, then goes on with Flush().
  void WriteRestOnLoop(size_t skip);
  // The writer is done with writing_ (ok or `error`): runs the write callbacks, gives up the
  // writer role, and closes the socket if a close waited for the writer.
  void FinishWrite(const Status& error);
  void ArmSweep();
  void SweepTimeouts();
  void DoClose(const Status& why);
  // Closes the socket's descriptor (loop thread; only once no other thread writes to it).
  void CloseSocket();

  static std::atomic<uint64_t> next_id_;

  asio::io_context& io_;
  asio::ip::tcp::socket socket_;
  ConnectionHandler* handler_;
  const uint64_t id_;
  std::string remote_address_;
  protocol::HostAddress remote_host_;
  std::atomic<bool> closed_{false};

  // Read buffer: [read_start_, read_end_) holds unparsed bytes (loop thread).
  std::vector<char> rbuf_;
  size_t read_start_ = 0;
  size_t read_end_ = 0;
  // Loop thread: inside ParseFrames, the loop's own frames wait for the end of the read.
  bool corked_ = false;
  // The socket's descriptor once connected, for writers on other threads.
  std::atomic<int> fd_{-1};

  // Write side: `writing_` belongs to the one writer (writer_active_), `queued_` collects frames
  // meanwhile. The bytes of a write: ranges of the owned string, or pieces owned elsewhere (kept
  // alive by the batch's keep-alives).
  struct Chunk {
    const char* external;  // null: [begin, end) of the owned string
    size_t begin;
    size_t end;
  };
  struct WriteBatch {
    std::string owned;
    std::vector<Chunk> chunks;
    std::vector<std::shared_ptr<const void>> keep_alive;
    void AppendOwned(std::string_view bytes);
    void AppendExternal(const char* data, size_t size);
    bool empty() const { return owned.empty() && chunks.empty(); }
    size_t bytes() const;
    void clear();
  };
  void QueueBatchPart(std::string head, std::vector<BodyPiece> pieces,
                      std::shared_ptr<const void> keep_alive);
  WriteBatch writing_;
  std::vector<WriteCallback> writing_cbs_;
  std::vector<iovec> iov_;  // the writer's scratch

  mutable Mutex out_mu_;
  WriteBatch queued_ ORBIT_GUARDED_BY(out_mu_);
  std::vector<WriteCallback> queued_cbs_ ORBIT_GUARDED_BY(out_mu_);
  bool writer_active_ ORBIT_GUARDED_BY(out_mu_) = false;
  bool flush_posted_ ORBIT_GUARDED_BY(out_mu_) = false;
  bool connected_ ORBIT_GUARDED_BY(out_mu_) = false;
  // DoClose came while another thread was writing: that writer closes the socket when done.
  bool close_after_write_ ORBIT_GUARDED_BY(out_mu_) = false;
  bool socket_closed_ ORBIT_GUARDED_BY(out_mu_) = false;
  // Why the connection closed; what requests arriving afterwards fail with (ClosedStatus).
  Status close_status_ ORBIT_GUARDED_BY(out_mu_);
  // close_status_, or a generic error while DoClose has set closed_ but not yet the reason.
  Status ClosedStatus() const ORBIT_REQUIRES(out_mu_);
  int32_t next_opaque_ ORBIT_GUARDED_BY(out_mu_) = 0;
  std::unordered_map<int32_t, Pending> pending_ ORBIT_GUARDED_BY(out_mu_);
  bool sweep_armed_ ORBIT_GUARDED_BY(out_mu_) = false;
  asio::steady_timer sweep_timer_;
  asio::steady_timer connect_timer_;
  std::unique_ptr<asio::ip::tcp::resolver> resolver_;
};

// Monotonic milliseconds used for request deadlines.
int64_t SteadyNowMillis();

}  // namespace orbit::net
