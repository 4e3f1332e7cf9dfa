// ASYNC functions declared first and defined later, as C programmers lay out
// a file: prototypes at the top (one in a namespace and defined by its
// qualified name, a static one, default arguments, [[nodiscard]]), called
// from main and from plain functions before their definitions, a recursive
// one, and a method declared in its class and defined out of line, after
// main.
#include <asyncc/async.hpp>
#include <asyncc/boxed.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> fetch(int id, int scale = 10);
[[nodiscard]] static ASYNC asyncc::Async<std::string> describe(int id);
ASYNC asyncc::Async<long> countdown(int n);
ASYNC asyncc::Async<int> total(int n);
ASYNC asyncc::Async<int> report(int n);

namespace store {
ASYNC asyncc::Async<int> load(Traced key);
}

class Cache {
 public:
  ASYNC asyncc::Async<int> get(int id);
  int hits() const { return hits_; }

 private:
  int hits_ = 0;
};

// A plain function that runs a future before its ASYNC function is defined.
int fetch_now(int id) { return asyncc::block_on(fetch(id)); }

int main() {
  std::printf("fetch_now(3) = %d\n", fetch_now(3));
  std::printf("fetch(4, 2) = %d\n", asyncc::block_on(fetch(4, 2)));
  std::printf("describe(5) = %s\n", asyncc::block_on(describe(5)).c_str());
  std::printf("countdown(4) = %ld\n", asyncc::block_on(countdown(4)));
  std::printf("report(3) = %d\n", asyncc::block_on(report(3)));
  std::printf("load = %d\n", asyncc::block_on(store::load(Traced("key", 7))));
  {
    auto pending = store::load(Traced("dropped", 1));  // destroyed unpolled
  }
  Cache cache;
  int first = asyncc::block_on(cache.get(1));
  int second = asyncc::block_on(cache.get(2));
  std::printf("cache %d %d hits %d\n", first, second, cache.hits());
  std::printf("alive %d\n", Traced::live_count());
}

// Awaits a function only declared so far: its struct was made at that
// declaration.
ASYNC asyncc::Async<int> report(int n) {
  int sum = co_await total(n);
  co_return sum + co_await total(n + 1);
}

ASYNC asyncc::Async<int> fetch(int id, int scale) {
  Traced t("fetch" + std::to_string(id));
  int value = co_await PendingFor<int>(1, id);
  co_return value * scale;
}

ASYNC asyncc::Async<std::string> describe(int id) {
  int value = co_await fetch(id);
  co_return "item " + std::to_string(id) + " = " + std::to_string(value);
}

ASYNC asyncc::Async<long> countdown(int n) {
  if (n == 0) co_return co_await PendingFor<long>(1, 0);
  long below = co_await asyncc::boxed(countdown(n - 1));
  co_return below + n;
}

ASYNC asyncc::Async<int> store::load(Traced key) {
  Traced loading("loading " + key.name());
  co_return co_await PendingFor<int>(2, key.value()) + co_await fetch(1, 1);
}

ASYNC asyncc::Async<int> Cache::get(int id) {
  ++hits_;
  co_return co_await fetch(id, 100);
}

ASYNC asyncc::Async<int> total(int n) {
  int sum = 0;
  for (int i = 1; i <= n; ++i) sum += co_await PendingFor<int>(1, i);
  co_return sum;
}
