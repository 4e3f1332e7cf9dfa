// join, select and yield_now.
#include <asyncc/executor.hpp>
#include <asyncc/join.hpp>
#include <asyncc/select.hpp>
#include <asyncc/time.hpp>
#include <asyncc/yield_now.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <string>
#include <tuple>
#include <variant>
#include <vector>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

namespace {

using namespace std::chrono_literals;
using asyncc::Clock;
using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::testing::CountingWaker;
using asyncc::testing::Forever;
using asyncc::testing::PendingFor;
using asyncc::testing::Ready;

// Ready on its first poll with nothing.
struct Done {
  using Output = void;
  Poll<void> poll(Context&) { return Poll<void>::ready(); }
};

// Ready with a reference to a shared int.
struct Refer {
  using Output = int&;
  int* target;
  Poll<int&> poll(Context&) { return Poll<int&>::ready(*target); }
};

TEST(Join, WaitsForAllAndKeepsArgumentOrder) {
  int shared = 7;
  auto [a, b, c, d] = asyncc::block_on(
      asyncc::join(PendingFor<int>(3, 1), PendingFor<std::string>(1, "two"), Done{}, Refer{&shared}));
  EXPECT_EQ(a, 1);
  EXPECT_EQ(b, "two");
  EXPECT_EQ(c, std::monostate());
  EXPECT_EQ(&d.get(), &shared);
}

TEST(Join, RunsItsFuturesConcurrently) {
  const auto start = Clock::now();
  asyncc::block_on(asyncc::join(asyncc::sleep(40ms), asyncc::sleep(40ms), asyncc::sleep(40ms)));
  const auto elapsed = Clock::now() - start;
  EXPECT_GE(elapsed, 40ms);
  EXPECT_LT(elapsed, 110ms);
}

TEST(Join, DropsEachFutureWhenItCompletesAndTheRestWithTheJoin) {
  auto polls = std::make_shared<int>(0);
  auto drops = std::make_shared<int>(0);
  {
    auto joined = asyncc::join(asyncc::testing::Counted<PendingFor<int>>(PendingFor<int>(0, 5), polls), Forever(drops));
    Context cx(asyncc::noop_waker());
    EXPECT_TRUE(joined.poll(cx).is_pending());
    EXPECT_TRUE(joined.poll(cx).is_pending());
    EXPECT_EQ(*polls, 1) << "a finished future is not polled again";
    EXPECT_EQ(*drops, 0);
  }
  EXPECT_EQ(*drops, 1);
}

TEST(Select, TheFirstToCompleteWinsAndTheOtherIsDropped) {
  auto drops = std::make_shared<int>(0);
  auto winner = asyncc::block_on(asyncc::select(Forever(drops), PendingFor<std::string>(2, "second")));
  ASSERT_EQ(winner.index(), 1u);
  EXPECT_EQ(std::get<1>(winner), "second");
  EXPECT_EQ(*drops, 1);

  auto timed = asyncc::block_on(asyncc::select(asyncc::sleep(10ms), asyncc::sleep(10s)));
  EXPECT_EQ(timed.index(), 0u);
  EXPECT_EQ(asyncc::Reactor::current().timer_count(), 0u) << "the losing sleep removed its timer";
}

TEST(Select, IsBiasedTowardsTheFirst) {
  auto both = asyncc::block_on(asyncc::select(Ready<int>(1), Ready<int>(2)));
  ASSERT_EQ(both.index(), 0u);
  EXPECT_EQ(std::get<0>(both), 1);
}

TEST(YieldNow, LetsOtherTasksRunFirst) {
  LocalExecutor executor;
  auto order = std::make_shared<std::vector<std::string>>();
  struct YieldThenRecord {
    using Output = void;
    std::shared_ptr<std::vector<std::string>> order;
    asyncc::YieldNow yield;
    Poll<void> poll(Context& cx) {
      if (yield.poll(cx).is_pending()) return Poll<void>::pending();
      order->push_back("yielder");
      return Poll<void>::ready();
    }
  };
  struct Record {
    using Output = void;
    std::shared_ptr<std::vector<std::string>> order;
    Poll<void> poll(Context&) {
      order->push_back("other");
      return Poll<void>::ready();
    }
  };
  executor.spawn(YieldThenRecord{order, asyncc::yield_now()});
  executor.spawn(Record{order});
  executor.run();
  EXPECT_EQ(*order, (std::vector<std::string>{"other", "yielder"}));
}

TEST(YieldNow, WakesItsOwnTaskOnce) {
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  asyncc::YieldNow yield;
  EXPECT_TRUE(yield.poll(cx).is_pending());
  EXPECT_EQ(counting.wakes_by_ref(), 1);
  EXPECT_TRUE(yield.poll(cx).is_ready());
}

using CombinatorsDeathTest = ::testing::Test;

TEST(CombinatorsDeathTest, PollingAfterCompletionTerminates) {
  Context cx(asyncc::noop_waker());
  EXPECT_DEATH(
      {
        auto j = asyncc::join(Ready<int>(1), Ready<int>(2));
        (void)j.poll(cx);
        (void)j.poll(cx);
      },
      "Join was polled after it completed");
  EXPECT_DEATH(
      {
        auto s = asyncc::select(Ready<int>(1), Ready<int>(2));
        (void)s.poll(cx);
        (void)s.poll(cx);
      },
      "Select was polled after it completed");
  EXPECT_DEATH(
      {
        asyncc::YieldNow y;
        (void)y.poll(cx);
        (void)y.poll(cx);
        (void)y.poll(cx);
      },
      "YieldNow was polled after it completed");
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<int> slow_value(int value, int yields) {
  for (int i = 0; i < yields; ++i) co_await asyncc::yield_now();
  co_return value;
}

ASYNC asyncc::Async<int> sum_of_both() {
  auto [a, b] = co_await asyncc::join(slow_value(20, 3), slow_value(22, 1));
  co_return a + b;
}

ASYNC asyncc::Async<std::string> race() {
  auto winner = co_await asyncc::select(slow_value(1, 5), asyncc::sleep(5ms));
  co_return winner.index() == 0 ? "value" : "sleep";
}

TEST(CombinatorsAsync, UsableFromAsyncFunctions) {
  EXPECT_EQ(asyncc::block_on(sum_of_both()), 42);
  EXPECT_EQ(asyncc::block_on(race()), "value");
}

#endif

}  // namespace
