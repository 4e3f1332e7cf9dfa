// E2E: skip=native-gcc g++ 12.2 rejects a braced list in an awaited call of a coroutine ("array used as initializer")
// Unnamed parameters of ASYNC functions, as handlers that ignore part of
// what they are given write them: the future keeps each, as a coroutine
// copies every parameter (and as Rust keeps a `_` one), so one whose
// destructor shows lives until the function completes. Function templates,
// methods defined in and outside their class, default arguments, argument
// objects made in the frame (an aggregate among them), a function that calls
// itself, and cancellation.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include "e2e_support.hpp"
#include <cstdio>
#include <string>
#include <vector>

using e2e::Traced;
using e2e::Yield;

// An event handler that ignores its event: the coroutine keeps the unnamed
// parameter until it completes.
ASYNC asyncc::Async<int> on_tick(Traced, int weight) {
  co_await Yield(1);
  std::printf("tick %d\n", weight);
  co_return weight;
}

struct Stamp {
  int at;
  ~Stamp() { std::printf("~Stamp %d\n", at); }
};

ASYNC asyncc::Async<int> with_defaults(Stamp, int n, std::vector<int> = {1, 2}, int = 5) {
  co_await Yield(1);
  std::printf("with_defaults %d\n", n);
  co_return n;
}

ASYNC asyncc::Async<void> ignore_all(Traced, const Traced&, std::vector<int>, int) {
  co_await Yield(1);
  std::printf("ignored\n");
}

template <class T>
ASYNC asyncc::Async<int> typed(T value, int) {
  co_await Yield(1);
  co_return static_cast<int>(sizeof(value));
}

template <class T>
ASYNC asyncc::Async<int> dropped(T, int n) {
  co_await Yield(1);
  co_return n;
}

struct Handler {
  int base = 10;
  ASYNC asyncc::Async<int> handle(Traced, int n) const {
    co_await Yield(1);
    co_return base + n;
  }
  ASYNC asyncc::Async<int> later(Traced, int n);
};

ASYNC asyncc::Async<int> Handler::later(Traced, int n) {
  co_await Yield(1);
  co_return base * n;
}

// A function that calls itself (through a boxed future), its unnamed
// parameter given by a default argument.
ASYNC asyncc::Async<int> countdown(int n, Traced = Traced("level")) {
  if (n == 0)
    co_return 0;
  co_await Yield(1);
  co_return 1 + co_await asyncc::boxed(countdown(n - 1));
}

ASYNC asyncc::Async<int> run() {
  int a = co_await on_tick(Traced("event", 1), 3);
  Traced kept("kept");
  co_await ignore_all(Traced("e1"), kept, {1, 2}, 4);
  int b = co_await typed(2.5, 7) + co_await typed('c', 1);
  int c = co_await dropped(Traced("d"), 5) + co_await dropped(3, 6);
  Handler h;
  int d = co_await h.handle(Traced("h"), 1) + co_await h.later(Traced("l"), 2);
  int e = co_await with_defaults(Stamp{1}, 8) + co_await h.handle(kept, 3);
  int f = co_await countdown(2, Traced("top"));
  co_return a + b + c + d + e + f;
}

int main() {
  std::printf("run -> %d\n", asyncc::block_on(run()));
  e2e::drop_after_each_poll("run", [] { return run(); }, 14);
  std::printf("live %d\n", Traced::live_count());
}
