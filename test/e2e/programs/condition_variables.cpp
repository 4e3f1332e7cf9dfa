// Condition variables initialized by an await, as Tokio users write
// `while let Some(msg) = rx.recv().await`: `while (auto msg = co_await
// rx.recv())` and `if (auto x = co_await f())`. The variable lives for its
// iteration or its if, across the awaits of the body, and is destroyed at
// the end of each iteration, when the test fails, on break and continue, and
// when the future is dropped.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <optional>
#include <string>

using e2e::PendingFor;
using e2e::Traced;
using e2e::Yield;

// A traced value that tests true while its number is below a limit.
struct Message {
  Traced trace;
  int number;
  explicit operator bool() const { return number < 3; }
};

ASYNC asyncc::Async<Message> receive(int number) {
  co_await Yield(1);
  co_return Message{Traced("msg" + std::to_string(number)), number};
}

ASYNC asyncc::Async<int> drain() {
  int total = 0;
  int next = 0;
  while (auto msg = co_await receive(next++)) {
    std::printf("got %s\n", msg.trace.name().c_str());
    co_await Yield(1, "body");
    if (msg.number == 1)
      continue;
    total += msg.number + 10;
  }
  std::printf("drained\n");
  co_return total;
}

ASYNC asyncc::Async<int> channel_loop() {
  auto [tx, rx] = asyncc::channel<int>(4);
  for (int i = 1; i <= 3; ++i)
    co_await tx.send(i * 100);
  { auto last_sender = std::move(tx); }
  int sum = 0;
  while (std::optional<int> v = co_await rx.recv())
    sum += *v;
  co_return sum;
}

ASYNC asyncc::Async<int> choose(int n) {
  if (auto msg = co_await receive(n)) {
    co_await Yield(1, "then");
    std::printf("then %s\n", msg.trace.name().c_str());
    co_return msg.number;
  } else {
    std::printf("else %s\n", msg.trace.name().c_str());
  }
  std::printf("after the if\n");
  co_return -1;
}

int main() {
  std::printf("drain %d\n", e2e::run_to_completion("drain", drain()));
  std::printf("channel_loop %d\n", asyncc::block_on(channel_loop()));
  std::printf("choose %d\n", e2e::run_to_completion("choose", choose(1)));
  std::printf("choose %d\n", e2e::run_to_completion("choose", choose(5)));
  e2e::drop_after_each_poll("drain", [] { return drain(); }, 6);
  e2e::drop_after_each_poll("choose", [] { return choose(2); }, 3);
  std::printf("live %d\n", Traced::live_count());
}
