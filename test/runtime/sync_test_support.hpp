// Helpers shared by the tests of the sync primitives.
#pragma once

#include <asyncc/executor.hpp>
#include <asyncc/future.hpp>

#include "test_support.hpp"

#include <cstddef>
#include <utility>
#include <vector>

namespace asyncc::testing {

// A Context whose waker counts what is done to it: poll futures by hand and
// see exactly which of them were woken.
struct Probe {
  CountingWaker counting;
  Waker waker = counting.waker();
  Context cx{waker};

  template <class F>
  auto poll(F& future) {
    return future.poll(cx);
  }
  int wakes() const { return counting.wakes(); }
};

// Awaits every handle, in order; its output is how many finished.
template <class T>
class JoinAll {
 public:
  using Output = std::size_t;
  explicit JoinAll(std::vector<JoinHandle<T>> handles) : handles_(std::move(handles)) {}
  Poll<std::size_t> poll(Context& cx) {
    while (next_ < handles_.size()) {
      if (handles_[next_].poll(cx).is_pending()) return Poll<std::size_t>::pending();
      ++next_;
    }
    return Poll<std::size_t>::ready(next_);
  }

 private:
  std::vector<JoinHandle<T>> handles_;
  std::size_t next_ = 0;
};

}  // namespace asyncc::testing
