// Plain lambdas capturing `*this` in an ASYNC method, as snapshots of the
// object: called before and after awaits, kept across one (made by a member
// factory), mutable, using `this` as a pointer and `*this`, and stored past
// the call. The copies show as natively.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include "e2e_support.hpp"
#include <cstdio>
#include <functional>
#include <string>
#include <vector>
using asyncc::Async;
using e2e::Traced;

struct Account;
void audit(const Account* account);

struct Account {
  Traced owner;
  int balance = 0;
  std::vector<std::function<void()>> reports;

  explicit Account(std::string name) : owner(std::move(name)) {}

  int fee() const { return balance / 10; }

  ASYNC Async<int> deposit(int amount) {
    // A snapshot of the account before the deposit, printed later.
    auto before = [*this] { std::printf("before: %s has %d (fee %d)\n", owner.name().c_str(), balance, fee()); };
    balance += co_await e2e::PendingFor<int>(1, amount);
    before();
    auto tally = [*this](int extra) mutable { balance += extra; audit(this); return (*this).balance; };
    int projected = tally(5);
    co_await e2e::Yield(1);
    std::printf("projected %d, actual %d\n", projected, balance);
    reports.push_back([*this] { std::printf("report: %d\n", balance); });
    co_return balance;
  }
};

void audit(const Account* account) { std::printf("audit: %d\n", account->balance); }

int main() {
  Account account("ann");
  std::printf("deposit = %d\n", asyncc::block_on(account.deposit(50)));
  std::printf("deposit = %d\n", asyncc::block_on(account.deposit(20)));
  for (auto& report : account.reports) report();
  account.reports.clear();
  e2e::drop_after_each_poll("deposit", [&account] { return account.deposit(1); }, 3);
  account.reports.clear();
  std::printf("live Traced: %d\n", Traced::live_count());
}
