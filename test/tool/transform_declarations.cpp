// Declarations users write around awaits: a condition variable initialized
// by an await, made each iteration and tested; a range-based for over a
// braced list, whose array (not only its initializer_list) is the range kept
// in the frame; a tuple-like structured binding, whose names point to what
// get<i> returned, made once; a reference bound to a part of a temporary,
// which keeps the whole temporary.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <optional>
#include <utility>

struct Next {
  using Output = std::optional<int>;
  asyncc::Poll<std::optional<int>> poll(asyncc::Context&) { return asyncc::Poll<std::optional<int>>::ready(1); }
};
struct One {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};

ASYNC asyncc::Async<int> drain() {
  int sum = 0;
  while (std::optional<int> v = co_await Next{})
    sum += *v + co_await One{};
  co_return sum;
}
// CHECK-LABEL: struct drain_future {
// CHECK:       // while (std::optional<int> v = co_await Next{})
// CHECK-NEXT:  for (;;)
// CHECK:       ::new (static_cast<void*>(&v.value)) std::optional<int>(asyncc::detail::take(ready1));
// CHECK:       if (!(v.value))
// CHECK-NEXT:  {
// CHECK-NEXT:    break;
// CHECK:       tmp1.value = *v.value;
// CHECK:       sum.value += tmp1.value + asyncc::detail::take(ready2);

ASYNC asyncc::Async<int> braced() {
  int sum = 0;
  for (int x : {1, 2, 3})
    sum += x * co_await One{};
  co_return sum;
}
// CHECK-LABEL: struct braced_future {
// CHECK:       ::new (static_cast<void*>(&range.value)) asyncc::detail::type_t<int[3]>{1, 2, 3};
// CHECK-NEXT:  ::new (static_cast<void*>(&begin.value)) const int *(range.value + 0);
// CHECK-NEXT:  ::new (static_cast<void*>(&end.value)) const int *(range.value + 3);
// CHECK:       asyncc::detail::Lifetime<asyncc::detail::type_t<int[3]>, {{[0-9]+}}, {{[0-9]+}}>,  // range
// CHECK:       asyncc::detail::Slot<frame_, 1> range;  // the array of the braced list

ASYNC asyncc::Async<int> pair_binding() {
  auto [a, b] = std::make_pair(1, 2);
  co_await One{};
  co_return a + b;
}
// CHECK-LABEL: struct pair_binding_future {
// CHECK:       binding_a_b_a.value = asyncc::detail::address(std::get<0>(std::move(binding_a_b.value)));
// CHECK-NEXT:  binding_a_b_b.value = asyncc::detail::address(std::get<1>(std::move(binding_a_b.value)));
// CHECK:       return asyncc::detail::ready<Output>(unwind.armed, (*binding_a_b_a.value) + (*binding_a_b_b.value));

struct Named {
  int id;
  std::pair<int, int> span;
};
Named make_named() { return Named{1, {2, 3}}; }

ASYNC asyncc::Async<int> part_of_temporary() {
  const int& last = make_named().span.second;
  co_await One{};
  co_return last;
}
// The whole temporary is the frame's value; the reference names its part.
// CHECK-LABEL: struct part_of_temporary_future {
// CHECK:       ::new (static_cast<void*>(&last.value)) Named(make_named());
// CHECK:       return asyncc::detail::ready<Output>(unwind.armed, static_cast<const int&>(last.value.span.second));
// CHECK:       asyncc::detail::Lifetime<Named, {{[0-9]+}}, {{[0-9]+}}>,  // last
// CHECK:       asyncc::detail::Slot<frame_, 0> last;  // the whole temporary: const int& last = make_named().span.second
