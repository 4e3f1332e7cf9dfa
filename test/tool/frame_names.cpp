// Names in the frame never collide with the user's. Every value the frame
// stores is a member of one union, named after the variable: two variables
// of one name in two blocks get two members (x, x_2), and a variable named
// like something else the function names (a global `value` read before the
// local `value` is declared) gets another name (value_2), so that the
// member does not hide it in poll. A function may be named like a
// generated name, too; one that writes the names of the generated struct
// (cx, live, State, Output) keeps them, and the struct's own are spelled
// cx_, live_, State_, Output_.
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
// CHECK-NEXT:   x_y,
// CHECK:      asyncc::detail::Slot<frame_, 0> b0_x_y;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 1> x_y;

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
// CHECK:      asyncc::detail::Lifetime<std::string, {{[0-9]+}}, {{[0-9]+}}>,  // b2
// CHECK:      asyncc::detail::Slot<frame_, 1> b2;

int value = 7;

ASYNC asyncc::Async<int> shadowing() {
  int total = value;
  {
    int x = 1;
    co_await one();
    total += x;
  }
  {
    int x = 2;
    co_await one();
    total += x;
  }
  int value = co_await one();
  co_await one();
  co_return total + value;
}
// CHECK-LABEL: struct shadowing_future {
// CHECK:      ::new (static_cast<void*>(&total.value)) int(value);
// CHECK:      ::new (static_cast<void*>(&x.value)) int(1);
// CHECK:      total.value += x.value;
// CHECK:      ::new (static_cast<void*>(&x_2.value)) int(2);
// CHECK:      total.value += x_2.value;
// CHECK:      ::new (static_cast<void*>(&value_2.value)) int(asyncc::detail::take(ready3));
// CHECK:      asyncc::detail::ready<Output>(unwind.armed, total.value + value_2.value)
// CHECK:      asyncc::detail::Slot<frame_, 0> total;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 1> x;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 2> await1;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 3> x_2;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 4> await2;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 5> value_2;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 6> await3;
// CHECK-NEXT: asyncc::detail::Slot<frame_, 7> await4;

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
// CHECK-NEXT:   if (state_ == State_::Done) asyncc::detail::polled_after_completion("own_names");
// CHECK-NEXT:   return poll(cx_, asyncc::detail::resume);
// CHECK:      asyncc::Poll<Output_> poll(asyncc::Context& cx_, asyncc::detail::Resume) {
// CHECK-NEXT:   Unwind unwind{*this, Live::None};
// CHECK-NEXT:   Live& live_ = unwind.live_;
// CHECK:      ::new (static_cast<void*>(&state.value)) State(State::Busy);
// CHECK:      live.value += asyncc::detail::take(ready1);
// CHECK:      Output out{live.value};
// CHECK:      int cx;
// CHECK:      asyncc::detail::Lifetime<State_, 0, {{[0-9]+}}>>;
// CHECK:      asyncc::detail::StateSlot<frame_, 3> state_ = State_::Start;

// `poll` stays the future's: a function of that name called unqualified is
// called by its qualified name, and a variable of that name gets another.
// A class named with its keyword (`struct pollfd`) is made in the frame
// with its type in parentheses, where a brace would read as a definition.
struct pollfd {
  int fd;
  short events;
};
int poll(pollfd* fds, int n);
namespace net {
struct Socket {
  int fd;
};
int poll(Socket s);
}  // namespace net
ASYNC asyncc::Async<int> waits(net::Socket s) {
  struct pollfd pfd{3, 1};
  co_await one();
  int ready = poll(&pfd, 1) + poll(s) + net::poll(s);
  co_return ready;
}
// CHECK-LABEL: struct waits_future {
// CHECK:      ::new (static_cast<void*>(&pfd.value)) (struct pollfd){3, 1};
// CHECK:      int ready = ::poll(&pfd.value, 1) + ::net::poll(s) + net::poll(s);
ASYNC asyncc::Async<int> counts() {
  int poll = 2;
  co_await one();
  co_return poll;
}
// CHECK-LABEL: struct counts_future {
// CHECK:      ::new (static_cast<void*>(&poll_2.value)) int(2);
// CHECK:      return asyncc::detail::ready<Output>(unwind.armed, std::move(poll_2.value));
// So does `cancel`, with which join, select and timeout drop a future the
// frame keeps.
namespace jobs {
struct Job {
  int id;
};
int cancel(Job j);
}  // namespace jobs
int cancel(int id);
ASYNC asyncc::Async<int> stops(jobs::Job j) {
  int cancel = 1;
  co_await one();
  co_return cancel + ::cancel(j.id) + jobs::cancel(j);
}
ASYNC asyncc::Async<int> stops_by_name(jobs::Job j) {
  co_await one();
  co_return cancel(j) + cancel(j.id);
}
// CHECK-LABEL: struct stops_future {
// CHECK:      ::new (static_cast<void*>(&cancel_2.value)) int(1);
// CHECK:      ready<Output>(unwind.armed, cancel_2.value + ::cancel(j.id) + jobs::cancel(j))
// CHECK-LABEL: struct stops_by_name_future {
// CHECK:      ::jobs::cancel(j) + ::cancel(j.id)
