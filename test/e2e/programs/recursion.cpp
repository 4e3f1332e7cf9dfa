// Recursive async functions await asyncc::boxed(...) of their own call: the
// recursive future lives on the heap behind one pointer, so the future's
// size stays a constant. Values, cancellation at depth, and exceptions from
// the deepest call.
#include <asyncc/async.hpp>
#include <asyncc/boxed.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<long> fib(int n) {
  if (n < 2) co_return co_await PendingFor<long>(1, n);
  long a = co_await asyncc::boxed(fib(n - 1));
  long b = co_await asyncc::boxed(fib(n - 2));
  co_return a + b;
}

ASYNC asyncc::Async<int> depth(int n, bool fail) {
  Traced level("level" + std::to_string(n));
  if (n == 0) {
    e2e::fail_if(fail, "bottom failed");
    co_return co_await PendingFor<int>(1, 0);
  }
  int below = co_await asyncc::boxed(depth(n - 1, fail));
  co_return below + 1;
}

int main() {
  std::printf("fib(15) = %ld\n", asyncc::block_on(fib(15)));
  std::printf("depth(3) = %d\n", asyncc::block_on(depth(3, false)));
  try {
    asyncc::block_on(depth(2, true));
  } catch (const std::exception& e) {
    std::printf("caught: %s\n", e.what());
  }
  e2e::drop_after_each_poll("depth(2)", [] { return depth(2, false); }, 2);
  // A boxed future may move after its first poll: only the pointer moves.
  auto boxed = asyncc::boxed(depth(1, false));
  asyncc::Context cx(asyncc::noop_waker());
  std::printf("first poll ready: %d\n", boxed.poll(cx).is_ready() ? 1 : 0);
  auto moved = std::move(boxed);
  std::printf("second poll ready: %d\n", moved.poll(cx).is_ready() ? 1 : 0);
  std::printf("live %d\n", Traced::live_count());
}
