// An exception from an awaited future, from a nested async function, or from
// the body leaves poll; the future destroys what was alive, innermost first,
// and is finished (contract 7).
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <stdexcept>

using e2e::FailAfter;
using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> inner(bool fail) {
  Traced i("inner");
  int v = co_await PendingFor<int>(1, 1);
  if (fail) co_await FailAfter<int>(1, "inner failed");
  co_return v;
}

ASYNC asyncc::Async<int> outer(int mode) {
  Traced o("outer");
  int v = co_await inner(mode == 1);
  Traced after("after");
  e2e::fail_if(mode == 2, "body failed");
  {
    Traced deep("deep");
    v += co_await FailAfter<int>(mode == 3 ? 1 : 0, "leaf failed") ;
  }
  co_return v;
}

int main() {
  for (int mode = 1; mode <= 3; ++mode) {
    std::printf("== mode %d\n", mode);
    try {
      std::printf("result %d\n", asyncc::block_on(outer(mode)));
    } catch (const std::exception& e) {
      std::printf("caught: %s\n", e.what());
    }
  }
  std::printf("live %d\n", Traced::live_count());
}
