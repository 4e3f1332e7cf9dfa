// An aggregate temporary holding a std::string, made in the operand of a
// co_await. g++ 12.2 frees its string at the wrong address as a native
// coroutine (it aborts); clang++-19 and the transformed code are right.
// E2E: skip=native-gcc g++ 12.2 frees a std::string member of an aggregate temporary in a co_await operand wrongly (abort)
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

struct Named {
  std::string name;
  int value;
};

ASYNC asyncc::Async<int> by_aggregate() {
  Named got = co_await e2e::PendingFor<Named>(1, Named{"a name longer than the small buffer", 7});
  co_return got.value + static_cast<int>(got.name.size());
}

int main() { std::printf("by_aggregate = %d\n", asyncc::block_on(by_aggregate())); }
