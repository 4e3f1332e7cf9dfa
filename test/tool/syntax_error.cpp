// Errors in the input: Clang's diagnostic (file:line:col), exit status 1,
// and nothing listed for the file, not even its well-formed functions.
//
// RUN: %expect_exit 1 %asyncc --list %s -- -I %asyncc_include > %t.out 2> %t.err
// RUN: FileCheck %s --input-file=%t.err -DFILE=%s
// RUN: FileCheck %s --input-file=%t.out --check-prefix=OUT --allow-empty

#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> fine() { co_return 1; }

ASYNC asyncc::Async<int> broken() {
  // CHECK: [[FILE]]:[[@LINE+1]]:12: error: expected ';' at end of declaration
  int x = 1
  co_return x;
}

// OUT-NOT: {{.}}
