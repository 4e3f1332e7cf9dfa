// Instantiations of ASYNC templates that only an unevaluated operand names
// (decltype, sizeof, std::is_invocable), with the return type written: C++
// declares them without a body, yet their futures must exist, complete,
// with the size and output the calls would have: a function template, a
// member template and a generic lambda, whose version for `char` is only
// ever asked about.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <type_traits>
#include <utility>

template <class T>
ASYNC asyncc::Async<T> doubled(T v) {
  co_await e2e::Yield(1);
  co_return v * 2;
}

struct Scale {
  int k;
  template <class T>
  ASYNC asyncc::Async<T> by(T v) {
    co_await e2e::Yield(1);
    co_return static_cast<T>(v * k);
  }
};

auto twice = [](auto v) ASYNC -> asyncc::Async<int> {
  co_await e2e::Yield(1);
  co_return static_cast<int>(v * 2);
};

using Doubled = decltype(doubled(1.5));
using ByShort = decltype(std::declval<Scale&>().by(short{2}));
using TwiceChar = decltype(twice('a'));

template <class F>
constexpr bool outputs_double = std::is_same_v<asyncc::output_of<F>, double>;

int main() {
  std::printf("doubled(1.5) outputs double: %d, has a size: %d\n", outputs_double<Doubled>, sizeof(Doubled) > 0);
  std::printf("by(short) outputs short: %d\n", std::is_same_v<asyncc::output_of<ByShort>, short>);
  std::printf("twice(char) outputs int: %d, invocable: %d\n", std::is_same_v<asyncc::output_of<TwiceChar>, int>,
              std::is_invocable_v<decltype(twice), char>);
  Scale s{3};
  std::printf("doubled(4) = %d, s.by(5) = %d, twice(21L) = %d\n", asyncc::block_on(doubled(4)),
              asyncc::block_on(s.by(5)), asyncc::block_on(twice(21L)));
}
