// Range-based for loops whose body awaits, over what users iterate: a braced
// list (whose array must outlive the loop, not only its initializer_list), a
// local array, and the awaited result of a call; and a block whose variables
// after its last await die before those it kept across the await.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<std::vector<std::string>> names() {
  co_await PendingFor<int>(1, 0, "names");
  co_return std::vector<std::string>{"ann", "bob"};
}

ASYNC asyncc::Async<int> loops() {
  int sum = 0;
  for (int x : {1, 2, 3})
    sum += x * co_await PendingFor<int>(1, 10, "braced");
  int values[3] = {7, 8, 9};
  for (int y : values)
    sum += y * co_await PendingFor<int>(1, 100, "array");
  for (const auto& name : co_await names()) {
    co_await PendingFor<int>(1, 0, "name");
    std::printf("name %s\n", name.c_str());
  }
  for (const Traced& t : {Traced("t1"), Traced("t2")}) {
    co_await PendingFor<int>(1, 0, "traced");
    std::printf("visit %s\n", t.name().c_str());
  }
  co_return sum;
}

ASYNC asyncc::Async<int> block_ends() {
  {
    Traced before("before");
    co_await PendingFor<int>(1, 0, "in block");
    Traced after("after");
    std::printf("block end\n");
  }
  std::printf("after the block\n");
  co_return 0;
}

int main() {
  std::printf("loops %d\n", e2e::run_to_completion("loops", loops()));
  std::printf("block_ends %d\n", e2e::run_to_completion("block_ends", block_ends()));
  e2e::drop_after_each_poll("loops", [] { return loops(); }, 12);
  e2e::drop_after_each_poll("block_ends", [] { return block_ends(); }, 2);
  std::printf("live %d\n", Traced::live_count());
}
