// E2E: skip=native-gcc g++ 12.2 has an internal compiler error (gimple-low.cc:410) on a class-type GNU ?: with co_await in a coroutine
// GNU `a ?: b` with an await on its right, as C code written for GCC uses
// it for defaults: `a` is evaluated once, kept, tested, and is the value
// when true; `b` is awaited only when `a` is false.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <memory>
#include <string>

using asyncc::Async;
using e2e::PendingFor;
using e2e::Traced;

ASYNC Async<int> default_port() {
  std::printf("looking up the default port\n");
  co_await e2e::Yield(1);
  co_return 8080;
}

ASYNC Async<int> port(int configured) {
  int chosen = configured ?: co_await default_port();
  co_return chosen;
}

int reads = 0;
int next_id() { return ++reads > 1 ? reads : 0; }

// `a` is a call: made once, whichever way the test goes.
ASYNC Async<int> id_or_fresh() {
  co_return next_id() ?: co_await PendingFor<int>(1, 100);
}

// Glvalues: the result refers to the chosen counter.
int primary = 0;
int backup = 5;
ASYNC Async<int&> fallback() {
  co_await e2e::Yield(1);
  co_return backup;
}
ASYNC Async<int> bump(bool use_primary) {
  int& counter = (use_primary ? primary : backup) ?: co_await fallback();
  ++counter;
  std::printf("primary %d backup %d\n", primary, backup);
  co_return counter;
}

// A handle whose copies show, tested by its explicit operator bool.
struct Handle {
  Traced owner;
  bool open;
  Handle(std::string name, bool open) : owner(std::move(name)), open(open) {}
  explicit operator bool() const { return open; }
};

ASYNC Async<Handle> reconnect() {
  co_await e2e::Yield(1);
  co_return Handle("reconnected", true);
}

ASYNC Async<bool> use(bool open) {
  Handle h = Handle("cached", open) ?: co_await reconnect();
  std::printf("using %s\n", h.owner.name().c_str());
  co_return static_cast<bool>(h);
}

// Awaits on both sides, in a longer expression.
ASYNC Async<int> both(int first) {
  int total = 1 + (co_await PendingFor<int>(1, first) ?: co_await PendingFor<int>(2, 40)) * 2;
  std::shared_ptr<int> shared = std::make_shared<int>(first) ?: nullptr;
  co_return total + *shared;
}

int main() {
  std::printf("port = %d\n", asyncc::block_on(port(443)));
  std::printf("port = %d\n", asyncc::block_on(port(0)));
  std::printf("id = %d\n", asyncc::block_on(id_or_fresh()));
  std::printf("id = %d\n", asyncc::block_on(id_or_fresh()));
  std::printf("bump = %d\n", asyncc::block_on(bump(true)));
  std::printf("bump = %d\n", asyncc::block_on(bump(true)));
  std::printf("bump = %d\n", asyncc::block_on(bump(false)));
  std::printf("use = %d\n", asyncc::block_on(use(true)));
  std::printf("use = %d\n", asyncc::block_on(use(false)));
  std::printf("both = %d\n", asyncc::block_on(both(3)));
  std::printf("both = %d\n", asyncc::block_on(both(0)));
  e2e::drop_after_each_poll("use", [] { return use(false); }, 3);
  e2e::drop_after_each_poll("both", [] { return both(0); }, 5);
  std::printf("live Traced: %d\n", Traced::live_count());
}
