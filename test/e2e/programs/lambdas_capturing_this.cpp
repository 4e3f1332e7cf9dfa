// ASYNC lambdas that capture `this` (by name, through [&] or [=, this]) or
// `*this`, as Asio's examples hand them to co_spawn
// (`co_spawn(executor, [this]() -> awaitable<void> {...})`): the lambda's
// `this` is the object, or the closure's copy of it, and its body reads and
// writes private members and calls methods, ASYNC ones too.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>
#include <vector>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<std::string> next_line(int i) {
  static const char* lines[] = {"hello", "how are you", "bye"};
  co_return co_await PendingFor<std::string>(1, lines[i % 3]);
}

class ChatRoom {
 public:
  explicit ChatRoom(std::string name) : name_(std::move(name)) {}

  // Asio's chat server: one reader task per participant, spawned from a
  // method with `this` captured.
  void start(asyncc::LocalExecutor& executor, int lines) {
    executor.spawn([this, lines]() ASYNC -> asyncc::Async<void> {
      Traced reading("reader of " + name_);
      for (int i = 0; i < lines; ++i) deliver(co_await next_line(i));
    });
  }

  // Every member reached through the captured `this`, explicitly or not, and
  // an ASYNC method of the class awaited from the lambda.
  auto reader(int count) {
    return [&, count]() ASYNC -> asyncc::Async<int> {
      Traced guard("guard", count);
      int delivered = 0;
      while (delivered < count) {
        this->deliver(co_await next_line(delivered));
        ++delivered;
      }
      delivered += co_await history_size();
      co_return delivered;
    };
  }

  auto summary() const {
    return [=, this]() ASYNC -> asyncc::Async<std::string> {
      std::string first = history_.empty() ? "-" : history_.front();
      co_await PendingFor<int>(1, 0);
      co_return name_ + ": " + std::to_string(history_.size()) + " lines, first " + first;
    };
  }

  // A copy of the room as it is now: later changes to the room do not show.
  auto snapshot() {
    return [*this]() ASYNC -> asyncc::Async<std::string> {
      co_await PendingFor<int>(2, 0);
      co_return name_ + " had " + std::to_string(history_.size());
    };
  }

  // A mutable copy: the lambda's `this` is its own, changed by each call.
  auto renamer() {
    return [*this](std::string suffix) mutable ASYNC -> asyncc::Async<std::string> {
      name_ += suffix;
      co_await PendingFor<int>(1, 0);
      co_return name_;
    };
  }

  // Asio's listener: a coroutine spawning a task per connection, each a
  // lambda capturing `this` (lowered with the method).
  ASYNC asyncc::Async<int> accept(asyncc::LocalExecutor& executor, int connections) {
    for (int i = 0; i < connections; ++i) {
      std::string line = co_await next_line(i);
      executor.spawn([this, line]() ASYNC -> asyncc::Async<void> {
        co_await PendingFor<int>(1, 0);
        deliver("accepted " + line);
      });
    }
    co_return connections;
  }

  ASYNC asyncc::Async<int> history_size() {
    co_await PendingFor<int>(1, 0);
    co_return static_cast<int>(history_.size());
  }

  void rename(std::string name) { name_ = std::move(name); }

 private:
  void deliver(const std::string& line) {
    std::printf("[%s] %s\n", name_.c_str(), line.c_str());
    history_.push_back(line);
  }

  std::string name_;
  std::vector<std::string> history_;
};

// A class template's method: the future names the specialization.
template <class T>
class Accumulator {
 public:
  auto add(T amount) {
    return [this, amount]() ASYNC -> asyncc::Async<T> {
      total_ += amount + static_cast<T>(co_await PendingFor<int>(1, 1));
      co_return total_;
    };
  }
  T total() const { return total_; }

 private:
  T total_{};
};

int main() {
  ChatRoom room("lobby");
  {
    asyncc::LocalExecutor executor;
    room.start(executor, 2);
    executor.run();
  }
  {
    asyncc::LocalExecutor executor;
    std::printf("accepted %d\n", executor.block_on(room.accept(executor, 2)));
    executor.run();
  }
  auto snapshot = room.snapshot();
  std::printf("reader %d\n", e2e::run_to_completion("reader", room.reader(3)()));
  std::printf("%s\n", e2e::run_to_completion("summary", room.summary()()).c_str());
  room.rename("hall");
  std::printf("%s\n", e2e::run_to_completion("snapshot", snapshot()).c_str());
  auto renamer = room.renamer();
  std::printf("%s\n", e2e::run_to_completion("rename", renamer("-1")).c_str());
  std::printf("%s\n", e2e::run_to_completion("rename", renamer("-2")).c_str());
  std::printf("%s\n", e2e::run_to_completion("summary", room.summary()()).c_str());

  Accumulator<long> total;
  e2e::run_to_completion("add", total.add(10)());
  e2e::run_to_completion("add", total.add(5)());
  std::printf("total %ld\n", total.total());

  auto reader = room.reader(2);
  e2e::drop_after_each_poll("reader", [&] { return reader(); }, 4);
  std::printf("live Traced: %d\n", Traced::live_count());
}
