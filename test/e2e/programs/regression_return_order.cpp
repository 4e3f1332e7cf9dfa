// Found by the fuzzer (seeds 6 and 30): at co_return, locals are destroyed in
// reverse order of construction whether or not they live in the frame, also
// in a function that never suspends.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> never_suspends(int seed) {
  Traced first("first");
  Traced second("second");
  co_return seed;
}

ASYNC asyncc::Async<int> frame_then_plain(int seed) {
  int acc = seed;
  acc += co_await PendingFor<int>(0, 7);
  Traced kept("kept");  // spans the awaits below: in the frame
  for (int w = 0; w < 3; ++w) {
    if (acc % 2 == 1) {
      Traced inner("inner");
    } else {
      acc += co_await PendingFor<int>(1, 1);
    }
  }
  Traced last("last");  // after the last await: destroyed before kept
  co_return acc;
}

int main() {
  std::printf("never_suspends %d\n", asyncc::block_on(never_suspends(3)));
  std::printf("frame_then_plain %d\n", asyncc::block_on(frame_then_plain(2)));
  std::printf("live %d\n", Traced::live_count());
}
