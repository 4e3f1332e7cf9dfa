// TCP on the reactor: TcpListener and TcpStream. Sockets are non-blocking;
// every operation is a future whose output is a Result, and failures (refused
// connections, resets, a closed pipe) are error values, never exceptions.
//
// The operation futures borrow the socket and the buffer, which must outlive
// them. One read and one write may wait at a time on a socket (they may be
// in different tasks of the same thread). A socket belongs to the thread of
// its first operation; on a Runtime, to all its workers, which share a
// reactor (see runtime.hpp).
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/future.hpp>
#include <asyncc/lookup_host.hpp>
#include <asyncc/result.hpp>
#include <asyncc/socket_addr.hpp>
#include <asyncc/time.hpp>

#include <sys/socket.h>

#include <chrono>
#include <cstddef>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

namespace asyncc {

namespace detail {
// Futures that return Ready once: polling again is a contract violation.
inline void check_not_done(bool done, const char* what) {
  if (done) contract_violation(what);
}
}  // namespace detail

class TcpStream {
 public:
  class Connect;
  class ConnectHost;
  class Read;
  class Write;
  class ReadExact;
  class WriteAll;
  class Shutdown;

  // Adopts a connected, non-blocking socket.
  explicit TcpStream(FileDescriptor socket) noexcept : io_(std::move(socket)) {}

  // Connects to `address`; the socket is created at the first poll.
  static Connect connect(const SocketAddr& address) noexcept;
  // Connects to "host:port" (or a numeric "127.0.0.1:80", "[::1]:80"): the
  // name is resolved as lookup_host does, then each address is tried in
  // turn; the error of the last one if none accepts.
  static ConnectHost connect(std::string_view address);

  // Reads what is available, up to `size` bytes; 0 at the end of the stream.
  Read read(void* buffer, std::size_t size) noexcept;
  // Writes what fits, up to `size` bytes, returning how many.
  Write write(const void* buffer, std::size_t size) noexcept;
  // Reads exactly `size` bytes; io_errc::unexpected_eof if the stream ends first.
  ReadExact read_exact(void* buffer, std::size_t size) noexcept;
  // Writes all `size` bytes.
  WriteAll write_all(const void* buffer, std::size_t size) noexcept;
  // Shuts down one or both directions (SHUT_WR, SHUT_RD, SHUT_RDWR).
  Shutdown shutdown(int how = SHUT_WR) noexcept;

  // The steps the futures above are made of, for hand-written futures.
  Poll<Result<std::size_t>> poll_read(Context& cx, void* buffer, std::size_t size);
  Poll<Result<std::size_t>> poll_write(Context& cx, const void* buffer, std::size_t size);
  // Ends the writing direction (SHUT_WR) at once: AsyncWrite's shutdown
  // (io.hpp), so that copy_bidirectional passes a half-close on.
  Poll<Result<void>> poll_shutdown(Context& cx);

  Result<SocketAddr> local_addr() const;
  Result<SocketAddr> peer_addr() const;
  Result<void> set_nodelay(bool enabled);
  int native_handle() const noexcept { return io_.fd(); }

 private:
  AsyncFd io_;
};

class TcpStream::Connect {
 public:
  using Output = Result<TcpStream>;
  explicit Connect(const SocketAddr& address) noexcept : address_(address) {}
  Poll<Output> poll(Context& cx);

 private:
  enum class State : std::uint8_t { start, connecting, done };
  SocketAddr address_;
  std::optional<TcpStream> stream_;
  State state_ = State::start;
};

class TcpStream::ConnectHost {
 public:
  using Output = Result<TcpStream>;
  explicit ConnectHost(std::string_view address) : lookup_(address) {}
  Poll<Output> poll(Context& cx);

 private:
  LookupHost lookup_;
  std::vector<SocketAddr> addresses_;
  std::size_t next_ = 0;
  std::optional<Connect> connecting_;
  std::error_code last_error_;
  bool resolved_ = false;
  bool done_ = false;
};

class TcpStream::Read {
 public:
  using Output = Result<std::size_t>;
  Read(TcpStream& stream, void* buffer, std::size_t size) noexcept : stream_(&stream), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    detail::check_not_done(done_, "a TcpStream::Read was polled after it completed");
    auto result = stream_->poll_read(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  TcpStream* stream_;
  void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

class TcpStream::Write {
 public:
  using Output = Result<std::size_t>;
  Write(TcpStream& stream, const void* buffer, std::size_t size) noexcept
      : stream_(&stream), buffer_(buffer), size_(size) {}
  Poll<Output> poll(Context& cx) {
    detail::check_not_done(done_, "a TcpStream::Write was polled after it completed");
    auto result = stream_->poll_write(cx, buffer_, size_);
    done_ = result.is_ready();
    return result;
  }

 private:
  TcpStream* stream_;
  const void* buffer_;
  std::size_t size_;
  bool done_ = false;
};

class TcpStream::ReadExact {
 public:
  using Output = Result<void>;
  ReadExact(TcpStream& stream, void* buffer, std::size_t size) noexcept
      : stream_(&stream), buffer_(static_cast<char*>(buffer)), remaining_(size) {}
  Poll<Output> poll(Context& cx);

 private:
  TcpStream* stream_;
  char* buffer_;
  std::size_t remaining_;
  bool done_ = false;
};

class TcpStream::WriteAll {
 public:
  using Output = Result<void>;
  WriteAll(TcpStream& stream, const void* buffer, std::size_t size) noexcept
      : stream_(&stream), buffer_(static_cast<const char*>(buffer)), remaining_(size) {}
  Poll<Output> poll(Context& cx);

 private:
  TcpStream* stream_;
  const char* buffer_;
  std::size_t remaining_;
  bool done_ = false;
};

// Ready at its first poll: shutdown(2) never blocks.
class TcpStream::Shutdown {
 public:
  using Output = Result<void>;
  Shutdown(TcpStream& stream, int how) noexcept : stream_(&stream), how_(how) {}
  Poll<Output> poll(Context& cx);

 private:
  TcpStream* stream_;
  int how_;
  bool done_ = false;
};

inline TcpStream::Connect TcpStream::connect(const SocketAddr& address) noexcept { return Connect(address); }
inline TcpStream::ConnectHost TcpStream::connect(std::string_view address) { return ConnectHost(address); }
inline TcpStream::Read TcpStream::read(void* buffer, std::size_t size) noexcept { return Read(*this, buffer, size); }
inline TcpStream::Write TcpStream::write(const void* buffer, std::size_t size) noexcept {
  return Write(*this, buffer, size);
}
inline TcpStream::ReadExact TcpStream::read_exact(void* buffer, std::size_t size) noexcept {
  return ReadExact(*this, buffer, size);
}
inline TcpStream::WriteAll TcpStream::write_all(const void* buffer, std::size_t size) noexcept {
  return WriteAll(*this, buffer, size);
}
inline TcpStream::Shutdown TcpStream::shutdown(int how) noexcept { return Shutdown(*this, how); }

class TcpListener {
 public:
  class Accept;

  // How long accept waits before retrying when the process or the system is
  // out of file descriptors (EMFILE, ENFILE) or memory: the connection stays
  // queued in the backlog meanwhile, and the listener keeps serving once
  // descriptors are freed.
  static constexpr std::chrono::milliseconds kAcceptBackoff{20};

  // A listening socket bound to `address` (port 0 picks a free port), with
  // SO_REUSEADDR.
  static Result<TcpListener> bind(const SocketAddr& address, int backlog = 1024);
  // The same for "127.0.0.1:0", "[::1]:8080" or "localhost:8080": the first
  // address that binds. A numeric address is parsed in place; a name is
  // resolved with getaddrinfo on the calling thread, which it blocks (bind
  // is a start-up call; a task that must not block awaits lookup_host first).
  static Result<TcpListener> bind(std::string_view address, int backlog = 1024);

  // The next connection and its peer's address.
  Accept accept() noexcept;
  Poll<Result<std::pair<TcpStream, SocketAddr>>> poll_accept(Context& cx);

  Result<SocketAddr> local_addr() const;
  int native_handle() const noexcept { return io_.fd(); }

 private:
  explicit TcpListener(FileDescriptor socket) noexcept : io_(std::move(socket)) {}
  AsyncFd io_;
};

// Pinned after its first poll (it may hold a back-off timer).
class TcpListener::Accept {
 public:
  using Output = Result<std::pair<TcpStream, SocketAddr>>;
  explicit Accept(TcpListener& listener) noexcept : listener_(&listener) {}
  Accept(Accept&& other) noexcept : listener_(other.listener_) {
    if (other.polled_) detail::contract_violation("a TcpListener::Accept was moved after its first poll (it is pinned)");
  }
  Accept& operator=(Accept&&) = delete;
  Poll<Output> poll(Context& cx);

 private:
  TcpListener* listener_;
  std::optional<Sleep> backoff_;
  bool polled_ = false;
  bool done_ = false;
};

inline TcpListener::Accept TcpListener::accept() noexcept { return Accept(*this); }

}  // namespace asyncc
