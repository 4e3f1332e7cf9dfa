// UnixListener and UnixStream on the reactor.
#include <asyncc/asyncc.hpp>
#include <asyncc/unix.hpp>

#include "socket_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::LocalExecutor;
using asyncc::Result;
using asyncc::UnixListener;
using asyncc::UnixStream;
using asyncc::testing::EchoToEnd;
using asyncc::testing::SendAndReadToEnd;

// A fresh directory for socket files, removed with what is left in it.
class TempDir {
 public:
  TempDir() {
    char name[] = "/tmp/asyncc-unix-XXXXXX";
    if (!::mkdtemp(name)) std::abort();
    path_ = name;
  }
  ~TempDir() { std::system(("rm -rf " + path_).c_str()); }
  std::string file(const char* name) const { return path_ + "/" + name; }

 private:
  std::string path_;
};

bool exists(const std::string& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0;
}

bool is_socket(const std::string& path) {
  struct stat status {};
  return ::lstat(path.c_str(), &status) == 0 && S_ISSOCK(status.st_mode);
}

TEST(Unix, EchoOverASocketFile) {
  TempDir dir;
  const std::string path = dir.file("echo.sock");
  Result<UnixListener> listener = UnixListener::bind(path);
  ASSERT_TRUE(listener) << listener.error().message();
  EXPECT_EQ(*listener->local_path(), path);
  LocalExecutor executor;
  auto accept = executor.spawn(listener->accept());
  Result<UnixStream> client = executor.block_on(UnixStream::connect(path));
  ASSERT_TRUE(client) << client.error().message();
  Result<UnixStream> server = executor.block_on(std::move(accept));
  ASSERT_TRUE(server);
  EXPECT_EQ(*server->local_path(), path);
  EXPECT_EQ(*client->peer_path(), path);
  auto echo = executor.spawn(EchoToEnd<UnixStream>(std::move(*server)));
  // Larger than the socket buffers: both sides wait for each other.
  const std::string message = asyncc::testing::pattern(1 << 20);
  Result<std::string> reply = executor.block_on(SendAndReadToEnd<UnixStream>(*client, message));
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_TRUE(*reply == message) << "reply of " << reply->size() << " bytes differs";
  Result<std::size_t> echoed = executor.block_on(std::move(echo));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, message.size());
}

TEST(Unix, ListenerRemovesItsSocketFileWhenDropped) {
  TempDir dir;
  const std::string path = dir.file("gone.sock");
  {
    Result<UnixListener> listener = UnixListener::bind(path);
    ASSERT_TRUE(listener);
    EXPECT_TRUE(is_socket(path));
    UnixListener moved = std::move(*listener);  // the file goes with the last owner only
    EXPECT_TRUE(is_socket(path));
  }
  EXPECT_FALSE(exists(path));
  Result<UnixStream> nobody = asyncc::block_on(UnixStream::connect(path));
  ASSERT_FALSE(nobody);
  EXPECT_EQ(nobody.error(), std::errc::no_such_file_or_directory);
  // The path is free again.
  EXPECT_TRUE(UnixListener::bind(path));
}

TEST(Unix, BindToAnExistingPathFailsAndLeavesTheFile) {
  TempDir dir;
  const std::string file = dir.file("data");
  std::ofstream(file) << "keep me";
  Result<UnixListener> over_file = UnixListener::bind(file);
  ASSERT_FALSE(over_file);
  EXPECT_EQ(over_file.error(), std::errc::address_in_use);
  std::string content;
  std::getline(std::ifstream(file), content);
  EXPECT_EQ(content, "keep me");

  // A live listener's path: the failed bind must not remove its file.
  const std::string path = dir.file("live.sock");
  Result<UnixListener> first = UnixListener::bind(path);
  ASSERT_TRUE(first);
  Result<UnixListener> second = UnixListener::bind(path);
  ASSERT_FALSE(second);
  EXPECT_EQ(second.error(), std::errc::address_in_use);
  EXPECT_TRUE(is_socket(path));
  LocalExecutor executor;
  auto accept = executor.spawn(first->accept());
  EXPECT_TRUE(executor.block_on(UnixStream::connect(path)));
  EXPECT_TRUE(executor.block_on(std::move(accept)));
}

TEST(Unix, ListenerLeavesAFileThatReplacedItsOwn) {
  TempDir dir;
  const std::string path = dir.file("replaced.sock");
  {
    Result<UnixListener> listener = UnixListener::bind(path);
    ASSERT_TRUE(listener);
    ASSERT_EQ(::unlink(path.c_str()), 0);
    std::ofstream(path) << "someone else's";
  }
  EXPECT_TRUE(exists(path));
}

TEST(Unix, AbstractNameNeedsNoFileAndIsFreedWithTheListener) {
  const std::string name = std::string(1, '\0') + "asyncc-test-" + std::to_string(::getpid());
  {
    Result<UnixListener> listener = UnixListener::bind(name);
    ASSERT_TRUE(listener) << listener.error().message();
    EXPECT_EQ(*listener->local_path(), name);
    EXPECT_FALSE(exists(name.substr(1)));
    LocalExecutor executor;
    auto accept = executor.spawn(listener->accept());
    Result<UnixStream> client = executor.block_on(UnixStream::connect(name));
    ASSERT_TRUE(client) << client.error().message();
    Result<UnixStream> server = executor.block_on(std::move(accept));
    ASSERT_TRUE(server);
    ASSERT_TRUE(executor.block_on(client->write_all("hi", 2)));
    char buffer[2];
    ASSERT_TRUE(executor.block_on(server->read_exact(buffer, 2)));
    EXPECT_EQ(std::string(buffer, 2), "hi");
  }
  EXPECT_TRUE(UnixListener::bind(name)) << "the abstract name is still taken";
}

TEST(Unix, PeerThatResetsIsAnErrorValue) {
  auto pair = UnixStream::pair();
  ASSERT_TRUE(pair);
  UnixStream& survivor = pair->first;
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(survivor.write_all("unread", 6)));
  { UnixStream closing = std::move(pair->second); }  // closed with data unread: a reset
  char buffer[16];
  Result<std::size_t> read = executor.block_on(asyncc::timeout(survivor.read(buffer, sizeof buffer), 5s)).value();
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), std::errc::connection_reset);
  Result<std::size_t> written = executor.block_on(survivor.write("x", 1));
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error(), std::errc::broken_pipe);  // and no SIGPIPE
}

TEST(Unix, ReadExactReportsAnEarlyEnd) {
  auto pair = UnixStream::pair();
  ASSERT_TRUE(pair);
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(pair->first.write_all("abc", 3)));
  ASSERT_TRUE(executor.block_on(pair->first.shutdown()));
  char buffer[5];
  Result<void> read = executor.block_on(pair->second.read_exact(buffer, sizeof buffer));
  ASSERT_FALSE(read);
  EXPECT_EQ(read.error(), asyncc::io_errc::unexpected_eof);
}

TEST(Unix, ConnectFailuresAreErrorValues) {
  TempDir dir;
  Result<UnixStream> missing = asyncc::block_on(UnixStream::connect(dir.file("missing.sock")));
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error(), std::errc::no_such_file_or_directory);
  const std::string too_long = "/tmp/" + std::string(200, 'x');
  Result<UnixStream> long_connect = asyncc::block_on(UnixStream::connect(too_long));
  ASSERT_FALSE(long_connect);
  EXPECT_EQ(long_connect.error(), std::errc::filename_too_long);
  Result<UnixListener> long_bind = UnixListener::bind(too_long);
  ASSERT_FALSE(long_bind);
  EXPECT_EQ(long_bind.error(), std::errc::filename_too_long);
  for (std::string_view bad : {std::string_view(""), std::string_view("/tmp/a\0b", 8)}) {
    Result<UnixListener> listener = UnixListener::bind(bad);
    ASSERT_FALSE(listener);
    EXPECT_EQ(listener.error(), std::errc::invalid_argument);
  }
  // A plain file where a socket should be.
  const std::string file = dir.file("plain");
  std::ofstream(file) << "x";
  Result<UnixStream> not_socket = asyncc::block_on(UnixStream::connect(file));
  ASSERT_FALSE(not_socket);
  EXPECT_EQ(not_socket.error(), std::errc::connection_refused);
}

// Accepts `count` connections into `streams`.
class AcceptInto {
 public:
  using Output = void;
  AcceptInto(UnixListener& listener, std::vector<UnixStream>& streams, std::size_t count)
      : listener_(&listener), streams_(&streams), count_(count) {}
  AcceptInto(AcceptInto&& other) noexcept
      : listener_(other.listener_), streams_(other.streams_), count_(other.count_) {}
  asyncc::Poll<void> poll(asyncc::Context& cx) {
    while (streams_->size() < count_) {
      if (!accept_) accept_.emplace(listener_->accept());
      auto accepted = accept_->poll(cx);
      if (accepted.is_pending()) return asyncc::Poll<void>::pending();
      accept_.reset();
      if (!accepted.value()) return asyncc::Poll<void>::ready();
      streams_->push_back(std::move(*accepted.value()));
    }
    return asyncc::Poll<void>::ready();
  }

 private:
  UnixListener* listener_;
  std::vector<UnixStream>* streams_;
  std::size_t count_;
  std::optional<UnixListener::Accept> accept_;
};

// After `delay`, notes how many were accepted and frees the descriptors.
class FreeLater {
 public:
  using Output = void;
  FreeLater(std::vector<asyncc::FileDescriptor>& fillers, const std::vector<UnixStream>& accepted,
            std::size_t& accepted_while_exhausted)
      : sleep_(asyncc::Clock::now() + 100ms),
        fillers_(&fillers),
        accepted_(&accepted),
        accepted_while_exhausted_(&accepted_while_exhausted) {}
  asyncc::Poll<void> poll(asyncc::Context& cx) {
    if (sleep_.poll(cx).is_pending()) return asyncc::Poll<void>::pending();
    *accepted_while_exhausted_ = accepted_->size();
    fillers_->clear();
    return asyncc::Poll<void>::ready();
  }

 private:
  asyncc::Sleep sleep_;
  std::vector<asyncc::FileDescriptor>* fillers_;
  const std::vector<UnixStream>* accepted_;
  std::size_t* accepted_while_exhausted_;
};

TEST(Unix, AcceptSurvivesRunningOutOfDescriptors) {
  TempDir dir;
  const std::string path = dir.file("busy.sock");
  Result<UnixListener> listener = UnixListener::bind(path);
  ASSERT_TRUE(listener);
  asyncc::Reactor::current();
  // Blocking clients, queued in the backlog before anything accepts.
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::memcpy(address.sun_path, path.c_str(), path.size() + 1);
  std::vector<asyncc::FileDescriptor> clients;
  for (int i = 0; i < 3; ++i) {
    asyncc::FileDescriptor client(::socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(client.is_open());
    ASSERT_EQ(::connect(client.get(), reinterpret_cast<sockaddr*>(&address), sizeof address), 0);
    clients.push_back(std::move(client));
  }
  LocalExecutor executor;
  std::vector<UnixStream> accepted;
  accepted.reserve(3);
  std::vector<asyncc::FileDescriptor> fillers;
  std::size_t accepted_while_exhausted = 99;
  const auto start = asyncc::Clock::now();
  // Spawned before the descriptors run out (UBSan's first check of the
  // scheduler's type opens a pipe).
  executor.spawn(AcceptInto(*listener, accepted, 3));
  executor.spawn(FreeLater(fillers, accepted, accepted_while_exhausted));
  {
    rlimit saved{};
    ::getrlimit(RLIMIT_NOFILE, &saved);
    asyncc::FileDescriptor probe(::open("/dev/null", O_RDONLY | O_CLOEXEC));
    ASSERT_TRUE(probe.is_open());
    rlimit lowered = saved;
    lowered.rlim_cur = static_cast<rlim_t>(probe.get()) + 16;
    probe.reset();
    ASSERT_EQ(::setrlimit(RLIMIT_NOFILE, &lowered), 0);
    for (;;) {
      asyncc::FileDescriptor filler(::open("/dev/null", O_RDONLY | O_CLOEXEC));
      if (!filler.is_open()) break;
      fillers.push_back(std::move(filler));
    }
    executor.run();
    ::setrlimit(RLIMIT_NOFILE, &saved);
  }
  EXPECT_EQ(accepted_while_exhausted, 0u);
  EXPECT_EQ(accepted.size(), 3u) << "accept gave up while descriptors were exhausted";
  EXPECT_GE(asyncc::Clock::now() - start, 100ms);
}

TEST(Unix, EchoOnTheMultiThreadedRuntime) {
  TempDir dir;
  const std::string path = dir.file("runtime.sock");
  Result<UnixListener> listener = UnixListener::bind(path);
  ASSERT_TRUE(listener);
  asyncc::Runtime runtime = asyncc::Runtime::builder().worker_threads(2).build();
  auto accept = runtime.spawn(listener->accept());
  Result<UnixStream> client = runtime.block_on(UnixStream::connect(path));
  ASSERT_TRUE(client);
  Result<UnixStream> server = runtime.block_on(std::move(accept));
  ASSERT_TRUE(server);
  auto echo = runtime.spawn(EchoToEnd<UnixStream>(std::move(*server)));
  const std::string message = asyncc::testing::pattern(300000);
  Result<std::string> reply = runtime.block_on(SendAndReadToEnd<UnixStream>(*client, message));
  ASSERT_TRUE(reply) << reply.error().message();
  EXPECT_TRUE(*reply == message);
  Result<std::size_t> echoed = runtime.block_on(std::move(echo));
  ASSERT_TRUE(echoed);
  EXPECT_EQ(*echoed, message.size());
}

}  // namespace
