// TCP on the reactor: TcpListener and TcpStream.
#include <asyncc/asyncc.hpp>
#include <asyncc/net.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Clock;
using asyncc::Context;
using asyncc::FileDescriptor;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Result;
using asyncc::SocketAddr;
using asyncc::TcpListener;
using asyncc::TcpStream;

// Open descriptors of this process.
int count_open_fds() {
  int count = 0;
  DIR* dir = ::opendir("/proc/self/fd");
  if (!dir) return -1;
  while (dirent* entry = ::readdir(dir))
    if (entry->d_name[0] != '.') ++count;
  ::closedir(dir);
  return count - 1;  // the directory's own descriptor
}

TcpListener bind_loopback() {
  Result<TcpListener> listener = TcpListener::bind("127.0.0.1:0");
  if (!listener) std::abort();
  return std::move(*listener);
}

SocketAddr address_of(const TcpListener& listener) { return *listener.local_addr(); }

// ---- SocketAddr -------------------------------------------------------------

TEST(SocketAddr, ParsesIpv4AndIpv6) {
  Result<SocketAddr> v4 = SocketAddr::parse("127.0.0.1:8080");
  ASSERT_TRUE(v4);
  EXPECT_TRUE(v4->is_ipv4());
  EXPECT_EQ(v4->port(), 8080);
  EXPECT_EQ(v4->ip(), "127.0.0.1");
  EXPECT_EQ(v4->to_string(), "127.0.0.1:8080");

  Result<SocketAddr> v6 = SocketAddr::parse("[::1]:0");
  ASSERT_TRUE(v6);
  EXPECT_TRUE(v6->is_ipv6());
  EXPECT_EQ(v6->port(), 0);
  EXPECT_EQ(v6->to_string(), "[::1]:0");
  EXPECT_EQ(*SocketAddr::parse("[::1]:0"), *v6);
  EXPECT_NE(*SocketAddr::parse("[::1]:1"), *v6);
}

TEST(SocketAddr, RejectsMalformedText) {
  for (const char* text : {"", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:8x", "::1:80",
                           "[::1]", "[::1]80", "localhost:80", "1.2.3:4"}) {
    Result<SocketAddr> parsed = SocketAddr::parse(text);
    EXPECT_FALSE(parsed) << text;
    EXPECT_EQ(parsed.error(), std::errc::invalid_argument) << text;
  }
}

// ---- Hand-written futures (C++17 and C++20) ---------------------------------

TEST(Tcp, BindReportsThePortItGot) {
  TcpListener listener = bind_loopback();
  SocketAddr address = address_of(listener);
  EXPECT_TRUE(address.is_ipv4());
  EXPECT_NE(address.port(), 0);
  Result<TcpListener> again = TcpListener::bind(address);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error(), std::errc::address_in_use);
}

TEST(Tcp, ConnectionRefusedIsAnErrorValue) {
  SocketAddr address;
  {
    TcpListener listener = bind_loopback();
    address = address_of(listener);
  }  // nobody listens there any more
  Result<TcpStream> stream = asyncc::block_on(TcpStream::connect(address));
  ASSERT_FALSE(stream);
  EXPECT_EQ(stream.error(), std::errc::connection_refused);
}

// Accepts one connection and echoes it until the peer shuts down.
class EchoOnce {
 public:
  using Output = Result<std::size_t>;  // bytes echoed
  explicit EchoOnce(TcpListener& listener) : accept_(listener.accept()) {}
  EchoOnce(EchoOnce&& other) noexcept : accept_(std::move(other.accept_)) {}

  Poll<Output> poll(Context& cx) {
    for (;;) {
      if (!stream_) {
        auto accepted = accept_.poll(cx);
        if (accepted.is_pending()) return Poll<Output>::pending();
        if (!accepted.value()) return Poll<Output>::ready(accepted.value().error());
        stream_.emplace(std::move(accepted.value()->first));
      }
      if (pending_ == 0) {
        auto read = stream_->poll_read(cx, buffer_, sizeof buffer_);
        if (read.is_pending()) return Poll<Output>::pending();
        if (!read.value()) return Poll<Output>::ready(read.value().error());
        if (*read.value() == 0) return Poll<Output>::ready(total_);
        pending_ = *read.value();
        offset_ = 0;
      }
      while (offset_ < pending_) {
        auto written = stream_->poll_write(cx, buffer_ + offset_, pending_ - offset_);
        if (written.is_pending()) return Poll<Output>::pending();
        if (!written.value()) return Poll<Output>::ready(written.value().error());
        offset_ += *written.value();
        total_ += *written.value();
      }
      pending_ = 0;
    }
  }

 private:
  TcpListener::Accept accept_;
  std::optional<TcpStream> stream_;
  char buffer_[1024];
  std::size_t pending_ = 0, offset_ = 0, total_ = 0;
};

// Connects, sends `message`, shuts its side down, and reads the reply to the end.
class SendAndReceive {
 public:
  using Output = Result<std::string>;
  SendAndReceive(SocketAddr address, std::string message)
      : connect_(TcpStream::connect(address)), message_(std::move(message)) {}

  Poll<Output> poll(Context& cx) {
    if (!stream_) {
      auto connected = connect_.poll(cx);
      if (connected.is_pending()) return Poll<Output>::pending();
      if (!connected.value()) return Poll<Output>::ready(connected.value().error());
      stream_.emplace(std::move(*connected.value()));
      write_.emplace(stream_->write_all(message_.data(), message_.size()));
    }
    if (write_) {
      auto written = write_->poll(cx);
      if (written.is_pending()) return Poll<Output>::pending();
      write_.reset();
      if (!written.value()) return Poll<Output>::ready(written.value().error());
      auto shut = stream_->shutdown(SHUT_WR);
      if (Result<void> r = shut.poll(cx).value(); !r) return Poll<Output>::ready(r.error());
    }
    for (;;) {
      char buffer[512];
      auto read = stream_->poll_read(cx, buffer, sizeof buffer);
      if (read.is_pending()) return Poll<Output>::pending();
      if (!read.value()) return Poll<Output>::ready(read.value().error());
      if (*read.value() == 0) return Poll<Output>::ready(std::move(reply_));
      reply_.append(buffer, *read.value());
    }
  }

 private:
  TcpStream::Connect connect_;
  std::string message_;
  std::optional<TcpStream> stream_;
  std::optional<TcpStream::WriteAll> write_;
  std::string reply_;
};

TEST(Tcp, HandWrittenEchoRoundTrip) {
  TcpListener listener = bind_loopback();
  LocalExecutor executor;
  auto server = executor.spawn(EchoOnce(listener));
  std::string message(5000, 'x');
  for (std::size_t i = 0; i < message.size(); ++i) message[i] = static_cast<char>('a' + i % 26);
  Result<std::string> reply = executor.block_on(SendAndReceive(address_of(listener), message));
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(*reply, message);
  Result<std::size_t> echoed = executor.block_on(std::move(server));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, message.size());
}

TEST(Tcp, WriteAfterShutdownIsEpipeNotSigpipe) {
  TcpListener listener = bind_loopback();
  LocalExecutor executor;
  auto accept = executor.spawn(listener.accept());
  Result<TcpStream> stream = executor.block_on(TcpStream::connect(address_of(listener)));
  ASSERT_TRUE(stream);
  auto accepted = executor.block_on(std::move(accept));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->second, *stream->local_addr());
  ASSERT_TRUE(executor.block_on(stream->shutdown(SHUT_WR)));
  Result<std::size_t> written = executor.block_on(stream->write("x", 1));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), std::errc::broken_pipe);
}

TEST(Tcp, EndOfStreamArrivingWithTheLastDataIsSeen) {
  TcpListener listener = bind_loopback();
  LocalExecutor executor;
  auto accept = executor.spawn(listener.accept());
  Result<TcpStream> client = executor.block_on(TcpStream::connect(address_of(listener)));
  ASSERT_TRUE(client);
  auto accepted = executor.block_on(std::move(accept));
  ASSERT_TRUE(accepted);
  TcpStream& server = accepted->first;
  char buffer[1024];
  // The server's socket is registered and its first edge consumed.
  ASSERT_TRUE(executor.block_on(client->write_all("ping", 4)));
  ASSERT_EQ(*executor.block_on(server.read(buffer, sizeof buffer)), 4u);
  // The next data and the FIN come in one edge.
  ASSERT_TRUE(executor.block_on(client->write_all("last words", 10)));
  ASSERT_TRUE(executor.block_on(client->shutdown(SHUT_WR)));
  asyncc::block_on(asyncc::sleep(20ms));  // both have arrived
  // A short read drains the data; the end of the stream must still be seen.
  auto last = executor.block_on(asyncc::timeout(server.read(buffer, sizeof buffer), 2s));
  ASSERT_TRUE(last && *last);
  EXPECT_EQ(**last, 10u);
  auto end = executor.block_on(asyncc::timeout(server.read(buffer, sizeof buffer), 2s));
  ASSERT_TRUE(end) << "no wake-up for the end of the stream";
  ASSERT_TRUE(*end);
  EXPECT_EQ(**end, 0u);
}

using TcpDeathTest = ::testing::Test;

TEST(TcpDeathTest, PollingAFinishedReadTerminates) {
  EXPECT_DEATH(
      {
        TcpListener listener = bind_loopback();
        LocalExecutor executor;
        auto accept = executor.spawn(listener.accept());
        Result<TcpStream> stream = executor.block_on(TcpStream::connect(address_of(listener)));
        auto accepted = executor.block_on(std::move(accept));
        (void)executor.block_on(accepted->first.shutdown(SHUT_WR));
        char byte;
        TcpStream::Read read = stream->read(&byte, 1);
        Context cx(asyncc::noop_waker());
        while (read.poll(cx).is_pending()) asyncc::Reactor::current().park();
        (void)read.poll(cx);
      },
      "TcpStream::Read was polled after it completed");
}

TEST(TcpDeathTest, MovingAnAcceptAfterItsFirstPollTerminates) {
  EXPECT_DEATH(
      {
        TcpListener listener = bind_loopback();
        TcpListener::Accept accept = listener.accept();
        Context cx(asyncc::noop_waker());
        (void)accept.poll(cx);
        TcpListener::Accept moved = std::move(accept);
      },
      "TcpListener::Accept was moved after its first poll");
}

TEST(TcpDeathTest, PollingAFinishedConnectTerminates) {
  EXPECT_DEATH(
      {
        TcpListener listener = bind_loopback();
        auto connect = TcpStream::connect(address_of(listener));
        Context cx(asyncc::noop_waker());
        while (connect.poll(cx).is_pending()) asyncc::Reactor::current().park();
        (void)connect.poll(cx);
      },
      "TcpStream::Connect was polled after it completed");
}

TEST(Tcp, StreamsAndListenersCloseTheirDescriptors) {
  asyncc::Reactor::current();  // its descriptors are not the test's
  const int before = count_open_fds();
  {
    TcpListener listener = bind_loopback();
    LocalExecutor executor;
    auto accept = executor.spawn(listener.accept());
    Result<TcpStream> stream = executor.block_on(TcpStream::connect(address_of(listener)));
    ASSERT_TRUE(stream);
    auto accepted = executor.block_on(std::move(accept));
    ASSERT_TRUE(accepted);
    TcpStream moved = std::move(*stream);
    EXPECT_EQ(count_open_fds(), before + 3);
  }
  EXPECT_EQ(count_open_fds(), before);
}

#if defined(__cpp_impl_coroutine)

// ---- ASYNC functions (C++20 coroutines) -------------------------------------

using asyncc::Async;

ASYNC Async<void> echo_connection(TcpStream stream) {
  char buffer[4096];
  for (;;) {
    Result<std::size_t> n = co_await stream.read(buffer, sizeof buffer);
    if (!n || *n == 0) co_return;
    if (!co_await stream.write_all(buffer, *n)) co_return;
  }
}

ASYNC Async<void> serve(TcpListener& listener, LocalExecutor& executor, int connections) {
  for (int i = 0; i < connections; ++i) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    executor.spawn(echo_connection(std::move(accepted->first)));
  }
}

ASYNC Async<Result<std::string>> echo_client(SocketAddr address, std::string message) {
  Result<TcpStream> stream = co_await TcpStream::connect(address);
  if (!stream) co_return stream.error();
  if (Result<void> w = co_await stream->write_all(message.data(), message.size()); !w) co_return w.error();
  if (Result<void> s = co_await stream->shutdown(SHUT_WR); !s) co_return s.error();
  std::string reply;
  char buffer[1024];
  for (;;) {
    Result<std::size_t> n = co_await stream->read(buffer, sizeof buffer);
    if (!n) co_return n.error();
    if (*n == 0) co_return reply;
    reply.append(buffer, *n);
  }
}

TEST(TcpAsync, FiftyConcurrentEchoClients) {
  TcpListener listener = bind_loopback();
  LocalExecutor executor;
  constexpr int kClients = 50;
  executor.spawn(serve(listener, executor, kClients));
  std::vector<asyncc::JoinHandle<Result<std::string>>> clients;
  for (int i = 0; i < kClients; ++i)
    clients.push_back(executor.spawn(echo_client(address_of(listener), "client " + std::to_string(i))));
  executor.run();
  for (int i = 0; i < kClients; ++i) {
    Result<std::string> reply = executor.block_on(std::move(clients[i]));
    ASSERT_TRUE(reply) << reply.error().message();
    EXPECT_EQ(*reply, "client " + std::to_string(i));
  }
}

struct Counts {
  int partial_writes = 0;
  int reads = 0;
};

ASYNC Async<Result<void>> write_everything(TcpStream& stream, const std::string& data, Counts& counts) {
  std::size_t offset = 0;
  while (offset < data.size()) {
    Result<std::size_t> n = co_await stream.write(data.data() + offset, data.size() - offset);
    if (!n) co_return n.error();
    if (*n < data.size() - offset) ++counts.partial_writes;
    offset += *n;
  }
  co_return co_await stream.shutdown(SHUT_WR);
}

ASYNC Async<Result<std::string>> read_to_end(TcpStream& stream, Counts& counts) {
  std::string got;
  std::vector<char> buffer(64 * 1024);
  for (;;) {
    Result<std::size_t> n = co_await stream.read(buffer.data(), buffer.size());
    if (!n) co_return n.error();
    ++counts.reads;
    if (*n == 0) co_return got;
    got.append(buffer.data(), *n);
  }
}

ASYNC Async<Result<std::string>> large_round_trip(SocketAddr address, LocalExecutor& executor,
                                                  const std::string& data, Counts& counts) {
  Result<TcpStream> stream = co_await TcpStream::connect(address);
  if (!stream) co_return stream.error();
  // Writing and reading at once: each side's buffers are far smaller than the data.
  auto writer = executor.spawn(write_everything(*stream, data, counts));
  auto reader = executor.spawn(read_to_end(*stream, counts));
  Result<void> written = co_await writer;
  Result<std::string> read = co_await reader;
  if (!written) co_return written.error();
  co_return read;
}

TEST(TcpAsync, LargePayloadWithPartialReadsAndWrites) {
  TcpListener listener = bind_loopback();
  LocalExecutor executor;
  std::string data(8 << 20, '\0');
  std::uint32_t x = 12345;
  for (char& c : data) c = static_cast<char>((x = x * 1103515245 + 12345) >> 24);
  Counts counts;
  executor.spawn(serve(listener, executor, 1));
  Result<std::string> echoed = executor.block_on(large_round_trip(address_of(listener), executor, data, counts));
  ASSERT_TRUE(echoed) << echoed.error().message();
  EXPECT_EQ(echoed->size(), data.size());
  EXPECT_TRUE(*echoed == data);
  EXPECT_GT(counts.partial_writes, 0);
  EXPECT_GT(counts.reads, 2);
  std::printf("8 MiB echo: %d partial writes, %d reads\n", counts.partial_writes, counts.reads);
}

// Accepts one connection and resets it (SO_LINGER with a zero timeout makes
// close send RST).
ASYNC Async<void> accept_and_reset(TcpListener& listener) {
  auto accepted = co_await listener.accept();
  if (!accepted) co_return;
  linger hard{1, 0};
  ::setsockopt(accepted->first.native_handle(), SOL_SOCKET, SO_LINGER, &hard, sizeof hard);
}

ASYNC Async<std::pair<std::error_code, std::error_code>> read_then_write_after_reset(SocketAddr address) {
  Result<TcpStream> stream = co_await TcpStream::connect(address);
  if (!stream) co_return std::make_pair(stream.error(), stream.error());
  char buffer[16];
  Result<std::size_t> read = co_await stream->read(buffer, sizeof buffer);
  Result<std::size_t> written = co_await stream->write("x", 1);
  co_return std::make_pair(read.error(), written.error());
}

TEST(TcpAsync, PeerResetIsAnErrorValue) {
  TcpListener listener = bind_loopback();
  LocalExecutor executor;
  executor.spawn(accept_and_reset(listener));
  auto [read_error, write_error] = executor.block_on(read_then_write_after_reset(address_of(listener)));
  EXPECT_EQ(read_error, std::errc::connection_reset) << read_error.message();
  EXPECT_TRUE(write_error == std::errc::broken_pipe || write_error == std::errc::connection_reset)
      << write_error.message();
}

// Raises the soft limit on descriptors to at least `wanted` (up to the hard
// limit); restores it when dropped.
class FdLimit {
 public:
  FdLimit() { ::getrlimit(RLIMIT_NOFILE, &saved_); }
  ~FdLimit() { ::setrlimit(RLIMIT_NOFILE, &saved_); }
  bool set_soft(rlim_t soft) {
    rlimit changed = saved_;
    changed.rlim_cur = soft;
    return ::setrlimit(RLIMIT_NOFILE, &changed) == 0;
  }
  rlim_t hard() const { return saved_.rlim_max; }

 private:
  rlimit saved_{};
};

ASYNC Async<void> accept_into(TcpListener& listener, std::vector<TcpStream>& streams, int count) {
  for (int i = 0; i < count; ++i) {
    auto accepted = co_await listener.accept();
    if (!accepted) co_return;
    streams.push_back(std::move(accepted->first));
  }
}

ASYNC Async<void> connect_into(SocketAddr address, std::vector<TcpStream>& streams) {
  Result<TcpStream> stream = co_await TcpStream::connect(address);
  if (stream) streams.push_back(std::move(*stream));
}

TEST(TcpAsync, ThousandConnectionsLeakNoDescriptor) {
  constexpr int kConnections = 1000;
  FdLimit limit;
  if (limit.hard() != RLIM_INFINITY && limit.hard() < 2 * kConnections + 200) GTEST_SKIP() << "hard RLIMIT_NOFILE too low";
  ASSERT_TRUE(limit.set_soft(limit.hard() == RLIM_INFINITY ? 4 * kConnections : limit.hard()));
  asyncc::Reactor::current();  // its descriptors are not the test's
  const std::size_t registered = asyncc::Reactor::current().io_count();
  const int before = count_open_fds();
  {
    LocalExecutor executor;
    std::vector<TcpStream> accepted, connected;
    accepted.reserve(kConnections);
    connected.reserve(kConnections);
    TcpListener listener = bind_loopback();
    executor.spawn(accept_into(listener, accepted, kConnections));
    for (int i = 0; i < kConnections; ++i) executor.spawn(connect_into(address_of(listener), connected));
    executor.run();
    EXPECT_EQ(accepted.size(), static_cast<std::size_t>(kConnections));
    EXPECT_EQ(connected.size(), static_cast<std::size_t>(kConnections));
    EXPECT_EQ(count_open_fds(), before + 2 * kConnections + 1);
  }
  EXPECT_EQ(count_open_fds(), before);
  EXPECT_EQ(asyncc::Reactor::current().io_count(), registered);
}

ASYNC Async<void> free_descriptors_later(std::vector<FileDescriptor>& fillers, const std::vector<TcpStream>& accepted,
                                         std::size_t& accepted_while_exhausted) {
  co_await asyncc::sleep(100ms);
  accepted_while_exhausted = accepted.size();
  fillers.clear();
}

TEST(TcpAsync, AcceptSurvivesRunningOutOfDescriptors) {
  TcpListener listener = bind_loopback();
  SocketAddr address = address_of(listener);
  asyncc::Reactor::current();
  // Blocking clients: the kernel completes their handshakes into the
  // backlog, with no accept yet.
  std::vector<FileDescriptor> clients;
  for (int i = 0; i < 3; ++i) {
    FileDescriptor client(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(client.is_open());
    ASSERT_EQ(::connect(client.get(), address.native(), address.native_size()), 0);
    clients.push_back(std::move(client));
  }
  LocalExecutor executor;
  std::vector<TcpStream> accepted;
  accepted.reserve(3);
  std::vector<FileDescriptor> fillers;
  std::size_t accepted_while_exhausted = 99;
  const auto start = Clock::now();
  // Spawned before the descriptors run out: UBSan checks the dynamic type of
  // the scheduler at the first member call on it (here, in the task's
  // constructor), and that check opens a pipe to probe the vtable's memory.
  // With no descriptor left it fails as "invalid vptr" on a live object.
  // Once checked, the type is cached, and the wake-ups while descriptors are
  // exhausted need no descriptor (just as accept compares its errors without
  // virtual calls).
  executor.spawn(accept_into(listener, accepted, 3));
  executor.spawn(free_descriptors_later(fillers, accepted, accepted_while_exhausted));
  {
    FdLimit limit;
    int highest = 0;
    for (FileDescriptor probe(::open("/dev/null", O_RDONLY | O_CLOEXEC)); probe.is_open(); probe.reset()) {
      highest = probe.get();
      break;
    }
    ASSERT_TRUE(limit.set_soft(static_cast<rlim_t>(highest) + 16));
    for (;;) {
      FileDescriptor filler(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      if (!filler.is_open()) {
        ASSERT_EQ(errno, EMFILE);
        break;
      }
      fillers.push_back(std::move(filler));
    }
    executor.run();
  }
  EXPECT_EQ(accepted_while_exhausted, 0u);
  EXPECT_EQ(accepted.size(), 3u);
  EXPECT_GE(Clock::now() - start, 100ms);
}

TEST(TcpAsync, Ipv6Loopback) {
  Result<TcpListener> listener = TcpListener::bind("[::1]:0");
  if (!listener) GTEST_SKIP() << "no IPv6 loopback: " << listener.error().message();
  SocketAddr address = *listener->local_addr();
  EXPECT_TRUE(address.is_ipv6());
  LocalExecutor executor;
  executor.spawn(serve(*listener, executor, 1));
  Result<std::string> reply = executor.block_on(echo_client(address, "over IPv6"));
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_EQ(*reply, "over IPv6");
}

#endif  // __cpp_impl_coroutine

}  // namespace
