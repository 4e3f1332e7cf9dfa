// The reactor's file-descriptor readiness: edge-triggered registrations,
// re-arming after a would-block result, and removal on drop.
#include <asyncc/async_fd.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/reactor.hpp>
#include <asyncc/time.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <string>
#include <thread>

namespace {

using namespace std::chrono_literals;
using asyncc::AsyncFd;
using asyncc::Context;
using asyncc::FileDescriptor;
using asyncc::Interest;
using asyncc::Poll;
using asyncc::Reactor;
using asyncc::Registration;
using asyncc::Result;
using asyncc::testing::CountingWaker;

struct Pipe {
  FileDescriptor read_end;
  FileDescriptor write_end;
  Pipe() {
    int fds[2];
    if (::pipe2(fds, O_NONBLOCK | O_CLOEXEC) != 0) std::abort();
    read_end.reset(fds[0]);
    write_end.reset(fds[1]);
  }
  void send(const std::string& text) const {
    ASSERT_EQ(::write(write_end.get(), text.data(), text.size()), static_cast<ssize_t>(text.size()));
  }
};

Result<std::size_t> read_some(int fd, char* buffer, std::size_t size) {
  ssize_t n = ::read(fd, buffer, size);
  if (n < 0) return asyncc::last_os_error();
  return static_cast<std::size_t>(n);
}

// Reads what the pipe holds once it is readable.
Poll<Result<std::size_t>> poll_read(AsyncFd& io, Context& cx, char* buffer, std::size_t size) {
  const int fd = io.fd();
  return io.poll_io(Interest::readable, cx, [=] { return read_some(fd, buffer, size); });
}

// Parks until `condition` holds, bounded by a timer so that a missing
// wake-up fails the test instead of hanging it.
template <class Condition>
bool park_until(Condition condition, std::chrono::milliseconds limit = 2000ms) {
  asyncc::Sleep guard = asyncc::sleep(limit);
  Context cx(asyncc::noop_waker());
  if (guard.poll(cx).is_ready()) return condition();
  while (!condition()) {
    if (guard.poll(cx).is_ready()) return condition();
    Reactor::current().park();
  }
  return true;
}

TEST(ReactorIo, ReadinessWakesTheTaskWaitingForThatDescriptor) {
  Pipe a, b;
  AsyncFd io_a(std::move(a.read_end)), io_b(std::move(b.read_end));
  CountingWaker waker_a, waker_b;
  asyncc::Waker wa = waker_a.waker(), wb = waker_b.waker();
  Context cx_a(wa), cx_b(wb);
  char buffer[16];
  EXPECT_TRUE(poll_read(io_a, cx_a, buffer, sizeof buffer).is_pending());
  EXPECT_TRUE(poll_read(io_b, cx_b, buffer, sizeof buffer).is_pending());

  b.send("hello");
  ASSERT_TRUE(park_until([&] { return waker_b.wakes() > 0; }));
  EXPECT_EQ(waker_a.wakes(), 0);
  auto got = poll_read(io_b, cx_b, buffer, sizeof buffer);
  ASSERT_TRUE(got.is_ready());
  ASSERT_TRUE(got.value());
  EXPECT_EQ(std::string(buffer, *got.value()), "hello");
  EXPECT_TRUE(poll_read(io_a, cx_a, buffer, sizeof buffer).is_pending());
}

TEST(ReactorIo, ReArmsAfterWouldBlock) {
  Pipe pipe;
  AsyncFd io(std::move(pipe.read_end));
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  char buffer[4];
  for (int round = 1; round <= 5; ++round) {
    EXPECT_TRUE(poll_read(io, cx, buffer, sizeof buffer).is_pending());
    pipe.send("0123456789");  // more than one read's worth
    ASSERT_TRUE(park_until([&] { return counting.wakes() == round; })) << "round " << round;
    // Edge-triggered: readiness stays set until a read would block, so
    // every byte is read without another event.
    std::string got;
    for (;;) {
      auto r = poll_read(io, cx, buffer, sizeof buffer);
      if (r.is_pending()) break;
      ASSERT_TRUE(r.value());
      got.append(buffer, *r.value());
    }
    EXPECT_EQ(got, "0123456789");
  }
}

TEST(ReactorIo, DroppedRegistrationIsNotWokenAndLeavesEpoll) {
  Pipe pipe;
  const std::size_t before = Reactor::current().io_count();
  CountingWaker counting;
  {
    asyncc::Waker w = counting.waker();
    Context cx(w);
    Registration registration;
    ASSERT_FALSE(registration.register_fd(pipe.read_end.get()));
    EXPECT_EQ(Reactor::current().io_count(), before + 1);
    registration.clear_ready(Interest::readable);
    EXPECT_TRUE(registration.poll_ready(Interest::readable, cx).is_pending());
  }
  EXPECT_EQ(Reactor::current().io_count(), before);
  EXPECT_EQ(counting.live(), 0) << "the stored waker was dropped";
  pipe.send("late");
  asyncc::block_on(asyncc::sleep(20ms));
  EXPECT_EQ(counting.wakes() + counting.wakes_by_ref(), 0);
}

TEST(ReactorIo, WakeUpFromAnotherThreadWhileParked) {
  Pipe pipe;
  AsyncFd io(std::move(pipe.read_end));
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  char buffer[8];
  EXPECT_TRUE(poll_read(io, cx, buffer, sizeof buffer).is_pending());
  std::thread writer([&] {
    std::this_thread::sleep_for(20ms);
    pipe.send("x");
  });
  EXPECT_TRUE(park_until([&] { return counting.wakes() == 1; }));
  writer.join();
  EXPECT_TRUE(poll_read(io, cx, buffer, sizeof buffer).is_ready());
}

TEST(ReactorIo, RegularFilesAreAlwaysReady) {
  std::FILE* file = std::tmpfile();
  ASSERT_NE(file, nullptr);
  ASSERT_GE(std::fputs("content", file), 0);
  std::fflush(file);
  AsyncFd io(FileDescriptor(::dup(::fileno(file))));
  std::fclose(file);
  ::lseek(io.fd(), 0, SEEK_SET);
  const std::size_t before = Reactor::current().io_count();
  Context cx(asyncc::noop_waker());
  char buffer[16];
  auto r = poll_read(io, cx, buffer, sizeof buffer);
  ASSERT_TRUE(r.is_ready());
  ASSERT_TRUE(r.value());
  EXPECT_EQ(std::string(buffer, *r.value()), "content");
  EXPECT_EQ(Reactor::current().io_count(), before) << "epoll refuses regular files";
}

TEST(ReactorIo, ErrorsAreValues) {
  AsyncFd io(FileDescriptor(::open("/dev/null", O_RDONLY | O_CLOEXEC)));
  Context cx(asyncc::noop_waker());
  // Writing to a read-only descriptor fails; the failure comes back as a value.
  const int fd = io.fd();
  auto r = io.poll_io(Interest::writable, cx, [fd]() -> Result<std::size_t> {
    if (::write(fd, "x", 1) < 0) return asyncc::last_os_error();
    return std::size_t{1};
  });
  ASSERT_TRUE(r.is_ready());
  EXPECT_EQ(r.value().error(), std::errc::bad_file_descriptor);
}

}  // namespace
