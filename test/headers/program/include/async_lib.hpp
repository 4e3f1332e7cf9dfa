#pragma once
// ASYNC functions in a header that a.cpp, b.cpp and detail.hpp include and
// await, and main.cpp calls.
#include <asyncc/async.hpp>
#include <asyncc/time.hpp>

#include <chrono>
#include <cstdio>
#include <string>

namespace lib {

using namespace std::chrono_literals;

constexpr int version = 1;  // edited by run_headers.cmake

ASYNC inline asyncc::Async<int> delayed(int value) {
  co_await asyncc::sleep(1ms);
  co_return value;
}

ASYNC inline asyncc::Async<std::string> greet(std::string name) {
  std::string greeting = "hello " + name;
  int n = co_await delayed(static_cast<int>(name.size()));
  co_return greeting + " (" + std::to_string(n) + ")";
}

class Accumulator {
 public:
  ASYNC asyncc::Async<int> add(int n) {
    total_ += co_await delayed(n);
    co_return total_;
  }

 private:
  int total_ = 0;
};

// Internal linkage: each file that includes the header has its own.
ASYNC static asyncc::Async<int> scaled(int x) { co_return version * co_await delayed(x); }

}  // namespace lib
