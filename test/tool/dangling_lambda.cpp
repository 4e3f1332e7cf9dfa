// A capturing ASYNC lambda called where it is written leaves a future that
// refers to its closure, which dies at the end of the full-expression:
// handed to spawn, or kept in a variable, the future dangles (natively
// too). asyncc warns, with a fix-it for spawn: pass the lambda itself.
// Without captures, or with the lambda itself passed, it is fine.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include -fdiagnostics-parseable-fixits 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
#include <asyncc/asyncc.hpp>

#include <string>

int main() {
  asyncc::LocalExecutor ex;
  std::string name = "task";
  ex.spawn([name] ASYNC () -> asyncc::Async<int> { co_return static_cast<int>(name.size()); }());
  // CHECK: dangling_lambda.cpp:[[@LINE-1]]:12: warning: this ASYNC lambda's closure is destroyed at the end of the full-expression, but the future it returns refers to its captures and outlives it; pass the lambda itself, spawn([..] ASYNC (..) {..}), which keeps the closure alive with its future
  // CHECK: fix-it:"{{.*}}":{[[@LINE-2]]:94-[[@LINE-2]]:96}:""
  auto kept = [name] ASYNC () -> asyncc::Async<int> { co_return 1; }();
  // CHECK: dangling_lambda.cpp:[[@LINE-1]]:15: warning: this ASYNC lambda's closure
  ex.spawn([name] ASYNC () -> asyncc::Async<int> { co_return 2; });
  ex.spawn([] ASYNC () -> asyncc::Async<int> { co_return 3; }());
  // CHECK-NOT: warning:
  ex.run();
  (void)kept;
}
