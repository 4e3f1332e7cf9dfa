// The value of an await that must outlive later awaits of its expression is
// kept in the frame as the value itself, not its Poll: a u8 takes one byte.
// A scalar is read from its slot where it stands; other values are moved out
// as the prvalue the await is. A value whose move or destruction shows (a
// user's class) keeps its Poll, and so the order native C++ gives it. A
// return with nothing left in the frame only marks the future done.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <cstdint>
#include <string>

struct Byte {
  using Output = std::uint8_t;
  asyncc::Poll<std::uint8_t> poll(asyncc::Context&);
  bool done;
  std::uint8_t value;
};
Byte base();

ASYNC asyncc::Async<std::uint8_t> sum3() { co_return co_await base() + co_await base() + co_await base(); }
// CHECK-LABEL: struct sum3_future {
// CHECK:       if (!asyncc::detail::poll_into(&e1.value1, e1.await1, cx)) return unwind.leave(asyncc::Poll<Output>::pending());
// CHECK-NEXT:  std::destroy_at(&e1.await1);
// Nothing is left to destroy when it returns: no Finish guard.
// CHECK:       state_ = State::Done;
// CHECK-NEXT:  return unwind.leave(asyncc::Poll<Output>::ready(e1.value1 + e1.value2 + asyncc::detail::take(ready3)));
// CHECK-NOT:   struct Finish
// CHECK:       union { unsigned char value1; };  // value of co_await base()
// CHECK-NEXT:  union { unsigned char value2; };  // value of co_await base()
// CHECK-NEXT:  union {
// CHECK-NEXT:    Byte await1;  // co_await base()

int take_rvalue(std::uint8_t&& a, int b);

ASYNC asyncc::Async<int> bound() {
  // A reference binds to the first value, the comma discards the second:
  // both are read as prvalues.
  int r = take_rvalue(co_await base(), (co_await base(), co_await base()));
  co_return r;
}
// CHECK-LABEL: struct bound_future {
// CHECK:       int r = take_rvalue(asyncc::detail::moved(e1.value1), (asyncc::detail::moved(e1.value2), asyncc::detail::take(ready3)));

ASYNC asyncc::Async<std::string> word() { co_return "word"; }

ASYNC asyncc::Async<std::string> words() { co_return co_await word() + " " + co_await word(); }
// CHECK-LABEL: struct words_future {
// CHECK:       if (!asyncc::detail::poll_into(&e1.value1, e1.await1, cx)) return unwind.leave(asyncc::Poll<Output>::pending());
// CHECK-NEXT:  std::destroy_at(&e1.await1);
// CHECK-NEXT:  live = Live::e1_value1;
// CHECK-NEXT:  ::new
// The sum before the second await is made then, from the first value.
// CHECK-SAME:  std::basic_string<char>(asyncc::detail::moved(e1.value1))
// The string kept to the end of the co_return is destroyed by the guard.
// CHECK:       finish.armed = true;
// CHECK:       case Live::e1_value1: std::destroy_at(&e1.value1); at = Live::None; break;
// CHECK:       struct Finish {
// CHECK:       union { asyncc::output_of<word_future> value1; };  // value of co_await word()

struct Loud {
  Loud();
  Loud(Loud&&);
  ~Loud();
  int n;
};
struct MakeLoud {
  using Output = Loud;
  asyncc::Poll<Loud> poll(asyncc::Context&);
};

ASYNC asyncc::Async<int> loud() { co_return (co_await MakeLoud{}).n + (co_await MakeLoud{}).n; }
// CHECK-LABEL: struct loud_future {
// CHECK:       ::new (static_cast<void*>(&e1.ready1)) asyncc::detail::poll_result_t<MakeLoud>(e1.await1.poll(cx));
// CHECK:       union { asyncc::detail::poll_result_t<MakeLoud> ready1; };  // value of co_await MakeLoud{}
