// switch and try with co_await inside. A resumption inside a switch jumps
// straight to its resume label; C++ forbids jumping into a try block, so a
// resumption inside one jumps to the label before the outermost try, and
// each try's own dispatch goes on. A handler first destroys what its try
// block had made in the frame.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <stdexcept>
#include <string>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

ASYNC asyncc::Async<int> by_case(int x) {
  switch (co_await Value{x}) {
  case 0:
    co_return co_await Value{10};
  case 1:
    x += 1;
    [[fallthrough]];
  default:
    break;
  }
  co_return x;
}
// CHECK-LABEL: struct by_case_future {
// CHECK: case State::Await1: live = Live::await1; goto resume1;
// CHECK: case State::Await2: live = Live::await2; goto resume2;
// CHECK: cond.value = asyncc::detail::take(ready1);
// CHECK: switch (cond.value)
// CHECK-NEXT: {
// CHECK-NEXT: case 0:
// CHECK: resume2:
// CHECK: case 1:
// CHECK: default:
// CHECK: asyncc::detail::Lifetime<int, {{[0-9]+}}, {{[0-9]+}}>,  // cond

ASYNC asyncc::Async<int> guarded(int x) {
  std::string kept = "kept";
  try {
    std::string inside = "inside";
    x += co_await Value{1};
    try {
      x += co_await Value{2};
    } catch (const std::logic_error&) {
      throw;
    }
  } catch (const std::exception& e) {
    co_return -1;
  }
  co_return x + static_cast<int>(kept.size());
}
// CHECK-LABEL: struct guarded_future {
// CHECK: State resuming = state_;
// CHECK: case State::Await1: live = Live::await1; goto try1;
// CHECK-NEXT: case State::Await2: live = Live::await2; goto try1;
// CHECK: try1:
// CHECK-NEXT: try
// CHECK-NEXT: {
// CHECK-NEXT: switch (resuming)
// CHECK-NEXT: {
// CHECK-NEXT: case State::Await1: resuming = State::Start; goto resume1;
// CHECK-NEXT: case State::Await2: goto try2;
// CHECK-NEXT: default: break;
// CHECK: try2:
// CHECK-NEXT: try
// CHECK-NEXT: {
// CHECK-NEXT: switch (resuming)
// CHECK-NEXT: {
// CHECK-NEXT: case State::Await2: resuming = State::Start; goto resume2;
// CHECK: catch (const std::logic_error&)
// CHECK-NEXT: {
// CHECK-NEXT: drop(live, Live::inside);
// CHECK-NEXT: live = Live::inside;
// CHECK: catch (const std::exception& e)
// CHECK-NEXT: {
// CHECK-NEXT: drop(live, Live::kept);
// CHECK-NEXT: live = Live::kept;

// Duff's device: the case labels stay inside the do-while, where the switch
// jumps; a resumption jumps to its label inside the loop.
ASYNC asyncc::Async<int> duff(int count) {
  int n = (count + 1) / 2, sent = 0;
  switch (count % 2) {
  case 0:
    do {
      sent += co_await Value{1};
    case 1:
      sent += co_await Value{2};
    } while (--n > 0);
  }
  co_return sent;
}
// CHECK-LABEL: struct duff_future {
// CHECK: case State::Await2: live = Live::await2; goto resume2;
// CHECK: switch (count % 2)
// CHECK: case 0:
// CHECK-NEXT: do
// CHECK: resume1:
// CHECK: case 1:
// CHECK: resume2:
// CHECK: while (--n.value > 0);
