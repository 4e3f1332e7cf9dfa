// BufReader (read_line, read_until, lines, fill_buf) and BufWriter, over
// real sockets with peers on their own threads, and over in-memory streams
// that force every pending and short path.
#include <asyncc/async.hpp>
#include <asyncc/buf_reader.hpp>
#include <asyncc/buf_writer.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/join.hpp>
#include <asyncc/lines.hpp>
#include <asyncc/net.hpp>
#include <asyncc/pipe.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/time.hpp>

#include "io_test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::BufReader;
using asyncc::BufWriter;
using asyncc::LocalExecutor;
using asyncc::Result;
using asyncc::TcpStream;
using asyncc::testing::ChunkReader;
using asyncc::testing::collect_lines;
using asyncc::testing::TrickleWriter;
using asyncc::testing::tcp_pair;

// Writes `pieces` one by one, pausing between them so that each arrives in
// its own read, then closes.
std::thread send_in_pieces(asyncc::FileDescriptor peer, std::vector<std::string> pieces) {
  return std::thread([peer = std::move(peer), pieces = std::move(pieces)]() mutable {
    for (const std::string& piece : pieces) {
      asyncc::testing::send_all(peer.get(), piece);
      std::this_thread::sleep_for(5ms);
    }
    peer.reset();
  });
}

// ---- BufReader::read_line ---------------------------------------------------

TEST(BufReader, ReadLineKeepsTheNewlineAcrossSplitReadsAndCountsBytes) {
  auto pair = tcp_pair();
  std::thread peer = send_in_pieces(std::move(pair.peer), {"hel", "lo\r", "\nwor", "ld\n", "\n", "tail"});
  LocalExecutor executor;
  BufReader reader(pair.stream);
  std::vector<std::string> lines;
  std::vector<std::size_t> counts;
  for (;;) {
    std::string line;
    Result<std::size_t> n = executor.block_on(reader.read_line(line));
    ASSERT_TRUE(n) << n.error().message();
    counts.push_back(*n);
    if (*n == 0) break;
    lines.push_back(line);
  }
  peer.join();
  EXPECT_EQ(lines, (std::vector<std::string>{"hello\r\n", "world\n", "\n", "tail"}));
  EXPECT_EQ(counts, (std::vector<std::size_t>{7, 6, 1, 4, 0}));
}

TEST(BufReader, ReadLineAppendsToWhatTheStringHolds) {
  ChunkReader source({"b\nc"});
  BufReader reader(source);
  std::string line = "a";
  Result<std::size_t> n = asyncc::block_on(reader.read_line(line));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, 2u) << "the count is of the bytes appended, not the string's length";
  EXPECT_EQ(line, "ab\n");
}

TEST(BufReader, ReadUntilARecordLongerThanTheBuffer) {
  const std::string record = asyncc::testing::pattern(10000);
  ChunkReader source({record.substr(0, 3000), record.substr(3000) + ";next;"});
  BufReader reader(source, 64);
  EXPECT_EQ(reader.capacity(), 64u);
  std::string got;
  Result<std::size_t> n = asyncc::block_on(reader.read_until(';', got));
  ASSERT_TRUE(n);
  EXPECT_EQ(*n, record.size() + 1);
  EXPECT_EQ(got, record + ";");
  got.clear();
  ASSERT_TRUE(asyncc::block_on(reader.read_until(';', got)));
  EXPECT_EQ(got, "next;");
  got.clear();
  Result<std::size_t> end = asyncc::block_on(reader.read_until(';', got));
  ASSERT_TRUE(end);
  EXPECT_EQ(*end, 0u);
}

TEST(BufReader, FillBufAndConsume) {
  ChunkReader source({"abcdef", "gh"});
  BufReader reader(source);
  Result<std::string_view> first = asyncc::block_on(reader.fill_buf());
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "abcdef");
  reader.consume(4);
  Result<std::string_view> rest = asyncc::block_on(reader.fill_buf());
  ASSERT_TRUE(rest);
  EXPECT_EQ(*rest, "ef") << "fill_buf reads nothing while bytes remain";
  reader.consume(100);  // more than there is: clamped
  Result<std::string_view> next = asyncc::block_on(reader.fill_buf());
  ASSERT_TRUE(next);
  EXPECT_EQ(*next, "gh");
  reader.consume(2);
  Result<std::string_view> end = asyncc::block_on(reader.fill_buf());
  ASSERT_TRUE(end);
  EXPECT_TRUE(end->empty());
}

TEST(BufReader, ReadServesBufferedBytesBeforeTheStream) {
  ChunkReader source({"line\nrest of it", "more"});
  BufReader reader(source);
  std::string line;
  ASSERT_TRUE(asyncc::block_on(reader.read_line(line)));
  char buffer[64];
  Result<std::size_t> n = asyncc::block_on(asyncc::read(reader, buffer, sizeof buffer));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buffer, *n), "rest of it");
  n = asyncc::block_on(asyncc::read(reader, buffer, sizeof buffer));
  ASSERT_TRUE(n);
  EXPECT_EQ(std::string(buffer, *n), "more");
}

TEST(BufReader, ReadLineOnAResetMidLineReportsTheErrorAndKeepsTheBytes) {
  auto pair = tcp_pair();
  ASSERT_TRUE(asyncc::testing::send_all(pair.peer.get(), "whole line\npart of a li"));
  std::this_thread::sleep_for(20ms);
  asyncc::testing::close_with_reset(pair.peer);
  LocalExecutor executor;
  BufReader reader(pair.stream);
  std::string line;
  Result<std::size_t> first = executor.block_on(reader.read_line(line));
  ASSERT_TRUE(first);
  EXPECT_EQ(line, "whole line\n");
  line.clear();
  Result<std::size_t> second = executor.block_on(reader.read_line(line));
  ASSERT_FALSE(second) << "a reset is an error, not the end of a last line";
  EXPECT_EQ(second.error(), std::error_code(ECONNRESET, std::system_category()));
  EXPECT_EQ(line, "part of a li");
}

// ---- lines ------------------------------------------------------------------

TEST(Lines, OfATcpStreamSplitAcrossReadsWithCrLfAndALastLineWithoutNewline) {
  auto pair = tcp_pair();
  std::thread peer =
      send_in_pieces(std::move(pair.peer), {"GET / HTTP/1.1\r", "\nHost: x\r\n\r\n", "body li", "ne\nno newline"});
  LocalExecutor executor;
  auto lines = asyncc::lines(pair.stream);
  auto [got, error] = executor.block_on(collect_lines(lines));
  peer.join();
  EXPECT_EQ(got, (std::vector<std::string>{"GET / HTTP/1.1", "Host: x", "", "body line", "no newline"}));
  EXPECT_FALSE(error);
  EXPECT_FALSE(executor.block_on(lines.next())) << "nullopt again after the end";
}

TEST(Lines, ALineLongerThanTheBuffer) {
  const std::string longline = asyncc::testing::pattern(100000);
  auto pair = tcp_pair();
  std::thread peer = send_in_pieces(std::move(pair.peer), {"short\n", longline + "\n", "after\n"});
  LocalExecutor executor;
  auto lines = BufReader(pair.stream, 100).lines();
  auto [got, error] = executor.block_on(collect_lines(lines));
  peer.join();
  ASSERT_EQ(got.size(), 3u);
  EXPECT_EQ(got[0], "short");
  EXPECT_EQ(got[1], longline);
  EXPECT_EQ(got[2], "after");
  EXPECT_FALSE(error);
}

TEST(Lines, APeerThatResetsMidLineEndsTheLinesWithTheErrorAndNoPartialLine) {
  auto pair = tcp_pair();
  ASSERT_TRUE(asyncc::testing::send_all(pair.peer.get(), "one\ntwo\nthree is cut sh"));
  std::this_thread::sleep_for(20ms);
  asyncc::testing::close_with_reset(pair.peer);
  LocalExecutor executor;
  auto lines = asyncc::lines(pair.stream);
  auto [got, error] = executor.block_on(collect_lines(lines));
  EXPECT_EQ(got, (std::vector<std::string>{"one", "two"}));
  EXPECT_EQ(error, std::error_code(ECONNRESET, std::system_category()));
}

TEST(Lines, OwnedReaderGivesItsBufferBack) {
  ChunkReader source({"a\nb\nrest"});
  auto lines = BufReader(source).lines();
  std::optional<std::string> first = asyncc::block_on(lines.next());
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "a");
  BufReader<ChunkReader&> reader = std::move(lines).into_inner();
  EXPECT_EQ(reader.buffer(), "b\nrest") << "bytes read ahead stay with the reader";
}

// The socket of a TcpStream read with asyncc::lines(fd) while the stream
// writes: each keeps its own registration with the reactor.
TEST(Lines, FdLinesOverARegisteredStreamLeaveTheStreamWorking) {
  auto pair = tcp_pair();
  LocalExecutor executor;
  // The stream registers first, with a write.
  ASSERT_TRUE(executor.block_on(pair.stream.write_all("hello\n", 6)));
  char greeting[6];
  ASSERT_EQ(::recv(pair.peer.get(), greeting, 6, MSG_WAITALL), 6);
  ASSERT_TRUE(asyncc::testing::send_all(pair.peer.get(), "one\ntwo\n"));
  {
    asyncc::Lines lines = asyncc::lines(pair.stream.native_handle());
    std::optional<std::string> one = executor.block_on(asyncc::timeout(lines.next(), 5s)).value_or(std::nullopt);
    ASSERT_TRUE(one) << lines.error().message();
    EXPECT_EQ(*one, "one");
    // And the stream writes while the lines are read.
    Result<void> written = executor.block_on(pair.stream.write_all("reply\n", 6));
    ASSERT_TRUE(written) << written.error().message();
    std::optional<std::string> two = executor.block_on(asyncc::timeout(lines.next(), 5s)).value_or(std::nullopt);
    ASSERT_TRUE(two) << lines.error().message();
    EXPECT_EQ(*two, "two");
  }
  char reply[6];
  ASSERT_EQ(::recv(pair.peer.get(), reply, 6, MSG_WAITALL), 6);
  EXPECT_EQ(std::string(reply, 6), "reply\n");
  // Dropping the lines left the stream registered: it still wakes on data.
  std::thread late([fd = pair.peer.get()] {
    std::this_thread::sleep_for(30ms);
    asyncc::testing::send_all(fd, "late");
  });
  char buffer[16];
  auto read = executor.block_on(asyncc::timeout(pair.stream.read(buffer, sizeof buffer), 5s));
  late.join();
  ASSERT_TRUE(read) << "the stream was never woken: its registration was lost";
  ASSERT_TRUE(*read) << read->error().message();
  EXPECT_EQ(std::string(buffer, **read), "late");
}

// The other order: the lines register first, then the stream writes.
TEST(Lines, FdLinesRegisteredFirstDoNotBreakTheStreamsWrites) {
  auto pair = tcp_pair();
  ASSERT_TRUE(asyncc::testing::send_all(pair.peer.get(), "first\n"));
  LocalExecutor executor;
  asyncc::Lines lines = asyncc::lines(pair.stream.native_handle());
  std::optional<std::string> first = executor.block_on(lines.next());
  ASSERT_TRUE(first);
  EXPECT_EQ(*first, "first");
  Result<void> written = executor.block_on(pair.stream.write_all("ok\n", 3));
  ASSERT_TRUE(written) << written.error().message();
  char reply[3];
  ASSERT_EQ(::recv(pair.peer.get(), reply, 3, MSG_WAITALL), 3);
  EXPECT_EQ(std::string(reply, 3), "ok\n");
}

TEST(Lines, OfAStreamWhileItsTaskWritesReplies) {
  // One task answers each line on the same stream the lines come from.
  auto pair = tcp_pair();
  LocalExecutor executor;
  std::thread peer([fd = pair.peer.get()] {
    for (int i = 0; i < 3; ++i) {
      asyncc::testing::send_all(fd, "q" + std::to_string(i) + "\n");
      char answer[3];
      if (::recv(fd, answer, 3, MSG_WAITALL) != 3 || answer[0] != 'a' || answer[1] != '0' + i) std::abort();
    }
    ::shutdown(fd, SHUT_WR);
  });
  auto lines = asyncc::lines(pair.stream);
  int answered = 0;
  while (std::optional<std::string> line = executor.block_on(lines.next())) {
    std::string answer = "a" + line->substr(1) + "\n";
    ASSERT_TRUE(executor.block_on(asyncc::write_all(pair.stream, answer.data(), answer.size())));
    ++answered;
  }
  peer.join();
  EXPECT_EQ(answered, 3);
  EXPECT_FALSE(lines.error());
}

TEST(Lines, OnTheMultiThreadedRuntime) {
  auto rt = asyncc::Runtime::builder().worker_threads(2).build();
  auto pair = tcp_pair();
  std::thread peer = send_in_pieces(std::move(pair.peer), {"x", "1\ny", "2\r\n", "z3"});
  using Collected = std::pair<std::vector<std::string>, std::error_code>;
  // The task owns the stream and the lines that borrow it.
  auto handle = rt.spawn(asyncc::testing::with(std::move(pair.stream), [](TcpStream& stream) {
    return collect_lines(asyncc::lines(stream));
  }));
  Collected got = rt.block_on(std::move(handle));
  peer.join();
  EXPECT_EQ(got.first, (std::vector<std::string>{"x1", "y2", "z3"}));
  EXPECT_FALSE(got.second);
}

// ---- BufWriter --------------------------------------------------------------

TEST(BufWriter, SmallWritesWaitInTheBufferUntilFlush) {
  TrickleWriter inner(3);
  BufWriter writer(inner, 16);
  for (const char* piece : {"abc", "def", "ghi"}) ASSERT_TRUE(asyncc::block_on(writer.write_all(piece, 3)));
  EXPECT_EQ(inner.calls, 0) << "nothing reaches the stream before the buffer fills";
  EXPECT_EQ(writer.buffer(), "abcdefghi");
  ASSERT_TRUE(asyncc::block_on(writer.flush()));
  EXPECT_EQ(inner.written, "abcdefghi");
  EXPECT_GT(inner.pendings, 0);
  EXPECT_EQ(inner.flushes, 1) << "flush reaches the stream's own flush";
  EXPECT_TRUE(writer.buffer().empty());
}

TEST(BufWriter, AFullBufferIsWrittenOutAcrossShortAndPendingWrites) {
  TrickleWriter inner(5);
  BufWriter writer(inner, 8);
  std::string expected;
  for (int i = 0; i < 50; ++i) {
    std::string piece = std::to_string(i) + ",";
    expected += piece;
    ASSERT_TRUE(asyncc::block_on(asyncc::write_all(writer, piece.data(), piece.size())));
  }
  const std::string big = asyncc::testing::pattern(100);  // larger than the buffer: straight through
  expected += big;
  ASSERT_TRUE(asyncc::block_on(writer.write_all(big.data(), big.size())));
  ASSERT_TRUE(asyncc::block_on(writer.shutdown()));
  EXPECT_EQ(inner.written, expected) << "bytes lost, repeated or reordered";
  EXPECT_TRUE(inner.shut_down);
}

TEST(BufWriter, DropDoesNotFlush) {
  TrickleWriter inner(100);
  {
    BufWriter writer(inner);
    ASSERT_TRUE(asyncc::block_on(writer.write_all("lost", 4)));
  }
  EXPECT_EQ(inner.written, "");
  EXPECT_EQ(inner.calls, 0);
}

// Small socket buffers and a peer that reads slowly: flushing the
// BufWriter meets short writes and EAGAIN.
TEST(BufWriter, ShutdownFlushesThroughAFullSocketThenThePeerReadsTheEnd) {
  auto pair = tcp_pair(/*stream_sndbuf=*/4096, /*peer_rcvbuf=*/4096);
  std::string got;
  std::thread peer([&got, fd = pair.peer.get()] {
    char chunk[512];
    for (;;) {
      ssize_t n = ::recv(fd, chunk, sizeof chunk, 0);
      if (n <= 0) return;  // 0: the end, which the shutdown sent
      got.append(chunk, static_cast<std::size_t>(n));
      std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
  });
  LocalExecutor executor;
  BufWriter writer(pair.stream);
  std::string expected;
  for (int i = 0; i < 20000; ++i) {
    std::string line = "line " + std::to_string(i) + "\n";
    expected += line;
    ASSERT_TRUE(executor.block_on(writer.write_all(line.data(), line.size())));
  }
  ASSERT_TRUE(executor.block_on(writer.shutdown()));
  peer.join();
  EXPECT_EQ(got.size(), expected.size());
  EXPECT_TRUE(got == expected) << "bytes lost, repeated or reordered";
}

// Writes `count` numbered lines through a BufWriter, then shuts it down.
template <class W>
class WriteNumberedLines {
 public:
  using Output = Result<void>;
  WriteNumberedLines(W& writer, int count) : writer_(&writer), count_(count) {}
  asyncc::Poll<Output> poll(asyncc::Context& cx) {
    for (;;) {
      if (write_) {
        asyncc::Poll<Result<void>> done = write_->poll(cx);
        if (done.is_pending()) return asyncc::Poll<Output>::pending();
        write_.reset();
        if (!done.value()) return asyncc::Poll<Output>::ready(done.value().error());
        ++written_;
      }
      if (written_ == count_) {
        if (!shutdown_) shutdown_.emplace(asyncc::shutdown(*writer_));
        return shutdown_->poll(cx);
      }
      line_ = "line " + std::to_string(written_) + (written_ % 2 ? "\r\n" : "\n");
      write_.emplace(asyncc::write_all(*writer_, line_.data(), line_.size()));
    }
  }

 private:
  W* writer_;
  int count_;
  int written_ = 0;
  std::string line_;
  std::optional<asyncc::io::WriteAll<W>> write_;
  std::optional<asyncc::io::Shutdown<W>> shutdown_;
};

// A pipe between two tasks of the multi-threaded Runtime: a BufWriter on
// one end, lines on the other; each task owns its end.
TEST(BufIo, PipeBetweenTasksOfTheMultiThreadedRuntime) {
  auto ends = asyncc::pipe();
  ASSERT_TRUE(ends);
  auto rt = asyncc::Runtime::builder().worker_threads(2).build();
  constexpr int kLines = 20000;  // ~ 200 KB: the pipe fills, so both tasks wait for each other
  auto writing = rt.spawn(asyncc::testing::with(BufWriter<asyncc::PipeWriter>(std::move(ends->second), 1000),
                                                [](BufWriter<asyncc::PipeWriter>& writer) {
                                                  return WriteNumberedLines<BufWriter<asyncc::PipeWriter>>(writer, kLines);
                                                }));
  auto reading = rt.spawn(collect_lines(BufReader<asyncc::PipeReader>(std::move(ends->first), 700).lines()));
  auto [written, read] = rt.block_on(asyncc::join(std::move(writing), std::move(reading)));
  ASSERT_TRUE(written) << written.error().message();
  auto& [lines, error] = read;
  EXPECT_FALSE(error);
  ASSERT_EQ(lines.size(), static_cast<std::size_t>(kLines));
  for (int i = 0; i < kLines; ++i) ASSERT_EQ(lines[i], "line " + std::to_string(i)) << "line " << i;
}

#if defined(__cpp_impl_coroutine)

// ---- as users write it: ASYNC functions (C++20 coroutines) -----------------

using asyncc::Async;

// Answers each line with its length, buffering the answers and flushing
// whenever no more input is buffered; returns the lines answered.
ASYNC Async<Result<int>> answer_lengths(TcpStream& stream) {
  BufReader reader(stream, 64);
  BufWriter writer(stream, 64);
  int answered = 0;
  for (;;) {
    std::string line;
    Result<std::size_t> n = co_await reader.read_line(line);
    if (!n) co_return n.error();
    if (*n == 0) break;
    std::string answer = std::to_string(line.size()) + "\n";
    if (Result<void> w = co_await writer.write_all(answer.data(), answer.size()); !w) co_return w.error();
    ++answered;
    if (reader.buffer().empty())
      if (Result<void> f = co_await writer.flush(); !f) co_return f.error();
  }
  if (Result<void> s = co_await writer.shutdown(); !s) co_return s.error();
  co_return answered;
}

TEST(BufIo, AnAsyncFunctionReadsLinesAndAnswersThroughABufWriterOnTheSameStream) {
  auto pair = tcp_pair();
  std::string answers;
  std::thread peer([&answers, fd = pair.peer.get()] {
    asyncc::testing::send_all(fd, "a\nbb\nccc\n");
    char first[6];
    if (::recv(fd, first, 6, MSG_WAITALL) != 6) std::abort();  // answered before the rest is sent
    answers.assign(first, 6);
    asyncc::testing::send_all(fd, std::string(200, 'x') + "\n\n");
    ::shutdown(fd, SHUT_WR);
    answers += asyncc::testing::recv_all(fd);
  });
  LocalExecutor executor;
  auto answered = executor.block_on(asyncc::timeout(answer_lengths(pair.stream), 10s));
  peer.join();
  ASSERT_TRUE(answered) << "an answer stayed in the buffer";
  ASSERT_TRUE(*answered) << answered->error().message();
  EXPECT_EQ(**answered, 5);
  EXPECT_EQ(answers, "2\n3\n4\n201\n1\n");
}

#endif  // __cpp_impl_coroutine

}  // namespace
