// Echo round trips over TCP loopback on one thread: asyncc (LocalExecutor,
// one task per connection on each side) against a hand-written
// level-triggered epoll loop doing the same work. Each of `connections`
// clients sends a 64-byte message and waits for its echo, `rounds` times.
//   bench_echo [connections] [rounds] [epoll|asyncc]   (both by default)
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/net.hpp>

#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

namespace {

constexpr std::size_t kMessage = 64;
using Clock = std::chrono::steady_clock;

// ---- asyncc ------------------------------------------------------------------

ASYNC asyncc::Async<void> echo(asyncc::TcpStream stream) {
  char buffer[4096];
  for (;;) {
    asyncc::Result<std::size_t> n = co_await stream.read(buffer, sizeof buffer);
    if (!n || *n == 0) co_return;
    if (!co_await stream.write_all(buffer, *n)) co_return;
  }
}

ASYNC asyncc::Async<void> serve(asyncc::TcpListener& listener, asyncc::LocalExecutor& executor, int connections) {
  for (int i = 0; i < connections; ++i) {
    auto accepted = co_await listener.accept();
    if (!accepted) std::abort();
    executor.spawn(echo(std::move(accepted->first)));
  }
}

ASYNC asyncc::Async<void> client(asyncc::SocketAddr address, int rounds) {
  asyncc::Result<asyncc::TcpStream> stream = co_await asyncc::TcpStream::connect(address);
  if (!stream) std::abort();
  (void)stream->set_nodelay(true);
  char message[kMessage] = {};
  char reply[kMessage];
  for (int i = 0; i < rounds; ++i) {
    if (!co_await stream->write_all(message, sizeof message)) std::abort();
    if (!co_await stream->read_exact(reply, sizeof reply)) std::abort();
  }
  (void)co_await stream->shutdown();
}

double run_asyncc(int connections, int rounds) {
  asyncc::LocalExecutor executor;
  auto listener = asyncc::TcpListener::bind("127.0.0.1:0");
  if (!listener) std::abort();
  asyncc::SocketAddr address = *listener->local_addr();
  auto start = Clock::now();
  executor.spawn(serve(*listener, executor, connections));
  for (int i = 0; i < connections; ++i) executor.spawn(client(address, rounds));
  executor.run();
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// ---- hand-written epoll ------------------------------------------------------

struct Peer {
  int fd;
  bool is_client;
  int rounds_left;
  std::size_t received;  // of the current echo, clients only
};

double run_epoll(int connections, int rounds) {
  int listener = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t size = sizeof address;
  if (::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 || ::listen(listener, 1024) != 0 ||
      ::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &size) != 0)
    std::abort();
  auto start = Clock::now();
  int epoll = ::epoll_create1(EPOLL_CLOEXEC);
  std::vector<Peer> peers;
  peers.reserve(2 * connections);
  for (int i = 0; i < connections; ++i) {
    int client = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (::connect(client, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) std::abort();
    int server = ::accept4(listener, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (server < 0) std::abort();
    int one = 1;
    ::setsockopt(client, IPPROTO_TCP, 1 /* TCP_NODELAY */, &one, sizeof one);
    peers.push_back(Peer{client, true, rounds, 0});
    peers.push_back(Peer{server, false, 0, 0});
  }
  for (Peer& peer : peers) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = &peer;
    ::epoll_ctl(epoll, EPOLL_CTL_ADD, peer.fd, &ev);
  }
  char message[kMessage] = {};
  char buffer[4096];
  int active = connections;
  for (Peer& peer : peers)
    if (peer.is_client && ::send(peer.fd, message, sizeof message, MSG_NOSIGNAL) != kMessage) std::abort();
  epoll_event events[256];
  while (active > 0) {
    int n = ::epoll_wait(epoll, events, 256, -1);
    for (int i = 0; i < n; ++i) {
      Peer& peer = *static_cast<Peer*>(events[i].data.ptr);
      ssize_t got = ::recv(peer.fd, buffer, peer.is_client ? kMessage - peer.received : sizeof buffer, 0);
      if (got <= 0) continue;
      if (!peer.is_client) {
        // Loopback sockets take 64 bytes at once; a full buffer would need a writable wait.
        if (::send(peer.fd, buffer, static_cast<std::size_t>(got), MSG_NOSIGNAL) != got) std::abort();
        continue;
      }
      peer.received += static_cast<std::size_t>(got);
      if (peer.received < kMessage) continue;
      peer.received = 0;
      if (--peer.rounds_left == 0) {
        --active;
        continue;
      }
      if (::send(peer.fd, message, sizeof message, MSG_NOSIGNAL) != kMessage) std::abort();
    }
  }
  for (Peer& peer : peers) ::close(peer.fd);
  ::close(epoll);
  ::close(listener);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

}  // namespace

int main(int argc, char** argv) {
  const int connections = argc > 1 ? std::atoi(argv[1]) : 64;
  const int rounds = argc > 2 ? std::atoi(argv[2]) : 2000;
  const double total = static_cast<double>(connections) * rounds;
  std::printf("echo: %d connections x %d round trips of %zu bytes, one thread, loopback\n", connections, rounds,
              kMessage);
  const std::string only = argc > 3 ? argv[3] : "";
  if (only == "epoll" || only == "asyncc") {
    double seconds = only == "epoll" ? run_epoll(connections, rounds) : run_asyncc(connections, rounds);
    std::printf("  %s: %8.0f round trips/s\n", only.c_str(), total / seconds);
    return 0;
  }
  for (int trial = 0; trial < 3; ++trial) {
    double epoll_seconds = run_epoll(connections, rounds);
    double asyncc_seconds = run_asyncc(connections, rounds);
    std::printf("  hand-written epoll: %8.0f round trips/s   asyncc: %8.0f round trips/s   (asyncc/epoll %.2f)\n",
                total / epoll_seconds, total / asyncc_seconds, epoll_seconds / asyncc_seconds);
  }
}
