// co_await in an arm of ?: whose value is a class object: the object lives to
// the end of the full-expression, like the temporary it replaces. g++ 12.2
// gets this wrong as native coroutines (the temporary std::string of the arm
// that does not await is freed twice); clang++-19 and the transformed code
// are right.
// E2E: skip=native-gcc g++ 12.2 frees a temporary of a ?: with co_await in the other arm twice (abort)
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> words(int x) {
  std::string s = co_await PendingFor<bool>(1, x > 0, "cond") ? std::string("yes")
                                                             : std::to_string(co_await PendingFor<int>(1, x, "no"));
  std::printf("s = %s\n", s.c_str());
  co_return static_cast<int>(s.size());
}

Traced make(const char* name) { return Traced(name); }

ASYNC asyncc::Async<int> traced(int x) {
  // The chosen object is made, used by the initializer, then destroyed at
  // the end of the full-expression.
  int v = (x > 0 ? make("positive") : Traced(std::to_string(co_await PendingFor<int>(1, x)))).value();
  std::printf("after the full-expression\n");
  const Traced& kept = x > 1 ? make("kept") : Traced("kept.other");
  std::printf("kept %s\n", kept.name().c_str());
  co_return v;
}

int main() {
  for (int x = 0; x < 2; ++x) std::printf("words(%d) = %d\n", x, asyncc::block_on(words(x)));
  for (int x = 0; x < 3; ++x) std::printf("traced(%d) = %d\n", x, asyncc::block_on(traced(x)));
  e2e::drop_after_each_poll("words(0)", [] { return words(0); }, 3);
  e2e::drop_after_each_poll("traced(0)", [] { return traced(0); }, 2);
  std::printf("live %d\n", Traced::live_count());
}
