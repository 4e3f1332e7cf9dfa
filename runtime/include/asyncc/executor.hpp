// Executors: block_on drives one future on the calling thread; LocalExecutor
// runs many spawned tasks on one thread. Both park in the thread's reactor
// when nothing is ready, and are woken by wakers only.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>

#include <atomic>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <stdexcept>
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

// Raised by a JoinHandle whose task was dropped before it finished.
class task_cancelled : public std::runtime_error {
 public:
  task_cancelled() : std::runtime_error("asyncc: the task was cancelled before it finished") {}
};

template <class T>
class JoinHandle;
class LocalExecutor;

namespace detail {

class Scheduler;

enum class TaskState : std::uint8_t {
  Idle,             // waiting for a wake-up
  Scheduled,        // in a ready queue
  Running,          // being polled
  RunningNotified,  // woken while being polled: queue again afterwards
  Complete,         // finished, failed or cancelled; the future is gone
};

struct TaskHeader;

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
// and never moves, so its future stays pinned for its whole life.
struct TaskHeader {
  std::atomic<std::uint32_t> refs;
  std::atomic<TaskState> state{TaskState::Scheduled};
  const TaskVTable* vtable;
  Scheduler* scheduler;
  // Unfinished tasks, in spawn order, owned by the scheduler.
  TaskHeader* prev = nullptr;
  TaskHeader* next = nullptr;
  // Woken when the task completes; touched only on the executor's thread.
  std::optional<Waker> join_waker;
  std::exception_ptr error;
  bool cancelled = false;

  TaskHeader(const TaskVTable* vt, Scheduler* s, std::uint32_t initial_refs) noexcept;  // retains s
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
  Task(F&& f, Scheduler* s, std::uint32_t refs)
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

// The state a LocalExecutor shares with its tasks' wakers. Wakers reach the
// local queue directly on the executor's thread while it runs, and the
// mutex-protected remote queue from anywhere else.
class Scheduler {
 public:
  Scheduler();
  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept;

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
  bool is_current() const noexcept;

  // Marks this scheduler as the one whose tasks wake into the local queue,
  // for the lifetime of the guard.
  class Enter {
   public:
    explicit Enter(Scheduler* s) noexcept;
    ~Enter();
    Enter(const Enter&) = delete;
    Enter& operator=(const Enter&) = delete;

   private:
    Scheduler* previous_;
  };

 private:
  ~Scheduler();

  std::atomic<std::uint32_t> refs_{1};
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
// detaches the task, which keeps running. Poll it on the executor's thread.
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

  Poll<T> poll(Context& cx) {
    if (!is_finished()) {
      if (!task_->join_waker || !task_->join_waker->will_wake(cx.waker())) task_->join_waker = cx.waker();
      return Poll<T>::pending();
    }
    if (task_->taken) detail::contract_violation("a JoinHandle was polled after it returned its output");
    task_->taken = true;
    if (task_->error) std::rethrow_exception(task_->error);
    if (task_->cancelled) throw task_cancelled();
    if constexpr (std::is_void_v<T>) {
      return Poll<void>::ready();
    } else {
      return Poll<T>::ready(task_->output.take());
    }
  }

 private:
  friend class LocalExecutor;
  explicit JoinHandle(detail::TaskWithOutput<T>* task) noexcept : task_(task) {}
  void reset() noexcept {
    if (task_) {
      task_->join_waker.reset();
      task_->release();
      task_ = nullptr;
    }
  }

  detail::TaskWithOutput<T>* task_;
};

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

  template <class F>
  JoinHandle<output_of<std::decay_t<F>>> spawn(F&& future) {
    using Fut = std::decay_t<F>;
    static_assert(is_future_v<Fut>, "spawn needs a future: `using Output = ...;` and `Poll<Output> poll(Context&)`");
    // One reference for the scheduler's list of live tasks, one for the
    // handle; the ready queue takes its own.
    auto* task = new detail::Task<Fut>(Fut(std::forward<F>(future)), scheduler_, 2);
    scheduler_->link(task);
    scheduler_->push(task);
    return JoinHandle<output_of<Fut>>(task);
  }

  // Runs until every spawned task has finished.
  void run() {
    detail::Scheduler::Enter enter(scheduler_);
    Reactor& reactor = Reactor::current();
    while (scheduler_->has_live_tasks()) {
      if (!scheduler_->run_ready()) reactor.park();
    }
  }

  // Runs `future` here, and spawned tasks beside it, until `future` is done.
  template <class F>
  output_of<F> block_on(F future) {
    static_assert(is_future_v<F>, "block_on needs a future: `using Output = ...;` and `Poll<Output> poll(Context&)`");
    detail::Scheduler::Enter enter(scheduler_);
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
