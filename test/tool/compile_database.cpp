// -p <dir> reads the compile command from <dir>/compile_commands.json (here
// the include path and a define; the C++20 default still applies).
//
// RUN: rm -rf %t && mkdir -p %t
// RUN: sed -e "s|@DIR@|%t|g" -e "s|@FILE@|%s|g" -e "s|@INCLUDE@|%asyncc_include|g" \
// RUN:   %S/Inputs/compile_commands.json.in > %t/compile_commands.json
// RUN: %asyncc --list -p %t %s | FileCheck %s -DFILE=%s --match-full-lines
//
// Without the database, the flags are missing: a different listing.
// RUN: %asyncc --list %s -- -I %asyncc_include | FileCheck %s -DFILE=%s --check-prefix=NO-DB --match-full-lines

#include <asyncc/async.hpp>

#ifdef ASYNCC_TEST_FROM_DATABASE
// CHECK:[[FILE]]:[[@LINE+1]]:26: configured() -> asyncc::Async<int>
ASYNC asyncc::Async<int> configured() { co_return 1; }
#endif

// CHECK-NEXT:[[FILE]]:[[@LINE+2]]:26: always() -> asyncc::Async<int>
// NO-DB:[[FILE]]:[[@LINE+1]]:26: always() -> asyncc::Async<int>
ASYNC asyncc::Async<int> always() { co_return 2; }
// CHECK-NOT: {{.+}}
// NO-DB-NOT: {{.+}}
