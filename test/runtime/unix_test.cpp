// UnixListener and UnixStream on the reactor.
#include <asyncc/asyncc.hpp>
#include <asyncc/unix.hpp>

#include "socket_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>
#include <utility>

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
