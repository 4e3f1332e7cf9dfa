#include "async_lib.hpp"

// The same name as in second.cpp, another body: each keeps its own.
ASYNC static asyncc::Async<int> local() { co_return co_await lib::twice(1); }

ASYNC asyncc::Async<int> first() {
  lib::Counter counter;
  co_await counter.add(1);
  co_return co_await counter.add(co_await local()) + co_await lib::plus_one(0);
}

int run_first() {
  asyncc::Context cx(asyncc::noop_waker());
  auto future = first();
  return future.poll(cx).value();
}
