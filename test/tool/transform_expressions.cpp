// Several awaits in one expression: the first value (not its Poll) is kept
// in the frame across the second await, beside a union of the two futures,
// which one site polls; a loop's locals are destroyed on break and continue.
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
// CHECK:        asyncc::detail::SharedPoll<Two> site1;
// CHECK:        ::new (static_cast<void*>(&await1.value)) Two(Two{});
// CHECK:      resume1:
// CHECK-NEXT:   site1.await(await1.value);
// CHECK-NEXT:   goto site1;
// CHECK-NEXT: polled1:
// CHECK-NEXT:   ::new (static_cast<void*>(&value1.value)) short(site1.ready().value());
// CHECK-NEXT:   live = Live::None;
// CHECK:      resume2:
// CHECK-NEXT:   site1.await(await2.value);
// CHECK-NEXT:   goto site1;
// What follows the last jump to the site, declarations included, is in
// braces of its own: the jump does not leave their scope.
// CHECK-NEXT:   {
// CHECK-NEXT: polled2:
// CHECK-NEXT:   auto ready2 = site1.ready();
// CHECK-NEXT:   live = Live::None;
// CHECK-NEXT:   int total = value1.value + asyncc::detail::take(ready2);
// The one poll of the two futures, which destroys each once it is ready.
// CHECK:      site1:
// CHECK-NEXT:   if (!site1.poll(cx)) return unwind.leave(asyncc::Poll<Output>::pending());
// CHECK-NEXT:   site1.destroy();
// CHECK-NEXT:   switch (state_) {
// CHECK-NEXT:     case State::Await1: goto polled1;
// CHECK-NEXT:     default: goto polled2;
// CHECK-NEXT:   }
// The first await's value lives until the statement ends, beside the
// second future; the two futures never coexist.
// CHECK:        using frame_ = asyncc::detail::Frame<
// CHECK-NEXT:     asyncc::detail::Lifetime<Two, 1, 3>,  // await1
// CHECK-NEXT:     asyncc::detail::Lifetime<short, 2, 7>,  // value1
// CHECK-NEXT:     asyncc::detail::Lifetime<Two, 4, 5>,  // await2
// CHECK-NEXT:     asyncc::detail::Lifetime<State, 0, 10>>;
// CHECK-NEXT:   union {
// CHECK-NEXT:     asyncc::detail::Slot<frame_, 0> await1;  // co_await Two{}
// CHECK-NEXT:     asyncc::detail::Slot<frame_, 1> value1;  // value of co_await Two{}
// CHECK-NEXT:     asyncc::detail::Slot<frame_, 2> await2;  // co_await Two{}
// CHECK-NEXT:     asyncc::detail::StateSlot<frame_, 3> state_ = State::Start;
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
// CHECK:        for (; i.value < n; ++i.value)
// CHECK:        if (i.value == 2)
// CHECK-NEXT:   {
// CHECK-NEXT:     {
// CHECK-NEXT:       std::destroy_at(&label.value);
// CHECK-NEXT:       live = Live::None;
// CHECK-NEXT:       continue;
// CHECK:        found.value += asyncc::detail::take(ready1);
// CHECK:        std::destroy_at(&label.value);
// CHECK-NEXT:   live = Live::None;
// CHECK-NEXT:   break;
// The loop variable and the string live beside each other, the future
// inside the string's lifetime.
// CHECK:        asyncc::detail::Lifetime<int, 2, 14>,  // found
// CHECK-NEXT:   asyncc::detail::Lifetime<int, 4, 12>,  // i
// CHECK-NEXT:   asyncc::detail::Lifetime<std::string, 6, 10>,  // label
// CHECK-NEXT:   asyncc::detail::Lifetime<Two, 7, 8>,  // await1
// CHECK-NEXT:   asyncc::detail::Lifetime<State, 0, 15>>;
