// A function-try-block as the body of an ASYNC function or method is lowered
// as a block holding one try statement: resumptions inside the try block go
// through its dispatch, a handler first destroys what the try block made in
// the frame, and the handlers name the parameters, members of the future.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// The output is a fixed point: asyncc finds nothing left to transform.
// RUN: %asyncc %t.cpp -o %t.again.cpp -- -I %asyncc_include
// RUN: diff %t.cpp %t.again.cpp

#include <asyncc/async.hpp>

#include <stdexcept>
#include <string>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};
int check(int);

ASYNC asyncc::Async<int> guarded(std::string name, int id) noexcept(false) try {
  std::string local = name;
  int value = co_await Value{id};
  co_return check(value) + static_cast<int>(local.size());
} catch (const std::exception& e) {
  co_return -id;
}

struct Account {
  int balance = 0;
  ASYNC asyncc::Async<void> settle(int amount);
};

ASYNC asyncc::Async<void> Account::settle(int amount) try {
  balance -= check(co_await Value{amount});
} catch (...) {
  balance += amount;
}

// CHECK-LABEL: struct guarded_future {
// CHECK:      explicit guarded_future(std::string&& name, int id)
// CHECK:      try1:
// CHECK-NEXT:   try
// CHECK-NEXT:   {
// CHECK-NEXT:     switch (resuming)
// CHECK:          ::new (static_cast<void*>(&local.value)) std::string(name);
// CHECK:          catch (const std::exception& e)
// CHECK-NEXT:     {
// CHECK-NEXT:       drop(live, Live::param_name);
// CHECK-NEXT:       live = Live::param_name;
// CHECK:              Finish finish{*this, live};
// CHECK-NEXT:         return asyncc::detail::ready<Output>(unwind.armed, -id);
// CHECK:      inline guarded_future guarded(std::string name, int id) noexcept(false) {
// CHECK-NEXT:   return guarded_future(std::move(name), std::move(id));
// CHECK-NEXT: }
// CHECK:      struct settle_future {
// CHECK:          catch (...)
// CHECK-NEXT:     {
// CHECK:            self->balance += amount;
// CHECK:      Account::settle_future Account::settle(int amount) {
