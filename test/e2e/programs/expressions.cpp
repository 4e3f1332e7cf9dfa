// co_await in every position v1 accepts: initializer, assignment, compound
// assignment, co_return operand, function argument, arithmetic and
// comparison, two awaits in one expression, nested awaits, awaits of other
// async functions.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;

PendingFor<int> value(int v, int pending = 1) { return PendingFor<int>(pending, v); }
int show(const char* what, int v) {
  std::printf("%s %d\n", what, v);
  return v;
}

ASYNC asyncc::Async<int> twice(int x) { co_return 2 * co_await value(x); }

ASYNC asyncc::Async<int> positions(int x) {
  int a = co_await value(x);
  int b;
  b = co_await value(a + 1);
  b += co_await value(10);
  show("argument", co_await value(7));
  int sum = co_await value(1) + co_await value(2);
  bool bigger = co_await value(5) > co_await value(4);
  int nested = co_await twice(co_await value(3));
  std::printf("a %d b %d sum %d bigger %d nested %d\n", a, b, sum, bigger ? 1 : 0, nested);
  co_return co_await twice(a) + b;
}

ASYNC asyncc::Async<std::string> strings() {
  std::string s = "x";
  s += co_await PendingFor<std::string>(1, "y");
  std::string t = co_await PendingFor<std::string>(2, "[") + s + "]";
  co_return t;
}

int main() {
  std::printf("positions %d\n", asyncc::block_on(positions(4)));
  std::printf("strings %s\n", asyncc::block_on(strings()).c_str());
}
