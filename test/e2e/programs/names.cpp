// Names as users choose them: a function named like a generated block (b1),
// locals named like runtime functions (sleep, timeout, connect) and like the
// generated struct's own names (live, state, cx, State, Output), a local that
// shadows another, and `typename F::Output`. asyncc renames what it
// generates, never what the user wrote.
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

int main() {
  std::printf("users_names %d\n", asyncc::block_on(users_names(1)));
  e2e::drop_after_each_poll("b1", [] { return b1(3); }, 3);
  std::printf("live %d\n", Traced::live_count());
}
