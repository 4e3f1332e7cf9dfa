// AsyncFd: an owned, non-blocking file descriptor and its registration with
// the reactor. The building block of the runtime's I/O objects.
#pragma once

#include <asyncc/file_descriptor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>

#include <system_error>
#include <utility>

namespace asyncc {

class AsyncFd {
 public:
  AsyncFd() noexcept = default;
  // Takes a descriptor already in non-blocking mode.
  explicit AsyncFd(FileDescriptor fd) noexcept : fd_(std::move(fd)) {}
  AsyncFd(AsyncFd&&) noexcept = default;
  // The old descriptor leaves epoll before it is closed, as in the
  // destructor: closed first, its number could be reused by another thread
  // and that one's registration removed instead.
  AsyncFd& operator=(AsyncFd&& other) noexcept {
    registration_ = std::move(other.registration_);
    fd_ = std::move(other.fd_);
    return *this;
  }

  int fd() const noexcept { return fd_.get(); }
  bool is_open() const noexcept { return fd_.is_open(); }

  // Runs `op` (returning a Result) when the descriptor is ready for
  // `interest`, again after each would-block result; see Registration.
  template <class Op>
  auto poll_io(Interest interest, Context& cx, Op&& op) {
    return registration_.poll_io(fd_.get(), interest, cx, std::forward<Op>(op));
  }

  // Ready once the descriptor is (or may be) ready for `interest`, with the
  // error if it cannot be registered.
  Poll<Result<void>> poll_ready(Interest interest, Context& cx) {
    if (std::error_code ec = registration_.register_fd(fd_.get())) return Poll<Result<void>>::ready(ec);
    if (registration_.poll_ready(interest, cx).is_pending()) return Poll<Result<void>>::pending();
    return Poll<Result<void>>::ready(Result<void>());
  }
  void clear_ready(Interest interest) noexcept { registration_.clear_ready(interest); }
  Registration& registration() noexcept { return registration_; }

 private:
  FileDescriptor fd_;
  // Declared after fd_, so destroyed first: the descriptor leaves epoll
  // before it is closed.
  Registration registration_;
};

}  // namespace asyncc
