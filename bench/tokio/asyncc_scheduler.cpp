// asyncc's side of the scheduler comparison with Tokio: the workloads of
// Tokio's scheduler benchmarks (benches/rt_multi_threaded.rs), with the same
// counts and the same shape as bench/tokio/src/bin/tokio_scheduler.rs, on a
// Runtime of 2 workers (against Tokio's multi_thread runtime of 2 workers)
// and on a LocalExecutor (against Tokio's current_thread runtime).
//
//   spawn_many_local          inside block_on, spawn 10 000 tasks counting
//                             down; the last one signals the bench thread
//   spawn_many_remote_idle    spawn 10 000 empty tasks from outside, then
//                             block_on awaiting every JoinHandle
//   spawn_many_remote_busy1   the same, beside 2 * workers tasks that
//                             yield, then stall for 10 us, in a loop
//   spawn_many_remote_busy2   1 000 of them, beside `workers` chains of
//                             tasks that stall 10 us, then spawn the next
//   ping_pong                 a task spawns 1 000 pings; each spawns a pong
//                             and the two exchange a oneshot each way
//   yield_many                200 tasks spawned from outside, each yielding
//                             1 000 times
//   chained_spawn             a chain of 1 000 tasks, each spawning the next
//
// On the Runtime the bench thread waits for the last task by blocking (a
// semaphore, where Tokio's bench blocks on a std channel), inside block_on or
// outside, as Tokio's benches do; on the LocalExecutor, which runs tasks
// only inside block_on, it awaits a oneshot or the JoinHandles instead (so
// does the Tokio side on current_thread). The futures are written by hand,
// as the asyncc tool would generate them: no coroutine frames.
//
// Output, one line per workload: `RESULT <runtime|local> <workload> <median
// us>`, the median wall-clock time of one iteration over --iterations
// (default 15) after 3 of warm-up, each workload on an executor of its own.
//   asyncc_scheduler [--iterations N] [--only WORKLOAD]
#include <asyncc/executor.hpp>
#include <asyncc/oneshot.hpp>
#include <asyncc/runtime.hpp>
#include <asyncc/yield_now.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <mutex>
#include <optional>
#include <semaphore>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace {

using asyncc::Context;
using asyncc::JoinHandle;
using asyncc::Poll;

constexpr std::size_t kWorkers = 2;
constexpr int kNumSpawn = 10'000;
constexpr int kNumSpawnBusy2 = 1'000;
constexpr int kNumPings = 1'000;
constexpr int kNumYields = 1'000;
constexpr int kYieldTasks = 200;
constexpr int kChain = 1'000;
constexpr auto kStall = std::chrono::microseconds(10);

// Spins for kStall, yielding the thread, as Tokio's busy benchmarks do.
void stall() {
  const auto start = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - start < kStall) std::this_thread::yield();
}

// The signal of the last of many tasks: a semaphore the bench thread blocks
// on (Runtime), or a oneshot it awaits (LocalExecutor).
struct Done {
  explicit Done(bool blocking) : blocking(blocking) {}
  const bool blocking;
  std::counting_semaphore<1024> semaphore{0};
  std::mutex mutex;
  std::optional<asyncc::OneshotSender<int>> sender;

  void send() {
    if (blocking) {
      semaphore.release();
      return;
    }
    std::lock_guard<std::mutex> lock(mutex);
    sender->send(0);
    sender.reset();
  }
};

// Waits for a Done: blocks in its first poll, or awaits the oneshot.
struct DoneWait {
  using Output = void;
  std::shared_ptr<Done> done;
  std::optional<asyncc::OneshotReceiver<int>> receiver;

  static std::pair<std::shared_ptr<Done>, DoneWait> make(bool blocking) {
    auto done = std::make_shared<Done>(blocking);
    DoneWait wait{done, std::nullopt};
    if (!blocking) {
      auto [tx, rx] = asyncc::oneshot<int>();
      done->sender.emplace(std::move(tx));
      wait.receiver.emplace(std::move(rx));
    }
    return {std::move(done), std::move(wait)};
  }

  Poll<void> poll(Context& cx) {
    if (done->blocking) {
      done->semaphore.acquire();
      return Poll<void>::ready();
    }
    if (receiver->poll(cx).is_pending()) return Poll<void>::pending();
    return Poll<void>::ready();
  }
};

// A count shared by many tasks; the one that takes it to zero signals.
struct Countdown {
  std::atomic<std::size_t> remaining;
  std::shared_ptr<Done> done;
  void count() {
    if (remaining.fetch_sub(1, std::memory_order_relaxed) == 1) done->send();
  }
};

struct Empty {
  using Output = void;
  Poll<void> poll(Context&) { return Poll<void>::ready(); }
};

// Awaits every handle, in order.
struct AwaitAll {
  using Output = void;
  std::vector<JoinHandle<void>> handles;
  std::size_t next = 0;
  Poll<void> poll(Context& cx) {
    for (; next < handles.size(); ++next)
      if (handles[next].poll(cx).is_pending()) return Poll<void>::pending();
    return Poll<void>::ready();
  }
};

// spawn_many_local ---------------------------------------------------------

struct CountdownTask {
  using Output = void;
  std::shared_ptr<Countdown> countdown;
  Poll<void> poll(Context&) {
    countdown->count();
    return Poll<void>::ready();
  }
};

struct SpawnManyLocal {
  using Output = void;
  std::shared_ptr<Countdown> countdown;
  DoneWait wait;
  bool spawned = false;
  Poll<void> poll(Context& cx) {
    if (!spawned) {
      spawned = true;
      for (int i = 0; i < kNumSpawn; ++i) asyncc::spawn(CountdownTask{countdown});
    }
    return wait.poll(cx);
  }
};

// spawn_many_remote_busy1 and 2: the tasks that keep the workers busy -----

// while (running) { yield_now().await; stall(); }
struct YieldAndStall {
  using Output = void;
  std::shared_ptr<std::atomic<bool>> running;
  std::optional<asyncc::YieldNow> yielding;
  Poll<void> poll(Context& cx) {
    for (;;) {
      if (!yielding) {
        if (!running->load(std::memory_order_relaxed)) return Poll<void>::ready();
        yielding.emplace();
      }
      if (yielding->poll(cx).is_pending()) return Poll<void>::pending();
      yielding.reset();
      stall();
    }
  }
};

// if (running) { stall(); spawn(the next); }
struct StallAndRespawn {
  using Output = void;
  std::shared_ptr<std::atomic<bool>> running;
  Poll<void> poll(Context&) {
    if (running->load(std::memory_order_relaxed)) {
      stall();
      asyncc::spawn(StallAndRespawn{running});
    }
    return Poll<void>::ready();
  }
};

// The first task of a chain, spawned from outside: it spawns the chain.
struct StartChain {
  using Output = void;
  std::shared_ptr<std::atomic<bool>> running;
  Poll<void> poll(Context&) {
    asyncc::spawn(StallAndRespawn{running});
    return Poll<void>::ready();
  }
};

// ping_pong ----------------------------------------------------------------

struct Pong {
  using Output = void;
  asyncc::OneshotReceiver<int> ping;
  std::optional<asyncc::OneshotSender<int>> pong;
  Poll<void> poll(Context& cx) {
    if (ping.poll(cx).is_pending()) return Poll<void>::pending();
    pong->send(0);
    return Poll<void>::ready();
  }
};

struct Ping {
  using Output = void;
  std::shared_ptr<Countdown> countdown;
  std::optional<asyncc::OneshotReceiver<int>> pong;
  Poll<void> poll(Context& cx) {
    if (!pong) {
      auto [ping_tx, ping_rx] = asyncc::oneshot<int>();
      auto [pong_tx, pong_rx] = asyncc::oneshot<int>();
      asyncc::spawn(Pong{std::move(ping_rx), std::move(pong_tx)});
      ping_tx.send(0);
      pong.emplace(std::move(pong_rx));
    }
    if (pong->poll(cx).is_pending()) return Poll<void>::pending();
    countdown->count();
    return Poll<void>::ready();
  }
};

struct SpawnPings {
  using Output = void;
  std::shared_ptr<Countdown> countdown;
  Poll<void> poll(Context&) {
    for (int i = 0; i < kNumPings; ++i) asyncc::spawn(Ping{countdown, std::nullopt});
    return Poll<void>::ready();
  }
};

struct PingPong {
  using Output = void;
  std::shared_ptr<Countdown> countdown;
  DoneWait wait;
  bool spawned = false;
  Poll<void> poll(Context& cx) {
    if (!spawned) {
      spawned = true;
      asyncc::spawn(SpawnPings{countdown});
    }
    return wait.poll(cx);
  }
};

// yield_many ---------------------------------------------------------------

struct Yielder {
  using Output = void;
  std::shared_ptr<Done> done;  // null: nobody waits for a signal
  int yields = 0;
  asyncc::YieldNow yielding{};
  Poll<void> poll(Context& cx) {
    while (yields < kNumYields) {
      if (yielding.poll(cx).is_pending()) return Poll<void>::pending();
      yielding = asyncc::YieldNow();
      ++yields;
    }
    if (done) done->send();
    return Poll<void>::ready();
  }
};

// chained_spawn ------------------------------------------------------------

struct Link {
  using Output = void;
  std::shared_ptr<Done> done;
  int remaining;
  Poll<void> poll(Context&) {
    if (remaining == 0)
      done->send();
    else
      asyncc::spawn(Link{std::move(done), remaining - 1});
    return Poll<void>::ready();
  }
};

struct ChainedSpawn {
  using Output = void;
  std::shared_ptr<Done> done;
  DoneWait wait;
  bool spawned = false;
  Poll<void> poll(Context& cx) {
    if (!spawned) {
      spawned = true;
      asyncc::spawn(Link{done, kChain});
    }
    return wait.poll(cx);
  }
};

// The executors ------------------------------------------------------------

struct OnRuntime {
  static constexpr const char* kName = "runtime";
  static constexpr bool kBlocking = true;
  static constexpr std::size_t kWorkerCount = kWorkers;
  asyncc::Runtime runtime = asyncc::Runtime::builder().worker_threads(kWorkers).build();
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
  static constexpr const char* kName = "local";
  static constexpr bool kBlocking = false;
  static constexpr std::size_t kWorkerCount = 1;
  asyncc::LocalExecutor executor;
  template <class F>
  auto spawn(F f) {
    return executor.spawn(std::move(f));
  }
  template <class F>
  auto block_on(F f) {
    return executor.block_on(std::move(f));
  }
};

// Median microseconds of `iteration`, after three of warm-up.
template <class Fn>
double measure(int iterations, Fn&& iteration) {
  for (int i = 0; i < 3; ++i) iteration();
  std::vector<double> us;
  for (int i = 0; i < iterations; ++i) {
    const auto start = std::chrono::steady_clock::now();
    iteration();
    us.push_back(std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count());
  }
  std::sort(us.begin(), us.end());
  return us[us.size() / 2];
}

template <class Exec>
double spawn_many_local(int iterations) {
  Exec exec;
  return measure(iterations, [&] {
    auto [done, wait] = DoneWait::make(Exec::kBlocking);
    auto countdown = std::make_shared<Countdown>();
    countdown->remaining.store(kNumSpawn, std::memory_order_relaxed);
    countdown->done = std::move(done);
    exec.block_on(SpawnManyLocal{std::move(countdown), std::move(wait)});
  });
}

template <class Exec>
void spawn_remote_and_join(Exec& exec, int count) {
  AwaitAll all;
  all.handles.reserve(static_cast<std::size_t>(count));
  for (int i = 0; i < count; ++i) all.handles.push_back(exec.spawn(Empty{}));
  exec.block_on(std::move(all));
}

template <class Exec>
double spawn_many_remote_idle(int iterations) {
  Exec exec;
  return measure(iterations, [&] { spawn_remote_and_join(exec, kNumSpawn); });
}

template <class Exec>
double spawn_many_remote_busy1(int iterations) {
  Exec exec;
  auto running = std::make_shared<std::atomic<bool>>(true);
  for (std::size_t i = 0; i < 2 * Exec::kWorkerCount; ++i) exec.spawn(YieldAndStall{running, std::nullopt});
  const double us = measure(iterations, [&] { spawn_remote_and_join(exec, kNumSpawn); });
  running->store(false, std::memory_order_relaxed);
  return us;
}

template <class Exec>
double spawn_many_remote_busy2(int iterations) {
  Exec exec;
  auto running = std::make_shared<std::atomic<bool>>(true);
  for (std::size_t i = 0; i < Exec::kWorkerCount; ++i) exec.spawn(StartChain{running});
  const double us = measure(iterations, [&] { spawn_remote_and_join(exec, kNumSpawnBusy2); });
  running->store(false, std::memory_order_relaxed);
  return us;
}

template <class Exec>
double ping_pong(int iterations) {
  Exec exec;
  return measure(iterations, [&] {
    auto [done, wait] = DoneWait::make(Exec::kBlocking);
    auto countdown = std::make_shared<Countdown>();
    countdown->remaining.store(kNumPings, std::memory_order_relaxed);
    countdown->done = std::move(done);
    exec.block_on(PingPong{std::move(countdown), std::move(wait)});
  });
}

template <class Exec>
double yield_many(int iterations) {
  Exec exec;
  return measure(iterations, [&] {
    if constexpr (Exec::kBlocking) {
      auto done = std::make_shared<Done>(true);
      for (int i = 0; i < kYieldTasks; ++i) exec.spawn(Yielder{done});
      for (int i = 0; i < kYieldTasks; ++i) done->semaphore.acquire();
    } else {
      AwaitAll all;
      for (int i = 0; i < kYieldTasks; ++i) all.handles.push_back(exec.spawn(Yielder{nullptr}));
      exec.block_on(std::move(all));
    }
  });
}

template <class Exec>
double chained_spawn(int iterations) {
  Exec exec;
  return measure(iterations, [&] {
    auto [done, wait] = DoneWait::make(Exec::kBlocking);
    exec.block_on(ChainedSpawn{std::move(done), std::move(wait)});
  });
}

struct Workload {
  const char* name;
  double (*on_runtime)(int);
  double (*on_local)(int);
};

#define ASYNCC_WORKLOAD(name) \
  Workload { #name, name<OnRuntime>, name<OnLocal> }

const Workload kWorkloads[] = {
    ASYNCC_WORKLOAD(spawn_many_local),        ASYNCC_WORKLOAD(spawn_many_remote_idle),
    ASYNCC_WORKLOAD(spawn_many_remote_busy1), ASYNCC_WORKLOAD(spawn_many_remote_busy2),
    ASYNCC_WORKLOAD(ping_pong),               ASYNCC_WORKLOAD(yield_many),
    ASYNCC_WORKLOAD(chained_spawn),
};

}  // namespace

int main(int argc, char** argv) {
  int iterations = 15;
  std::string only;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--iterations") == 0 && i + 1 < argc) {
      iterations = std::max(1, std::atoi(argv[++i]));
    } else if (std::strcmp(argv[i], "--only") == 0 && i + 1 < argc) {
      only = argv[++i];
    } else {
      std::fprintf(stderr, "usage: asyncc_scheduler [--iterations N] [--only WORKLOAD]\n");
      return 2;
    }
  }
  for (const char* flavor : {OnRuntime::kName, OnLocal::kName}) {
    const bool runtime = std::strcmp(flavor, OnRuntime::kName) == 0;
    for (const Workload& w : kWorkloads) {
      if (!only.empty() && only != w.name) continue;
      const double us = runtime ? w.on_runtime(iterations) : w.on_local(iterations);
      std::printf("RESULT %s %s %.1f\n", flavor, w.name, us);
      std::fflush(stdout);
    }
  }
  return 0;
}
