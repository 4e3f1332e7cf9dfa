// ASYNC function templates: each instantiation the program uses gets a state
// machine of its own (an explicit specialization of the future's struct
// template); type and integer parameters; templates awaiting templates.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

template <class T>
ASYNC asyncc::Async<T> twice(T x) {
  Traced t("twice");
  T a = co_await PendingFor<T>(1, x);
  co_return a + a;
}

template <class T, int N>
ASYNC asyncc::Async<T> repeat(T x) {
  T total{};
  for (int i = 0; i < N; ++i) total = total + co_await twice<T>(x);
  co_return total;
}

template <class Container>
ASYNC asyncc::Async<std::size_t> count_awaited(Container c) {
  std::size_t n = 0;
  for (const auto& item : c) {
    co_await e2e::Yield(1);
    n += item.size();
  }
  co_return n;
}

ASYNC asyncc::Async<int> use() {
  int a = co_await twice(3);
  std::string s = co_await twice(std::string("ab"));
  int r = co_await repeat<int, 3>(2);
  std::string t = co_await repeat<std::string, 2>(std::string("x"));
  std::vector<std::string> words{"one", "three"};
  std::size_t n = co_await count_awaited(words);
  std::printf("a=%d s=%s r=%d t=%s n=%zu\n", a, s.c_str(), r, t.c_str(), n);
  co_return a + r;
}

int main() {
  std::printf("use = %d\n", asyncc::block_on(use()));
  e2e::drop_after_each_poll("repeat<int, 2>", [] { return repeat<int, 2>(5); }, 3);
  std::printf("live %d\n", Traced::live_count());
}
