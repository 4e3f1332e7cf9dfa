// Where ASYNC may stand: among the specifiers in any order (`static ASYNC`,
// `inline ASYNC`, `ASYNC static`, after `[[nodiscard]]`), after a lambda's
// captures or after its parameters (`[&]() ASYNC ->`, `() mutable ASYNC ->`),
// and in a function template.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

static ASYNC asyncc::Async<int> twice(int x) {
  Traced t("twice");
  co_return 2 * co_await PendingFor<int>(1, x);
}

inline ASYNC asyncc::Async<int> plus_one(int x) { co_return co_await twice(x) + 1; }

ASYNC inline asyncc::Async<int> minus_one(int x) { co_return co_await twice(x) - 1; }

[[nodiscard]] static inline ASYNC asyncc::Async<std::string> named(std::string name) {
  co_await e2e::Yield(1);
  co_return "<" + name + ">";
}

template <class T>
inline ASYNC asyncc::Async<T> doubled(T x) {
  co_return co_await PendingFor<T>(1, x + x);
}

struct Account {
  int balance = 100;
  static ASYNC asyncc::Async<int> fee(int amount) { co_return co_await PendingFor<int>(1, amount / 10); }
  ASYNC static asyncc::Async<int> limit() { co_return co_await PendingFor<int>(1, 500); }
  inline ASYNC asyncc::Async<int> withdraw(int amount) {
    int f = co_await fee(amount);
    balance -= amount + f;
    co_return balance;
  }
};

int main() {
  std::printf("twice %d, plus_one %d, minus_one %d\n", asyncc::block_on(twice(4)),
              asyncc::block_on(plus_one(4)), asyncc::block_on(minus_one(4)));
  std::printf("named %s, doubled %d %s\n", asyncc::block_on(named("x")).c_str(),
              asyncc::block_on(doubled(21)), asyncc::block_on(doubled(std::string("ab"))).c_str());
  Account account;
  std::printf("limit %d, withdraw %d\n", asyncc::block_on(Account::limit()),
              asyncc::block_on(account.withdraw(50)));

  int k = 3;
  std::string log;
  auto after_params = [&](int y) ASYNC -> asyncc::Async<int> {
    Traced t("after_params");
    log += "a";
    co_return k * co_await PendingFor<int>(1, y);
  };
  int calls = 0;
  auto mutable_after = [calls]() mutable ASYNC -> asyncc::Async<int> {
    co_await e2e::Yield(1);
    co_return ++calls;
  };
  auto after_captures = [k] ASYNC (int y) -> asyncc::Async<int> { co_return k + co_await PendingFor<int>(1, y); };
  std::printf("after_params %d, log %s\n", asyncc::block_on(after_params(5)), log.c_str());
  int first = asyncc::block_on(mutable_after());
  std::printf("mutable_after %d %d, calls %d\n", first, asyncc::block_on(mutable_after()), calls);
  std::printf("after_captures %d\n", asyncc::block_on(after_captures(4)));
  e2e::drop_after_each_poll("twice(7)", [] { return twice(7); }, 2);
  e2e::drop_after_each_poll("after_params(1)", [&] { return after_params(1); }, 2);
  std::printf("live %d\n", Traced::live_count());
}
