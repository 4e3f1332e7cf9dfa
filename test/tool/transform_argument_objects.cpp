// An object passed by value to an awaited ASYNC call is made in the frame,
// where it lives to the end of the full-expression as C++ keeps it; the
// future's constructor takes it by reference and moves it in once, as a
// coroutine copies its parameters. So is one passed to an ASYNC call whose
// future is given to join, or passed to another ASYNC call.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>
#include <asyncc/join.hpp>

#include <utility>

struct Connection {
  explicit Connection(int fd) : fd(fd) {}
  Connection(Connection&& other) : fd(std::exchange(other.fd, -1)) {}
  ~Connection() { fd = -1; }
  int fd;
};

ASYNC asyncc::Async<int> process(Connection socket, int weight) { co_return socket.fd * weight; }
// CHECK: explicit process_future(Connection&& socket, int weight) : socket(std::move(socket)), weight(std::move(weight)) {}
// CHECK: inline process_future process(Connection socket, int weight) {
// CHECK-NEXT: return process_future(std::move(socket), std::move(weight));

struct Server {
  ASYNC asyncc::Async<int> handle(Connection c) { co_return c.fd; }
};

ASYNC asyncc::Async<int> serve(Server& server) {
  Connection socket(3);
  int served = co_await process(std::move(socket), 2);
  // CHECK: ::new (static_cast<void*>(&await1.value)) process_future(process_future(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) Connection(asyncc::detail::implicitly<Connection>(std::move(socket.value))), live, Live::socket, Live::tmp1), 2));
  // An ASYNC function's future, made here, is polled without the check of
  // a poll after completion.
  // CHECK: auto ready1 = await1.value.poll(cx, asyncc::detail::resume);
  // CHECK: std::destroy_at(&await1.value);
  // CHECK: ::new (static_cast<void*>(&served.value)) int(asyncc::detail::take(ready1));
  // CHECK: std::destroy_at(&tmp1.value);
  served += co_await server.handle(Connection(4));
  // CHECK: Server::handle_future(Server::handle_future(std::addressof(server), asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) Connection(Connection(4)), live, Live::socket, Live::tmp2)));
  co_return served;
}

ASYNC asyncc::Async<int> after(asyncc::Async<int> first) { co_return co_await std::move(first); }
// CHECK: ::new (static_cast<void*>(&await1.value)) asyncc::Async<int>(std::move(first));
// CHECK-NEXT: live = Live::await1;
// CHECK-NEXT: state_ = State::Await1;
// CHECK-NEXT: resume1:
// CHECK-NOT: poll(cx, asyncc::detail::resume)
// CHECK: auto ready1 = await1.value.poll(cx);

ASYNC asyncc::Async<int> joined(Server& server) {
  auto [a, b] = co_await asyncc::join(process(Connection(5), 1), server.handle(Connection(6)));
  // join polls the two futures where the frame keeps them (a move would copy
  // the Connection each holds), and cancels each in place when it drops it.
  // CHECK: ::new (static_cast<void*>(&await1.value)) decltype(asyncc::join(std::declval<asyncc::detail::Pinned<process_future>>(), std::declval<asyncc::detail::Pinned<Server::handle_future>>()))(
  // CHECK-SAME: asyncc::join(asyncc::detail::pinned(asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) process_future(process_future(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) Connection(Connection(5)), live, Live::None, Live::tmp1), 1)), live, Live::tmp1, Live::tmp2)), asyncc::detail::pinned(asyncc::detail::made(::new (static_cast<void*>(&tmp4.value)) Server::handle_future(Server::handle_future(std::addressof(server), asyncc::detail::made(::new (static_cast<void*>(&tmp3.value)) Connection(Connection(6)), live, Live::tmp2, Live::tmp3))), live, Live::tmp3, Live::tmp4)))
  // CHECK: std::destroy_at(&tmp4.value);
  // CHECK-NEXT: std::destroy_at(&tmp3.value);
  // CHECK-NEXT: std::destroy_at(&tmp2.value);
  // CHECK-NEXT: std::destroy_at(&tmp1.value);
  co_return a + b + co_await after(process(Connection(7), 1));
  // CHECK: after_future(after_future(asyncc::detail::made(::new (static_cast<void*>(&tmp7.value)) process_future(process_future(asyncc::detail::made(::new (static_cast<void*>(&tmp6.value)) Connection(Connection(7)), live, Live::None, Live::tmp6), 1)), live, Live::tmp6, Live::tmp7)))
}
