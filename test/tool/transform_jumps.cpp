// goto, break and continue leaving scopes that hold frame values. A goto
// destroys what was made since its label's live set, innermost first, and
// says what is alive there before it jumps; a local with a destructor that a
// jump leaves after a frame value goes in the frame, to be destroyed first.
// A body that can flow off its end stops there.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: %asyncc %s --dump=states -- -I %asyncc_include | FileCheck %s --check-prefix=STATES

#include <asyncc/async.hpp>

#include <string>
#include <vector>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

ASYNC asyncc::Async<int> retry(int n) {
  std::string session = "s";
again:
  std::string attempt = "a";
  int got = co_await Value{n};
  if (got < 0) {
    std::string reason = "r";
    co_await Value{1};
    goto again;
  }
  co_return got;
}
// CHECK-LABEL: struct retry_future {
// CHECK:      again:
// CHECK-NEXT:   ::new (static_cast<void*>(&attempt.value)) std::string("a");
// CHECK:        std::destroy_at(&reason.value);
// CHECK-NEXT:   std::destroy_at(&attempt.value);
// CHECK-NEXT:   live = Live::session;
// CHECK-NEXT:   goto again;

// STATES-LABEL: retry ({{.*}}transform_jumps.cpp:
// STATES:       Await2: co_await Value{1}
// STATES:         next: pending -> Await2; ready -> Await1

ASYNC asyncc::Async<int> leave_loop(int n) {
  while (n > 0) {
    std::string frame = "f";
    co_await Value{n};
    {
      std::string local = "l";
      if (n == 1) break;
    }
    --n;
  }
  co_return n;
}
// The local the break leaves goes in the frame, destroyed before `frame`.
// CHECK-LABEL: struct leave_loop_future {
// CHECK:        ::new (static_cast<void*>(&local.value)) std::string("l");
// CHECK:        if (n == 1)
// CHECK:          std::destroy_at(&local.value);
// CHECK-NEXT:     std::destroy_at(&frame.value);
// CHECK-NEXT:     live = Live::None;
// CHECK-NEXT:     break;

ASYNC asyncc::Async<int> first_even(std::vector<int> items) {
  for (int item : items)
    if (item % 2 == 0) co_return item;
  co_return -1;
}
// A range-based for whose body returns without awaiting is lowered too.
// CHECK-LABEL: struct first_even_future {
// CHECK:        for (; begin.value != end.value; ++begin.value)
// CHECK-NEXT:   {
// CHECK-NEXT:     ::new (static_cast<void*>(&item.value)) int(*begin.value);

ASYNC asyncc::Async<int> loops_forever(int n) {
  while (true) {
    if (co_await Value{n} > 3) co_return n;
    ++n;
  }
}
// CHECK-LABEL: struct loops_forever_future {
// CHECK:        asyncc::detail::flowed_off_end("loops_forever");

// A label at the end of a block keeps its empty statement.
ASYNC asyncc::Async<int> leave_early(int n) {
  {
    std::string held = "h";
    if (co_await Value{n} > 1) goto done;
    n += co_await Value{1};
  done:;
  }
  co_return n;
}
// CHECK-LABEL: struct leave_early_future {
// CHECK: goto done;
// CHECK: done:
// CHECK-NEXT: ;
// CHECK-NEXT: std::destroy_at(&held.value);
