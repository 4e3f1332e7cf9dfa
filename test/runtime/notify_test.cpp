// Notify: notify_one's stored permit, FIFO order, notify_waiters reaching
// futures made before it, cancellation that never loses a notify_one, and
// notifications across the Runtime's threads.
#include <asyncc/executor.hpp>
#include <asyncc/notify.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/time.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#include <asyncc/join.hpp>
#include <asyncc/yield_now.hpp>
#endif

#include <atomic>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::Notify;
using asyncc::Poll;
using asyncc::testing::Probe;

TEST(Notify, NotifyOneBeforeTheWaitStoresOnePermit) {
  Notify n;
  n.notify_one();
  n.notify_one();  // permits do not add up
  Probe p;
  auto first = n.notified();
  EXPECT_TRUE(p.poll(first).is_ready()) << "the stored permit completes the wait at once";
  auto second = n.notified();
  EXPECT_TRUE(p.poll(second).is_pending()) << "only one permit was stored";
  n.notify_one();
  EXPECT_EQ(p.wakes(), 1);
  EXPECT_TRUE(p.poll(second).is_ready());
}

TEST(Notify, NotifyOneWakesTheLongestWaiter) {
  Notify n;
  Probe a, b, c;
  auto fa = n.notified(), fb = n.notified(), fc = n.notified();
  EXPECT_TRUE(b.poll(fb).is_pending());
  EXPECT_TRUE(a.poll(fa).is_pending());
  EXPECT_TRUE(c.poll(fc).is_pending());
  n.notify_one();
  EXPECT_EQ(b.wakes(), 1);
  EXPECT_EQ(a.wakes() + c.wakes(), 0);
  EXPECT_TRUE(a.poll(fa).is_pending());
  n.notify_one();
  EXPECT_EQ(a.wakes(), 1);
  EXPECT_EQ(c.wakes(), 0);
  EXPECT_TRUE(b.poll(fb).is_ready());
  EXPECT_TRUE(a.poll(fa).is_ready());
  EXPECT_TRUE(c.poll(fc).is_pending());
}

TEST(Notify, NotifyWaitersWakesEveryWaiterAndStoresNoPermit) {
  Notify n;
  Probe a, b, later;
  auto fa = n.notified();
  auto fb = n.notified();
  EXPECT_TRUE(a.poll(fa).is_pending());
  auto not_polled_yet = n.notified();
  n.notify_waiters();
  EXPECT_EQ(a.wakes(), 1);
  EXPECT_TRUE(a.poll(fa).is_ready());
  EXPECT_TRUE(b.poll(fb).is_ready()) << "created before notify_waiters: notified though never polled";
  EXPECT_TRUE(b.poll(not_polled_yet).is_ready());
  auto after = n.notified();
  EXPECT_TRUE(later.poll(after).is_pending()) << "notify_waiters stores no permit";
}

TEST(Notify, ADroppedWaiterLeavesTheQueue) {
  Notify n;
  Probe a, b;
  std::optional<Notify::Notified> fa(n.notified());
  auto fb = n.notified();
  EXPECT_TRUE(a.poll(*fa).is_pending());
  EXPECT_TRUE(b.poll(fb).is_pending());
  fa.reset();
  EXPECT_EQ(a.counting.live(), 1);
  n.notify_one();
  EXPECT_EQ(b.wakes(), 1) << "the notification went to the remaining waiter";
  EXPECT_TRUE(b.poll(fb).is_ready());
}

TEST(Notify, ANotifiedDroppedBeforeSeeingItsNotificationPassesItOn) {
  Notify n;
  Probe a, b;
  std::optional<Notify::Notified> fa(n.notified());
  auto fb = n.notified();
  EXPECT_TRUE(a.poll(*fa).is_pending());
  EXPECT_TRUE(b.poll(fb).is_pending());
  n.notify_one();
  EXPECT_EQ(a.wakes(), 1);
  fa.reset();
  EXPECT_EQ(b.wakes(), 1) << "passed on to the next waiter";
  EXPECT_TRUE(b.poll(fb).is_ready());

  std::optional<Notify::Notified> alone(n.notified());
  EXPECT_TRUE(a.poll(*alone).is_pending());
  n.notify_one();
  alone.reset();
  auto next = n.notified();
  EXPECT_TRUE(b.poll(next).is_ready()) << "with nobody waiting, passed on as the stored permit";
}

TEST(Notify, ANotifiedDroppedAfterNotifyWaitersStoresNothing) {
  Notify n;
  Probe a;
  {
    auto fa = n.notified();
    EXPECT_TRUE(a.poll(fa).is_pending());
    n.notify_waiters();
  }
  auto next = n.notified();
  EXPECT_TRUE(a.poll(next).is_pending());
}

// Ping-pong over two Notify objects: `ping` notifies `there` then waits on
// `back`, `rounds` times; the other side waits first. A lost notification
// would stall both.
class PingPong {
 public:
  using Output = int;
  PingPong(Notify& there, Notify& back, int rounds, bool wait_first)
      : there_(&there), back_(&back), rounds_(rounds), waiting_(wait_first) {}
  PingPong(PingPong&& o) noexcept : there_(o.there_), back_(o.back_), rounds_(o.rounds_), waiting_(o.waiting_) {}
  Poll<int> poll(Context& cx) {
    while (done_ < rounds_) {
      if (!waiting_ && !sent_) {  // the initiator's turn to notify
        there_->notify_one();
        sent_ = true;
      }
      if (!wait_) wait_.emplace(back_->notified());
      if (wait_->poll(cx).is_pending()) return Poll<int>::pending();
      wait_.reset();
      if (waiting_) there_->notify_one();  // the responder answers
      sent_ = false;
      ++done_;
    }
    return Poll<int>::ready(done_);
  }

 private:
  Notify* there_;
  Notify* back_;
  int rounds_;
  bool waiting_;  // the responder: waits first, then answers
  bool sent_ = false;
  int done_ = 0;
  std::optional<Notify::Notified> wait_;
};

TEST(Notify, PingPongAcrossTheRuntimesThreadsLosesNoNotification) {
  constexpr int kPairs = 8, kRounds = 300;
  std::vector<std::unique_ptr<Notify>> notifies;
  for (int i = 0; i < 2 * kPairs; ++i) notifies.push_back(std::make_unique<Notify>());
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(3).build();
  std::vector<asyncc::JoinHandle<int>> handles;
  for (int p = 0; p < kPairs; ++p) {
    Notify& a = *notifies[2 * p];
    Notify& b = *notifies[2 * p + 1];
    handles.push_back(rt.spawn(PingPong(a, b, kRounds, false)));  // notifies a, waits on b
    handles.push_back(rt.spawn(PingPong(b, a, kRounds, true)));   // waits on a, notifies b
  }
  int total = 0;
  for (auto& h : handles) total += rt.block_on(std::move(h));
  EXPECT_EQ(total, 2 * kPairs * kRounds);
}

TEST(Notify, PingPongOnALocalExecutor) {
  Notify a, b;
  asyncc::LocalExecutor executor;
  auto first = executor.spawn(PingPong(a, b, 500, false));
  auto second = executor.spawn(PingPong(b, a, 500, true));
  EXPECT_EQ(executor.block_on(std::move(first)) + executor.block_on(std::move(second)), 1000);
}

// Waits once on `n`.
class WaitOnce {
 public:
  using Output = void;
  explicit WaitOnce(Notify& n) : fut_(n.notified()) {}
  WaitOnce(WaitOnce&& o) noexcept : fut_(std::move(o.fut_)) {}
  Poll<void> poll(Context& cx) { return fut_.poll(cx); }

 private:
  Notify::Notified fut_;
};

// Waiting tasks aborted while another thread wakes them all: every task
// not aborted finishes.
TEST(Notify, WaitersAbortedWhileNotifyWaitersRunsOnAnotherThread) {
  using namespace std::chrono_literals;
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(3).build();
  for (int round = 0; round < 30; ++round) {
    Notify n;
    std::vector<asyncc::JoinHandle<void>> handles;
    for (int i = 0; i < 20; ++i) handles.push_back(rt.spawn(WaitOnce(n)));
    std::this_thread::sleep_for(std::chrono::microseconds(200 * (round % 5)));
    std::thread notifier([&n] { n.notify_waiters(); });
    for (std::size_t i = 0; i < handles.size(); i += 2) handles[i].abort();
    notifier.join();
    int finished = 0;
    for (std::size_t i = 0; i < handles.size(); ++i) {
      try {
        auto done = rt.block_on(asyncc::timeout(std::move(handles[i]), 20s));
        ASSERT_TRUE(done) << "task " << i << " missed notify_waiters";
        ++finished;
      } catch (const asyncc::task_cancelled&) {
        EXPECT_EQ(i % 2, 0u);
      }
    }
    EXPECT_GE(finished, 10);
  }
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<int> wait_then(Notify& n, int value) {
  co_await n.notified();
  co_return value;
}

ASYNC asyncc::Async<int> notify_after_a_yield(Notify& n) {
  co_await asyncc::yield_now();
  n.notify_one();
  co_return 0;
}

TEST(NotifyAsync, UsableFromAsyncFunctions) {
  Notify n;
  auto [got, unused] = asyncc::block_on(asyncc::join(wait_then(n, 3), notify_after_a_yield(n)));
  (void)unused;
  EXPECT_EQ(got, 3);
}

#endif

}  // namespace
