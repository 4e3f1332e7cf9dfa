// Structured bindings, static and thread_local locals, if constexpr, types
// declared in the body, async calls as arguments of async calls, goto that
// stays clear of suspensions, and pointers between locals of the frame
// (self-referential: the frame is pinned once polled).
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <type_traits>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;

struct Named {
  std::string name;
  int value;
};

ASYNC asyncc::Async<int> bindings(Named n) {
  auto [name, value] = n;  // a copy, kept in the frame
  auto& [ref_name, ref_value] = n;
  value += co_await PendingFor<int>(1, 10);
  ref_value += 1;
  std::printf("%s %d %s %d\n", name.c_str(), value, ref_name.c_str(), n.value);
  Named source{"awaited", 7};
  auto [awaited, number] = co_await PendingFor<Named>(1, source);
  co_return value + number + static_cast<int>(awaited.size());
}

ASYNC asyncc::Async<int> counters() {
  static int calls = 0;
  thread_local int on_this_thread = 100;
  ++calls;
  ++on_this_thread;
  co_await e2e::Yield(1);
  co_return calls * 1000 + on_this_thread;
}

template <class T>
constexpr bool is_text = std::is_same_v<T, std::string>;

ASYNC asyncc::Async<int> constexpr_branches(int x) {
  if constexpr (is_text<int>) {
    x = co_await PendingFor<int>(1, -1);  // discarded: never awaited
  } else {
    Traced kept("constexpr.kept");
    x += co_await PendingFor<int>(1, 5);
  }
  if constexpr (sizeof(int) >= 4) x *= co_await PendingFor<int>(1, 2);
  co_return x;
}

ASYNC asyncc::Async<int> local_types(int x) {
  enum class Mode { plain, doubled };
  using Count = long;
  struct Accumulator {
    Count total = 0;
    Mode mode = Mode::plain;
    void add(int v) { total += mode == Mode::doubled ? 2 * v : v; }
  };
  Accumulator acc;
  acc.add(co_await PendingFor<int>(1, x));
  acc.mode = Mode::doubled;
  acc.add(co_await PendingFor<int>(1, x));
  co_return static_cast<int>(acc.total);
}

ASYNC asyncc::Async<int> add(int a, int b) { co_return a + co_await PendingFor<int>(1, b); }

ASYNC asyncc::Async<int> nested_calls() {
  co_return co_await add(co_await add(1, 2), co_await add(3, 4));
}

ASYNC asyncc::Async<int> jumps(int n) {
  int x = 0;
again:
  ++x;
  if (x < n) goto again;
  int y = co_await PendingFor<int>(1, x);
  {
    if (y > 3) goto done;
    y += 100;
  done:
    y += 1;
  }
  co_return y;
}

// A pointer into the frame, held across suspensions: valid because the
// future never moves after its first poll.
ASYNC asyncc::Async<int> self_referential() {
  int values[3] = {1, 2, 3};
  int* cursor = &values[0];
  std::string text = "frame";
  const std::string& view = text;
  for (int i = 0; i < 3; ++i) {
    co_await e2e::Yield(1);
    *cursor++ *= 10;
  }
  co_return values[0] + values[1] + values[2] + static_cast<int>(view.size());
}

// Braces that call an initializer_list constructor: a list of three, not
// of one.
ASYNC asyncc::Async<int> lists() {
  std::vector<std::string> words{"one", "two", "three"};
  std::vector<int> numbers{1, 2};
  co_await e2e::Yield(1);
  co_return static_cast<int>(words.size() * 10 + numbers.size());
}

int main() {
  std::printf("lists = %d\n", asyncc::block_on(lists()));
  std::printf("bindings = %d\n", asyncc::block_on(bindings(Named{"n", 1})));
  std::printf("counters = %d\n", asyncc::block_on(counters()));
  std::printf("counters = %d\n", asyncc::block_on(counters()));
  std::printf("constexpr_branches = %d\n", asyncc::block_on(constexpr_branches(1)));
  std::printf("local_types = %d\n", asyncc::block_on(local_types(3)));
  std::printf("nested_calls = %d\n", asyncc::block_on(nested_calls()));
  std::printf("jumps(2) = %d\n", asyncc::block_on(jumps(2)));
  std::printf("jumps(5) = %d\n", asyncc::block_on(jumps(5)));
  std::printf("self_referential = %d\n", asyncc::block_on(self_referential()));
  e2e::drop_after_each_poll("constexpr_branches", [] { return constexpr_branches(1); }, 2);
  std::printf("live %d\n", Traced::live_count());
}
