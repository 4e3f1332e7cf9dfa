// Several awaits in one expression: the first value (not its Poll) is kept
// in the frame across the second await, beside a union of the two futures; a loop's
// locals are destroyed on break and continue.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <string>

struct Two {
  using Output = short;
  asyncc::Poll<short> poll(asyncc::Context&) { return asyncc::Poll<short>::ready(short(2)); }
};

ASYNC asyncc::Async<int> sum() {
  int total = co_await Two{} + co_await Two{};
  co_return total;
}
// CHECK-LABEL: struct sum_future {
// CHECK:        if (!asyncc::detail::poll_into(&e1.value1, e1.await1, cx)) return unwind.leave(asyncc::Poll<Output>::pending());
// CHECK:        std::destroy_at(&e1.await1);
// CHECK:        int total = e1.value1 + asyncc::detail::take(ready2);
// CHECK:        union {
// CHECK-NEXT:     struct {
// CHECK-NEXT:       union { short value1; };  // value of co_await Two{}
// CHECK-NEXT:       union {
// CHECK-NEXT:         Two await1;  // co_await Two{}
// CHECK-NEXT:         Two await2;  // co_await Two{}
// CHECK-NEXT:       };
// CHECK-NEXT:     } e1;
// CHECK-NEXT:   };

ASYNC asyncc::Async<int> loop(int n) {
  int found = 0;
  for (int i = 0; i < n; ++i) {
    std::string label = "item";
    if (i == 2)
      continue;
    found += co_await Two{};
    if (found > 6)
      break;
  }
  co_return found;
}
// CHECK-LABEL: struct loop_future {
// CHECK:        for (; s0.i < n; ++s0.i)
// CHECK:        if (s0.i == 2)
// CHECK-NEXT:   {
// CHECK-NEXT:     {
// CHECK-NEXT:       std::destroy_at(&s0.b1.label);
// CHECK-NEXT:       live = Live::None;
// CHECK-NEXT:       continue;
// CHECK:        found += asyncc::detail::take(ready1);
// CHECK:        std::destroy_at(&s0.b1.label);
// CHECK-NEXT:   live = Live::None;
// CHECK-NEXT:   break;
// The loop variable and the string live beside each other, the future in
// the innermost union.
// CHECK:        union { int found; };
// CHECK-NEXT:   union {
// CHECK-NEXT:     struct {
// CHECK-NEXT:       union { int i; };
// CHECK-NEXT:       union {
// CHECK-NEXT:         struct {
// CHECK-NEXT:           union { std::string label; };
// CHECK-NEXT:           union {
// CHECK-NEXT:             Two await1;
