// UdpSocket: UDP on the reactor, in the manner of TcpStream (net.hpp). The
// socket is non-blocking; every operation is a future whose output is a
// Result, and failures are error values, never exceptions.
//
//   Result<UdpSocket> socket = UdpSocket::bind("127.0.0.1:0");
//   co_await socket->send_to(data, size, peer);
//   Result<std::pair<std::size_t, SocketAddr>> got = co_await socket->recv_from(buffer, sizeof buffer);
//
// A datagram longer than the buffer is truncated to the buffer's size, and
// the rest of it is discarded (as recv(2) does): size buffers for the largest
// datagram expected. Each receive returns one datagram.
//
// The operation futures borrow the socket and the buffer, which must outlive
// them. One receive and one send may wait at a time. Threads: as TcpStream.
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/future.hpp>
#include <asyncc/lookup_host.hpp>
#include <asyncc/net.hpp>
#include <asyncc/result.hpp>
#include <asyncc/socket_addr.hpp>

#include <cstddef>
#include <string_view>
#include <utility>

namespace asyncc {

class UdpSocket {
 public:
  class Connect;
  class SendTo;
  class RecvFrom;
  class Send;
  class Recv;

  // Adopts a bound, non-blocking datagram socket.
  explicit UdpSocket(FileDescriptor socket) noexcept : io_(std::move(socket)) {}

  // A socket bound to `address` (port 0 picks a free port).
  static Result<UdpSocket> bind(const SocketAddr& address);
  // The same for "127.0.0.1:0", "[::1]:0" or "localhost:0": the first address
  // that binds. A name is resolved on the calling thread, as
  // TcpListener::bind does.
  static Result<UdpSocket> bind(std::string_view address);

  // Sets the default peer of send() and the only source recv() accepts.
  // Ready at the first poll for an address; a name ("localhost:9000") is
  // resolved first, as lookup_host does, and the first address that
  // connects is kept.
  Connect connect(const SocketAddr& address);
  Connect connect(std::string_view address);

  // Sends one datagram to `target`; the number of bytes sent.
  SendTo send_to(const void* buffer, std::size_t size, const SocketAddr& target) noexcept;
  // Receives one datagram (truncated to `size`) and its sender's address.
  RecvFrom recv_from(void* buffer, std::size_t size) noexcept;
  // send_to and recv_from with the peer set by connect(); ENOTCONN/EDESTADDRREQ
  // on a socket that is not connected.
  Send send(const void* buffer, std::size_t size) noexcept;
  Recv recv(void* buffer, std::size_t size) noexcept;

  // The steps the futures above are made of, for hand-written futures.
  Poll<Result<std::size_t>> poll_send_to(Context& cx, const void* buffer, std::size_t size, const SocketAddr& target);
  Poll<Result<std::pair<std::size_t, SocketAddr>>> poll_recv_from(Context& cx, void* buffer, std::size_t size);
  Poll<Result<std::size_t>> poll_send(Context& cx, const void* buffer, std::size_t size);
  Poll<Result<std::size_t>> poll_recv(Context& cx, void* buffer, std::size_t size);

  Result<SocketAddr> local_addr() const;
  Result<SocketAddr> peer_addr() const;
  Result<void> set_broadcast(bool enabled);
  int native_handle() const noexcept { return io_.fd(); }

 private:
  AsyncFd io_;
};

class UdpSocket::Connect {
 public:
  using Output = Result<void>;
  Connect(UdpSocket& socket, const SocketAddr& address) : socket_(&socket), lookup_(address) {}
  Connect(UdpSocket& socket, std::string_view address) : socket_(&socket), lookup_(address) {}
  Poll<Output> poll(Context& cx);

 private:
  UdpSocket* socket_;
  LookupHost lookup_;
  bool done_ = false;
};

class UdpSocket::SendTo {
 public:
  using Output = Result<std::size_t>;
  SendTo(UdpSocket& socket, const void* buffer, std::size_t size, const SocketAddr& target) noexcept
      : socket_(&socket), buffer_(buffer), size_(size), target_(target) {}
  Poll<Output> poll(Context& cx) {
    detail::check_not_done(done_, "a UdpSocket::SendTo was polled after it completed");
    auto result = socket_->poll_send_to(cx, buffer_, size_, target_);
    done_ = result.is_ready();
    return result;
  }

 private:
  UdpSocket* socket_;
  const void* buffer_;
  std::size_t size_;
  SocketAddr target_;
  bool done_ = false;
};

class UdpSocket::RecvFrom {
 public:
  using Output = Result<std::pair<std::size_t, SocketAddr>>;
  RecvFrom(UdpSocket& socket, void* buffer, std::size_t size) noexcept
      : socket_(&socket), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    detail::check_not_done(done_, "a UdpSocket::RecvFrom was polled after it completed");
    auto result = socket_->poll_recv_from(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  UdpSocket* socket_;
  void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

class UdpSocket::Send {
 public:
  using Output = Result<std::size_t>;
  Send(UdpSocket& socket, const void* buffer, std::size_t size) noexcept
      : socket_(&socket), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    detail::check_not_done(done_, "a UdpSocket::Send was polled after it completed");
    auto result = socket_->poll_send(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  UdpSocket* socket_;
  const void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

class UdpSocket::Recv {
 public:
  using Output = Result<std::size_t>;
  Recv(UdpSocket& socket, void* buffer, std::size_t size) noexcept : socket_(&socket), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    detail::check_not_done(done_, "a UdpSocket::Recv was polled after it completed");
    auto result = socket_->poll_recv(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  UdpSocket* socket_;
  void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

inline UdpSocket::Connect UdpSocket::connect(const SocketAddr& address) { return Connect(*this, address); }
inline UdpSocket::Connect UdpSocket::connect(std::string_view address) { return Connect(*this, address); }
inline UdpSocket::SendTo UdpSocket::send_to(const void* buffer, std::size_t size, const SocketAddr& target) noexcept {
  return SendTo(*this, buffer, size, target);
}
inline UdpSocket::RecvFrom UdpSocket::recv_from(void* buffer, std::size_t size) noexcept {
  return RecvFrom(*this, buffer, size);
}
inline UdpSocket::Send UdpSocket::send(const void* buffer, std::size_t size) noexcept {
  return Send(*this, buffer, size);
}
inline UdpSocket::Recv UdpSocket::recv(void* buffer, std::size_t size) noexcept { return Recv(*this, buffer, size); }

}  // namespace asyncc
