// Unnamed parameters of ASYNC lambdas, as handlers that ignore part of what
// they are given write them: a generic one's version is chosen by the type
// of each (the lowered head names them), and one whose destructor shows
// lives until the coroutine completes, as natively.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <cstdio>
#include <string>
#include "e2e_support.hpp"
struct Tag {};
int main() {
  // A handler that ignores its event's value, generic over the event type.
  auto on_event = [](auto, int weight) ASYNC -> asyncc::Async<int> {
    co_await e2e::Yield(1);
    co_return weight * 2;
  };
  auto describe = [](auto value, auto) ASYNC -> asyncc::Async<std::string> {
    co_await e2e::Yield(1);
    co_return std::to_string(value);
  };
  // A parameter nothing reads still lives until the coroutine completes.
  auto keep = [](e2e::Traced, int x) ASYNC -> asyncc::Async<int> {
    std::printf("keep: running\n");
    co_await e2e::Yield(1);
    co_return x;
  };
  int unnamed1 = 5;
  auto shadow = [&unnamed1](auto) ASYNC -> asyncc::Async<int> { co_return unnamed1 + co_await e2e::PendingFor<int>(1, 1); };
  std::printf("%d\n", asyncc::block_on(on_event(Tag{}, 3)));
  std::printf("%d\n", asyncc::block_on(on_event(std::string("ignored"), 4)));
  std::printf("%d\n", asyncc::block_on(on_event(1.5, 5)));
  std::printf("%s\n", asyncc::block_on(describe(7, Tag{})).c_str());
  std::printf("%s\n", asyncc::block_on(describe(8L, 'c')).c_str());
  std::printf("%d\n", asyncc::block_on(shadow(Tag{})));
  std::printf("%d\n", asyncc::block_on(keep(e2e::Traced("ticket"), 9)));
  e2e::drop_after_each_poll("keep", [&keep] { return keep(e2e::Traced("dropped"), 1); }, 2);
  std::printf("live Traced: %d\n", e2e::Traced::live_count());
}
