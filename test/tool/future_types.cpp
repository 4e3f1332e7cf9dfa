// The emitted type of a future made by something other than an ASYNC
// function's name: what the callable returns after the transformation, as a
// decltype of the call made of std::declval of the object's emitted type (a
// functor, a lambda kept in the frame by its factory's type, a method's
// object) and of the arguments'.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
#include <asyncc/async.hpp>

ASYNC asyncc::Async<int> fetch(int id) { co_return id; }

struct Fetcher {
  int id;
  auto operator()() const { return fetch(id); }
};

struct Client {
  auto get(int id) { return fetch(id); }
};

ASYNC asyncc::Async<int> functor() {
  Fetcher f{1};
  co_return co_await f();
}
// CHECK-LABEL: struct functor_future {
// CHECK:       asyncc::detail::Lifetime<decltype(std::declval<Fetcher&>()()), {{[0-9]+}}, {{[0-9]+}}>,  // await1

ASYNC asyncc::Async<int> method(Client& client) {
  int a = co_await client.get(1);
  co_return a + co_await client.get(2);
}
// CHECK-LABEL: struct method_future {
// CHECK:       asyncc::detail::Lifetime<decltype(std::declval<Client&>().get(std::declval<int>())), {{[0-9]+}}, {{[0-9]+}}>,  // await1

ASYNC asyncc::Async<int> kept_lambda() {
  auto make = [](int v) { return fetch(v); };
  int a = co_await make(1);
  co_return a + co_await make(2);
}
// CHECK-LABEL: struct kept_lambda_future {
// CHECK:       asyncc::detail::Lifetime<decltype(std::declval<decltype(kept_lambda_future_make_make())&>()(std::declval<int>())), {{[0-9]+}}, {{[0-9]+}}>,  // await1
