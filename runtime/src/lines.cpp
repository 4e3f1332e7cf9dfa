#include <asyncc/lines.hpp>

#include <fcntl.h>

#include <cerrno>
#include <utility>

namespace asyncc {

Lines::Lines(int fd) : fd_(fd), reading_(::fcntl(fd, F_DUPFD_CLOEXEC, 0)) {
  if (!reading_) {
    error_ = last_os_error();
    ended_ = true;
    return;
  }
  int flags = ::fcntl(fd, F_GETFL);
  if (flags >= 0 && !(flags & O_NONBLOCK) && ::fcntl(fd, F_SETFL, flags | O_NONBLOCK) == 0) restore_flags_ = flags;
}

Lines::Lines(Lines&& other) noexcept
    : fd_(std::exchange(other.fd_, -1)),
      reading_(std::move(other.reading_)),
      restore_flags_(std::exchange(other.restore_flags_, -1)),
      buffer_(std::move(other.buffer_)),
      scanned_(other.scanned_),
      ended_(other.ended_),
      error_(other.error_),
      registration_(std::move(other.registration_)) {}

Lines::~Lines() {
  registration_.reset();
  if (restore_flags_ >= 0) ::fcntl(fd_, F_SETFL, restore_flags_);
  reading_.reset();
}

Poll<std::optional<std::string>> Lines::poll_next(Context& cx) {
  using P = Poll<std::optional<std::string>>;
  for (;;) {
    std::size_t newline = buffer_.find('\n', scanned_);
    if (newline != std::string::npos) {
      std::string line = buffer_.substr(0, newline);
      buffer_.erase(0, newline + 1);
      scanned_ = 0;
      return P::ready(std::move(line));
    }
    scanned_ = buffer_.size();
    if (ended_) {
      // A line cut short by an error (a reset) is not a line.
      if (buffer_.empty() || error_) {
        buffer_.clear();
        scanned_ = 0;
        return P::ready(std::nullopt);
      }
      std::string last = std::move(buffer_);
      buffer_.clear();
      scanned_ = 0;
      return P::ready(std::move(last));
    }
    char chunk[4096];
    const int fd = reading_.get();
    auto read = registration_.poll_io(fd, Interest::readable, cx, [&]() -> Result<std::size_t> {
      for (;;) {
        ssize_t n = ::read(fd, chunk, sizeof chunk);
        if (n >= 0) return static_cast<std::size_t>(n);
        if (errno != EINTR) return last_os_error();
      }
    });
    if (read.is_pending()) return P::pending();
    if (!read.value()) {
      error_ = read.value().error();
      ended_ = true;
    } else if (*read.value() == 0) {
      ended_ = true;
    } else {
      buffer_.append(chunk, *read.value());
    }
  }
}

}  // namespace asyncc
