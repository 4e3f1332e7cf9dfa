// SocketAddr: an IPv4 or IPv6 address with a port.
#pragma once

#include <asyncc/result.hpp>

#include <netinet/in.h>
#include <sys/socket.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace asyncc {

class SocketAddr {
 public:
  // No address (AF_UNSPEC).
  SocketAddr() noexcept;

  // "127.0.0.1:8080", "[::1]:8080"; invalid_argument otherwise.
  static Result<SocketAddr> parse(std::string_view text);
  // Copies a native address; AF_INET and AF_INET6 only.
  static SocketAddr from_native(const sockaddr* address, socklen_t size) noexcept;

  int family() const noexcept { return storage_.ss_family; }
  bool is_ipv4() const noexcept { return family() == AF_INET; }
  bool is_ipv6() const noexcept { return family() == AF_INET6; }
  std::uint16_t port() const noexcept;
  // The address without the port: "127.0.0.1", "::1".
  std::string ip() const;
  // As parse() reads it: "127.0.0.1:8080", "[::1]:8080".
  std::string to_string() const;

  const sockaddr* native() const noexcept { return reinterpret_cast<const sockaddr*>(&storage_); }
  socklen_t native_size() const noexcept { return size_; }

  friend bool operator==(const SocketAddr& a, const SocketAddr& b) noexcept;
  friend bool operator!=(const SocketAddr& a, const SocketAddr& b) noexcept { return !(a == b); }

 private:
  sockaddr_storage storage_;
  socklen_t size_;
};

}  // namespace asyncc
