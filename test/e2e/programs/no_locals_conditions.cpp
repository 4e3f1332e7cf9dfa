// Coroutines that declare no local variable and await in the condition of an
// if or a while. g++ 12.2 compiles them wrongly as native coroutines: an extra
// suspension, and the program never finishes (declaring any local variable in
// the coroutine hides the bug). clang++-19 is right, and so is asyncc's output,
// which has no coroutine left for g++ to get wrong.
// E2E: skip=native-gcc g++ 12.2 miscompiles a coroutine with no locals and co_await in a condition (hangs)
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>

using e2e::PendingFor;

ASYNC asyncc::Async<int> in_if(bool answer) {
  if (co_await PendingFor<bool>(1, answer, "in_if")) co_return 1;
  co_return 0;
}

ASYNC asyncc::Async<int> in_while(int rounds) {
  while (co_await PendingFor<bool>(1, rounds > 0)) {
    if (--rounds == 0) co_return 7;
  }
  co_return 0;
}

ASYNC asyncc::Async<int> in_else_if(int x) {
  if (x == 0) co_return 10;
  else if (co_await PendingFor<bool>(2, x > 5)) co_return 20;
  co_return 30;
}

int main() {
  std::printf("in_if(true) %d\n", e2e::run_to_completion("in_if(true)", in_if(true)));
  std::printf("in_if(false) %d\n", e2e::run_to_completion("in_if(false)", in_if(false)));
  std::printf("in_while(3) %d\n", e2e::run_to_completion("in_while(3)", in_while(3)));
  for (int x : {0, 3, 9})
    std::printf("in_else_if(%d) %d\n", x, asyncc::block_on(in_else_if(x)));
}
