// Lambdas in ASYNC functions that capture arrays of the frame by copy, as
// C++ copies them: element by element, the lambda's copy unchanged by later
// writes to the array and the array by writes to the copy. Captured
// explicitly and under `[=]`, through a reference to an array, by a mutable
// lambda, by a lambda used before the next await and by one kept across it,
// in a function and in a method. Traced elements show each copy and its
// destruction; each future is dropped after every number of polls.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <algorithm>
#include <cstdio>
#include <numeric>
#include <string>

using e2e::Traced;
using e2e::Yield;

ASYNC asyncc::Async<int> sums() {
  int counts[3] = {1, 2, 3};
  co_await Yield(1);
  auto total = [counts] { return counts[0] + counts[1] + counts[2]; };
  counts[0] = 100;
  int before = total();
  co_await Yield(1);
  std::printf("copy %d, array %d\n", before, counts[0]);
  auto bump = [=]() mutable {
    for (int& c : counts) c *= 2;
    return std::accumulate(std::begin(counts), std::end(counts), 0);
  };
  std::printf("bumped %d, array still %d %d %d\n", bump(), counts[0], counts[1], counts[2]);
  co_return before + counts[0];
}

ASYNC asyncc::Async<int> names() {
  Traced pair[2] = {Traced("left", 1), Traced("right", 2)};
  co_await Yield(1);
  {
    auto& same = pair;
    auto weigh = [same](int k) { return same[0].value() * k + same[1].value(); };
    std::printf("weighed %d\n", weigh(10));
  }
  // Kept across an await: the frame keeps the lambda and its copies.
  auto kept = [pair] { return pair[0].value() + pair[1].value(); };
  co_await Yield(2);
  pair[0] = Traced("changed", 50);
  std::printf("kept %d\n", kept());
  co_return kept();
}

struct Meter {
  int scale;
  ASYNC asyncc::Async<int> read() const {
    double readings[2] = {1.5, 2.5};
    co_await Yield(1);
    auto scaled = [this, readings] { return static_cast<int>((readings[0] + readings[1]) * scale); };
    readings[1] = 0;
    co_return scaled();
  }
};

int main() {
  Traced::print_moves = true;
  std::printf("sums -> %d\n", asyncc::block_on(sums()));
  std::printf("names -> %d\n", asyncc::block_on(names()));
  Meter meter{3};
  std::printf("read -> %d\n", asyncc::block_on(meter.read()));
  e2e::drop_after_each_poll("sums", [] { return sums(); }, 3);
  e2e::drop_after_each_poll("names", [] { return names(); }, 4);
  std::printf("live %d\n", Traced::live_count());
}
