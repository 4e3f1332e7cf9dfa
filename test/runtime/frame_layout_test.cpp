// The frame layout of generated futures: values alive at the same time never
// share bytes, values that never coexist do, offsets respect alignment, and
// a slot's value is at its offset even inside another frame's slot.
#include <asyncc/frame_layout.hpp>

#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <new>
#include <string>

namespace {

using asyncc::detail::Frame;
using asyncc::detail::Lifetime;
using asyncc::detail::Slot;
using asyncc::detail::StateSlot;

template <class F, std::size_t I, std::size_t J>
bool overlap() {
  std::size_t a = F::offsets.at[I], b = F::offsets.at[J];
  return a < b + sizeof(typename F::template type<J>) && b < a + sizeof(typename F::template type<I>);
}

TEST(FrameLayout, ValuesAliveTogetherDoNotOverlap) {
  // s lives throughout; a and b in turn; a small future beside each.
  using F = Frame<Lifetime<int, 1, 20>, Lifetime<int, 4, 9>, Lifetime<short, 5, 6>, Lifetime<int, 12, 18>,
                  Lifetime<short, 13, 14>, Lifetime<std::uint8_t, 0, 21>>;
  EXPECT_FALSE((overlap<F, 0, 1>()));
  EXPECT_FALSE((overlap<F, 1, 2>()));
  EXPECT_FALSE((overlap<F, 3, 4>()));
  EXPECT_FALSE((overlap<F, 5, 0>()));
  EXPECT_FALSE((overlap<F, 5, 2>()));
  EXPECT_FALSE((overlap<F, 5, 4>()));
  // a and b never coexist: the same bytes.
  EXPECT_EQ(F::offsets.at[1], F::offsets.at[3]);
  // int 4 + int 4 + short 2 + state 1: the state in the gap after the short.
  EXPECT_EQ(F::offsets.at[5], 10u);
}

TEST(FrameLayout, AValueMadeAfterAnotherEndsTakesItsBytes) {
  using F = Frame<Lifetime<std::string, 1, 3>, Lifetime<std::string, 4, 8>, Lifetime<double, 5, 6>>;
  EXPECT_EQ(F::offsets.at[0], F::offsets.at[1]);
  EXPECT_FALSE((overlap<F, 1, 2>()));
}

TEST(FrameLayout, OffsetsAreAligned) {
  using F = Frame<Lifetime<char, 1, 10>, Lifetime<double, 2, 10>, Lifetime<short, 3, 10>, Lifetime<char, 4, 10>>;
  EXPECT_EQ(F::offsets.at[1] % alignof(double), 0u);
  EXPECT_EQ(F::offsets.at[2] % alignof(short), 0u);
  // Most aligned first: the double at 0, the short after it, chars after that.
  EXPECT_EQ(F::offsets.at[1], 0u);
  EXPECT_EQ(F::offsets.at[2], 8u);
}

TEST(FrameLayout, SlotValueIsAtItsOffsetInsideAnotherFrame) {
  // A frame whose first value is at offset 0, kept in another frame's slot
  // at offset 0: no empty base may push either value along.
  enum class State : std::uint8_t { Start, Done };
  using Inner = Frame<Lifetime<std::uint8_t, 1, 2>, Lifetime<State, 0, 3>>;
  struct InnerFuture {
    InnerFuture() {}
    union {
      Slot<Inner, 0> value;
      StateSlot<Inner, 1> state = State::Start;
    };
  };
  using Outer = Frame<Lifetime<InnerFuture, 1, 2>, Lifetime<std::uint8_t, 3, 4>, Lifetime<State, 0, 5>>;
  union OuterFrame {
    OuterFrame() : state(State::Start) {}
    Slot<Outer, 0> inner;
    Slot<Outer, 1> after;
    StateSlot<Outer, 2> state;
  } frame;
  EXPECT_EQ(sizeof(InnerFuture), 2u);
  EXPECT_EQ(reinterpret_cast<char*>(&frame.inner.value), reinterpret_cast<char*>(&frame));
  InnerFuture* made = ::new (static_cast<void*>(&frame.inner.value)) InnerFuture();
  EXPECT_EQ(reinterpret_cast<char*>(&made->value.value), reinterpret_cast<char*>(&frame));
  EXPECT_EQ(made->state, State::Start);
  made->state = State::Done;
  EXPECT_EQ(static_cast<State>(made->state), State::Done);
  EXPECT_EQ(sizeof(OuterFrame), 3u);
}

}  // namespace
