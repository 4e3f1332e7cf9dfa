// Async functions as tasks: several spawned on a LocalExecutor interleave at
// their awaits; JoinHandles are awaited from another async function; tasks
// still unfinished when the executor is dropped are destroyed; a timer wakes
// block_on through the reactor.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/time.hpp>

#include "e2e_support.hpp"

#include <chrono>
#include <cstdio>
#include <string>

using asyncc::Async;
using e2e::Traced;
using namespace std::chrono_literals;

ASYNC Async<int> worker(std::string name, int steps) {
  int done = 0;
  for (int i = 0; i < steps; ++i) {
    std::printf("%s: step %d\n", name.c_str(), i);
    co_await e2e::Yield(1);
    ++done;
  }
  std::printf("%s: done\n", name.c_str());
  co_return done * 100;
}

ASYNC Async<void> announce(std::string name) {
  Traced t(name);
  co_await e2e::Yield(2);
  std::printf("%s: announced\n", name.c_str());
}

ASYNC Async<int> gather(asyncc::JoinHandle<int> first, asyncc::JoinHandle<int> second) {
  std::printf("gather: waiting\n");
  int x = co_await std::move(first);
  std::printf("gather: first = %d\n", x);
  int y = co_await std::move(second);
  std::printf("gather: second = %d\n", y);
  co_return x + y;
}

ASYNC Async<int> endless(std::string name) {
  Traced t(name);
  int rounds = 0;
  for (;;) {
    Traced round(name + " round " + std::to_string(rounds));
    co_await e2e::Yield(1);
    ++rounds;
  }
  co_return rounds;
}

ASYNC Async<int> sleepy(int value) {
  Traced t("sleepy");
  co_await asyncc::sleep(2ms);
  co_return value;
}

int main() {
  std::printf("== run\n");
  {
    asyncc::LocalExecutor executor;
    auto a = executor.spawn(worker("A", 3));
    auto b = executor.spawn(worker("B", 2));
    auto c = executor.spawn(announce("C"));
    executor.run();
    int ra = asyncc::block_on(std::move(a));
    int rb = asyncc::block_on(std::move(b));
    asyncc::block_on(std::move(c));
    std::printf("A = %d, B = %d\n", ra, rb);
  }

  std::printf("== block_on beside spawned tasks\n");
  {
    asyncc::LocalExecutor executor;
    auto d = executor.spawn(worker("D", 2));
    auto e = executor.spawn(worker("E", 1));
    int sum = executor.block_on(gather(std::move(d), std::move(e)));
    std::printf("gathered %d\n", sum);
  }

  std::printf("== drop the executor with unfinished tasks\n");
  {
    auto handle = [] {
      asyncc::LocalExecutor executor;
      auto first = executor.spawn(endless("F"));
      executor.spawn(endless("G"));
      executor.block_on(e2e::Yield(2));
      std::printf("dropping the executor\n");
      return first;
    }();
    try {
      asyncc::block_on(std::move(handle));
    } catch (const asyncc::task_cancelled&) {
      std::printf("F was cancelled\n");
    }
  }

  std::printf("== timer\n");
  std::printf("sleepy = %d\n", asyncc::block_on(sleepy(9)));
  std::printf("live Traced: %d\n", Traced::live_count());
}
