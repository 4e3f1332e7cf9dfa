// An ASYNC lambda keeps its captures and parameters; its body declares the
// future's struct, whose first members refer to the closure's captures, and
// returns it. One inside an ASYNC function is refused.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: %expect_exit 1 %asyncc %s -o %t.bad.cpp -- -I %asyncc_include -DINSIDE 2> %t.err
// RUN: FileCheck --check-prefix=INSIDE %s < %t.err

#include <asyncc/async.hpp>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

int make() {
  int k = 1;
  int total = 0;
  auto add = [k, &total] ASYNC (int y) -> asyncc::Async<int> {
    total += co_await Value{y};
    co_return k + total;
  };
  return sizeof(add(2));
}
// CHECK: auto add = [k, &total](int y) {
// CHECK-NEXT: // ASYNC lambda add
// CHECK-NEXT: struct add_future {
// CHECK: explicit add_future(const int& k, int& total, int y) : k(k), total(total), y(std::move(y)) {}
// CHECK: return add_future(k, total, std::move(y));
// CHECK-NEXT: };

#ifdef INSIDE
ASYNC asyncc::Async<int> outer() {
  auto inner = [] ASYNC () -> asyncc::Async<int> { co_return 1; };
  // INSIDE: transform_lambdas.cpp:[[@LINE-1]]:{{[0-9]+}}: error: an ASYNC lambda inside an ASYNC function is not supported
  co_return co_await inner();
}
#endif
