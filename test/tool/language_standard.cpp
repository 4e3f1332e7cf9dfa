// Input is C++20 by default; a -std among the user's arguments wins.
//
// RUN: %asyncc --list %s -- -I %asyncc_include | FileCheck %s -DFILE=%s --match-full-lines
// RUN: %expect_exit 1 %asyncc --list %s -- -I %asyncc_include -std=c++17 2>&1 \
// RUN:   | FileCheck %s --check-prefix=CXX17
// RUN: %asyncc --list %s --extra-arg=-std=c++2b -- -I %asyncc_include \
// RUN:   | FileCheck %s -DFILE=%s --check-prefix=CXX23 --match-full-lines

#include <asyncc/async.hpp>

// CHECK-NOT: cxx23

#if __cplusplus < 202002L
// CXX17: language_standard.cpp:[[@LINE+1]]:2: error: parsed as C++17
#error parsed as C++17
#elif __cplusplus > 202002L
// CXX23:[[FILE]]:[[@LINE+1]]:26: cxx23() -> asyncc::Async<int>
ASYNC asyncc::Async<int> cxx23() { co_return 23; }
#endif

// CHECK:[[FILE]]:[[@LINE+2]]:26: cxx20() -> asyncc::Async<int>
// CXX23-NEXT:[[FILE]]:[[@LINE+1]]:26: cxx20() -> asyncc::Async<int>
ASYNC asyncc::Async<int> cxx20() { co_return 20; }
