// AsyncRead/AsyncWrite and the futures over them: read, write, read_exact,
// write_all, shutdown; pipes; split halves; copy and copy_bidirectional.
// Real sockets and pipes, with blocking peers on their own threads.
#include <asyncc/copy.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/io.hpp>
#include <asyncc/join.hpp>
#include <asyncc/net.hpp>
#include <asyncc/pipe.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/split.hpp>
#include <asyncc/time.hpp>

#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::PipeReader;
using asyncc::PipeWriter;
using asyncc::Poll;
using asyncc::Result;
using asyncc::TcpStream;
using asyncc::testing::ReadToEnd;
using asyncc::testing::tcp_pair;

// ---- the concepts -----------------------------------------------------------

struct OnlyReads {
  Poll<Result<std::size_t>> poll_read(Context&, void*, std::size_t);
};
struct WrongReturn {
  Poll<std::size_t> poll_read(Context&, void*, std::size_t);
  Result<std::size_t> poll_write(Context&, const void*, std::size_t);
};
struct ReadsAndWrites : OnlyReads {
  Poll<Result<std::size_t>> poll_write(Context&, const void*, std::size_t);
};

static_assert(asyncc::is_async_read_v<TcpStream> && asyncc::is_async_write_v<TcpStream>);
static_assert(asyncc::is_async_read_v<OnlyReads> && !asyncc::is_async_write_v<OnlyReads>);
static_assert(!asyncc::is_async_read_v<WrongReturn> && !asyncc::is_async_write_v<WrongReturn>);
static_assert(asyncc::is_async_read_v<ReadsAndWrites&> && asyncc::is_async_write_v<const ReadsAndWrites>);
static_assert(!asyncc::is_async_read_v<int> && !asyncc::is_async_write_v<int>);
static_assert(asyncc::is_async_read_v<PipeReader> && !asyncc::is_async_write_v<PipeReader>);
static_assert(asyncc::is_async_write_v<PipeWriter> && !asyncc::is_async_read_v<PipeWriter>);
static_assert(asyncc::is_async_read_v<asyncc::ReadHalf<TcpStream&>> &&
              !asyncc::is_async_write_v<asyncc::ReadHalf<TcpStream&>>);
static_assert(asyncc::is_async_write_v<asyncc::WriteHalf<TcpStream>> &&
              !asyncc::is_async_read_v<asyncc::WriteHalf<TcpStream>>);
#if defined(__cpp_concepts)
static_assert(asyncc::AsyncRead<TcpStream> && asyncc::AsyncWrite<TcpStream>);
static_assert(asyncc::AsyncRead<OnlyReads> && !asyncc::AsyncWrite<OnlyReads> && !asyncc::AsyncRead<WrongReturn>);
#endif

// A writer without poll_flush or poll_shutdown: both succeed at once.
struct PlainWriter {
  Poll<Result<std::size_t>> poll_write(Context&, const void*, std::size_t size) {
    return Poll<Result<std::size_t>>::ready(size);
  }
};

TEST(AsyncWrite, FlushAndShutdownAreOptional) {
  PlainWriter writer;
  EXPECT_TRUE(asyncc::block_on(asyncc::flush(writer)));
  EXPECT_TRUE(asyncc::block_on(asyncc::shutdown(writer)));
  asyncc::testing::TrickleWriter trickle(4);
  EXPECT_TRUE(asyncc::block_on(asyncc::shutdown(trickle)));
  EXPECT_TRUE(trickle.shut_down) << "a writer's own poll_shutdown is used";
}

// ---- read, write, read_exact, write_all over sockets ------------------------

TEST(Io, ReadExactAcrossPiecesAndUnexpectedEof) {
  auto pair = tcp_pair();
  std::thread peer([fd = std::move(pair.peer)]() mutable {
    for (const char* piece : {"01", "2345", "6789", "ab"}) {
      asyncc::testing::send_all(fd.get(), piece);
      std::this_thread::sleep_for(5ms);
    }
  });
  LocalExecutor executor;
  char ten[10];
  ASSERT_TRUE(executor.block_on(asyncc::read_exact(pair.stream, ten, sizeof ten)));
  EXPECT_EQ(std::string(ten, 10), "0123456789");
  char more[5] = {};
  Result<void> short_read = executor.block_on(asyncc::read_exact(pair.stream, more, sizeof more));
  peer.join();
  ASSERT_FALSE(short_read);
  EXPECT_EQ(short_read.error(), make_error_code(asyncc::io_errc::unexpected_eof));
  EXPECT_EQ(std::string(more, 2), "ab") << "the bytes before the end are in the buffer";
}

TEST(Io, ReadReturnsZeroAtTheEndAndWriteAfterResetIsAnError) {
  auto pair = tcp_pair();
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(asyncc::write_all(pair.stream, "x", 1)));
  ::shutdown(pair.peer.get(), SHUT_WR);
  char buffer[8];
  Result<std::size_t> n = executor.block_on(asyncc::read(pair.stream, buffer, sizeof buffer));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 0u);
  asyncc::testing::close_with_reset(pair.peer);
  std::this_thread::sleep_for(20ms);
  const std::string data(100000, 'z');
  Result<void> written = executor.block_on(asyncc::write_all(pair.stream, data.data(), data.size()));
  ASSERT_FALSE(written);
  EXPECT_TRUE(written.error() == std::errc::connection_reset || written.error() == std::errc::broken_pipe)
      << written.error().message();
}

// The peer reads slowly through a small window while the stream has a
// small send buffer: writes come back short and would block, many times.
TEST(Io, WriteAllThroughShortWritesAndEagain) {
  auto pair = tcp_pair(/*stream_sndbuf=*/4096, /*peer_rcvbuf=*/4096);
  const std::string data = asyncc::testing::pattern(1 << 20);
  std::string received;
  std::thread peer([&received, fd = pair.peer.get()] {
    char chunk[1500];
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;
      received.append(chunk, static_cast<std::size_t>(n));
      if (received.size() < 200000) std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
  });
  // Counts what the socket does under write_all.
  struct Counting {
    TcpStream* stream;
    int pendings = 0;
    int shorts = 0;
    Poll<Result<std::size_t>> poll_write(Context& cx, const void* data, std::size_t size) {
      Poll<Result<std::size_t>> n = stream->poll_write(cx, data, size);
      if (n.is_pending()) ++pendings;
      else if (n.value() && *n.value() < size) ++shorts;
      return n;
    }
  } counting{&pair.stream};
  LocalExecutor executor;
  Result<void> written = executor.block_on(asyncc::write_all(counting, data.data(), data.size()));
  ASSERT_TRUE(written) << written.error().message();
  ASSERT_TRUE(executor.block_on(asyncc::shutdown(pair.stream)));
  peer.join();
  EXPECT_GT(counting.pendings, 0) << "the socket never filled: the test did not reach EAGAIN";
  EXPECT_GT(counting.shorts, 0);
  EXPECT_EQ(received.size(), data.size());
  EXPECT_TRUE(received == data) << "bytes lost, repeated or reordered";
}

// ---- pipe -------------------------------------------------------------------

TEST(Pipe, BytesAndTheEndAfterShutdown) {
  auto ends = asyncc::pipe();
  ASSERT_TRUE(ends);
  auto& [reader, writer] = *ends;
  LocalExecutor executor;
  const std::string data = asyncc::testing::pattern(300000);  // several pipe buffers
  auto reading = executor.spawn(ReadToEnd<PipeReader>(reader, 1000));
  ASSERT_TRUE(executor.block_on(writer.write_all(data.data(), data.size())));
  ASSERT_TRUE(executor.block_on(writer.shutdown()));
  EXPECT_EQ(writer.native_handle(), -1);
  Result<std::string> got = executor.block_on(std::move(reading));
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got == data);
  Result<std::size_t> after = executor.block_on(writer.write("x", 1));
  ASSERT_FALSE(after);
  EXPECT_EQ(after.error(), std::errc::broken_pipe);
}

TEST(Pipe, WritingWithoutAReaderIsEpipeNotSigpipe) {
  auto ends = asyncc::pipe();
  ASSERT_TRUE(ends);
  PipeWriter writer = std::move(ends->second);
  { PipeReader dropped = std::move(ends->first); }
  Result<std::size_t> n = asyncc::block_on(writer.write("x", 1));  // SIGPIPE would end the test binary
  ASSERT_FALSE(n);
  EXPECT_EQ(n.error(), std::errc::broken_pipe);
  sigset_t pending;
  sigpending(&pending);
  EXPECT_FALSE(sigismember(&pending, SIGPIPE)) << "the signal raised was taken";
}

TEST(Pipe, ReaderWaitsForAWriterOnAnotherThread) {
  auto ends = asyncc::pipe();
  ASSERT_TRUE(ends);
  int write_fd = ends->second.native_handle();
  std::thread writer([write_fd] {
    std::this_thread::sleep_for(30ms);
    if (::write(write_fd, "late", 4) != 4) std::abort();
  });
  char buffer[8];
  auto n = asyncc::block_on(asyncc::timeout(asyncc::read(ends->first, buffer, sizeof buffer), 5s));
  writer.join();
  ASSERT_TRUE(n);
  ASSERT_TRUE(*n);
  EXPECT_EQ(std::string(buffer, **n), "late");
}

// ---- split ------------------------------------------------------------------

// Sends `count` numbered messages through the write half while the read half
// reads the echoes in another task (neither waits for the other), then
// shuts the write half down.
class Pinger {
 public:
  using Output = Result<void>;
  Pinger(asyncc::WriteHalf<TcpStream&> half, int count) : half_(std::move(half)), count_(count) {}
  Poll<Output> poll(Context& cx) {
    for (;;) {
      if (write_) {
        Poll<Result<void>> done = write_->poll(cx);
        if (done.is_pending()) return Poll<Output>::pending();
        write_.reset();
        if (!done.value()) return Poll<Output>::ready(done.value().error());
        ++sent_;
      }
      if (sent_ == count_) {
        if (!shutdown_) shutdown_.emplace(half_.shutdown());
        return shutdown_->poll(cx);
      }
      message_ = asyncc::testing::pattern(1000 + sent_);
      write_.emplace(half_.write_all(message_.data(), message_.size()));
    }
  }

 private:
  asyncc::WriteHalf<TcpStream&> half_;
  int count_;
  int sent_ = 0;
  std::string message_;
  std::optional<asyncc::io::WriteAll<asyncc::WriteHalf<TcpStream&>>> write_;
  std::optional<asyncc::io::Shutdown<asyncc::WriteHalf<TcpStream&>>> shutdown_;
};

std::thread echo_peer(int fd) {
  return std::thread([fd] {
    char chunk[4096];
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) break;
      if (!asyncc::testing::send_all(fd, std::string(chunk, static_cast<std::size_t>(n)))) break;
    }
    ::shutdown(fd, SHUT_WR);
  });
}

std::string expected_echo(int count) {
  std::string out;
  for (int i = 0; i < count; ++i) out += asyncc::testing::pattern(1000 + i);
  return out;
}

// Reads the echo, then shuts the write half down when all has come back.
struct ReadEcho {
  using Output = Result<std::string>;
  asyncc::ReadHalf<TcpStream&> half;
  std::size_t expected;
  std::string got;
  Poll<Output> poll(Context& cx) {
    char chunk[2048];
    while (got.size() < expected) {
      Poll<Result<std::size_t>> n = half.poll_read(cx, chunk, sizeof chunk);
      if (n.is_pending()) return Poll<Output>::pending();
      if (!n.value()) return Poll<Output>::ready(n.value().error());
      if (*n.value() == 0) break;
      got.append(chunk, *n.value());
    }
    return Poll<Output>::ready(std::move(got));
  }
};

TEST(Split, HalvesUsedConcurrentlyByTwoTasks) {
  auto pair = tcp_pair(/*stream_sndbuf=*/8192, /*peer_rcvbuf=*/8192);
  std::thread peer = echo_peer(pair.peer.get());
  constexpr int kCount = 300;  // ~ 345 KB each way: far beyond the buffers, so the tasks interleave
  const std::string expected = expected_echo(kCount);
  LocalExecutor executor;
  auto [reader, writer] = asyncc::split(pair.stream);
  EXPECT_TRUE(reader.is_pair_of(writer));
  auto pinging = executor.spawn(Pinger(std::move(writer), kCount));
  auto echoing = executor.spawn(ReadEcho{std::move(reader), expected.size(), {}});
  auto both = executor.block_on(asyncc::timeout(asyncc::join(std::move(pinging), std::move(echoing)), 20s));
  ASSERT_TRUE(both) << "the halves deadlocked: a writer that waits for a reader that waits for it";
  ASSERT_TRUE(std::get<0>(*both));
  ASSERT_TRUE(std::get<1>(*both));
  EXPECT_TRUE(*std::get<1>(*both) == expected);
  peer.join();
}

TEST(Split, HalvesOnTheMultiThreadedRuntime) {
  auto rt = asyncc::Runtime::builder().worker_threads(2).build();
  for (int round = 0; round < 5; ++round) {
    auto pair = tcp_pair(8192, 8192);
    std::thread peer = echo_peer(pair.peer.get());
    constexpr int kCount = 100;
    const std::string expected = expected_echo(kCount);
    auto [reader, writer] = asyncc::split(pair.stream);
      auto pinging = rt.spawn(Pinger(std::move(writer), kCount));
    auto echoing = rt.spawn(ReadEcho{std::move(reader), expected.size(), {}});
    auto both = rt.block_on(asyncc::timeout(asyncc::join(std::move(pinging), std::move(echoing)), 20s));
    ASSERT_TRUE(both);
    ASSERT_TRUE(std::get<0>(*both));
    ASSERT_TRUE(std::get<1>(*both));
    EXPECT_TRUE(*std::get<1>(*both) == expected);
    peer.join();
  }
}

bool peer_sees_end(int fd) {
  pollfd p{fd, POLLIN, 0};
  if (::poll(&p, 1, 100) <= 0) return false;
  char c;
  return ::recv(fd, &c, 1, MSG_DONTWAIT) == 0;
}

TEST(Split, OwnedHalvesCloseTheStreamWhenBothAreGone) {
  auto pair = tcp_pair();
  auto halves = asyncc::into_split(std::move(pair.stream));
  std::optional<asyncc::ReadHalf<TcpStream>> reader(std::move(halves.first));
  std::optional<asyncc::WriteHalf<TcpStream>> writer(std::move(halves.second));
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(writer->write_all("hi", 2)));
  char got[2];
  ASSERT_EQ(::recv(pair.peer.get(), got, 2, MSG_WAITALL), 2);
  writer.reset();
  EXPECT_FALSE(peer_sees_end(pair.peer.get())) << "the read half still holds the stream";
  ASSERT_TRUE(asyncc::testing::send_all(pair.peer.get(), "yo"));
  char buffer[2];
  ASSERT_TRUE(executor.block_on(asyncc::read_exact(*reader, buffer, 2)));
  EXPECT_EQ(std::string(buffer, 2), "yo");
  reader.reset();
  EXPECT_TRUE(peer_sees_end(pair.peer.get()));
}

TEST(Split, ReuniteGivesTheStreamBackOnlyToAPair) {
  auto first = tcp_pair();
  auto second = tcp_pair();
  auto [r1, w1] = asyncc::into_split(std::move(first.stream));
  auto [r2, w2] = asyncc::into_split(std::move(second.stream));
  EXPECT_FALSE(asyncc::reunite(std::move(r1), std::move(w2)));
  EXPECT_TRUE(r1.is_pair_of(w1)) << "a refused pair keeps its halves";
  std::optional<TcpStream> whole = asyncc::reunite(std::move(r1), std::move(w1));
  ASSERT_TRUE(whole);
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(whole->write_all("back", 4)));
  char got[4];
  ASSERT_EQ(::recv(first.peer.get(), got, 4, MSG_WAITALL), 4);
  EXPECT_EQ(std::string(got, 4), "back");
  EXPECT_TRUE(asyncc::reunite(std::move(r2), std::move(w2)));
}

// ---- copy -------------------------------------------------------------------

TEST(Copy, PipeToSocketCountsEveryByte) {
  auto ends = asyncc::pipe();
  ASSERT_TRUE(ends);
  auto pair = tcp_pair(4096, 4096);
  const std::string data = asyncc::testing::pattern(500000);
  std::string received;
  std::thread peer([&received, fd = pair.peer.get()] { received = asyncc::testing::recv_all(fd, 1000); });
  LocalExecutor executor;
  auto copying = executor.spawn(asyncc::copy(ends->first, pair.stream));
  ASSERT_TRUE(executor.block_on(ends->second.write_all(data.data(), data.size())));
  ASSERT_TRUE(executor.block_on(ends->second.shutdown()));
  Result<std::uint64_t> copied = executor.block_on(std::move(copying));
  ASSERT_TRUE(copied) << copied.error().message();
  EXPECT_EQ(*copied, data.size());
  ASSERT_TRUE(executor.block_on(asyncc::shutdown(pair.stream)));
  peer.join();
  EXPECT_TRUE(received == data);
}

TEST(Copy, FlushesABufferedWriterAtTheEnd) {
  asyncc::testing::ChunkReader source({"abc", "defgh", "ij"});
  asyncc::testing::TrickleWriter sink(2);
  Result<std::uint64_t> copied = asyncc::block_on(asyncc::copy(source, sink));
  ASSERT_TRUE(copied);
  EXPECT_EQ(*copied, 10u);
  EXPECT_EQ(sink.written, "abcdefghij");
  EXPECT_GE(sink.flushes, 1);
  EXPECT_FALSE(sink.shut_down) << "copy flushes; it does not shut the writer down";
}

TEST(Copy, AReadErrorIsReturned) {
  asyncc::testing::ChunkReader source({"abc"}, std::make_error_code(std::errc::connection_reset));
  asyncc::testing::TrickleWriter sink(100);
  Result<std::uint64_t> copied = asyncc::block_on(asyncc::copy(source, sink));
  ASSERT_FALSE(copied);
  EXPECT_EQ(copied.error(), std::errc::connection_reset);
  EXPECT_EQ(sink.written, "abc");
}

// client <-> [a  proxy  b] <-> server. The client sends a request and
// half-closes; the server answers only once it has read the end of the
// request, then closes. So the proxy must pass the half-close on and keep
// the other direction open.
void proxy_with_half_close(bool multi_threaded) {
  auto client_side = tcp_pair(8192, 8192);
  auto server_side = tcp_pair(8192, 8192);
  const std::string request = asyncc::testing::pattern(200000);
  const std::string response = asyncc::testing::pattern(300007);
  std::string server_got, client_got;
  std::thread server([&, fd = server_side.peer.get()] {
    server_got = asyncc::testing::recv_all(fd, 1000);  // to the end: needs the half-close
    asyncc::testing::send_all(fd, response);
    ::shutdown(fd, SHUT_WR);
  });
  std::thread client([&, fd = client_side.peer.get()] {
    asyncc::testing::send_all(fd, request);
    ::shutdown(fd, SHUT_WR);
    client_got = asyncc::testing::recv_all(fd, 1000);
  });
  using Output = Result<std::pair<std::uint64_t, std::uint64_t>>;
  auto proxy = asyncc::timeout(asyncc::copy_bidirectional(client_side.stream, server_side.stream), 20s);
  std::optional<decltype(proxy)::Output> moved;
  if (multi_threaded) {
    auto rt = asyncc::Runtime::builder().worker_threads(2).build();
    moved = rt.block_on(rt.spawn(std::move(proxy)));
  } else {
    moved = LocalExecutor().block_on(std::move(proxy));
  }
  if (!*moved) {  // unblock the threads
    ::shutdown(client_side.peer.get(), SHUT_RDWR);
    ::shutdown(server_side.peer.get(), SHUT_RDWR);
  }
  server.join();
  client.join();
  ASSERT_TRUE(*moved) << "the proxy never finished: a half-close was not passed on";
  Output& counts = **moved;
  ASSERT_TRUE(counts) << counts.error().message();
  EXPECT_EQ(counts->first, request.size());
  EXPECT_EQ(counts->second, response.size());
  EXPECT_TRUE(server_got == request);
  EXPECT_TRUE(client_got == response);
}

TEST(CopyBidirectional, ProxyWithHalfClose) { proxy_with_half_close(false); }
TEST(CopyBidirectional, ProxyWithHalfCloseOnTheMultiThreadedRuntime) { proxy_with_half_close(true); }

TEST(CopyBidirectional, AResetEndsTheProxyWithTheError) {
  auto client_side = tcp_pair();
  auto server_side = tcp_pair();
  ASSERT_TRUE(asyncc::testing::send_all(client_side.peer.get(), "request"));
  // The server resets once the request has come through the proxy.
  std::thread server([&peer = server_side.peer] {
    char got[7];
    if (::recv(peer.get(), got, 7, MSG_WAITALL) != 7) std::abort();
    asyncc::testing::close_with_reset(peer);
  });
  LocalExecutor executor;
  auto result =
      executor.block_on(asyncc::timeout(asyncc::copy_bidirectional(client_side.stream, server_side.stream), 5s));
  server.join();
  ASSERT_TRUE(result) << "a reset left the proxy waiting";
  ASSERT_FALSE(*result);
  EXPECT_EQ(result->error(), std::errc::connection_reset);
}

}  // namespace
