// Names in the frame never collide with the user's: a function that names
// something like a generated block (`b0_x_y`) gets blocks named b_0, so
// block b_0's `x_y` has a live-set enumerator of its own, and the output
// compiles. A function may be named like a block, too; one that writes the
// names of the generated struct (cx, live, State, Output) keeps them, and the
// struct's own are spelled cx_, live_, State_, Output_.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
#include <asyncc/async.hpp>

#include <string>

ASYNC asyncc::Async<int> one() { co_return 1; }

ASYNC asyncc::Async<int> collide() {
  std::string b0_x_y = "outer";
  {
    std::string x_y = "inner";
    co_await one();
    b0_x_y += x_y;
  }
  co_await one();
  co_return static_cast<int>(b0_x_y.size());
}
// CHECK-LABEL: struct collide_future {
// CHECK:      enum class Live : std::uint8_t {
// CHECK-NEXT:   None,
// CHECK-NEXT:   b0_x_y,
// CHECK-NEXT:   b_0_x_y,

ASYNC asyncc::Async<int> b1(int value) {
  int total = value;
  {
    std::string b2 = "kept";
    total += co_await one();
    total += static_cast<int>(b2.size());
  }
  co_return total;
}
// CHECK-LABEL: struct b1_future {
// CHECK:      std::string b2;
// CHECK:      } b_0;

enum class State { Idle, Busy };
struct Output {
  int value;
};

ASYNC asyncc::Async<int> own_names(int cx) {
  State state = State::Busy;
  int live = cx;
  live += co_await one();
  Output out{live};
  co_return state == State::Busy ? out.value : 0;
}
// CHECK-LABEL: struct own_names_future {
// CHECK:      using Output_ = int;
// CHECK:      enum class State_ : std::uint8_t {
// CHECK:      asyncc::Poll<Output_> poll(asyncc::Context& cx_) {
// CHECK-NEXT:   Unwind unwind{*this, Live::None};
// CHECK-NEXT:   Live& live_ = unwind.live_;
// CHECK:      ::new (static_cast<void*>(&state)) State(State::Busy);
// CHECK:      live += asyncc::detail::take(ready1);
// CHECK:      Output out{live};
// CHECK:      int cx;
// CHECK:      State_ state_ = State_::Start;
