// E2E: skip=native-gcc g++ 12 evaluates `x + co_await f()` awaiting first; C++ leaves the order of + unspecified and clang++, the oracle, reads x first
// A variable read before an await of the same expression keeps the value it
// had then, as clang++ evaluates it: asyncc reads it into the frame before
// the await starts.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include <cstdio>

// Changes *target when it completes.
struct Bump {
  using Output = int;
  int* target;
  asyncc::Poll<int> poll(asyncc::Context&) {
    *target += 100;
    return asyncc::Poll<int>::ready(1);
  }
};

ASYNC asyncc::Async<int> reads(int x) {
  int first = x + co_await Bump{&x};
  int second = co_await Bump{&x} + x * 2 + co_await Bump{&x};
  std::printf("first %d second %d x %d\n", first, second, x);
  co_return first + second;
}

int main() { std::printf("reads %d\n", asyncc::block_on(reads(5))); }
