// Real connected sockets, blocking peers on their own threads, and small
// futures for the io tests.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/io.hpp>
#include <asyncc/net.hpp>
#include <asyncc/result.hpp>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace asyncc::testing {

[[noreturn]] inline void fail(const char* what) {
  std::perror(what);
  std::abort();
}

// A loopback TCP connection: a TcpStream and its peer, a blocking socket
// for a plain thread.
struct TcpPair {
  TcpStream stream;
  FileDescriptor peer;
};

// Small buffers (in bytes; 0 keeps the default) make writes short.
inline TcpPair tcp_pair(int stream_sndbuf = 0, int peer_rcvbuf = 0) {
  FileDescriptor listener(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener.get(), reinterpret_cast<sockaddr*>(&address), size) < 0) fail("bind");
  if (::listen(listener.get(), 1) < 0) fail("listen");
  if (::getsockname(listener.get(), reinterpret_cast<sockaddr*>(&address), &size) < 0) fail("getsockname");
  FileDescriptor peer(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  // Before connecting: the window is agreed on then.
  if (peer_rcvbuf > 0 && ::setsockopt(peer.get(), SOL_SOCKET, SO_RCVBUF, &peer_rcvbuf, sizeof peer_rcvbuf) < 0)
    fail("setsockopt");
  if (::connect(peer.get(), reinterpret_cast<sockaddr*>(&address), size) < 0) fail("connect");
  int accepted = ::accept4(listener.get(), nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
  if (accepted < 0) fail("accept4");
  if (stream_sndbuf > 0 && ::setsockopt(accepted, SOL_SOCKET, SO_SNDBUF, &stream_sndbuf, sizeof stream_sndbuf) < 0)
    fail("setsockopt");
  return TcpPair{TcpStream(FileDescriptor(accepted)), std::move(peer)};
}

// False if the connection failed first: what arrived tells the test.
inline bool send_all(int fd, const std::string& data) {
  std::size_t sent = 0;
  while (sent < data.size()) {
    ssize_t n = ::send(fd, data.data() + sent, data.size() - sent, MSG_NOSIGNAL);
    if (n < 0) return false;
    sent += static_cast<std::size_t>(n);
  }
  return true;
}

// Everything until the end of the stream (or an error), blocking.
inline std::string recv_all(int fd, std::size_t chunk = 65536) {
  std::string out;
  std::vector<char> buffer(chunk);
  for (;;) {
    ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) return out;
    out.append(buffer.data(), static_cast<std::size_t>(n));
  }
}

// Resets the connection: RST instead of FIN.
inline void close_with_reset(FileDescriptor& fd) {
  linger abort_on_close{1, 0};
  if (::setsockopt(fd.get(), SOL_SOCKET, SO_LINGER, &abort_on_close, sizeof abort_on_close) < 0) fail("SO_LINGER");
  fd.reset();
}

// A byte pattern that shows lost, repeated or reordered bytes.
inline std::string pattern(std::size_t size) {
  std::string out(size, '\0');
  for (std::size_t i = 0; i < size; ++i) out[i] = static_cast<char>('a' + (i * 7 + i / 251) % 26);
  return out;
}

// Reads until the end of the stream.
template <class R>
class ReadToEnd {
 public:
  using Output = Result<std::string>;
  explicit ReadToEnd(R& reader, std::size_t chunk = 4096) : reader_(&reader), chunk_(chunk) {}
  Poll<Output> poll(Context& cx) {
    std::vector<char> buffer(chunk_);
    for (;;) {
      Poll<Result<std::size_t>> n = reader_->poll_read(cx, buffer.data(), buffer.size());
      if (n.is_pending()) return Poll<Output>::pending();
      if (!n.value()) return Poll<Output>::ready(n.value().error());
      if (*n.value() == 0) return Poll<Output>::ready(std::move(out_));
      out_.append(buffer.data(), *n.value());
    }
  }

 private:
  R* reader_;
  std::size_t chunk_;
  std::string out_;
};

// Every line of a lines stream, and the error that ended it. Borrows the
// stream (L a reference) or owns it.
template <class L>
class CollectLines {
 public:
  using Output = std::pair<std::vector<std::string>, std::error_code>;
  explicit CollectLines(L lines) : lines_(std::forward<L>(lines)) {}
  Poll<Output> poll(Context& cx) {
    for (;;) {
      Poll<std::optional<std::string>> line = lines_.poll_next(cx);
      if (line.is_pending()) return Poll<Output>::pending();
      if (!line.value()) return Poll<Output>::ready(std::make_pair(std::move(got_), lines_.error()));
      got_.push_back(std::move(*line.value()));
    }
  }

 private:
  L lines_;
  std::vector<std::string> got_;
};

template <class L>
CollectLines<L> collect_lines(L&& lines) {
  return CollectLines<L>(std::forward<L>(lines));
}

// A future that owns `state` and runs the future `make(state)` returns:
// a task that owns the streams its future borrows.
template <class State, class Make>
class With {
  using Inner = decltype(std::declval<Make&>()(std::declval<State&>()));

 public:
  using Output = typename Inner::Output;
  With(State state, Make make) : state_(std::move(state)), make_(std::move(make)) {}
  Poll<Output> poll(Context& cx) {
    if (!inner_) inner_.emplace(make_(state_));
    return inner_->poll(cx);
  }

 private:
  State state_;
  Make make_;
  std::optional<Inner> inner_;
};

template <class State, class Make>
With<State, Make> with(State state, Make make) {
  return With<State, Make>(std::move(state), std::move(make));
}

// An in-memory AsyncWrite that takes at most `max_per_call` bytes a call
// and is pending every other call (waking itself), to drive the short-write
// and pending paths deterministically.
class TrickleWriter {
 public:
  explicit TrickleWriter(std::size_t max_per_call) : max_(max_per_call) {}
  Poll<Result<std::size_t>> poll_write(Context& cx, const void* data, std::size_t size) {
    ++calls;
    if ((pending_next_ = !pending_next_)) {
      ++pendings;
      cx.waker().wake_by_ref();
      return Poll<Result<std::size_t>>::pending();
    }
    std::size_t n = size < max_ ? size : max_;
    written.append(static_cast<const char*>(data), n);
    return Poll<Result<std::size_t>>::ready(n);
  }
  Poll<Result<void>> poll_flush(Context&) {
    ++flushes;
    return Poll<Result<void>>::ready(Result<void>());
  }
  Poll<Result<void>> poll_shutdown(Context&) {
    shut_down = true;
    return Poll<Result<void>>::ready(Result<void>());
  }

  std::string written;
  int calls = 0;
  int pendings = 0;
  int flushes = 0;
  bool shut_down = false;

 private:
  std::size_t max_;
  bool pending_next_ = false;
};

// An in-memory AsyncRead that gives its chunks one per read, pending (and
// waking itself) between them.
class ChunkReader {
 public:
  explicit ChunkReader(std::vector<std::string> chunks, std::error_code end = {})
      : chunks_(std::move(chunks)), end_(end) {}
  Poll<Result<std::size_t>> poll_read(Context& cx, void* out, std::size_t size) {
    ++reads;
    if ((pending_next_ = !pending_next_)) {
      cx.waker().wake_by_ref();
      return Poll<Result<std::size_t>>::pending();
    }
    if (next_ == chunks_.size()) {
      if (end_) return Poll<Result<std::size_t>>::ready(end_);
      return Poll<Result<std::size_t>>::ready(std::size_t{0});
    }
    std::string& chunk = chunks_[next_];
    std::size_t n = chunk.size() < size ? chunk.size() : size;
    std::memcpy(out, chunk.data(), n);
    chunk.erase(0, n);
    if (chunk.empty()) ++next_;
    return Poll<Result<std::size_t>>::ready(n);
  }
  int reads = 0;

 private:
  std::vector<std::string> chunks_;
  std::size_t next_ = 0;
  std::error_code end_;
  bool pending_next_ = false;
};

}  // namespace asyncc::testing
