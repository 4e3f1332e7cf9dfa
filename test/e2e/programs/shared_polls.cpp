// Awaits of futures of one type, written as users write them: several in one
// expression, in a loop, in the branches of an if and the cases of a switch,
// with values, nothing (void) or a reference as their output, one of them
// throwing, beside awaits in a try block and of a named future. The state
// machine polls such futures at one place in poll; the values, the traces of
// what the frame destroys, cancellation after every poll and exceptions show
// that each await still resumes where it was.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdint>
#include <cstdio>
#include <iostream>
#include <string>

using e2e::FailAfter;
using e2e::PendingFor;
using e2e::RefAfter;
using e2e::Traced;
using e2e::Yield;

// rustc's await3 tree (async-fn-size.rs), two levels.
ASYNC asyncc::Async<std::uint8_t> leaf_sum() {
  co_return co_await PendingFor<std::uint8_t>(1, 1) + co_await PendingFor<std::uint8_t>(0, 2) +
      co_await PendingFor<std::uint8_t>(2, 3);
}
ASYNC asyncc::Async<std::uint8_t> tree() { co_return co_await leaf_sum() + co_await leaf_sum() + co_await leaf_sum(); }

ASYNC asyncc::Async<int> scattered(int n) {
  Traced guard("guard");
  int sum = co_await PendingFor<int>(1, 1, "first");
  for (int i = 0; i < n; ++i) {
    Traced step("step" + std::to_string(i));
    if (i % 2 == 0)
      sum += co_await PendingFor<int>(1, i);
    else
      sum -= co_await PendingFor<int>(0, i);
  }
  switch (sum) {
    case 1:
      sum += co_await PendingFor<int>(2, 10);
      break;
    default:
      sum += co_await PendingFor<int>(1, 20, "default");
      break;
  }
  std::string tail = "tail " + std::to_string(sum);
  std::printf("%s\n", tail.c_str());
  co_return sum;
}

ASYNC asyncc::Async<int> voids_and_references() {
  int counter = 5;
  co_await Yield(1, "yield a");
  int& first = co_await RefAfter<int>(1, counter);
  first += 1;
  co_await Yield(2, "yield b");
  co_await RefAfter<int>(0, counter) += 10;
  std::cout << "counter " << counter << " then " << co_await RefAfter<int>(1, counter) << "\n";
  co_return counter;
}

ASYNC asyncc::Async<int> failing(bool fail) {
  Traced kept("kept");
  int a = co_await PendingFor<int>(1, 7);
  if (fail) a += co_await FailAfter<int>(1, "failed at the second await");
  a += co_await FailAfter<int>(0, "failed at the third await");
  co_return a;
}

ASYNC asyncc::Async<int> beside_try_and_named() {
  int total = co_await PendingFor<int>(1, 1);
  try {
    total += co_await PendingFor<int>(1, 2);
    total += co_await PendingFor<int>(0, 3);
  } catch (const std::exception& e) {
    std::printf("not thrown: %s\n", e.what());
  }
  PendingFor<int> named(1, 4);
  total += co_await named;
  total += co_await PendingFor<int>(2, 5);
  std::cout << "totals " << co_await PendingFor<int>(0, total) << " " << co_await PendingFor<int>(1, -total) << "\n";
  co_return total;
}

int main() {
  std::printf("tree = %d\n", asyncc::block_on(tree()));
  std::printf("scattered(4) = %d\n", asyncc::block_on(scattered(4)));
  std::printf("scattered(0) = %d\n", asyncc::block_on(scattered(0)));
  std::printf("voids and references = %d\n", asyncc::block_on(voids_and_references()));
  for (bool fail : {false, true}) {
    try {
      std::printf("failing(%d) = %d\n", fail, asyncc::block_on(failing(fail)));
    } catch (const std::exception& e) {
      std::printf("caught: %s\n", e.what());
    }
  }
  std::printf("beside try and named = %d\n", asyncc::block_on(beside_try_and_named()));
  e2e::drop_after_each_poll("scattered(2)", [] { return scattered(2); }, 6);
  e2e::drop_after_each_poll("failing(true)", [] { return failing(true); }, 3);
  e2e::drop_after_each_poll("tree", [] { return tree(); }, 10);
  std::printf("live %d\n", Traced::live_count());
}
