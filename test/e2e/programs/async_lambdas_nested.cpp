// ASYNC lambdas where users write them: inside ASYNC functions (kept in a
// variable and awaited twice, called in place, spawned, joined, throwing),
// generic ones (at namespace scope, in main, inside an ASYNC function), and
// in member functions of class templates and ASYNC methods; with the traces
// of their values, and the futures dropped after every number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/join.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <stdexcept>
#include <string>
#include <tuple>
#include <utility>

using e2e::FailAfter;
using e2e::PendingFor;
using e2e::Traced;
using e2e::Yield;

ASYNC asyncc::Async<int> leafy(int y) {
  co_await Yield(1);
  co_return y * 10;
}

// Kept in the frame across awaits, and awaited twice.
ASYNC asyncc::Async<int> outer(int k) {
  Traced t("outer");
  auto inner = [k](int y) ASYNC -> asyncc::Async<int> {
    Traced in("inner " + std::to_string(y));
    co_return k + co_await leafy(y);
  };
  int a = co_await inner(2);
  co_return a + co_await inner(3);
}

// Called where it is written: the closure lives to the end of the
// full-expression, across the await.
ASYNC asyncc::Async<int> in_place(int k) {
  Traced t("in_place");
  int total = 1;
  int a = co_await [&]() ASYNC -> asyncc::Async<int> {
    Traced in("in place");
    total += co_await leafy(k);
    co_return total;
  }();
  co_return a + total;
}

// Its futures spawned and joined.
ASYNC asyncc::Async<int> spawned(int k) {
  auto times = [k](int y) ASYNC -> asyncc::Async<int> {
    co_await Yield(y);
    co_return k * y;
  };
  auto handle = asyncc::spawn(times(3));
  std::tuple<int, int> both = co_await asyncc::join(times(1), times(2));
  int third = co_await std::move(handle);
  co_return std::get<0>(both) + std::get<1>(both) + third;
}

// An exception from the lambda's future reaches the await, inside the try.
ASYNC asyncc::Async<std::string> failing() {
  Traced t("failing");
  auto risky = [](const char* message) ASYNC -> asyncc::Async<int> {
    Traced in("risky");
    co_return co_await FailAfter<int>(1, message);
  };
  try {
    co_await risky("boom");
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not thrown";
}

// Generic, at namespace scope.
auto twice = [](auto v) ASYNC -> asyncc::Async<int> {
  co_await Yield(1);
  co_return static_cast<int>(v) * 2;
};

// Generic, inside an ASYNC function: called with an int and a double.
ASYNC asyncc::Async<int> generic_inside(int k) {
  auto add = [k](auto v) ASYNC -> asyncc::Async<int> {
    Traced in("add");
    co_await Yield(1);
    co_return k + static_cast<int>(v);
  };
  int a = co_await add(1);
  int b = co_await add(2.5);
  co_return a + b + co_await twice(k);
}

// In a member function of a class template.
template <class T>
struct Scaler {
  T factor;
  T scale(T x) const {
    auto by = [f = factor](T v) ASYNC -> asyncc::Async<T> {
      co_await Yield(1);
      co_return v * f;
    };
    return asyncc::block_on(by(x));
  }
};

// In an ASYNC method: its lambda kept across awaits.
struct Counter {
  int base;
  ASYNC asyncc::Async<int> total(int n) {
    int b = base;
    auto step = [b](int i) ASYNC -> asyncc::Async<int> {
      co_await Yield(1);
      co_return b + i;
    };
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += co_await step(i);
    co_return sum;
  }
};

// In an ASYNC method of a class template: called where it is written.
template <class T>
struct Accumulator {
  T start;
  ASYNC asyncc::Async<T> add(T more) {
    Traced t("add");
    co_return co_await [from = start, more]() ASYNC -> asyncc::Async<T> {
      Traced in("add's lambda");
      co_await Yield(1);
      co_return from + more;
    }();
  }
};

// In an ASYNC function template: a generic lambda kept across awaits.
template <class T>
ASYNC asyncc::Async<T> scaled_sum(T a, T b) {
  auto scale = [](auto v, int by) ASYNC -> asyncc::Async<T> {
    Traced in("scale " + std::to_string(by));
    co_await Yield(1);
    co_return static_cast<T>(v * by);
  };
  T x = co_await scale(a, 2);
  co_return x + co_await scale(b, 3);
}

int main() {
  std::printf("outer = %d\n", asyncc::block_on(outer(1)));
  std::printf("in_place = %d\n", asyncc::block_on(in_place(2)));
  {
    asyncc::LocalExecutor executor;
    std::printf("spawned = %d\n", executor.block_on(spawned(5)));
  }
  std::printf("failing: %s\n", asyncc::block_on(failing()).c_str());

  // Generic, in main: with an int and with a string.
  auto describe = [](auto v) ASYNC -> asyncc::Async<std::string> {
    co_await Yield(1);
    if constexpr (std::is_same_v<decltype(v), int>)
      co_return "int " + std::to_string(v);
    else
      co_return "text " + std::string(v);
  };
  std::printf("%s, %s\n", asyncc::block_on(describe(4)).c_str(),
              asyncc::block_on(describe(std::string("four"))).c_str());
  std::printf("twice = %d %d\n", asyncc::block_on(twice(3)), asyncc::block_on(twice('\x02')));
  std::printf("generic_inside = %d\n", asyncc::block_on(generic_inside(10)));

  std::printf("scaled = %d %.1f\n", Scaler<int>{3}.scale(4), Scaler<double>{0.5}.scale(3.0));
  std::printf("accumulated = %d %.1f\n", asyncc::block_on(Accumulator<int>{1}.add(2)),
              asyncc::block_on(Accumulator<double>{0.5}.add(2.0)));
  std::printf("scaled_sum = %d %.1f\n", asyncc::block_on(scaled_sum(1, 2)), asyncc::block_on(scaled_sum(1.5, 0.5)));
  Counter counter{100};
  std::printf("counter = %d\n", asyncc::block_on(counter.total(3)));

  e2e::drop_after_each_poll("outer(1)", [] { return outer(1); }, 5);
  e2e::drop_after_each_poll("in_place(2)", [] { return in_place(2); }, 3);
  e2e::drop_after_each_poll("failing()", [] { return failing(); }, 3);
  e2e::drop_after_each_poll("generic_inside(1)", [] { return generic_inside(1); }, 5);
  Accumulator<int> accumulator{1};
  e2e::drop_after_each_poll("accumulator.add(2)", [&] { return accumulator.add(2); }, 2);
  e2e::drop_after_each_poll("scaled_sum(1, 2)", [] { return scaled_sum(1, 2); }, 3);
  std::printf("live %d\n", Traced::live_count());
}
