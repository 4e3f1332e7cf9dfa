#pragma once
// An ASYNC header, included by two files.
#include <asyncc/async.hpp>

struct Ready {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

namespace lib {
ASYNC inline asyncc::Async<int> twice(int x) { co_return 2 * co_await Ready{x}; }

// Internal linkage: each file that includes the header has its own.
ASYNC static asyncc::Async<int> plus_one(int x) { co_return co_await Ready{x} + 1; }

class Counter {
 public:
  ASYNC asyncc::Async<int> add(int n) { co_return count_ += co_await twice(n); }

 private:
  int count_ = 0;
};
} // namespace lib
