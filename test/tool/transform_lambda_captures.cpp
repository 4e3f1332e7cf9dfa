// A lambda in an async body that captures frame variables gets init-captures
// of the same names bound to their places in the frame; one kept across an
// await is made by a function emitted before the struct, which names its
// type; `this` of a method is captured as self.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <string>
#include <vector>

struct One {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};

// CHECK: // The lambda on_line of count, made where the frame can name its type.
// CHECK-NEXT: inline auto count_future_make_on_line(std::size_t& total, std::vector<std::string>& log) {
// CHECK-NEXT: return [&total, &log](const std::string& line) {
// CHECK: struct count_future {
ASYNC asyncc::Async<std::size_t> count(int n) {
  std::size_t total = 0;
  std::vector<std::string> log;
  auto on_line = [&](const std::string& line) {
    total += line.size();
    log.push_back(line);
  };
  // CHECK: ::new (static_cast<void*>(&on_line.value)) decltype(count_future_make_on_line(std::declval<std::size_t&>(), std::declval<std::vector<std::string>&>()))(count_future_make_on_line(total.value, log.value));
  for (int i = 0; i < n; ++i) {
    co_await One{};
    on_line("x");
  }
  int k = co_await One{};
  auto add = [=](int x) { return x + k + n; };
  // CHECK: auto add = [=, n = n](int x) { return x + k + n; };
  co_return total + add(1);
}
// CHECK: asyncc::detail::Lifetime<decltype(count_future_make_on_line(std::declval<std::size_t&>(), std::declval<std::vector<std::string>&>())), {{[0-9]+}}, {{[0-9]+}}>,  // on_line

struct Counter {
  int value = 0;
  ASYNC asyncc::Async<int> bump() {
    co_await One{};
    auto step = [this] { ++value; };
    // CHECK: auto step = [self = self] { ++self->value; };
    step();
    co_return value;
  }
};

// An array captured by copy: an init-capture would copy a pointer, so the
// lambda captures a reference of the array's name, bound in a lambda around
// it, and C++ copies the array it names. One kept across an await gets it
// from its factory by reference.
// CHECK: inline auto arrays_future_make_kept(asyncc::detail::type_t<int[3]>& counts, asyncc::detail::type_t<int[3]>& counts_ref) {
// CHECK-NEXT: return [counts, &counts_ref] { return counts[0] + counts_ref[0]; };
ASYNC asyncc::Async<int> arrays() {
  int counts[3] = {1, 2, 3};
  co_await One{};
  int sum = 0;
  {
    auto total = [counts] { return counts[0] + counts[2]; };
    // CHECK-LABEL: struct arrays_future {
    // CHECK: auto total = [&]() { auto& counts = this->counts.value; return [counts] { return counts[0] + counts[2]; }; }();
    auto doubled = [=] { return counts[1] * 2; };
    // CHECK: auto doubled = [&]() { auto& counts = this->counts.value; return [=] { return counts[1] * 2; }; }();
    sum = total() + doubled();
  }
  auto kept = [counts, &counts_ref = counts] { return counts[0] + counts_ref[0]; };
  co_await One{};
  co_return sum + kept();
}
