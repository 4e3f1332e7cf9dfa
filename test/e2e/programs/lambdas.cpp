// ASYNC lambdas (`[captures] ASYNC (params) -> asyncc::Async<T> {...}`):
// captures by value and by reference reach the closure's own, as the native
// coroutine reaches them through the closure; a mutable lambda's copies
// change; lambdas spawned as tasks.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

int main() {
  int k = 2;
  std::string log = "log";
  auto add = [k, &log] ASYNC (int y) -> asyncc::Async<int> {
    Traced t("add");
    int v = co_await PendingFor<int>(1, y);
    log += "+" + std::to_string(v);
    co_return k + v;
  };
  int counter = 0;
  auto count = [counter] ASYNC () mutable -> asyncc::Async<int> {
    co_await e2e::Yield(1);
    co_return ++counter;
  };
  auto everything = [&] ASYNC (int times) -> asyncc::Async<int> {
    int total = 0;
    for (int i = 0; i < times; ++i) total += co_await PendingFor<int>(1, k + i);
    co_return total;
  };
  std::printf("add = %d, log = %s\n", asyncc::block_on(add(5)), log.c_str());
  std::printf("count = %d\n", asyncc::block_on(count()));
  std::printf("count = %d (the closure's copy)\n", asyncc::block_on(count()));
  std::printf("counter = %d (unchanged)\n", counter);
  k = 10;
  std::printf("everything = %d\n", asyncc::block_on(everything(3)));

  asyncc::LocalExecutor executor;
  auto first = executor.spawn(add(1));
  auto second = executor.spawn(add(2));
  executor.run();
  int a = asyncc::block_on(std::move(first));
  int b = asyncc::block_on(std::move(second));
  std::printf("spawned: %d %d, log = %s\n", a, b, log.c_str());
  e2e::drop_after_each_poll("add(3)", [&] { return add(3); }, 2);
  std::printf("live %d\n", Traced::live_count());
}
