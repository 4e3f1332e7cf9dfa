// A compiler diagnostic about code inside an async body points at the line
// of the input, through the #line directives of the output (the line, not
// the column: the statement is rewritten); code after the state machine is
// reported at its line in the output.
//
// RUN: rm -rf %t && mkdir -p %t && cp %s %t/input.cpp
// RUN: cd %t && %asyncc input.cpp -o output.cpp -- -I %asyncc_include
// RUN: %expect_exit 1 %clangxx -std=c++17 -fsyntax-only -Werror=deprecated-declarations -I %asyncc_include \
// RUN:   output.cpp 2> %t/errors
// RUN: FileCheck %s --input-file=%t/errors
// RUN: %python %S/utils/line_of.py %t/errors output.cpp %t/output.cpp | FileCheck %s --check-prefix=AFTER

#include <asyncc/async.hpp>

[[deprecated]] int old_api();
struct Ready {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};
Ready helper();

ASYNC asyncc::Async<int> body() {
  int a = co_await helper();
  // CHECK: input.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'old_api' is deprecated
  int b = old_api() + a;
  co_await helper();
  // CHECK: input.cpp:[[@LINE+1]]:{{[0-9]+}}: error: 'old_api' is deprecated
  co_return old_api() + b;
}

int after_the_state_machine() { return old_api(); }
// AFTER: int after_the_state_machine() { return old_api(); }
