// Unix domain stream sockets on the reactor: UnixListener and UnixStream, in
// the manner of TcpListener and TcpStream (net.hpp), with the same shape of
// I/O (poll_read, poll_write, poll_shutdown and their futures).
//
// A path names a socket file ("/run/app.sock"), or, starting with '\0', a
// name in Linux's abstract namespace (std::string_view("\0app", 4)), which
// needs no file and vanishes with the last socket. A UnixListener removes
// the socket file it created when it is dropped (unless the file was
// replaced meanwhile); bind fails with EADDRINUSE if the path exists, as
// bind(2) does, and never removes a file it did not create.
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/future.hpp>
#include <asyncc/net.hpp>
#include <asyncc/result.hpp>
#include <asyncc/time.hpp>

#include <sys/socket.h>
#include <sys/types.h>

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

namespace asyncc {

namespace detail {
// Futures over a stream's poll_read/poll_write, for stream types that have
// nothing more to them. `S` has poll_read and poll_write as TcpStream has.
template <class S>
class StreamRead {
 public:
  using Output = Result<std::size_t>;
  StreamRead(S& stream, void* buffer, std::size_t size) noexcept : stream_(&stream), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    check_not_done(done_, "a stream's read was polled after it completed");
    auto result = stream_->poll_read(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  S* stream_;
  void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

template <class S>
class StreamWrite {
 public:
  using Output = Result<std::size_t>;
  StreamWrite(S& stream, const void* buffer, std::size_t size) noexcept
      : stream_(&stream), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    check_not_done(done_, "a stream's write was polled after it completed");
    auto result = stream_->poll_write(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  S* stream_;
  const void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

// Reads exactly `size` bytes; io_errc::unexpected_eof if the stream ends first.
template <class S>
class StreamReadExact {
 public:
  using Output = Result<void>;
  StreamReadExact(S& stream, void* buffer, std::size_t size) noexcept
      : stream_(&stream), buffer_(static_cast<char*>(buffer)), remaining_(size) {}
  Poll<Output> poll(Context& cx) {
    check_not_done(done_, "a stream's read_exact was polled after it completed");
    while (remaining_ > 0) {
      auto read = stream_->poll_read(cx, buffer_, remaining_);
      if (read.is_pending()) return Poll<Output>::pending();
      if (!read.value() || *read.value() == 0) {
        done_ = true;
        return Poll<Output>::ready(read.value() ? make_error_code(io_errc::unexpected_eof) : read.value().error());
      }
      buffer_ += *read.value();
      remaining_ -= *read.value();
    }
    done_ = true;
    return Poll<Output>::ready(Result<void>());
  }

 private:
  S* stream_;
  char* buffer_;
  std::size_t remaining_;
  bool done_ = false;
};

// Writes all `size` bytes; io_errc::write_zero if a write takes none.
template <class S>
class StreamWriteAll {
 public:
  using Output = Result<void>;
  StreamWriteAll(S& stream, const void* buffer, std::size_t size) noexcept
      : stream_(&stream), buffer_(static_cast<const char*>(buffer)), remaining_(size) {}
  Poll<Output> poll(Context& cx) {
    check_not_done(done_, "a stream's write_all was polled after it completed");
    while (remaining_ > 0) {
      auto written = stream_->poll_write(cx, buffer_, remaining_);
      if (written.is_pending()) return Poll<Output>::pending();
      if (!written.value() || *written.value() == 0) {
        done_ = true;
        return Poll<Output>::ready(written.value() ? make_error_code(io_errc::write_zero) : written.value().error());
      }
      buffer_ += *written.value();
      remaining_ -= *written.value();
    }
    done_ = true;
    return Poll<Output>::ready(Result<void>());
  }

 private:
  S* stream_;
  const char* buffer_;
  std::size_t remaining_;
  bool done_ = false;
};

// A socket file that a listener created, removed when the listener is
// dropped if it is still that file.
class SocketFile {
 public:
  SocketFile() noexcept = default;
  SocketFile(std::string path, dev_t device, ino_t inode) : path_(std::move(path)), device_(device), inode_(inode) {}
  SocketFile(SocketFile&& other) noexcept
      : path_(std::exchange(other.path_, std::string())), device_(other.device_), inode_(other.inode_) {}
  SocketFile& operator=(SocketFile&& other) noexcept {
    if (this != &other) {
      remove();
      path_ = std::exchange(other.path_, std::string());
      device_ = other.device_;
      inode_ = other.inode_;
    }
    return *this;
  }
  SocketFile(const SocketFile&) = delete;
  SocketFile& operator=(const SocketFile&) = delete;
  ~SocketFile() { remove(); }

 private:
  void remove() noexcept;

  std::string path_;  // empty: nothing to remove
  dev_t device_ = 0;
  ino_t inode_ = 0;
};
}  // namespace detail

class UnixStream {
 public:
  class Connect;
  using Read = detail::StreamRead<UnixStream>;
  using Write = detail::StreamWrite<UnixStream>;
  using ReadExact = detail::StreamReadExact<UnixStream>;
  using WriteAll = detail::StreamWriteAll<UnixStream>;
  class Shutdown;

  // Adopts a connected, non-blocking stream socket.
  explicit UnixStream(FileDescriptor socket) noexcept : io_(std::move(socket)) {}

  // Connects to the listener at `path` (copied); ECONNREFUSED if none
  // listens there, ENOENT if there is no such file, EAGAIN if the
  // listener's backlog is full.
  static Connect connect(std::string_view path);
  // Two streams connected to each other (socketpair(2)).
  static Result<std::pair<UnixStream, UnixStream>> pair();

  // As TcpStream's: what is available (0 at the end of the stream), what
  // fits, exactly `size` bytes, all `size` bytes, a shutdown.
  Read read(void* buffer, std::size_t size) noexcept { return Read(*this, buffer, size); }
  Write write(const void* buffer, std::size_t size) noexcept { return Write(*this, buffer, size); }
  ReadExact read_exact(void* buffer, std::size_t size) noexcept { return ReadExact(*this, buffer, size); }
  WriteAll write_all(const void* buffer, std::size_t size) noexcept { return WriteAll(*this, buffer, size); }
  Shutdown shutdown(int how = SHUT_WR) noexcept;

  // The steps the futures above are made of.
  Poll<Result<std::size_t>> poll_read(Context& cx, void* buffer, std::size_t size);
  Poll<Result<std::size_t>> poll_write(Context& cx, const void* buffer, std::size_t size);
  // Shuts down the writing side: the peer reads the end of the stream.
  Poll<Result<void>> poll_shutdown(Context& cx);

  // The path of this end and of the peer ("" for an unnamed socket; an
  // abstract name starts with '\0').
  Result<std::string> local_path() const;
  Result<std::string> peer_path() const;
  int native_handle() const noexcept { return io_.fd(); }

 private:
  AsyncFd io_;
};

class UnixStream::Connect {
 public:
  using Output = Result<UnixStream>;
  explicit Connect(std::string_view path) : path_(path) {}
  Poll<Output> poll(Context& cx);

 private:
  std::string path_;
  std::optional<UnixStream> stream_;
  bool connecting_ = false;
  bool done_ = false;
};

// Ready at its first poll: shutdown(2) never blocks.
class UnixStream::Shutdown {
 public:
  using Output = Result<void>;
  Shutdown(UnixStream& stream, int how) noexcept : stream_(&stream), how_(how) {}
  Poll<Output> poll(Context& cx);

 private:
  UnixStream* stream_;
  int how_;
  bool done_ = false;
};

inline UnixStream::Connect UnixStream::connect(std::string_view path) { return Connect(path); }
inline UnixStream::Shutdown UnixStream::shutdown(int how) noexcept { return Shutdown(*this, how); }

class UnixListener {
 public:
  class Accept;

  // A listening socket bound to `path`; its socket file is removed when the
  // listener is dropped. ENAMETOOLONG for a path longer than sun_path holds;
  // invalid_argument for an empty path or a file path with a NUL in it.
  static Result<UnixListener> bind(std::string_view path, int backlog = 1024);

  // The next connection. (A Unix peer is almost always unnamed: its path,
  // if any, is the stream's peer_path().)
  Accept accept() noexcept;
  Poll<Result<UnixStream>> poll_accept(Context& cx);

  Result<std::string> local_path() const;
  int native_handle() const noexcept { return io_.fd(); }

 private:
  UnixListener(FileDescriptor socket, detail::SocketFile file) noexcept
      : io_(std::move(socket)), file_(std::move(file)) {}
  AsyncFd io_;
  // After io_, so destroyed first: the file goes before the socket closes,
  // and a new listener may bind the path as soon as this one is gone.
  detail::SocketFile file_;
};

// Out of descriptors (EMFILE, ENFILE) or memory, waits
// TcpListener::kAcceptBackoff and tries again, as TcpListener's accept does:
// the connection stays queued meanwhile. Pinned after its first poll (it may
// hold the back-off timer).
class UnixListener::Accept {
 public:
  using Output = Result<UnixStream>;
  explicit Accept(UnixListener& listener) noexcept : listener_(&listener) {}
  Accept(Accept&& other) noexcept : listener_(other.listener_) {
    if (other.polled_) detail::contract_violation("a UnixListener::Accept was moved after its first poll (it is pinned)");
  }
  Accept& operator=(Accept&&) = delete;
  Poll<Output> poll(Context& cx);

 private:
  UnixListener* listener_;
  std::optional<Sleep> backoff_;
  bool polled_ = false;
  bool done_ = false;
};

inline UnixListener::Accept UnixListener::accept() noexcept { return Accept(*this); }

}  // namespace asyncc
