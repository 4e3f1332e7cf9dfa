// ASYNC methods: const and non-const (the future keeps `this`), static,
// defined in the class body and out of line, private members, methods
// awaiting methods, and overloaded async functions.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

namespace bank {

class Account {
 public:
  explicit Account(std::string owner) : owner_(std::move(owner)) {}

  // Defined in the class; reads and writes private members.
  ASYNC asyncc::Async<int> deposit(int amount) {
    Traced d("deposit");
    int confirmed = co_await PendingFor<int>(1, amount, "deposit.confirm");
    balance_ += confirmed;
    ++this->operations_;
    co_return balance_;
  }

  // const: the future keeps a pointer to a const Account.
  ASYNC asyncc::Async<std::string> describe() const {
    co_await e2e::Yield(1);
    co_return owner_ + ": " + std::to_string(balance_) + " after " + std::to_string(operations_) + " operations";
  }

  // Awaits another method of the same object.
  ASYNC asyncc::Async<int> deposit_twice(int amount) {
    int first = co_await deposit(amount);
    int second = co_await this->deposit(amount);
    co_return second - first;
  }

  ASYNC static asyncc::Async<int> fee(int amount) {
    co_return co_await PendingFor<int>(1, amount / 10 + kMinimumFee);
  }

  // Declared here, defined out of line below.
  ASYNC asyncc::Async<int> withdraw(int amount);
  ASYNC static asyncc::Async<bool> valid(int amount);

 private:
  static constexpr int kMinimumFee = 1;
  std::string owner_;
  int balance_ = 0;
  int operations_ = 0;
};

ASYNC asyncc::Async<bool> Account::valid(int amount) {
  co_return co_await PendingFor<bool>(1, amount > 0);
}

ASYNC asyncc::Async<int> Account::withdraw(int amount) {
  Traced w("withdraw");
  if (!co_await valid(amount)) co_return balance_;
  int charged = amount + co_await fee(amount);
  balance_ -= charged;
  ++operations_;
  co_return balance_;
}

}  // namespace bank

// Overloads: each gets a future of its own.
ASYNC asyncc::Async<int> twice(int x) { co_return 2 * co_await PendingFor<int>(1, x); }
ASYNC asyncc::Async<std::string> twice(std::string s) { co_return s + co_await PendingFor<std::string>(1, s); }

ASYNC asyncc::Async<int> use_both() {
  int n = co_await twice(21);
  std::string s = co_await twice(std::string("ab"));
  co_return n + static_cast<int>(s.size());
}

int main() {
  bank::Account account("ada");
  std::printf("deposit -> %d\n", asyncc::block_on(account.deposit(100)));
  std::printf("deposit_twice -> %d\n", asyncc::block_on(account.deposit_twice(5)));
  std::printf("withdraw -> %d\n", asyncc::block_on(account.withdraw(50)));
  std::printf("withdraw -> %d\n", asyncc::block_on(account.withdraw(-3)));
  std::printf("fee -> %d\n", asyncc::block_on(bank::Account::fee(70)));
  const bank::Account& view = account;
  std::printf("%s\n", asyncc::block_on(view.describe()).c_str());
  std::printf("use_both -> %d\n", asyncc::block_on(use_both()));
  e2e::drop_after_each_poll("withdraw", [&] { return account.withdraw(10); }, 4);
  std::printf("%s\n", asyncc::block_on(view.describe()).c_str());
  std::printf("live %d\n", Traced::live_count());
}
