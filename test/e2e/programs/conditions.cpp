// E2E: skip=native-gcc g++ 12.2 miscompiles co_await in a loop condition (an extra iteration); clang++ is the oracle
// co_await in the conditions of if, while, do-while and for, and in a for
// loop's increment; continue re-evaluates the condition.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

PendingFor<int> value(int v) { return PendingFor<int>(1, v); }

struct Counter {
  int n = 0;
};
// True while the counter, which it advances, is below the limit.
struct More {
  using Output = bool;
  Counter* counter;
  int limit;
  asyncc::Poll<bool> poll(asyncc::Context&) { return asyncc::Poll<bool>::ready(counter->n++ < limit); }
};

ASYNC asyncc::Async<int> conditions(int x) {
  int total = 0;
  if (co_await value(x) > 3) {
    Traced t("then");
    total += co_await value(10);
  } else {
    total -= 1;
  }
  Counter c;
  while (co_await More{&c, 3}) {
    Traced w("while" + std::to_string(c.n));
    total += co_await value(1);
    if (c.n == 2)
      continue;
    total += 100;
  }
  int d = 0;
  do {
    Traced dd("do" + std::to_string(d));
    ++d;
    if (d == 2)
      continue;
  } while (co_await value(d) < 4);
  for (int i = 0; co_await value(i) < 3; i += co_await value(1)) {
    Traced f("for" + std::to_string(i));
    total += i;
  }
  co_return total;
}

int main() {
  std::printf("%d\n", asyncc::block_on(conditions(5)));
  std::printf("%d\n", asyncc::block_on(conditions(1)));
  for (int polls = 0; polls < 8; ++polls) {
    std::printf("== drop after %d polls\n", polls);
    auto future = conditions(5);
    asyncc::Context cx(asyncc::noop_waker());
    for (int p = 0; p < polls; ++p) (void)future.poll(cx);
  }
  std::printf("live %d\n", Traced::live_count());
}
