// E2E: expect-exit=134
// Contract 2: a future returns ready exactly once; polling it again
// terminates (abort) with a message naming the function.
#include <asyncc/async.hpp>

#include "e2e_support.hpp"

#include <cstdio>

using asyncc::Async;

ASYNC Async<int> answer() {
  e2e::Traced t("t");
  co_await e2e::Yield(1);
  co_return 42;
}

int main() {
  auto future = answer();
  asyncc::Context cx(asyncc::noop_waker());
  std::printf("first poll pending: %d\n", future.poll(cx).is_pending());
  std::printf("second poll value: %d\n", future.poll(cx).value());
  std::printf("polling again\n");
  std::fflush(stdout);  // abort() does not flush
  (void)future.poll(cx);
  std::printf("not reached\n");
}
