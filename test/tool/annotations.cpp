// ASYNC on a declaration that is never defined is an error; a coroutine that
// returns Async<T> without ASYNC gets a warning with a fix-it and stays as it
// is; a user's own coroutine type is left alone.
//
// RUN: %expect_exit 1 %asyncc %s -o %t.cpp -- -I %asyncc_include -DWITH_DECLARATION 2> %t.err
// RUN: FileCheck %s --check-prefix=ERROR < %t.err
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include 2> %t.warn
// RUN: FileCheck %s --check-prefix=WARN < %t.warn
// RUN: grep -v OUT: %t.cpp | FileCheck %s --check-prefix=OUT

#include <asyncc/async.hpp>

#include <coroutine>

#ifdef WITH_DECLARATION
ASYNC asyncc::Async<int> nobody(int);
// ERROR: annotations.cpp:[[@LINE-1]]:26: error: ASYNC on a declaration without a body: asyncc transforms definitions; define 'nobody' in this file
#endif

asyncc::Async<int> plain() { co_return 1; }
// WARN: annotations.cpp:[[@LINE-1]]:20: warning: 'plain' returns asyncc::Async but is not annotated ASYNC: it stays a native C++20 coroutine (add ASYNC to transform it)
// WARN: ASYNC
// OUT: asyncc::Async<int> plain() { co_return 1; }

struct Generator {
  struct promise_type {
    Generator get_return_object() { return {}; }
    std::suspend_never initial_suspend() { return {}; }
    std::suspend_never final_suspend() noexcept { return {}; }
    void return_void() {}
    void unhandled_exception() {}
  };
};
Generator own() { co_return; }
// OUT: Generator own() { co_return; }
// WARN-NOT: own
