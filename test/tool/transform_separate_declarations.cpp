// Separate declarations of ASYNC functions declare the wrapper and the
// struct it returns. When the body names nothing declared after the first
// declaration, the struct is defined there, so that calls before the body
// compile, and the body's place keeps the wrapper; otherwise the struct
// stays with the body. A static function's declarations are in the unnamed
// namespace too; a definition by qualified name reopens its namespace.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// The output is a fixed point: asyncc finds nothing left to transform.
// RUN: %asyncc %t.cpp -o %t.again.cpp -- -I %asyncc_include
// RUN: diff %t.cpp %t.again.cpp

#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

ASYNC asyncc::Async<int> fetch(int id, int scale = 2);
[[nodiscard]] static ASYNC asyncc::Async<int> local(int id);
ASYNC asyncc::Async<int> stays(int id);

namespace lib {
ASYNC asyncc::Async<int> twice(int x) noexcept;
}

int call_before() { return asyncc::block_on(fetch(1)) + asyncc::block_on(local(2)) + asyncc::block_on(lib::twice(3)); }

struct Later {
  int value = 1;
};

ASYNC asyncc::Async<int> fetch(int id, int scale) { co_return scale * co_await Value{id}; }

ASYNC asyncc::Async<int> local(int id) { co_return co_await Value{id}; }

ASYNC asyncc::Async<int> stays(int id) {
  Later later;
  co_return later.value + co_await Value{id};
}

ASYNC asyncc::Async<int> lib::twice(int x) noexcept { co_return 2 * co_await Value{x}; }

int call_after() { return asyncc::block_on(stays(1)); }

// An out-of-line method: its struct is defined in the class when the body
// names only what is declared before the declaration there (members are
// seen from poll anyway), else declared there and defined with the body.
class Counter {
 public:
  ASYNC asyncc::Async<int> bump(int by);
  ASYNC asyncc::Async<int> later();
  int sync_bump() { return asyncc::block_on(bump(1)); }

 private:
  struct Step {
    int size = 1;
  };
  int count_ = 0;
};

int use_counter(Counter& c) { return asyncc::block_on(c.bump(2)); }

ASYNC asyncc::Async<int> Counter::bump(int by) { co_return count_ += co_await Value{by}; }

ASYNC asyncc::Async<int> Counter::later() {
  Step step;
  co_return count_ + co_await Value{step.size};
}

// CHECK:      struct fetch_future;
// CHECK-NEXT: inline fetch_future fetch(int id, int scale = 2);
// CHECK-NEXT: // ASYNC fetch, transform_separate_declarations.cpp:39, as a state machine (asyncc)
// CHECK-NEXT: struct fetch_future {
// CHECK:      namespace {
// CHECK-NEXT: struct local_future;
// CHECK-NEXT: {{\[\[nodiscard\]\]}} inline local_future local(int id);
// CHECK-NEXT: // ASYNC local
// CHECK-NEXT: struct local_future {
// CHECK:      } // namespace
// CHECK-NEXT: struct stays_future;
// CHECK-NEXT: inline stays_future stays(int id);
// CHECK-EMPTY:
// CHECK-NEXT: namespace lib {
// CHECK-NEXT: struct twice_future;
// CHECK-NEXT: inline twice_future twice(int x) noexcept;
// CHECK-NEXT: // ASYNC twice
// CHECK-NEXT: struct twice_future {
// CHECK:      int call_before()
// CHECK:      inline fetch_future fetch(int id, int scale) {
// CHECK-NEXT:   return fetch_future(std::move(id), std::move(scale));
// CHECK-NEXT: }
// CHECK:      namespace {
// CHECK-NEXT: inline local_future local(int id) {
// CHECK:      return local_future(std::move(id));
// CHECK:      } // namespace
// CHECK:      // ASYNC stays
// CHECK-NEXT: struct stays_future {
// CHECK:      inline stays_future stays(int id) {
// CHECK:      namespace lib {
// CHECK-NEXT: inline twice_future twice(int x) noexcept {
// CHECK-NEXT:   return twice_future(std::move(x));
// CHECK-NEXT: }
// CHECK-NEXT: } // namespace lib
// CHECK:      class Counter {
// CHECK:        // ASYNC bump, transform_separate_declarations.cpp:{{[0-9]+}}, as a state machine (asyncc)
// CHECK-NEXT:   struct bump_future {
// CHECK:          Counter* self;
// CHECK:        bump_future bump(int by);
// CHECK-NEXT:   struct later_future;
// CHECK-NEXT:   later_future later();
// CHECK:      Counter::bump_future Counter::bump(int by) {
// CHECK-NEXT:   return bump_future(this, std::move(by));
// CHECK:      struct Counter::later_future {
// CHECK:      Counter::later_future Counter::later() {
