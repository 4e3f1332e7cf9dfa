// Dropping a future in each of its states destroys exactly what that state
// holds, innermost first (contract 6); a finished future holds nothing.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> child(int k) {
  Traced c("child" + std::to_string(k));
  int v = co_await PendingFor<int>(1, k, "child-leaf");
  co_return v;
}

ASYNC asyncc::Async<int> parent() {
  Traced a("a");
  int x = co_await PendingFor<int>(1, 1, "leaf1");
  Traced b("b");
  {
    Traced c("c");
    x += co_await child(2);
  }
  for (int i = 0; i < 2; ++i) {
    Traced loop("loop" + std::to_string(i));
    x += co_await PendingFor<int>(1, i, "leaf-loop");
  }
  Traced d("d");
  x += co_await PendingFor<int>(1, 10, "leaf-last");
  co_return x;
}

int main() {
  for (int polls = 0; polls <= 9; ++polls) {
    std::printf("== drop after %d polls\n", polls);
    auto future = parent();
    asyncc::Context cx(asyncc::noop_waker());
    for (int p = 0; p < polls; ++p) {
      if (future.poll(cx).is_ready()) {
        std::printf("ready after %d polls\n", p + 1);
        break;
      }
    }
  }
  std::printf("live %d\n", Traced::live_count());
}
