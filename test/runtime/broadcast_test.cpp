// broadcast<T>: every receiver sees every value; a lagging receiver is told
// how many it missed; Closed after the last sender; values are dropped once
// all their readers have them; receivers on the Runtime's threads.
#include <asyncc/broadcast.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/runtime.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace {

using asyncc::BroadcastReceiver;
using asyncc::BroadcastRecvError;
using asyncc::BroadcastSender;
using asyncc::Context;
using asyncc::Poll;
using asyncc::testing::Probe;

TEST(Broadcast, EveryReceiverSeesEveryValueInOrder) {
  auto [tx, rx1] = asyncc::broadcast<std::string>(8);
  auto rx2 = tx.subscribe();
  EXPECT_EQ(tx.receiver_count(), 2u);
  auto sent = tx.send("a");
  ASSERT_TRUE(sent);
  EXPECT_EQ(*sent, 2u) << "send reports how many receivers will see the value";
  EXPECT_TRUE(tx.send("b"));
  for (auto* rx : {&rx1, &rx2}) {
    EXPECT_EQ(*asyncc::block_on(rx->recv()), "a");
    EXPECT_EQ(*asyncc::block_on(rx->recv()), "b");
    EXPECT_TRUE(rx->try_recv().error().is_empty());
  }
}

TEST(Broadcast, ASubscriberSeesOnlyWhatIsSentAfterIt) {
  auto [tx, rx] = asyncc::broadcast<int>(8);
  EXPECT_TRUE(tx.send(1));
  auto late = tx.subscribe();
  EXPECT_TRUE(tx.send(2));
  EXPECT_EQ(*late.try_recv(), 2);
  EXPECT_EQ(*rx.try_recv(), 1);
  auto again = rx.resubscribe();
  EXPECT_TRUE(again.try_recv().error().is_empty()) << "resubscribe starts at the newest value";
  EXPECT_EQ(*rx.try_recv(), 2);
}

TEST(Broadcast, ALaggingReceiverIsToldHowManyItMissedThenGetsTheOldestKept) {
  auto [tx, rx] = asyncc::broadcast<int>(4);
  for (int i = 0; i < 10; ++i) EXPECT_TRUE(tx.send(i));
  EXPECT_EQ(rx.len(), 10u);
  auto lag = asyncc::block_on(rx.recv());
  ASSERT_FALSE(lag);
  EXPECT_TRUE(lag.error().is_lagged());
  EXPECT_EQ(lag.error().skipped(), 6u) << "0..5 were overwritten";
  for (int i = 6; i < 10; ++i) EXPECT_EQ(*asyncc::block_on(rx.recv()), i);
  EXPECT_TRUE(rx.try_recv().error().is_empty());
  EXPECT_TRUE(tx.send(10));
  EXPECT_EQ(*rx.try_recv(), 10) << "caught up: no further lag";
}

TEST(Broadcast, ClosedOnceEverySenderIsGoneAndEverythingWasRead) {
  auto [tx, rx] = asyncc::broadcast<int>(4);
  Probe p;
  auto copy = tx;
  EXPECT_TRUE(tx.send(1));
  { auto gone = std::move(tx); }
  auto recv = rx.recv();
  auto first = p.poll(recv);
  ASSERT_TRUE(first.is_ready());
  EXPECT_EQ(*first.value(), 1);
  auto waiting = rx.recv();
  EXPECT_TRUE(p.poll(waiting).is_pending()) << "a sender is left";
  { auto gone = std::move(copy); }
  EXPECT_EQ(p.wakes(), 1) << "the last sender leaving wakes the waiting receiver";
  auto end = p.poll(waiting);
  ASSERT_TRUE(end.is_ready());
  ASSERT_FALSE(end.value());
  EXPECT_EQ(end.value().error(), BroadcastRecvError::closed());
}

TEST(Broadcast, SendWithoutReceiversHandsTheValueBack) {
  auto [tx, rx] = asyncc::broadcast<std::string>(2);
  { auto gone = std::move(rx); }
  EXPECT_EQ(tx.receiver_count(), 0u);
  auto refused = tx.send("v");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().value, "v");
}

TEST(Broadcast, SendWakesEveryWaitingReceiverAndADroppedRecvIsForgotten) {
  auto [tx, rx1] = asyncc::broadcast<int>(2);
  auto rx2 = tx.subscribe();
  Probe a, b;
  auto r1 = rx1.recv();
  std::optional<BroadcastReceiver<int>::Recv> r2(rx2.recv());
  EXPECT_TRUE(a.poll(r1).is_pending());
  EXPECT_TRUE(b.poll(*r2).is_pending());
  r2.reset();
  EXPECT_EQ(b.counting.live(), 1) << "the dropped future's waker was released";
  EXPECT_TRUE(tx.send(5));
  EXPECT_EQ(a.wakes(), 1);
  EXPECT_EQ(b.wakes(), 0);
  EXPECT_EQ(*a.poll(r1).value(), 5);
  EXPECT_EQ(*rx2.try_recv(), 5) << "the receiver itself still gets the value";
}

TEST(Broadcast, AValueIsDroppedOnceEveryReaderHasIt) {
  auto [tx, rx1] = asyncc::broadcast<std::shared_ptr<int>>(4);
  auto rx2 = tx.subscribe();
  auto value = std::make_shared<int>(1);
  std::weak_ptr<int> watch = value;
  EXPECT_TRUE(tx.send(std::move(value)));
  { auto got = rx1.try_recv(); }
  EXPECT_FALSE(watch.expired()) << "rx2 has not read it";
  { auto got = rx2.try_recv(); }
  EXPECT_TRUE(watch.expired()) << "the channel kept no copy after the last reader";
  auto value2 = std::make_shared<int>(2);
  watch = value2;
  EXPECT_TRUE(tx.send(std::move(value2)));
  { auto got = rx1.try_recv(); }
  { auto gone = std::move(rx2); }
  EXPECT_TRUE(watch.expired()) << "a dropped receiver no longer holds values back";
}

// Receives until Closed, checking order and summing lags and values.
class Collector {
 public:
  using Output = std::pair<long long, long long>;  // values received, values skipped
  explicit Collector(BroadcastReceiver<long long> rx) : rx_(std::move(rx)) {}
  Collector(Collector&& o) noexcept : rx_(std::move(o.rx_)) {}
  Poll<Output> poll(Context& cx) {
    for (;;) {
      if (!recv_) recv_.emplace(rx_.recv());
      auto got = recv_->poll(cx);
      if (got.is_pending()) return Poll<Output>::pending();
      recv_.reset();
      auto& r = got.value();
      if (r) {
        if (*r != next_) return Poll<Output>::ready(Output(-1, -1));
        ++next_;
        ++received_;
      } else if (r.error().is_lagged()) {
        skipped_ += static_cast<long long>(r.error().skipped());
        next_ += static_cast<long long>(r.error().skipped());
      } else {
        return Poll<Output>::ready(Output(received_, skipped_));
      }
    }
  }

 private:
  BroadcastReceiver<long long> rx_;
  std::optional<BroadcastReceiver<long long>::Recv> recv_;
  long long next_ = 0, received_ = 0, skipped_ = 0;
};

// Sends 0..count-1, yielding after each send so receivers on the same
// executor can keep up.
class YieldingSender {
 public:
  using Output = void;
  YieldingSender(BroadcastSender<long long> tx, long long count) : tx_(std::move(tx)), count_(count) {}
  YieldingSender(YieldingSender&& o) noexcept : tx_(std::move(o.tx_)), count_(o.count_) {}
  Poll<void> poll(Context& cx) {
    if (next_ == count_) {
      BroadcastSender<long long> gone = std::move(tx_);  // closes the channel
      return Poll<void>::ready();
    }
    if (!tx_.send(next_++)) return Poll<void>::ready();
    cx.waker().wake_by_ref();
    return Poll<void>::pending();
  }

 private:
  BroadcastSender<long long> tx_;
  long long count_;
  long long next_ = 0;
};

TEST(Broadcast, ReceiversOnALocalExecutorKeepUpWithAYieldingSender) {
  auto [tx, rx] = asyncc::broadcast<long long>(4);
  asyncc::LocalExecutor executor;
  std::vector<asyncc::JoinHandle<std::pair<long long, long long>>> handles;
  for (int i = 0; i < 3; ++i) handles.push_back(executor.spawn(Collector(tx.subscribe())));
  { auto unused = std::move(rx); }
  executor.spawn(YieldingSender(std::move(tx), 1000));
  for (auto& h : handles) {
    auto [received, skipped] = executor.block_on(std::move(h));
    EXPECT_EQ(received, 1000);
    EXPECT_EQ(skipped, 0) << "receivers polled between sends never lag";
  }
}

TEST(Broadcast, ReceiversOnTheRuntimeAccountForEveryValue) {
  constexpr long long kValues = 20000;
  constexpr int kReceivers = 4;
  auto [tx, rx] = asyncc::broadcast<long long>(16);
  asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(3).build();
  std::vector<asyncc::JoinHandle<std::pair<long long, long long>>> handles;
  for (int i = 0; i < kReceivers; ++i) handles.push_back(rt.spawn(Collector(tx.subscribe())));
  { auto unused = std::move(rx); }
  std::thread sender([tx = std::move(tx)]() mutable {
    for (long long i = 0; i < kValues; ++i) ASSERT_TRUE(tx.send(i));
  });
  sender.join();
  for (auto& h : handles) {
    auto [received, skipped] = rt.block_on(std::move(h));
    EXPECT_GE(received, 1);
    EXPECT_EQ(received + skipped, kValues) << "each value was received or reported missed, once";
  }
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<long long> sum_until_closed(BroadcastReceiver<int> rx) {
  long long sum = 0;
  for (;;) {
    auto got = co_await rx.recv();
    if (got) {
      sum += *got;
    } else if (got.error().is_closed()) {
      break;
    }
  }
  co_return sum;
}

TEST(BroadcastAsync, UsableFromAsyncFunctions) {
  auto [tx, rx] = asyncc::broadcast<int>(16);
  for (int i = 1; i <= 10; ++i) EXPECT_TRUE(tx.send(i));
  { auto gone = std::move(tx); }
  EXPECT_EQ(asyncc::block_on(sum_until_closed(std::move(rx))), 55);
}

#endif

}  // namespace
