// The multi-threaded Runtime and the task API: spawn, JoinHandle::abort,
// JoinSet, spawn_blocking, oneshot, reports of detached failures.
#include <asyncc/asyncc.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace {

using namespace std::chrono_literals;
using asyncc::Context;
using asyncc::JoinHandle;
using asyncc::Poll;
using asyncc::Runtime;
using asyncc::Waker;
using asyncc::testing::Event;
using asyncc::testing::PendingFor;
using asyncc::testing::Ready;

Runtime make_runtime(std::size_t workers) { return Runtime::builder().worker_threads(workers).build(); }

// Awaits every handle, in order, and sums their outputs.
template <class T>
class SumAll {
 public:
  using Output = long long;
  explicit SumAll(std::vector<JoinHandle<T>> handles) : handles_(std::move(handles)) {}
  Poll<long long> poll(Context& cx) {
    while (next_ < handles_.size()) {
      auto r = handles_[next_].poll(cx);
      if (r.is_pending()) return Poll<long long>::pending();
      sum_ += r.value();
      ++next_;
    }
    return Poll<long long>::ready(sum_);
  }

 private:
  std::vector<JoinHandle<T>> handles_;
  std::size_t next_ = 0;
  long long sum_ = 0;
};

// Counts values made and dropped, and the threads they were dropped on. A
// move hands the value on: the moved-from object counts for nothing.
struct Census {
  std::atomic<int> constructed{0};
  std::atomic<int> destroyed{0};
  std::mutex mutex;
  std::set<std::thread::id> destroyed_on;
};

class Tracked {
 public:
  explicit Tracked(Census* census) : census_(census) { census_->constructed++; }
  Tracked(Tracked&& other) noexcept : census_(std::exchange(other.census_, nullptr)) {}
  ~Tracked() {
    if (!census_) return;
    {
      std::lock_guard<std::mutex> lock(census_->mutex);
      census_->destroyed_on.insert(std::this_thread::get_id());
    }
    census_->destroyed++;
  }

 private:
  Census* census_;
};

// Never ready; counted.
class TrackedForever {
 public:
  using Output = int;
  explicit TrackedForever(Census* census) : tracked_(census) {}
  Poll<int> poll(Context&) { return Poll<int>::pending(); }

 private:
  Tracked tracked_;
};

// Spawns `count` children with the free spawn() and sums their outputs.
class SpawnChildren {
 public:
  using Output = long long;
  explicit SpawnChildren(int count) : count_(count) {}
  Poll<long long> poll(Context& cx) {
    if (children_.empty() && count_ > 0) {
      for (int i = 0; i < count_; ++i) children_.push_back(asyncc::spawn(PendingFor<int>(i % 3, i)));
      count_ = 0;
    }
    while (!children_.empty()) {
      auto r = children_.back().poll(cx);
      if (r.is_pending()) return Poll<long long>::pending();
      sum_ += r.value();
      children_.pop_back();
    }
    return Poll<long long>::ready(sum_);
  }

 private:
  int count_;
  std::vector<JoinHandle<int>> children_;
  long long sum_ = 0;
};

// ---- Runtime basics -----------------------------------------------------------

TEST(Runtime, BuilderMakesTheWorkersAsked) {
  EXPECT_EQ(make_runtime(3).worker_count(), 3u);
  Runtime every_cpu;
  EXPECT_GE(every_cpu.worker_count(), 1u);
}

TEST(Runtime, BlockOnReturnsTheOutput) {
  Runtime rt = make_runtime(2);
  EXPECT_EQ(rt.block_on(Ready<std::string>("done")), "done");
  EXPECT_EQ(rt.block_on(PendingFor<int>(5, 42)), 42);
}

TEST(Runtime, SpawnedTasksRunOnTheWorkers) {
  Runtime rt = make_runtime(2);
  const auto main_thread = std::this_thread::get_id();
  std::atomic<bool> on_main{false};
  struct WhereAmI {
    using Output = int;
    std::thread::id main;
    std::atomic<bool>* on_main;
    int value;
    Poll<int> poll(Context&) {
      if (std::this_thread::get_id() == main) *on_main = true;
      return Poll<int>::ready(value);
    }
  };
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < 1000; ++i) handles.push_back(rt.spawn(WhereAmI{main_thread, &on_main, i}));
  EXPECT_EQ(rt.block_on(SumAll<int>(std::move(handles))), 999LL * 1000 / 2);
  EXPECT_FALSE(on_main);
}

TEST(Runtime, ManyTasksWokenFromManyThreads) {
  Runtime rt = make_runtime(4);
  constexpr int kTasks = 2000;
  constexpr int kThreads = 8;
  std::vector<Event> events(kTasks);
  struct Waiter {
    using Output = int;
    Event::Wait wait;
    int rounds;
    Poll<int> poll(Context& cx) {
      if (wait.poll(cx).is_pending()) return Poll<int>::pending();
      return Poll<int>::ready(1);
    }
  };
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < kTasks; ++i) handles.push_back(rt.spawn(Waiter{events[i].wait(), 0}));
  std::vector<std::thread> setters;
  for (int t = 0; t < kThreads; ++t)
    setters.emplace_back([&events, t] {
      for (int i = t; i < kTasks; i += kThreads) events[i].set();
    });
  for (auto& s : setters) s.join();
  EXPECT_EQ(rt.block_on(SumAll<int>(std::move(handles))), kTasks);
}

TEST(Runtime, SpawnFromManyThreadsAtOnce) {
  Runtime rt = make_runtime(3);
  std::atomic<int> done{0};
  struct Bump {
    using Output = void;
    std::atomic<int>* done;
    int yields;
    Poll<void> poll(Context& cx) {
      if (yields-- > 0) {
        cx.waker().wake_by_ref();
        return Poll<void>::pending();
      }
      ++*done;
      return Poll<void>::ready();
    }
  };
  std::vector<std::thread> spawners;
  for (int t = 0; t < 4; ++t)
    spawners.emplace_back([&] {
      for (int i = 0; i < 500; ++i) rt.spawn(Bump{&done, i % 3});
    });
  for (auto& s : spawners) s.join();
  auto deadline = std::chrono::steady_clock::now() + 10s;
  while (done.load() < 2000 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(done.load(), 2000);
}

// A parent on one worker spawns children, then keeps its worker busy until
// one of them has run: only another worker, stealing, can run it.
TEST(Runtime, IdleWorkersStealFromABusyOne) {
  Runtime rt = make_runtime(3);
  struct Child {
    using Output = std::thread::id;
    std::atomic<int>* ran;
    Poll<std::thread::id> poll(Context&) {
      ++*ran;
      return Poll<std::thread::id>::ready(std::this_thread::get_id());
    }
  };
  struct Parent {
    using Output = std::thread::id;  // the parent's worker
    std::atomic<int>* ran;
    std::vector<JoinHandle<std::thread::id>>* children;
    Poll<std::thread::id> poll(Context&) {
      for (int i = 0; i < 16; ++i) children->push_back(asyncc::spawn(Child{ran}));
      auto deadline = std::chrono::steady_clock::now() + 5s;
      while (ran->load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      return Poll<std::thread::id>::ready(std::this_thread::get_id());
    }
  };
  std::atomic<int> ran{0};
  std::vector<JoinHandle<std::thread::id>> children;
  auto parent = rt.spawn(Parent{&ran, &children});
  const std::thread::id parent_worker = rt.block_on(std::move(parent));
  struct CollectIds {
    using Output = std::set<std::thread::id>;
    std::vector<JoinHandle<std::thread::id>>* children;
    std::set<std::thread::id> ids;
    Poll<Output> poll(Context& cx) {
      while (!children->empty()) {
        auto r = children->back().poll(cx);
        if (r.is_pending()) return Poll<Output>::pending();
        ids.insert(r.value());
        children->pop_back();
      }
      return Poll<Output>::ready(std::move(ids));
    }
  };
  auto ids = rt.block_on(CollectIds{&children, {}});
  EXPECT_EQ(ran.load(), 16);
  ids.erase(parent_worker);
  EXPECT_GE(ids.size(), 1u) << "no child ran on another worker";
}

// More children than a worker's queue holds (256): the rest overflow to the
// injection queue, and the other workers steal and take them from there.
TEST(Runtime, ManyChildrenOverflowTheLocalQueue) {
  Runtime rt = make_runtime(3);
  EXPECT_EQ(rt.block_on(rt.spawn(SpawnChildren(5000))), 4999LL * 5000 / 2);
  std::vector<JoinHandle<long long>> parents;
  for (int i = 0; i < 8; ++i) parents.push_back(rt.spawn(SpawnChildren(1000)));
  EXPECT_EQ(rt.block_on(SumAll<long long>(std::move(parents))), 8 * (999LL * 1000 / 2));
}

TEST(Runtime, TimersFireForTasksOnTheWorkers) {
  Runtime rt = make_runtime(2);
  struct SleepThenYield {
    using Output = int;
    asyncc::Sleep sleep;
    int polls = 0;
    Poll<int> poll(Context& cx) {
      ++polls;
      if (sleep.poll(cx).is_pending()) return Poll<int>::pending();
      return Poll<int>::ready(1);
    }
  };
  auto start = asyncc::Clock::now();
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < 200; ++i) handles.push_back(rt.spawn(SleepThenYield{asyncc::sleep(std::chrono::milliseconds(5 + i % 20)), 0}));
  EXPECT_EQ(rt.block_on(SumAll<int>(std::move(handles))), 200);
  EXPECT_GE(asyncc::Clock::now() - start, 24ms);
  // block_on's own future sleeps on the runtime's reactor too.
  auto before = asyncc::Clock::now();
  rt.block_on(asyncc::sleep(20ms));
  EXPECT_GE(asyncc::Clock::now() - before, 20ms);
}

// Timers registered on one worker and removed (or fired) on another: each
// task races a yielding future against a short timeout, moving between
// workers as it yields.
TEST(Runtime, TimeoutsRaceOnManyWorkers) {
  Runtime rt = make_runtime(3);
  struct Race {
    using Output = int;  // 1 if the future won
    asyncc::Timeout<PendingFor<int>> race;
    Poll<int> poll(Context& cx) {
      auto r = race.poll(cx);
      if (r.is_pending()) return Poll<int>::pending();
      return Poll<int>::ready(r.value().has_value() ? 1 : 0);
    }
  };
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < 400; ++i)
    handles.push_back(rt.spawn(Race{asyncc::timeout(PendingFor<int>(i % 50 * 20, i), std::chrono::microseconds(100 + i % 7 * 300))}));
  long long won = rt.block_on(SumAll<int>(std::move(handles)));
  EXPECT_GE(won, 0);
  EXPECT_LE(won, 400);
}

TEST(Runtime, TimeoutOfATaskOnTheWorkers) {
  Runtime rt = make_runtime(2);
  Event never;
  auto handle = rt.spawn(asyncc::timeout(never.wait(), 10ms));
  auto result = rt.block_on(std::move(handle));
  EXPECT_FALSE(result.has_value());
}

TEST(Runtime, TcpEchoBetweenWorkers) {
  Runtime rt = make_runtime(2);
  auto listener = asyncc::TcpListener::bind("127.0.0.1:0");
  ASSERT_TRUE(listener);
  asyncc::SocketAddr address = *listener->local_addr();
  struct Echo {
    using Output = std::size_t;
    asyncc::TcpListener* listener;
    std::optional<asyncc::TcpListener::Accept> accept;
    std::optional<asyncc::TcpStream> stream;
    char buffer[256];
    std::size_t have = 0, total = 0;
    Poll<std::size_t> poll(Context& cx) {
      if (!stream) {
        if (!accept) accept.emplace(listener->accept());
        auto a = accept->poll(cx);
        if (a.is_pending()) return Poll<std::size_t>::pending();
        if (!a.value()) return Poll<std::size_t>::ready(0);
        stream.emplace(std::move(a.value()->first));
      }
      for (;;) {
        if (have == 0) {
          auto r = stream->poll_read(cx, buffer, sizeof buffer);
          if (r.is_pending()) return Poll<std::size_t>::pending();
          if (!r.value() || *r.value() == 0) return Poll<std::size_t>::ready(total);
          have = *r.value();
        }
        auto w = stream->poll_write(cx, buffer, have);
        if (w.is_pending()) return Poll<std::size_t>::pending();
        if (!w.value()) return Poll<std::size_t>::ready(total);
        total += *w.value();
        std::memmove(buffer, buffer + *w.value(), have - *w.value());
        have -= *w.value();
      }
    }
  };
  struct Client {
    using Output = std::string;
    explicit Client(asyncc::SocketAddr a) : address(a) {}
    asyncc::SocketAddr address;
    std::optional<asyncc::TcpStream::Connect> connect;
    std::optional<asyncc::TcpStream> stream;
    std::string out = std::string(10000, 'q');
    std::size_t sent = 0;
    bool shut = false;
    std::string in;
    Poll<std::string> poll(Context& cx) {
      if (!stream) {
        if (!connect) connect.emplace(asyncc::TcpStream::connect(address));
        auto c = connect->poll(cx);
        if (c.is_pending()) return Poll<std::string>::pending();
        if (!c.value()) return Poll<std::string>::ready("connect failed");
        stream.emplace(std::move(*c.value()));
      }
      while (sent < out.size()) {
        auto w = stream->poll_write(cx, out.data() + sent, out.size() - sent);
        if (w.is_pending()) break;
        if (!w.value()) return Poll<std::string>::ready("write failed");
        sent += *w.value();
      }
      if (sent == out.size() && !shut) {
        shut = true;
        (void)::shutdown(stream->native_handle(), SHUT_WR);
      }
      for (;;) {
        char buffer[512];
        auto r = stream->poll_read(cx, buffer, sizeof buffer);
        if (r.is_pending()) return Poll<std::string>::pending();
        if (!r.value() || *r.value() == 0) return Poll<std::string>::ready(std::move(in));
        in.append(buffer, *r.value());
      }
    }
  };
  auto server = rt.spawn(Echo{&*listener, {}, {}, {}, 0, 0});
  auto client = rt.spawn(Client(address));
  EXPECT_EQ(rt.block_on(std::move(client)), std::string(10000, 'q'));
  EXPECT_EQ(rt.block_on(std::move(server)), 10000u);
}

TEST(Runtime, DroppingTheRuntimeDropsEveryPendingFutureOnceOnItsThreads) {
  Census census;
  std::optional<JoinHandle<int>> kept;
  {
    Runtime rt = make_runtime(2);
    for (int i = 0; i < 100; ++i) rt.spawn(TrackedForever(&census));
    kept.emplace(rt.spawn(TrackedForever(&census)));
    // Some also wait for timers, some are still queued.
    struct Sleeper {
      using Output = int;
      Tracked tracked;
      asyncc::Sleep sleep;
      Poll<int> poll(Context& cx) { return sleep.poll(cx).is_ready() ? Poll<int>::ready(0) : Poll<int>::pending(); }
    };
    for (int i = 0; i < 50; ++i) rt.spawn(Sleeper{Tracked(&census), asyncc::sleep(1h)});
    rt.block_on(asyncc::sleep(5ms));
    for (int i = 0; i < 50; ++i) rt.spawn(TrackedForever(&census));
  }
  EXPECT_EQ(census.destroyed.load(), census.constructed.load());
  EXPECT_EQ(census.destroyed_on.count(std::this_thread::get_id()), 0u)
      << "a future was dropped on the thread that dropped the Runtime";
  EXPECT_THROW(asyncc::block_on(std::move(*kept)), asyncc::task_cancelled);
}

// Rung from any thread, any number of times: wakes the task waiting on it.
class Doorbell {
 public:
  void ring() {
    std::optional<Waker> waker;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      waker = waker_;
    }
    if (waker) waker->wake_by_ref();
  }
  // Never ready: pending after each ring, waiting for the next.
  struct Wait {
    using Output = int;
    Tracked tracked;
    Doorbell* bell;
    Poll<int> poll(Context& cx) {
      std::lock_guard<std::mutex> lock(bell->mutex_);
      bell->waker_ = cx.waker();
      return Poll<int>::pending();
    }
  };

 private:
  std::mutex mutex_;
  std::optional<Waker> waker_;
};

TEST(Runtime, DroppedWhileItsTasksAreWokenFromAnotherThread) {
  Census census;
  std::vector<Doorbell> bells(300);
  std::atomic<bool> stop{false};
  std::thread ringer;
  {
    Runtime rt = make_runtime(3);
    for (auto& bell : bells) rt.spawn(Doorbell::Wait{Tracked(&census), &bell});
    ringer = std::thread([&] {
      for (std::size_t i = 0; !stop.load(); i = (i + 1) % bells.size()) bells[i].ring();
    });
    std::this_thread::sleep_for(2ms);
  }
  stop = true;
  ringer.join();
  EXPECT_EQ(census.destroyed.load(), census.constructed.load());
  EXPECT_EQ(census.destroyed_on.count(std::this_thread::get_id()), 0u);
}

TEST(Runtime, WakersOutlivingTheRuntimeAreHarmless) {
  std::optional<Waker> late;
  std::mutex mutex;
  {
    Runtime rt = make_runtime(2);
    struct Keep {
      using Output = int;
      std::optional<Waker>* out;
      std::mutex* mutex;
      int polls = 0;
      Poll<int> poll(Context& cx) {
        std::lock_guard<std::mutex> lock(*mutex);
        *out = cx.waker();
        return Poll<int>::pending();
      }
    };
    rt.spawn(Keep{&late, &mutex});
    auto deadline = std::chrono::steady_clock::now() + 5s;
    for (;;) {
      std::lock_guard<std::mutex> lock(mutex);
      if (late || std::chrono::steady_clock::now() > deadline) break;
    }
  }
  ASSERT_TRUE(late.has_value());
  late->wake_by_ref();
  std::thread([w = *late]() mutable { std::move(w).wake(); }).join();
}

TEST(RuntimeDeathTest, BlockOnInsideATaskTerminates) {
  GTEST_FLAG_SET(death_test_style, "threadsafe");
  EXPECT_DEATH(
      {
        Runtime rt = make_runtime(1);
        struct Nested {
          using Output = int;
          Poll<int> poll(Context&) {
            asyncc::block_on(asyncc::sleep(1ms));
            return Poll<int>::ready(0);
          }
        };
        rt.block_on(rt.spawn(Nested{}));
      },
      "inside a Runtime");
}

}  // namespace

namespace {

// ---- spawn: the free function and callables ---------------------------------------

TEST(Spawn, InsideARuntimeTask) {
  Runtime rt = make_runtime(2);
  EXPECT_EQ(rt.block_on(rt.spawn(SpawnChildren(100))), 99LL * 100 / 2);
  // block_on's own future spawns on the runtime too.
  EXPECT_EQ(rt.block_on(SpawnChildren(10)), 45);
}

TEST(Spawn, InsideALocalExecutorTask) {
  asyncc::LocalExecutor executor;
  auto parent = executor.spawn(SpawnChildren(20));
  executor.run();
  EXPECT_EQ(asyncc::block_on(std::move(parent)), 190);
  EXPECT_EQ(executor.block_on(SpawnChildren(5)), 10);
}

TEST(Spawn, ACallableIsKeptAliveWithItsFuture) {
  // The future refers to the callable's own state, as an ASYNC lambda's
  // refers to its captures.
  struct Callable {
    std::string text;
    struct Fut {
      using Output = std::string;
      const std::string* text;
      int yields = 2;
      Poll<std::string> poll(Context& cx) {
        if (yields-- > 0) {
          cx.waker().wake_by_ref();
          return Poll<std::string>::pending();
        }
        return Poll<std::string>::ready(*text + "!");
      }
    };
    Fut operator()() const { return Fut{&text}; }
  };
  Runtime rt = make_runtime(2);
  auto handle = rt.spawn(Callable{std::string(100, 'x')});
  EXPECT_EQ(rt.block_on(std::move(handle)), std::string(100, 'x') + "!");
  asyncc::LocalExecutor executor;
  auto local = executor.spawn(Callable{"local"});
  EXPECT_EQ(executor.block_on(std::move(local)), "local!");
}

#if defined(__cpp_impl_coroutine)
TEST(Spawn, AnAsyncLambdaWithCaptures) {
  Runtime rt = make_runtime(2);
  std::string name = "task";
  auto handle = rt.spawn([name, n = 3] ASYNC () -> asyncc::Async<std::string> {
    std::string out = name;
    for (int i = 0; i < n; ++i) {
      co_await asyncc::yield_now();
      auto child = asyncc::spawn([i] ASYNC () -> asyncc::Async<int> { co_return i; });
      out += std::to_string(co_await std::move(child));
    }
    co_await asyncc::sleep(1ms);
    co_return out;
  });
  EXPECT_EQ(rt.block_on(std::move(handle)), "task012");
}
#endif

TEST(SpawnDeathTest, OutsideAnyExecutorTerminates) {
  EXPECT_DEATH(asyncc::spawn(Ready<int>(1)), "outside a Runtime or LocalExecutor");
}

// ---- JoinHandle::abort --------------------------------------------------------------

TEST(Abort, DropsAPendingTaskAtItsNextPoll) {
  Census census;
  Runtime rt = make_runtime(2);
  auto handle = rt.spawn(TrackedForever(&census));
  rt.block_on(asyncc::sleep(1ms));
  handle.abort();
  EXPECT_THROW(rt.block_on(std::move(handle)), asyncc::task_cancelled);
  EXPECT_EQ(census.destroyed.load(), 1);
  EXPECT_EQ(census.destroyed_on.count(std::this_thread::get_id()), 0u);
}

TEST(Abort, OnALocalExecutor) {
  Census census;
  asyncc::LocalExecutor executor;
  auto handle = executor.spawn(TrackedForever(&census));
  auto other = executor.spawn(PendingFor<int>(3, 7));
  handle.abort();
  handle.abort();  // twice is once
  executor.run();
  EXPECT_EQ(census.destroyed.load(), 1);
  EXPECT_THROW(asyncc::block_on(std::move(handle)), asyncc::task_cancelled);
  EXPECT_EQ(asyncc::block_on(std::move(other)), 7);
}

TEST(Abort, AfterCompletionKeepsTheOutput) {
  Runtime rt = make_runtime(1);
  auto handle = rt.spawn(Ready<int>(5));
  while (!handle.is_finished()) std::this_thread::yield();
  handle.abort();
  EXPECT_EQ(rt.block_on(std::move(handle)), 5);
}

TEST(Abort, RacingCompletion) {
  Census census;
  Runtime rt = make_runtime(3);
  struct Yielding {
    using Output = int;
    Tracked tracked;
    int yields;
    Poll<int> poll(Context& cx) {
      if (yields-- > 0) {
        cx.waker().wake_by_ref();
        return Poll<int>::pending();
      }
      return Poll<int>::ready(1);
    }
  };
  constexpr int kTasks = 300;
  std::vector<JoinHandle<int>> handles;
  for (int i = 0; i < kTasks; ++i) handles.push_back(rt.spawn(Yielding{Tracked(&census), i % 5}));
  std::thread aborter([&] {
    for (int i = 0; i < kTasks; i += 2) handles[i].abort();
  });
  aborter.join();
  struct Outcomes {
    using Output = std::pair<int, int>;  // finished, cancelled
    std::vector<JoinHandle<int>>* handles;
    std::size_t next = 0;
    int finished = 0, cancelled = 0;
    Poll<Output> poll(Context& cx) {
      while (next < handles->size()) {
        try {
          auto r = (*handles)[next].poll(cx);
          if (r.is_pending()) return Poll<Output>::pending();
          ++finished;
        } catch (const asyncc::task_cancelled&) {
          ++cancelled;
        }
        ++next;
      }
      return Poll<Output>::ready(std::make_pair(finished, cancelled));
    }
  };
  auto [finished, cancelled] = rt.block_on(Outcomes{&handles});
  EXPECT_EQ(finished + cancelled, kTasks);
  EXPECT_LE(cancelled, kTasks / 2);
  EXPECT_EQ(census.destroyed.load(), kTasks) << "every future dropped exactly once";
  EXPECT_EQ(census.constructed.load(), kTasks);
}

// ---- JoinSet ------------------------------------------------------------------------

TEST(JoinSet, YieldsEveryOutputThenEmpty) {
  Runtime rt = make_runtime(2);
  struct Collect {
    using Output = std::vector<int>;
    asyncc::JoinSet<int> set;
    std::optional<asyncc::JoinSet<int>::JoinNext> next;
    std::vector<int> got;
    bool spawned = false;
    Poll<Output> poll(Context& cx) {
      if (!spawned) {
        spawned = true;
        for (int i = 0; i < 50; ++i) set.spawn(PendingFor<int>(50 - i, i));
      }
      for (;;) {
        if (!next) next.emplace(set.join_next());
        auto r = next->poll(cx);
        if (r.is_pending()) return Poll<Output>::pending();
        next.reset();
        if (!r.value()) return Poll<Output>::ready(std::move(got));
        got.push_back(*r.value());
      }
    }
  };
  std::vector<int> got = rt.block_on(rt.spawn(Collect{}));
  std::sort(got.begin(), got.end());
  std::vector<int> expected(50);
  for (int i = 0; i < 50; ++i) expected[i] = i;
  EXPECT_EQ(got, expected);
}

// Waits for an event, then yields its text.
struct WaitThen {
  using Output = std::string;
  Event::Wait wait;
  std::string text;
  Poll<std::string> poll(Context& cx) {
    return wait.poll(cx).is_ready() ? Poll<std::string>::ready(std::move(text)) : Poll<std::string>::pending();
  }
};

TEST(JoinSet, InOrderOfCompletion) {
  asyncc::LocalExecutor executor;
  asyncc::JoinSet<std::string> set;
  Event first, second;
  set.insert(executor.spawn(WaitThen{second.wait(), "slow"}));
  set.insert(executor.spawn(PendingFor<std::string>(2, "fast")));
  EXPECT_EQ(set.size(), 2u);
  auto a = executor.block_on(set.join_next());
  ASSERT_TRUE(a);
  EXPECT_EQ(*a, "fast");
  second.set();
  auto b = executor.block_on(set.join_next());
  ASSERT_TRUE(b);
  EXPECT_EQ(*b, "slow");
  EXPECT_FALSE(executor.block_on(set.join_next()));
  EXPECT_TRUE(set.is_empty());
}

TEST(JoinSet, AFailedTaskThrowsFromJoinNextAndLeaves) {
  asyncc::LocalExecutor executor;
  asyncc::JoinSet<int> set;
  struct Throws {
    using Output = int;
    Poll<int> poll(Context&) { throw std::runtime_error("no"); }
  };
  set.insert(executor.spawn(Throws{}));
  EXPECT_THROW(executor.block_on(set.join_next()), std::runtime_error);
  EXPECT_TRUE(set.is_empty());
}

TEST(JoinSet, DroppingTheSetAbortsItsTasks) {
  Census census;
  Runtime rt = make_runtime(2);
  {
    asyncc::JoinSet<int> set;
    for (int i = 0; i < 20; ++i) set.insert(rt.spawn(TrackedForever(&census)));
    rt.block_on(asyncc::sleep(2ms));
  }
  auto deadline = std::chrono::steady_clock::now() + 5s;
  while (census.destroyed.load() < 20 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
  EXPECT_EQ(census.destroyed.load(), 20);
  EXPECT_EQ(census.destroyed_on.count(std::this_thread::get_id()), 0u);
}

TEST(JoinSet, AbortAllThenJoinReportsCancellation) {
  Census census;
  Runtime rt = make_runtime(2);
  asyncc::JoinSet<int> set;
  for (int i = 0; i < 5; ++i) set.insert(rt.spawn(TrackedForever(&census)));
  set.abort_all();
  int cancelled = 0;
  for (;;) {
    try {
      if (!rt.block_on(set.join_next())) break;
    } catch (const asyncc::task_cancelled&) {
      ++cancelled;
    }
  }
  EXPECT_EQ(cancelled, 5);
  EXPECT_EQ(census.destroyed.load(), 5);
}

// ---- spawn_blocking ------------------------------------------------------------------

// Calls spawn_blocking(fn) in its poll, inside the runtime.
template <class R>
struct SpawnBlockingOf {
  using Output = JoinHandle<R>;
  std::function<R()> fn;
  template <class Fn>
  explicit SpawnBlockingOf(Fn f) : fn(std::move(f)) {}
  Poll<Output> poll(Context&) { return Poll<Output>::ready(asyncc::spawn_blocking(std::move(fn))); }
};

TEST(SpawnBlocking, ReturnsTheResult) {
  Runtime rt = make_runtime(1);
  auto main_thread = std::this_thread::get_id();
  auto handle = asyncc::spawn_blocking([] { return std::this_thread::get_id(); });
  EXPECT_NE(asyncc::block_on(std::move(handle)), main_thread);
  EXPECT_EQ(rt.block_on(asyncc::spawn_blocking([] { return 6 * 7; })), 42);
  struct AwaitBlocking {
    using Output = std::string;
    std::optional<JoinHandle<std::string>> handle;
    Poll<std::string> poll(Context& cx) {
      if (!handle) handle.emplace(asyncc::spawn_blocking([] { return std::string("from the pool"); }));
      return handle->poll(cx);
    }
  };
  EXPECT_EQ(rt.block_on(rt.spawn(AwaitBlocking{})), "from the pool");
}

TEST(SpawnBlocking, SpawnInsideABlockingCallReachesTheRuntime) {
  Runtime rt = make_runtime(2);
  auto handle = rt.block_on(SpawnBlockingOf<JoinHandle<int>>([] { return asyncc::spawn(PendingFor<int>(2, 8)); }));
  auto inner = rt.block_on(std::move(handle));
  EXPECT_EQ(rt.block_on(std::move(inner)), 8);
}

TEST(SpawnBlocking, ABlockingCallMayBlockOnAFuture) {
  Runtime rt = make_runtime(1);
  auto handle = rt.block_on(SpawnBlockingOf<int>([] {
    asyncc::block_on(asyncc::sleep(2ms));  // on the pool thread's own reactor
    return 3;
  }));
  EXPECT_EQ(rt.block_on(std::move(handle)), 3);
}

TEST(SpawnBlocking, ExceptionsReachTheHandle) {
  Runtime rt = make_runtime(1);
  EXPECT_THROW(rt.block_on(asyncc::spawn_blocking([]() -> int { throw std::logic_error("bad"); })), std::logic_error);
}

// Spawns 24 blocking calls that each take 2 ms, recording how many ran at once.
struct SpawnSaturating {
  using Output = int;
  std::vector<JoinHandle<int>>* handles;
  std::atomic<int>* running;
  std::atomic<int>* most;
  Poll<int> poll(Context&) {
    for (int i = 0; i < 24; ++i)
      handles->push_back(asyncc::spawn_blocking([running = running, most = most, i] {
        int now = ++*running;
        int seen = most->load();
        while (now > seen && !most->compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(2ms);
        --*running;
        return i;
      }));
    return Poll<int>::ready(0);
  }
};

TEST(SpawnBlocking, SaturationWaitsForAFreeThread) {
  Runtime rt = Runtime::builder().worker_threads(2).max_blocking_threads(3).build();
  std::atomic<int> running{0}, most{0};
  std::vector<JoinHandle<int>> handles;
  rt.block_on(SpawnSaturating{&handles, &running, &most});
  EXPECT_EQ(rt.block_on(SumAll<int>(std::move(handles))), 23 * 24 / 2);
  EXPECT_LE(most.load(), 3);
  EXPECT_GE(most.load(), 1);
}

TEST(SpawnBlocking, AbortBeforeItStartsDropsTheCall) {
  Runtime rt = Runtime::builder().worker_threads(1).max_blocking_threads(1).build();
  std::atomic<bool> release{false};
  std::atomic<bool> ran{false};
  auto blocker = rt.block_on(SpawnBlockingOf<void>([&release] {
    while (!release.load()) std::this_thread::sleep_for(1ms);
  }));
  auto dropped = rt.block_on(SpawnBlockingOf<void>([&ran] { ran = true; }));
  dropped.abort();
  release = true;
  rt.block_on(std::move(blocker));
  EXPECT_THROW(rt.block_on(std::move(dropped)), asyncc::task_cancelled);
  EXPECT_FALSE(ran.load());
}

// ---- failures of detached tasks --------------------------------------------------------

struct Throws {
  using Output = int;
  Poll<int> poll(Context&) { throw std::runtime_error("detached failure"); }
};

TEST(DetachedFailure, GoesToTheBuildersHandlerWithTheSpawnSite) {
  std::mutex mutex;
  std::vector<std::string> reports;
  std::atomic<int> count{0};
  {
    Runtime rt = Runtime::builder()
                     .worker_threads(2)
                     .on_task_exception([&](std::exception_ptr error, const asyncc::SpawnSite& site) {
                       std::string what;
                       try {
                         std::rethrow_exception(error);
                       } catch (const std::exception& e) {
                         what = e.what();
                       }
                       std::lock_guard<std::mutex> lock(mutex);
                       reports.push_back(what + " @" + (site.file ? site.file : "?") + ":" + std::to_string(site.line));
                       ++count;
                     })
                     .build();
    const int line = __LINE__ + 1;
    rt.spawn(Throws{});
    // A failure whose handle is kept and awaited is not reported.
    auto kept = rt.spawn(Throws{});
    EXPECT_THROW(rt.block_on(std::move(kept)), std::runtime_error);
    // Nor one whose handle is dropped after it took the output.
    auto deadline = std::chrono::steady_clock::now() + 5s;
    while (count.load() < 1 && std::chrono::steady_clock::now() < deadline) std::this_thread::sleep_for(1ms);
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_EQ(reports.size(), 1u);
    EXPECT_NE(reports[0].find("detached failure"), std::string::npos) << reports[0];
    EXPECT_NE(reports[0].find("runtime_test.cpp:" + std::to_string(line)), std::string::npos) << reports[0];
  }
  EXPECT_EQ(count.load(), 1);
}

TEST(DetachedFailure, AHandleDroppedAfterTheFailureReportsIt) {
  std::atomic<int> count{0};
  Runtime rt = Runtime::builder()
                   .worker_threads(1)
                   .on_task_exception([&](std::exception_ptr, const asyncc::SpawnSite&) { ++count; })
                   .build();
  {
    auto handle = rt.spawn(Throws{});
    while (!handle.is_finished()) std::this_thread::yield();
    EXPECT_EQ(count.load(), 0);
  }
  EXPECT_EQ(count.load(), 1);
}

TEST(DetachedFailure, DefaultsToStderr) {
  ::testing::internal::CaptureStderr();
  {
    asyncc::LocalExecutor executor;
    executor.spawn(Throws{});
    executor.run();
  }
  std::string err = ::testing::internal::GetCapturedStderr();
  EXPECT_NE(err.find("detached task spawned at"), std::string::npos) << err;
  EXPECT_NE(err.find("runtime_test.cpp"), std::string::npos) << err;
  EXPECT_NE(err.find("detached failure"), std::string::npos) << err;
}

// ---- oneshot -------------------------------------------------------------------------------

TEST(Oneshot, SendsOneValueAcrossThreads) {
  Runtime rt = make_runtime(2);
  auto [tx, rx] = asyncc::oneshot<std::string>();
  std::thread sender([tx = std::move(tx)]() mutable {
    std::this_thread::sleep_for(2ms);
    EXPECT_TRUE(tx.send("hello"));
  });
  auto got = rt.block_on(rt.spawn(std::move(rx)));
  sender.join();
  ASSERT_TRUE(got);
  EXPECT_EQ(*got, "hello");
}

TEST(Oneshot, ADroppedSenderGivesNothing) {
  auto [tx, rx] = asyncc::oneshot<int>();
  asyncc::LocalExecutor executor;
  auto receiver = executor.spawn(std::move(rx));
  executor.block_on(PendingFor<int>(2, 0));
  { auto dropped = std::move(tx); }
  EXPECT_FALSE(executor.block_on(std::move(receiver)).has_value());
}

TEST(Oneshot, SendingToADroppedReceiverFails) {
  auto [tx, rx] = asyncc::oneshot<std::unique_ptr<int>>();
  EXPECT_FALSE(tx.is_closed());
  { auto dropped = std::move(rx); }
  EXPECT_TRUE(tx.is_closed());
  EXPECT_FALSE(tx.send(std::make_unique<int>(1)));
}

TEST(Oneshot, SentBeforePolled) {
  auto [tx, rx] = asyncc::oneshot<int>();
  EXPECT_TRUE(tx.send(3));
  EXPECT_EQ(asyncc::block_on(std::move(rx)), std::optional<int>(3));
}

}  // namespace
