// co_await under &&, ||, ?: and GNU ?: keeps the short-circuit: the operand C++ may
// skip becomes the branch of an if, and the operator's value goes to a slot
// of the expression's group (eN.tmpN).
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

struct Flag {
  using Output = bool;
  bool value;
  asyncc::Poll<bool> poll(asyncc::Context&) { return asyncc::Poll<bool>::ready(value); }
};

ASYNC asyncc::Async<int> both(int n) {
  if (n > 0 && co_await Flag{n > 1})
    co_return 1;
  int v = n < 0 ? 2 : co_await Flag{true} ? 3 : 4;
  co_await Flag{false} || co_await Flag{true};
  co_return v;
}
// CHECK-LABEL: struct both_future {
// CHECK: // n > 0 && co_await Flag{n > 1}
// CHECK-NEXT: tmp1.value = static_cast<bool>(n > 0);
// CHECK-NEXT: if (tmp1.value)
// CHECK-NEXT: {
// CHECK-NEXT: {
// CHECK-NEXT: // co_await Flag{n > 1}
// CHECK: tmp1.value = static_cast<bool>(asyncc::detail::take(ready1));
// CHECK: cond.value = static_cast<bool>(tmp1.value);
// CHECK: // n < 0 ? 2 : co_await Flag{true} ? 3 : 4
// CHECK-NEXT: tmp2_cond.value = static_cast<bool>(n < 0);
// CHECK-NEXT: if (tmp2_cond.value)
// CHECK-NEXT: {
// CHECK-NEXT: tmp2.value = 2;
// CHECK-NEXT: }
// CHECK-NEXT: else
// CHECK: // co_await Flag{false} || co_await Flag{true}
// CHECK: if (!tmp3.value)
// CHECK: static_cast<void>(tmp3.value);

int* cached();
int fallback_value = 7;
struct Ref {
  using Output = int&;
  asyncc::Poll<int&> poll(asyncc::Context&) { return asyncc::Poll<int&>::ready(fallback_value); }
};

// GNU `a ?: b`: a is evaluated once into the group, tested, and is the
// value when true; a glvalue is kept by address.
ASYNC asyncc::Async<int> gnu(int n) {
  int chosen = n ?: co_await Flag{true};
  int& target = *cached() ?: co_await Ref{};
  co_return chosen + target;
}
// CHECK-LABEL: struct gnu_future {
// CHECK: // n ?: co_await Flag{true}
// CHECK-NEXT: tmp1_common.value = n;
// CHECK-NEXT: tmp1_cond.value = static_cast<bool>(tmp1_common.value);
// CHECK-NEXT: if (tmp1_cond.value)
// CHECK-NEXT: {
// CHECK-NEXT: tmp1.value = tmp1_common.value;
// CHECK-NEXT: }
// CHECK-NEXT: else
// CHECK: // *cached() ?: co_await Ref{}
// CHECK-NEXT: tmp2_common.value = std::addressof(*cached());
// CHECK-NEXT: tmp2_cond.value = static_cast<bool>(*tmp2_common.value);
// CHECK-NEXT: if (tmp2_cond.value)
// CHECK-NEXT: {
// CHECK-NEXT: tmp2.value = std::addressof((*tmp2_common.value));
