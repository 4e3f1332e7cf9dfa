// ASYNC stands wherever a user writes it: among the specifiers in any order,
// after attributes, after a template head, after a lambda's captures or its
// parameters. Each function is found and transformed; the attributes before
// the specifiers stay on the wrapper, a static function's future stays in an
// unnamed namespace.
//
// RUN: %asyncc --list %s -- -I %asyncc_include | FileCheck %s --check-prefix=LIST
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

static ASYNC asyncc::Async<int> one() { co_return 1; }
// LIST: async_positions.cpp:[[@LINE-1]]:33: one() -> asyncc::Async<int>
// CHECK: namespace {
// CHECK: struct one_future {
// CHECK: inline one_future one() {

inline ASYNC asyncc::Async<int> two() { co_return co_await one() + 1; }
// LIST: async_positions.cpp:[[@LINE-1]]:33: two() -> asyncc::Async<int>
// CHECK: struct two_future {
// CHECK: inline two_future two() {

[[nodiscard]] ASYNC static inline asyncc::Async<int> three() { co_return co_await two() + 1; }
// LIST: async_positions.cpp:[[@LINE-1]]:54: three() -> asyncc::Async<int>
// CHECK: struct three_future {
// CHECK: {{^\[\[nodiscard\]\] inline three_future three\(\) {}}

template <class T> inline ASYNC asyncc::Async<T> same(T x) { co_return x; }
// LIST: async_positions.cpp:[[@LINE-1]]:50: same(T) -> asyncc::Async<T>

struct Counter {
  int n = 0;
  [[nodiscard]] ASYNC static asyncc::Async<int> zero() { co_return 0; }
  // LIST: async_positions.cpp:[[@LINE-1]]:49: Counter::zero() -> asyncc::Async<int>
  // CHECK: {{^\[\[nodiscard\]\] static zero_future zero\(\) {}}
  virtual ~Counter() = default;
  inline ASYNC asyncc::Async<int> next() { co_return ++n + co_await same(0); }
  // LIST: async_positions.cpp:[[@LINE-1]]:35: Counter::next() -> asyncc::Async<int>
  // CHECK: next_future next() {
};

int use() {
  int k = 1;
  auto after_params = [&](int y) ASYNC -> asyncc::Async<int> { co_return k + y; };
  // LIST: async_positions.cpp:[[@LINE-1]]:23: use()::(anonymous class)::operator()(int) const -> asyncc::Async<int>
  auto after_mutable = [k]() mutable ASYNC -> asyncc::Async<int> { co_return ++k; };
  // LIST: async_positions.cpp:[[@LINE-1]]:24: use()::(anonymous class)::operator()() -> asyncc::Async<int>
  auto after_captures = [k] ASYNC (int y) -> asyncc::Async<int> { co_return k * y; };
  // LIST: async_positions.cpp:[[@LINE-1]]:25: use()::(anonymous class)::operator()(int) const -> asyncc::Async<int>
  (void)after_params;
  (void)after_mutable;
  (void)after_captures;
  auto unpolled = three();
  (void)unpolled;
  return 0;
}
// CHECK: struct after_params_future {
// CHECK: struct after_mutable_future {
// CHECK: struct after_captures_future {

// LIST-NOT: use()
