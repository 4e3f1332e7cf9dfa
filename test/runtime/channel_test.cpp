// The bounded MPSC channel, within one thread and across threads.
#include <asyncc/channel.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/join.hpp>

#include "sync_test_support.hpp"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <thread>
#include <vector>

#if defined(__cpp_impl_coroutine)
#include <asyncc/async.hpp>
#endif

namespace {

using asyncc::Context;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Receiver;
using asyncc::Sender;
using asyncc::testing::CountingWaker;
using asyncc::testing::Probe;

TEST(Channel, DeliversInOrderThenEndsWhenSendersAreGone) {
  auto [tx, rx] = asyncc::channel<std::string>(4);
  EXPECT_TRUE(asyncc::block_on(tx.send("a")));
  EXPECT_TRUE(asyncc::block_on(tx.send("b")));
  {
    Sender<std::string> moved = std::move(tx);
  }
  EXPECT_EQ(asyncc::block_on(rx.recv()), std::optional<std::string>("a"));
  EXPECT_EQ(asyncc::block_on(rx.recv()), std::optional<std::string>("b"));
  EXPECT_EQ(asyncc::block_on(rx.recv()), std::nullopt);
}

TEST(Channel, SendWaitsForRoomAndIsWokenByRecv) {
  auto [tx, rx] = asyncc::channel<int>(1);
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  auto first = tx.send(1);
  EXPECT_TRUE(first.poll(cx).is_ready());
  auto second = tx.send(2);
  EXPECT_TRUE(second.poll(cx).is_pending());
  EXPECT_TRUE(second.poll(cx).is_pending());
  EXPECT_EQ(counting.live(), 2) << "a waiting sender's waker is stored once";
  auto got = rx.poll_recv(cx);
  ASSERT_TRUE(got.is_ready());
  EXPECT_EQ(got.value(), 1);
  EXPECT_EQ(counting.wakes(), 1);
  auto sent = second.poll(cx);
  ASSERT_TRUE(sent.is_ready());
  EXPECT_TRUE(sent.value());
}

TEST(Channel, RecvIsWokenBySendAndByTheLastSenderLeaving) {
  auto [tx, rx] = asyncc::channel<int>(2);
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  EXPECT_TRUE(rx.poll_recv(cx).is_pending());
  EXPECT_TRUE(asyncc::block_on(tx.send(5)));
  EXPECT_EQ(counting.wakes(), 1);
  EXPECT_EQ(rx.poll_recv(cx).value(), 5);
  Sender<int> copy = tx;
  EXPECT_TRUE(rx.poll_recv(cx).is_pending());
  { Sender<int> gone = std::move(tx); }
  EXPECT_EQ(counting.wakes(), 1) << "one sender is left";
  { Sender<int> gone = std::move(copy); }
  EXPECT_EQ(counting.wakes(), 2);
  EXPECT_EQ(rx.poll_recv(cx).value(), std::nullopt);
}

TEST(Channel, DroppingTheReceiverRefusesSendsAndWakesWaitingSenders) {
  auto drops = std::make_shared<int>(0);
  auto [tx, rx] = asyncc::channel<asyncc::testing::DropCounter>(1);
  CountingWaker counting;
  asyncc::Waker w = counting.waker();
  Context cx(w);
  EXPECT_TRUE(tx.send(asyncc::testing::DropCounter(drops)).poll(cx).value());
  auto blocked = tx.send(asyncc::testing::DropCounter(drops));
  EXPECT_TRUE(blocked.poll(cx).is_pending());
  EXPECT_FALSE(tx.is_closed());
  { Receiver<asyncc::testing::DropCounter> gone = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  EXPECT_EQ(counting.wakes(), 1);
  EXPECT_EQ(*drops, 1) << "the queued value was dropped with the receiver";
  auto refused = blocked.poll(cx);
  ASSERT_TRUE(refused.is_ready());
  EXPECT_FALSE(refused.value());
  EXPECT_EQ(*drops, 2);
}

// Sends `count` values tagged with `producer`, waiting for room each time.
class Producer {
 public:
  using Output = void;
  Producer(Sender<int> tx, int producer, int count) : tx_(std::move(tx)), producer_(producer), count_(count) {}
  Producer(Producer&& other) noexcept = default;
  Poll<void> poll(Context& cx) {
    for (;;) {
      if (!send_) {
        if (next_ == count_) return Poll<void>::ready();
        send_.emplace(tx_.send(producer_ * 1000000 + next_));
      }
      auto sent = send_->poll(cx);
      if (sent.is_pending()) return Poll<void>::pending();
      send_.reset();
      ++next_;
    }
  }

 private:
  Sender<int> tx_;
  int producer_;
  int count_;
  int next_ = 0;
  std::optional<Sender<int>::Send> send_;
};

// Receives until the channel ends; checks each producer's values arrive in order.
class Consumer {
 public:
  using Output = int;  // values received
  Consumer(Receiver<int>& rx, int producers) : rx_(&rx), next_(producers, 0) {}
  Poll<int> poll(Context& cx) {
    for (;;) {
      auto got = rx_->poll_recv(cx);
      if (got.is_pending()) return Poll<int>::pending();
      if (!got.value()) return Poll<int>::ready(received_);
      int value = *got.value();
      int producer = value / 1000000;
      if (value % 1000000 != next_[producer]++) return Poll<int>::ready(-1);
      ++received_;
    }
  }

 private:
  Receiver<int>* rx_;
  std::vector<int> next_;
  int received_ = 0;
};

TEST(Channel, ManyProducersOnOneExecutor) {
  auto [tx, rx] = asyncc::channel<int>(3);
  LocalExecutor executor;
  for (int p = 0; p < 5; ++p) executor.spawn(Producer(tx, p, 200));
  { Sender<int> last = std::move(tx); }
  EXPECT_EQ(executor.block_on(Consumer(rx, 5)), 1000);
}

TEST(Channel, SendersOnOtherThreads) {
  constexpr int kThreads = 4, kValues = 2000;
  auto [tx, rx] = asyncc::channel<int>(8);
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([sender = tx, t]() mutable { asyncc::block_on(Producer(std::move(sender), t, kValues)); });
  { Sender<int> last = std::move(tx); }
  LocalExecutor executor;
  EXPECT_EQ(executor.block_on(Consumer(rx, kThreads)), kThreads * kValues);
  for (auto& thread : threads) thread.join();
}

TEST(ChannelTry, TrySendQueuesOrHandsTheValueBackWithTheReason) {
  auto [tx, rx] = asyncc::channel<std::unique_ptr<int>>(1);
  Probe p;
  EXPECT_TRUE(rx.poll_recv(p.cx).is_pending());
  EXPECT_TRUE(tx.try_send(std::make_unique<int>(1)));
  EXPECT_EQ(p.wakes(), 1) << "try_send wakes the waiting receiver";
  auto full = tx.try_send(std::make_unique<int>(2));
  ASSERT_FALSE(full);
  EXPECT_TRUE(full.error().is_full());
  std::unique_ptr<int> back = std::move(full.error()).into_inner();
  ASSERT_TRUE(back) << "the refused value is handed back intact";
  EXPECT_EQ(*back, 2);
  EXPECT_EQ(*asyncc::block_on(rx.recv()).value(), 1);
  EXPECT_TRUE(tx.try_send(std::move(back))) << "room again once the receiver took one";
  { Receiver<std::unique_ptr<int>> gone = std::move(rx); }
  auto closed = tx.try_send(std::make_unique<int>(3));
  ASSERT_FALSE(closed);
  EXPECT_EQ(closed.error().kind(), asyncc::TrySendError<std::unique_ptr<int>>::Kind::Closed);
  EXPECT_EQ(*closed.error().value(), 3);
}

TEST(ChannelTry, TryRecvSaysEmptyThenDisconnectedAfterTheLastValue) {
  auto [tx, rx] = asyncc::channel<int>(4);
  auto empty = rx.try_recv();
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error(), asyncc::TryRecvError::Empty);
  EXPECT_TRUE(tx.try_send(7));
  EXPECT_TRUE(tx.try_send(8));
  { Sender<int> gone = std::move(tx); }
  EXPECT_EQ(*rx.try_recv(), 7) << "values sent before the senders left still arrive";
  EXPECT_EQ(*rx.try_recv(), 8);
  auto end = rx.try_recv();
  ASSERT_FALSE(end);
  EXPECT_EQ(end.error(), asyncc::TryRecvError::Disconnected);
}

TEST(ChannelTry, TryRecvWakesASenderWaitingForRoom) {
  auto [tx, rx] = asyncc::channel<int>(1);
  Probe p;
  EXPECT_TRUE(tx.try_send(1));
  auto blocked = tx.send(2);
  EXPECT_TRUE(p.poll(blocked).is_pending());
  EXPECT_EQ(*rx.try_recv(), 1);
  EXPECT_EQ(p.wakes(), 1);
  EXPECT_TRUE(p.poll(blocked).value());
  EXPECT_EQ(*rx.try_recv(), 2);
}

// A slow reader does not stall the others: the writer drops what a full
// channel refuses and goes on.
TEST(ChannelTry, ASlowReceiverDoesNotStallTheOthers) {
  auto [fast_tx, fast_rx] = asyncc::channel<int>(2);
  auto [slow_tx, slow_rx] = asyncc::channel<int>(2);
  int dropped = 0;
  for (int i = 0; i < 100; ++i) {
    for (Sender<int>* tx : {&fast_tx, &slow_tx}) {
      auto sent = tx->try_send(i);
      if (!sent) {
        ASSERT_TRUE(sent.error().is_full());
        ++dropped;
      }
    }
    EXPECT_EQ(*fast_rx.try_recv(), i);  // the fast one keeps up
  }
  EXPECT_EQ(dropped, 98);
  EXPECT_EQ(*slow_rx.try_recv(), 0);
  EXPECT_EQ(*slow_rx.try_recv(), 1);
}

TEST(UnboundedChannel, SendNeverWaitsAndKeepsOrder) {
  auto [tx, rx] = asyncc::unbounded_channel<int>();
  for (int i = 0; i < 10000; ++i) ASSERT_TRUE(tx.send(i));
  for (int i = 0; i < 10000; ++i) ASSERT_EQ(*rx.try_recv(), i);
  EXPECT_EQ(rx.try_recv().error(), asyncc::TryRecvError::Empty);
}

TEST(UnboundedChannel, EndsWhenSendersAreGoneAndRefusesWhenTheReceiverIs) {
  auto [tx, rx] = asyncc::unbounded_channel<std::string>();
  Probe p;
  auto recv = rx.recv();
  EXPECT_TRUE(p.poll(recv).is_pending());
  auto copy = tx;
  EXPECT_TRUE(copy.send("x"));
  EXPECT_EQ(p.wakes(), 1);
  EXPECT_EQ(p.poll(recv).value(), std::optional<std::string>("x"));
  { auto gone = std::move(tx); }
  { auto gone = std::move(copy); }
  EXPECT_EQ(asyncc::block_on(rx.recv()), std::nullopt);

  auto [tx2, rx2] = asyncc::unbounded_channel<std::string>();
  EXPECT_FALSE(tx2.is_closed());
  { auto gone = std::move(rx2); }
  EXPECT_TRUE(tx2.is_closed());
  auto refused = tx2.send("back");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().value, "back");
}

TEST(UnboundedChannel, ProducersAndAConsumerOnALocalExecutor) {
  auto [tx, rx] = asyncc::unbounded_channel<int>();
  LocalExecutor executor;
  struct Produce {
    using Output = void;
    asyncc::UnboundedSender<int> tx;
    int producer;
    int next = 0;
    Poll<void> poll(Context& cx) {
      if (next == 300) return Poll<void>::ready();
      if (!tx.send(producer * 1000000 + next++)) return Poll<void>::ready();
      if (next % 7 == 0) {
        cx.waker().wake_by_ref();
        return Poll<void>::pending();
      }
      return poll(cx);
    }
  };
  for (int p = 0; p < 3; ++p) executor.spawn(Produce{tx, p});
  { auto last = std::move(tx); }
  struct Consume {
    using Output = int;
    asyncc::UnboundedReceiver<int>* rx;
    std::vector<int> next = std::vector<int>(3, 0);
    int received = 0;
    Poll<int> poll(Context& cx) {
      for (;;) {
        auto got = rx->poll_recv(cx);
        if (got.is_pending()) return Poll<int>::pending();
        if (!got.value()) return Poll<int>::ready(received);
        int v = *got.value();
        if (v % 1000000 != next[v / 1000000]++) return Poll<int>::ready(-1);
        ++received;
      }
    }
  };
  EXPECT_EQ(executor.block_on(Consume{&rx}), 900);
}

TEST(UnboundedChannel, SendersOnOtherThreads) {
  constexpr int kThreads = 4, kValues = 5000;
  auto [tx, rx] = asyncc::unbounded_channel<int>();
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([sender = tx, t]() mutable {
      for (int i = 0; i < kValues; ++i) ASSERT_TRUE(sender.send(t * 1000000 + i));
    });
  { auto last = std::move(tx); }
  std::vector<int> next(kThreads, 0);
  int received = 0;
  while (std::optional<int> v = asyncc::block_on(rx.recv())) {
    ASSERT_EQ(*v % 1000000, next[*v / 1000000]++) << "each sender's values arrive in order";
    ++received;
  }
  EXPECT_EQ(received, kThreads * kValues);
  for (auto& thread : threads) thread.join();
}

#if defined(__cpp_impl_coroutine)

ASYNC asyncc::Async<void> produce(Sender<int> tx, int count) {
  for (int i = 1; i <= count; ++i)
    if (!co_await tx.send(i)) co_return;
}

ASYNC asyncc::Async<int> consume(Receiver<int> rx) {
  int sum = 0;
  while (std::optional<int> value = co_await rx.recv()) sum += *value;
  co_return sum;
}

TEST(ChannelAsync, UsableFromAsyncFunctions) {
  auto [tx, rx] = asyncc::channel<int>(2);
  auto [nothing, sum] = asyncc::block_on(asyncc::join(produce(std::move(tx), 100), consume(std::move(rx))));
  (void)nothing;
  EXPECT_EQ(sum, 5050);
}

#endif

}  // namespace
