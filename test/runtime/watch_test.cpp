// watch<T>: the latest value, changed() for values not yet seen, the
// sender's departure, and a value watched from the Runtime's threads.
#include <asyncc/executor.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/watch.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::Poll;
using asyncc::WatchReceiver;
using asyncc::WatchSender;
using asyncc::testing::Probe;

TEST(Watch, ReceiversSeeTheLatestValue) {
  auto [tx, rx] = asyncc::watch<std::string>("init");
  EXPECT_EQ(*rx.borrow(), "init");
  EXPECT_FALSE(rx.has_changed()) << "the initial value counts as seen";
  EXPECT_TRUE(tx.send("one"));
  EXPECT_TRUE(tx.send("two"));
  EXPECT_TRUE(rx.has_changed());
  {
    auto ref = rx.borrow();
    EXPECT_EQ(*ref, "two") << "only the latest value is kept";
    EXPECT_TRUE(ref.has_changed());
  }
  EXPECT_TRUE(rx.has_changed()) << "borrow() does not mark the value seen";
  EXPECT_EQ(*rx.borrow_and_update(), "two");
  EXPECT_FALSE(rx.has_changed());
  EXPECT_EQ(*tx.borrow(), "two");
}

TEST(Watch, ChangedWaitsForAValueNotYetSeen) {
  auto [tx, rx] = asyncc::watch<int>(0);
  Probe p;
  {
    auto changed = rx.changed();
    EXPECT_TRUE(p.poll(changed).is_pending());
    EXPECT_TRUE(tx.send(1));
    EXPECT_EQ(p.wakes(), 1);
    auto got = p.poll(changed);
    ASSERT_TRUE(got.is_ready());
    EXPECT_TRUE(got.value());
  }
  EXPECT_FALSE(rx.has_changed()) << "changed() marks the value seen";
  auto again = rx.changed();
  EXPECT_TRUE(p.poll(again).is_pending()) << "the same value does not complete changed() twice";
  tx.send_modify([](int& v) { v += 10; });
  EXPECT_TRUE(p.poll(again).value());
  EXPECT_EQ(*rx.borrow(), 11);
}

TEST(Watch, SubscribersAndCopiesKeepTheirOwnView) {
  auto [tx, rx] = asyncc::watch<int>(0);
  EXPECT_TRUE(tx.send(1));
  auto sub = tx.subscribe();
  EXPECT_FALSE(sub.has_changed()) << "a subscriber has seen what was current";
  WatchReceiver<int> copy = rx;
  EXPECT_TRUE(copy.has_changed()) << "a copy shares its original's view";
  EXPECT_EQ(tx.receiver_count(), 3u);
  copy.borrow_and_update();
  EXPECT_TRUE(rx.has_changed()) << "marking the copy's value seen leaves the original alone";
}

TEST(Watch, TheSenderLeavingEndsChangedButNotAnUnseenValue) {
  auto [tx, rx] = asyncc::watch<int>(0);
  Probe p;
  auto rx2 = tx.subscribe();
  auto waiting = rx2.changed();
  EXPECT_TRUE(p.poll(waiting).is_pending());
  EXPECT_TRUE(tx.send(5));
  EXPECT_TRUE(p.poll(waiting).value());
  auto waiting2 = rx2.changed();
  EXPECT_TRUE(p.poll(waiting2).is_pending());
  { WatchSender<int> gone = std::move(tx); }
  EXPECT_EQ(p.wakes(), 2) << "the sender leaving wakes the waiting receivers";
  EXPECT_FALSE(p.poll(waiting2).value()) << "nothing new, and no sender";
  EXPECT_TRUE(asyncc::block_on(rx.changed())) << "rx had not seen 5: that comes first";
  EXPECT_FALSE(asyncc::block_on(rx.changed()));
  EXPECT_EQ(*rx.borrow(), 5) << "the last value stays readable";
}

TEST(Watch, SendWithoutReceiversHandsTheValueBackButSendReplaceStores) {
  auto [tx, rx] = asyncc::watch<std::string>("a");
  EXPECT_FALSE(tx.is_closed());
  { auto gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  auto refused = tx.send("b");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().value, "b");
  EXPECT_EQ(*tx.borrow(), "a") << "a refused value is not stored";
  EXPECT_EQ(tx.send_replace("c"), "a");
  EXPECT_EQ(*tx.borrow(), "c");
}

TEST(Watch, ADroppedChangedIsForgotten) {
  auto [tx, rx] = asyncc::watch<int>(0);
  Probe p;
  {
    auto changed = rx.changed();
    EXPECT_TRUE(p.poll(changed).is_pending());
  }
  EXPECT_EQ(p.counting.live(), 1) << "its waker was released";
  EXPECT_TRUE(tx.send(1));
  EXPECT_EQ(p.wakes(), 0);
  EXPECT_TRUE(rx.has_changed()) << "the value is still unseen by the receiver";
}

// Follows the value until the sender leaves; the values it sees only ever
// grow, and the last it sees is the last sent.
class Follower {
 public:
  using Output = long long;  // the last value seen, or -1 on a step back
  explicit Follower(WatchReceiver<long long> rx) : rx_(std::move(rx)) {}
  Follower(Follower&& o) noexcept : rx_(std::move(o.rx_)) {}
  Poll<long long> poll(Context& cx) {
    for (;;) {
      if (!changed_) changed_.emplace(rx_.changed());
      auto got = changed_->poll(cx);
      if (got.is_pending()) return Poll<long long>::pending();
      changed_.reset();
      if (!got.value()) return Poll<long long>::ready(last_);
      long long v = *rx_.borrow_and_update();
      if (v < last_) return Poll<long long>::ready(-1);
      last_ = v;
    }
  }

 private:
  WatchReceiver<long long> rx_;
  std::optional<WatchReceiver<long long>::Changed> changed_;
  long long last_ = 0;
};

TEST(Watch, FollowersOnALocalExecutorEndOnTheLastValue) {
  auto [tx, rx] = asyncc::watch<long long>(0);
  asyncc::LocalExecutor executor;
  std::vector<asyncc::JoinHandle<long long>> handles;
  for (int i = 0; i < 3; ++i) handles.push_back(executor.spawn(Follower(rx)));
  struct Updater {
    using Output = void;
    std::optional<WatchSender<long long>> tx;
    long long next = 1;
    Poll<void> poll(Context& cx) {
      if (next > 100) {
        tx.reset();
        return Poll<void>::ready();
      }
      if (!tx->send(next++)) return Poll<void>::ready();
      cx.waker().wake_by_ref();
      return Poll<void>::pending();
    }
  };
  executor.spawn(Updater{std::move(tx)});
  for (auto& h : handles) EXPECT_EQ(executor.block_on(std::move(h)), 100);
}

TEST(Watch, FollowersOnTheRuntimeEndOnTheLastValue) {
  constexpr long long kLast = 20000;
  auto [tx, rx] = asyncc::watch<long long>(0);
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(3).build();
  std::vector<asyncc::JoinHandle<long long>> handles;
  for (int i = 0; i < 4; ++i) handles.push_back(rt.spawn(Follower(rx)));
  std::thread sender([tx = std::move(tx)]() mutable {
    for (long long i = 1; i <= kLast; ++i) ASSERT_TRUE(tx.send(i));
  });
  sender.join();
  for (auto& h : handles) EXPECT_EQ(rt.block_on(std::move(h)), kLast);
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<int> last_seen(WatchReceiver<int> rx) {
  int last = *rx.borrow_and_update();
  while (co_await rx.changed()) last = *rx.borrow_and_update();
  co_return last;
}

TEST(WatchAsync, UsableFromAsyncFunctions) {
  auto [tx, rx] = asyncc::watch<int>(0);
  EXPECT_TRUE(tx.send(1));
  EXPECT_TRUE(tx.send(2));
  { WatchSender<int> gone = std::move(tx); }
  EXPECT_EQ(asyncc::block_on(last_seen(std::move(rx))), 2);
}

#endif

}  // namespace
