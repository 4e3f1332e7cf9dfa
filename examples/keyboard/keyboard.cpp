// Reads standard input line by line without blocking the thread, while a
// timer notes every second that passes without input.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/lines.hpp>
#include <asyncc/select.hpp>
#include <asyncc/time.hpp>

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>
#include <variant>

ASYNC asyncc::Async<int> echo_lines() {
  asyncc::Lines lines = asyncc::stdin_lines();
  int count = 0;
  for (;;) {
    asyncc::Lines::Next next_line = lines.next();
    asyncc::Sleep second = asyncc::sleep(std::chrono::seconds(1));
    auto event = co_await asyncc::select(std::move(next_line), std::move(second));
    if (event.index() == 1) {
      std::printf("(waiting for input)\n");
      std::fflush(stdout);
      continue;
    }
    std::optional<std::string>& line = std::get<0>(event);
    if (!line) break;
    ++count;
    std::printf("line %d: %s\n", count, line->c_str());
    std::fflush(stdout);
  }
  co_return count;
}

int main() {
  int count = asyncc::block_on(echo_lines());
  std::printf("end of input after %d lines\n", count);
  return 0;
}
