// Executors: block_on drives one future on the calling thread; LocalExecutor
// runs many spawned tasks on one thread. Both park in the thread's reactor
// when nothing is ready, and are woken by wakers only.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>

#include <atomic>
#include <cstdint>
#include <exception>
#include <functional>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>
#include <type_traits>
#include <utility>
#include <vector>

namespace asyncc {

namespace detail {

// A flag set by a waker, which then notifies the thread that waits for it.
// Reference-counted so that wakers may outlive whoever waits.
class WakeFlag {
 public:
  static WakeFlag* create(Notifier* notifier) { return new WakeFlag(notifier); }

  // A new waker holding one reference.
  Waker waker();
  // True once after each wake-up.
  bool take() noexcept { return woken_.exchange(false, std::memory_order_acquire); }
  bool is_set() const noexcept { return woken_.load(std::memory_order_acquire); }
  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  void wake() noexcept {
    woken_.store(true, std::memory_order_release);
    notifier_->notify();
  }

 private:
  explicit WakeFlag(Notifier* notifier) noexcept : notifier_(notifier) { notifier_->retain(); }
  ~WakeFlag() { notifier_->release(); }

  std::atomic<std::uint32_t> refs_{1};
  std::atomic<bool> woken_{true};  // the first poll needs no wake-up
  Notifier* notifier_;
};

// Owns one reference to a WakeFlag.
class WakeFlagRef {
 public:
  explicit WakeFlagRef(Notifier* notifier) : flag_(WakeFlag::create(notifier)) {}
  ~WakeFlagRef() { flag_->release(); }
  WakeFlagRef(const WakeFlagRef&) = delete;
  WakeFlagRef& operator=(const WakeFlagRef&) = delete;
  WakeFlag* operator->() const noexcept { return flag_; }

 private:
  WakeFlag* flag_;
};

}  // namespace detail

// Runs `future` to completion on the calling thread and returns its output.
// The future stays pinned in this call's frame. Between polls the thread
// parks in its reactor (firing timers) until the future's waker is woken,
// from this thread or any other.
template <class F>
output_of<F> block_on(F future) {
  static_assert(is_future_v<F>, "block_on needs a future: `using Output = ...;` and `Poll<Output> poll(Context&)`");
  Reactor& reactor = Reactor::current();
  detail::WakeFlagRef flag(reactor.notifier());
  const Waker waker = flag->waker();
  Context cx(waker);
  for (;;) {
    while (!flag->take()) reactor.park();
    auto result = future.poll(cx);
    if (result.is_ready()) return std::move(result).value();
  }
}

// Raised by a JoinHandle whose task was dropped before it finished: aborted,
// or dropped with its executor.
class task_cancelled : public std::runtime_error {
 public:
  task_cancelled() : std::runtime_error("asyncc: the task was cancelled before it finished") {}
};

// Where a task was spawned: the file, line and function of the call to
// spawn, taken by a default argument (empty where the compiler cannot tell).
struct SpawnSite {
  const char* file = nullptr;
  unsigned line = 0;
  const char* function = nullptr;

#if defined(__GNUC__) || defined(__clang__)
  static constexpr SpawnSite current(const char* file = __builtin_FILE(), unsigned line = __builtin_LINE(),
                                     const char* function = __builtin_FUNCTION()) noexcept {
    return SpawnSite{file, line, function};
  }
#else
  static constexpr SpawnSite current() noexcept { return SpawnSite{}; }
#endif
};

// What is called when a detached task fails: its JoinHandle was dropped, so
// nobody else will see the exception. Runs on the thread where the task
// finished (or where its handle was dropped, if that came last).
using TaskFailureHandler = std::function<void(std::exception_ptr error, const SpawnSite& site)>;

// The default handler: one line on stderr, naming the spawn site and the
// exception's what().
void report_task_failure(std::exception_ptr error, const SpawnSite& site) noexcept;

template <class T>
class JoinHandle;
class LocalExecutor;

namespace detail {

enum class TaskState : std::uint8_t {
  Idle,             // waiting for a wake-up
  Scheduled,        // in a ready queue
  Running,          // being polled
  RunningNotified,  // woken while being polled: queue again afterwards
  Complete,         // finished, failed or cancelled; the future is gone
};

struct TaskHeader;

// What runs tasks: LocalExecutor's Scheduler, the Runtime, the blocking pool.
// Reference-counted: tasks and their wakers keep it alive.
class SchedulerBase {
 public:
  SchedulerBase() = default;
  SchedulerBase(const SchedulerBase&) = delete;
  SchedulerBase& operator=(const SchedulerBase&) = delete;

  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }

  // Queues a task that was just marked Scheduled; takes a reference.
  virtual void schedule(TaskHeader* task) noexcept = 0;
  // Adopts a new task, which holds one reference for the scheduler's list of
  // live tasks, and queues it. A scheduler that is shutting down cancels it.
  virtual void submit(TaskHeader* task) noexcept = 0;
  // Reports the exception of a task nobody joins.
  virtual void report_failure(TaskHeader& task) noexcept;

 protected:
  virtual ~SchedulerBase() = default;

 private:
  std::atomic<std::uint32_t> refs_{1};
};

// The scheduler whose task runs on the calling thread (null outside any):
// where the free spawn() puts new tasks.
SchedulerBase* current_scheduler() noexcept;

// Marks `s` as the calling thread's current scheduler for the guard's life.
class EnterScheduler {
 public:
  explicit EnterScheduler(SchedulerBase* s) noexcept;
  ~EnterScheduler();
  EnterScheduler(const EnterScheduler&) = delete;
  EnterScheduler& operator=(const EnterScheduler&) = delete;

 private:
  SchedulerBase* previous_;
};

struct TaskVTable {
  // Polls the future; on completion stores the output (or the exception),
  // destroys the future and returns true.
  bool (*poll)(TaskHeader*, Context&);
  // Destroys the future of an unfinished task.
  void (*cancel)(TaskHeader*) noexcept;
  // Frees the task once the last reference is gone.
  void (*destroy)(TaskHeader*) noexcept;
};

// The type-independent part of a spawned task. The task is allocated once
// and never moves, so its future stays pinned for its whole life. Kept to 96
// bytes on 64-bit targets: the task of a future of up to 16 bytes is then an
// allocation of at most 120 bytes, which glibc serves from its fast bins;
// larger chunks, freed by the thousand, coalesce and are given back to the
// kernel, and the next burst of spawns faults the pages in again.
struct TaskHeader {
  static constexpr std::uint8_t kJoinDetached = 1;   // the JoinHandle is gone
  static constexpr std::uint8_t kJoinDone = 2;       // the task finished
  static constexpr std::uint8_t kJoinCancelled = 4;  // its future was dropped before it finished

  std::atomic<std::uint32_t> refs;
  std::atomic<TaskState> state{TaskState::Scheduled};
  std::atomic<bool> abort_requested{false};
  std::atomic<std::uint8_t> join_flags{0};
  std::atomic<bool> join_lock{false};  // guards join_waker
  const TaskVTable* vtable;
  SchedulerBase* scheduler;
  // Unfinished tasks, owned by the scheduler (guarded by it).
  TaskHeader* prev = nullptr;
  TaskHeader* next = nullptr;
  // Woken when the task completes.
  std::optional<Waker> join_waker;
  std::exception_ptr error;
  SpawnSite site;

  TaskHeader(const TaskVTable* vt, SchedulerBase* s, std::uint32_t initial_refs) noexcept;  // retains s
  ~TaskHeader();  // releases the scheduler
  TaskHeader(const TaskHeader&) = delete;
  TaskHeader& operator=(const TaskHeader&) = delete;

  void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) vtable->destroy(this);
  }
  // A waker that owns one reference, adopted from the caller.
  Waker adopt_as_waker() noexcept;
  void schedule() noexcept;

  // Polls the future, or drops it if an abort was requested; true once the
  // task is finished (its future gone).
  bool poll_or_abort(Context& cx) {
    if (abort_requested.load(std::memory_order_acquire)) {
      cancel();
      return true;
    }
    return vtable->poll(this, cx);
  }
  // Drops the future of an unfinished task.
  void cancel() noexcept {
    join_flags.fetch_or(kJoinCancelled, std::memory_order_relaxed);
    vtable->cancel(this);
  }
  // Marks the finished task Complete, wakes its JoinHandle (or drops the
  // handle's waker), and reports an exception nobody will join.
  void finish(bool wake_joiner) noexcept;

  // Asks for the task to be dropped at its next poll point.
  void abort() noexcept {
    abort_requested.store(true, std::memory_order_release);
    schedule();
  }

  void lock_join() noexcept {
    while (join_lock.exchange(true, std::memory_order_acquire)) {
      while (join_lock.load(std::memory_order_relaxed)) std::this_thread::yield();
    }
  }
  void unlock_join() noexcept { join_lock.store(false, std::memory_order_release); }
  std::optional<Waker> take_join_waker() noexcept;
  // The JoinHandle is gone: a failure the task had or will have is reported.
  void detach(bool output_taken) noexcept;
};

// The output slot of a task: T, a reference, or nothing for void.
template <class T>
struct OutputSlot {
  std::optional<T> value;
  template <class P>
  void store(P&& poll) { value.emplace(std::forward<P>(poll).value()); }
  T take() { T out = std::move(*value); value.reset(); return out; }
  bool empty() const noexcept { return !value; }
};
template <class T>
struct OutputSlot<T&> {
  T* value = nullptr;
  template <class P>
  void store(P&& poll) { value = &poll.value(); }
  T& take() { T& out = *value; value = nullptr; return out; }
  bool empty() const noexcept { return value == nullptr; }
};
template <>
struct OutputSlot<void> {
  bool value = false;
  template <class P>
  void store(P&&) { value = true; }
  void take() { value = false; }
  bool empty() const noexcept { return !value; }
};

template <class T>
struct TaskWithOutput : TaskHeader {
  using TaskHeader::TaskHeader;
  OutputSlot<T> output;
  bool taken = false;
};

template <class F>
struct Task final : TaskWithOutput<output_of<F>> {
  Task(F&& f, SchedulerBase* s, std::uint32_t refs)
      : TaskWithOutput<output_of<F>>(&kVTable, s, refs) {
    ::new (static_cast<void*>(&future)) F(std::move(f));
  }
  ~Task() {}

  static bool poll(TaskHeader* header, Context& cx) {
    Task* self = static_cast<Task*>(header);
    try {
      auto result = self->future.poll(cx);
      if (result.is_pending()) return false;
      self->output.store(std::move(result));
    } catch (...) {
      self->error = std::current_exception();
    }
    self->future.~F();
    return true;
  }
  static void cancel(TaskHeader* header) noexcept { static_cast<Task*>(header)->future.~F(); }
  static void destroy(TaskHeader* header) noexcept { delete static_cast<Task*>(header); }
  static constexpr TaskVTable kVTable{&Task::poll, &Task::cancel, &Task::destroy};

  union {
    F future;
  };
};

// The future of a callable that returns one: the callable is kept alive
// beside its future, which is made by calling it at the first poll. What
// spawn() makes of an ASYNC lambda, whose captures its future refers to.
template <class C>
class CallableFuture {
  using Fut = std::decay_t<std::invoke_result_t<C&>>;

 public:
  using Output = output_of<Fut>;

  explicit CallableFuture(C callable) : callable_(std::move(callable)) {}
  CallableFuture(CallableFuture&& other) : callable_(std::move(other.callable_)) {
    if (other.started_) contract_violation("a spawned callable's future was moved after its first poll (it is pinned)");
  }
  CallableFuture& operator=(CallableFuture&&) = delete;
  ~CallableFuture() {
    if (started_) future_.~Fut();  // before the callable it may refer to
  }

  Poll<Output> poll(Context& cx) {
    if (!started_) {
      ::new (static_cast<void*>(&future_)) Fut(std::invoke(callable_));
      started_ = true;
    }
    return future_.poll(cx);
  }

 private:
  C callable_;
  union {
    Fut future_;
  };
  bool started_ = false;
};

template <class F, class = void>
struct callable_returns_future : std::false_type {};
template <class F>
struct callable_returns_future<F, std::enable_if_t<std::is_invocable_v<F&>>>
    : std::bool_constant<is_future_v<std::decay_t<std::invoke_result_t<F&>>>> {};

// What spawn(f) runs: f itself if it is a future, or a CallableFuture of f
// if f is a callable returning a future.
template <class F, bool = is_future_v<std::decay_t<F>>>
struct spawned {
  using type = std::decay_t<F>;
};
template <class F>
struct spawned<F, false> {
  static_assert(callable_returns_future<std::decay_t<F>>::value,
                "spawn needs a future (`using Output = ...;` and `Poll<Output> poll(Context&)`) or a callable "
                "that returns one, such as an ASYNC lambda");
  using type = CallableFuture<std::decay_t<F>>;
};
template <class F>
using spawned_t = typename spawned<F>::type;

struct JoinHandleAccess {
  template <class T>
  static JoinHandle<T> make(TaskWithOutput<T>* task) noexcept {
    return JoinHandle<T>(task);
  }
  template <class T>
  static TaskWithOutput<T>* task(const JoinHandle<T>& handle) noexcept {
    return handle.task_;
  }
};

// Allocates the task of `f` and gives it to `s`.
template <class F>
JoinHandle<output_of<spawned_t<F>>> spawn_on(SchedulerBase* s, F&& f, SpawnSite site) {
  using Fut = spawned_t<F>;
  // One reference for the scheduler's list of live tasks, one for the handle.
  auto* task = new Task<Fut>(Fut(std::forward<F>(f)), s, 2);
  task->site = site;
  s->submit(task);
  return JoinHandleAccess::make<output_of<Fut>>(task);
}

// The state a LocalExecutor shares with its tasks' wakers. Wakers reach the
// local queue directly on the executor's thread while it runs, and the
// mutex-protected remote queue from anywhere else.
class Scheduler final : public SchedulerBase {
 public:
  Scheduler();

  void schedule(TaskHeader* task) noexcept override { push(task); }
  void submit(TaskHeader* task) noexcept override;

  // Queues a task that was just marked Scheduled; takes a reference.
  void push(TaskHeader* task) noexcept;
  void link(TaskHeader* task) noexcept;
  void unlink(TaskHeader* task) noexcept;

  // Runs every task that is ready now, once; returns false if none was.
  bool run_ready();
  void run_task(TaskHeader* task);
  // Drops every unfinished task, earliest spawned first.
  void shut_down() noexcept;

  bool has_live_tasks() const noexcept { return live_head_ != nullptr; }
  Notifier* notifier() const noexcept { return notifier_; }
  bool is_current() const noexcept { return current_scheduler() == this; }

 private:
  ~Scheduler() override;

  Notifier* notifier_;
  std::vector<TaskHeader*> local_;
  std::vector<TaskHeader*> batch_;
  std::mutex remote_mutex_;
  std::vector<TaskHeader*> remote_;
  bool closed_ = false;  // guarded by remote_mutex_
  TaskHeader* live_head_ = nullptr;
  TaskHeader* live_tail_ = nullptr;
};

}  // namespace detail

// A handle to a spawned task, and a future for its output. Dropping it
// detaches the task, which keeps running. It may be polled, and the task
// aborted, from any thread.
template <class T>
class JoinHandle {
 public:
  using Output = T;

  JoinHandle(JoinHandle&& other) noexcept : task_(std::exchange(other.task_, nullptr)) {}
  JoinHandle& operator=(JoinHandle&& other) noexcept {
    if (this != &other) {
      reset();
      task_ = std::exchange(other.task_, nullptr);
    }
    return *this;
  }
  ~JoinHandle() { reset(); }

  bool is_finished() const noexcept {
    return task_->state.load(std::memory_order_acquire) == detail::TaskState::Complete;
  }

  // Asks for the task to be dropped at its next poll point, on its executor:
  // its future is destroyed there, unless it finishes first. Awaiting the
  // handle then throws task_cancelled (or yields the output, if the task
  // finished before it saw the abort). A no-op once the task has finished.
  void abort() const noexcept { task_->abort(); }

  Poll<T> poll(Context& cx) {
    if (!is_finished()) {
      std::optional<Waker> old;  // dropped after unlocking
      task_->lock_join();
      const bool finished = is_finished();
      if (!finished && (!task_->join_waker || !task_->join_waker->will_wake(cx.waker()))) {
        old = std::move(task_->join_waker);
        task_->join_waker = cx.waker();
      }
      task_->unlock_join();
      if (!finished) return Poll<T>::pending();
    }
    if (task_->taken) detail::contract_violation("a JoinHandle was polled after it returned its output");
    task_->taken = true;
    if (task_->error) std::rethrow_exception(task_->error);
    if (task_->join_flags.load(std::memory_order_relaxed) & detail::TaskHeader::kJoinCancelled) throw task_cancelled();
    if constexpr (std::is_void_v<T>) {
      return Poll<void>::ready();
    } else {
      return Poll<T>::ready(task_->output.take());
    }
  }

 private:
  friend struct detail::JoinHandleAccess;
  explicit JoinHandle(detail::TaskWithOutput<T>* task) noexcept : task_(task) {}
  void reset() noexcept {
    if (task_) {
      task_->detach(task_->taken);
      task_->release();
      task_ = nullptr;
    }
  }

  detail::TaskWithOutput<T>* task_;
};

// Spawns `f` on the executor running the current task (a Runtime or a
// LocalExecutor; also inside Runtime::block_on and LocalExecutor::block_on).
// `f` is a future, or a callable returning one, such as an ASYNC lambda: the
// callable is then kept alive, in the task, as long as its future, which
// makes `spawn([captures] ASYNC () -> Async<T> {...})` safe where
// `spawn([captures] ASYNC () -> Async<T> {...}())` would dangle.
// Calling it anywhere else is a contract violation.
template <class F>
JoinHandle<output_of<detail::spawned_t<F>>> spawn(F&& f, SpawnSite site = SpawnSite::current()) {
  detail::SchedulerBase* s = detail::current_scheduler();
  if (!s) detail::contract_violation("asyncc::spawn was called outside a Runtime or LocalExecutor");
  return detail::spawn_on(s, std::forward<F>(f), site);
}

// A single-threaded executor. spawn() allocates each task once; run() polls
// tasks only after they were woken, at most once per batch of wake-ups, and
// parks in the reactor when none is ready. Dropping the executor drops every
// unfinished task's future.
class LocalExecutor {
 public:
  LocalExecutor() : scheduler_(new detail::Scheduler) {}
  ~LocalExecutor() {
    scheduler_->shut_down();
    scheduler_->release();
  }
  LocalExecutor(const LocalExecutor&) = delete;
  LocalExecutor& operator=(const LocalExecutor&) = delete;

  // Spawns a future, or a callable returning one (see asyncc::spawn).
  template <class F>
  JoinHandle<output_of<detail::spawned_t<F>>> spawn(F&& future, SpawnSite site = SpawnSite::current()) {
    return detail::spawn_on(scheduler_, std::forward<F>(future), site);
  }

  // Runs until every spawned task has finished.
  void run() {
    detail::EnterScheduler enter(scheduler_);
    Reactor& reactor = Reactor::current();
    while (scheduler_->has_live_tasks()) {
      if (!scheduler_->run_ready()) reactor.park();
    }
  }

  // Runs `future` here, and spawned tasks beside it, until `future` is done.
  template <class F>
  output_of<F> block_on(F future) {
    static_assert(is_future_v<F>, "block_on needs a future: `using Output = ...;` and `Poll<Output> poll(Context&)`");
    detail::EnterScheduler enter(scheduler_);
    Reactor& reactor = Reactor::current();
    detail::WakeFlagRef flag(reactor.notifier());
    const Waker waker = flag->waker();
    Context cx(waker);
    for (;;) {
      if (flag->take()) {
        auto result = future.poll(cx);
        if (result.is_ready()) return std::move(result).value();
      }
      if (!scheduler_->run_ready() && !flag->is_set()) reactor.park();
    }
  }

 private:
  detail::Scheduler* scheduler_;
};

}  // namespace asyncc
