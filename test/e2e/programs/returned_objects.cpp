// A value co_returned by an ASYNC function is made once where the future's
// result is: a class without a move constructor (its own destructor) is not
// copied on the way out, and one whose moves print shows each move. The
// destructor lines show every object native C++ makes, and no other.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;

struct Receipt {
  std::string item;
  int cents;
  ~Receipt() { std::printf("receipt for %s filed\n", item.c_str()); }
};

struct Parcel {
  explicit Parcel(int n) : id(n) { std::printf("parcel %d made\n", id); }
  Parcel(Parcel&& other) noexcept : id(other.id) {
    other.id = -other.id;
    std::printf("parcel %d moved\n", id);
  }
  ~Parcel() { std::printf("parcel %d gone\n", id); }
  int id;
};

ASYNC asyncc::Async<Receipt> buy(std::string item) {
  int cents = co_await PendingFor<int>(1, 311);
  co_return Receipt{item, cents};
}

ASYNC asyncc::Async<Parcel> ship(int id) {
  Parcel kept(id);
  co_await PendingFor<int>(1, 0);
  co_return kept;  // moved, as a local is
}

ASYNC asyncc::Async<int> shop() {
  Receipt r = co_await buy("tea");
  std::printf("bought %s for %d\n", r.item.c_str(), r.cents);
  Parcel p = co_await ship(7);
  std::printf("shipped %d\n", p.id);
  co_return r.cents + p.id;
}

int main() {
  std::printf("shop = %d\n", asyncc::block_on(shop()));
  e2e::drop_after_each_poll("shop", [] { return shop(); }, 3);
}
