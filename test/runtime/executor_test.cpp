#include <asyncc/executor.hpp>
#include <asyncc/time.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>
#include <sys/resource.h>

#include <chrono>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Context;
using asyncc::JoinHandle;
using asyncc::LocalExecutor;
using asyncc::Poll;
using asyncc::Waker;
using asyncc::testing::Counted;
using asyncc::testing::Event;
using asyncc::testing::Forever;
using asyncc::testing::PendingFor;
using asyncc::testing::Ready;

std::chrono::microseconds thread_cpu_time() {
  rusage usage{};
  getrusage(RUSAGE_THREAD, &usage);
  auto tv = [](timeval t) { return std::chrono::seconds(t.tv_sec) + std::chrono::microseconds(t.tv_usec); };
  return tv(usage.ru_utime) + tv(usage.ru_stime);
}

// ---- block_on ---------------------------------------------------------------

TEST(BlockOn, ReturnsTheOutput) {
  EXPECT_EQ(asyncc::block_on(Ready<std::string>("done")), "done");
  EXPECT_EQ(asyncc::block_on(PendingFor<int>(5, 42)), 42);
}

TEST(BlockOn, PollsOncePerWakeUp) {
  auto polls = std::make_shared<int>(0);
  asyncc::block_on(Counted<PendingFor<int>>(PendingFor<int>(10, 0), polls));
  EXPECT_EQ(*polls, 11);
}

TEST(BlockOn, ParksUntilWokenFromAnotherThread) {
  Event event;
  auto wait = event.wait();
  auto start = asyncc::Clock::now();  // before the thread that waits 50 ms starts
  std::thread setter([event] {
    std::this_thread::sleep_for(50ms);
    event.set();
  });
  struct Probe {
    using Output = int;
    Event::Wait* wait;
    Poll<int> poll(Context& cx) {
      return wait->poll(cx).is_ready() ? Poll<int>::ready(wait->polls) : Poll<int>::pending();
    }
  };
  int polls = asyncc::block_on(Probe{&wait});
  setter.join();
  EXPECT_GE(asyncc::Clock::now() - start, 50ms);
  EXPECT_EQ(polls, 2) << "block_on polled a future that was not woken";
}

TEST(BlockOn, ParkingAroundASleepCostsAlmostNoCpu) {
  auto before = thread_cpu_time();
  auto start = asyncc::Clock::now();
  asyncc::block_on(asyncc::sleep(200ms));
  auto elapsed = asyncc::Clock::now() - start;
  auto cpu = thread_cpu_time() - before;
  EXPECT_GE(elapsed, 200ms);
  // Spinning would cost ~200 ms; parking costs a few syscalls.
  EXPECT_LT(cpu, 20ms) << "block_on used " << cpu.count() << " us of CPU around a 200 ms sleep";
  RecordProperty("cpu_us", static_cast<int>(cpu.count()));
}

TEST(BlockOn, ParkingForAnotherThreadCostsAlmostNoCpu) {
  Event event;
  std::thread setter([event] {
    std::this_thread::sleep_for(200ms);
    event.set();
  });
  auto before = thread_cpu_time();
  asyncc::block_on(event.wait());
  auto cpu = thread_cpu_time() - before;
  setter.join();
  EXPECT_LT(cpu, 20ms) << "block_on used " << cpu.count() << " us of CPU waiting 200 ms";
}

TEST(BlockOn, ExceptionsLeavePoll) {
  struct Throws {
    using Output = int;
    Poll<int> poll(Context&) { throw std::runtime_error("boom"); }
  };
  EXPECT_THROW(asyncc::block_on(Throws{}), std::runtime_error);
}

// ---- LocalExecutor -------------------------------------------------------------

TEST(LocalExecutor, RunsManyTasks) {
  LocalExecutor executor;
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < 10000; ++i) handles.push_back(executor.spawn(PendingFor<int>(i % 7, i)));
  executor.run();
  long long sum = 0;
  for (auto& h : handles) {
    EXPECT_TRUE(h.is_finished());
    sum += asyncc::block_on(std::move(h));
  }
  EXPECT_EQ(sum, 10000LL * 9999 / 2);
}

TEST(LocalExecutor, JoinHandleIsAFuture) {
  static_assert(asyncc::is_future_v<JoinHandle<std::string>>);
  static_assert(asyncc::is_future_v<JoinHandle<void>>);
  LocalExecutor executor;
  auto text = executor.spawn(PendingFor<std::string>(3, "text"));
  auto nothing = executor.spawn(PendingFor<int>(1, 0));
  EXPECT_EQ(executor.block_on(std::move(text)), "text");
  EXPECT_EQ(executor.block_on(std::move(nothing)), 0);
}

TEST(LocalExecutor, TaskWokenTwiceBeforeItRunsIsPolledOnce) {
  LocalExecutor executor;
  auto stored = std::make_shared<std::optional<Waker>>();
  auto polls = std::make_shared<int>(0);

  // Stores its waker on the first poll, is ready on the second.
  struct Sleeper {
    using Output = void;
    std::shared_ptr<std::optional<Waker>> stored;
    std::shared_ptr<int> polls;
    Poll<void> poll(Context& cx) {
      if (++*polls == 2) return Poll<void>::ready();
      *stored = cx.waker();
      return Poll<void>::pending();
    }
  };
  // Wakes the sleeper twice, then also while the sleeper would run again.
  struct Waker2 {
    using Output = void;
    std::shared_ptr<std::optional<Waker>> stored;
    Poll<void> poll(Context&) {
      (*stored)->wake_by_ref();
      (*stored)->wake_by_ref();
      return Poll<void>::ready();
    }
  };
  executor.spawn(Sleeper{stored, polls});
  executor.spawn(Waker2{stored});
  executor.run();
  EXPECT_EQ(*polls, 2);
}

TEST(LocalExecutor, TaskWakingItselfDuringPollRunsInTheNextBatch) {
  LocalExecutor executor;
  auto order = std::make_shared<std::vector<std::string>>();
  struct Yielder {
    using Output = void;
    std::string name;
    int times;
    std::shared_ptr<std::vector<std::string>> order;
    Poll<void> poll(Context& cx) {
      order->push_back(name);
      if (times-- == 0) return Poll<void>::ready();
      cx.waker().wake_by_ref();
      cx.waker().wake_by_ref();
      return Poll<void>::pending();
    }
  };
  executor.spawn(Yielder{"a", 2, order});
  executor.spawn(Yielder{"b", 2, order});
  executor.run();
  EXPECT_EQ(*order, (std::vector<std::string>{"a", "b", "a", "b", "a", "b"}));
}

TEST(LocalExecutor, TasksSpawnTasks) {
  LocalExecutor executor;
  auto results = std::make_shared<std::vector<int>>();
  struct Child {
    using Output = void;
    int value;
    std::shared_ptr<std::vector<int>> results;
    Poll<void> poll(Context&) {
      results->push_back(value);
      return Poll<void>::ready();
    }
  };
  struct Parent {
    using Output = int;
    LocalExecutor* executor;
    std::shared_ptr<std::vector<int>> results;
    std::vector<JoinHandle<void>> children;
    Poll<int> poll(Context& cx) {
      if (children.empty()) {
        for (int i = 0; i < 5; ++i) children.push_back(executor->spawn(Child{i, results}));
      }
      while (!children.empty()) {
        if (children.back().poll(cx).is_pending()) return Poll<int>::pending();
        children.pop_back();
      }
      return Poll<int>::ready(static_cast<int>(results->size()));
    }
  };
  auto parent = executor.spawn(Parent{&executor, results, {}});
  executor.run();
  EXPECT_EQ(asyncc::block_on(std::move(parent)), 5);
  EXPECT_EQ(*results, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(LocalExecutor, DetachedTasksStillRun) {
  LocalExecutor executor;
  auto polls = std::make_shared<int>(0);
  { auto dropped = executor.spawn(Counted<PendingFor<int>>(PendingFor<int>(2, 1), polls)); }
  executor.run();
  EXPECT_EQ(*polls, 3);
}

TEST(LocalExecutor, ExceptionsReachTheJoinHandle) {
  struct Throws {
    using Output = int;
    Poll<int> poll(Context&) { throw std::logic_error("task failed"); }
  };
  LocalExecutor executor;
  auto handle = executor.spawn(Throws{});
  auto other = executor.spawn(PendingFor<int>(2, 9));
  executor.run();
  EXPECT_THROW(asyncc::block_on(std::move(handle)), std::logic_error);
  EXPECT_EQ(asyncc::block_on(std::move(other)), 9);
}

TEST(LocalExecutor, WokenFromAnotherThread) {
  LocalExecutor executor;
  Event event;
  auto handle = executor.spawn(event.wait());
  std::thread setter([event] {
    std::this_thread::sleep_for(30ms);
    event.set();
  });
  auto before = thread_cpu_time();
  executor.run();
  auto cpu = thread_cpu_time() - before;
  setter.join();
  EXPECT_TRUE(handle.is_finished());
  EXPECT_LT(cpu, 20ms);
}

TEST(LocalExecutor, DroppingTheExecutorDropsPendingTasks) {
  auto drops = std::make_shared<int>(0);
  std::vector<Waker> leaked_wakers;
  std::optional<JoinHandle<void>> kept;
  {
    LocalExecutor executor;
    for (int i = 0; i < 10; ++i) executor.spawn(Forever(drops));
    kept.emplace(executor.spawn(Forever(drops)));
    struct Grab {
      using Output = void;
      std::vector<Waker>* wakers;
      Poll<void> poll(Context& cx) {
        wakers->push_back(cx.waker());
        return Poll<void>::ready();
      }
    };
    // Poll every task once, keeping a waker of one that finished.
    executor.block_on(PendingFor<int>(2, 0));
    executor.spawn(Grab{&leaked_wakers});
    executor.block_on(PendingFor<int>(1, 0));
    EXPECT_EQ(*drops, 0);
  }
  EXPECT_EQ(*drops, 11);
  // Wakers and handles that outlive the executor are harmless.
  for (auto& w : leaked_wakers) w.wake_by_ref();
  EXPECT_THROW(asyncc::block_on(std::move(*kept)), asyncc::task_cancelled);
}

TEST(LocalExecutor, WakerOutlivingItsTaskIsHarmless) {
  std::optional<Waker> late;
  LocalExecutor executor;
  struct Keep {
    using Output = int;
    std::optional<Waker>* out;
    Poll<int> poll(Context& cx) {
      *out = cx.waker();
      return Poll<int>::ready(1);
    }
  };
  auto handle = executor.spawn(Keep{&late});
  executor.run();
  ASSERT_TRUE(late.has_value());
  late->wake_by_ref();  // the task has finished: nothing happens
  std::thread([w = *late]() mutable { std::move(w).wake(); }).join();
  executor.run();  // returns at once: nothing is live
  EXPECT_EQ(asyncc::block_on(std::move(handle)), 1);
}

TEST(JoinHandleDeathTest, PollingAfterTheOutputTerminates) {
  EXPECT_DEATH(
      {
        LocalExecutor executor;
        auto handle = executor.spawn(Ready<int>(1));
        executor.run();
        Context cx(asyncc::noop_waker());
        (void)handle.poll(cx);
        (void)handle.poll(cx);
      },
      "JoinHandle was polled after it returned its output");
}

}  // namespace
