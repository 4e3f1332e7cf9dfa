// Methods that await a member template of their own class. The template's
// specializations follow the class, so the struct of each such method (and
// of a method that awaits one of those) follows them: in the class, the
// struct and the method are declared as written (default arguments too);
// after the class, the specializations, then the structs (those awaited
// first), then each method, `inline`, without its default arguments. A call
// of such a method elsewhere in the class is refused.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: g++ -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: %expect_exit 1 %asyncc %s -o %t-refused.cpp -- -I %asyncc_include -DCALL_IN_CLASS 2> %t.err
// RUN: FileCheck --check-prefix=REFUSED %s < %t.err
#include <asyncc/async.hpp>

#include <string>

struct One {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};

class Client {
 public:
  template <class T>
  ASYNC asyncc::Async<T> get(T fallback) const {
    co_return fallback + static_cast<T>(co_await One{});
  }
  ASYNC asyncc::Async<std::string> name(int retries = 1) const {
    int n = co_await get(retries);
    co_return std::to_string(n);
  }
  ASYNC asyncc::Async<std::string> greeting() { co_return "hello " + co_await name(); }
  ASYNC asyncc::Async<int> plain() { co_return co_await One{}; }
#ifdef CALL_IN_CLASS
  int size() const { return static_cast<int>(sizeof(name())); }
  // REFUSED: member_template_callers.cpp:[[@LINE-1]]:53: error: 'name' is called in its class, which its future's struct follows
#endif
};
// CHECK-LABEL: class Client {
// CHECK:       template <class T>
// CHECK-NEXT:  struct get_future;
// CHECK-NEXT:  template <class T>
// CHECK-NEXT:  get_future<T> get(T fallback) const;
// CHECK-NEXT:  struct name_future;
// CHECK-NEXT:  name_future name(int retries = 1) const;
// CHECK-NEXT:  struct greeting_future;
// CHECK-NEXT:  greeting_future greeting();
// The struct of a method that awaits no member template stays in the class.
// CHECK:       struct plain_future {
// CHECK:       plain_future plain() {
// CHECK:       };
// CHECK:       template <>
// CHECK-NEXT:  struct Client::get_future<int> {
// CHECK:       struct Client::name_future {
// CHECK:       inline Client::name_future Client::name(int retries) const {
// CHECK:       struct Client::greeting_future {
// CHECK:       inline Client::greeting_future Client::greeting() {

ASYNC asyncc::Async<std::string> after_class(Client& client) { co_return co_await client.greeting(); }
