// Native and transformed futures await each other. interop_native.hpp is a
// library of native coroutines; this file's ASYNC functions await them, and
// native_caller, a coroutine asyncc leaves alone, awaits an ASYNC function.
// Values, exceptions and cancellation cross the boundary both ways.
// E2E: transformed-std=c++20 native_caller and interop_native.hpp stay coroutines
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"
#include "interop_native.hpp"

#include <cstdio>
#include <stdexcept>

using e2e::PendingFor;
using e2e::Traced;

// Transformed; awaits a native coroutine.
ASYNC asyncc::Async<int> doubled(int x) {
  Traced d("doubled");
  int v = co_await native_add(x, 1);
  co_return v * 2;
}

// Transformed; a native coroutine's exception passes through it.
ASYNC asyncc::Async<int> relays_failure(int pending) {
  Traced r("relays_failure");
  int v = co_await native_fails(pending);
  co_return v;
}

// Native (no ASYNC); awaits transformed futures and catches what they throw.
asyncc::Async<int> native_caller(int x) {
  Traced c("native_caller");
  int a = co_await doubled(x);
  try {
    a += co_await relays_failure(1);
  } catch (const std::exception& e) {
    std::printf("native_caller caught: %s\n", e.what());
  }
  co_return a + 100;
}

// Transformed, awaiting native that awaits transformed that awaits native.
ASYNC asyncc::Async<int> top(int x) {
  Traced t("top");
  int r = co_await native_caller(x);
  int s = co_await PendingFor<int>(1, 7);
  co_return r + s;
}

int main() {
  std::printf("result %d\n", asyncc::block_on(top(3)));
  try {
    asyncc::block_on(relays_failure(0));
  } catch (const std::exception& e) {
    std::printf("caught at the top: %s\n", e.what());
  }
  // Cancelled after each number of polls: every live local on both sides of
  // the boundary is destroyed, innermost first.
  for (int polls = 0; polls <= 6; ++polls) {
    std::printf("-- dropped after %d polls\n", polls);
    auto future = top(3);
    asyncc::Context cx(asyncc::noop_waker());
    for (int p = 0; p < polls; ++p)
      if (future.poll(cx).is_ready()) {
        std::printf("finished\n");
        break;
      }
  }
}
