// Futures of ASYNC functions held as values, as users write them: kept in a
// variable of type Async<T> or auto, moved to another, given to join, select
// and timeout, then awaited. After asyncc, each of those types is the
// generated struct of the function that made the future.
#include <asyncc/asyncc.hpp>

#include <chrono>
#include <cstdio>
#include <utility>

using namespace std::chrono_literals;

ASYNC asyncc::Async<int> f() {
  co_await asyncc::yield_now();
  co_return 1;
}
ASYNC asyncc::Async<int> g() { co_return 2; }

ASYNC asyncc::Async<int> values() {
  asyncc::Async<int> child = f();
  int a = co_await std::move(child);
  auto sub = g();
  auto sub2 = std::move(sub);
  int b = co_await std::move(sub2);
  auto x = f();
  auto y = g();
  auto [c, d] = co_await asyncc::join(std::move(x), std::move(y));
  auto r = co_await asyncc::timeout(f(), 1s);
  auto first = co_await asyncc::select(f(), asyncc::sleep(1s));
  std::printf("a %d b %d c %d d %d timeout %d select %d\n", a, b, c, d, r ? *r : -1,
              static_cast<int>(first.index()));
  co_return a + b + c + d + (r ? *r : 0) + static_cast<int>(first.index());
}

int main() { std::printf("values %d\n", asyncc::block_on(values())); }
