#include "net/http_get.h"

#include <array>
#include <asio/connect.hpp>
#include <asio/io_context.hpp>
#include <asio/ip/tcp.hpp>
#include <asio/read.hpp>
#include <asio/steady_timer.hpp>
#include <asio/write.hpp>
#include <charconv>
#include <functional>

namespace orbit::net {

namespace {

struct Url {
  std::string host;
  std::string port = "80";
  std::string path = "/";
};

Result<Url> ParseUrl(const std::string& url) {
  const std::string scheme = "http://";
  if (url.rfind(scheme, 0) != 0) return InvalidArgument("not an http:// URL: " + url);
  std::string rest = url.substr(scheme.size());
  Url out;
  size_t slash = rest.find('/');
  std::string authority = rest.substr(0, slash);
  if (slash != std::string::npos) out.path = rest.substr(slash);
  size_t colon = authority.rfind(':');
  if (colon != std::string::npos) {
    out.port = authority.substr(colon + 1);
    authority.resize(colon);
  }
  out.host = authority;
  if (out.host.empty() || out.port.empty()) return InvalidArgument("no host in URL: " + url);
  return out;
}

}  // namespace

Result<std::string> HttpGet(const std::string& url, int64_t timeout_ms, size_t max_bytes) {
  ORBIT_ASSIGN_OR_RETURN(Url u, ParseUrl(url));
  asio::io_context io;
  asio::ip::tcp::socket socket(io);
  asio::steady_timer timer(io, std::chrono::milliseconds(timeout_ms));
  bool timed_out = false;
  timer.async_wait([&](const asio::error_code& ec) {
    if (ec) return;
    timed_out = true;
    asio::error_code ignored;
    socket.close(ignored);
  });

  std::string response;
  asio::error_code failure;
  asio::ip::tcp::resolver resolver(io);
  std::string request =
      "GET " + u.path + " HTTP/1.0\r\nHost: " + u.host + "\r\nConnection: close\r\n\r\n";
  std::array<char, 4096> buf{};
  std::function<void()> read_more = [&] {
    socket.async_read_some(asio::buffer(buf), [&](const asio::error_code& ec, size_t n) {
      response.append(buf.data(), n);
      if (response.size() > max_bytes) {
        failure = asio::error::message_size;
      } else if (!ec) {
        return read_more();
      } else if (ec != asio::error::eof) {
        failure = ec;
      }
      timer.cancel();
    });
  };
  resolver.async_resolve(u.host, u.port, [&](const asio::error_code& ec, auto endpoints) {
    if (ec) {
      failure = ec;
      timer.cancel();
      return;
    }
    asio::async_connect(socket, endpoints, [&](const asio::error_code& ec2, const auto&) {
      if (ec2) {
        failure = ec2;
        timer.cancel();
        return;
      }
      asio::async_write(socket, asio::buffer(request), [&](const asio::error_code& ec3, size_t) {
        if (ec3) {
          failure = ec3;
          timer.cancel();
          return;
        }
        read_more();
      });
    });
  });
  io.run();

  if (timed_out) return Status(ErrorCode::kTimeout, "GET " + url + ": no answer in time");
  if (failure == asio::error::message_size) {
    return Malformed("GET " + url + ": response larger than " + std::to_string(max_bytes));
  }
  if (failure) return Status(ErrorCode::kConnectFailed, "GET " + url + ": " + failure.message());
  // "HTTP/1.x 200 ..." then headers, a blank line and the body.
  size_t line_end = response.find("\r\n");
  if (response.rfind("HTTP/", 0) != 0 || line_end == std::string::npos) {
    return Malformed("GET " + url + ": not an HTTP response");
  }
  size_t sp = response.find(' ');
  int status = 0;
  if (sp == std::string::npos || sp > line_end ||
      std::from_chars(response.data() + sp + 1, response.data() + line_end, status).ec !=
          std::errc()) {
    return Malformed("GET " + url + ": bad status line");
  }
  if (status != 200) {
    return Status::Remote(status, "GET " + url + ": HTTP " + std::to_string(status));
  }
  size_t body = response.find("\r\n\r\n");
  if (body == std::string::npos) return Malformed("GET " + url + ": no end of headers");
  return response.substr(body + 4);
}

}  // namespace orbit::net
