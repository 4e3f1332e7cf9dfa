// Socket system calls shared by the runtime's socket types (internal).
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/result.hpp>

#include <sys/socket.h>

#include <cerrno>
#include <cstddef>

namespace asyncc::detail {

// Out of descriptors or memory: the condition passes as other connections
// close, so a listener waits and retries instead of failing its server.
// (Compared without virtual calls: they can need descriptors under sanitizers.)
inline bool is_resource_exhaustion(const std::error_code& ec) noexcept {
  return is_os_error(ec, EMFILE) || is_os_error(ec, ENFILE) || is_os_error(ec, ENOBUFS) || is_os_error(ec, ENOMEM);
}

// recv(2) or send(2) once the socket is ready, retried on EINTR. On a stream
// socket, a transfer shorter than asked for drained (or filled) the socket:
// readiness is cleared so the next call waits for an edge instead of making a
// system call that can only say EAGAIN. (Not for datagrams: a short datagram
// says nothing about the next one.)
inline Poll<Result<std::size_t>> poll_stream_recv(AsyncFd& io, Context& cx, void* buffer, std::size_t size) {
  const int fd = io.fd();
  Poll<Result<std::size_t>> read = io.poll_io(Interest::readable, cx, [=]() -> Result<std::size_t> {
    for (;;) {
      ssize_t n = ::recv(fd, buffer, size, 0);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return last_os_error();
    }
  });
  if (read.is_ready() && read.value() && *read.value() > 0 && *read.value() < size) io.clear_ready(Interest::readable);
  return read;
}

inline Poll<Result<std::size_t>> poll_stream_send(AsyncFd& io, Context& cx, const void* buffer, std::size_t size) {
  const int fd = io.fd();
  Poll<Result<std::size_t>> written = io.poll_io(Interest::writable, cx, [=]() -> Result<std::size_t> {
    for (;;) {
      // MSG_NOSIGNAL: a closed peer is an EPIPE value, not a SIGPIPE.
      ssize_t n = ::send(fd, buffer, size, MSG_NOSIGNAL);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return last_os_error();
    }
  });
  if (written.is_ready() && written.value() && *written.value() > 0 && *written.value() < size)
    io.clear_ready(Interest::writable);
  return written;
}

}  // namespace asyncc::detail
