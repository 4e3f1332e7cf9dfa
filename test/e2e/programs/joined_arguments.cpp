// E2E: skip=native-gcc g++ 12.2 destroys the value of a co_await in a while condition twice (free(): invalid size); clang++ is the oracle
// Objects passed by value to ASYNC calls whose futures are given to join,
// select, timeout or another ASYNC function, as Tokio's examples hand
// sockets and channel ends to the tasks they join
// (`tokio::join!(producer(tx), consumer(rx))`): each argument object lives,
// as in a coroutine, to the end of the full-expression, after the await,
// and a temporary its argument makes (a string built for a log line) too.
// Each full-expression makes one traced object: the order in which C++
// evaluates a call's arguments is unspecified (clang goes left to right,
// g++ right to left).
// The channel example is the README's. Each future is dropped after every
// number of polls, and one throws.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>
#include <utility>

using e2e::FailAfter;
using e2e::Traced;
using e2e::Yield;
using namespace std::chrono_literals;

struct Message {
  std::string text;
  int id;
};

ASYNC asyncc::Async<int> producer(asyncc::Sender<Message> tx, int count) {
  for (int i = 1; i <= count; ++i)
    co_await tx.send(Message{"message " + std::to_string(i), i});
  co_return count;
}

ASYNC asyncc::Async<int> consumer(asyncc::Receiver<Message> rx) {
  int sum = 0;
  while (auto message = co_await rx.recv()) {
    std::printf("got %s\n", message->text.c_str());
    sum += message->id;
  }
  co_return sum;
}

ASYNC asyncc::Async<int> channel_example() {
  auto [tx, rx] = asyncc::channel<Message>(2);
  auto [sent, received] = co_await asyncc::join(producer(std::move(tx), 3), consumer(std::move(rx)));
  co_return sent * 100 + received;
}

ASYNC asyncc::Async<int> process(Traced socket, const std::string& log) {
  co_await Yield(socket.value());
  std::printf("process %s (%s)\n", socket.name().c_str(), log.c_str());
  co_return socket.value() * 10;
}

struct Server {
  int base;
  ASYNC asyncc::Async<int> handle(Traced socket, int weight) const {
    co_await Yield(2);
    co_return base + socket.value() * weight;
  }
};

ASYNC asyncc::Async<int> fails(Traced socket) {
  co_await FailAfter<void>(socket.value(), "connection reset");
  co_return 0;
}

// Takes another future, boxed.
ASYNC asyncc::Async<int> after(asyncc::Async<int> first, int extra) {
  int v = co_await std::move(first);
  co_return v + extra;
}

ASYNC asyncc::Async<int> serve() {
  Server server{1000};
  auto [a, b] = co_await asyncc::join(process(Traced("socket a", 1), "log " + std::string("a")), asyncc::yield_now());
  std::printf("join %d\n", a);
  auto [c, d] = co_await asyncc::join(asyncc::yield_now(), server.handle(Traced("socket b", 2), 3));
  std::printf("join %d\n", d);
  auto timed = co_await asyncc::timeout(process(Traced("socket c", 2), "log " + std::string("c")), 5s);
  std::printf("timeout %d\n", timed ? *timed : -1);
  auto first = co_await asyncc::select(process(Traced("socket d", 1), "log " + std::string("d")), asyncc::sleep(5s));
  std::printf("select %zu\n", first.index());
  int chained = co_await after(process(Traced("socket e", 1), "log " + std::string("e")), 5);
  std::printf("after %d\n", chained);
  co_return a + d + chained;
}

ASYNC asyncc::Async<int> serve_failing() {
  try {
    auto [a, b] = co_await asyncc::join(Yield(3), fails(Traced("bad", 1)));
    co_return b;
  } catch (const std::runtime_error& e) {
    std::printf("caught %s\n", e.what());
  }
  co_return -1;
}

int main() {
  std::printf("channel -> %d\n", asyncc::block_on(channel_example()));
  std::printf("serve -> %d\n", asyncc::block_on(serve()));
  std::printf("serve_failing -> %d\n", asyncc::block_on(serve_failing()));
  e2e::drop_after_each_poll("serve", [] { return serve(); }, 12);
  e2e::drop_after_each_poll("serve_failing", [] { return serve_failing(); }, 4);
  std::printf("live %d\n", Traced::live_count());
}
