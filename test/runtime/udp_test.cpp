// UdpSocket on the reactor.
#include <asyncc/asyncc.hpp>
#include <asyncc/udp.hpp>

#include "socket_test_support.hpp"
#include "test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <optional>
#include <string>
#include <utility>

namespace {

using namespace std::chrono_literals;
using asyncc::Clock;
using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Result;
using asyncc::SocketAddr;
using asyncc::UdpSocket;

UdpSocket bind_loopback() {
  Result<UdpSocket> socket = UdpSocket::bind("127.0.0.1:0");
  if (!socket) std::abort();
  return std::move(*socket);
}

SocketAddr address_of(const UdpSocket& socket) { return *socket.local_addr(); }

// Receives one datagram and sends it back to its sender. Output: the
// sender's address.
class EchoOneDatagram {
 public:
  using Output = Result<SocketAddr>;
  explicit EchoOneDatagram(UdpSocket& socket) : socket_(&socket) {}
  Poll<Output> poll(Context& cx) {
    if (!sender_) {
      auto got = socket_->poll_recv_from(cx, buffer_, sizeof buffer_);
      if (got.is_pending()) return Poll<Output>::pending();
      if (!got.value()) return Poll<Output>::ready(got.value().error());
      size_ = got.value()->first;
      sender_ = got.value()->second;
    }
    auto sent = socket_->poll_send_to(cx, buffer_, size_, *sender_);
    if (sent.is_pending()) return Poll<Output>::pending();
    if (!sent.value()) return Poll<Output>::ready(sent.value().error());
    return Poll<Output>::ready(*sender_);
  }

 private:
  UdpSocket* socket_;
  char buffer_[2048];
  std::size_t size_ = 0;
  std::optional<SocketAddr> sender_;
};

TEST(Udp, SendToAndRecvFromEcho) {
  UdpSocket server = bind_loopback();
  UdpSocket client = bind_loopback();
  LocalExecutor executor;
  auto echo = executor.spawn(EchoOneDatagram(server));
  const std::string message = "datagram one";
  Result<std::size_t> sent = executor.block_on(client.send_to(message.data(), message.size(), address_of(server)));
  ASSERT_TRUE(sent) << sent.error().message();
  EXPECT_EQ(*sent, message.size());
  char buffer[64] = {};
  auto reply = executor.block_on(asyncc::timeout(client.recv_from(buffer, sizeof buffer), 5s));
  ASSERT_TRUE(reply) << "no reply";
  ASSERT_TRUE(*reply) << reply->error().message();
  EXPECT_EQ((*reply)->first, message.size());
  EXPECT_EQ(std::string(buffer, (*reply)->first), message);
  EXPECT_EQ((*reply)->second, address_of(server));
  Result<SocketAddr> sender = executor.block_on(std::move(echo));
  ASSERT_TRUE(sender);
  EXPECT_EQ(*sender, address_of(client));
}

TEST(Udp, ConnectedSocketSendsToItsPeerAndHearsOnlyFromIt) {
  UdpSocket server = bind_loopback();
  UdpSocket stranger = bind_loopback();
  UdpSocket client = bind_loopback();
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(client.connect(address_of(server))));
  EXPECT_EQ(*client.peer_addr(), address_of(server));

  ASSERT_TRUE(executor.block_on(client.send("ping", 4)));
  char buffer[16] = {};
  auto got = executor.block_on(server.recv_from(buffer, sizeof buffer));
  ASSERT_TRUE(got);
  EXPECT_EQ(std::string(buffer, got->first), "ping");
  EXPECT_EQ(got->second, address_of(client));

  // The kernel drops a datagram from anyone but the peer.
  ASSERT_TRUE(executor.block_on(stranger.send_to("intruder", 8, address_of(client))));
  ASSERT_TRUE(executor.block_on(server.send_to("pong", 4, address_of(client))));
  auto reply = executor.block_on(asyncc::timeout(client.recv(buffer, sizeof buffer), 5s));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ(std::string(buffer, **reply), "pong");
}

TEST(Udp, LongDatagramIsTruncatedAndTheNextOneIsWhole) {
  UdpSocket receiver = bind_loopback();
  UdpSocket sender = bind_loopback();
  LocalExecutor executor;
  const std::string long_one = asyncc::testing::pattern(100);
  ASSERT_TRUE(executor.block_on(sender.send_to(long_one.data(), long_one.size(), address_of(receiver))));
  ASSERT_TRUE(executor.block_on(sender.send_to("xyz", 3, address_of(receiver))));
  char buffer[10];
  auto first = executor.block_on(receiver.recv_from(buffer, sizeof buffer));
  ASSERT_TRUE(first);
  EXPECT_EQ(first->first, sizeof buffer);
  EXPECT_EQ(std::string(buffer, sizeof buffer), long_one.substr(0, sizeof buffer));
  // The rest of the long datagram is gone, not read as a stream would be.
  auto second = executor.block_on(receiver.recv_from(buffer, sizeof buffer));
  ASSERT_TRUE(second);
  EXPECT_EQ(std::string(buffer, second->first), "xyz");
}

TEST(Udp, EmptyDatagramIsZeroBytesNotAnEnd) {
  UdpSocket receiver = bind_loopback();
  UdpSocket sender = bind_loopback();
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(sender.send_to("", 0, address_of(receiver))));
  ASSERT_TRUE(executor.block_on(sender.send_to("after", 5, address_of(receiver))));
  char buffer[16];
  auto empty = executor.block_on(receiver.recv_from(buffer, sizeof buffer));
  ASSERT_TRUE(empty);
  EXPECT_EQ(empty->first, 0u);
  auto after = executor.block_on(receiver.recv_from(buffer, sizeof buffer));
  ASSERT_TRUE(after);
  EXPECT_EQ(std::string(buffer, after->first), "after");
}

TEST(Udp, ReceiveThatWouldBlockWaitsAndIsWokenByTheDatagram) {
  UdpSocket receiver = bind_loopback();
  UdpSocket sender = bind_loopback();
  asyncc::testing::CountingWaker counting;
  const asyncc::Waker waker = counting.waker();
  Context cx(waker);
  char buffer[16];
  // The first try meets EAGAIN: pending, the waker kept.
  auto first = receiver.poll_recv_from(cx, buffer, sizeof buffer);
  ASSERT_TRUE(first.is_pending());
  EXPECT_EQ(counting.wakes() + counting.wakes_by_ref(), 0);
  ASSERT_TRUE(asyncc::block_on(sender.send_to("wake", 4, address_of(receiver))));
  const auto deadline = Clock::now() + 5s;
  while (counting.wakes() + counting.wakes_by_ref() == 0 && Clock::now() < deadline) {
    asyncc::block_on(asyncc::sleep(1ms));  // turns the reactor
  }
  ASSERT_GT(counting.wakes() + counting.wakes_by_ref(), 0) << "the datagram did not wake the receiver";
  auto second = receiver.poll_recv_from(cx, buffer, sizeof buffer);
  ASSERT_TRUE(second.is_ready());
  ASSERT_TRUE(second.value());
  EXPECT_EQ(std::string(buffer, second.value()->first), "wake");
  // Drained: pending again, not a busy loop on stale readiness.
  EXPECT_TRUE(receiver.poll_recv_from(cx, buffer, sizeof buffer).is_pending());
}

TEST(Udp, RefusedPeerIsAnErrorValueAndTheSocketWaitsAgainAfterIt) {
  SocketAddr closed;
  {
    UdpSocket gone = bind_loopback();
    closed = address_of(gone);
  }
  UdpSocket client = bind_loopback();
  LocalExecutor executor;
  ASSERT_TRUE(executor.block_on(client.connect(closed)));
  char buffer[16];
  // A receive already waiting when the ICMP "port unreachable" comes back
  // is woken by the error and reports it.
  char first_buffer[16];
  auto waiting = executor.spawn(asyncc::timeout(client.recv(first_buffer, sizeof first_buffer), 5s));
  executor.block_on(asyncc::sleep(10ms));  // the receive has met EAGAIN and waits
  ASSERT_TRUE(executor.block_on(client.send("anyone?", 7)));
  auto refused = executor.block_on(std::move(waiting));
  ASSERT_TRUE(refused) << "the error did not wake the receive";
  ASSERT_FALSE(*refused);
  EXPECT_EQ(refused->error(), std::errc::connection_refused);
  // The error was consumed: the next receive waits (it must neither fail
  // again nor spin on the error's readiness).
  asyncc::testing::Watchdog watchdog(10s, "a receive after a consumed error");
  auto next = executor.block_on(asyncc::timeout(client.recv(buffer, sizeof buffer), 100ms));
  EXPECT_FALSE(next) << "a receive with nothing to receive completed";
}

TEST(Udp, SendWithoutPeerAndBadAddressesAreErrorValues) {
  UdpSocket socket = bind_loopback();
  LocalExecutor executor;
  Result<std::size_t> sent = executor.block_on(socket.send("x", 1));
  ASSERT_FALSE(sent);
  EXPECT_EQ(sent.error(), std::errc::destination_address_required);
  Result<UdpSocket> bad = UdpSocket::bind("not an address");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error(), std::errc::invalid_argument);
  Result<UdpSocket> taken = UdpSocket::bind(address_of(socket));
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error(), std::errc::address_in_use);
}

TEST(Udp, BindAndConnectTakeHostNames) {
  Result<UdpSocket> server = UdpSocket::bind("localhost:0");
  ASSERT_TRUE(server) << server.error().message();
  SocketAddr address = address_of(*server);
  EXPECT_TRUE(address.ip() == "127.0.0.1" || address.ip() == "::1") << address.to_string();
  EXPECT_NE(address.port(), 0);
  UdpSocket client = bind_loopback();
  LocalExecutor executor;
  const std::string target = "localhost:" + std::to_string(address.port());
  Result<void> connected = executor.block_on(asyncc::timeout(client.connect(target), 10s)).value();
  ASSERT_TRUE(connected) << connected.error().message();
  EXPECT_EQ(client.peer_addr()->port(), address.port());
  ASSERT_TRUE(executor.block_on(client.send("named", 5)));
  char buffer[16];
  auto got = executor.block_on(server->recv(buffer, sizeof buffer));
  ASSERT_TRUE(got);
  EXPECT_EQ(std::string(buffer, *got), "named");
}

TEST(Udp, EchoOnTheMultiThreadedRuntime) {
  asyncc::Runtime runtime = asyncc::Runtime::builder().worker_threads(2).build();
  UdpSocket server = bind_loopback();
  UdpSocket client = bind_loopback();
  const SocketAddr server_address = address_of(server);
  auto echo = runtime.spawn(EchoOneDatagram(server));
  const std::string message = asyncc::testing::pattern(1200);
  ASSERT_TRUE(runtime.block_on(client.send_to(message.data(), message.size(), server_address)));
  char buffer[2048];
  auto reply = runtime.block_on(asyncc::timeout(client.recv_from(buffer, sizeof buffer), 5s));
  ASSERT_TRUE(reply && *reply);
  EXPECT_EQ(std::string(buffer, (*reply)->first), message);
  Result<SocketAddr> sender = runtime.block_on(std::move(echo));
  ASSERT_TRUE(sender);
  EXPECT_EQ(*sender, address_of(client));
}

}  // namespace
