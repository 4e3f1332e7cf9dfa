// Lines of text from a file descriptor (a pipe, a terminal, a socket, or a
// regular file), read without blocking the thread: stdin_lines() for
// standard input. For a stream the runtime already owns (a TcpStream, a
// pipe end), asyncc::lines(stream) in buf_reader.hpp reads through the
// stream itself.
#pragma once

#include <asyncc/buf_reader.hpp>
#include <asyncc/file_descriptor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>

#include <unistd.h>

#include <cstddef>
#include <optional>
#include <string>
#include <system_error>

namespace asyncc {

// Borrows the descriptor (it is not closed) and puts it in non-blocking mode
// for its lifetime, restoring the previous mode when dropped. A file
// description is shared by duplicated descriptors, so the mode change is
// seen through them too.
//
// It reads and waits through a duplicate of the descriptor, registered with
// the reactor in its own right: epoll tells registrations apart by
// descriptor number, so a descriptor that is already registered (the socket
// of a TcpStream) keeps its registration, and the stream's own operations
// go on working while the lines are read and after they are dropped. The
// duplicate keeps the file open until the Lines is dropped.
class Lines {
 public:
  class Next;

  explicit Lines(int fd);
  Lines(Lines&& other) noexcept;
  Lines& operator=(Lines&&) = delete;
  Lines(const Lines&) = delete;
  ~Lines();

  // The next line without its '\n'; a last line without one is yielded as
  // it is; nullopt at the end of the input, or on an error (see error()),
  // which drops a line it cut short.
  Next next() noexcept;
  Poll<std::optional<std::string>> poll_next(Context& cx);

  // Why the input ended, if it ended with an error.
  std::error_code error() const noexcept { return error_; }

 private:
  int fd_;                  // the caller's, for restoring its mode
  FileDescriptor reading_;  // the duplicate read and registered
  int restore_flags_ = -1;  // the flags to put back, if they were changed
  std::string buffer_;
  std::size_t scanned_ = 0;  // bytes of buffer_ known to hold no '\n'
  bool ended_ = false;
  std::error_code error_;
  // Last, so it is removed from epoll first.
  Registration registration_;
};

class Lines::Next {
 public:
  using Output = std::optional<std::string>;
  explicit Next(Lines& lines) noexcept : lines_(&lines) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a Lines::Next was polled after it completed");
    Poll<Output> out = lines_->poll_next(cx);
    done_ = out.is_ready();
    return out;
  }

 private:
  Lines* lines_;
  bool done_ = false;
};

inline Lines::Next Lines::next() noexcept { return Next(*this); }

inline Lines lines(int fd) { return Lines(fd); }
inline Lines stdin_lines() { return Lines(STDIN_FILENO); }

}  // namespace asyncc
