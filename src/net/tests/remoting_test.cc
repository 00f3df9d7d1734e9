// Loopback tests of the remoting client and server: real sockets on ephemeral ports.

#include <gtest/gtest.h>

#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/write.hpp>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <future>
#include <mutex>
#include <thread>

#include "base/bytes.h"
#include "net/remoting_client.h"
#include "net/remoting_server.h"
#include "protocol/codes.h"

namespace orbit::net {
namespace {

using protocol::RemotingCommand;
using protocol::SerializeType;
using namespace std::chrono_literals;

constexpr int32_t kEcho = 9001;
constexpr int32_t kNeverReply = 9002;
constexpr int32_t kCloseMe = 9003;
constexpr int32_t kCallBack = 9004;
constexpr int32_t kPieces = 9005;

class RemotingTest : public ::testing::Test {
 protected:
  void SetUp() override { StartServer(UnknownCodePolicy::kReplyNotSupported); }
  void TearDown() override {
    if (server_) server_->Shutdown();
  }

  void StartServer(UnknownCodePolicy policy) {
    ServerOptions opts;
    opts.host = "127.0.0.1";
    opts.io_threads = 2;
    opts.unknown_code_policy = policy;
    server_ = std::make_unique<RemotingServer>(opts);
    server_->RegisterProcessor(kEcho, [](const ConnectionPtr& conn, RemotingCommand req) {
      RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
      resp.body = req.body;
      resp.ext_fields = req.ext_fields;
      Reply(conn, req, std::move(resp));
    });
    // Answers with the request body split into three pieces written from a block that only the
    // keep-alive holds, interleaved with an ordinary response.
    server_->RegisterProcessor(kPieces, [](const ConnectionPtr& conn, RemotingCommand req) {
      auto block = std::make_shared<std::string>(req.body);
      size_t third = block->size() / 3;
      std::vector<Connection::BodyPiece> pieces = {
          {block->data(), third},
          {block->data() + third, third},
          {block->data() + 2 * third, block->size() - 2 * third}};
      RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
      resp.ext_fields = req.ext_fields;
      conn->SendResponseWithBody(resp, std::move(pieces), block);
    });
    server_->RegisterProcessor(kNeverReply, [this](const ConnectionPtr&, RemotingCommand) {
      never_replied_.fetch_add(1);
    });
    server_->RegisterProcessor(kCloseMe, [](const ConnectionPtr& conn, RemotingCommand) {
      conn->Close(Status(ErrorCode::kConnectionClosed, "test asked to close"));
    });
    server_->RegisterProcessor(kCallBack, [this](const ConnectionPtr& conn, RemotingCommand req) {
      // Ask the client something, then answer the original request with the client's reply.
      RemotingCommand ask = RemotingCommand::Request(protocol::RequestCode::kCheckTransactionState);
      ask.body = "question";
      server_->InvokeAsync(conn, std::move(ask), 3000, [conn, req](Result<RemotingCommand> r) {
        RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
        resp.body = r.ok() ? r->body : "failed: " + r.status().ToString();
        Reply(conn, req, std::move(resp));
      });
    });
    if (filter_) server_->SetRequestFilter(filter_);
    server_->AddConnectionListener(
        {[this](const ConnectionPtr&) { connected_.fetch_add(1); },
         [this](const ConnectionPtr&, const Status&) { closed_.fetch_add(1); }});
    ASSERT_TRUE(server_->Start().ok());
    addr_ = "127.0.0.1:" + std::to_string(server_->port());
  }

  RemotingCommand Echo(std::string body, SerializeType type = SerializeType::kJson) {
    RemotingCommand req = RemotingCommand::Request(kEcho);
    req.body = std::move(body);
    req.serialize_type = type;
    return req;
  }

  RequestFilter filter_;  // installed by StartServer when set
  std::unique_ptr<RemotingServer> server_;
  std::string addr_;
  std::atomic<int> never_replied_{0};
  std::atomic<int> connected_{0};
  std::atomic<int> closed_{0};
};

// A blocking raw socket for sending hand-made bytes.
class RawPeer {
 public:
  explicit RawPeer(uint16_t port) : socket_(io_) {
    socket_.connect({asio::ip::make_address("127.0.0.1"), port});
  }
  void Send(std::string_view bytes) { asio::write(socket_, asio::buffer(bytes)); }
  // Reads one whole frame; empty string on EOF/error.
  std::string ReadFrame() {
    char prefix[4];
    asio::error_code ec;
    asio::read(socket_, asio::buffer(prefix, 4), ec);
    if (ec) return {};
    std::string payload(LoadU32(prefix), '\0');
    asio::read(socket_, asio::buffer(payload), ec);
    if (ec) return {};
    return payload;
  }
  // True when the server closed the connection (read hits EOF or reset).
  bool ClosedByServer() {
    char c;
    asio::error_code ec;
    socket_.read_some(asio::buffer(&c, 1), ec);
    return ec == asio::error::eof || ec == asio::error::connection_reset;
  }

 private:
  asio::io_context io_;
  asio::ip::tcp::socket socket_;
};

std::string Frame(const RemotingCommand& cmd) {
  std::string out;
  EXPECT_TRUE(protocol::EncodeFrame(cmd, &out).ok());
  return out;
}

TEST_F(RemotingTest, SyncRequestBothSerializations) {
  RemotingClient client;
  for (auto type : {SerializeType::kJson, SerializeType::kRocketmq}) {
    RemotingCommand req = Echo("hello", type);
    req.ext_fields.Set("topic", "T");
    auto resp = client.InvokeSync(addr_, std::move(req), 3000);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->code, 0);
    EXPECT_TRUE(resp->is_response());
    EXPECT_EQ(resp->body, "hello");
    EXPECT_EQ(resp->serialize_type, type);
    EXPECT_EQ(*resp->ext_fields.Find("topic"), "T");
  }
}

TEST_F(RemotingTest, ResponseBodyFromPiecesArrivesWhole) {
  RemotingClient client;
  std::vector<std::future<Result<RemotingCommand>>> futures;
  std::vector<std::string> bodies;
  for (int i = 0; i < 200; ++i) {
    // Mixed sizes, up to 1 MiB, and a mix of scatter-gather and ordinary responses.
    std::string body(static_cast<size_t>((i * 7919) % (1 << 20)) + 3,
                     static_cast<char>('a' + i % 26));
    body[0] = static_cast<char>(i);
    bodies.push_back(body);
    RemotingCommand req = RemotingCommand::Request(i % 3 == 0 ? kEcho : kPieces);
    req.body = body;
    req.ext_fields.Set("i", std::to_string(i));
    auto promise = std::make_shared<std::promise<Result<RemotingCommand>>>();
    futures.push_back(promise->get_future());
    client.InvokeAsync(addr_, std::move(req), 10000,
                       [promise](Result<RemotingCommand> r) { promise->set_value(std::move(r)); });
  }
  for (size_t i = 0; i < futures.size(); ++i) {
    auto r = futures[i].get();
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->body, bodies[i]) << "response " << i;
    ASSERT_EQ(*r->ext_fields.Find("i"), std::to_string(i));
  }
  client.Shutdown();
}

TEST_F(RemotingTest, UnknownCodeAnsweredInRequestSerialization) {
  RemotingClient client;
  for (auto type : {SerializeType::kJson, SerializeType::kRocketmq}) {
    RemotingCommand req = RemotingCommand::Request(4242);
    req.serialize_type = type;
    auto resp = client.InvokeSync(addr_, std::move(req), 3000);
    ASSERT_TRUE(resp.ok()) << resp.status().ToString();
    EXPECT_EQ(resp->code, protocol::ResponseCode::kRequestCodeNotSupported);
    EXPECT_EQ(resp->remark, " request type 4242 not supported");
    EXPECT_EQ(resp->serialize_type, type);
  }
}

TEST_F(RemotingTest, UnknownCodeIgnoredWhenPolicySaysSo) {
  server_->Shutdown();
  StartServer(UnknownCodePolicy::kIgnore);
  RemotingClient client;
  auto resp = client.InvokeSync(addr_, RemotingCommand::Request(4242), 300);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), ErrorCode::kTimeout);
  // The connection still works.
  EXPECT_TRUE(client.InvokeSync(addr_, Echo("x"), 3000).ok());
}

TEST_F(RemotingTest, OnewayRequestsAreNeverAnswered) {
  RawPeer peer(server_->port());
  RemotingCommand oneway = Echo("first");
  oneway.flag = protocol::kFlagOneway;
  oneway.opaque = 1;
  RemotingCommand unknown_oneway = RemotingCommand::Request(4242);
  unknown_oneway.flag = protocol::kFlagOneway;
  unknown_oneway.opaque = 2;
  RemotingCommand normal = Echo("second");
  normal.opaque = 3;
  peer.Send(Frame(oneway) + Frame(unknown_oneway) + Frame(normal));
  auto resp = protocol::DecodeFramePayload(peer.ReadFrame());
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->opaque, 3);  // the first reply on the wire answers the normal request
  EXPECT_EQ(resp->body, "second");
}

TEST_F(RemotingTest, TenThousandConcurrentAsyncRequestsOnOneConnection) {
  RemotingClient client;
  constexpr int kCount = 10000;
  std::atomic<int> ok{0}, mismatched{0}, failed{0};
  std::promise<void> done;
  std::atomic<int> remaining{kCount};
  for (int i = 0; i < kCount; ++i) {
    RemotingCommand req = Echo(std::to_string(i));
    client.InvokeAsync(addr_, std::move(req), 30000, [&, i](Result<RemotingCommand> r) {
      if (!r.ok()) {
        failed.fetch_add(1);
      } else if (r->body != std::to_string(i)) {
        mismatched.fetch_add(1);
      } else {
        ok.fetch_add(1);
      }
      if (remaining.fetch_sub(1) == 1) done.set_value();
    });
  }
  ASSERT_EQ(done.get_future().wait_for(60s), std::future_status::ready);
  EXPECT_EQ(ok.load(), kCount);
  EXPECT_EQ(mismatched.load(), 0);
  EXPECT_EQ(failed.load(), 0);
  EXPECT_EQ(connected_.load(), 1);  // all on one shared connection
  EXPECT_EQ(client.async_in_flight(), 0);
}

TEST_F(RemotingTest, TimeoutFailsTheCall) {
  RemotingClient client;
  // (No assertion on the elapsed time: the loop's timer may fire a few microseconds before the
  // caller's clock says 200 ms, and timing belongs in benchmarks, not unit tests.)
  auto resp = client.InvokeSync(addr_, RemotingCommand::Request(kNeverReply), 200);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), ErrorCode::kTimeout);
  EXPECT_TRUE(resp.status().retriable());
}

TEST_F(RemotingTest, DroppedConnectionFailsPendingAtOnceAndReconnects) {
  RemotingClient client;
  std::promise<Result<RemotingCommand>> pending;
  client.InvokeAsync(addr_, RemotingCommand::Request(kNeverReply), 60000,
                     [&](Result<RemotingCommand> r) { pending.set_value(std::move(r)); });
  while (never_replied_.load() == 0) std::this_thread::sleep_for(1ms);
  // The server drops the connection while the first request is still waiting.
  auto closer = client.InvokeSync(addr_, RemotingCommand::Request(kCloseMe), 60000);
  ASSERT_FALSE(closer.ok());
  EXPECT_EQ(closer.status().code(), ErrorCode::kConnectionClosed);
  auto f = pending.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);  // long before its 60 s timeout
  EXPECT_EQ(f.get().status().code(), ErrorCode::kConnectionClosed);
  // Next use reconnects.
  auto again = client.InvokeSync(addr_, Echo("back"), 3000);
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->body, "back");
  EXPECT_EQ(connected_.load(), 2);
}

TEST_F(RemotingTest, PeerKilledMidRequest) {
  // A "server" that accepts, reads part of a request and dies.
  asio::io_context io;
  asio::ip::tcp::acceptor acceptor(io, {asio::ip::make_address("127.0.0.1"), 0});
  uint16_t port = acceptor.local_endpoint().port();
  std::thread killer([&] {
    asio::ip::tcp::socket s(io);
    acceptor.accept(s);
    char buf[8];
    asio::read(s, asio::buffer(buf));
    s.close();
  });
  RemotingClient client;
  auto resp = client.InvokeSync("127.0.0.1:" + std::to_string(port), Echo("x"), 60000);
  killer.join();
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), ErrorCode::kConnectionClosed);
}

TEST_F(RemotingTest, ConnectFailureIsReported) {
  asio::io_context io;
  uint16_t port;
  {
    asio::ip::tcp::acceptor a(io, {asio::ip::make_address("127.0.0.1"), 0});
    port = a.local_endpoint().port();
  }  // closed: nothing listens there now
  RemotingClient client;
  auto resp = client.InvokeSync("127.0.0.1:" + std::to_string(port), Echo("x"), 3000);
  ASSERT_FALSE(resp.ok());
  EXPECT_EQ(resp.status().code(), ErrorCode::kConnectFailed);
  EXPECT_EQ(client.InvokeSync("no-port", Echo("x"), 100).status().code(),
            ErrorCode::kInvalidArgument);
}

TEST_F(RemotingTest, GarbageClosesOnlyThatConnection) {
  RemotingClient good;
  ASSERT_TRUE(good.InvokeSync(addr_, Echo("before"), 3000).ok());
  {
    RawPeer garbage(server_->port());
    std::string bad;
    PutU32(&bad, 12);
    PutU32(&bad, 8);  // JSON header of 8 bytes...
    bad += "not json";
    garbage.Send(bad);
    EXPECT_TRUE(garbage.ClosedByServer());
  }
  {
    RawPeer unknown_type(server_->port());
    std::string bad;
    PutU32(&bad, 6);
    PutU32(&bad, (7u << 24) | 2);
    bad += "{}";
    unknown_type.Send(bad);
    EXPECT_TRUE(unknown_type.ClosedByServer());
  }
  {
    RawPeer header_too_long(server_->port());
    std::string bad;
    PutU32(&bad, 8);
    PutU32(&bad, 1000);
    bad += "abcd";
    header_too_long.Send(bad);
    EXPECT_TRUE(header_too_long.ClosedByServer());
  }
  auto after = good.InvokeSync(addr_, Echo("after"), 3000);
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->body, "after");
}

TEST_F(RemotingTest, OversizedFrameRefusedBeforeItsBytesArrive) {
  RawPeer big(server_->port());
  std::string prefix;
  PutU32(&prefix, protocol::kMaxFrameLength + 1);
  big.Send(prefix);  // no body follows: the length alone must close the connection
  EXPECT_TRUE(big.ClosedByServer());
  RawPeer tls(server_->port());
  tls.Send(std::string("\x16\x03\x01\x02\x00", 5));  // a TLS ClientHello start
  EXPECT_TRUE(tls.ClosedByServer());
  RemotingClient client;
  EXPECT_TRUE(client.InvokeSync(addr_, Echo("still up"), 3000).ok());
}

TEST_F(RemotingTest, TruncatedFrameThenCloseIsHarmless) {
  {
    RawPeer peer(server_->port());
    std::string frame = Frame(Echo("never finished"));
    peer.Send(frame.substr(0, frame.size() - 3));
  }
  RemotingClient client;
  EXPECT_TRUE(client.InvokeSync(addr_, Echo("ok"), 3000).ok());
}

TEST_F(RemotingTest, SlowPeerHoldsNothingUp) {
  // A peer that sends one byte per second while others are served normally.
  std::atomic<bool> stop{false};
  std::atomic<size_t> sent{0};
  std::string slow_frame = Frame(Echo("slow"));
  RawPeer slow(server_->port());
  std::thread trickle([&] {
    for (size_t i = 0; i < 3 && !stop.load(); ++i) {
      slow.Send(slow_frame.substr(i, 1));
      sent.store(i + 1);
      std::this_thread::sleep_for(1s);
    }
  });
  RemotingClient client;
  for (int i = 0; i < 200; ++i) {
    auto r = client.InvokeSync(addr_, Echo(std::to_string(i)), 2000);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
  }
  stop = true;
  trickle.join();
  EXPECT_GE(sent.load(), 1u);
  slow.Send(slow_frame.substr(sent.load()));  // finish the frame: it is answered too
  auto resp = protocol::DecodeFramePayload(slow.ReadFrame());
  ASSERT_TRUE(resp.ok());
  EXPECT_EQ(resp->body, "slow");
}

TEST_F(RemotingTest, ServerCallsItsClient) {
  RemotingClient client;
  client.RegisterProcessor(protocol::RequestCode::kCheckTransactionState,
                           [](const ConnectionPtr& conn, RemotingCommand req) {
                             RemotingCommand resp = RemotingCommand::ResponseTo(req, 0);
                             resp.body = "answer to " + req.body;
                             Reply(conn, req, std::move(resp));
                           });
  auto resp = client.InvokeSync(addr_, RemotingCommand::Request(kCallBack), 5000);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->body, "answer to question");
}

TEST_F(RemotingTest, BackPressureRefusesBeyondTheLimit) {
  ClientOptions opts;
  opts.max_async_in_flight = 10;
  RemotingClient client(opts);
  std::atomic<int> completed{0};
  for (int i = 0; i < 10; ++i) {
    client.InvokeAsync(addr_, RemotingCommand::Request(kNeverReply), 500,
                       [&](Result<RemotingCommand>) { completed.fetch_add(1); });
  }
  std::promise<Status> refused;
  client.InvokeAsync(addr_, Echo("one too many"), 500,
                     [&](Result<RemotingCommand> r) { refused.set_value(r.status()); });
  auto f = refused.get_future();
  ASSERT_EQ(f.wait_for(0s), std::future_status::ready);  // refused synchronously
  EXPECT_EQ(f.get().code(), ErrorCode::kTooManyRequests);
  while (completed.load() < 10) std::this_thread::sleep_for(5ms);  // timeouts free the slots
  EXPECT_TRUE(client.InvokeSync(addr_, Echo("fits again"), 3000).ok());
}

TEST_F(RemotingTest, OnewayFromClient) {
  RemotingClient client;
  RemotingCommand req = RemotingCommand::Request(kNeverReply);
  ASSERT_TRUE(client.InvokeOneway(addr_, std::move(req)).ok());
  while (never_replied_.load() == 0) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(never_replied_.load(), 1);
}

TEST_F(RemotingTest, ShutdownFailsPendingAndClosesConnections) {
  RemotingClient client;
  std::promise<Result<RemotingCommand>> pending;
  client.InvokeAsync(addr_, RemotingCommand::Request(kNeverReply), 60000,
                     [&](Result<RemotingCommand> r) { pending.set_value(std::move(r)); });
  while (never_replied_.load() == 0) std::this_thread::sleep_for(1ms);
  server_->Shutdown();
  auto f = pending.get_future();
  ASSERT_EQ(f.wait_for(10s), std::future_status::ready);
  EXPECT_FALSE(f.get().ok());
  EXPECT_EQ(server_->connection_count(), 0u);
  client.Shutdown();
  EXPECT_EQ(client.InvokeSync(addr_, Echo("x"), 100).status().code(), ErrorCode::kShutdown);
}

TEST_F(RemotingTest, SyncCallOnIoThreadIsRefused) {
  RemotingClient client;
  std::promise<Status> st;
  client.InvokeAsync(addr_, Echo("x"), 3000, [&](Result<RemotingCommand>) {
    st.set_value(client.InvokeSync(addr_, Echo("nested"), 100).status());
  });
  EXPECT_EQ(st.get_future().get().code(), ErrorCode::kInternal);
}

TEST_F(RemotingTest, RequestFilterAnswersInsteadOfTheProcessor) {
  server_->Shutdown();
  std::atomic<int> seen{0};
  filter_ = [&seen](const ConnectionPtr&,
                    const RemotingCommand& req) -> std::optional<RemotingCommand> {
    seen.fetch_add(1);
    const std::string* deny = req.ext_fields.Find("deny");
    if (deny == nullptr) return std::nullopt;
    return RemotingCommand::ResponseTo(req, protocol::ResponseCode::kNoPermission, "denied");
  };
  StartServer(UnknownCodePolicy::kReplyNotSupported);
  RemotingClient client;
  RemotingCommand refused = Echo("no", SerializeType::kRocketmq);
  refused.ext_fields.Set("deny", "1");
  auto resp = client.InvokeSync(addr_, std::move(refused), 3000);
  ASSERT_TRUE(resp.ok()) << resp.status().ToString();
  EXPECT_EQ(resp->code, protocol::ResponseCode::kNoPermission);
  EXPECT_EQ(resp->remark.value_or(""), "denied");
  EXPECT_EQ(resp->serialize_type, SerializeType::kRocketmq);
  EXPECT_TRUE(resp->body.empty());  // the echo processor never ran

  // A refused oneway request is neither processed nor answered.
  RemotingCommand oneway = RemotingCommand::Request(kNeverReply);
  oneway.ext_fields.Set("deny", "1");
  ASSERT_TRUE(client.InvokeOneway(addr_, std::move(oneway)).ok());
  ASSERT_TRUE(client.InvokeOneway(addr_, RemotingCommand::Request(kNeverReply)).ok());
  while (never_replied_.load() == 0) std::this_thread::sleep_for(1ms);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(never_replied_.load(), 1);

  auto passed = client.InvokeSync(addr_, Echo("yes"), 3000);
  ASSERT_TRUE(passed.ok());
  EXPECT_EQ(passed->code, 0);
  EXPECT_EQ(passed->body, "yes");
  EXPECT_EQ(seen.load(), 4);
}

TEST(SplitHostPortTest, Forms) {
  std::string h, p;
  ASSERT_TRUE(SplitHostPort("127.0.0.1:9876", &h, &p).ok());
  EXPECT_EQ(h, "127.0.0.1");
  EXPECT_EQ(p, "9876");
  ASSERT_TRUE(SplitHostPort("[::1]:10911", &h, &p).ok());
  EXPECT_EQ(h, "::1");
  EXPECT_FALSE(SplitHostPort("host", &h, &p).ok());
  EXPECT_FALSE(SplitHostPort("host:0", &h, &p).ok());
  EXPECT_FALSE(SplitHostPort("host:70000", &h, &p).ok());
  EXPECT_FALSE(SplitHostPort(":1", &h, &p).ok());
}

}  // namespace
}  // namespace orbit::net
