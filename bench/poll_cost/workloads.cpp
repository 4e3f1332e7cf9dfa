// bench/poll_cost: what an await costs while a future is polled.
//
// Four workloads, each written twice in this file: as ASYNC functions, and as
// the state machines an expert writes by hand against Future/Poll/Context.
// Built four ways: transformed by asyncc and compiled as C++17 by clang++ and
// by g++ (forms `asyncc` and `hand`), and untransformed as C++20 coroutines
// through the runtime's bridge by clang++ and by g++ (form `coro`).
//
// One drive = make the top future and poll it to completion with a waker
// that only counts its wakes: no executor, no queue, nothing but the futures.
// With no arguments the program times every workload of its forms and prints
// one `key=value` line each; with `--callgrind FORM WORKLOAD N` it runs N
// drives with callgrind's collection on (run.py starts it under valgrind), so
// that the count holds the drives only.
#include <asyncc/async.hpp>

#include <algorithm>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <vector>

#if __has_include(<valgrind/callgrind.h>)
#include <valgrind/callgrind.h>
#else
#define CALLGRIND_TOGGLE_COLLECT
#endif

#ifndef POLL_COST_BUILD
#define POLL_COST_BUILD "unnamed"
#endif

// ---------------------------------------------------------------- counting

namespace {
std::uint64_t g_allocs = 0;  // operator new calls, ever
std::uint64_t g_wakes = 0;   // wake_by_ref calls, ever
}  // namespace

void* operator new(std::size_t n) {
  ++g_allocs;
  if (void* p = std::malloc(n ? n : 1)) return p;
  throw std::bad_alloc();
}
void operator delete(void* p) noexcept { std::free(p); }
void operator delete(void* p, std::size_t) noexcept { std::free(p); }

namespace {

asyncc::RawWaker counting_clone(const void* data);
void counting_wake(const void*) { ++g_wakes; }
void counting_drop(const void*) {}
constexpr asyncc::RawWakerVTable kCountingVTable{counting_clone, counting_wake, counting_wake, counting_drop};
asyncc::RawWaker counting_clone(const void* data) { return asyncc::RawWaker{data, &kCountingVTable}; }

}  // namespace

// The leaves are in a named namespace: asyncc spells a type of an anonymous
// namespace as "(anonymous namespace)::T" in the struct it emits, which does
// not compile (see README.md).
namespace leaves {

// Read at run time, so that the compiler cannot fold the loops into a
// formula nor take the pending path of MaybeReady away. The leaf that would
// be pending is chosen per leaf (never, in fact), so that the test cannot be
// hoisted out of the loop either: each await must keep its suspension.
int g_pending_at = -1;
int g_values[1000];

// ------------------------------------------------------------------ leaves

// rustc's WakeOnceThenComplete (tests/ui/async-await/async-fn-size.rs):
// pending on its first poll after waking its task, ready on the second.
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

inline WakeOnceThenComplete base() { return WakeOnceThenComplete{false, 1}; }

// Always ready: its await should cost no more than reading the value.
struct Ready {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

inline Ready ready(int i) { return Ready{g_values[i]}; }

// Ready unless told otherwise at run time: the await keeps a pending path
// (a suspension the state machine must be able to resume) it never takes.
struct MaybeReady {
  using Output = int;
  int value;
  bool pending;
  asyncc::Poll<int> poll(asyncc::Context& cx) {
    if (pending) {
      pending = false;
      cx.waker().wake_by_ref();
      return asyncc::Poll<int>::pending();
    }
    return asyncc::Poll<int>::ready(value);
  }
};

inline MaybeReady maybe_ready(int i) { return MaybeReady{g_values[i], i == g_pending_at}; }

}  // namespace leaves

using leaves::base;
using leaves::maybe_ready;
using leaves::MaybeReady;
using leaves::ready;
using leaves::Ready;
using leaves::WakeOnceThenComplete;

// ------------------------------------------------------- ASYNC workloads

// (a) rustc's await3 tree: level 5 awaits 3^5 = 243 leaves, each pending once.
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

// (b) a chain of 16 async functions, each awaiting the next; the last awaits
// a leaf that is pending once, so the pending poll and the resuming one both
// go down all 16.
ASYNC asyncc::Async<int> chain01() { co_return co_await base() + 1; }
ASYNC asyncc::Async<int> chain02() { co_return co_await chain01() + 1; }
ASYNC asyncc::Async<int> chain03() { co_return co_await chain02() + 1; }
ASYNC asyncc::Async<int> chain04() { co_return co_await chain03() + 1; }
ASYNC asyncc::Async<int> chain05() { co_return co_await chain04() + 1; }
ASYNC asyncc::Async<int> chain06() { co_return co_await chain05() + 1; }
ASYNC asyncc::Async<int> chain07() { co_return co_await chain06() + 1; }
ASYNC asyncc::Async<int> chain08() { co_return co_await chain07() + 1; }
ASYNC asyncc::Async<int> chain09() { co_return co_await chain08() + 1; }
ASYNC asyncc::Async<int> chain10() { co_return co_await chain09() + 1; }
ASYNC asyncc::Async<int> chain11() { co_return co_await chain10() + 1; }
ASYNC asyncc::Async<int> chain12() { co_return co_await chain11() + 1; }
ASYNC asyncc::Async<int> chain13() { co_return co_await chain12() + 1; }
ASYNC asyncc::Async<int> chain14() { co_return co_await chain13() + 1; }
ASYNC asyncc::Async<int> chain15() { co_return co_await chain14() + 1; }
ASYNC asyncc::Async<int> chain16() { co_return co_await chain15() + 1; }

// (c) 1000 awaits of an always-ready leaf.
ASYNC asyncc::Async<int> ready_loop() {
  int sum = 0;
  for (int i = 0; i < 1000; ++i) sum += co_await ready(i);
  co_return sum;
}

// (d) the same loop, its leaf keeping a pending path it does not take.
ASYNC asyncc::Async<int> maybe_loop() {
  int sum = 0;
  for (int i = 0; i < 1000; ++i) sum += co_await maybe_ready(i);
  co_return sum;
}

// ------------------------------------------------- hand-written machines

namespace hand {

// `co_await c() + co_await c() + co_await c()`: one state byte (which child
// is awaited), one running u8 sum (Rust's u8 arithmetic), the child made
// when its await begins and destroyed when it is ready.
template <class Child>
class Await3 {
 public:
  using Output = std::uint8_t;

  Await3() noexcept {}
  Await3(Await3&&) noexcept {}  // a future moves only before its first poll
  ~Await3() {
    if (state_ != 0 && state_ <= 3) child_.~Child();
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
      if (state_ == 3) {
        state_ = 4;
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

using Level1 = Await3<WakeOnceThenComplete>;
using Level2 = Await3<Level1>;
using Level3 = Await3<Level2>;
using Level4 = Await3<Level3>;
using Level5 = Await3<Level4>;

// `co_return co_await c() + 1`.
template <class Child>
class Chain {
 public:
  using Output = int;

  Chain() noexcept {}
  Chain(Chain&&) noexcept {}
  ~Chain() {
    if (state_ == 1) child_.~Child();
  }

  asyncc::Poll<int> poll(asyncc::Context& cx) {
    if (state_ == 0) {
      ::new (static_cast<void*>(&child_)) Child();
      state_ = 1;
    }
    auto p = child_.poll(cx);
    if (p.is_pending()) return asyncc::Poll<int>::pending();
    const int value = p.value() + 1;
    child_.~Child();
    state_ = 2;
    return asyncc::Poll<int>::ready(value);
  }

 private:
  std::uint8_t state_ = 0;
  union {
    Child child_;
  };
};

template <int N>
struct ChainOf {
  using type = Chain<typename ChainOf<N - 1>::type>;
};
template <>
struct ChainOf<0> {
  using type = WakeOnceThenComplete;
};
using Chain16 = ChainOf<16>::type;

// `for (i...) sum += co_await leaf(i)`: sum and i in registers while poll
// runs, stored only on the way out to a suspension; the fresh leaf polled on
// the straight path, the resume path a jump into the loop. The leaf lives in
// the frame because a polled future is pinned.
template <class Leaf, Leaf (*make)(int)>
class Loop {
 public:
  using Output = int;

  Loop() noexcept {}
  Loop(Loop&&) noexcept {}
  ~Loop() {
    if (state_ == kAwait) leaf_.~Leaf();
  }

  asyncc::Poll<int> poll(asyncc::Context& cx) {
    int sum = 0;
    int i = 0;
    if (state_ == kAwait) {
      sum = sum_;
      i = i_;
      goto resume;
    }
    for (; i < 1000; ++i) {
      ::new (static_cast<void*>(&leaf_)) Leaf(make(i));
    resume : {
      asyncc::Poll<int> p = leaf_.poll(cx);
      if (p.is_pending()) {
        sum_ = sum;
        i_ = i;
        state_ = kAwait;
        return asyncc::Poll<int>::pending();
      }
      leaf_.~Leaf();
      sum += p.value();
    }
    }
    state_ = kDone;
    return asyncc::Poll<int>::ready(sum);
  }

 private:
  enum State : std::uint8_t { kStart, kAwait, kDone };
  State state_ = kStart;
  int sum_;
  int i_;
  union {
    Leaf leaf_;
  };
};

using ReadyLoop = Loop<Ready, ready>;
using MaybeLoop = Loop<MaybeReady, maybe_ready>;

}  // namespace hand

// ---------------------------------------------------------------- driving

namespace {

std::uint64_t g_polls = 0;  // polls of the top future by the last checked drive

// One drive: make the future, poll it to completion, destroy it.
template <bool kCountPolls, class Make>
__attribute__((noinline)) int drive(Make make) {
  auto future = make();
  const asyncc::Waker waker(asyncc::RawWaker{nullptr, &kCountingVTable});
  asyncc::Context cx(waker);
  for (;;) {
    if (kCountPolls) ++g_polls;
    auto p = future.poll(cx);
    if (p.is_ready()) return static_cast<int>(p.value());
  }
}

struct Workload {
  const char* form;
  const char* name;
  std::size_t size;  // sizeof the top future
  int (*drive)();
  int (*check)();
};

// C++17 lambdas without captures convert to function pointers (they are not
// default-constructible before C++20, hence the macro).
#define WORKLOAD(form, name, expr)                                                         \
  Workload {                                                                               \
    form, name, sizeof(decltype(expr)), [] { return drive<false>([] { return expr; }); }, \
        [] { return drive<true>([] { return expr; }); }                                    \
  }

std::vector<Workload> workloads() {
#ifdef __cpp_impl_coroutine
  const char* async_form = "coro";  // untransformed: the ASYNC functions are coroutines
#else
  const char* async_form = "asyncc";
#endif
  std::vector<Workload> all = {
      WORKLOAD(async_form, "tree", await3_level5()),
      WORKLOAD(async_form, "chain", chain16()),
      WORKLOAD(async_form, "ready_loop", ready_loop()),
      WORKLOAD(async_form, "maybe_loop", maybe_loop()),
  };
#ifndef __cpp_impl_coroutine
  // The hand-written machines are compiled with the transformed build only
  // (the same compiler and flags as the asyncc form they are set against).
  std::vector<Workload> hand = {
      WORKLOAD("hand", "tree", hand::Level5()),
      WORKLOAD("hand", "chain", hand::Chain16()),
      WORKLOAD("hand", "ready_loop", hand::ReadyLoop()),
      WORKLOAD("hand", "maybe_loop", hand::MaybeLoop()),
  };
  all.insert(all.end(), hand.begin(), hand.end());
#endif
  return all;
}

double now_ns() {
  return std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// Median over rounds of the time per drive; each round runs about 20 ms.
double time_per_drive(const Workload& w, int rounds) {
  std::uint64_t iterations = 1;
  for (;;) {
    const double start = now_ns();
    for (std::uint64_t k = 0; k < iterations; ++k) w.drive();
    if (now_ns() - start > 2e6) break;
    iterations *= 2;
  }
  iterations *= 10;
  std::vector<double> per_drive;
  for (int r = 0; r < rounds; ++r) {
    const double start = now_ns();
    for (std::uint64_t k = 0; k < iterations; ++k) w.drive();
    per_drive.push_back((now_ns() - start) / static_cast<double>(iterations));
  }
  std::sort(per_drive.begin(), per_drive.end());
  return per_drive[per_drive.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  for (int i = 0; i < 1000; ++i) leaves::g_values[i] = (i * 7919) % 1013 - 500;
  leaves::g_pending_at = argc > 100 ? 0 : -1;  // never, but the compiler cannot know

  const std::vector<Workload> all = workloads();
  if (argc == 5 && std::strcmp(argv[1], "--callgrind") == 0) {
    const long n = std::atol(argv[4]);
    for (const Workload& w : all) {
      if (std::strcmp(w.form, argv[2]) != 0 || std::strcmp(w.name, argv[3]) != 0) continue;
      w.drive();  // the first drive resolves the PLT and touches the code, uncounted
      CALLGRIND_TOGGLE_COLLECT;
      for (long k = 0; k < n; ++k) w.drive();
      CALLGRIND_TOGGLE_COLLECT;
      return 0;
    }
    std::fprintf(stderr, "no workload %s %s\n", argv[2], argv[3]);
    return 2;
  }
  const int rounds = argc == 3 && std::strcmp(argv[1], "--rounds") == 0 ? std::atoi(argv[2]) : 11;

  for (const Workload& w : all) {
    // One checked drive: the result, the wakes, the polls of the top future
    // and the heap allocations, all per drive.
    const std::uint64_t allocs0 = g_allocs, wakes0 = g_wakes;
    g_polls = 0;
    const int result = w.check();
    const std::uint64_t allocs = g_allocs - allocs0, wakes = g_wakes - wakes0;
    const double ns = time_per_drive(w, rounds);
    std::printf("build=%s form=%s workload=%s sizeof=%zu result=%d polls=%llu wakes=%llu allocs=%llu ns=%.1f\n",
                POLL_COST_BUILD, w.form, w.name, w.size, result, static_cast<unsigned long long>(g_polls),
                static_cast<unsigned long long>(wakes), static_cast<unsigned long long>(allocs), ns);
    std::fflush(stdout);
  }
}
