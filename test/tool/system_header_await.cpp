// Awaiting an ASYNC function of a system header is refused: its future
// exists only in a transformed header, and system headers are not. The same
// header included as a project header (-I) is fine.
//
// RUN: rm -f %t.cpp
// RUN: %expect_exit 1 %asyncc %s -o %t.cpp -- -I %asyncc_include -isystem %S/Inputs/headers/system 2> %t.err
// RUN: FileCheck %s --input-file=%t.err -DFILE=%s
// RUN: not ls %t.cpp
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include -I %S/Inputs/headers/system
// RUN: FileCheck %s --input-file=%t.cpp --check-prefix=PROJECT

#include <system_lib.hpp>

ASYNC asyncc::Async<int> user() {
  // CHECK: [[FILE]]:[[@LINE+1]]:22: error: 'vendor::fetch' is an ASYNC function of a system header, which is not transformed: its future 'vendor::fetch_future' would not exist; transform that header as one of the project's (include it with -I, not -isystem), or await it from a function that is not ASYNC
  co_return co_await vendor::fetch() + 1;
  // CHECK: system_lib.hpp:6:33: note: defined here
  // PROJECT: vendor::fetch_future
}
