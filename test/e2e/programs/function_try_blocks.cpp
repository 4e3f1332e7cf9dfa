// A function-try-block as an ASYNC function's body: its handlers catch what
// the body throws, itself or from an awaited future, after the body's locals
// are destroyed; they see the parameters, may co_return, rethrow, or flow off
// the end of an Async<void>. A method's too, and cancellation while the try
// block is suspended.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>

using e2e::FailAfter;
using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> checked(Traced request, int mode) try {
  Traced work("work");
  int value = co_await PendingFor<int>(1, request.value());
  if (mode == 1) value += co_await FailAfter<int>(1, "backend failed");
  e2e::fail_if(mode == 2, "body failed");
  Traced after("after");
  co_return value + co_await PendingFor<int>(1, 100);
} catch (const std::runtime_error& e) {
  std::printf("caught for %s: %s\n", request.name().c_str(), e.what());
  co_return -request.value();
}

ASYNC asyncc::Async<void> logged(int mode) try {
  Traced step("step");
  co_await e2e::Yield(1);
  if (mode == 1) throw 42;
  if (mode == 2) e2e::fail_if(true, "logged failed");
  std::printf("logged %d done\n", mode);
} catch (int code) {
  std::printf("int handler: %d (mode %d)\n", code, mode);
} catch (...) {
  std::printf("other handler (mode %d)\n", mode);
}

ASYNC asyncc::Async<int> rethrows(int mode) try {
  co_return co_await FailAfter<int>(mode, "deep failure");
} catch (const std::exception& e) {
  std::printf("rethrowing: %s\n", e.what());
  throw;
}

class Account {
 public:
  explicit Account(int balance) : balance_(balance) {}
  ASYNC asyncc::Async<int> withdraw(int amount);

 private:
  int balance_;
};

ASYNC asyncc::Async<int> Account::withdraw(int amount) try {
  co_await e2e::Yield(1);
  e2e::fail_if(amount > balance_, "insufficient funds");
  balance_ -= amount;
  co_return balance_;
} catch (const std::runtime_error& e) {
  std::printf("withdraw %d: %s\n", amount, e.what());
  co_return balance_;
}

int main() {
  for (int mode = 0; mode < 3; ++mode)
    std::printf("checked(%d) = %d\n", mode, asyncc::block_on(checked(Traced("request", 7), mode)));
  for (int mode = 0; mode < 3; ++mode) asyncc::block_on(logged(mode));
  try {
    asyncc::block_on(rethrows(2));
  } catch (const std::exception& e) {
    std::printf("main caught: %s\n", e.what());
  }
  Account account(50);
  std::printf("withdraw 20 -> %d\n", asyncc::block_on(account.withdraw(20)));
  std::printf("withdraw 40 -> %d\n", asyncc::block_on(account.withdraw(40)));
  // Dropped while suspended in the try block: its locals, then the
  // parameter, are destroyed, and no handler runs.
  e2e::drop_after_each_poll("checked", [] { return checked(Traced("dropped", 3), 1); }, 3);
  std::printf("alive %d\n", Traced::live_count());
}
