// Names as users choose them: a function named like a generated block (b1),
// locals named like runtime functions (sleep, timeout, connect) and like the
// generated struct's own names (live, state, cx, State, Output), a local that
// shadows another, two of one name in sibling blocks, a local named like a
// global the function reads before declaring it, and `typename F::Output`.
// asyncc renames what it generates, never what the user wrote.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <chrono>
#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

enum class State { Idle, Busy };

ASYNC asyncc::Async<int> b1(int value) {
  int x = value;
  co_await PendingFor<int>(1, 0, "b1");
  {
    int x = 10;  // shadows the outer x
    x += co_await PendingFor<int>(1, 5, "inner");
    std::printf("inner x %d\n", x);
  }
  co_return x;
}

template <class F>
typename F::Output first_output(F) {
  return typename F::Output{};
}

ASYNC asyncc::Async<int> users_names(int cx) {
  using namespace std::chrono_literals;
  auto sleep = asyncc::sleep(1ms);
  co_await std::move(sleep);
  Traced live("live");
  State state = State::Busy;
  int timeout = co_await b1(cx);
  std::string connect = "connect";
  int b2 = co_await PendingFor<int>(1, 2, "b2");
  auto zero = first_output(PendingFor<int>(0, 0));
  std::printf("%s %d %d %d %s\n", connect.c_str(), timeout, b2, zero, state == State::Busy ? "busy" : "idle");
  co_return timeout + b2 + cx;
}

int total = 100;  // read by tally before its own total hides it

ASYNC asyncc::Async<int> tally(int n) {
  int start = total;
  {
    Traced item("first item");
    int x = co_await PendingFor<int>(1, n, "first");
    std::printf("first x %d %s\n", x, item.name().c_str());
  }
  {
    Traced item("second item");
    int x = co_await PendingFor<int>(1, 2 * n, "second");
    std::printf("second x %d %s\n", x, item.name().c_str());
  }
  int total = start + co_await PendingFor<int>(1, 3, "third");
  co_await PendingFor<int>(1, 0, "fourth");
  std::printf("local total %d, global %d\n", total, ::total);
  co_return total;
}

int main() {
  std::printf("users_names %d\n", asyncc::block_on(users_names(1)));
  std::printf("tally %d\n", asyncc::block_on(tally(4)));
  e2e::drop_after_each_poll("tally", [] { return tally(1); }, 5);
  e2e::drop_after_each_poll("b1", [] { return b1(3); }, 3);
  std::printf("live %d\n", Traced::live_count());
}
