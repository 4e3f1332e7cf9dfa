// co_await under &&, || and ?: keeps C++'s short-circuit: what C++ skips is
// not awaited (the labelled leaves print when they are polled and dropped).
// In conditions, initializers, arguments, co_return, and nested.
// conditional_objects.cpp has ?: that makes a class object. g++ 12.2 awaits
// the skipped operands too as native coroutines; clang++-19 is right.
// E2E: skip=native-gcc g++ 12.2 evaluates co_await in the skipped operand of &&, || and ?: (extra awaits)
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

PendingFor<bool> flag(bool value, const char* label) { return PendingFor<bool>(1, value, label); }
PendingFor<int> number(int value, const char* label) { return PendingFor<int>(1, value, label); }

ASYNC asyncc::Async<int> conditions(int x) {
  Traced t("conditions");
  int hits = 0;
  if (x > 0 && co_await flag(x > 1, "and.rhs")) ++hits;
  if (co_await flag(x == 0, "or.lhs") || co_await flag(x == 2, "or.rhs")) hits += 10;
  bool both = co_await flag(true, "both.lhs") && co_await flag(x != 1, "both.rhs");
  if (both) hits += 100;
  int n = 0;
  while (n < 5 && co_await flag(n < x, "loop")) ++n;
  co_return hits + 1000 * n;
}

ASYNC asyncc::Async<int> choices(int x) {
  int a = x > 1 ? co_await number(10, "then") : co_await number(20, "else");
  int b = (x % 2 == 0 ? 1 : co_await number(2, "odd")) + co_await number(100, "after");
  co_return a + b;
}

ASYNC asyncc::Async<bool> returns(int x) {
  co_return x > 2 || (co_await flag(x == 1, "ret.a") && co_await flag(true, "ret.b"));
}

ASYNC asyncc::Async<int> nested(int x) {
  int v = x > 0 ? (co_await flag(x > 1, "nested.cond") ? co_await number(1, "nested.one") : 2) : 3;
  co_await flag(x > 0, "stmt.lhs") && co_await flag(true, "stmt.rhs");
  co_return v;
}

int main() {
  for (int x = 0; x < 4; ++x) {
    std::printf("== x = %d\n", x);
    std::printf("conditions = %d\n", asyncc::block_on(conditions(x)));
    std::printf("choices = %d\n", asyncc::block_on(choices(x)));
    std::printf("returns = %d\n", asyncc::block_on(returns(x)) ? 1 : 0);
    std::printf("nested = %d\n", asyncc::block_on(nested(x)));
  }
  e2e::drop_after_each_poll("conditions(2)", [] { return conditions(2); }, 6);
  e2e::drop_after_each_poll("choices(1)", [] { return choices(1); }, 5);
  std::printf("live %d\n", Traced::live_count());
}
