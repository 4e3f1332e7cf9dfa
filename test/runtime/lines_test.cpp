// Lines of text from a descriptor: a pipe through the reactor, a regular
// file read directly.
#include <asyncc/executor.hpp>
#include <asyncc/lines.hpp>

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Context;
using asyncc::Poll;

// Every line until the end of the input.
class CollectLines {
 public:
  using Output = std::vector<std::string>;
  explicit CollectLines(asyncc::Lines& lines) : lines_(&lines) {}
  Poll<Output> poll(Context& cx) {
    for (;;) {
      auto line = lines_->poll_next(cx);
      if (line.is_pending()) return Poll<Output>::pending();
      if (!line.value()) return Poll<Output>::ready(std::move(collected_));
      collected_.push_back(std::move(*line.value()));
    }
  }

 private:
  asyncc::Lines* lines_;
  std::vector<std::string> collected_;
};

TEST(Lines, FromAPipeWrittenInPieces) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  const int flags_before = ::fcntl(fds[0], F_GETFL);
  std::vector<std::string> got;
  {
    asyncc::Lines lines = asyncc::lines(fds[0]);
    EXPECT_TRUE(::fcntl(fds[0], F_GETFL) & O_NONBLOCK);
    std::thread writer([fd = fds[1]] {
      for (const char* piece : {"first li", "ne\nsecond line\n", "\n", "thi", "rd\nno newline at the end"}) {
        std::this_thread::sleep_for(5ms);
        if (::write(fd, piece, std::strlen(piece)) < 0) std::abort();
      }
      ::close(fd);
    });
    got = asyncc::block_on(CollectLines(lines));
    writer.join();
  }
  EXPECT_EQ(got, (std::vector<std::string>{"first line", "second line", "", "third", "no newline at the end"}));
  EXPECT_EQ(::fcntl(fds[0], F_GETFL), flags_before) << "the descriptor's mode is restored";
  ::close(fds[0]);
}

TEST(Lines, FromARegularFile) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  std::string text;
  for (int i = 0; i < 2000; ++i) text += "line " + std::to_string(i) + "\n";
  ASSERT_EQ(std::fwrite(text.data(), 1, text.size(), file), text.size());
  std::fflush(file);
  std::rewind(file);
  asyncc::Lines lines(::fileno(file));
  std::vector<std::string> got = asyncc::block_on(CollectLines(lines));
  ASSERT_EQ(got.size(), 2000u);
  EXPECT_EQ(got.front(), "line 0");
  EXPECT_EQ(got.back(), "line 1999");
  EXPECT_FALSE(lines.error());
  std::fclose(file);
}

TEST(Lines, NextFutureEndsWithNullopt) {
  int fds[2];
  ASSERT_EQ(::pipe2(fds, O_CLOEXEC), 0);
  ASSERT_EQ(::write(fds[1], "only\n", 5), 5);
  ::close(fds[1]);
  asyncc::Lines lines(fds[0]);
  EXPECT_EQ(asyncc::block_on(lines.next()), std::optional<std::string>("only"));
  EXPECT_EQ(asyncc::block_on(lines.next()), std::nullopt);
  ::close(fds[0]);
}

}  // namespace
