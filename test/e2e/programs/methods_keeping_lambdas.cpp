// ASYNC methods that keep a lambda using `this` across awaits: a callback
// written once and called after each read (`auto on_line = [&](...) {...};`,
// as a session class of an Asio example would), one capturing `this` by
// name with a nested lambda that captures it too, one naming a private
// constant, an ASYNC lambda kept and awaited twice, one awaited where it is
// written, and a const method's. Their factories are private static members
// of the class, defined after it with the methods' structs.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <algorithm>
#include <cstdio>
#include <string>
#include <utility>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<std::string> read_line(int i) {
  static const char* lines[] = {"GET /", "Host: example", "", "ignored"};
  co_return co_await PendingFor<std::string>(1, lines[i % 4]);
}

class Session {
 public:
  explicit Session(std::string peer) : peer_(std::move(peer)) {}

  ASYNC asyncc::Async<int> read_request() {
    Traced request("request of " + peer_);
    auto on_line = [&](const std::string& line) {
      headers_.push_back(line);
      log("header " + std::to_string(headers_.size()) + ": " + line);
    };
    auto full = [](std::size_t n) { return n >= kMaxHeaders; };
    for (int i = 0;; ++i) {
      std::string line = co_await read_line(i);
      if (line.empty() || full(headers_.size())) break;
      on_line(line);
    }
    co_return static_cast<int>(headers_.size());
  }

  ASYNC asyncc::Async<std::string> replay() {
    auto each = [this](const std::string& prefix) {
      std::string out;
      std::for_each(headers_.begin(), headers_.end(), [this, &out, &prefix](const std::string& h) {
        out += prefix + h + "@" + peer_ + " ";
      });
      return out;
    };
    std::string first = each("1:");
    co_await PendingFor<int>(1, 0);
    co_return first + each("2:");
  }

  ASYNC asyncc::Async<int> steps(int n) {
    auto step = [this](int k) ASYNC -> asyncc::Async<int> {
      Traced s("step " + std::to_string(k));
      bytes_ += co_await PendingFor<int>(1, k * 10);
      co_return bytes_;
    };
    int a = co_await step(n);
    int b = co_await step(n + 1);
    int c = co_await [this, a]() ASYNC -> asyncc::Async<int> {
      co_await PendingFor<int>(1, 0);
      co_return a + static_cast<int>(peer_.size());
    }();
    co_return a + b + c;
  }

  ASYNC asyncc::Async<std::string> describe() const {
    auto line = [&](const char* what) { return peer_ + " " + what + " " + std::to_string(bytes_); };
    std::string before = line("before");
    co_await PendingFor<int>(1, 0);
    co_return before + " / " + line("after");
  }

 private:
  void log(const std::string& what) { std::printf("[%s] %s\n", peer_.c_str(), what.c_str()); }

  static constexpr std::size_t kMaxHeaders = 3;

  std::string peer_;
  std::vector<std::string> headers_;
  int bytes_ = 0;
};

int main() {
  Session session("10.0.0.7");
  std::printf("headers %d\n", e2e::run_to_completion("read_request", session.read_request()));
  std::printf("%s\n", e2e::run_to_completion("replay", session.replay()).c_str());
  std::printf("steps %d\n", e2e::run_to_completion("steps", session.steps(2)));
  std::printf("%s\n", e2e::run_to_completion("describe", session.describe()).c_str());
  Session other("10.0.0.8");
  e2e::drop_after_each_poll("read_request", [&] { return other.read_request(); }, 4);
  e2e::drop_after_each_poll("steps", [&] { return other.steps(1); }, 4);
  std::printf("live Traced: %d\n", Traced::live_count());
}
