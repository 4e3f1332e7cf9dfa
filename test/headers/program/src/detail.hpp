#pragma once
// Beside a.cpp and b.cpp, which include it with quotes; it includes
// async_lib.hpp through the include path.
#include "async_lib.hpp"

namespace detail {

ASYNC inline asyncc::Async<int> sum_to(int n) {
  lib::Accumulator acc;
  int last = 0;
  for (int i = 1; i <= n; ++i)
    last = co_await acc.add(i);
  co_return last;
}

}  // namespace detail
