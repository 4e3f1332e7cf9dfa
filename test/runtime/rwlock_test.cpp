// RwLock<T>: shared readers, an exclusive writer, FIFO fairness between
// them, cancellation, and readers and writers on the Runtime.
#include <asyncc/executor.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/rwlock.hpp>
#include <asyncc/yield_now.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#include <atomic>
#include <optional>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::Poll;
using asyncc::RwLock;
using asyncc::RwLockReadGuard;
using asyncc::RwLockWriteGuard;
using asyncc::testing::Probe;

TEST(RwLock, ManyReadersOrOneWriter) {
  RwLock<int> lock(7);
  {
    RwLockReadGuard<int> r1 = asyncc::block_on(lock.read());
    auto r2 = lock.try_read();
    ASSERT_TRUE(r2) << "readers share the lock";
    EXPECT_EQ(*r1 + **r2, 14);
    EXPECT_FALSE(lock.try_write()) << "no writer while readers hold it";
  }
  {
    RwLockWriteGuard<int> w = asyncc::block_on(lock.write());
    *w = 8;
    EXPECT_FALSE(lock.try_read()) << "no reader while the writer holds it";
    EXPECT_FALSE(lock.try_write());
  }
  EXPECT_EQ(**lock.try_read(), 8);
  EXPECT_TRUE(lock.try_write());
}

TEST(RwLock, AWaitingWriterBlocksLaterReaders) {
  RwLock<int> lock(0);
  auto r1 = lock.try_read();
  Probe w, r;
  auto fw = lock.write();
  auto fr = lock.read();
  EXPECT_TRUE(w.poll(fw).is_pending());
  EXPECT_TRUE(r.poll(fr).is_pending()) << "a reader that came after a waiting writer waits";
  EXPECT_FALSE(lock.try_read()) << "try_read does not overtake the writer either";
  r1.reset();
  EXPECT_EQ(w.wakes(), 1);
  EXPECT_EQ(r.wakes(), 0);
  {
    auto guard = w.poll(fw);
    ASSERT_TRUE(guard.is_ready());
    *guard.value() = 1;
    EXPECT_TRUE(r.poll(fr).is_pending());
  }
  EXPECT_EQ(r.wakes(), 1);
  auto got = r.poll(fr);
  ASSERT_TRUE(got.is_ready());
  EXPECT_EQ(*got.value(), 1);
}

TEST(RwLock, ReadersQueuedTogetherAreAllLetIn) {
  RwLock<int> lock(0);
  auto w = lock.try_write();
  Probe a, b;
  auto fa = lock.read();
  auto fb = lock.read();
  EXPECT_TRUE(a.poll(fa).is_pending());
  EXPECT_TRUE(b.poll(fb).is_pending());
  w.reset();
  EXPECT_EQ(a.wakes(), 1);
  EXPECT_EQ(b.wakes(), 1) << "both waiting readers get in when the writer leaves";
  auto ga = a.poll(fa);
  auto gb = b.poll(fb);
  EXPECT_TRUE(ga.is_ready());
  EXPECT_TRUE(gb.is_ready());
}

TEST(RwLock, ADroppedWaitingWriterLetsTheReadersBehindItIn) {
  RwLock<int> lock(0);
  auto r1 = lock.try_read();
  Probe w, r;
  std::optional<RwLock<int>::Write> fw(lock.write());
  auto fr = lock.read();
  EXPECT_TRUE(w.poll(*fw).is_pending());
  EXPECT_TRUE(r.poll(fr).is_pending());
  fw.reset();  // the writer had collected all but the held reader's share
  EXPECT_EQ(r.wakes(), 1);
  EXPECT_TRUE(r.poll(fr).is_ready());
  r1.reset();
  EXPECT_TRUE(lock.try_write()) << "nothing was lost: the lock is whole again";
}

TEST(RwLock, AGrantedButUnpolledWriteDroppedPassesTheLockOn) {
  RwLock<int> lock(0);
  auto r1 = lock.try_read();
  Probe w, r;
  std::optional<RwLock<int>::Write> fw(lock.write());
  auto fr = lock.read();
  EXPECT_TRUE(w.poll(*fw).is_pending());
  EXPECT_TRUE(r.poll(fr).is_pending());
  r1.reset();
  EXPECT_EQ(w.wakes(), 1);
  EXPECT_EQ(r.wakes(), 0);
  fw.reset();
  EXPECT_EQ(r.wakes(), 1);
  EXPECT_TRUE(r.poll(fr).is_ready());
  EXPECT_TRUE(lock.try_write());
}

struct Pair {
  long a = 0;
  long b = 0;
};

// A writer bumps both halves of the pair with a yield between them; a
// reader checks they are equal. Outputs: readers' mismatches seen.
class Writer {
 public:
  using Output = int;
  explicit Writer(RwLock<Pair>& l) : l_(&l) {}
  Writer(Writer&& o) noexcept : l_(o.l_) {}
  Poll<int> poll(Context& cx) {
    if (!guard_) {
      if (!fut_) fut_.emplace(l_->write());
      auto g = fut_->poll(cx);
      if (g.is_pending()) return Poll<int>::pending();
      guard_.emplace(std::move(g.value()));
      fut_.reset();
      (*guard_)->a++;
    }
    if (yield_.poll(cx).is_pending()) return Poll<int>::pending();
    (*guard_)->b++;
    guard_.reset();
    return Poll<int>::ready(0);
  }

 private:
  RwLock<Pair>* l_;
  std::optional<RwLock<Pair>::Write> fut_;
  std::optional<RwLockWriteGuard<Pair>> guard_;
  asyncc::YieldNow yield_;
};

class Reader {
 public:
  using Output = int;
  explicit Reader(RwLock<Pair>& l) : l_(&l) {}
  Reader(Reader&& o) noexcept : l_(o.l_) {}
  Poll<int> poll(Context& cx) {
    if (!fut_) fut_.emplace(l_->read());
    auto g = fut_->poll(cx);
    if (g.is_pending()) return Poll<int>::pending();
    return Poll<int>::ready(g.value()->a == g.value()->b ? 0 : 1);
  }

 private:
  RwLock<Pair>* l_;
  std::optional<RwLock<Pair>::Read> fut_;
};

TEST(RwLock, ReadersNeverSeeAHalfDoneWriteOnTheRuntime) {
  RwLock<Pair> lock;
  int mismatches = 0;
  {
    asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(4).build();
    std::vector<asyncc::JoinHandle<int>> handles;
    for (int i = 0; i < 3000; ++i)
      handles.push_back(i % 3 == 0 ? rt.spawn(Writer(lock)) : rt.spawn(Reader(lock)));
    for (auto& h : handles) mismatches += rt.block_on(std::move(h));
  }
  EXPECT_EQ(mismatches, 0);
  auto w = lock.try_write();
  ASSERT_TRUE(w);
  EXPECT_EQ((*w)->a, 1000);
  EXPECT_EQ((*w)->b, 1000);
}

TEST(RwLock, ReadersAndWritersOnALocalExecutor) {
  RwLock<Pair> lock;
  asyncc::LocalExecutor executor;
  std::vector<asyncc::JoinHandle<int>> handles;
  for (int i = 0; i < 300; ++i)
    handles.push_back(i % 3 == 0 ? executor.spawn(Writer(lock)) : executor.spawn(Reader(lock)));
  int mismatches = 0;
  for (auto& h : handles) mismatches += executor.block_on(std::move(h));
  EXPECT_EQ(mismatches, 0);
  EXPECT_EQ(lock.try_read().value()->a, 100);
}

}  // namespace
