// Statements around suspension points: if/else with init-statements, while,
// do-while, for, range-for over a vector, break and continue, co_return
// inside loops, nested blocks; the trace shows each scope's locals destroyed
// when it ends, across awaits.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <vector>

using asyncc::Async;
using e2e::PendingFor;
using e2e::Traced;

ASYNC Async<int> classify(int n) {
  if (int v = co_await PendingFor<int>(1, n); v < 0) {
    co_return -1;
  } else if (v == 0) {
    std::printf("classify: zero\n");
  } else {
    Traced positive("positive", v);
    co_await e2e::Yield(1);
    co_return 1;
  }
  co_return 0;
}

ASYNC Async<int> loops(std::vector<int> items) {
  int total = 0;

  int i = 0;
  while (i < 3) {
    total += co_await PendingFor<int>(i % 2, i);
    ++i;
  }
  std::printf("after while: total=%d i=%d\n", total, i);

  do {
    Traced round("do" + std::to_string(i), i);
    co_await e2e::Yield(1);
    --i;
  } while (i > 1);
  std::printf("after do: i=%d\n", i);

  for (int k = 0; k < 10; ++k) {
    if (k % 2 == 1) continue;
    if (k > 6) break;
    Traced step("for" + std::to_string(k));
    total += co_await PendingFor<int>(1, k);
    if (k == 2) continue;
    std::printf("for: k=%d total=%d\n", k, total);
  }

  for (int item : items) {
    std::string label = "item" + std::to_string(item);
    int doubled = co_await PendingFor<int>(item % 2, item * 2);
    std::printf("%s -> %d\n", label.c_str(), doubled);
    total += doubled;
  }

  for (;;) {
    Traced forever("forever");
    int v = co_await PendingFor<int>(1, total);
    if (v > 10) {
      Traced leaving("leaving");
      co_await e2e::Yield(1);
      break;
    }
  }

  {
    Traced outer("outer");
    {
      Traced inner("inner");
      co_await e2e::Yield(1);
    }
    co_await e2e::Yield(1);
    {
      Traced sibling("sibling");
      co_await e2e::Yield(1);
    }
  }
  co_return total;
}

// co_return from inside nested loops.
ASYNC Async<int> find(std::vector<int> items, int wanted) {
  int index = 0;
  for (int item : items) {
    Traced probe("probe" + std::to_string(index));
    int attempts = 0;
    while (attempts < 2) {
      int v = co_await PendingFor<int>(attempts, item);
      if (v == wanted) co_return index;
      ++attempts;
    }
    ++index;
  }
  co_return -1;
}

int main() {
  for (int n : {-5, 0, 7}) std::printf("classify(%d) = %d\n", n, asyncc::block_on(classify(n)));
  std::printf("loops = %d\n", e2e::run_to_completion("loops", loops({1, 2, 3})));
  std::printf("find 30 = %d\n", asyncc::block_on(find({10, 20, 30, 40}, 30)));
  std::printf("find 99 = %d\n", asyncc::block_on(find({10, 20}, 99)));
  std::printf("live Traced: %d\n", Traced::live_count());
}
