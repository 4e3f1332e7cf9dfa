// Futures of one type awaited at several places are polled at one site after
// the body (asyncc::detail::SharedPoll), so that the compiler sees one call of
// that poll and inlines it: each await names its future, jumps to the site,
// and comes back to the label after it. Only futures made in the frame,
// outside try blocks (no jump may enter one), whose Poll is trivially
// copyable (a trivial value, a reference, void); a type awaited once keeps
// its poll where the await is.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <cstdint>
#include <string>

struct Byte {
  using Output = std::uint8_t;
  asyncc::Poll<std::uint8_t> poll(asyncc::Context&);
};
Byte base();

ASYNC asyncc::Async<std::uint8_t> level1() { co_return co_await base() + co_await base() + co_await base(); }
// CHECK-LABEL: struct level1_future {
// CHECK:         asyncc::detail::SharedPoll<Byte> site1;  // polls the futures of several awaits: see site1 below
// CHECK:       resume3:
// CHECK-NEXT:    site1.await(await3.value);
// CHECK-NEXT:    goto site1;
// CHECK-NEXT:    {
// CHECK-NEXT:  polled3:
// CHECK-NEXT:    auto ready3 = site1.ready();
// CHECK:       // The poll of Await1, Await2, Await3: one call, which the compiler can inline.
// CHECK-NEXT:  site1:
// CHECK-NEXT:    if (!site1.poll(cx)) return unwind.leave(asyncc::Poll<Output>::pending());
// CHECK-NEXT:    site1.destroy();
// CHECK-NEXT:    switch (state_) {
// CHECK-NEXT:      case State::Await1: goto polled1;
// CHECK-NEXT:      case State::Await2: goto polled2;
// CHECK-NEXT:      default: goto polled3;
// CHECK-NEXT:    }
// CHECK-NEXT:  }

// The futures of an ASYNC function, which the caller made, are resumed: the
// site's poll passes asyncc::detail::Resume.
ASYNC asyncc::Async<std::uint8_t> level2() { co_return co_await level1() + co_await level1(); }
// CHECK-LABEL: struct level2_future {
// CHECK:         asyncc::detail::SharedPoll<level1_future, asyncc::detail::Resume> site1;

struct Flag {
  using Output = bool;
  asyncc::Poll<bool> poll(asyncc::Context&);
};
struct Text {
  using Output = std::string;
  asyncc::Poll<std::string> poll(asyncc::Context&);
};
struct Nothing {
  using Output = void;
  asyncc::Poll<void> poll(asyncc::Context&);
};
struct Slot {
  using Output = int&;
  asyncc::Poll<int&> poll(asyncc::Context&);
};

// A loop's awaits and a branch's share the site of their type; the string's
// Poll is not trivial, the named future is polled where it is, a try block's
// awaits keep their polls, and the type awaited once has no site.
ASYNC asyncc::Async<int> mixed(int n) {
  int total = 0;
  while (co_await Flag{}) {
    if (n > 0)
      total += co_await Flag{};
    co_await Nothing{};
    co_await Slot{} += 1;
  }
  std::string s = co_await Text{} + co_await Text{};
  Flag named;
  total += co_await named;
  total += co_await named;
  try {
    total += co_await Flag{};
    co_await Nothing{};
  } catch (...) {
  }
  co_await Nothing{};
  total += co_await Slot{};
  co_return total + static_cast<int>(s.size());
}
// CHECK-LABEL: struct mixed_future {
// CHECK:         asyncc::detail::SharedPoll<Flag> site1;
// CHECK-NEXT:    asyncc::detail::SharedPoll<Nothing> site2;
// CHECK-NEXT:    asyncc::detail::SharedPoll<Slot> site3;
// CHECK-NEXT:    switch (state_) {
// CHECK:         site1.await(await1.value);
// CHECK:         site1.await(await2.value);
// CHECK:         site2.await(await3.value);
// CHECK:         site3.await(await4.value);
// CHECK:         if (!asyncc::detail::poll_into(&value5.value, await5.value, cx)) return
// CHECK:         auto ready6 = await6.value.poll(cx);
// CHECK:         auto ready7 = (named.value).poll(cx);
// CHECK:         auto ready8 = (named.value).poll(cx);
// CHECK:       try
// CHECK:         auto ready9 = await9.value.poll(cx);
// CHECK:         auto ready10 = await10.value.poll(cx);
// CHECK:       catch (...)
// CHECK:         site2.await(await11.value);
// CHECK:         site3.await(await12.value);
// CHECK:       // The poll of Await1, Await2: one call, which the compiler can inline.
// CHECK-NEXT:  site1:
// CHECK:       // The poll of Await3, Await11: one call, which the compiler can inline.
// CHECK-NEXT:  site2:
// CHECK:       // The poll of Await4, Await12: one call, which the compiler can inline.
// CHECK-NEXT:  site3:

// Names of the user's that look like the site's stay theirs.
int site1(int x);
ASYNC asyncc::Async<int> named_like_a_site() {
  int polled1 = co_await Flag{};
  co_return site1(polled1 + co_await Flag{});
}
// CHECK-LABEL: struct named_like_a_site_future {
// CHECK:         asyncc::detail::SharedPoll<Flag> site_1;
// CHECK:         goto site_1;
// CHECK-NEXT:    {
// CHECK-NEXT:  polled_1:
// CHECK:         return asyncc::detail::ready<Output>(unwind.armed, site1(tmp1.value + asyncc::detail::take(ready2)));
// CHECK:       site_1:
