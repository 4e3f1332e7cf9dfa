// A class whose own ASYNC methods await its ASYNC member templates, as a
// client class is written: `get<T>` is the generic request, `name()` and
// `age()` its typed uses, `profile()` awaits those (and a member template
// through a default argument), a const method, a static one, and a method
// that only makes the future and awaits it later. Code after the class
// awaits them all; traced values show destruction order and cancellation.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;

class Store {
 public:
  explicit Store(std::string prefix) : prefix_(std::move(prefix)) {}

  template <class T>
  ASYNC asyncc::Async<T> get(std::string key, T fallback) const {
    Traced request("get " + key);
    co_await PendingFor<int>(1, 0);
    ++lookups_;
    co_return key.size() > 3 ? fallback : T{};
  }

  ASYNC asyncc::Async<std::string> name(int retries = 1) const {
    std::string value = co_await get<std::string>("name", prefix_ + "alice");
    for (int i = 0; i < retries; ++i)
      value += co_await get<std::string>("suffix", "!");
    co_return value;
  }

  ASYNC asyncc::Async<int> age() { co_return co_await get("age-key", 42) + bonus_; }

  ASYNC asyncc::Async<std::string> profile() {
    Traced building("profile");
    std::string n = co_await name();
    int a = co_await age();
    co_return n + " (" + std::to_string(a) + ")";
  }

  ASYNC asyncc::Async<int> later() {
    auto pending = get<int>("later", 7);
    Traced between("between");
    co_return co_await std::move(pending);
  }

  template <class T>
  ASYNC static asyncc::Async<T> make(T value) {
    co_return co_await PendingFor<T>(1, value);
  }

  ASYNC static asyncc::Async<long> total() { co_return co_await make(10L) + co_await make(5L); }

  int lookups() const { return lookups_; }

 private:
  std::string prefix_;
  int bonus_ = 1;
  mutable int lookups_ = 0;
};

ASYNC asyncc::Async<std::string> report(Store& store) {
  std::string p = co_await store.profile();
  long t = co_await Store::total();
  co_return p + " / " + std::to_string(t) + " / " + std::to_string(co_await store.later());
}

int main() {
  Store store("ms. ");
  std::printf("name %s\n", asyncc::block_on(store.name(2)).c_str());
  std::printf("age %d\n", asyncc::block_on(store.age()));
  std::printf("profile %s\n", asyncc::block_on(store.profile()).c_str());
  std::printf("later %d\n", asyncc::block_on(store.later()));
  std::printf("total %ld\n", asyncc::block_on(Store::total()));
  std::printf("report %s\n", asyncc::block_on(report(store)).c_str());
  e2e::drop_after_each_poll("profile", [&] { return store.profile(); }, 4);
  e2e::drop_after_each_poll("later", [&] { return store.later(); }, 2);
  std::printf("lookups %d, live %d\n", store.lookups(), Traced::live_count());
}
