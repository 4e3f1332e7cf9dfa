// Every statement form of v1 around awaits: blocks, declarations, if/else
// with init-statements, while, do-while, for, range-for, break, continue,
// co_return from inside loops.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;
using e2e::Yield;

PendingFor<int> value(int v, int pending = 1) { return PendingFor<int>(pending, v); }

namespace shapes {

ASYNC asyncc::Async<int> blocks() {
  Traced outer("outer");
  int sum = 0;
  {
    Traced inner("inner");
    sum += co_await value(1);
  }
  {
    Traced sibling("sibling");
    sum += co_await value(2);
    {
      Traced nested("nested");
      sum += co_await value(3);
    }
  }
  if (int doubled = sum * 2; doubled > 10) {
    Traced then_branch("then");
    sum += co_await value(doubled);
  } else {
    sum -= 100;
  }
  co_return sum;
}

ASYNC asyncc::Async<int> loops(int n) {
  int total = 0;
  for (int i = 0; i < n; ++i) {
    Traced step("for" + std::to_string(i));
    if (i == 1)
      continue;
    total += co_await value(i);
    if (i == 3)
      break;
  }
  int w = 0;
  while (w < 3) {
    Traced step("while" + std::to_string(w));
    w += co_await value(1, 0);
  }
  int d = 0;
  do {
    Traced step("do" + std::to_string(d));
    co_await Yield(1);
    ++d;
  } while (d < 2);
  std::vector<std::string> words{"alpha", "beta", "gamma"};
  for (const std::string& word : words) {
    co_await Yield(1);
    std::printf("word %s\n", word.c_str());
    total += static_cast<int>(word.size());
  }
  co_return total;
}

ASYNC asyncc::Async<int> find_first(int limit) {
  Traced guard("guard");
  for (int i = 0;; ++i) {
    Traced attempt("attempt" + std::to_string(i));
    int v = co_await value(i * i);
    if (v > limit)
      co_return i;
  }
}

ASYNC asyncc::Async<void> nothing_to_return(int times) {
  for (int i = 0; i < times; ++i) {
    co_await Yield(1);
    std::printf("tick %d\n", i);
    if (i == 5)
      co_return;
  }
  std::printf("done ticking\n");
}

}  // namespace shapes

int main() {
  std::printf("blocks %d\n", asyncc::block_on(shapes::blocks()));
  std::printf("loops %d\n", asyncc::block_on(shapes::loops(6)));
  std::printf("find_first %d\n", asyncc::block_on(shapes::find_first(10)));
  asyncc::block_on(shapes::nothing_to_return(3));
  asyncc::block_on(shapes::nothing_to_return(9));
  std::printf("live %d\n", Traced::live_count());
}
