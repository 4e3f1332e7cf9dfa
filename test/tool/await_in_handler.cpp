// co_await in a catch handler is ill-formed C++20; Clang's own diagnostic
// reports it, and nothing is written.
//
// RUN: rm -f %t.cpp
// RUN: %expect_exit 1 %asyncc %s -o %t.cpp -- -I %asyncc_include 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: test ! -e %t.cpp

#include <asyncc/async.hpp>

struct One {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};

ASYNC asyncc::Async<int> in_handler() {
  try {
    co_await One{};
  } catch (...) {
    co_return co_await One{};
    // CHECK: await_in_handler.cpp:[[@LINE-1]]:15: error: 'co_await' cannot be used in the handler of a try block
  }
  co_return 0;
}
