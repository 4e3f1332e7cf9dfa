// Values held across awaits: Traced, std::string, std::vector of unique_ptr,
// a move-only local; parameters copied and moved into async functions (the
// copy is made at the call, before anything runs), named futures awaited
// where they are, a move-only parameter, a Traced returned by value.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

using asyncc::Async;
using e2e::PendingFor;
using e2e::Traced;

ASYNC Async<std::string> describe(Traced t, std::string prefix) {
  std::printf("describe %s: started\n", t.name().c_str());
  co_await e2e::Yield(1);
  co_return prefix + t.name() + "=" + std::to_string(t.value());
}

ASYNC Async<Traced> make(std::string name, int value) {
  Traced t(name, value);
  co_await e2e::Yield(1);
  co_return t;
}

ASYNC Async<int> consume(std::vector<std::unique_ptr<int>> boxes) {
  co_await e2e::Yield(1);
  int sum = 0;
  for (const auto& box : boxes) sum += *box;
  co_return sum;
}

ASYNC Async<std::size_t> hold_everything() {
  Traced a("a", 1);
  std::string text = "text";
  std::vector<std::unique_ptr<int>> boxes;
  boxes.push_back(std::make_unique<int>(1));
  co_await e2e::Yield(1);
  boxes.push_back(std::make_unique<int>(co_await PendingFor<int>(1, 2)));
  boxes.push_back(std::make_unique<int>(3));

  // Named futures: asyncc v1 refuses an awaited call whose by-value
  // arguments have destructors (their destruction would move before the
  // await's end), and the copy of `a` happens here, at the call.
  auto describe_copy = describe(a, "copy of ");
  text += ", ";
  text += co_await describe_copy;
  Traced b = co_await make("b", 20);
  auto describe_moved = describe(std::move(b), "moved ");
  text += ", ";
  text += co_await describe_moved;

  std::unique_ptr<int> last = std::move(boxes.back());
  boxes.pop_back();
  co_await e2e::Yield(1);
  int sum = *last + a.value();
  for (const auto& box : boxes) sum += *box;
  std::printf("text=%s sum=%d\n", text.c_str(), sum);

  int consumed = co_await consume(std::move(boxes));
  std::printf("consumed=%d, left=%zu\n", consumed, boxes.size());
  co_return text.size();
}

int main() {
  {
    Traced lazy("lazy", 3);
    auto pending = describe(lazy, "lazy ");
    std::printf("called describe: nothing ran yet\n");
    std::printf("%s\n", asyncc::block_on(std::move(pending)).c_str());
  }
  std::printf("size = %zu\n", e2e::run_to_completion("hold_everything", hold_everything()));
  {
    Traced made = asyncc::block_on(make("main", 7));
    std::printf("made %s with %d\n", made.name().c_str(), made.value());
  }
  std::printf("live Traced: %d\n", Traced::live_count());
}
