// Unnamed parameters of ASYNC functions: the wrapper's declarator names each
// (a name the function's text does not use), and the future keeps it, as a
// coroutine copies every parameter. A call whose argument objects are made in
// the frame passes every argument, and the defaults after them.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <vector>

struct Token {
  ~Token() {}
};

ASYNC asyncc::Async<int> on_tick(Token, int weight, std::vector<int> = {1, 2}, int = 5) { co_return weight; }
// CHECK: explicit on_tick_future(Token&& unnamed1, int weight, std::vector<int>&& unnamed3, int unnamed4) : unnamed1(std::move(unnamed1)), weight(std::move(weight)), unnamed3(std::move(unnamed3)), unnamed4(std::move(unnamed4)) {}
// CHECK: union { Token unnamed1; };  // destroyed on completion
// CHECK: int unnamed4;
// CHECK: inline on_tick_future on_tick(Token unnamed1, int weight, std::vector<int> unnamed3 = {1, 2}, int unnamed4 = 5) {
// CHECK-NEXT: return on_tick_future(std::move(unnamed1), std::move(weight), std::move(unnamed3), std::move(unnamed4));

// A name the function writes is not used again.
ASYNC asyncc::Async<int> named_like(Token, int unnamed1) { co_return unnamed1; }
// CHECK: inline named_like_future named_like(Token unnamed1_, int unnamed1) {

template <class T>
ASYNC asyncc::Async<int> dropped(T, int n) { co_return n; }
// CHECK: explicit dropped_future(Token&& unnamed1, int n)
// CHECK: explicit dropped_future(int unnamed1, int n)
// CHECK: inline dropped_future<T> dropped(T unnamed1, int n) {
// CHECK-NEXT: return dropped_future<T>(std::move(unnamed1), std::move(n));

struct Handler {
  ASYNC asyncc::Async<int> handle(Token, int n) const { co_return n; }
  ASYNC asyncc::Async<int> later(const Token&, Token);
};
ASYNC asyncc::Async<int> Handler::later(const Token&, Token) { co_return 1; }
// CHECK: Handler::later_future Handler::later(const Token& unnamed1, Token unnamed2) {

ASYNC asyncc::Async<int> run() {
  Handler h;
  Token t;
  int a = co_await on_tick(Token{}, 1);
  // CHECK: on_tick_future(on_tick_future(asyncc::detail::made(::new (static_cast<void*>(&tmp1.value)) Token(Token{}), live, Live::t, Live::tmp1), 1, {1, 2}, 5));
  int b = co_await h.later(t, Token());
  // CHECK: Handler::later_future(Handler::later_future(std::addressof(h.value), t.value, asyncc::detail::made(::new (static_cast<void*>(&tmp2.value)) Token(Token()), live, Live::t, Live::tmp2)));
  co_return a + b + co_await named_like(Token(), 2) + co_await dropped(Token(), 3) + co_await dropped(4, 5) +
      co_await h.handle(Token(), 6);
}

// A function that calls itself: its wrapper is declared before its struct,
// with the defaults, and defined after it, both with the names.
ASYNC asyncc::Async<int> countdown(int n, Token = Token{}) {
  if (n == 0)
    co_return 0;
  co_return 1 + co_await asyncc::boxed(countdown(n - 1));
}
// CHECK: inline countdown_future countdown(int n, Token unnamed2 = Token{});
// CHECK: inline countdown_future countdown(int n, Token unnamed2) {
// CHECK-NEXT: return countdown_future(std::move(n), std::move(unnamed2));
