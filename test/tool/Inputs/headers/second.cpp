#include "async_lib.hpp"

#include <cstdio>

ASYNC static asyncc::Async<int> local() { co_return co_await lib::plus_one(100); }

ASYNC asyncc::Async<int> second() { co_return co_await local() + co_await lib::twice(3); }

int run_first();

int main() {
  asyncc::Context cx(asyncc::noop_waker());
  auto future = second();
  std::printf("first %d, second %d\n", run_first(), future.poll(cx).value());
}
