#include <asyncc/future.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::Poll;
using asyncc::Waker;
using asyncc::testing::CountingWaker;

TEST(Poll, ReadyHoldsItsValue) {
  auto p = Poll<std::string>::ready("hello");
  EXPECT_TRUE(p.is_ready());
  EXPECT_FALSE(p.is_pending());
  EXPECT_EQ(p.value(), "hello");
  std::string moved = std::move(p).value();
  EXPECT_EQ(moved, "hello");
}

TEST(Poll, PendingHasNoValue) {
  auto p = Poll<std::string>::pending();
  EXPECT_TRUE(p.is_pending());
  EXPECT_FALSE(p.is_ready());
}

TEST(Poll, MoveOnlyValues) {
  auto p = Poll<std::unique_ptr<int>>::ready(std::make_unique<int>(7));
  auto q = std::move(p);
  ASSERT_TRUE(q.is_ready());
  EXPECT_EQ(*q.value(), 7);
}

TEST(Poll, ReferencesAndVoid) {
  int x = 3;
  auto r = Poll<int&>::ready(x);
  ASSERT_TRUE(r.is_ready());
  r.value() = 4;
  EXPECT_EQ(x, 4);
  EXPECT_TRUE(Poll<int&>::pending().is_pending());
  EXPECT_TRUE(Poll<void>::ready().is_ready());
  EXPECT_TRUE(Poll<void>::pending().is_pending());
}

TEST(PollDeathTest, ValueOfPendingTerminates) {
  EXPECT_DEATH(Poll<int>::pending().value(), "value\\(\\) called on a pending Poll");
}

struct NotAFuture {};
struct WrongPollType {
  using Output = int;
  Poll<long> poll(Context&);
};
struct NoOutput {
  Poll<int> poll(Context&);
};

static_assert(asyncc::is_future_v<asyncc::testing::Ready<int>>);
static_assert(asyncc::is_future_v<asyncc::testing::Forever>);
static_assert(!asyncc::is_future_v<NotAFuture>);
static_assert(!asyncc::is_future_v<WrongPollType>);
static_assert(!asyncc::is_future_v<NoOutput>);
static_assert(!asyncc::is_future_v<int>);
#if __cplusplus >= 202002L
static_assert(asyncc::Future<asyncc::testing::Ready<std::string>>);
static_assert(!asyncc::Future<WrongPollType>);
static_assert(!asyncc::Future<NotAFuture>);
#endif

TEST(Waker, ClonesAndDropsBalance) {
  CountingWaker counting;
  {
    Waker a = counting.waker();
    Waker b = a;                 // clone
    Waker c = b.clone();         // clone
    Waker d = std::move(c);      // no clone, no drop
    Waker e = counting.waker();
    e = d;                       // same task: no clone needed
    EXPECT_EQ(counting.clones(), 2);
    EXPECT_EQ(counting.live(), 4);
    std::move(b).wake();         // consumes: no drop
    EXPECT_EQ(counting.wakes(), 1);
    a.wake_by_ref();
    EXPECT_EQ(counting.wakes_by_ref(), 1);
  }
  EXPECT_EQ(counting.live(), 0);
  EXPECT_EQ(counting.clones() + 2, counting.drops() + counting.wakes());
}

TEST(Waker, AssigningAnotherTaskDropsTheOldHandle) {
  CountingWaker first, second;
  {
    Waker w = first.waker();
    Waker other = second.waker();
    w = other;
    EXPECT_EQ(first.live(), 0);
    EXPECT_EQ(second.live(), 2);
    w = std::move(other);
    EXPECT_EQ(second.live(), 1);
  }
  EXPECT_EQ(first.live(), 0);
  EXPECT_EQ(second.live(), 0);
}

TEST(Waker, WillWake) {
  CountingWaker one, two;
  Waker a = one.waker();
  Waker b = a.clone();
  Waker c = two.waker();
  EXPECT_TRUE(a.will_wake(b));
  EXPECT_TRUE(b.will_wake(a));
  EXPECT_FALSE(a.will_wake(c));
}

TEST(Waker, WakeFromAnotherThread) {
  CountingWaker counting;
  {
    Waker w = counting.waker();
    std::vector<std::thread> threads;
    for (int i = 0; i < 4; ++i) {
      threads.emplace_back([clone = w.clone()]() mutable {
        for (int j = 0; j < 1000; ++j) clone.wake_by_ref();
        std::move(clone).wake();
      });
    }
    for (auto& t : threads) t.join();
  }
  EXPECT_EQ(counting.wakes_by_ref(), 4000);
  EXPECT_EQ(counting.wakes(), 4);
  EXPECT_EQ(counting.live(), 0);
}

TEST(WakerDeathTest, WakingAConsumedWakerTerminates) {
  CountingWaker counting;
  EXPECT_DEATH(
      {
        Waker w = counting.waker();
        Waker& alias = w;
        std::move(w).wake();
        alias.wake_by_ref();
      },
      "moved-from or consumed Waker");
}

TEST(Context, CarriesTheWaker) {
  CountingWaker counting;
  Waker w = counting.waker();
  Context cx(w);
  EXPECT_TRUE(cx.waker().will_wake(w));
  asyncc::testing::PendingFor<int> f(1, 5);
  EXPECT_TRUE(f.poll(cx).is_pending());
  EXPECT_EQ(counting.wakes_by_ref(), 1);
  EXPECT_EQ(f.poll(cx).value(), 5);
}

TEST(Waker, NoopWakerDoesNothing) {
  Waker w = asyncc::noop_waker();
  w.wake_by_ref();
  std::move(w).wake();
  SUCCEED();
}

}  // namespace
