#include "detail.hpp"

#include <asyncc/executor.hpp>

ASYNC static asyncc::Async<int> local(int n) { co_return co_await lib::scaled(n) * 10; }

ASYNC asyncc::Async<std::string> b_report() {
  std::string name = co_await lib::greet("bee");
  int total = co_await local(3) + co_await detail::sum_to(2);
  co_return name + ", total " + std::to_string(total);
}

std::string run_b() { return asyncc::block_on(b_report()); }
