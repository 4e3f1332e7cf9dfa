// lookup_host, and the host names that bind and connect take.
#include <asyncc/asyncc.hpp>
#include <asyncc/lookup_host.hpp>
#include <asyncc/net.hpp>

#include <gtest/gtest.h>

#include <netdb.h>

#include <chrono>
#include <string>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Result;
using asyncc::SocketAddr;
using asyncc::TcpListener;
using asyncc::TcpStream;

bool is_loopback(const SocketAddr& address) { return address.ip() == "127.0.0.1" || address.ip() == "::1"; }

TEST(LookupHost, ResolvesLocalhostToLoopbackWithThePort) {
  LocalExecutor executor;
  auto found = executor.block_on(asyncc::timeout(asyncc::lookup_host("localhost:8080"), 10s));
  ASSERT_TRUE(found) << "no answer";
  ASSERT_TRUE(*found) << found->error().message();
  ASSERT_FALSE((*found)->empty());
  for (const SocketAddr& address : **found) {
    EXPECT_TRUE(is_loopback(address)) << address.to_string();
    EXPECT_EQ(address.port(), 8080);
  }
}

TEST(LookupHost, NumericAddressesAreReadyAtTheFirstPoll) {
  Context cx(asyncc::noop_waker());
  asyncc::LookupHost v4 = asyncc::lookup_host("127.0.0.1:80");
  auto got = v4.poll(cx);  // no thread, so no wait
  ASSERT_TRUE(got.is_ready());
  ASSERT_TRUE(got.value());
  ASSERT_EQ(got.value()->size(), 1u);
  EXPECT_EQ(got.value()->front(), *SocketAddr::parse("127.0.0.1:80"));

  asyncc::LookupHost v6 = asyncc::lookup_host("[::1]:443");
  auto got6 = v6.poll(cx);
  ASSERT_TRUE(got6.is_ready());
  ASSERT_TRUE(got6.value());
  ASSERT_EQ(got6.value()->size(), 1u);
  EXPECT_TRUE(got6.value()->front().is_ipv6());
  EXPECT_EQ(got6.value()->front().port(), 443);
}

TEST(LookupHost, MalformedAddressesAreInvalidArgumentAtTheFirstPoll) {
  Context cx(asyncc::noop_waker());
  for (const char* text : {"localhost", "localhost:", "localhost:99999", "localhost:http", ":80", "::1:80",
                           "[::1]80", ""}) {
    asyncc::LookupHost lookup = asyncc::lookup_host(text);
    auto got = lookup.poll(cx);
    ASSERT_TRUE(got.is_ready()) << text;
    ASSERT_FALSE(got.value()) << text;
    EXPECT_EQ(got.value().error(), std::errc::invalid_argument) << text;
  }
}

TEST(LookupHost, UnknownNameIsAnErrorValue) {
  LocalExecutor executor;
  auto found = executor.block_on(asyncc::timeout(asyncc::lookup_host("no-such-host.invalid:80"), 30s));
  ASSERT_TRUE(found) << "no answer";
  ASSERT_FALSE(*found);
  const std::error_code error = found->error();
  EXPECT_EQ(&error.category(), &asyncc::addrinfo_category());
  EXPECT_TRUE(error.value() == EAI_NONAME || error.value() == EAI_AGAIN || error.value() == EAI_FAIL)
      << error.message();
  EXPECT_FALSE(error.message().empty());
}

TEST(LookupHost, WorksInATaskOfTheMultiThreadedRuntime) {
  asyncc::Runtime runtime = asyncc::Runtime::builder().worker_threads(2).build();
  auto handle = runtime.spawn(asyncc::lookup_host("localhost:53"));
  auto found = runtime.block_on(asyncc::timeout(std::move(handle), 10s));
  ASSERT_TRUE(found && *found);
  ASSERT_FALSE((*found)->empty());
  EXPECT_TRUE(is_loopback((*found)->front()));
  EXPECT_EQ((*found)->front().port(), 53);
}

TEST(LookupHost, TcpListenerBindsAHostName) {
  Result<TcpListener> listener = TcpListener::bind("localhost:0");
  ASSERT_TRUE(listener) << listener.error().message();
  SocketAddr address = *listener->local_addr();
  EXPECT_TRUE(is_loopback(address)) << address.to_string();
  EXPECT_NE(address.port(), 0);

  // And a stream connects to it by name.
  LocalExecutor executor;
  auto accept = executor.spawn(listener->accept());
  const std::string target = "localhost:" + std::to_string(address.port());
  auto stream = executor.block_on(asyncc::timeout(TcpStream::connect(target), 10s));
  ASSERT_TRUE(stream) << "no answer";
  ASSERT_TRUE(*stream) << stream->error().message();
  EXPECT_EQ(*(*stream)->peer_addr(), address);
  auto accepted = executor.block_on(std::move(accept));
  ASSERT_TRUE(accepted);
  EXPECT_EQ(accepted->second, *(*stream)->local_addr());
}

TEST(LookupHost, ConnectByNameReportsWhyItFailed) {
  LocalExecutor executor;
  Result<TcpStream> unknown = executor.block_on(TcpStream::connect("no-such-host.invalid:80"));
  ASSERT_FALSE(unknown);
  EXPECT_EQ(&unknown.error().category(), &asyncc::addrinfo_category());

  SocketAddr closed;
  {
    Result<TcpListener> listener = TcpListener::bind("127.0.0.1:0");
    ASSERT_TRUE(listener);
    closed = *listener->local_addr();
  }
  Result<TcpStream> refused = executor.block_on(TcpStream::connect("localhost:" + std::to_string(closed.port())));
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error(), std::errc::connection_refused);

  Result<TcpStream> numeric = executor.block_on(TcpStream::connect(closed.to_string()));
  ASSERT_FALSE(numeric);
  EXPECT_EQ(numeric.error(), std::errc::connection_refused);

  Result<TcpListener> bad = TcpListener::bind("no-such-host.invalid:0");
  ASSERT_FALSE(bad);
  EXPECT_EQ(&bad.error().category(), &asyncc::addrinfo_category());
}

}  // namespace
