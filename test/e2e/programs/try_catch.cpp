// try/catch with co_await in the try block: exceptions thrown by awaited
// futures and by the body, nested tries, rethrow, catch (...), a try in a
// loop, co_return in the try and in a handler, and cancellation inside a try.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <stdexcept>

using e2e::FailAfter;
using e2e::PendingFor;
using e2e::Traced;

struct Odd {
  int value;
};

ASYNC asyncc::Async<int> guarded(int mode) {
  Traced g("guarded");
  int result = 0;
  try {
    Traced inside("inside");
    result = co_await PendingFor<int>(1, 5, "first");
    if (mode == 1) result += co_await FailAfter<int>(1, "awaited future failed");
    e2e::fail_if(mode == 2, "body failed");
    Traced later("later");
    result += co_await PendingFor<int>(1, 50);
  } catch (const std::runtime_error& e) {
    Traced handler("handler");
    std::printf("caught: %s\n", e.what());
    result = -1;
  }
  result += co_await PendingFor<int>(1, 1000);
  co_return result;
}

ASYNC asyncc::Async<int> nested(int mode) {
  Traced n("nested");
  try {
    Traced outer("outer");
    try {
      Traced inner("inner");
      co_await e2e::Yield(1);
      if (mode == 1) throw Odd{7};
      if (mode == 2) co_await FailAfter<int>(0, "inner failure");
    } catch (const Odd& odd) {
      std::printf("inner caught Odd %d\n", odd.value);
      if (mode == 1) throw;  // rethrown to the outer try
    }
    co_await e2e::Yield(1);
    co_return 1;
  } catch (const Odd& odd) {
    std::printf("outer caught Odd %d\n", odd.value);
    co_return 2;
  } catch (...) {
    std::printf("outer caught something else\n");
  }
  co_return 3;
}

ASYNC asyncc::Async<int> in_a_loop(int n) {
  int caught = 0;
  for (int i = 0; i < n; ++i) {
    try {
      Traced round("round" + std::to_string(i));
      co_await FailAfter<int>(i % 2, "odd round");
    } catch (const std::exception&) {
      ++caught;
      continue;
    }
  }
  co_return caught;
}

ASYNC asyncc::Async<int> escapes(int pending) {
  Traced e("escapes");
  try {
    co_await FailAfter<int>(pending, "not caught here");
  } catch (const std::logic_error&) {
    std::printf("wrong handler\n");
  }
  co_return 0;
}

int main() {
  for (int mode = 0; mode < 3; ++mode)
    std::printf("guarded(%d) = %d\n", mode, asyncc::block_on(guarded(mode)));
  for (int mode = 0; mode < 3; ++mode)
    std::printf("nested(%d) = %d\n", mode, asyncc::block_on(nested(mode)));
  std::printf("in_a_loop(5) = %d\n", asyncc::block_on(in_a_loop(5)));
  try {
    asyncc::block_on(escapes(1));
  } catch (const std::exception& e) {
    std::printf("escaped: %s\n", e.what());
  }
  e2e::drop_after_each_poll("guarded(1)", [] { return guarded(1); }, 5);
  e2e::drop_after_each_poll("nested(1)", [] { return nested(1); }, 3);
  e2e::drop_after_each_poll("in_a_loop(3)", [] { return in_a_loop(3); }, 4);
  std::printf("live %d\n", Traced::live_count());
}
