// ASYNC methods of a class template, defined in the class body: each
// specialization the program uses gets a state machine of its own; methods
// awaiting methods; const methods; default arguments; members updated.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::Traced;

template <class T>
class Box {
 public:
  explicit Box(T v) : value_(std::move(v)) {}

  ASYNC asyncc::Async<T> get() const {
    co_await e2e::Yield(1);
    co_return value_;
  }

  ASYNC asyncc::Async<T> repeated(int times = 2) {
    Traced r("repeated");
    T total{};
    for (int i = 0; i < times; ++i) total = total + co_await get();
    ++reads_;
    co_return total;
  }

  int reads() const { return reads_; }

 private:
  T value_;
  int reads_ = 0;
};

int main() {
  Box<int> numbers(21);
  Box<std::string> words("ab");
  int n = asyncc::block_on(numbers.repeated());
  std::string w = asyncc::block_on(words.repeated(3));
  std::printf("%d %s %d %d\n", n, w.c_str(), numbers.reads(), words.reads());
  e2e::drop_after_each_poll("repeated", [&] { return numbers.repeated(); }, 3);
  std::printf("reads %d, live %d\n", numbers.reads(), Traced::live_count());
}
