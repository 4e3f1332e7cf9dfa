#include "detail.hpp"

#include <asyncc/executor.hpp>

// The same name as in b.cpp, another body: each file keeps its own.
ASYNC static asyncc::Async<int> local(int n) { co_return co_await detail::sum_to(n) + co_await lib::scaled(1); }

ASYNC asyncc::Async<std::string> a_report() {
  std::string name = co_await lib::greet("a");
  int total = co_await local(4);
  co_return name + ", total " + std::to_string(total);
}

std::string run_a() { return asyncc::block_on(a_report()); }
