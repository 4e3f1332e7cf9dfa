// A sanitizer report about code inside an async body names the line of the
// input (UndefinedBehaviorSanitizer: a signed overflow after an await).
//
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/input.cpp
// RUN: cd %t && %asyncc input.cpp -o output.cpp -- -I %asyncc_include
// RUN: %clangxx -std=c++17 -g -fsanitize=signed-integer-overflow -fno-sanitize-recover=all \
// RUN:   -I %asyncc_include %t/output.cpp -o %t/program
// RUN: %expect_exit 1 %t/program 2>&1 | FileCheck %s

#include <asyncc/async.hpp>

#include <climits>

struct Ready {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

ASYNC asyncc::Async<int> overflow(int base) {
  int big = co_await Ready{base};
  // CHECK: input.cpp:[[@LINE+1]]:{{[0-9]+}}: runtime error: signed integer overflow
  int sum = big + 1;
  co_return sum;
}

int main(int argc, char**) {
  asyncc::Context cx(asyncc::noop_waker());
  auto future = overflow(INT_MAX - 1 + argc);
  return future.poll(cx).value() == 0 ? 0 : 2;
}
