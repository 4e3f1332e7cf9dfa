// A temporary of an awaited call lives, as C++ keeps it, to the end of the
// full-expression: it is made in the frame where it stands in the operand,
// counted in the live set once made, and destroyed after the statement. A
// value computed before an await of the same expression (a stream, a call)
// is computed into the frame before the await and read from there.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <chrono>
#include <iostream>
#include <string>

struct Ready {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};
Ready open_file(const std::string& name);
Ready wait_for(std::chrono::milliseconds d);

ASYNC asyncc::Async<int> read_both() {
  int n = co_await open_file("foo.txt") + co_await wait_for(std::chrono::milliseconds(10));
  co_return n;
}
// CHECK-LABEL: struct read_both_future {
// The string made from "foo.txt" is made in the frame, as copy-initialization
// makes it; the int bound to the duration's constructor cannot be seen once
// the duration is made, and stays a temporary of the statement.
// CHECK:       ::new (static_cast<void*>(&await1.value)) Ready(open_file(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) std::string(asyncc::detail::implicitly<std::string>("foo.txt")), live, Live::None, Live::tmp1)));
// CHECK:       ::new (static_cast<void*>(&await2.value)) Ready(wait_for(std::chrono::milliseconds(10)));
// CHECK:       int n = value1.value + asyncc::detail::take(ready2);
// CHECK-NEXT:  asyncc::detail::discard(ready2);
// CHECK-NEXT:  std::destroy_at(&tmp1.value);
// CHECK:       case Live::await1: std::destroy_at(&await1.value); at = Live::tmp1; break;
// It lives to the end of the statement, beside both futures, which never
// coexist.
// CHECK:       asyncc::detail::Lifetime<std::string, 1, 8>,  // tmp1
// CHECK-NEXT:  asyncc::detail::Lifetime<Ready, 2, 4>,  // await1
// CHECK-NEXT:  asyncc::detail::Lifetime<int, 3, 8>,  // value1
// CHECK-NEXT:  asyncc::detail::Lifetime<Ready, 5, 6>,  // await2

ASYNC asyncc::Async<int> stream(int id) {
  std::cout << "id " << id << ": " << co_await open_file("x") << "\n";
  co_return 0;
}
// CHECK-LABEL: struct stream_future {
// CHECK:       tmp1.value = asyncc::detail::address(std::cout << "id " << id << ": ");
// CHECK:       state_ = State::Await1;
// CHECK:       (*tmp1.value) << asyncc::detail::take(ready1) << "\n";
// CHECK:       asyncc::detail::Lifetime<std::basic_ostream<char, std::char_traits<char>> *, {{[0-9]+}}, {{[0-9]+}}>,  // tmp1
