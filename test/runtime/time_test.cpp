#include <asyncc/executor.hpp>
#include <asyncc/time.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <random>
#include <string>
#include <vector>
#include <thread>
#include <atomic>

namespace {

using namespace std::chrono_literals;
using asyncc::Clock;
using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Reactor;
using asyncc::Sleep;
using asyncc::testing::CountingWaker;
using asyncc::testing::PendingFor;

// Sleeps, then records its name and whether it woke before its deadline.
struct Sleeper {
  using Output = void;
  Sleeper(std::string n, Clock::duration d, std::shared_ptr<std::vector<std::string>> o)
      : name(std::move(n)), sleep(asyncc::sleep(d)), order(std::move(o)) {}
  Sleeper(Sleeper&&) = default;
  std::string name;
  Sleep sleep;
  std::shared_ptr<std::vector<std::string>> order;
  Poll<void> poll(Context& cx) {
    if (sleep.poll(cx).is_pending()) return Poll<void>::pending();
    order->push_back(Clock::now() >= sleep.deadline() ? name : name + " (early)");
    return Poll<void>::ready();
  }
};

TEST(Timers, CompleteInDeadlineOrder) {
  LocalExecutor executor;
  auto order = std::make_shared<std::vector<std::string>>();
  executor.spawn(Sleeper("30ms", 30ms, order));
  executor.spawn(Sleeper("10ms", 10ms, order));
  executor.spawn(Sleeper("20ms", 20ms, order));
  executor.spawn(Sleeper("0ms", 0ms, order));
  executor.run();
  EXPECT_EQ(*order, (std::vector<std::string>{"0ms", "10ms", "20ms", "30ms"}));
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
}

TEST(Timers, NeverFireEarly) {
  LocalExecutor executor;
  auto order = std::make_shared<std::vector<std::string>>();
  std::mt19937 rng(1234);
  std::uniform_int_distribution<int> micros(0, 20000);
  for (int i = 0; i < 300; ++i)
    executor.spawn(Sleeper(std::to_string(i), std::chrono::microseconds(micros(rng)), order));
  executor.run();
  ASSERT_EQ(order->size(), 300u);
  for (const auto& entry : *order) EXPECT_EQ(entry.find("early"), std::string::npos) << entry;
}

TEST(Timers, SleepIsReadyAfterItsDeadlineUnderBlockOn) {
  auto start = Clock::now();
  asyncc::block_on(asyncc::sleep(15ms));
  EXPECT_GE(Clock::now() - start, 15ms);
  auto deadline = Clock::now() + 5ms;
  asyncc::block_on(asyncc::sleep_until(deadline));
  EXPECT_GE(Clock::now(), deadline);
}

TEST(Timers, PastDeadlinesAreReadyAtOnce) {
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  Sleep past = asyncc::sleep_until(Clock::now() - 1s);
  EXPECT_TRUE(past.poll(cx).is_ready());
  Sleep zero = asyncc::sleep(0ms);
  EXPECT_TRUE(zero.poll(cx).is_ready());
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
}

TEST(Timers, DroppedSleepNeverWakesItsTask) {
  CountingWaker counting;
  {
    asyncc::Waker w = counting.waker();
    Context cx(w);
    {
      Sleep sleep = asyncc::sleep(10ms);
      EXPECT_TRUE(sleep.poll(cx).is_pending());
      EXPECT_EQ(Reactor::current().timer_count(), 1u);
    }
    EXPECT_EQ(Reactor::current().timer_count(), 0u);
    asyncc::block_on(asyncc::sleep(30ms));  // drives the reactor past the deadline
  }
  EXPECT_EQ(counting.wakes(), 0);
  EXPECT_EQ(counting.wakes_by_ref(), 0);
  EXPECT_EQ(counting.live(), 0);
}

TEST(Timers, RepollingWithANewWakerReplacesTheOld) {
  CountingWaker first, second;
  asyncc::Waker w1 = first.waker();
  asyncc::Waker w2 = second.waker();
  Context cx1(w1), cx2(w2);
  // Long enough that both polls come before the deadline on a loaded
  // machine under a sanitizer.
  Sleep sleep = asyncc::sleep(200ms);
  EXPECT_TRUE(sleep.poll(cx1).is_pending());
  EXPECT_TRUE(sleep.poll(cx2).is_pending());
  EXPECT_EQ(first.live(), 1);  // only w1 itself
  asyncc::block_on(asyncc::sleep(300ms));
  EXPECT_EQ(first.wakes(), 0);
  EXPECT_EQ(second.wakes(), 1);
  EXPECT_TRUE(sleep.poll(cx2).is_ready());
}

TEST(Timers, HundredThousandConcurrentSleepsComplete) {
  constexpr int kCount = 100000;
  LocalExecutor executor;
  auto done = std::make_shared<int>(0);
  struct Task {
    using Output = void;
    Sleep sleep;
    std::shared_ptr<int> done;
    Poll<void> poll(Context& cx) {
      if (sleep.poll(cx).is_pending()) return Poll<void>::pending();
      ++*done;
      return Poll<void>::ready();
    }
  };
  std::mt19937 rng(42);
  std::uniform_int_distribution<int> micros(0, 50000);
  for (int i = 0; i < kCount; ++i)
    executor.spawn(Task{asyncc::sleep(std::chrono::microseconds(micros(rng))), done});
  executor.run();
  EXPECT_EQ(*done, kCount);
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
}

TEST(Timeout, FutureFinishesFirst) {
  auto start = Clock::now();
  auto out = asyncc::block_on(asyncc::timeout(PendingFor<std::string>(3, "in time"), 1s));
  ASSERT_TRUE(out.has_value());
  EXPECT_EQ(*out, "in time");
  EXPECT_LT(Clock::now() - start, 1s);
  auto slept = asyncc::block_on(asyncc::timeout(asyncc::sleep(10ms), 1s));
  EXPECT_TRUE(slept.has_value());
  EXPECT_EQ(Reactor::current().timer_count(), 0u) << "the timeout's own timer must be removed";
}

TEST(Timeout, TimeRunsOutFirst) {
  auto start = Clock::now();
  auto drops = std::make_shared<int>(0);
  auto out = asyncc::block_on(asyncc::timeout(asyncc::testing::Forever(drops), 20ms));
  EXPECT_FALSE(out.has_value());
  EXPECT_GE(Clock::now() - start, 20ms);
  EXPECT_EQ(*drops, 1) << "the unfinished future is dropped with the timeout";
  auto late = asyncc::block_on(asyncc::timeout(asyncc::sleep(1s), 10ms));
  EXPECT_FALSE(late.has_value());
  EXPECT_LT(Clock::now() - start, 1s);
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
}

TEST(SleepDeathTest, MovingAPolledSleepTerminates) {
  EXPECT_DEATH(
      {
        Context cx(asyncc::noop_waker());
        Sleep sleep = asyncc::sleep(1s);
        (void)sleep.poll(cx);
        Sleep moved(std::move(sleep));
      },
      "Sleep was moved after its first poll");
}

TEST(Timers, WorkOnManyThreadsIndependently) {
  std::vector<std::thread> threads;
  std::atomic<int> finished{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&finished] {
      LocalExecutor executor;
      auto order = std::make_shared<std::vector<std::string>>();
      for (int i = 0; i < 50; ++i) executor.spawn(Sleeper("s", std::chrono::milliseconds(i % 10), order));
      executor.run();
      if (order->size() == 50) ++finished;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(finished.load(), 4);
}

}  // namespace
