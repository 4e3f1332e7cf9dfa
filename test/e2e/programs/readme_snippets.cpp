// The README's snippets of the runtime, as written there, inside ASYNC
// functions: join and select of two ASYNC calls, yield_now, a bounded
// channel destructured into its two ends, sleep, timeout of an ASYNC call,
// a LocalExecutor's task.
#include <asyncc/asyncc.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <utility>

using namespace std::chrono_literals;

ASYNC asyncc::Async<int> f() {
  co_await asyncc::yield_now();
  co_return 1;
}

ASYNC asyncc::Async<int> g() { co_return 2; }

ASYNC asyncc::Async<int> some_future() {
  co_await asyncc::sleep(1ms);
  co_return 42;
}

ASYNC asyncc::Async<int> snippets() {
  auto [a, b] = co_await asyncc::join(f(), g());                   // both, concurrently, in one task
  std::printf("join %d %d\n", a, b);
  auto first = co_await asyncc::select(f(), asyncc::sleep(1s));    // std::variant; the loser is dropped
  std::printf("select %zu\n", first.index());
  co_await asyncc::yield_now();                                    // let the other ready tasks run
  auto [tx, rx] = asyncc::channel<int>(16);                        // bounded MPSC, across threads too
  bool sent = co_await tx.send(1);                                 // false once the receiver is gone
  std::optional<int> v = co_await rx.recv();                       // nullopt once all senders are gone
  std::printf("sent %d received %d\n", sent, v.value_or(-1));
  auto r = co_await asyncc::timeout(some_future(), 1s);            // std::optional: empty on timeout
  std::printf("timeout %d\n", r.value_or(-1));
  co_return a + b + *v;
}

int main() {
  asyncc::block_on(asyncc::sleep(2ms));              // parks the thread in epoll_wait

  asyncc::LocalExecutor executor;                    // one thread, many tasks
  auto handle = executor.spawn(snippets());          // one allocation; the task stays pinned
  executor.run();                                    // until every task has finished
  auto out = asyncc::block_on(std::move(handle));    // a JoinHandle is a future too
  std::printf("task %d\n", out);

  auto r = asyncc::block_on(asyncc::timeout(some_future(), 1s));  // std::optional: empty on timeout
  std::printf("block_on timeout %d\n", r.value_or(-1));
}
