// Non-trivial values held across awaits, results by value and by reference,
// Async<void>, parameters by value and by reference.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using e2e::PendingFor;
using e2e::RefAfter;
using e2e::Traced;
using e2e::Yield;

ASYNC asyncc::Async<void> append(std::vector<std::unique_ptr<int>>& out, int n) {
  for (int i = 0; i < n; ++i) {
    co_await Yield(1);
    out.push_back(std::make_unique<int>(i * i));
  }
}

ASYNC asyncc::Async<Traced> make(std::string name) {
  Traced t(name, 7);
  co_await Yield(2);
  co_return t;
}

ASYNC asyncc::Async<int> hold(Traced by_value, const Traced& by_ref) {
  std::vector<std::unique_ptr<int>> boxes;
  co_await append(boxes, 4);
  std::string text = "boxes:";
  for (const auto& box : boxes) {
    co_await Yield(1);
    text += " " + std::to_string(*box);
  }
  std::printf("%s\n", text.c_str());
  int counter = 5;
  int& same = co_await RefAfter<int>(2, counter);
  same += 1;
  Traced made = co_await make("made");
  std::printf("counter %d made %s=%d by_value %s by_ref %s\n", counter, made.name().c_str(), made.value(),
              by_value.name().c_str(), by_ref.name().c_str());
  co_return counter + made.value();
}

int main() {
  {
    Traced outside("outside");
    std::printf("hold %d\n", asyncc::block_on(hold(Traced("param"), outside)));
  }
  std::printf("live %d\n", Traced::live_count());
}
