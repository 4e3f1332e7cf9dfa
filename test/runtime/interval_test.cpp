// interval: ticks on a fixed schedule, and the three missed-tick behaviours
// (Burst, Delay, Skip) on an interval whose schedule began in the past.
#include <asyncc/executor.hpp>
#include <asyncc/interval.hpp>
#include <asyncc/runtime.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

#include <chrono>
#include <optional>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Clock;
using asyncc::Context;
using asyncc::Interval;
using asyncc::MissedTickBehavior;
using asyncc::Poll;
using asyncc::Reactor;
using asyncc::testing::Probe;

TEST(Interval, TicksNowThenEveryPeriodOnTheSchedule) {
  const auto before = Clock::now();
  Interval every = asyncc::interval(20ms);
  std::vector<Clock::time_point> ticks;
  for (int i = 0; i < 4; ++i) {
    ticks.push_back(asyncc::block_on(every.tick()));
    EXPECT_GE(Clock::now(), ticks.back()) << "never early";
  }
  EXPECT_GE(ticks[0], before);
  EXPECT_LE(ticks[0] - before, 20ms) << "the first tick is at the start";
  for (int i = 1; i < 4; ++i) EXPECT_EQ(ticks[i] - ticks[i - 1], Clock::duration(20ms)) << "exactly one period apart";
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
}

TEST(Interval, TheFirstTickIsImmediate) {
  Probe p;
  Interval every = asyncc::interval(1h);
  auto first = every.tick();
  EXPECT_TRUE(p.poll(first).is_ready());
  auto second = every.tick();
  EXPECT_TRUE(p.poll(second).is_pending());
  EXPECT_EQ(Reactor::current().timer_count(), 1u);
}

TEST(Interval, DroppingItRemovesItsTimer) {
  Probe p;
  {
    Interval every = asyncc::interval_at(Clock::now() + 1h, 1h);
    auto tick = every.tick();
    EXPECT_TRUE(p.poll(tick).is_pending());
    EXPECT_EQ(Reactor::current().timer_count(), 1u);
  }
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
  EXPECT_EQ(p.counting.live(), 1);
}

TEST(Interval, ADroppedTickLosesNoTick) {
  const auto start = Clock::now() + 30ms;
  Interval every = asyncc::interval_at(start, 1h);
  Probe p;
  {
    auto tick = every.tick();
    EXPECT_TRUE(p.poll(tick).is_pending());
  }
  EXPECT_EQ(asyncc::block_on(every.tick()), start) << "the tick that was waited for, not the one after";
  EXPECT_GE(Clock::now(), start);
}

// An interval whose schedule began 10.5 periods ago: ticks 0..10 are missed.
constexpr auto kPeriod = std::chrono::milliseconds(40);

Interval behind_schedule(MissedTickBehavior behavior, Clock::time_point& start) {
  start = Clock::now() - 10 * kPeriod - kPeriod / 2;
  Interval every = asyncc::interval_at(start, kPeriod);
  EXPECT_EQ(every.missed_tick_behavior(), MissedTickBehavior::Burst) << "Burst is the default, as in Tokio";
  every.set_missed_tick_behavior(behavior);
  return every;
}

TEST(Interval, BurstCompletesTheMissedTicksAtOnceThenKeepsTheSchedule) {
  Clock::time_point start;
  Interval every = behind_schedule(MissedTickBehavior::Burst, start);
  Probe p;
  for (int k = 0; k <= 10; ++k) {
    auto tick = every.tick();
    auto got = p.poll(tick);
    ASSERT_TRUE(got.is_ready()) << "missed tick " << k << " completes at once";
    EXPECT_EQ(got.value(), start + k * kPeriod);
  }
  auto next = asyncc::block_on(every.tick());
  EXPECT_EQ(next, start + 11 * kPeriod) << "back on the original schedule";
}

TEST(Interval, DelayShiftsTheScheduleToOnePeriodAfterTheLateTick) {
  Clock::time_point start;
  Interval every = behind_schedule(MissedTickBehavior::Delay, start);
  Probe p;
  auto first = every.tick();
  const auto polled = Clock::now();
  auto got = p.poll(first);
  ASSERT_TRUE(got.is_ready());
  EXPECT_EQ(got.value(), start);
  auto second = every.tick();
  EXPECT_TRUE(p.poll(second).is_pending()) << "the missed ticks are not bursted";
  const auto next = asyncc::block_on(every.tick());
  EXPECT_GE(next, polled + kPeriod);
  EXPECT_LE(next, Clock::now());
  const auto after = asyncc::block_on(every.tick());
  EXPECT_GE(after - next, Clock::duration(kPeriod)) << "then a period (or more, if late again) after it";
  EXPECT_NE((next - start) % kPeriod, Clock::duration::zero()) << "off the original schedule";
}

TEST(Interval, SkipDropsTheMissedTicksAndStaysOnTheOriginalGrid) {
  Clock::time_point start;
  Interval every = behind_schedule(MissedTickBehavior::Skip, start);
  Probe p;
  auto first = every.tick();
  auto got = p.poll(first);
  ASSERT_TRUE(got.is_ready());
  const auto polled = Clock::now();
  EXPECT_EQ(got.value(), start);
  auto second = every.tick();
  EXPECT_TRUE(p.poll(second).is_pending()) << "the missed ticks are dropped, not bursted";
  const auto next = asyncc::block_on(every.tick());
  EXPECT_EQ((next - start) % kPeriod, Clock::duration::zero()) << "on the original schedule";
  EXPECT_GT(next, polled - kPeriod);
  EXPECT_GE(next, start + 11 * kPeriod) << "no missed tick completed";
}

TEST(Interval, ResetPutsTheNextTickAPeriodFromNow) {
  Interval every = asyncc::interval(1h);
  asyncc::block_on(every.tick());
  every.reset_immediately();
  const auto before = Clock::now();
  EXPECT_LE(asyncc::block_on(every.tick()), Clock::now());
  every.reset_at(before + 10ms);
  EXPECT_EQ(asyncc::block_on(every.tick()), before + 10ms);
  EXPECT_EQ(every.period(), Clock::duration(1h));
}

TEST(IntervalDeathTest, MovingAnIntervalWhileATickWaitsTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Probe p;
        Interval every = asyncc::interval_at(Clock::now() + 1h, 1h);
        auto tick = every.tick();
        (void)p.poll(tick);
        Interval moved = std::move(every);
        (void)moved;
      },
      "moved while a tick waited");
}

// Ticks `count` times on whatever worker it runs.
class Ticker {
 public:
  using Output = int;
  explicit Ticker(int count) : every_(asyncc::interval(5ms)), count_(count) {}
  Ticker(Ticker&& o) noexcept : every_(std::move(o.every_)), count_(o.count_) {}
  Poll<int> poll(Context& cx) {
    while (done_ < count_) {
      auto got = every_.poll_tick(cx);
      if (got.is_pending()) return Poll<int>::pending();
      if (done_ > 0 && got.value() - last_ != Clock::duration(5ms)) return Poll<int>::ready(-1);
      last_ = got.value();
      ++done_;
    }
    return Poll<int>::ready(done_);
  }

 private:
  Interval every_;
  int count_;
  int done_ = 0;
  Clock::time_point last_;
};

TEST(Interval, TicksForTasksOnALocalExecutor) {
  asyncc::LocalExecutor executor;
  std::vector<asyncc::JoinHandle<int>> handles;
  for (int i = 0; i < 5; ++i) handles.push_back(executor.spawn(Ticker(5)));
  for (auto& h : handles) EXPECT_EQ(executor.block_on(std::move(h)), 5);
  EXPECT_EQ(Reactor::current().timer_count(), 0u);
}

TEST(Interval, TicksForTasksOnTheRuntime) {
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(2).build();
  std::vector<asyncc::JoinHandle<int>> handles;
  for (int i = 0; i < 20; ++i) handles.push_back(rt.spawn(Ticker(10)));
  for (auto& h : handles) EXPECT_EQ(rt.block_on(std::move(h)), 10);
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<int> tick_three(std::chrono::milliseconds period) {
  Interval every = asyncc::interval(period);
  int ticks = 0;
  for (int i = 0; i < 3; ++i) {
    co_await every.tick();
    ++ticks;
  }
  co_return ticks;
}

TEST(IntervalAsync, UsableFromAsyncFunctions) {
  const auto start = Clock::now();
  EXPECT_EQ(asyncc::block_on(tick_three(std::chrono::milliseconds(10))), 3);
  EXPECT_GE(Clock::now() - start, std::chrono::milliseconds(20)) << "immediately, then twice a period later";
}

#endif

}  // namespace
