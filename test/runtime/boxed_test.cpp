#include <asyncc/boxed.hpp>

#include <gtest/gtest.h>

#include <memory>
#include <type_traits>

namespace {

using asyncc::Context;
using asyncc::Poll;

// Pending `remaining` times, then ready with `value`; counts its live copies.
struct Countdown {
  using Output = int;
  int remaining;
  int value;
  std::shared_ptr<int> alive = std::make_shared<int>(0);
  Poll<int> poll(Context&) {
    if (remaining-- > 0) return Poll<int>::pending();
    return Poll<int>::ready(value);
  }
};

TEST(Boxed, PollsTheFutureInside) {
  auto boxed = asyncc::boxed(Countdown{2, 7});
  static_assert(std::is_same_v<decltype(boxed), asyncc::Boxed<int>>);
  static_assert(asyncc::is_future_v<decltype(boxed)>);
  Context cx(asyncc::noop_waker());
  EXPECT_TRUE(boxed.poll(cx).is_pending());
  EXPECT_TRUE(boxed.poll(cx).is_pending());
  auto ready = boxed.poll(cx);
  ASSERT_TRUE(ready.is_ready());
  EXPECT_EQ(ready.value(), 7);
}

TEST(Boxed, IsOnePointer) { EXPECT_EQ(sizeof(asyncc::Boxed<int>), sizeof(void*)); }

TEST(Boxed, MovesAfterThePollAndDestroysTheFutureOnce) {
  std::weak_ptr<int> watch;
  {
    Countdown c{1, 3};
    watch = c.alive;
    auto boxed = asyncc::boxed(std::move(c));
    Context cx(asyncc::noop_waker());
    EXPECT_TRUE(boxed.poll(cx).is_pending());
    auto moved = std::move(boxed);  // only the pointer moves
    EXPECT_FALSE(watch.expired());
    EXPECT_TRUE(moved.poll(cx).is_ready());
  }
  EXPECT_TRUE(watch.expired());
}

}  // namespace
