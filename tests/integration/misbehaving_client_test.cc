// Misbehaving clients on the same broker as a well-behaved one: garbage bytes, a length prefix
// near 2 GiB, half-open connections that send half a frame and stall, and a flood of oneway
// requests. Each bad connection is closed or ignored on its own; the good client's sends and
// pulls keep succeeding, and the broker serves on afterwards.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <iostream>
#include <thread>
#include <vector>

#include "embedded/embedded_cluster.h"
#include "net/remoting_client.h"
#include "protocol/codes.h"
#include "protocol/headers.h"
#include "protocol/properties.h"

namespace orbit {
namespace {

using protocol::RemotingCommand;
using protocol::RequestCode;
using protocol::ResponseCode;

int Connect(uint16_t port) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in sa{};
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, reinterpret_cast<sockaddr*>(&sa), sizeof(sa)) != 0) {
    close(fd);
    return -1;
  }
  return fd;
}

// Whether the peer closed the socket within `limit` (reads until EOF or error).
bool ClosedByPeer(int fd, std::chrono::milliseconds limit) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(limit.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((limit.count() % 1000) * 1000);
  setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  char buf[4096];
  for (;;) {
    ssize_t n = read(fd, buf, sizeof(buf));
    if (n == 0) return true;
    if (n < 0) return errno != EAGAIN && errno != EWOULDBLOCK;
  }
}

RemotingCommand Send(const std::string& topic, int i) {
  RemotingCommand req = RemotingCommand::Request(RequestCode::kSendMessageV2);
  protocol::SendMessageRequestHeaderV2 h;
  h.a = "PG_good";
  h.b = topic;
  h.c = "TBW102";
  h.d = 4;
  h.e = i % 4;
  h.g = 1700000000000;
  protocol::MessageProperties props;
  props.Set("KEYS", "good-" + std::to_string(i));
  h.i = protocol::EncodeProperties(props);
  h.Encode(&req.ext_fields);
  req.body = "good message " + std::to_string(i);
  return req;
}

TEST(MisbehavingClients, DoNotDisturbAWellBehavedClient) {
  auto cluster = EmbeddedCluster::Start({});
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  broker::Broker& b = (*cluster)->broker(0);
  const uint16_t port = b.port();

  std::atomic<bool> stop{false};
  std::vector<std::thread> bad;
  std::atomic<int> bad_closed{0};
  // Garbage: random bytes whose "length" does not describe a frame.
  bad.emplace_back([&] {
    for (int i = 0; i < 50 && !stop; ++i) {
      int fd = Connect(port);
      if (fd < 0) continue;
      std::string junk =
          "GET / HTTP/1.1\r\nHost: x\r\n\r\n" + std::string(100, static_cast<char>(i));
      (void)!write(fd, junk.data(), junk.size());
      if (ClosedByPeer(fd, std::chrono::seconds(5))) ++bad_closed;
      close(fd);
    }
  });
  // A length prefix near 2 GiB, then nothing: refused before anything is allocated.
  bad.emplace_back([&] {
    for (int i = 0; i < 50 && !stop; ++i) {
      int fd = Connect(port);
      if (fd < 0) continue;
      unsigned char prefix[8] = {0x7F, 0xFF, 0xFF, 0xF0, 0x00, 0x00, 0x00, 0x10};
      (void)!write(fd, prefix, sizeof(prefix));
      if (ClosedByPeer(fd, std::chrono::seconds(5))) ++bad_closed;
      close(fd);
    }
  });
  // Half-open: half a frame, then silence, kept open through the whole test.
  std::vector<int> stalled;
  for (int i = 0; i < 100; ++i) {
    int fd = Connect(port);
    if (fd < 0) continue;
    unsigned char half[6] = {0x00, 0x00, 0x01, 0x00, 0x00, 0x00};
    (void)!write(fd, half, sizeof(half));
    stalled.push_back(fd);
  }
  // A flood of oneway requests of a code nobody answers, as fast as the socket takes them.
  std::atomic<int64_t> flooded{0};
  bad.emplace_back([&] {
    net::RemotingClient flood;
    RemotingCommand req = RemotingCommand::Request(9999);
    req.body = std::string(512, 'f');
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
    while (!stop && std::chrono::steady_clock::now() < deadline && flooded < 2'000'000) {
      if (flood.InvokeOneway(b.addr(), req).ok()) {
        ++flooded;
      } else {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
      }
    }
    flood.Shutdown();
  });

  // The well-behaved client meanwhile: every send and pull answered, each well within its
  // timeout.
  net::RemotingClient good;
  int64_t worst_ms = 0;
  for (int i = 0; i < 300; ++i) {
    auto start = std::chrono::steady_clock::now();
    auto r = good.InvokeSync(b.addr(), Send("GoodTopic", i), 5000);
    ASSERT_TRUE(r.ok()) << "send " << i << ": " << r.status().ToString();
    ASSERT_EQ(r->code, ResponseCode::kSuccess) << r->remark.value_or("");
    worst_ms = std::max<int64_t>(worst_ms, std::chrono::duration_cast<std::chrono::milliseconds>(
                                               std::chrono::steady_clock::now() - start)
                                               .count());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop = true;
  for (auto& t : bad) t.join();
  std::cout << "good client: 300 sends, slowest " << worst_ms << " ms; " << flooded
            << " oneway requests flooded; " << bad_closed << " bad connections closed\n";
  EXPECT_EQ(bad_closed.load(), 100) << "every garbage / oversized connection is closed";
  for (int fd : stalled) close(fd);

  // Still serving, and everything the good client sent is there.
  ASSERT_TRUE(b.store().WaitDispatched(5000));
  int64_t total = 0;
  for (int q = 0; q < 4; ++q) total += b.store().GetMaxOffsetInQueue("GoodTopic", q);
  EXPECT_EQ(total, 300);
  auto again = good.InvokeSync(b.addr(), Send("GoodTopic", 300), 5000);
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->code, ResponseCode::kSuccess);
  good.Shutdown();
}

}  // namespace
}  // namespace orbit
