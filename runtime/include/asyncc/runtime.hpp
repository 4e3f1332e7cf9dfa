// Runtime: a multi-threaded, work-stealing executor, in the manner of Tokio's
// multi_thread scheduler; spawn_blocking and its bounded thread pool.
//
//   asyncc::Runtime rt = asyncc::Runtime::builder().worker_threads(4).build();
//   auto handle = rt.spawn(serve(listener));       // from any thread
//   int n = rt.block_on(main_task());              // runs main_task here
//
// Scheduling. Each worker thread has a run queue and a LIFO slot: a task
// woken or spawned by a task on the same worker goes to the slot and runs
// next (a message answered at once stays in the cache), the task it displaces
// goes to the back of the queue. A task that wakes itself while it is
// polled (a yield) is set aside, as Tokio defers yield_now: it goes to the
// back of the queue when the worker has nothing else to run (nothing queued,
// nothing to steal) or next polls the driver, so tasks that yield in a loop
// give way to the tasks woken or spawned meanwhile. Tasks spawned or woken
// from outside the workers go to a global injection queue. A worker whose
// queue is empty steals half the queue of another worker, then takes from
// the injection queue. Idle workers park and are woken one at a time: a
// worker is woken only when no other is already searching for work, and a
// searching worker that finds some wakes the next; at most half the workers
// search at once. Every 31 tasks a worker looks at the injection queue first,
// every 61 it polls timers and I/O and queues the tasks set aside by yields;
// a task can take the LIFO slot three times in a row
// before the queue gets its turn. A worker's queue is a lock-free ring of
// 256 tasks (its owner pushes and pops without locks, a thief claims half
// with a compare-and-swap; a full ring moves half to the injection queue);
// the injection queue and the list of live tasks kept for shutdown (in 32
// shards) are guarded by mutexes.
//
// Timers and I/O. The workers share one reactor (the "driver"), polled by one
// idle worker at a time; the others park on a condition variable. On a worker
// (and inside Runtime::block_on) Reactor::current() is this shared reactor, so
// sleep(), timeout() and sockets work in tasks as they do under block_on, and
// a task may register a timer or a socket on one worker and be polled or
// dropped on another: the shared reactor guards its state with a mutex. A
// shared driver rather than one reactor per worker: with one per worker, a
// task that moved would leave its timers and sockets behind on a reactor that
// only its own (possibly busy) worker polls; one shared driver is what Tokio
// does, and its lock is taken per timer or readiness change, not per poll.
// A worker busy with tasks still polls the driver, without waiting, every 61
// tasks; a single task that blocks its worker for long delays timers only
// while no other worker is idle.
//
// The user's contract (C++ has no Send): a future spawned on a Runtime, and
// everything it owns, may be polled, woken and dropped on any of the
// runtime's threads, one at a time; wakers may be used from any thread. A
// future that needs thread affinity belongs on a LocalExecutor. An I/O object
// first used outside the Runtime (on another thread's reactor) stays
// registered there: create or first use it inside the Runtime.
//
// The task API around it: asyncc::spawn (executor.hpp), JoinHandle::abort,
// JoinSet (join_set.hpp), oneshot (oneshot.hpp), and spawn_blocking here.
//
// Blocking calls: spawn_blocking(fn) runs fn on a bounded pool of threads
// (max_blocking_threads) and returns a JoinHandle, a future of its result.
//
// Shutdown: destroying the Runtime stops the workers (each finishes the poll
// it is in), then drops every unfinished task's future exactly once, on a
// thread of the runtime; their JoinHandles then throw task_cancelled. Calls
// waiting in the blocking pool are dropped; calls already running are waited
// for. A Runtime must not be destroyed from one of its own threads.
//
// block_on, LocalExecutor::run and LocalExecutor::block_on must not be
// called on a worker (they would block it): that is a contract violation.
#pragma once

#include <asyncc/executor.hpp>
#include <asyncc/future.hpp>
#include <asyncc/join_set.hpp>
#include <asyncc/oneshot.hpp>
#include <asyncc/reactor.hpp>

#include <cstddef>
#include <functional>
#include <type_traits>
#include <utility>

namespace asyncc {

namespace detail {

class RuntimeCore;

struct RuntimeConfig {
  std::size_t worker_threads = 0;  // 0: one per CPU
  std::size_t max_blocking_threads = 512;
  TaskFailureHandler on_task_exception;  // empty: report_task_failure
};

RuntimeCore* create_runtime(const RuntimeConfig& config);
void destroy_runtime(RuntimeCore* core) noexcept;
SchedulerBase* runtime_scheduler(RuntimeCore* core) noexcept;
std::size_t runtime_worker_count(const RuntimeCore* core) noexcept;

// The calling thread inside Runtime::block_on: spawn() and Reactor::current()
// reach the runtime; its own reactor parks it.
class RuntimeEnter {
 public:
  explicit RuntimeEnter(RuntimeCore* core);
  ~RuntimeEnter();
  RuntimeEnter(const RuntimeEnter&) = delete;
  RuntimeEnter& operator=(const RuntimeEnter&) = delete;
  Reactor& own_reactor() const noexcept { return *own_; }

 private:
  EnterScheduler scheduler_;
  Reactor* own_;
  Reactor* previous_reactor_;
  SchedulerBase* previous_pool_;
};

// The blocking pool of the Runtime running the calling thread, or a
// process-wide one outside any Runtime.
SchedulerBase* current_blocking_pool();

// The future of a blocking call: runs `fn` in its only poll.
template <class Fn>
class BlockingCall {
 public:
  using Output = std::invoke_result_t<Fn&>;
  explicit BlockingCall(Fn fn) : fn_(std::move(fn)) {}
  Poll<Output> poll(Context&) {
    if constexpr (std::is_void_v<Output>) {
      fn_();
      return Poll<void>::ready();
    } else {
      return Poll<Output>::ready(fn_());
    }
  }

 private:
  Fn fn_;
};

}  // namespace detail

class Runtime {
 public:
  class Builder {
   public:
    // The number of worker threads; 0 (the default) is one per CPU.
    Builder& worker_threads(std::size_t n) {
      config_.worker_threads = n;
      return *this;
    }
    // The most threads spawn_blocking may use at once (default 512); calls
    // beyond wait for a free thread.
    Builder& max_blocking_threads(std::size_t n) {
      config_.max_blocking_threads = n == 0 ? 1 : n;
      return *this;
    }
    // Called with the exception of a detached task that failed (one whose
    // JoinHandle was dropped) and its spawn site, on the thread where the
    // task finished. Default: report_task_failure (one line on stderr).
    Builder& on_task_exception(TaskFailureHandler handler) {
      config_.on_task_exception = std::move(handler);
      return *this;
    }
    Runtime build() const { return Runtime(config_); }

   private:
    detail::RuntimeConfig config_;
  };

  static Builder builder() { return Builder(); }

  // One worker per CPU.
  Runtime() : Runtime(detail::RuntimeConfig()) {}
  Runtime(Runtime&& other) noexcept : core_(std::exchange(other.core_, nullptr)) {}
  Runtime& operator=(Runtime&&) = delete;
  Runtime(const Runtime&) = delete;
  Runtime& operator=(const Runtime&) = delete;
  ~Runtime() {
    if (core_) detail::destroy_runtime(core_);
  }

  std::size_t worker_count() const noexcept { return detail::runtime_worker_count(core_); }

  // Spawns a future, or a callable returning one (see asyncc::spawn), on the
  // workers. Callable from any thread.
  template <class F>
  JoinHandle<output_of<detail::spawned_t<F>>> spawn(F&& future, SpawnSite site = SpawnSite::current()) {
    return detail::spawn_on(detail::runtime_scheduler(core_), std::forward<F>(future), site);
  }

  // Runs `future` on the calling thread until it is done, and returns its
  // output; the workers run spawned tasks meanwhile. Inside, spawn() and
  // spawn_blocking() reach this runtime, and timers and sockets its reactor.
  template <class F>
  output_of<F> block_on(F future) {
    static_assert(is_future_v<F>, "block_on needs a future: `using Output = ...;` and `Poll<Output> poll(Context&)`");
    detail::RuntimeEnter enter(core_);
    Reactor& own = enter.own_reactor();
    detail::WakeFlagRef flag(own.notifier());
    const Waker waker = flag->waker();
    Context cx(waker);
    for (;;) {
      while (!flag->take()) own.park();
      auto result = future.poll(cx);
      if (result.is_ready()) return std::move(result).value();
    }
  }

 private:
  explicit Runtime(const detail::RuntimeConfig& config) : core_(detail::create_runtime(config)) {}

  detail::RuntimeCore* core_;
};

// Runs `fn` on a thread of the blocking pool of the current Runtime (or of a
// process-wide pool outside any Runtime), and returns a JoinHandle: a future
// of fn's result, which rethrows what fn threw. Aborting it before fn starts
// drops fn; once fn runs, it runs to the end.
template <class Fn>
JoinHandle<std::invoke_result_t<std::decay_t<Fn>&>> spawn_blocking(Fn&& fn,
                                                                   SpawnSite site = SpawnSite::current()) {
  return detail::spawn_on(detail::current_blocking_pool(),
                          detail::BlockingCall<std::decay_t<Fn>>(std::forward<Fn>(fn)), site);
}

}  // namespace asyncc
