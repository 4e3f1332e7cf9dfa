// ASYNC lambdas inside plain lambdas of an ASYNC function, as callbacks are
// written: one a plain lambda spawns on every call (the plain lambda kept
// across awaits), one two plain lambdas deep and run to completion there,
// one that captures a traced object by copy; cancellation after every
// number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::Traced;

ASYNC asyncc::Async<int> serve(asyncc::LocalExecutor& executor) {
  int started = 0;
  Traced guard("guard");
  auto start = [&executor, &started](int id) {
    ++started;
    executor.spawn([id]() ASYNC -> asyncc::Async<void> {
      co_await e2e::Yield(id);
      std::printf("task %d done\n", id);
    });
  };
  for (int i = 1; i <= 3; ++i) start(i);
  auto twice = [&](int k) {
    auto inner = [k](int factor) {
      return asyncc::block_on([k, factor]() ASYNC -> asyncc::Async<int> {
        co_await e2e::Yield(1);
        co_return k * factor;
      }());
    };
    return inner(2);
  };
  co_await e2e::Yield(2);
  start(4);
  int doubled = twice(21);
  co_await e2e::Yield(5);
  std::printf("started %d, doubled %d\n", started, doubled);
  co_return started + doubled;
}

ASYNC asyncc::Async<int> traced_capture() {
  Traced tag("tag");
  auto run = [tag](int n) {
    return asyncc::block_on([tag, n]() ASYNC -> asyncc::Async<int> {
      co_await e2e::Yield(1);
      std::printf("%s with %d\n", tag.name().c_str(), n);
      co_return n + 1;
    }());
  };
  int first = run(1);
  co_await e2e::Yield(1);
  co_return first + run(2);
}

int main() {
  asyncc::LocalExecutor executor;
  executor.spawn([&executor]() ASYNC -> asyncc::Async<void> {
    std::printf("served %d\n", co_await serve(executor));
  });
  executor.run();
  std::printf("traced %d\n", asyncc::block_on(traced_capture()));
  e2e::drop_after_each_poll("traced_capture", [] { return traced_capture(); }, 2);
}
