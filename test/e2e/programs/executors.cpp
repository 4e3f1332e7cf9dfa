// Transformed futures under block_on and the LocalExecutor; a loop of many
// awaits.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <vector>

using e2e::PendingFor;
using e2e::Ready;

ASYNC asyncc::Async<long> many(long n) {
  long total = 0;
  for (long i = 0; i < n; ++i)
    total += co_await Ready<long>(i % 3);
  co_return total;
}

ASYNC asyncc::Async<int> task(int id) {
  int v = co_await PendingFor<int>(id % 4, id);
  co_return v * 10;
}

int main() {
  std::printf("many %ld\n", asyncc::block_on(many(100000)));
  asyncc::LocalExecutor executor;
  std::vector<asyncc::JoinHandle<int>> handles;
  for (int i = 0; i < 20; ++i) handles.push_back(executor.spawn(task(i)));
  auto big = executor.spawn(many(1000));
  executor.run();
  int sum = 0;
  for (auto& h : handles) sum += asyncc::block_on(std::move(h));
  std::printf("tasks %d big %ld\n", sum, asyncc::block_on(std::move(big)));
  std::printf("block_on in executor %d\n", executor.block_on(task(7)));
}
