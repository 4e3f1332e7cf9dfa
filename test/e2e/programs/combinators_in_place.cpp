// E2E: skip=native-gcc g++ 12.2 frees a std::string member of an aggregate temporary in a co_await operand wrongly (abort)
// Futures of ASYNC calls given to join, select and timeout as users write
// them (`co_await asyncc::join(place(Order{"gift", 1}), stock_of("box"))`),
// where each parameter object is of a class with its own destructor and so
// no move constructor: C++ copies it where it would move it. A coroutine
// copies it once, into its frame, and the combinator moves a handle. The
// transformed futures are polled where the awaiting frame made them, which
// makes the same copies, and each is dropped when the combinator drops it:
// a loser of select as soon as the winner is ready, before the statement
// goes on; every one on cancellation after any number of polls, and when
// one throws.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <chrono>
#include <cstdio>
#include <stdexcept>
#include <string>

using e2e::FailAfter;
using e2e::Yield;
using namespace std::chrono_literals;

struct Order {
  std::string item;
  int qty;
  ~Order() { std::printf("order done: %s x%d\n", item.c_str(), qty); }
};

// A local whose destruction shows.
struct Note {
  const char* name;
  ~Note() { std::printf("note of %s dropped\n", name); }
};

ASYNC asyncc::Async<int> place(Order order) {
  co_await Yield(order.qty);
  std::printf("placed %s x%d\n", order.item.c_str(), order.qty);
  co_return order.qty * 10;
}

ASYNC asyncc::Async<int> stock_of(std::string item, int polls = 3) {
  co_await Yield(polls);
  co_return item == "pear" ? 0 : 7;
}

ASYNC asyncc::Async<int> slow(Order order) {
  Note note{order.item.c_str()};
  co_await Yield(order.qty);
  co_return order.qty;
}

ASYNC asyncc::Async<int> rejected(Order order) {
  co_await FailAfter<void>(order.qty, "rejected");
  co_return 0;
}

ASYNC asyncc::Async<int> shop() {
  auto [a, b] = co_await asyncc::join(place(Order{"gift", 1}), stock_of("box"));
  std::printf("join %d %d\n", a, b);
  std::printf("select %zu\n", (co_await asyncc::select(place(Order{"fast", 1}), slow(Order{"slow", 5}))).index());
  auto t = co_await asyncc::timeout(place(Order{"timed", 2}), 5s);
  std::printf("timeout %d\n", t ? *t : -1);
  co_return a + b + (t ? *t : 0);
}

ASYNC asyncc::Async<int> shop_failing() {
  try {
    auto [a, b] = co_await asyncc::join(slow(Order{"waiting", 4}), rejected(Order{"bad", 2}));
    co_return a + b;
  } catch (const std::runtime_error& e) {
    std::printf("caught %s\n", e.what());
  }
  co_return -1;
}

int main() {
  std::printf("shop -> %d\n", asyncc::block_on(shop()));
  std::printf("shop_failing -> %d\n", asyncc::block_on(shop_failing()));
  e2e::drop_after_each_poll("shop", [] { return shop(); }, 10);
  e2e::drop_after_each_poll("shop_failing", [] { return shop_failing(); }, 4);
}
