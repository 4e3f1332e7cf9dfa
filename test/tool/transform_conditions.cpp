// co_await in conditions: the condition's value goes to a bool of the frame
// after its awaits; loops whose head awaits become `for (;;)` that evaluates
// the head at the top, where `continue` leads.
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

ASYNC asyncc::Async<int> conditions(int n) {
  int total = 0;
  if (co_await Flag{n > 0})
    total += 1;
  while (co_await Flag{total < n})
    ++total;
  do {
    ++total;
  } while (co_await Flag{total < 2 * n});
  for (int i = 0; co_await Flag{i < n}; ++i)
    total += i;
  co_return total;
}

// CHECK-LABEL: struct conditions_future {
// CHECK:        cond.value = static_cast<bool>(asyncc::detail::take(ready1));
// CHECK-NEXT:   asyncc::detail::discard(ready1);
// CHECK-NEXT: }
// CHECK-NEXT: }
// CHECK-NEXT: {
// CHECK-NEXT: if (cond.value)
// CHECK:        // while (co_await Flag{total < n})
// CHECK-NEXT:   for (;;)
// CHECK:          cond_2.value = static_cast<bool>(asyncc::detail::take(ready2));
// CHECK:          if (!cond_2.value)
// CHECK-NEXT:       break;
// CHECK:        // do ... while (co_await Flag{total < 2 * n})
// CHECK-NEXT:   first.value = true;
// CHECK-NEXT:   for (;;)
// CHECK-NEXT:   {
// CHECK-NEXT:     if (!first.value)
// CHECK:          first.value = false;
// CHECK:        // for (int i = 0; co_await Flag{i < n}; ++i)
// CHECK:          if (!first_2.value)
// CHECK-NEXT:     {
// CHECK-NEXT:       ++i.value;
// CHECK-NEXT:     }
// CHECK-NEXT:     first_2.value = false;
// CHECK:          asyncc::detail::Slot<frame_, 1> cond;  // if (co_await Flag{n > 0})
