// Lambdas in an async body that capture what the frame keeps: locals that
// live across awaits, parameters, structured bindings, `this` of a method;
// by reference, by copy, by default or by name, and through init-captures;
// passed to algorithms, kept in a std::function across awaits, nested.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <algorithm>
#include <cstdio>
#include <functional>
#include <map>
#include <string>
#include <utility>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<std::string> next_line(int i) {
  static const char* lines[] = {"alpha", "be", "gamma", ""};
  co_return co_await PendingFor<std::string>(1, lines[i]);
}

ASYNC asyncc::Async<std::size_t> count_lines(int limit) {
  std::size_t total = 0;
  std::vector<std::string> log;
  auto on_line = [&](const std::string& line) {
    total += line.size();
    log.push_back(line);
  };
  for (int i = 0; i < limit; ++i) {
    std::string line = co_await next_line(i);
    if (line.empty()) break;
    on_line(line);
  }
  std::function<void(const char*)> note = [&log, limit](const char* what) {
    log.push_back(std::string(what) + "/" + std::to_string(limit));
  };
  co_await e2e::Yield(1);
  note("done");
  std::sort(log.begin(), log.end(), [&](const std::string& a, const std::string& b) {
    return a.size() != b.size() ? a.size() < b.size() : a < b;
  });
  for (const std::string& entry : log) std::printf("  %s\n", entry.c_str());
  co_return total;
}

ASYNC asyncc::Async<int> copies(int n) {
  int x = co_await PendingFor<int>(1, 10);
  auto by_copy = [=] { return x + n; };
  auto by_name = [x, &n] { return x * n; };
  auto init = [y = x + 1, &z = x] { return y * 100 + z; };
  x = 20;
  n = 3;
  co_await e2e::Yield(1);
  co_return by_copy() * 10000 + by_name() * 1000 + init();
}

ASYNC asyncc::Async<int> bindings() {
  std::map<std::string, int> weights{{"a", 1}, {"b", 2}};
  co_await e2e::Yield(1);
  int sum = 0;
  for (auto& [name, weight] : weights) {
    co_await e2e::Yield(1);
    auto add = [&] { sum += weight * static_cast<int>(name.size()); };
    add();
  }
  auto [first, second] = std::pair<int, int>(co_await PendingFor<int>(1, 4), 5);
  co_await e2e::Yield(1);
  auto product = [&first, second] { return first * second; };
  co_return sum + product();
}

struct Counter {
  int count = 0;
  std::string name = "counter";
  ASYNC asyncc::Async<int> bump(int times) {
    Traced t("bump");
    for (int i = 0; i < times; ++i) {
      co_await e2e::Yield(1);
      auto step = [this, i] { count += i; };
      step();
      auto nested = [&] { return [this] { return count * 2; }() + static_cast<int>(name.size()); };
      std::printf("  %s %d %d\n", name.c_str(), count, nested());
    }
    auto copy_all = [=, this] { return count + times; };
    co_return copy_all();
  }
};

int main() {
  std::printf("count_lines %zu\n", asyncc::block_on(count_lines(10)));
  std::printf("copies %d\n", asyncc::block_on(copies(2)));
  std::printf("bindings %d\n", asyncc::block_on(bindings()));
  Counter counter;
  std::printf("bump %d\n", asyncc::block_on(counter.bump(3)));
  e2e::drop_after_each_poll("count_lines(2)", [] { return count_lines(2); }, 4);
  e2e::drop_after_each_poll("bump(2)", [&] { return counter.bump(2); }, 3);
  std::printf("live %d\n", Traced::live_count());
}
