// The multi-threaded Runtime and the task API: spawn, JoinHandle::abort,
// JoinSet, spawn_blocking, oneshot, reports of detached failures.
#include <asyncc/asyncc.hpp>

#include "test_support.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstring>
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
    using Output = bool;  // a child ran while the parent held its worker
    std::atomic<int>* ran;
    std::vector<JoinHandle<std::thread::id>>* children;
    Poll<bool> poll(Context&) {
      for (int i = 0; i < 16; ++i) children->push_back(asyncc::spawn(Child{ran}));
      auto deadline = std::chrono::steady_clock::now() + 5s;
      while (ran->load() == 0 && std::chrono::steady_clock::now() < deadline) std::this_thread::yield();
      return Poll<bool>::ready(ran->load() > 0);
    }
  };
  std::atomic<int> ran{0};
  std::vector<JoinHandle<std::thread::id>> children;
  auto parent = rt.spawn(Parent{&ran, &children});
  EXPECT_TRUE(rt.block_on(std::move(parent)));
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
  EXPECT_GE(ids.size(), 1u);
  EXPECT_EQ(ran.load(), 16);
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
