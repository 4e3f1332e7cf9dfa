#include <asyncc/unix.hpp>

#include "socket_io.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstring>

namespace asyncc {

namespace {

// The native address of `path`. An abstract name (leading '\0') is exactly
// its bytes; a file path is NUL-terminated, so it cannot hold one.
std::error_code to_native(std::string_view path, sockaddr_un& address, socklen_t& size) {
  address = sockaddr_un{};
  address.sun_family = AF_UNIX;
  const bool abstract = !path.empty() && path.front() == '\0';
  if (path.empty() || (!abstract && path.find('\0') != std::string_view::npos))
    return std::make_error_code(std::errc::invalid_argument);
  if (path.size() + (abstract ? 0 : 1) > sizeof address.sun_path)
    return std::make_error_code(std::errc::filename_too_long);
  std::memcpy(address.sun_path, path.data(), path.size());
  size = static_cast<socklen_t>(offsetof(sockaddr_un, sun_path) + path.size() + (abstract ? 0 : 1));
  return {};
}

Result<std::string> path_of(int fd, int (*get)(int, sockaddr*, socklen_t*)) {
  sockaddr_un address{};
  socklen_t size = sizeof address;
  if (get(fd, reinterpret_cast<sockaddr*>(&address), &size) < 0) return last_os_error();
  std::size_t length = size > offsetof(sockaddr_un, sun_path) ? size - offsetof(sockaddr_un, sun_path) : 0;
  if (length > 0 && address.sun_path[0] != '\0') length = ::strnlen(address.sun_path, length);
  return std::string(address.sun_path, length);
}

Result<FileDescriptor> new_socket() {
  int fd = ::socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0) return last_os_error();
  return FileDescriptor(fd);
}

}  // namespace

void detail::SocketFile::remove() noexcept {
  if (path_.empty()) return;
  struct stat status {};
  // Only the file this listener made: another may have replaced it since.
  if (::lstat(path_.c_str(), &status) == 0 && status.st_dev == device_ && status.st_ino == inode_)
    ::unlink(path_.c_str());
  path_.clear();
}

// UnixStream

Result<std::pair<UnixStream, UnixStream>> UnixStream::pair() {
  int fds[2];
  if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fds) < 0) return last_os_error();
  return std::make_pair(UnixStream(FileDescriptor(fds[0])), UnixStream(FileDescriptor(fds[1])));
}

Poll<Result<std::size_t>> UnixStream::poll_read(Context& cx, void* buffer, std::size_t size) {
  return detail::poll_stream_recv(io_, cx, buffer, size);
}

Poll<Result<std::size_t>> UnixStream::poll_write(Context& cx, const void* buffer, std::size_t size) {
  return detail::poll_stream_send(io_, cx, buffer, size);
}

Poll<Result<void>> UnixStream::poll_shutdown(Context&) {
  if (::shutdown(io_.fd(), SHUT_WR) < 0) return Poll<Result<void>>::ready(last_os_error());
  return Poll<Result<void>>::ready(Result<void>());
}

Poll<Result<void>> UnixStream::Shutdown::poll(Context&) {
  detail::check_not_done(done_, "a UnixStream::Shutdown was polled after it completed");
  done_ = true;
  if (::shutdown(stream_->native_handle(), how_) < 0) return Poll<Result<void>>::ready(last_os_error());
  return Poll<Result<void>>::ready(Result<void>());
}

Result<std::string> UnixStream::local_path() const { return path_of(io_.fd(), ::getsockname); }
Result<std::string> UnixStream::peer_path() const { return path_of(io_.fd(), ::getpeername); }

Poll<Result<UnixStream>> UnixStream::Connect::poll(Context& cx) {
  using P = Poll<Result<UnixStream>>;
  detail::check_not_done(done_, "a UnixStream::Connect was polled after it completed");
  if (!connecting_) {
    done_ = true;
    sockaddr_un address;
    socklen_t size;
    if (std::error_code ec = to_native(path_, address, size)) return P::ready(ec);
    Result<FileDescriptor> socket = new_socket();
    if (!socket) return P::ready(socket.error());
    int fd = socket->get();
    int rc;
    do rc = ::connect(fd, reinterpret_cast<sockaddr*>(&address), size);
    while (rc < 0 && errno == EINTR);
    if (rc == 0) return P::ready(UnixStream(std::move(*socket)));
    // A Unix connect completes at once or fails (EAGAIN: the backlog is
    // full); EINPROGRESS is rare, but handled as TCP's is.
    if (errno != EINPROGRESS) return P::ready(last_os_error());
    stream_.emplace(std::move(*socket));
    if (std::error_code ec = stream_->io_.registration().register_fd(fd)) return P::ready(ec);
    stream_->io_.clear_ready(Interest::writable);
    connecting_ = true;
    done_ = false;
  }
  Poll<Result<void>> ready = stream_->io_.poll_ready(Interest::writable, cx);
  if (ready.is_pending()) return P::pending();
  done_ = true;
  if (!ready.value()) return P::ready(ready.value().error());
  int error = 0;
  socklen_t error_size = sizeof error;
  if (::getsockopt(stream_->native_handle(), SOL_SOCKET, SO_ERROR, &error, &error_size) < 0)
    return P::ready(last_os_error());
  if (error != 0) return P::ready(os_error(error));
  UnixStream stream = std::move(*stream_);
  stream_.reset();
  return P::ready(std::move(stream));
}

// UnixListener

Result<UnixListener> UnixListener::bind(std::string_view path, int backlog) {
  sockaddr_un address;
  socklen_t size;
  if (std::error_code ec = to_native(path, address, size)) return ec;
  Result<FileDescriptor> socket = new_socket();
  if (!socket) return socket.error();
  int fd = socket->get();
  if (::bind(fd, reinterpret_cast<sockaddr*>(&address), size) < 0) return last_os_error();
  detail::SocketFile file;
  if (path.front() != '\0') {
    std::string owned(path);
    struct stat status {};
    if (::lstat(owned.c_str(), &status) == 0) file = detail::SocketFile(std::move(owned), status.st_dev, status.st_ino);
  }
  if (::listen(fd, backlog) < 0) return last_os_error();  // `file` removes the file
  return UnixListener(std::move(*socket), std::move(file));
}

Result<std::string> UnixListener::local_path() const { return path_of(io_.fd(), ::getsockname); }

Poll<Result<UnixStream>> UnixListener::poll_accept(Context& cx) {
  const int fd = io_.fd();
  return io_.poll_io(Interest::readable, cx, [fd]() -> Result<UnixStream> {
    for (;;) {
      int accepted = ::accept4(fd, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
      if (accepted >= 0) return UnixStream(FileDescriptor(accepted));
      // EINTR, or a peer that gave up before it was accepted: the next one.
      if (errno != EINTR && errno != ECONNABORTED) return last_os_error();
    }
  });
}

Poll<Result<UnixStream>> UnixListener::Accept::poll(Context& cx) {
  using P = Poll<Result<UnixStream>>;
  detail::check_not_done(done_, "a UnixListener::Accept was polled after it completed");
  polled_ = true;
  for (;;) {
    if (backoff_) {
      if (backoff_->poll(cx).is_pending()) return P::pending();
      backoff_.reset();
    }
    P accepted = listener_->poll_accept(cx);
    if (accepted.is_pending()) return accepted;
    if (!accepted.value() && detail::is_resource_exhaustion(accepted.value().error())) {
      backoff_.emplace(Clock::now() + TcpListener::kAcceptBackoff);
      continue;
    }
    done_ = true;
    return accepted;
  }
}

}  // namespace asyncc
