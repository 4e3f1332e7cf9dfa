// E2E: expect-exit=134
// Moving a future after its first poll terminates with the pin message
// (contract 8); moving it before is fine.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <utility>

ASYNC asyncc::Async<int> answer() {
  int v = co_await e2e::PendingFor<int>(2, 42);
  co_return v;
}

int main() {
  auto first = answer();
  auto moved = std::move(first);  // not polled yet: allowed
  std::printf("%d\n", asyncc::block_on(std::move(moved)));
  auto pinned = answer();
  asyncc::Context cx(asyncc::noop_waker());
  (void)pinned.poll(cx);
  std::printf("moving a polled future\n");
  std::fflush(stdout);
  auto broken = std::move(pinned);
  std::printf("not reached\n");
}
