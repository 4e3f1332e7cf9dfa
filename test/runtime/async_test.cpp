// The native bridge: Async<T> as a lazy C++20 coroutine driven by poll.
#include <asyncc/asyncc.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

#if defined(__cpp_impl_coroutine)

namespace {

using namespace std::chrono_literals;
using asyncc::Async;
using asyncc::testing::PendingFor;

std::vector<std::string> trace;

struct Traced {
  explicit Traced(std::string n) : name(std::move(n)) { trace.push_back("+" + name); }
  ~Traced() { trace.push_back("-" + name); }
  std::string name;
};

ASYNC Async<int> leaf(int pending, int value) {
  trace.push_back("leaf " + std::to_string(value));
  co_return co_await PendingFor<int>(pending, value);
}

ASYNC Async<int> sum() {
  Traced a("a");
  int x = co_await leaf(2, 20);
  Traced b("b");
  int y = co_await leaf(1, 22);
  co_return x + y;
}

TEST(Async, IsLazyAndNests) {
  trace.clear();
  auto future = sum();
  EXPECT_TRUE(trace.empty()) << "nothing runs before the first poll";
  EXPECT_EQ(asyncc::block_on(std::move(future)), 42);
  EXPECT_EQ(trace, (std::vector<std::string>{"+a", "leaf 20", "+b", "leaf 22", "-b", "-a"}));
}

TEST(Async, DroppingAnUnfinishedFutureDestroysItsLocals) {
  trace.clear();
  {
    auto future = sum();
    asyncc::Context cx(asyncc::noop_waker());
    for (int i = 0; i < 3; ++i) EXPECT_TRUE(future.poll(cx).is_pending());
    EXPECT_EQ(trace.back(), "leaf 22");
  }
  EXPECT_EQ(trace, (std::vector<std::string>{"+a", "leaf 20", "+b", "leaf 22", "-b", "-a"}));
}

ASYNC Async<void> fails() {
  Traced t("t");
  co_await PendingFor<int>(1, 0);
  throw std::runtime_error("failed");
}

ASYNC Async<std::string> catches() {
  try {
    co_await fails();
  } catch (const std::runtime_error& e) {
    co_return std::string("caught ") + e.what();
  }
  co_return "not reached";
}

TEST(Async, ExceptionsReachTheAwaitingParent) {
  trace.clear();
  EXPECT_EQ(asyncc::block_on(catches()), "caught failed");
  EXPECT_EQ(trace, (std::vector<std::string>{"+t", "-t"}));
  EXPECT_THROW(asyncc::block_on(fails()), std::runtime_error);
}

ASYNC Async<int> sleepy() {
  co_await asyncc::sleep(5ms);
  co_return 1;
}

TEST(Async, RunsOnTheLocalExecutor) {
  asyncc::LocalExecutor executor;
  std::vector<asyncc::JoinHandle<int>> handles;
  for (int i = 0; i < 100; ++i) handles.push_back(executor.spawn(sleepy()));
  executor.run();
  int total = 0;
  for (auto& h : handles) total += asyncc::block_on(std::move(h));
  EXPECT_EQ(total, 100);
}

TEST(AsyncDeathTest, MovingAPolledFutureTerminates) {
  EXPECT_DEATH(
      {
        auto future = sum();
        asyncc::Context cx(asyncc::noop_waker());
        (void)future.poll(cx);
        auto moved = std::move(future);
      },
      "moved after its first poll");
}

}  // namespace

#endif
