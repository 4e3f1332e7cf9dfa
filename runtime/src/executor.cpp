#include <asyncc/executor.hpp>

namespace asyncc::detail {

namespace {

// The scheduler whose tasks, when woken on this thread, go straight to its
// local queue.
thread_local Scheduler* current_scheduler = nullptr;

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

Waker WakeFlag::waker() {
  retain();
  return Waker(RawWaker{this, &kWakeFlagVTable});
}

TaskHeader::TaskHeader(const TaskVTable* vt, Scheduler* s, std::uint32_t initial_refs) noexcept
    : refs(initial_refs), vtable(vt), scheduler(s) {
  scheduler->retain();
}

TaskHeader::~TaskHeader() { scheduler->release(); }

Waker TaskHeader::adopt_as_waker() noexcept { return Waker(RawWaker{this, &kTaskWakerVTable}); }

void TaskHeader::schedule() noexcept {
  TaskState s = state.load(std::memory_order_acquire);
  for (;;) {
    switch (s) {
      case TaskState::Idle:
        if (state.compare_exchange_weak(s, TaskState::Scheduled, std::memory_order_acq_rel)) {
          scheduler->push(this);
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

void Scheduler::release() noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

bool Scheduler::is_current() const noexcept { return current_scheduler == this; }

Scheduler::Enter::Enter(Scheduler* s) noexcept : previous_(current_scheduler) { current_scheduler = s; }
Scheduler::Enter::~Enter() { current_scheduler = previous_; }

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
  if (task->vtable->poll(task, cx)) {
    task->state.store(TaskState::Complete, std::memory_order_release);
    unlink(task);
    std::optional<Waker> join = std::move(task->join_waker);
    task->join_waker.reset();
    task->release();  // the live list's reference
    if (join) std::move(*join).wake();
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
  Enter not_current(nullptr);  // wake-ups from dying futures must not queue
  while (TaskHeader* task = live_head_) {
    unlink(task);
    task->state.store(TaskState::Complete, std::memory_order_release);
    task->cancelled = true;
    task->vtable->cancel(task);
    task->join_waker.reset();
    task->release();
  }
  for (std::vector<TaskHeader*>* queue : {&local_, &batch_, &remote_}) {
    for (TaskHeader* task : *queue) task->release();
    queue->clear();
  }
}

}  // namespace asyncc::detail
