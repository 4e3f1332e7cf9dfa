// switch with co_await in its cases, its condition and its init-statement:
// fallthrough, default, nested switches, break and continue of a loop around,
// locals of the cases destroyed on every path, cancellation in each state.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>

using e2e::PendingFor;
using e2e::Traced;

enum class Color { red, green, blue };

ASYNC asyncc::Async<int> classify(int x) {
  Traced c("classify");
  int result = 0;
  switch (x % 4) {
    case 0:
      result += co_await PendingFor<int>(1, 10, "case0");
      [[fallthrough]];
    case 1: {
      Traced one("case1.local");
      result += co_await PendingFor<int>(1, 100);
      break;
    }
    case 2:
      result = -1;
      break;
    default:
      result = co_await PendingFor<int>(2, 1000, "default");
  }
  co_return result;
}

ASYNC asyncc::Async<int> by_awaited_value(int x) {
  Traced t("by_awaited_value");
  switch (Color color = static_cast<Color>(x % 3); co_await PendingFor<Color>(1, color)) {
    case Color::red:
      co_return 1;
    case Color::green: {
      Traced g("green");
      switch (co_await PendingFor<int>(1, x)) {
        case 4:
          co_return 40 + co_await PendingFor<int>(1, 2);
        default:
          break;
      }
      co_return 2;
    }
    case Color::blue:
      break;
  }
  co_return 3;
}

ASYNC asyncc::Async<int> in_a_loop(int n) {
  int sum = 0;
  for (int i = 0; i < n; ++i) {
    Traced round("round" + std::to_string(i));
    switch (i % 3) {
      case 0:
        continue;  // leaves the loop's iteration: round is destroyed
      case 1: {
        Traced inner("inner" + std::to_string(i));
        sum += co_await PendingFor<int>(1, i);
        if (sum > 6) break;
        sum += 1;
        break;
      }
      default:
        sum += co_await PendingFor<int>(0, 100);
    }
    std::printf("after switch %d: %d\n", i, sum);
  }
  co_return sum;
}

// A switch whose cases only return: no await in the switch itself.
ASYNC asyncc::Async<const char*> name_of(int x) {
  int y = co_await PendingFor<int>(1, x);
  switch (y) {
    case 0: co_return "zero";
    case 1: co_return "one";
  }
  co_return "many";
}

int main() {
  for (int x = 0; x < 4; ++x)
    std::printf("classify(%d) = %d\n", x, asyncc::block_on(classify(x)));
  for (int x = 0; x < 6; ++x)
    std::printf("by_awaited_value(%d) = %d\n", x, asyncc::block_on(by_awaited_value(x)));
  std::printf("in_a_loop(7) = %d\n", asyncc::block_on(in_a_loop(7)));
  for (int x = 0; x < 3; ++x)
    std::printf("name_of(%d) = %s\n", x, asyncc::block_on(name_of(x)));
  e2e::drop_after_each_poll("classify(0)", [] { return classify(0); }, 4);
  e2e::drop_after_each_poll("by_awaited_value(4)", [] { return by_awaited_value(4); }, 5);
  e2e::drop_after_each_poll("in_a_loop(5)", [] { return in_a_loop(5); }, 4);
  std::printf("live %d\n", Traced::live_count());
}
