#include <asyncc/udp.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <vector>

namespace asyncc {

namespace {
Result<SocketAddr> socket_address(int fd, int (*get)(int, sockaddr*, socklen_t*)) {
  sockaddr_storage storage{};
  socklen_t size = sizeof storage;
  if (get(fd, reinterpret_cast<sockaddr*>(&storage), &size) < 0) return last_os_error();
  return SocketAddr::from_native(reinterpret_cast<sockaddr*>(&storage), size);
}

// Datagram calls, retried on EINTR. A would-block result is returned as is:
// poll_io then waits for the next edge.
template <class Call>
Result<std::size_t> datagram_call(Call call) {
  for (;;) {
    ssize_t n = call();
    if (n >= 0) return static_cast<std::size_t>(n);
    if (errno != EINTR) return last_os_error();
  }
}
}  // namespace

Result<UdpSocket> UdpSocket::bind(const SocketAddr& address) {
  int fd = ::socket(address.family(), SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return last_os_error();
  FileDescriptor socket(fd);
  if (::bind(fd, address.native(), address.native_size()) < 0) return last_os_error();
  return UdpSocket(std::move(socket));
}

Result<UdpSocket> UdpSocket::bind(std::string_view address) {
  if (Result<SocketAddr> numeric = SocketAddr::parse(address)) return bind(*numeric);
  Result<std::vector<SocketAddr>> addresses = detail::resolve_blocking(address);
  if (!addresses) return addresses.error();
  return detail::first_success(*addresses, [](const SocketAddr& each) { return bind(each); });
}

Poll<Result<void>> UdpSocket::Connect::poll(Context& cx) {
  using P = Poll<Result<void>>;
  detail::check_not_done(done_, "a UdpSocket::Connect was polled after it completed");
  Poll<Result<std::vector<SocketAddr>>> looked_up = lookup_.poll(cx);
  if (looked_up.is_pending()) return P::pending();
  done_ = true;
  if (!looked_up.value()) return P::ready(looked_up.value().error());
  const int fd = socket_->native_handle();
  // Addresses of another family than the socket's fail (EAFNOSUPPORT): the
  // next one is tried.
  return P::ready(detail::first_success(*looked_up.value(), [fd](const SocketAddr& each) -> Result<void> {
    if (::connect(fd, each.native(), each.native_size()) < 0) return last_os_error();
    return {};
  }));
}

Poll<Result<std::size_t>> UdpSocket::poll_send_to(Context& cx, const void* buffer, std::size_t size,
                                                  const SocketAddr& target) {
  const int fd = io_.fd();
  return io_.poll_io(Interest::writable, cx, [&] {
    return datagram_call([&] { return ::sendto(fd, buffer, size, MSG_NOSIGNAL, target.native(), target.native_size()); });
  });
}

Poll<Result<std::pair<std::size_t, SocketAddr>>> UdpSocket::poll_recv_from(Context& cx, void* buffer,
                                                                           std::size_t size) {
  using Received = Result<std::pair<std::size_t, SocketAddr>>;
  const int fd = io_.fd();
  return io_.poll_io(Interest::readable, cx, [&]() -> Received {
    sockaddr_storage sender{};
    socklen_t sender_size = sizeof sender;
    Result<std::size_t> n = datagram_call(
        [&] { return ::recvfrom(fd, buffer, size, 0, reinterpret_cast<sockaddr*>(&sender), &sender_size); });
    if (!n) return n.error();
    return std::make_pair(*n, SocketAddr::from_native(reinterpret_cast<sockaddr*>(&sender), sender_size));
  });
}

Poll<Result<std::size_t>> UdpSocket::poll_send(Context& cx, const void* buffer, std::size_t size) {
  const int fd = io_.fd();
  return io_.poll_io(Interest::writable, cx,
                     [&] { return datagram_call([&] { return ::send(fd, buffer, size, MSG_NOSIGNAL); }); });
}

Poll<Result<std::size_t>> UdpSocket::poll_recv(Context& cx, void* buffer, std::size_t size) {
  const int fd = io_.fd();
  return io_.poll_io(Interest::readable, cx, [&] { return datagram_call([&] { return ::recv(fd, buffer, size, 0); }); });
}

Result<SocketAddr> UdpSocket::local_addr() const { return socket_address(io_.fd(), ::getsockname); }
Result<SocketAddr> UdpSocket::peer_addr() const { return socket_address(io_.fd(), ::getpeername); }

Result<void> UdpSocket::set_broadcast(bool enabled) {
  int value = enabled ? 1 : 0;
  if (::setsockopt(io_.fd(), SOL_SOCKET, SO_BROADCAST, &value, sizeof value) < 0) return last_os_error();
  return {};
}

}  // namespace asyncc
