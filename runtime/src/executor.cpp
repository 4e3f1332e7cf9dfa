#include <asyncc/executor.hpp>

#include <cstdio>
#include <string>
#include <typeinfo>

namespace asyncc {

void report_task_failure(std::exception_ptr error, const SpawnSite& site) noexcept {
  std::string what = "an exception that is not a std::exception";
  try {
    std::rethrow_exception(error);
  } catch (const std::exception& e) {
    what = std::string(e.what()) + " (" + typeid(e).name() + ")";
  } catch (...) {
  }
  if (site.file)
    std::fprintf(stderr, "asyncc: a detached task spawned at %s:%u in %s failed: %s\n", site.file, site.line,
                 site.function ? site.function : "?", what.c_str());
  else
    std::fprintf(stderr, "asyncc: a detached task failed: %s\n", what.c_str());
  std::fflush(stderr);
}

}  // namespace asyncc

namespace asyncc::detail {

namespace {

// The scheduler whose task runs on this thread: LocalExecutor's tasks woken
// here go straight to its local queue, and the free spawn() goes to it.
thread_local SchedulerBase* current = nullptr;

const TaskHeader* task_of(const void* data) noexcept { return static_cast<const TaskHeader*>(data); }
TaskHeader* mutable_task_of(const void* data) noexcept {
  return const_cast<TaskHeader*>(task_of(data));
}

constexpr RawWakerVTable kTaskWakerVTable{
    [](const void* data) {
      mutable_task_of(data)->retain();
      return RawWaker{data, &kTaskWakerVTable};
    },
    [](const void* data) {
      TaskHeader* task = mutable_task_of(data);
      task->schedule();
      task->release();
    },
    [](const void* data) { mutable_task_of(data)->schedule(); },
    [](const void* data) { mutable_task_of(data)->release(); },
};

WakeFlag* flag_of(const void* data) noexcept { return static_cast<WakeFlag*>(const_cast<void*>(data)); }

constexpr RawWakerVTable kWakeFlagVTable{
    [](const void* data) {
      flag_of(data)->retain();
      return RawWaker{data, &kWakeFlagVTable};
    },
    [](const void* data) {
      flag_of(data)->wake();
      flag_of(data)->release();
    },
    [](const void* data) { flag_of(data)->wake(); },
    [](const void* data) { flag_of(data)->release(); },
};

}  // namespace

SchedulerBase* current_scheduler() noexcept { return current; }

EnterScheduler::EnterScheduler(SchedulerBase* s) noexcept : previous_(current) { current = s; }
EnterScheduler::~EnterScheduler() { current = previous_; }

void SchedulerBase::report_failure(TaskHeader& task) noexcept { report_task_failure(task.error, task.site); }

Waker WakeFlag::waker() {
  retain();
  return Waker(RawWaker{this, &kWakeFlagVTable});
}

static_assert(sizeof(void*) != 8 || sizeof(TaskHeader) <= 96,
              "TaskHeader grew: see its comment in executor.hpp before letting it");

TaskHeader::TaskHeader(const TaskVTable* vt, SchedulerBase* s, std::uint32_t initial_refs) noexcept
    : refs(initial_refs), vtable(vt), scheduler(s) {
  scheduler->retain();
}

TaskHeader::~TaskHeader() { scheduler->release(); }

std::optional<Waker> TaskHeader::take_join_waker() noexcept {
  std::optional<Waker> join;
  lock_join();
  if (join_waker) {
    join.emplace(std::move(*join_waker));
    join_waker.reset();
  }
  unlock_join();
  return join;
}

void TaskHeader::finish(bool wake_joiner) noexcept {
  state.store(TaskState::Complete, std::memory_order_release);
  std::optional<Waker> join = take_join_waker();
  if ((join_flags.fetch_or(kJoinDone, std::memory_order_acq_rel) & kJoinDetached) && error)
    scheduler->report_failure(*this);
  if (join && wake_joiner) std::move(*join).wake();
}

void TaskHeader::detach(bool output_taken) noexcept {
  std::optional<Waker> join = take_join_waker();
  if ((join_flags.fetch_or(kJoinDetached, std::memory_order_acq_rel) & kJoinDone) && error && !output_taken)
    scheduler->report_failure(*this);
}

Waker TaskHeader::adopt_as_waker() noexcept { return Waker(RawWaker{this, &kTaskWakerVTable}); }

void TaskHeader::schedule() noexcept {
  TaskState s = state.load(std::memory_order_acquire);
  for (;;) {
    switch (s) {
      case TaskState::Idle:
        if (state.compare_exchange_weak(s, TaskState::Scheduled, std::memory_order_acq_rel)) {
          scheduler->schedule(this);
          return;
        }
        break;
      case TaskState::Running:
        if (state.compare_exchange_weak(s, TaskState::RunningNotified, std::memory_order_acq_rel)) return;
        break;
      default:  // already queued, already noted, or finished
        return;
    }
  }
}

Scheduler::Scheduler() : notifier_(Reactor::current().notifier()) { notifier_->retain(); }

Scheduler::~Scheduler() { notifier_->release(); }

void Scheduler::submit(TaskHeader* task) noexcept {
  link(task);
  push(task);
}

void Scheduler::push(TaskHeader* task) noexcept {
  task->retain();
  if (is_current()) {
    local_.push_back(task);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(remote_mutex_);
    if (!closed_) {
      remote_.push_back(task);
      task = nullptr;
    }
  }
  if (task)
    task->release();  // the executor is gone; so is the task's future
  else
    notifier_->notify();
}

void Scheduler::link(TaskHeader* task) noexcept {
  task->prev = live_tail_;
  task->next = nullptr;
  (live_tail_ ? live_tail_->next : live_head_) = task;
  live_tail_ = task;
}

void Scheduler::unlink(TaskHeader* task) noexcept {
  (task->prev ? task->prev->next : live_head_) = task->next;
  (task->next ? task->next->prev : live_tail_) = task->prev;
  task->prev = task->next = nullptr;
}

bool Scheduler::run_ready() {
  {
    std::lock_guard<std::mutex> lock(remote_mutex_);
    if (!remote_.empty()) {
      local_.insert(local_.end(), remote_.begin(), remote_.end());
      remote_.clear();
    }
  }
  if (local_.empty()) return false;
  // One batch: tasks woken while it runs wait for the next one.
  batch_.swap(local_);
  for (std::size_t i = 0; i < batch_.size(); ++i) run_task(batch_[i]);
  batch_.clear();
  return true;
}

void Scheduler::run_task(TaskHeader* task) {
  // The queue's reference becomes the waker's for this poll.
  const Waker waker = task->adopt_as_waker();
  TaskState queued = TaskState::Scheduled;
  if (!task->state.compare_exchange_strong(queued, TaskState::Running, std::memory_order_acq_rel))
    return;  // cancelled while queued
  Context cx(waker);
  if (task->poll_or_abort(cx)) {
    unlink(task);
    task->finish(true);
    task->release();  // the live list's reference
    return;
  }
  TaskState expected = TaskState::Running;
  if (!task->state.compare_exchange_strong(expected, TaskState::Idle, std::memory_order_acq_rel)) {
    // Woken during its own poll: it runs again in the next batch.
    task->state.store(TaskState::Scheduled, std::memory_order_release);
    push(task);
  }
}

void Scheduler::shut_down() noexcept {
  {
    std::lock_guard<std::mutex> lock(remote_mutex_);
    closed_ = true;
  }
  EnterScheduler not_current(nullptr);  // wake-ups from dying futures must not queue
  while (TaskHeader* task = live_head_) {
    unlink(task);
    task->state.store(TaskState::Complete, std::memory_order_release);
    task->cancel();
    task->finish(false);
    task->release();
  }
  for (std::vector<TaskHeader*>* queue : {&local_, &batch_, &remote_}) {
    for (TaskHeader* task : *queue) task->release();
    queue->clear();
  }
}

}  // namespace asyncc::detail
