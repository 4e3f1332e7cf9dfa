// The value of an await that must outlive later awaits of its expression is
// kept in the frame as the value itself, not its Poll: a u8 takes one byte
// (taken from the site that polls the three futures of one type).
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
// CHECK:       site1.await(await1.value);
// CHECK-NEXT:  goto site1;
// CHECK-NEXT:  polled1:
// CHECK-NEXT:  ::new (static_cast<void*>(&value1.value)) unsigned char(site1.ready().value());
// CHECK-NEXT:  live = Live::None;
// Nothing is left to destroy when it returns: no Finish guard.
// CHECK:       state_ = State::Done;
// CHECK-NEXT:  return asyncc::detail::ready<Output>(unwind.armed, value1.value + value2.value + asyncc::detail::take(ready3));
// CHECK-NOT:   struct Finish
// The values, not their Polls, live to the end of the statement; the
// futures one after the other.
// CHECK:       asyncc::detail::Lifetime<Byte, 1, 3>,  // await1
// CHECK-NEXT:  asyncc::detail::Lifetime<unsigned char, 2, 10>,  // value1
// CHECK-NEXT:  asyncc::detail::Lifetime<Byte, 4, 6>,  // await2
// CHECK-NEXT:  asyncc::detail::Lifetime<unsigned char, 5, 10>,  // value2
// CHECK-NEXT:  asyncc::detail::Lifetime<Byte, 7, 8>,  // await3

int take_rvalue(std::uint8_t&& a, int b);

ASYNC asyncc::Async<int> bound() {
  // A reference binds to the first value, the comma discards the second:
  // both are read as prvalues.
  int r = take_rvalue(co_await base(), (co_await base(), co_await base()));
  co_return r;
}
// CHECK-LABEL: struct bound_future {
// CHECK:       int r = take_rvalue(asyncc::detail::moved(value1.value), (asyncc::detail::moved(value2.value), asyncc::detail::take(ready3)));

ASYNC asyncc::Async<std::string> word() { co_return "word"; }

ASYNC asyncc::Async<std::string> words() { co_return co_await word() + " " + co_await word(); }
// CHECK-LABEL: struct words_future {
// CHECK:       if (!asyncc::detail::resume_into(&value1.value, await1.value, cx)) return unwind.leave(asyncc::Poll<Output>::pending());
// CHECK-NEXT:  std::destroy_at(&await1.value);
// CHECK-NEXT:  live = Live::value1;
// CHECK-NEXT:  ::new
// The sum before the second await is made then, from the first value.
// CHECK-SAME:  std::basic_string<char>(asyncc::detail::moved(value1.value))
// The string kept to the end of the co_return is destroyed by the guard.
// CHECK:       finish.armed = true;
// CHECK:       case Live::value1: std::destroy_at(&value1.value); at = Live::None; break;
// CHECK:       struct Finish {
// CHECK:       asyncc::detail::Lifetime<asyncc::output_of<word_future>, 2, 9>,  // value1
// CHECK:       asyncc::detail::Slot<frame_, 1> value1;  // value of co_await word()

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
// CHECK:       ::new (static_cast<void*>(&ready1.value)) asyncc::detail::poll_result_t<MakeLoud>(await1.value.poll(cx));
// CHECK:       asyncc::detail::Lifetime<asyncc::detail::poll_result_t<MakeLoud>, 2, 9>,  // ready1
// CHECK:       asyncc::detail::Slot<frame_, 1> ready1;  // value of co_await MakeLoud{}
