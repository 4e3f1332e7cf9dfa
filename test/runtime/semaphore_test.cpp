// Semaphore: counting, fairness of large and small requests, close,
// forget, cancellation at every point, and a limit kept on the Runtime.
#include <asyncc/executor.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/semaphore.hpp>
#include <asyncc/yield_now.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

#include <atomic>
#include <memory>
#include <optional>
#include <random>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::Poll;
using asyncc::Semaphore;
using asyncc::SemaphorePermit;
using asyncc::TryAcquireError;
using asyncc::testing::Probe;

TEST(Semaphore, PermitsAreCountedAndReturnedOnDrop) {
  Semaphore s(3);
  EXPECT_EQ(s.available_permits(), 3u);
  {
    std::optional<SemaphorePermit> one = asyncc::block_on(s.acquire());
    ASSERT_TRUE(one);
    EXPECT_EQ(one->num_permits(), 1u);
    auto two = s.try_acquire_many(2);
    ASSERT_TRUE(two);
    EXPECT_EQ(s.available_permits(), 0u);
    auto none = s.try_acquire();
    ASSERT_FALSE(none);
    EXPECT_EQ(none.error(), TryAcquireError::NoPermits);
    two->merge(std::move(*one));
    EXPECT_EQ(two->num_permits(), 3u);
    EXPECT_EQ(one->num_permits(), 0u);
    one.reset();
    EXPECT_EQ(s.available_permits(), 0u) << "the merged permits left with the other permit";
  }
  EXPECT_EQ(s.available_permits(), 3u);
}

TEST(Semaphore, AddPermitsWakesWaitersAndForgetKeepsPermits) {
  Semaphore s(0);
  Probe p;
  auto waiting = s.acquire_many(2);
  EXPECT_TRUE(p.poll(waiting).is_pending());
  s.add_permits(1);
  EXPECT_EQ(p.wakes(), 0) << "one of the two permits is not enough";
  EXPECT_EQ(s.available_permits(), 0u) << "the free permit went to the waiter";
  s.add_permits(2);
  EXPECT_EQ(p.wakes(), 1);
  EXPECT_EQ(s.available_permits(), 1u);
  auto got = p.poll(waiting);
  ASSERT_TRUE(got.is_ready());
  ASSERT_TRUE(got.value());
  got.value()->forget();
  EXPECT_EQ(s.available_permits(), 1u) << "forgotten permits do not come back";
}

TEST(Semaphore, ALargeRequestIsNotStarvedBySmallOnes) {
  Semaphore s(2);
  std::optional<SemaphorePermit> h1(std::move(*s.try_acquire()));
  std::optional<SemaphorePermit> h2(std::move(*s.try_acquire()));
  Probe big, small;
  auto fbig = s.acquire_many(2);
  auto fsmall = s.acquire();
  EXPECT_TRUE(big.poll(fbig).is_pending());
  EXPECT_TRUE(small.poll(fsmall).is_pending());
  // One permit back: it goes to the large request at the head, and the
  // small one behind it waits although one permit would do.
  h1.reset();
  EXPECT_EQ(big.wakes(), 0);
  EXPECT_EQ(small.wakes(), 0) << "the small request may not overtake the large one";
  EXPECT_FALSE(s.try_acquire()) << "nor may try_acquire";
  EXPECT_TRUE(small.poll(fsmall).is_pending());
  h2.reset();
  EXPECT_EQ(big.wakes(), 1);
  EXPECT_EQ(small.wakes(), 0);
  {
    auto got = big.poll(fbig);
    ASSERT_TRUE(got.is_ready());
    EXPECT_EQ(got.value()->num_permits(), 2u);
    EXPECT_TRUE(small.poll(fsmall).is_pending());
  }
  EXPECT_EQ(small.wakes(), 1);
  EXPECT_TRUE(small.poll(fsmall).is_ready());
}

TEST(Semaphore, ADroppedRequestGivesBackWhatItCollected) {
  Semaphore s(3);
  auto held = s.try_acquire_many(3);
  Probe p, q;
  std::optional<Semaphore::Acquire> three(s.acquire_many(3));
  auto one = s.acquire();
  EXPECT_TRUE(p.poll(*three).is_pending());
  EXPECT_TRUE(q.poll(one).is_pending());
  held->forget();
  s.add_permits(2);  // two of the three collected by the head request
  EXPECT_EQ(s.available_permits(), 0u);
  EXPECT_EQ(q.wakes(), 0);
  three.reset();
  EXPECT_EQ(q.wakes(), 1) << "what the dropped request collected went to the next waiter";
  EXPECT_EQ(s.available_permits(), 1u);
  EXPECT_TRUE(q.poll(one).is_ready());
  EXPECT_EQ(s.available_permits(), 2u);
}

TEST(Semaphore, CloseRefusesWaitersAndNewRequestsButPermitsStillReturn) {
  Semaphore s(2);
  std::optional<SemaphorePermit> held(std::move(*s.try_acquire_many(2)));
  Probe p, q;
  auto big = s.acquire_many(2);
  auto small = s.acquire();
  EXPECT_TRUE(p.poll(big).is_pending());
  EXPECT_TRUE(q.poll(small).is_pending());
  s.close();
  EXPECT_TRUE(s.is_closed());
  EXPECT_EQ(p.wakes(), 1);
  EXPECT_EQ(q.wakes(), 1);
  auto refused = p.poll(big);
  ASSERT_TRUE(refused.is_ready());
  EXPECT_FALSE(refused.value());
  EXPECT_FALSE(q.poll(small).value());
  auto tried = s.try_acquire();
  ASSERT_FALSE(tried);
  EXPECT_EQ(tried.error(), TryAcquireError::Closed);
  EXPECT_FALSE(asyncc::block_on(s.acquire())) << "a new request after close is refused at once";
  held.reset();
  EXPECT_EQ(s.available_permits(), 2u) << "permits held before the close still come back";
}

TEST(Semaphore, OwnedPermitsKeepTheSemaphoreAlive) {
  auto s = std::make_shared<Semaphore>(1);
  std::weak_ptr<Semaphore> alive = s;
  auto first = Semaphore::try_acquire_owned(s);
  ASSERT_TRUE(first);
  EXPECT_EQ(Semaphore::try_acquire_owned(s).error(), TryAcquireError::NoPermits);
  Probe p;
  auto waiting = Semaphore::acquire_many_owned(s, 1);
  EXPECT_TRUE(p.poll(waiting).is_pending());
  s.reset();
  EXPECT_FALSE(alive.expired());
  { asyncc::OwnedSemaphorePermit gone = std::move(*first); }
  EXPECT_EQ(p.wakes(), 1);
  auto got = p.poll(waiting);
  ASSERT_TRUE(got.is_ready());
  ASSERT_TRUE(got.value());
  EXPECT_EQ(got.value()->semaphore()->available_permits(), 0u);
}

// Spawns `count` tasks, each after taking an owned permit that the task then
// holds: at most the semaphore's permits run at once, as in Tokio's pattern
// for bounding spawned work.
class BoundedSpawner {
 public:
  using Output = int;
  BoundedSpawner(std::shared_ptr<Semaphore> s, int count, std::atomic<int>& inside, std::atomic<int>& most)
      : s_(std::move(s)), count_(count), inside_(&inside), most_(&most) {}
  Poll<int> poll(Context& cx) {
    while (spawned_ < count_) {
      if (!acquire_) acquire_.emplace(Semaphore::acquire_owned(s_));
      auto got = acquire_->poll(cx);
      if (got.is_pending()) return Poll<int>::pending();
      acquire_.reset();
      handles_.push_back(asyncc::spawn(Held{std::move(*got.value()), inside_, most_, 2, false}));
      ++spawned_;
    }
    while (!handles_.empty()) {
      if (handles_.back().poll(cx).is_pending()) return Poll<int>::pending();
      handles_.pop_back();
    }
    return Poll<int>::ready(spawned_);
  }

 private:
  struct Held {
    using Output = void;
    asyncc::OwnedSemaphorePermit permit;
    std::atomic<int>* inside;
    std::atomic<int>* most;
    int yields;
    bool entered;
    Poll<void> poll(Context& cx) {
      if (!entered) {
        entered = true;
        int now = ++*inside;
        int seen = most->load();
        while (now > seen && !most->compare_exchange_weak(seen, now)) {
        }
      }
      if (yields-- > 0) {
        cx.waker().wake_by_ref();
        return Poll<void>::pending();
      }
      --*inside;
      return Poll<void>::ready();  // the permit goes back when the task's future is dropped
    }
  };

  std::shared_ptr<Semaphore> s_;
  int count_;
  std::atomic<int>* inside_;
  std::atomic<int>* most_;
  int spawned_ = 0;
  std::optional<Semaphore::AcquireOwned> acquire_;
  std::vector<asyncc::JoinHandle<void>> handles_;
};

TEST(Semaphore, OwnedPermitsBoundSpawnedTasksOnTheRuntime) {
  auto s = std::make_shared<Semaphore>(4);
  std::atomic<int> inside{0}, most{0};
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(3).build();
  EXPECT_EQ(rt.block_on(BoundedSpawner(s, 1000, inside, most)), 1000);
  EXPECT_LE(most.load(), 4);
  EXPECT_EQ(s->available_permits(), 4u);
}

// Random interleavings of requests of 1 to 3 permits, polls, drops of
// pending futures and of permits: at every point no more permits are held
// than exist, and at the end all of them are free again.
TEST(Semaphore, CancellationAtAnyPointLosesNoPermit) {
  std::mt19937 rng(42);
  for (int round = 0; round < 200; ++round) {
    constexpr std::size_t kPermits = 4;
    Semaphore s(kPermits);
    std::vector<std::unique_ptr<Probe>> probes;
    std::vector<std::unique_ptr<Semaphore::Acquire>> futures;
    std::vector<SemaphorePermit> held;
    auto held_count = [&] {
      std::size_t n = 0;
      for (auto& p : held) n += p.num_permits();
      return n;
    };
    for (int step = 0; step < 80; ++step) {
      switch (rng() % 5) {
        case 0:
          futures.push_back(std::make_unique<Semaphore::Acquire>(s.acquire_many(1 + rng() % 3)));
          probes.push_back(std::make_unique<Probe>());
          break;
        case 1:
        case 2:
          if (!futures.empty()) {
            std::size_t i = rng() % futures.size();
            auto got = futures[i]->poll(probes[i]->cx);
            if (got.is_ready()) {
              ASSERT_TRUE(got.value());
              held.push_back(std::move(*got.value()));
              futures.erase(futures.begin() + i);
              probes.erase(probes.begin() + i);
            }
          }
          break;
        case 3:
          if (!futures.empty()) {
            std::size_t i = rng() % futures.size();
            futures.erase(futures.begin() + i);
            probes.erase(probes.begin() + i);
          }
          break;
        case 4:
          if (!held.empty()) held.erase(held.begin() + rng() % held.size());
          break;
      }
      ASSERT_LE(held_count() + s.available_permits(), kPermits);
    }
    futures.clear();
    held.clear();
    EXPECT_EQ(s.available_permits(), kPermits) << "round " << round;
  }
}

// Holds a permit over a few yields, noting how many tasks are inside.
class Limited {
 public:
  using Output = void;
  Limited(Semaphore& s, std::atomic<int>& inside, std::atomic<int>& most)
      : s_(&s), acquire_(s.acquire()), inside_(&inside), most_(&most) {}
  Limited(Limited&& other) noexcept
      : s_(other.s_), acquire_(other.s_->acquire()), inside_(other.inside_), most_(other.most_) {}
  Poll<void> poll(Context& cx) {
    if (!permit_) {
      auto got = acquire_.poll(cx);
      if (got.is_pending()) return Poll<void>::pending();
      permit_ = std::move(got.value());
      int now = ++*inside_;
      int seen = most_->load();
      while (now > seen && !most_->compare_exchange_weak(seen, now)) {
      }
    }
    if (yields_-- > 0) {
      cx.waker().wake_by_ref();
      return Poll<void>::pending();
    }
    --*inside_;
    permit_.reset();
    return Poll<void>::ready();
  }

 private:
  Semaphore* s_;
  Semaphore::Acquire acquire_;
  std::optional<SemaphorePermit> permit_;
  std::atomic<int>* inside_;
  std::atomic<int>* most_;
  int yields_ = 3;
};

TEST(Semaphore, LimitsConcurrencyOnTheRuntime) {
  Semaphore s(3);
  std::atomic<int> inside{0}, most{0};
  {
    asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(4).build();
    std::vector<asyncc::JoinHandle<void>> handles;
    for (int i = 0; i < 2000; ++i) handles.push_back(rt.spawn(Limited(s, inside, most)));
    EXPECT_EQ(rt.block_on(asyncc::testing::JoinAll<void>(std::move(handles))), 2000u);
  }
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
  EXPECT_EQ(inside.load(), 0);
  EXPECT_EQ(s.available_permits(), 3u);
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<void> limited(Semaphore& s, int& inside, int& most) {
  std::optional<SemaphorePermit> permit = co_await s.acquire();
  ++inside;
  if (inside > most) most = inside;
  co_await asyncc::yield_now();
  --inside;
}

TEST(SemaphoreAsync, UsableFromAsyncFunctions) {
  Semaphore s(2);
  int inside = 0, most = 0;
  asyncc::LocalExecutor executor;
  for (int i = 0; i < 6; ++i) executor.spawn(limited(s, inside, most));
  executor.run();
  EXPECT_EQ(most, 2) << "two at once, never three";
  EXPECT_EQ(s.available_permits(), 2u);
}

#endif

}  // namespace
