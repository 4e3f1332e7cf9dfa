// Mutex<T>: exclusion, FIFO fairness, cancellation at every point, and
// 10 000 tasks contending on one lock on the multi-threaded Runtime.
#include <asyncc/executor.hpp>
#include <asyncc/mutex.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/time.hpp>
#include <asyncc/yield_now.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <random>
#include <string>
#include <thread>
#include <vector>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

namespace {

using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Mutex;
using asyncc::MutexGuard;
using asyncc::Poll;
using asyncc::testing::Probe;

TEST(Mutex, GuardGivesAccessAndUnlocksWhenDropped) {
  Mutex<std::string> m("a");
  {
    MutexGuard<std::string> guard = asyncc::block_on(m.lock());
    guard->append("b");
    EXPECT_FALSE(m.try_lock().has_value()) << "locked while the guard lives";
    MutexGuard<std::string> moved = std::move(guard);
    EXPECT_FALSE(m.try_lock().has_value()) << "a moved guard still holds the lock";
    *moved += "c";
  }
  auto again = m.try_lock();
  ASSERT_TRUE(again.has_value());
  EXPECT_EQ(**again, "abc");
  EXPECT_EQ(&again->mutex(), &m);
}

TEST(Mutex, WaitersAreServedInTheOrderTheyCame) {
  Mutex<int> m(0);
  auto held = m.try_lock();
  ASSERT_TRUE(held);
  Probe a, b, c;
  auto la = m.lock();
  auto lb = m.lock();
  auto lc = m.lock();
  EXPECT_TRUE(b.poll(lb).is_pending());  // b asks first
  EXPECT_TRUE(a.poll(la).is_pending());
  EXPECT_TRUE(c.poll(lc).is_pending());
  held.reset();
  EXPECT_EQ(b.wakes(), 1);
  EXPECT_EQ(a.wakes() + c.wakes(), 0) << "only the first waiter is woken";
  EXPECT_FALSE(m.try_lock()) << "the lock was handed to the waiter, not freed";
  EXPECT_TRUE(a.poll(la).is_pending()) << "a later waiter cannot take a lock granted to an earlier one";
  {
    auto gb = b.poll(lb);
    ASSERT_TRUE(gb.is_ready());
    *gb.value() = 1;
  }
  EXPECT_EQ(a.wakes(), 1);
  EXPECT_EQ(c.wakes(), 0);
  {
    auto ga = a.poll(la);
    ASSERT_TRUE(ga.is_ready());
    EXPECT_EQ(*ga.value(), 1);
  }
  EXPECT_EQ(c.wakes(), 1);
  EXPECT_TRUE(c.poll(lc).is_ready());
  EXPECT_TRUE(m.try_lock());
}

TEST(Mutex, ATryLockDoesNotOvertakeAWaiter) {
  Mutex<int> m(0);
  auto held = m.try_lock();
  Probe p;
  auto waiting = m.lock();
  EXPECT_TRUE(p.poll(waiting).is_pending());
  EXPECT_FALSE(m.try_lock());
  held.reset();
  EXPECT_FALSE(m.try_lock()) << "released to the waiter";
  EXPECT_TRUE(p.poll(waiting).is_ready());
}

TEST(Mutex, ADroppedWaiterLeavesTheQueue) {
  Mutex<int> m(0);
  auto held = m.try_lock();
  Probe a, b;
  std::optional<Mutex<int>::Lock> la(m.lock());
  auto lb = m.lock();
  EXPECT_TRUE(a.poll(*la).is_pending());
  EXPECT_TRUE(b.poll(lb).is_pending());
  la.reset();
  EXPECT_EQ(a.counting.live(), 1) << "the dropped waiter's waker was released";
  held.reset();
  EXPECT_EQ(a.wakes(), 0);
  EXPECT_EQ(b.wakes(), 1);
  EXPECT_TRUE(b.poll(lb).is_ready());
}

TEST(Mutex, AGrantedButUnpolledLockDroppedPassesTheLockOn) {
  Mutex<int> m(0);
  auto held = m.try_lock();
  Probe a, b;
  std::optional<Mutex<int>::Lock> la(m.lock());
  auto lb = m.lock();
  EXPECT_TRUE(a.poll(*la).is_pending());
  EXPECT_TRUE(b.poll(lb).is_pending());
  held.reset();
  EXPECT_EQ(a.wakes(), 1) << "a was granted the lock";
  la.reset();  // cancelled before it saw the lock
  EXPECT_EQ(b.wakes(), 1) << "the lock went on to b";
  EXPECT_TRUE(b.poll(lb).is_ready());
  EXPECT_TRUE(m.try_lock());
}

TEST(Mutex, AGrantedLockDroppedWithNobodyWaitingIsFree) {
  Mutex<int> m(0);
  auto held = m.try_lock();
  Probe a;
  {
    auto la = m.lock();
    EXPECT_TRUE(a.poll(la).is_pending());
    held.reset();
    EXPECT_FALSE(m.try_lock());
  }
  EXPECT_TRUE(m.try_lock());
}

TEST(Mutex, AnOwnedGuardKeepsTheMutexAlive) {
  auto m = std::make_shared<Mutex<std::string>>("x");
  std::weak_ptr<Mutex<std::string>> alive = m;
  asyncc::OwnedMutexGuard<std::string> guard = asyncc::block_on(Mutex<std::string>::lock_owned(m));
  EXPECT_FALSE(Mutex<std::string>::try_lock_owned(m)) << "locked while the owned guard lives";
  Probe p;
  std::optional<Mutex<std::string>::LockOwned> waiting(Mutex<std::string>::lock_owned(m));
  EXPECT_TRUE(p.poll(*waiting).is_pending());
  m.reset();
  EXPECT_FALSE(alive.expired()) << "the guard and the waiting future keep it alive";
  *guard += "y";
  { auto gone = std::move(guard); }
  EXPECT_EQ(p.wakes(), 1);
  {
    auto got = p.poll(*waiting);
    ASSERT_TRUE(got.is_ready());
    EXPECT_EQ(*got.value(), "xy");
    waiting.reset();
    EXPECT_FALSE(alive.expired());
  }
  EXPECT_TRUE(alive.expired()) << "freed with the last guard";
}

TEST(MutexDeathTest, MovingAWaitingLockTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Mutex<int> m(0);
        auto held = m.try_lock();
        Probe p;
        auto lock = m.lock();
        (void)p.poll(lock);
        Mutex<int>::Lock moved = std::move(lock);
        (void)moved;
      },
      "moved while it waited");
}

TEST(MutexDeathTest, PollingACompletedLockTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Mutex<int> m(0);
        Probe p;
        auto lock = m.lock();
        auto guard = p.poll(lock);
        (void)p.poll(lock);
      },
      "polled after it completed");
}

TEST(Mutex, ALockThatTimesOutLeavesTheQueue) {
  using namespace std::chrono_literals;
  Mutex<int> m(0);
  auto held = m.try_lock();
  EXPECT_FALSE(asyncc::block_on(asyncc::timeout(m.lock(), 10ms))) << "the lock is held: the wait times out";
  held.reset();
  EXPECT_TRUE(m.try_lock()) << "the timed-out waiter did not take the lock with it";
}

// Random interleavings of lock, poll, drop and unlock: whatever is dropped
// when, the lock is never held twice and is free at the end, and every
// waker handed to the mutex is released.
TEST(Mutex, CancellationAtAnyPointLosesNoLock) {
  std::mt19937 rng(15);
  for (int round = 0; round < 200; ++round) {
    Mutex<int> m(0);
    std::vector<std::unique_ptr<Probe>> probes;
    std::vector<std::unique_ptr<Mutex<int>::Lock>> futures;
    std::optional<MutexGuard<int>> guard;
    for (int step = 0; step < 60; ++step) {
      switch (rng() % 4) {
        case 0:
          futures.push_back(std::make_unique<Mutex<int>::Lock>(m.lock()));
          probes.push_back(std::make_unique<Probe>());
          break;
        case 1:
          if (!futures.empty()) {
            std::size_t i = rng() % futures.size();
            auto got = futures[i]->poll(probes[i]->cx);
            if (got.is_ready()) {
              ASSERT_FALSE(guard) << "the lock was held twice";
              guard.emplace(std::move(got.value()));
              futures.erase(futures.begin() + i);
              probes.erase(probes.begin() + i);
            }
          }
          break;
        case 2:
          if (!futures.empty()) {
            std::size_t i = rng() % futures.size();
            futures.erase(futures.begin() + i);
            EXPECT_EQ(probes[i]->counting.live(), 1);
            probes.erase(probes.begin() + i);
          }
          break;
        case 3:
          guard.reset();
          break;
      }
    }
    futures.clear();
    guard.reset();
    EXPECT_TRUE(m.try_lock()) << "round " << round;
  }
}

// Locks, reads the counter, yields while holding the guard, then writes it
// back plus one: a lock that let two tasks in would lose increments.
class Increment {
 public:
  using Output = void;
  explicit Increment(Mutex<long>& m) : m_(&m) {}
  Increment(Increment&& other) noexcept : m_(other.m_) {}
  Poll<void> poll(Context& cx) {
    if (!guard_) {
      if (!lock_) lock_.emplace(m_->lock());
      auto got = lock_->poll(cx);
      if (got.is_pending()) return Poll<void>::pending();
      guard_.emplace(std::move(got.value()));
      lock_.reset();
      seen_ = **guard_;
    }
    if (yield_.poll(cx).is_pending()) return Poll<void>::pending();
    **guard_ = seen_ + 1;
    guard_.reset();
    return Poll<void>::ready();
  }

 private:
  Mutex<long>* m_;
  std::optional<Mutex<long>::Lock> lock_;
  std::optional<MutexGuard<long>> guard_;
  long seen_ = 0;
  asyncc::YieldNow yield_;
};

TEST(Mutex, GuardHeldAcrossAwaitsOnOneExecutor) {
  Mutex<long> m(0);
  LocalExecutor executor;
  for (int i = 0; i < 500; ++i) executor.spawn(Increment(m));
  executor.run();
  EXPECT_EQ(*m.try_lock().value(), 500);
}

TEST(Mutex, TenThousandTasksOnTheRuntime) {
  constexpr int kTasks = 10000;
  Mutex<long> m(0);
  {
    asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(4).build();
    std::vector<asyncc::JoinHandle<void>> handles;
    handles.reserve(kTasks);
    for (int i = 0; i < kTasks; ++i) handles.push_back(rt.spawn(Increment(m)));
    EXPECT_EQ(rt.block_on(asyncc::testing::JoinAll<void>(std::move(handles))), std::size_t(kTasks));
  }
  EXPECT_EQ(*m.try_lock().value(), kTasks);
}

// Waiting tasks aborted on one thread while the lock is released on
// another: every task that finished added one, none was lost, and the lock
// is free at the end (a lost lock would leave the others waiting).
TEST(Mutex, WaitersAbortedWhileTheLockIsReleasedOnAnotherThread) {
  using namespace std::chrono_literals;
  Mutex<long> m(0);
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(3).build();
  long finished = 0;
  for (int round = 0; round < 30; ++round) {
    std::optional<MutexGuard<long>> guard = m.try_lock();
    ASSERT_TRUE(guard);
    std::vector<asyncc::JoinHandle<void>> handles;
    for (int i = 0; i < 20; ++i) handles.push_back(rt.spawn(Increment(m)));
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 5)));
    std::thread releaser([&guard] { guard.reset(); });
    for (std::size_t i = 0; i < handles.size(); i += 2) handles[i].abort();
    releaser.join();
    for (auto& h : handles) {
      try {
        auto done = rt.block_on(asyncc::timeout(std::move(h), 20s));
        ASSERT_TRUE(done) << "a task waited forever: the lock was lost";
        ++finished;
      } catch (const asyncc::task_cancelled&) {
      }
    }
    auto check = m.try_lock();
    ASSERT_TRUE(check) << "round " << round;
    EXPECT_EQ(**check, finished);
  }
  EXPECT_GE(finished, 30 * 10) << "the tasks not aborted all finished";
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<void> append(Mutex<std::vector<int>>& m, int value) {
  MutexGuard<std::vector<int>> guard = co_await m.lock();
  co_await asyncc::yield_now();
  guard->push_back(value);
}

TEST(MutexAsync, UsableFromAsyncFunctions) {
  Mutex<std::vector<int>> m;
  LocalExecutor executor;
  for (int i = 0; i < 5; ++i) executor.spawn(append(m, i));
  executor.run();
  EXPECT_EQ(*m.try_lock().value(), (std::vector<int>{0, 1, 2, 3, 4})) << "spawned in order, served in order";
}

#endif

}  // namespace
