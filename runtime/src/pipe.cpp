#include <asyncc/pipe.hpp>

#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>

namespace asyncc {

namespace {
FileDescriptor non_blocking(FileDescriptor fd) {
  int flags = ::fcntl(fd.get(), F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK)) ::fcntl(fd.get(), F_SETFL, flags | O_NONBLOCK);
  return fd;
}

// write(2) to a pipe without a reader raises SIGPIPE, which would end the
// process; there is no MSG_NOSIGNAL for pipes. So the signal is blocked on
// this thread for the write, and one it raised is taken before unblocking.
ssize_t write_without_sigpipe(int fd, const void* buffer, std::size_t size) {
  sigset_t pipe_only;
  sigemptyset(&pipe_only);
  sigaddset(&pipe_only, SIGPIPE);
  sigset_t pending;
  sigpending(&pending);
  const bool already_pending = sigismember(&pending, SIGPIPE) == 1;
  sigset_t old;
  pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
  ssize_t n;
  do {
    n = ::write(fd, buffer, size);
  } while (n < 0 && errno == EINTR);
  const int saved = errno;
  if (n < 0 && errno == EPIPE && !already_pending) {
    const timespec zero{0, 0};
    while (::sigtimedwait(&pipe_only, nullptr, &zero) < 0 && errno == EINTR) {
    }
  }
  pthread_sigmask(SIG_SETMASK, &old, nullptr);
  errno = saved;
  return n;
}
}  // namespace

PipeReader::PipeReader(FileDescriptor fd) noexcept : io_(non_blocking(std::move(fd))) {}

Poll<Result<std::size_t>> PipeReader::poll_read(Context& cx, void* buffer, std::size_t size) {
  const int fd = io_.fd();
  Poll<Result<std::size_t>> read = io_.poll_io(Interest::readable, cx, [=]() -> Result<std::size_t> {
    for (;;) {
      ssize_t n = ::read(fd, buffer, size);
      if (n >= 0) return static_cast<std::size_t>(n);
      if (errno != EINTR) return last_os_error();
    }
  });
  // A short read drained the pipe: wait for the next edge rather than make
  // a read that can only say EAGAIN.
  if (read.is_ready() && read.value() && *read.value() > 0 && *read.value() < size) io_.clear_ready(Interest::readable);
  return read;
}

PipeWriter::PipeWriter(FileDescriptor fd) noexcept : io_(std::in_place, non_blocking(std::move(fd))) {}

Poll<Result<std::size_t>> PipeWriter::poll_write(Context& cx, const void* buffer, std::size_t size) {
  if (!io_) return Poll<Result<std::size_t>>::ready(os_error(EPIPE));
  const int fd = io_->fd();
  Poll<Result<std::size_t>> written = io_->poll_io(Interest::writable, cx, [=]() -> Result<std::size_t> {
    ssize_t n = write_without_sigpipe(fd, buffer, size);
    if (n >= 0) return static_cast<std::size_t>(n);
    return last_os_error();
  });
  if (written.is_ready() && written.value() && *written.value() > 0 && *written.value() < size)
    io_->clear_ready(Interest::writable);
  return written;
}

Poll<Result<void>> PipeWriter::poll_shutdown(Context&) {
  io_.reset();
  return Poll<Result<void>>::ready(Result<void>());
}

Result<std::pair<PipeReader, PipeWriter>> pipe() {
  int fds[2];
  if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) < 0) return last_os_error();
  return std::make_pair(PipeReader(FileDescriptor(fds[0])), PipeWriter(FileDescriptor(fds[1])));
}

}  // namespace asyncc
