// Methods of a class await ASYNC methods of the same class defined after
// them, as C++ lets any member function call any other: a chain of three
// (each awaiting the next one down), a method awaiting two later ones in
// one expression, private methods after a public one, a class that ends
// with private data; awaited from outside the class too, with traced
// locals, and dropped after every number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::Traced;

class Inventory {
 public:
  explicit Inventory(int base) : base_(base) {}

  ASYNC asyncc::Async<int> report(int item) {
    Traced trace("report " + std::to_string(item));
    int total = co_await restock(item) + co_await count(item);
    std::printf("report %d: %d\n", item, total);
    co_return total;
  }

  ASYNC asyncc::Async<int> restock(int item) {
    Traced trace("restock " + std::to_string(item));
    int now = co_await count(item);
    co_await e2e::Yield(1);
    co_return now + co_await fetch(item);
  }

  ASYNC asyncc::Async<int> count(int item) {
    co_await e2e::Yield(1);
    co_return base_ + item;
  }

 private:
  ASYNC asyncc::Async<int> fetch(int item) {
    Traced trace("fetch " + std::to_string(item));
    co_await e2e::Yield(1);
    co_return item * 10;
  }

  int base_;
};

ASYNC asyncc::Async<int> audit(Inventory& inventory) {
  int a = co_await inventory.report(1);
  int b = co_await inventory.restock(2);
  co_return a + b;
}

int main() {
  Inventory inventory(100);
  std::printf("audit = %d\n", asyncc::block_on(audit(inventory)));
  e2e::drop_after_each_poll("report", [&inventory] { return inventory.report(3); }, 5);
}
