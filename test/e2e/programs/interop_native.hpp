// A library of native C++20 coroutines (asyncc::Async without ASYNC): asyncc
// leaves them alone, so a program that includes this header keeps them as
// coroutines even when its own ASYNC functions are transformed.
#pragma once

#include <asyncc/async.hpp>

#include "e2e_support.hpp"

#include <stdexcept>

inline asyncc::Async<int> native_add(int x, int y) {
  e2e::Traced n("native_add");
  int a = co_await e2e::PendingFor<int>(1, x, "native_add.x");
  co_return a + y;
}

inline asyncc::Async<int> native_fails(int pending) {
  e2e::Traced n("native_fails");
  co_await e2e::PendingFor<int>(pending, 0);
  throw std::runtime_error("native_fails threw");
}
