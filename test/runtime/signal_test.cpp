// Signals on signalfd: asyncc::signal and asyncc::ctrl_c.
#include <asyncc/asyncc.hpp>
#include <asyncc/signal.hpp>

#include <gtest/gtest.h>

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>

namespace {

using namespace std::chrono_literals;
using asyncc::LocalExecutor;
using asyncc::Result;
using asyncc::Signal;

void send_to_self(int number) { ASSERT_EQ(::kill(::getpid(), number), 0); }

// Waits until `number` is pending (blocked everywhere, not yet read): a
// thread that had it unblocked may pass it on a little later.
bool wait_until_pending(int number) {
  const auto deadline = std::chrono::steady_clock::now() + 5s;
  while (std::chrono::steady_clock::now() < deadline) {
    sigset_t pending;
    sigpending(&pending);
    if (sigismember(&pending, number)) return true;
    std::this_thread::sleep_for(1ms);
  }
  return false;
}

// A thread that sends `number` to the process once released. Started
// before the listener, it has the signal unblocked: a delivery may land on
// it first and must still reach signalfd.
class LateSender {
 public:
  LateSender(int number, std::chrono::milliseconds delay)
      : thread_([this, number, delay] {
          while (!released_.load()) std::this_thread::sleep_for(1ms);
          std::this_thread::sleep_for(delay);
          ::kill(::getpid(), number);
        }) {}
  void release() { released_.store(true); }
  ~LateSender() {
    release();
    thread_.join();
  }

 private:
  std::atomic<bool> released_{false};
  std::thread thread_;
};

TEST(Signal, DeliveryWakesAParkedTask) {
  LateSender sender(SIGUSR1, 100ms);
  Result<Signal> usr1 = asyncc::signal(SIGUSR1);
  ASSERT_TRUE(usr1) << usr1.error().message();
  EXPECT_EQ(usr1->number(), SIGUSR1);
  LocalExecutor executor;
  sender.release();  // the executor is parked in epoll when the signal comes
  auto got = executor.block_on(asyncc::timeout(usr1->recv(), 10s));
  ASSERT_TRUE(got) << "the signal did not wake the task";
  EXPECT_TRUE(*got);
}

TEST(Signal, DeliveriesWhileNotWaitingCoalesce) {
  Result<Signal> hup = asyncc::signal(SIGHUP);
  ASSERT_TRUE(hup);
  send_to_self(SIGHUP);
  send_to_self(SIGHUP);
  ASSERT_TRUE(wait_until_pending(SIGHUP));
  LocalExecutor executor;
  auto first = executor.block_on(asyncc::timeout(hup->recv(), 10s));
  ASSERT_TRUE(first && *first);
  auto second = executor.block_on(asyncc::timeout(hup->recv(), 200ms));
  EXPECT_FALSE(second) << "two deliveries while not waiting completed recv() twice";
  // And the listener still hears the next one.
  send_to_self(SIGHUP);
  auto third = executor.block_on(asyncc::timeout(hup->recv(), 10s));
  EXPECT_TRUE(third && *third);
}

// Waits for one delivery and counts it.
class CountOne {
 public:
  using Output = void;
  CountOne(Signal& signal, std::atomic<int>& count) : recv_(signal.recv()), count_(&count) {}
  asyncc::Poll<void> poll(asyncc::Context& cx) {
    auto got = recv_.poll(cx);
    if (got.is_pending()) return asyncc::Poll<void>::pending();
    if (got.value()) ++*count_;
    return asyncc::Poll<void>::ready();
  }

 private:
  Signal::Recv recv_;
  std::atomic<int>* count_;
};

TEST(Signal, EveryListenerIsWokenOnEveryThread) {
  std::atomic<int> here{0};
  std::atomic<int> there{0};
  std::atomic<bool> there_ready{false};
  std::thread other([&] {
    Result<Signal> mine = asyncc::signal(SIGUSR2);
    if (!mine) return;
    there_ready.store(true);
    LocalExecutor executor;
    executor.block_on(asyncc::timeout(CountOne(*mine, there), 10s));
  });
  Result<Signal> a = asyncc::signal(SIGUSR2);
  Result<Signal> b = asyncc::signal(SIGUSR2);
  ASSERT_TRUE(a && b);
  while (!there_ready.load()) std::this_thread::sleep_for(1ms);
  LocalExecutor executor;
  auto first = executor.spawn(asyncc::timeout(CountOne(*a, here), 10s));
  auto second = executor.spawn(asyncc::timeout(CountOne(*b, here), 10s));
  executor.block_on(asyncc::sleep(20ms));  // both tasks wait
  send_to_self(SIGUSR2);
  EXPECT_TRUE(executor.block_on(std::move(first)));
  EXPECT_TRUE(executor.block_on(std::move(second)));
  other.join();
  EXPECT_EQ(here.load(), 2);
  EXPECT_EQ(there.load(), 1);
}

TEST(Signal, ListenerHearsOnlyDeliveriesAfterItWasMade) {
  Result<Signal> early = asyncc::signal(SIGALRM);
  ASSERT_TRUE(early);
  send_to_self(SIGALRM);  // pending: nobody has read it yet
  ASSERT_TRUE(wait_until_pending(SIGALRM));
  Result<Signal> late = asyncc::signal(SIGALRM);
  ASSERT_TRUE(late);
  LocalExecutor executor;
  auto for_early = executor.block_on(asyncc::timeout(early->recv(), 10s));
  EXPECT_TRUE(for_early && *for_early);
  auto for_late = executor.block_on(asyncc::timeout(late->recv(), 200ms));
  EXPECT_FALSE(for_late) << "a listener heard a signal sent before it existed";
}

TEST(Signal, ListenerMadeWhileAnotherWaitsWakesIt) {
  Result<Signal> waiter = asyncc::signal(SIGVTALRM);
  ASSERT_TRUE(waiter);
  LocalExecutor executor;
  auto waiting = executor.spawn(asyncc::timeout(waiter->recv(), 10s));
  executor.block_on(asyncc::sleep(10ms));  // the waiter waits on its signalfd
  send_to_self(SIGVTALRM);
  ASSERT_TRUE(wait_until_pending(SIGVTALRM));
  // The new listener reads the pending delivery (the waiter's, not its own):
  // the waiter's signalfd is no longer readable, so only the new listener
  // can wake it.
  Result<Signal> newcomer = asyncc::signal(SIGVTALRM);
  ASSERT_TRUE(newcomer);
  const auto start = std::chrono::steady_clock::now();
  auto got = executor.block_on(std::move(waiting));
  // (At its deadline the timeout polls the receive once more, which then
  // sees the delivery: only a prompt completion shows the wake-up.)
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s) << "the waiting listener was not woken";
  ASSERT_TRUE(got);
  EXPECT_TRUE(*got);
  auto for_newcomer = executor.block_on(asyncc::timeout(newcomer->recv(), 200ms));
  EXPECT_FALSE(for_newcomer);
}

TEST(Signal, MovedListenerKeepsListening) {
  Result<Signal> made = asyncc::signal(SIGWINCH);
  ASSERT_TRUE(made);
  Signal moved = std::move(*made);
  Result<Signal> other = asyncc::signal(SIGWINCH);
  ASSERT_TRUE(other);
  moved = std::move(*other);  // the first listener is dropped here
  send_to_self(SIGWINCH);
  auto got = asyncc::block_on(asyncc::timeout(moved.recv(), 10s));
  EXPECT_TRUE(got && *got);
}

TEST(Signal, CtrlCCompletesOnSigint) {
  auto interrupted = asyncc::ctrl_c();  // listening from here, before its first poll
  send_to_self(SIGINT);
  auto got = asyncc::block_on(asyncc::timeout(std::move(interrupted), 10s));
  ASSERT_TRUE(got) << "ctrl_c() did not complete";
  EXPECT_TRUE(*got);
}

TEST(Signal, WorksOnTheRuntimeWhoseOtherThreadsDidNotBlockIt) {
  asyncc::Runtime runtime = asyncc::Runtime::builder().worker_threads(2).build();
  std::atomic<bool> listening{false};
  // Made inside a task: only that worker blocks SIGTERM; the other worker
  // and this thread may receive it first.
  auto task = runtime.spawn([&listening]() {
    struct Wait {
      using Output = Result<void>;
      std::atomic<bool>* listening;
      std::optional<Result<Signal>> term;
      asyncc::Poll<Output> poll(asyncc::Context& cx) {
        if (!term) {
          term.emplace(asyncc::signal(SIGTERM));
          if (!*term) return asyncc::Poll<Output>::ready(term->error());
          auto first = (*term)->poll_recv(cx);
          listening->store(true);
          return first;
        }
        return (*term)->poll_recv(cx);
      }
    };
    return Wait{&listening, std::nullopt};
  });
  while (!listening.load()) std::this_thread::sleep_for(1ms);
  send_to_self(SIGTERM);
  auto got = runtime.block_on(asyncc::timeout(std::move(task), 10s));
  ASSERT_TRUE(got) << "SIGTERM did not reach the task";
  EXPECT_TRUE(*got);
}

TEST(Signal, SignalsThatCannotBeListenedToAreRejected) {
  for (int number : {0, -1, SIGKILL, SIGSTOP, SIGSEGV, SIGFPE, SIGILL, SIGBUS, _NSIG}) {
    Result<Signal> rejected = asyncc::signal(number);
    ASSERT_FALSE(rejected) << number;
    EXPECT_EQ(rejected.error(), std::errc::invalid_argument) << number;
  }
}

}  // namespace
