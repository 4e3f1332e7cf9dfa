// An instantiation of an ASYNC template that only an unevaluated operand
// names has its body instantiated, so that its future exists. One whose body
// does not compile for its arguments (C++ itself never compiles it) is
// refused at that use, with asyncc's diagnostic and not the body's errors,
// and nothing is written.
//
// RUN: %expect_exit 1 %asyncc %s -o %t.cpp -- -I %asyncc_include 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: not test -e %t.cpp

#include <asyncc/async.hpp>

#include <string>

template <class T>
ASYNC asyncc::Async<T> doubled(T v) { co_return v * 2; }

using DoubledInt = decltype(doubled(1));
using DoubledString = decltype(doubled(std::string("x")));
// CHECK: unevaluated_instantiation.cpp:[[@LINE-1]]:32: error: asyncc makes a future for every instantiation of an ASYNC template, so it compiles the body of this one, which C++ only names here, in an unevaluated operand; that body does not compile for these arguments; name it only with arguments its body accepts, or constrain the template (std::enable_if) to exclude them
// CHECK-NOT: invalid operands
// CHECK-NOT: error:
