#include <asyncc/net.hpp>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include <cerrno>
#include <charconv>
#include <cstring>

namespace asyncc {

namespace {

Result<FileDescriptor> new_socket(int family) {
  int fd = ::socket(family, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return last_os_error();
  return FileDescriptor(fd);
}

using AddressGetter = int (*)(int, sockaddr*, socklen_t*);

Result<SocketAddr> socket_address(int fd, AddressGetter get) {
  sockaddr_storage storage{};
  socklen_t size = sizeof storage;
  if (get(fd, reinterpret_cast<sockaddr*>(&storage), &size) < 0) return last_os_error();
  return SocketAddr::from_native(reinterpret_cast<sockaddr*>(&storage), size);
}

// Out of descriptors or memory: the condition passes as other connections
// close, so accept waits and retries instead of failing the server.
// (Compared without virtual calls: they can need descriptors under sanitizers.)
bool is_resource_exhaustion(const std::error_code& ec) {
  return is_os_error(ec, EMFILE) || is_os_error(ec, ENFILE) || is_os_error(ec, ENOBUFS) || is_os_error(ec, ENOMEM);
}

// The connection failed before it was accepted: accept the next one.
bool is_aborted_connection(const std::error_code& ec) {
  return is_os_error(ec, ECONNABORTED) || is_os_error(ec, EPROTO);
}

}  // namespace

// SocketAddr

SocketAddr::SocketAddr() noexcept : storage_{}, size_(0) { storage_.ss_family = AF_UNSPEC; }

SocketAddr SocketAddr::from_native(const sockaddr* address, socklen_t size) noexcept {
  SocketAddr result;
  if (size > sizeof result.storage_) return result;
  if (address->sa_family != AF_INET && address->sa_family != AF_INET6) return result;
  std::memcpy(&result.storage_, address, size);
  result.size_ = size;
  return result;
}

Result<SocketAddr> SocketAddr::parse(std::string_view text) {
  const std::error_code invalid = std::make_error_code(std::errc::invalid_argument);
  std::string_view host;
  std::string_view port_text;
  bool ipv6 = false;
  if (!text.empty() && text.front() == '[') {
    std::size_t close = text.find(']');
    if (close == std::string_view::npos || close + 1 >= text.size() || text[close + 1] != ':') return invalid;
    host = text.substr(1, close - 1);
    port_text = text.substr(close + 2);
    ipv6 = true;
  } else {
    std::size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return invalid;
    host = text.substr(0, colon);
    port_text = text.substr(colon + 1);
  }
  unsigned port = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || error != std::errc() || end != port_text.data() + port_text.size() || port > 65535)
    return invalid;

  std::string host_string(host);  // inet_pton wants a terminated string
  SocketAddr result;
  if (ipv6) {
    auto* in6 = reinterpret_cast<sockaddr_in6*>(&result.storage_);
    if (::inet_pton(AF_INET6, host_string.c_str(), &in6->sin6_addr) != 1) return invalid;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons(static_cast<std::uint16_t>(port));
    result.size_ = sizeof(sockaddr_in6);
  } else {
    auto* in4 = reinterpret_cast<sockaddr_in*>(&result.storage_);
    if (::inet_pton(AF_INET, host_string.c_str(), &in4->sin_addr) != 1) return invalid;
    in4->sin_family = AF_INET;
    in4->sin_port = htons(static_cast<std::uint16_t>(port));
    result.size_ = sizeof(sockaddr_in);
  }
  return result;
}

std::uint16_t SocketAddr::port() const noexcept {
  if (is_ipv4()) return ntohs(reinterpret_cast<const sockaddr_in*>(&storage_)->sin_port);
  if (is_ipv6()) return ntohs(reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_port);
  return 0;
}

std::string SocketAddr::ip() const {
  char text[INET6_ADDRSTRLEN] = {};
  if (is_ipv4())
    ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(&storage_)->sin_addr, text, sizeof text);
  else if (is_ipv6())
    ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(&storage_)->sin6_addr, text, sizeof text);
  return text;
}

std::string SocketAddr::to_string() const {
  if (is_ipv6()) return "[" + ip() + "]:" + std::to_string(port());
  if (is_ipv4()) return ip() + ":" + std::to_string(port());
  return "(unspecified)";
}

bool operator==(const SocketAddr& a, const SocketAddr& b) noexcept {
  return a.size_ == b.size_ && a.family() == b.family() && a.port() == b.port() && a.ip() == b.ip();
}

// TcpStream

namespace {
// A stream socket that gave fewer bytes than asked for (or took fewer) has
// just been drained (or filled): the next attempt would only return EAGAIN,
// so wait for the next edge instead of making that system call. (An edge
// that arrived meanwhile is still queued in epoll, and a hang-up already
// seen keeps readiness set: nothing is lost.)
void clear_if_short(AsyncFd& io, Interest interest, const Poll<Result<std::size_t>>& done, std::size_t size) {
  if (done.is_ready() && done.value() && *done.value() > 0 && *done.value() < size) io.clear_ready(interest);
}
}  // namespace

Poll<Result<std::size_t>> TcpStream::poll_read(Context& cx, void* buffer, std::size_t size) {
  const int fd = io_.fd();
  Poll<Result<std::size_t>> read = io_.poll_io(Interest::readable, cx, [=]() -> Result<std::size_t> {
    for (;;) {
      ssize_t n = ::recv(fd, buffer, size, 0);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return last_os_error();
    }
  });
  clear_if_short(io_, Interest::readable, read, size);
  return read;
}

Poll<Result<std::size_t>> TcpStream::poll_write(Context& cx, const void* buffer, std::size_t size) {
  const int fd = io_.fd();
  Poll<Result<std::size_t>> written = io_.poll_io(Interest::writable, cx, [=]() -> Result<std::size_t> {
    for (;;) {
      // MSG_NOSIGNAL: a closed peer is an EPIPE value, not a SIGPIPE.
      ssize_t n = ::send(fd, buffer, size, MSG_NOSIGNAL);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return last_os_error();
    }
  });
  clear_if_short(io_, Interest::writable, written, size);
  return written;
}

Poll<Result<void>> TcpStream::poll_shutdown(Context&) {
  if (::shutdown(io_.fd(), SHUT_WR) < 0) return Poll<Result<void>>::ready(last_os_error());
  return Poll<Result<void>>::ready(Result<void>());
}

Result<SocketAddr> TcpStream::local_addr() const { return socket_address(io_.fd(), ::getsockname); }
Result<SocketAddr> TcpStream::peer_addr() const { return socket_address(io_.fd(), ::getpeername); }

Result<void> TcpStream::set_nodelay(bool enabled) {
  int value = enabled ? 1 : 0;
  if (::setsockopt(io_.fd(), IPPROTO_TCP, TCP_NODELAY, &value, sizeof value) < 0) return last_os_error();
  return {};
}

Poll<Result<TcpStream>> TcpStream::Connect::poll(Context& cx) {
  using P = Poll<Result<TcpStream>>;
  switch (state_) {
    case State::done:
      detail::contract_violation("a TcpStream::Connect was polled after it completed");
    case State::start: {
      state_ = State::done;
      Result<FileDescriptor> socket = new_socket(address_.family());
      if (!socket) return P::ready(socket.error());
      int fd = socket->get();
      if (::connect(fd, address_.native(), address_.native_size()) == 0)
        return P::ready(TcpStream(std::move(*socket)));
      // EINTR: the connection goes on in the background, as with EINPROGRESS.
      if (errno != EINPROGRESS && errno != EINTR) return P::ready(last_os_error());
      stream_.emplace(std::move(*socket));
      if (std::error_code ec = stream_->io_.registration().register_fd(fd)) return P::ready(ec);
      // Writable means connected (or failed); it is not yet.
      stream_->io_.clear_ready(Interest::writable);
      state_ = State::connecting;
      [[fallthrough]];
    }
    case State::connecting: {
      Poll<Result<void>> ready = stream_->io_.poll_ready(Interest::writable, cx);
      if (ready.is_pending()) return P::pending();
      state_ = State::done;
      if (!ready.value()) return P::ready(ready.value().error());
      int error = 0;
      socklen_t size = sizeof error;
      if (::getsockopt(stream_->native_handle(), SOL_SOCKET, SO_ERROR, &error, &size) < 0)
        return P::ready(last_os_error());
      if (error != 0) return P::ready(os_error(error));
      sockaddr_storage peer{};
      socklen_t peer_size = sizeof peer;
      if (::getpeername(stream_->native_handle(), reinterpret_cast<sockaddr*>(&peer), &peer_size) == 0) {
        TcpStream stream = std::move(*stream_);
        stream_.reset();
        return P::ready(std::move(stream));
      }
      if (errno != ENOTCONN) return P::ready(last_os_error());
      // An early wake-up: still connecting. Readiness that cannot be
      // cleared means a hang-up, though, with no error to tell.
      stream_->io_.clear_ready(Interest::writable);
      if (stream_->io_.registration().poll_ready(Interest::writable, cx).is_ready())
        return P::ready(os_error(ENOTCONN));
      state_ = State::connecting;
      return P::pending();
    }
  }
  return P::pending();  // unreachable
}

Poll<Result<TcpStream>> TcpStream::ConnectHost::poll(Context& cx) {
  using P = Poll<Result<TcpStream>>;
  detail::check_not_done(done_, "a TcpStream::ConnectHost was polled after it completed");
  if (!resolved_) {
    Poll<Result<std::vector<SocketAddr>>> looked_up = lookup_.poll(cx);
    if (looked_up.is_pending()) return P::pending();
    resolved_ = true;
    if (!looked_up.value()) {
      done_ = true;
      return P::ready(looked_up.value().error());
    }
    addresses_ = std::move(*looked_up.value());
  }
  for (;;) {
    if (!connecting_) {
      if (next_ == addresses_.size()) {
        done_ = true;
        return P::ready(last_error_ ? last_error_ : std::make_error_code(std::errc::address_not_available));
      }
      connecting_.emplace(addresses_[next_++]);
    }
    P connected = connecting_->poll(cx);
    if (connected.is_pending()) return connected;
    connecting_.reset();
    if (connected.value()) {
      done_ = true;
      return connected;
    }
    last_error_ = connected.value().error();
  }
}

Poll<Result<void>> TcpStream::ReadExact::poll(Context& cx) {
  detail::check_not_done(done_, "a TcpStream::ReadExact was polled after it completed");
  while (remaining_ > 0) {
    auto read = stream_->poll_read(cx, buffer_, remaining_);
    if (read.is_pending()) return Poll<Result<void>>::pending();
    done_ = true;
    if (!read.value()) return Poll<Result<void>>::ready(read.value().error());
    std::size_t n = *read.value();
    if (n == 0) return Poll<Result<void>>::ready(make_error_code(io_errc::unexpected_eof));
    done_ = false;
    buffer_ += n;
    remaining_ -= n;
  }
  done_ = true;
  return Poll<Result<void>>::ready(Result<void>());
}

Poll<Result<void>> TcpStream::WriteAll::poll(Context& cx) {
  detail::check_not_done(done_, "a TcpStream::WriteAll was polled after it completed");
  while (remaining_ > 0) {
    auto written = stream_->poll_write(cx, buffer_, remaining_);
    if (written.is_pending()) return Poll<Result<void>>::pending();
    done_ = true;
    if (!written.value()) return Poll<Result<void>>::ready(written.value().error());
    std::size_t n = *written.value();
    if (n == 0) return Poll<Result<void>>::ready(make_error_code(io_errc::write_zero));
    done_ = false;
    buffer_ += n;
    remaining_ -= n;
  }
  done_ = true;
  return Poll<Result<void>>::ready(Result<void>());
}

Poll<Result<void>> TcpStream::Shutdown::poll(Context&) {
  detail::check_not_done(done_, "a TcpStream::Shutdown was polled after it completed");
  done_ = true;
  if (::shutdown(stream_->native_handle(), how_) < 0) return Poll<Result<void>>::ready(last_os_error());
  return Poll<Result<void>>::ready(Result<void>());
}

// TcpListener

Result<TcpListener> TcpListener::bind(const SocketAddr& address, int backlog) {
  Result<FileDescriptor> socket = new_socket(address.family());
  if (!socket) return socket.error();
  int fd = socket->get();
  int one = 1;
  if (::setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0) return last_os_error();
  if (::bind(fd, address.native(), address.native_size()) < 0) return last_os_error();
  if (::listen(fd, backlog) < 0) return last_os_error();
  return TcpListener(std::move(*socket));
}

Result<TcpListener> TcpListener::bind(std::string_view address, int backlog) {
  if (Result<SocketAddr> numeric = SocketAddr::parse(address)) return bind(*numeric, backlog);
  Result<std::vector<SocketAddr>> addresses = detail::resolve_blocking(address);
  if (!addresses) return addresses.error();
  return detail::first_success(*addresses, [&](const SocketAddr& each) { return bind(each, backlog); });
}

Result<SocketAddr> TcpListener::local_addr() const { return socket_address(io_.fd(), ::getsockname); }

Poll<Result<std::pair<TcpStream, SocketAddr>>> TcpListener::poll_accept(Context& cx) {
  using Accepted = Result<std::pair<TcpStream, SocketAddr>>;
  const int fd = io_.fd();
  return io_.poll_io(Interest::readable, cx, [fd]() -> Accepted {
    for (;;) {
      sockaddr_storage peer{};
      socklen_t size = sizeof peer;
      int accepted = ::accept4(fd, reinterpret_cast<sockaddr*>(&peer), &size, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (accepted >= 0)
        return std::make_pair(TcpStream(FileDescriptor(accepted)),
                              SocketAddr::from_native(reinterpret_cast<sockaddr*>(&peer), size));
      if (errno != EINTR) return last_os_error();
    }
  });
}

Poll<Result<std::pair<TcpStream, SocketAddr>>> TcpListener::Accept::poll(Context& cx) {
  using P = Poll<Output>;
  detail::check_not_done(done_, "a TcpListener::Accept was polled after it completed");
  polled_ = true;
  for (;;) {
    if (backoff_) {
      if (backoff_->poll(cx).is_pending()) return P::pending();
      backoff_.reset();
    }
    P accepted = listener_->poll_accept(cx);
    if (accepted.is_pending()) return accepted;
    std::error_code ec = accepted.value().error();
    if (ec && is_resource_exhaustion(ec)) {
      backoff_.emplace(Clock::now() + kAcceptBackoff);
      continue;
    }
    if (ec && is_aborted_connection(ec)) continue;
    done_ = true;
    return accepted;
  }
}

}  // namespace asyncc
