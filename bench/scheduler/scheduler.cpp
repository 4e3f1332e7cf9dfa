// bench/scheduler: the workloads of Tokio's scheduler benchmarks
// (benches/rt_multi_threaded.rs in Tokio 1.24) on asyncc's executors:
//
//   spawn_many_local   a task spawns 10 000 tasks, which count down to zero
//   spawn_many_remote  the main thread spawns 10 000 tasks and awaits them all
//   ping_pong          1 000 pairs of tasks, each exchanging two oneshots
//   yield_many         200 tasks yielding 1 000 times each
//   chained_spawn      a chain of 1 000 tasks, each spawning the next
//
// Each runs on a Runtime of 2 workers, a Runtime of 1 worker, and a
// LocalExecutor (the single-threaded executor, Tokio's current_thread). The
// figure is wall-clock microseconds per iteration, the median of 15
// iterations after 3 for warm-up; the LocalExecutor column is the baseline of
// the ratios. A benchmark, never a test: on a shared machine, time is noisy.
//   bench_scheduler [--iterations N]
#include <asyncc/executor.hpp>
#include <asyncc/oneshot.hpp>
#include <asyncc/runtime.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::JoinHandle;
using asyncc::Poll;

constexpr int kNumSpawn = 10'000;
constexpr int kNumPings = 1'000;
constexpr int kNumYieldTasks = 200;
constexpr int kNumYields = 1'000;
constexpr int kChain = 1'000;

// Counts down; the task that reaches zero sends on the oneshot.
struct Countdown {
  std::atomic<int> remaining{0};
  std::optional<asyncc::OneshotSender<int>> done;  // taken by the last task only
};

struct CountdownTask {
  using Output = void;
  Countdown* countdown;
  Poll<void> poll(Context&) {
    if (countdown->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) countdown->done->send(0);
    return Poll<void>::ready();
  }
};

// spawn_many_local: from inside a task, spawn kNumSpawn tasks; wait for the last.
struct SpawnManyLocal {
  using Output = void;
  Countdown* countdown;
  std::optional<asyncc::OneshotReceiver<int>> done;
  Poll<void> poll(Context& cx) {
    if (!done) {
      auto [tx, rx] = asyncc::oneshot<int>();
      countdown->remaining = kNumSpawn;
      countdown->done.emplace(std::move(tx));
      done.emplace(std::move(rx));
      for (int i = 0; i < kNumSpawn; ++i) asyncc::spawn(CountdownTask{countdown});
    }
    if (done->poll(cx).is_pending()) return Poll<void>::pending();
    return Poll<void>::ready();
  }
};

struct Noop {
  using Output = int;
  int value;
  Poll<int> poll(Context&) { return Poll<int>::ready(value); }
};

template <class T>
struct AwaitAll {
  using Output = long long;
  std::vector<JoinHandle<T>> handles;
  std::size_t next = 0;
  long long sum = 0;
  Poll<long long> poll(Context& cx) {
    while (next < handles.size()) {
      auto r = handles[next].poll(cx);
      if (r.is_pending()) return Poll<long long>::pending();
      sum += r.value();
      ++next;
    }
    return Poll<long long>::ready(sum);
  }
};

// ping_pong: each ping spawns a pong; ping sends on one oneshot, pong answers
// on another.
struct Pong {
  using Output = void;
  asyncc::OneshotReceiver<int> ping;
  std::optional<asyncc::OneshotSender<int>> pong;
  Poll<void> poll(Context& cx) {
    auto r = ping.poll(cx);
    if (r.is_pending()) return Poll<void>::pending();
    pong->send(*r.value() + 1);
    return Poll<void>::ready();
  }
};

struct Ping {
  using Output = void;
  Countdown* countdown;
  std::optional<asyncc::OneshotReceiver<int>> pong;
  Poll<void> poll(Context& cx) {
    if (!pong) {
      auto [ping_tx, ping_rx] = asyncc::oneshot<int>();
      auto [pong_tx, pong_rx] = asyncc::oneshot<int>();
      asyncc::spawn(Pong{std::move(ping_rx), std::move(pong_tx)});
      ping_tx.send(1);
      pong.emplace(std::move(pong_rx));
    }
    if (pong->poll(cx).is_pending()) return Poll<void>::pending();
    if (countdown->remaining.fetch_sub(1, std::memory_order_acq_rel) == 1) countdown->done->send(0);
    return Poll<void>::ready();
  }
};

struct PingPong {
  using Output = void;
  Countdown* countdown;
  std::optional<asyncc::OneshotReceiver<int>> done;
  Poll<void> poll(Context& cx) {
    if (!done) {
      auto [tx, rx] = asyncc::oneshot<int>();
      countdown->remaining = kNumPings;
      countdown->done.emplace(std::move(tx));
      done.emplace(std::move(rx));
      for (int i = 0; i < kNumPings; ++i) asyncc::spawn(Ping{countdown, std::nullopt});
    }
    if (done->poll(cx).is_pending()) return Poll<void>::pending();
    return Poll<void>::ready();
  }
};

// yield_many: kNumYieldTasks tasks, each pending kNumYields times, waking itself.
struct Yielder {
  using Output = int;
  int remaining = kNumYields;
  Poll<int> poll(Context& cx) {
    if (remaining-- == 0) return Poll<int>::ready(1);
    cx.waker().wake_by_ref();
    return Poll<int>::pending();
  }
};

struct YieldMany {
  using Output = long long;
  std::optional<AwaitAll<int>> all;
  Poll<long long> poll(Context& cx) {
    if (!all) {
      all.emplace();
      for (int i = 0; i < kNumYieldTasks; ++i) all->handles.push_back(asyncc::spawn(Yielder{}));
    }
    return all->poll(cx);
  }
};

// chained_spawn: each link spawns the next; the last sends.
struct Link {
  using Output = void;
  int remaining;
  asyncc::OneshotSender<int>* done;
  Poll<void> poll(Context&) {
    if (remaining == 0)
      done->send(0);
    else
      asyncc::spawn(Link{remaining - 1, done});
    return Poll<void>::ready();
  }
};

struct ChainedSpawn {
  using Output = void;
  std::optional<asyncc::OneshotSender<int>> tx;
  std::optional<asyncc::OneshotReceiver<int>> done;
  Poll<void> poll(Context& cx) {
    if (!done) {
      auto [t, r] = asyncc::oneshot<int>();
      tx.emplace(std::move(t));
      done.emplace(std::move(r));
      asyncc::spawn(Link{kChain, &*tx});
    }
    if (done->poll(cx).is_pending()) return Poll<void>::pending();
    return Poll<void>::ready();
  }
};

// The executors, behind one interface: run a root future as a task, and
// spawn from outside.
struct OnRuntime {
  asyncc::Runtime runtime;
  explicit OnRuntime(std::size_t workers) : runtime(asyncc::Runtime::builder().worker_threads(workers).build()) {}
  template <class F>
  auto run_task(F f) {
    return runtime.block_on(runtime.spawn(std::move(f)));
  }
  template <class F>
  auto spawn(F f) {
    return runtime.spawn(std::move(f));
  }
  template <class F>
  auto block_on(F f) {
    return runtime.block_on(std::move(f));
  }
};

struct OnLocal {
  asyncc::LocalExecutor executor;
  template <class F>
  auto run_task(F f) {
    return executor.block_on(executor.spawn(std::move(f)));
  }
  template <class F>
  auto spawn(F f) {
    return executor.spawn(std::move(f));
  }
  template <class F>
  auto block_on(F f) {
    return executor.block_on(std::move(f));
  }
};

template <class Exec>
void spawn_many_local(Exec& exec) {
  Countdown countdown;
  exec.run_task(SpawnManyLocal{&countdown, std::nullopt});
}

template <class Exec>
void spawn_many_remote(Exec& exec) {
  AwaitAll<int> all;
  all.handles.reserve(kNumSpawn);
  for (int i = 0; i < kNumSpawn; ++i) all.handles.push_back(exec.spawn(Noop{i}));
  exec.block_on(std::move(all));
}

template <class Exec>
void ping_pong(Exec& exec) {
  Countdown countdown;
  exec.run_task(PingPong{&countdown, std::nullopt});
}

template <class Exec>
void yield_many(Exec& exec) {
  exec.run_task(YieldMany{});
}

template <class Exec>
void chained_spawn(Exec& exec) {
  exec.run_task(ChainedSpawn{});
}

// Median microseconds per iteration.
double measure(const std::function<void()>& iteration, int iterations) {
  for (int i = 0; i < 3; ++i) iteration();
  std::vector<double> us;
  for (int i = 0; i < iterations; ++i) {
    auto start = std::chrono::steady_clock::now();
    iteration();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
  int iterations = 15;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::max(1, std::atoi(argv[++i]));
    } else {
      std::fprintf(stderr, "usage: bench_scheduler [--iterations N]\n");
      return 2;
    }
  }
  OnRuntime two(2);
  OnRuntime one(1);
  OnLocal local;
  struct Workload {
    const char* name;
    std::function<void(OnRuntime&)> on_runtime;
    std::function<void(OnLocal&)> on_local;
  };
  const Workload workloads[] = {
      {"spawn_many_local", spawn_many_local<OnRuntime>, spawn_many_local<OnLocal>},
      {"spawn_many_remote", spawn_many_remote<OnRuntime>, spawn_many_remote<OnLocal>},
      {"ping_pong", ping_pong<OnRuntime>, ping_pong<OnLocal>},
      {"yield_many", yield_many<OnRuntime>, yield_many<OnLocal>},
      {"chained_spawn", chained_spawn<OnRuntime>, chained_spawn<OnLocal>},
  };
  std::printf("scheduler workloads (Tokio's rt_multi_threaded.rs): median us per iteration of %d\n", iterations);
  std::printf("%-18s %14s %14s %14s %10s %10s\n", "workload", "Runtime(2)", "Runtime(1)", "LocalExecutor",
              "2w/local", "1w/local");
  for (const Workload& w : workloads) {
    double t2 = measure([&] { w.on_runtime(two); }, iterations);
    double t1 = measure([&] { w.on_runtime(one); }, iterations);
    double tl = measure([&] { w.on_local(local); }, iterations);
    std::printf("%-18s %14.1f %14.1f %14.1f %10.2f %10.2f\n", w.name, t2, t1, tl, t2 / tl, t1 / tl);
    std::fflush(stdout);
  }
  return 0;
}
