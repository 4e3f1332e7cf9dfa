// An object passed by value to an awaited ASYNC call is made in the frame,
// where it lives to the end of the full-expression as C++ keeps it; the
// future's constructor takes it by reference and moves it in once, as a
// coroutine copies its parameters.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

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
  // CHECK: std::destroy_at(&await1.value);
  // CHECK: ::new (static_cast<void*>(&served.value)) int(asyncc::detail::take(ready1));
  // CHECK: std::destroy_at(&tmp1.value);
  served += co_await server.handle(Connection(4));
  // CHECK: Server::handle_future(Server::handle_future(std::addressof(server), asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) Connection(Connection(4)), live, Live::socket, Live::tmp2)));
  co_return served;
}
