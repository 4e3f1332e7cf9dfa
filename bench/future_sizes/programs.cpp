// bench/future_sizes: what nested awaits cost in memory.
//
// Built three ways from this one file: transformed by asyncc (C++17, each
// ASYNC function a struct), and as native C++20 coroutines with g++ and with
// clang++-19 (each call a heap-allocated frame). Every build prints one line
// per program; run.py joins the lines of the three builds into a table.
//
// Allocations are counted by replacing the global operator new/delete, and
// only while the future is being made and polled to completion (see
// `Counted`), so the executor's own bookkeeping is not charged to it.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <new>

#ifndef FUTURE_SIZES_BUILD
#define FUTURE_SIZES_BUILD "unnamed"
#endif

namespace {

struct HeapStats {
  bool on = false;
  std::size_t allocs = 0;
  std::size_t bytes = 0;  // total requested
  std::size_t live = 0;
  std::size_t peak = 0;   // most bytes alive at once
};
HeapStats heap;

// Each block starts with its size so that delete can keep `live` exact
// whether or not the compiler calls the sized form. 16 bytes keep the
// alignment malloc guarantees.
constexpr std::size_t kHeader = alignof(std::max_align_t);

}  // namespace

void* operator new(std::size_t n) {
  auto* block = static_cast<unsigned char*>(std::malloc(n + kHeader));
  if (!block) throw std::bad_alloc();
  *reinterpret_cast<std::size_t*>(block) = n;
  if (heap.on) {
    ++heap.allocs;
    heap.bytes += n;
    heap.live += n;
    if (heap.live > heap.peak) heap.peak = heap.live;
  }
  return block + kHeader;
}

void operator delete(void* p) noexcept {
  if (!p) return;
  auto* block = static_cast<unsigned char*>(p) - kHeader;
  // `live` may go below what was counted if a block made before counting
  // started is freed during it; saturate rather than wrap.
  const std::size_t n = *reinterpret_cast<std::size_t*>(block);
  if (heap.on) heap.live = heap.live >= n ? heap.live - n : 0;
  std::free(block);
}

void operator delete(void* p, std::size_t) noexcept { operator delete(p); }

// The leaf: a 2-byte hand-written future, pending on its first poll (after
// waking its task) and ready with `value` on the second.
struct Leaf {
  using Output = short;

  explicit Leaf(short v) : value(static_cast<unsigned short>(v)), polled(0) {}

  asyncc::Poll<short> poll(asyncc::Context& cx) {
    if (!polled) {
      polled = 1;
      cx.waker().wake_by_ref();
      return asyncc::Poll<short>::pending();
    }
    return asyncc::Poll<short>::ready(static_cast<short>(value));
  }

  unsigned short value : 15;
  unsigned short polled : 1;
};
static_assert(sizeof(Leaf) == 2 && alignof(Leaf) == 2, "the leaf is meant to be 2 bytes");

inline Leaf leaf() { return Leaf(1); }

// Target sizes: the bytes of the largest set of values alive at once (a
// sub-future counted at its own target size), plus a one-byte state,
// rounded up to the largest alignment among them.

// (a) alive at the await: Leaf 2 + state 1 = 3, align 2 -> 4.
constexpr std::size_t kTargetOneAwait = 4;
ASYNC asyncc::Async<short> one_await() { co_return co_await leaf(); }

// (b) alive at the 2nd and 3rd await: s 4 + Leaf 2 + state 1 = 7, align 4 -> 8.
constexpr std::size_t kTargetThreeAwaits = 8;
ASYNC asyncc::Async<int> three_awaits() {
  int s = co_await leaf();
  s += co_await leaf();
  s += co_await leaf();
  co_return s;
}

// (c) level k awaits level k-1 twice; level 1 is (b). Alive at the 2nd
// await of level k: s 4 + level k-1 + state 1, align 4:
//   level 2: 4 + 8 + 1 = 13 -> 16     level 4: 4 + 24 + 1 = 29 -> 32
//   level 3: 4 + 16 + 1 = 21 -> 24    level 5: 4 + 32 + 1 = 37 -> 40
// (A layout that reused each child's tail padding could go lower: level 5
// holds five ints, one Leaf and five states at once, 27 -> 28 bytes.)
constexpr std::size_t kTargetTree3 = 24;
constexpr std::size_t kTargetTree4 = 32;
constexpr std::size_t kTargetTree5 = 40;

ASYNC asyncc::Async<int> tree2() {
  int s = co_await three_awaits();
  s += co_await three_awaits();
  co_return s;
}

ASYNC asyncc::Async<int> tree3() {
  int s = co_await tree2();
  s += co_await tree2();
  co_return s;
}

ASYNC asyncc::Async<int> tree4() {
  int s = co_await tree3();
  s += co_await tree3();
  co_return s;
}

ASYNC asyncc::Async<int> tree5() {
  int s = co_await tree4();
  s += co_await tree4();
  co_return s;
}

// (d) Sharing across blocks and statements: each target is the largest set
// of values alive at once plus the state byte, rounded only by alignment
// (values never alive together share bytes, the state fills a gap).

// The first await's value (a short) must outlive the second await:
// short 2 + Leaf 2 + state 1 = 5, align 2 -> 6 (8 if its Poll<short> is kept).
constexpr std::size_t kTargetSumOfTwo = 6;
ASYNC asyncc::Async<int> sum_of_two() { co_return co_await leaf() + co_await leaf(); }

// Sibling blocks share bytes; at any await: s 4 + a 4 + Leaf 2 + state 1 =
// 11, align 4 -> 12.
constexpr std::size_t kTargetSiblingBlocks = 12;
ASYNC asyncc::Async<int> sibling_blocks() {
  int s = 0;
  {
    int a = co_await leaf();
    a += co_await leaf();
    s += a;
  }
  {
    int b = co_await leaf();
    b += co_await leaf();
    s += b;
  }
  co_return s;
}

// a and b are made after the big sub-future is gone, so they can share its
// bytes. 1st await: (b) 8 + state 1 = 9; 3rd: a 4 + b 4 + Leaf 2 + state 1 =
// 11; align 4 -> 12.
constexpr std::size_t kTargetLocalsAfterAwait = 12;
ASYNC asyncc::Async<int> locals_after_await() {
  int a = co_await three_awaits();
  int b = co_await leaf();
  b += co_await leaf();
  co_return a + b;
}

// (r) rustc's own size test, tests/ui/async-await/async-fn-size.rs: the
// await3 tree over a 2-byte leaf, each level adding the u8 outputs of its
// awaits. rustc's figures are printed beside ours (kRustc); they are the
// yardstick the issue sets, not a minimum: C++ promotes `a + b` to int, so
// the smallest faithful frame keeps the u8 operands, as rustc does.

// rustc's WakeOnceThenComplete(bool, u8): 2 bytes, alignment 1.
struct WakeOnceThenComplete {
  using Output = std::uint8_t;
  bool done = false;
  std::uint8_t value = 1;

  asyncc::Poll<std::uint8_t> poll(asyncc::Context& cx) {
    if (done) return asyncc::Poll<std::uint8_t>::ready(value);
    cx.waker().wake_by_ref();
    done = true;
    return asyncc::Poll<std::uint8_t>::pending();
  }
};
static_assert(sizeof(WakeOnceThenComplete) == 2, "rustc's base is 2 bytes");

inline WakeOnceThenComplete base() { return WakeOnceThenComplete{false, 1}; }

ASYNC asyncc::Async<std::uint8_t> await1_level1() { co_return co_await base(); }
ASYNC asyncc::Async<std::uint8_t> await2_level1() { co_return co_await base() + co_await base(); }
ASYNC asyncc::Async<std::uint8_t> await3_level1() {
  co_return co_await base() + co_await base() + co_await base();
}
ASYNC asyncc::Async<std::uint8_t> await3_level2() {
  co_return co_await await3_level1() + co_await await3_level1() + co_await await3_level1();
}
ASYNC asyncc::Async<std::uint8_t> await3_level3() {
  co_return co_await await3_level2() + co_await await3_level2() + co_await await3_level2();
}
ASYNC asyncc::Async<std::uint8_t> await3_level4() {
  co_return co_await await3_level3() + co_await await3_level3() + co_await await3_level3();
}
ASYNC asyncc::Async<std::uint8_t> await3_level5() {
  co_return co_await await3_level4() + co_await await3_level4() + co_await await3_level4();
}

// The same tree as an expert writes it by hand: a state byte (which child
// is awaited), one running u8 sum (u8 arithmetic, as in Rust), and the
// child, made when its await begins. N == 1 needs no sum.
template <int N, class Child>
class HandSum {
 public:
  using Output = std::uint8_t;

  HandSum() noexcept {}
  HandSum(HandSum&&) noexcept {}  // futures move only before their first poll
  ~HandSum() {
    if (state_ != 0 && state_ <= N) child_.~Child();
  }

  asyncc::Poll<std::uint8_t> poll(asyncc::Context& cx) {
    if (state_ == 0) {
      ::new (static_cast<void*>(&child_)) Child();
      state_ = 1;
    }
    for (;;) {
      asyncc::Poll<std::uint8_t> p = child_.poll(cx);
      if (p.is_pending()) return asyncc::Poll<std::uint8_t>::pending();
      sum_ = static_cast<std::uint8_t>(sum_ + p.value());
      child_.~Child();
      if (state_ == N) {
        state_ = N + 1;
        return asyncc::Poll<std::uint8_t>::ready(sum_);
      }
      ++state_;
      ::new (static_cast<void*>(&child_)) Child();
    }
  }

 private:
  std::uint8_t state_ = 0;
  std::uint8_t sum_ = 0;
  union {
    Child child_;
  };
};

template <class Child>
class HandAwait1 {
 public:
  using Output = std::uint8_t;

  HandAwait1() noexcept {}
  HandAwait1(HandAwait1&&) noexcept {}
  ~HandAwait1() {
    if (state_ == 1) child_.~Child();
  }

  asyncc::Poll<std::uint8_t> poll(asyncc::Context& cx) {
    if (state_ == 0) {
      ::new (static_cast<void*>(&child_)) Child();
      state_ = 1;
    }
    asyncc::Poll<std::uint8_t> p = child_.poll(cx);
    if (p.is_pending()) return p;
    child_.~Child();
    state_ = 2;
    return p;
  }

 private:
  std::uint8_t state_ = 0;
  union {
    Child child_;
  };
};

using HandAwait1Level1 = HandAwait1<WakeOnceThenComplete>;
using HandAwait2Level1 = HandSum<2, WakeOnceThenComplete>;
using HandAwait3Level1 = HandSum<3, WakeOnceThenComplete>;
using HandAwait3Level2 = HandSum<3, HandAwait3Level1>;
using HandAwait3Level3 = HandSum<3, HandAwait3Level2>;
using HandAwait3Level4 = HandSum<3, HandAwait3Level3>;
using HandAwait3Level5 = HandSum<3, HandAwait3Level4>;

namespace {

// Counts the heap while the inner future is polled.
template <class F>
struct Counted {
  using Output = asyncc::output_of<F>;
  F inner;

  asyncc::Poll<Output> poll(asyncc::Context& cx) {
    heap.on = true;
    auto result = inner.poll(cx);
    heap.on = false;
    return result;
  }
};

template <class Make>
void measure_fields(const char* name, std::size_t target, Make make) {
  using F = decltype(make());
  heap = HeapStats{};
  heap.on = true;  // a native coroutine allocates its frame when called
  Counted<F> counted{make()};
  heap.on = false;
  const auto result = asyncc::block_on(std::move(counted));
  std::printf("build=%s program=%s sizeof=%zu alignof=%zu target=%zu allocs=%zu bytes=%zu peak=%zu result=%d",
              FUTURE_SIZES_BUILD, name, sizeof(F), alignof(F), target, heap.allocs, heap.bytes, heap.peak,
              static_cast<int>(result));
}

template <class Make>
void measure(const char* name, std::size_t target, Make make) {
  measure_fields(name, target, make);
  std::printf("\n");
}

// A row of rustc's test: rustc's size, and the hand-written Hand's size and
// result (it is polled to completion too, so that it is checked, not only
// sized).
template <class Hand, class Make>
void measure_rustc(const char* name, std::size_t rustc, Make make) {
  const auto hand_result = asyncc::block_on(Hand());
  measure_fields(name, rustc, make);
  std::printf(" rustc=%zu hand=%zu hand_result=%d\n", rustc, sizeof(Hand), static_cast<int>(hand_result));
}

}  // namespace

int main() {
  asyncc::block_on(leaf());  // makes this thread's reactor before anything is counted
  measure("a:one_await", kTargetOneAwait, [] { return one_await(); });
  measure("b:three_awaits", kTargetThreeAwaits, [] { return three_awaits(); });
  measure("c:tree3", kTargetTree3, [] { return tree3(); });
  measure("c:tree4", kTargetTree4, [] { return tree4(); });
  measure("c:tree5", kTargetTree5, [] { return tree5(); });
  measure("d:sum_of_two", kTargetSumOfTwo, [] { return sum_of_two(); });
  measure("d:sibling_blocks", kTargetSiblingBlocks, [] { return sibling_blocks(); });
  measure("d:locals_after_await", kTargetLocalsAfterAwait, [] { return locals_after_await(); });
  measure_rustc<WakeOnceThenComplete>("r:base", 2, [] { return base(); });
  measure_rustc<HandAwait1Level1>("r:await1_level1", 3, [] { return await1_level1(); });
  measure_rustc<HandAwait2Level1>("r:await2_level1", 4, [] { return await2_level1(); });
  measure_rustc<HandAwait3Level1>("r:await3_level1", 5, [] { return await3_level1(); });
  measure_rustc<HandAwait3Level2>("r:await3_level2", 8, [] { return await3_level2(); });
  measure_rustc<HandAwait3Level3>("r:await3_level3", 11, [] { return await3_level3(); });
  measure_rustc<HandAwait3Level4>("r:await3_level4", 14, [] { return await3_level4(); });
  measure_rustc<HandAwait3Level5>("r:await3_level5", 17, [] { return await3_level5(); });
}
