// E2E: skip=native-gcc g++ 12.2 rejects a braced list in an awaited call of a coroutine ("array used as initializer")
// Objects passed by value to an awaited ASYNC call, as Tokio's examples pass
// a socket to the task that serves it (`process(socket).await`): the
// argument object lives, as in a coroutine, to the end of the full
// expression, after the await; the future moves it in once, as a coroutine
// copies its parameters. A connection that prints its moves and the
// destruction of moved-from shells shows every extra move. Also a braced
// list made into a std::vector parameter. Each future is dropped after
// every number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <utility>
#include <vector>

using e2e::Yield;

class Connection {
 public:
  explicit Connection(int fd) : fd_(fd) { std::printf("open %d\n", fd_); }
  Connection(Connection&& other) noexcept : fd_(std::exchange(other.fd_, -1)) { std::printf("move %d\n", fd_); }
  Connection& operator=(Connection&&) = delete;
  ~Connection() { std::printf(fd_ < 0 ? "drop shell\n" : "close %d\n", fd_); }
  int fd() const { return fd_; }

 private:
  int fd_;
};

ASYNC asyncc::Async<int> process(Connection socket) {
  co_await Yield(1);
  std::printf("process %d\n", socket.fd());
  co_return socket.fd() * 10;
}

namespace net {
ASYNC asyncc::Async<int> relay(int hops, Connection from, std::string tag) {
  co_await Yield(hops);
  std::printf("relay %s %d\n", tag.c_str(), from.fd());
  co_return hops + from.fd();
}
}  // namespace net

struct Listener {
  static ASYNC asyncc::Async<int> accept(Connection c) {
    co_await Yield(1);
    co_return c.fd() + 100;
  }
};

// Methods: on an object, through a pointer and a smart pointer, and on the
// method's own object.
class Server {
 public:
  ASYNC asyncc::Async<int> handle(Connection c, int weight) const {
    co_await Yield(1);
    co_return base_ + c.fd() * weight;
  }
  ASYNC asyncc::Async<int> run() {
    int r = co_await handle(Connection(20), 2);
    r += co_await this->handle(Connection(21), 3);
    co_return r;
  }

 private:
  int base_ = 500;
};

template <class Socket>
ASYNC asyncc::Async<int> echo(Socket s) {
  co_await Yield(1);
  co_return s.fd() + 1000;
}

ASYNC asyncc::Async<int> total(std::vector<int> values, std::string label) {
  co_await Yield(1);
  int sum = 0;
  for (int v : values) sum += v;
  std::printf("%s %d\n", label.c_str(), sum);
  co_return sum;
}

ASYNC asyncc::Async<int> serve() {
  Connection socket(3);
  int served = co_await process(std::move(socket));
  std::printf("served %d\n", served);
  served += co_await process(Connection(4));
  served += co_await net::relay(2, Connection(5), "west") + co_await ::process(Connection(6));
  served += co_await Listener::accept(Connection(7));
  served += co_await echo(Connection(8));
  served += co_await total({1, 2, 3}, "sum");
  Server server;
  Server* remote = &server;
  served += co_await server.handle(Connection(9), 1) + co_await remote->handle(Connection(10), 2);
  auto owned = std::make_unique<Server>();
  served += co_await owned->handle(Connection(11), 3);
  served += co_await server.run();
  co_return served;
}

int main() {
  std::printf("serve -> %d\n", asyncc::block_on(serve()));
  e2e::drop_after_each_poll("serve", [] { return serve(); }, 20);
}
