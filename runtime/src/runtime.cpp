#include <asyncc/runtime.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace asyncc::detail {

namespace {

// Every this many tasks a worker looks at the injection queue first, and
// polls the driver without waiting.
constexpr std::uint64_t kGlobalQueueInterval = 31;
constexpr std::uint64_t kDriverInterval = 61;
// How many times in a row a task may take the LIFO slot.
constexpr unsigned kMaxLifoPolls = 3;
// At most this many tasks move from the injection queue at once.
constexpr std::size_t kInjectBatch = 64;

// Where a parked worker waits: in the driver (epoll) if it could take it,
// on a condition variable otherwise. unpark() leaves a permit, so an unpark
// that comes before the park is not lost.
class Parker {
 public:
  void park(std::mutex& driver_mutex, Reactor& driver) {
    block_listened_signals();
    int expected = kNotified;
    if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acq_rel)) return;
    if (driver_mutex.try_lock()) {
      expected = kEmpty;
      if (state_.compare_exchange_strong(expected, kParkedDriver, std::memory_order_acq_rel)) {
        try {
          ReactorAccess::turn(driver, true);
        } catch (...) {
          // epoll_wait failed: nothing to do but try again later.
        }
      }
      state_.exchange(kEmpty, std::memory_order_acq_rel);
      driver_mutex.unlock();
      return;
    }
    std::unique_lock<std::mutex> lock(mutex_);
    expected = kEmpty;
    if (!state_.compare_exchange_strong(expected, kParkedCondvar, std::memory_order_acq_rel)) {
      state_.store(kEmpty, std::memory_order_release);  // notified meanwhile
      return;
    }
    for (;;) {
      condvar_.wait(lock);
      expected = kNotified;
      if (state_.compare_exchange_strong(expected, kEmpty, std::memory_order_acq_rel)) return;
    }
  }

  void unpark(Reactor& driver) {
    switch (state_.exchange(kNotified, std::memory_order_acq_rel)) {
      case kParkedCondvar: {
        { std::lock_guard<std::mutex> lock(mutex_); }
        condvar_.notify_one();
        break;
      }
      case kParkedDriver:
        driver.notifier()->notify();
        break;
      default:  // not parked: the permit is enough
        break;
    }
  }

 private:
  static constexpr int kEmpty = 0;
  static constexpr int kParkedCondvar = 1;
  static constexpr int kParkedDriver = 2;
  static constexpr int kNotified = 3;
  std::atomic<int> state_{kEmpty};
  std::mutex mutex_;
  std::condition_variable condvar_;
};

// A worker's run queue, in the manner of Tokio's: a ring of 256 slots that
// its owner pushes to and pops from without locks, and from which other
// workers steal half at a time. `head_` packs two indices: `real`, the next
// task to take, and `steal`, where a thief that is still copying began (equal
// to `real` when no thief is at work); slots from `steal` on are not reused
// until the thief is done. The owner alone writes `tail_`. Indices wrap.
// The owner's pushes, and the lengths others read, are sequentially
// consistent: a producer that pushes and then finds no idle worker, and a
// worker that goes idle and then finds no task, cannot both miss each other.
class LocalQueue {
 public:
  static constexpr std::uint32_t kCapacity = 256;

  // Owner only. False if the queue is full.
  bool try_push(TaskHeader* task) noexcept {
    const std::uint32_t tail = tail_.load(std::memory_order_relaxed);
    const std::uint32_t steal = steal_of(head_.load(std::memory_order_acquire));
    if (tail - steal >= kCapacity) return false;
    slots_[tail & kMask].store(task, std::memory_order_relaxed);
    tail_.store(tail + 1, std::memory_order_seq_cst);
    return true;
  }

  // Owner only, on a full queue with no thief at work: takes the oldest half
  // into `out`. False if a thief came meanwhile (there is room again, or
  // soon will be).
  bool take_half_for_overflow(std::vector<TaskHeader*>& out) noexcept {
    std::uint64_t head = head_.load(std::memory_order_acquire);
    const std::uint32_t real = real_of(head);
    if (steal_of(head) != real) return false;
    constexpr std::uint32_t half = kCapacity / 2;
    if (!head_.compare_exchange_strong(head, pack(real + half, real + half), std::memory_order_acq_rel,
                                       std::memory_order_acquire))
      return false;
    for (std::uint32_t i = 0; i < half; ++i) out.push_back(slots_[(real + i) & kMask].load(std::memory_order_relaxed));
    return true;
  }

  // Owner only (or anyone once the owner is gone).
  TaskHeader* pop() noexcept {
    std::uint64_t head = head_.load(std::memory_order_acquire);
    for (;;) {
      const std::uint32_t steal = steal_of(head), real = real_of(head);
      if (real == tail_.load(std::memory_order_relaxed)) return nullptr;
      const std::uint32_t next_real = real + 1;
      const std::uint64_t next = steal == real ? pack(next_real, next_real) : pack(steal, next_real);
      if (head_.compare_exchange_weak(head, next, std::memory_order_acq_rel, std::memory_order_acquire))
        return slots_[real & kMask].load(std::memory_order_relaxed);
    }
  }

  // Another worker, the owner of `dst`: moves half of this queue (rounded
  // up) into `dst` and returns one of them to run, or null.
  TaskHeader* steal_into(LocalQueue& dst) noexcept {
    const std::uint32_t dst_tail = dst.tail_.load(std::memory_order_relaxed);
    if (dst_tail - dst.steal_of(dst.head_.load(std::memory_order_acquire)) > kCapacity / 2) return nullptr;
    std::uint64_t head = head_.load(std::memory_order_acquire);
    std::uint32_t n, first;
    for (;;) {
      const std::uint32_t steal = steal_of(head), real = real_of(head);
      if (steal != real) return nullptr;  // another thief is at work
      const std::uint32_t tail = tail_.load(std::memory_order_acquire);
      n = tail - real;
      n -= n / 2;
      if (n == 0) return nullptr;
      if (n > kCapacity / 2) n = kCapacity / 2;
      if (head_.compare_exchange_weak(head, pack(steal, real + n), std::memory_order_acq_rel,
                                      std::memory_order_acquire)) {
        first = steal;
        break;
      }
    }
    for (std::uint32_t i = 0; i < n; ++i)
      dst.slots_[(dst_tail + i) & kMask].store(slots_[(first + i) & kMask].load(std::memory_order_relaxed),
                                               std::memory_order_relaxed);
    // Done copying: the slots may be reused.
    head = pack(first, first + n);
    for (;;) {
      const std::uint64_t done = pack(real_of(head), real_of(head));
      if (head_.compare_exchange_weak(head, done, std::memory_order_acq_rel, std::memory_order_acquire)) break;
    }
    TaskHeader* task = dst.slots_[(dst_tail + n - 1) & kMask].load(std::memory_order_relaxed);
    if (n > 1) dst.tail_.store(dst_tail + n - 1, std::memory_order_seq_cst);
    return task;
  }

  std::uint32_t length() const noexcept {
    const std::uint32_t real = real_of(head_.load(std::memory_order_seq_cst));
    return tail_.load(std::memory_order_seq_cst) - real;
  }
  std::uint32_t room() const noexcept {
    return kCapacity - (tail_.load(std::memory_order_relaxed) - steal_of(head_.load(std::memory_order_acquire)));
  }

 private:
  static constexpr std::uint32_t kMask = kCapacity - 1;
  static constexpr std::uint64_t pack(std::uint32_t steal, std::uint32_t real) noexcept {
    return (static_cast<std::uint64_t>(steal) << 32) | real;
  }
  static constexpr std::uint32_t steal_of(std::uint64_t head) noexcept { return static_cast<std::uint32_t>(head >> 32); }
  static constexpr std::uint32_t real_of(std::uint64_t head) noexcept { return static_cast<std::uint32_t>(head); }

  std::atomic<std::uint64_t> head_{0};
  std::atomic<std::uint32_t> tail_{0};
  std::atomic<TaskHeader*> slots_[kCapacity] = {};
};

}  // namespace

class BlockingPool;

struct Worker {
  RuntimeCore* core = nullptr;
  std::size_t index = 0;
  // Touched by the worker's own thread only.
  TaskHeader* lifo = nullptr;
  unsigned lifo_polls = 0;
  bool searching = false;
  std::uint64_t tick = 0;
  std::uint32_t rng = 0;
  std::vector<TaskHeader*> batch;
  std::vector<TaskHeader*> overflow;
  // Tasks that woke themselves while polled (yields), set aside until the
  // worker runs out of other work or polls the driver.
  std::vector<TaskHeader*> deferred;
  // Shared with the other workers.
  LocalQueue queue;
  Parker parker;
  std::thread thread;

  std::uint32_t next_random() noexcept {
    // xorshift32
    rng ^= rng << 13;
    rng ^= rng >> 17;
    rng ^= rng << 5;
    return rng;
  }
};

namespace {
thread_local Worker* current_worker = nullptr;
thread_local SchedulerBase* current_pool = nullptr;
}  // namespace

// The threads of spawn_blocking. Tasks wait in a FIFO queue; a thread is
// started when a call waits and no thread is idle, up to the bound.
class BlockingPool final : public SchedulerBase {
 public:
  // `spawner`: where spawn() on the pool's threads goes (null: nowhere).
  BlockingPool(std::size_t max_threads, bool owned, SchedulerBase* spawner)
      : max_threads_(max_threads), owned_(owned), spawner_(spawner) {}

  void submit(TaskHeader* task) noexcept override {
    // The live reference is released when the call finishes or is dropped.
    bool closed;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed = closed_;
    }
    if (closed) {
      // The runtime is shutting down: the call is dropped at once.
      task->state.store(TaskState::Complete, std::memory_order_release);
      task->cancel();
      task->finish(true);
      task->release();
      return;
    }
    schedule(task);
  }

  void schedule(TaskHeader* task) noexcept override {
    task->retain();
    std::unique_lock<std::mutex> lock(mutex_);
    if (closed_) {
      lock.unlock();
      task->release();
      return;
    }
    queue_.push_back(task);
    if (idle_ > 0) {
      --idle_;  // claimed: the next call waits for another thread
      ++wakeups_;
      lock.unlock();
      condvar_.notify_one();
      return;
    }
    if (threads_ >= max_threads_) return;  // waits for a busy thread
    // Started under the lock, so that shut_down() sees every thread to join;
    // the thread itself begins by taking the lock.
    try {
      std::thread thread([this] { thread_main(); });
      ++threads_;
      if (owned_)
        handles_.push_back(std::move(thread));
      else
        thread.detach();
    } catch (...) {
      // No thread: the call waits for one that exists (or, with none, for
      // the next call to try again).
    }
  }

  // Refuses new calls and drops those not yet started.
  void close() noexcept {
    std::deque<TaskHeader*> waiting;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      closed_ = true;
      waiting.swap(queue_);
    }
    condvar_.notify_all();
    for (TaskHeader* task : waiting) drop(task);
  }

  // Closes the pool and waits for the calls running on its threads.
  void shut_down() noexcept {
    close();
    std::vector<std::thread> handles;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      handles.swap(handles_);
    }
    for (std::thread& thread : handles) thread.join();
  }

 private:
  ~BlockingPool() override = default;

  static void drop(TaskHeader* task) noexcept {
    TaskState expected = TaskState::Scheduled;
    if (task->state.compare_exchange_strong(expected, TaskState::Complete, std::memory_order_acq_rel)) {
      task->cancel();
      task->finish(true);
      task->release();  // the live reference
    }
    task->release();  // the queue's
  }

  void thread_main() {
    current_pool = this;
    EnterScheduler enter(spawner_);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
      if (!queue_.empty()) {
        TaskHeader* task = queue_.front();
        queue_.pop_front();
        lock.unlock();
        run(task);
        lock.lock();
        continue;
      }
      if (closed_) break;
      block_listened_signals();
      ++idle_;
      bool timed_out = false;
      if (owned_) {
        condvar_.wait(lock, [&] { return wakeups_ > 0 || closed_; });
      } else {
        timed_out = !condvar_.wait_for(lock, std::chrono::seconds(10), [&] { return wakeups_ > 0 || closed_; });
      }
      if (wakeups_ > 0) {
        --wakeups_;  // schedule() took this thread off the idle count
      } else {
        --idle_;
        if (timed_out) break;
      }
    }
    --threads_;
  }

  static void run(TaskHeader* task) {
    const Waker waker = task->adopt_as_waker();  // the queue's reference
    TaskState expected = TaskState::Scheduled;
    if (!task->state.compare_exchange_strong(expected, TaskState::Running, std::memory_order_acq_rel)) return;
    Context cx(waker);
    task->poll_or_abort(cx);  // a blocking call finishes in its only poll
    task->finish(true);
    task->release();  // the live reference
  }

  std::mutex mutex_;
  std::condition_variable condvar_;
  std::deque<TaskHeader*> queue_;
  std::size_t threads_ = 0;
  std::size_t idle_ = 0;
  std::size_t wakeups_ = 0;
  const std::size_t max_threads_;
  const bool owned_;  // threads joined at shut_down; detached otherwise
  SchedulerBase* const spawner_;
  bool closed_ = false;
  std::vector<std::thread> handles_;
};

class RuntimeCore final : public SchedulerBase {
 public:
  explicit RuntimeCore(const RuntimeConfig& config)
      : driver_(ReactorAccess::create_shared()),
        blocking_(new BlockingPool(config.max_blocking_threads, true, this)),
        on_task_exception_(config.on_task_exception) {
    std::size_t n = config.worker_threads;
    if (n == 0) n = std::max(1u, std::thread::hardware_concurrency());
    workers_.reserve(n);
    for (std::size_t i = 0; i < n; ++i) {
      workers_.push_back(std::make_unique<Worker>());
      workers_[i]->core = this;
      workers_[i]->index = i;
      workers_[i]->rng = static_cast<std::uint32_t>(0x9e3779b9u * (i + 1));
    }
  }

  void start() {
    for (auto& worker : workers_) {
      Worker* w = worker.get();
      w->thread = std::thread([this, w] { worker_main(w); });
    }
  }

  void shut_down() noexcept {
    if (current_worker && current_worker->core == this)
      contract_violation("a Runtime was destroyed on one of its own worker threads");
    shutdown_.store(true, std::memory_order_seq_cst);
    for (auto& worker : workers_) worker->parker.unpark(*driver_);
    for (auto& worker : workers_)
      if (worker->thread.joinable()) worker->thread.join();
    blocking_->shut_down();
    blocking_->release();
    blocking_ = nullptr;
  }

  std::size_t worker_count() const noexcept { return workers_.size(); }
  Reactor* driver() const noexcept { return driver_.get(); }
  BlockingPool* blocking_pool() const noexcept { return blocking_; }

  void submit(TaskHeader* task) noexcept override {
    bool accepted;
    {
      LiveShard& shard = shard_of(task);
      std::lock_guard<std::mutex> lock(shard.mutex);
      accepted = !shard.closed;
      if (accepted) {
        task->prev = nullptr;
        task->next = shard.head;
        if (shard.head) shard.head->prev = task;
        shard.head = task;
      }
    }
    if (!accepted) {
      // Spawned while the runtime shuts down: dropped at once.
      task->state.store(TaskState::Complete, std::memory_order_release);
      task->cancel();
      task->finish(true);
      task->release();
      return;
    }
    schedule(task);
  }

  void schedule(TaskHeader* task) noexcept override {
    task->retain();
    Worker* w = current_worker;
    if (w && w->core == this) {
      // The LIFO slot; what it held goes to the queue, where others may steal it.
      TaskHeader* displaced = std::exchange(w->lifo, task);
      if (displaced) {
        push_local(w, displaced);
        notify_parked();
      }
      return;
    }
    if (!push_inject(task)) return;
    notify_parked();
  }

  void report_failure(TaskHeader& task) noexcept override {
    if (!on_task_exception_) return report_task_failure(task.error, task.site);
    try {
      on_task_exception_(task.error, task.site);
    } catch (...) {
      report_task_failure(std::current_exception(), task.site);
    }
  }

 private:
  ~RuntimeCore() override = default;

  // ---- the lists of live tasks (for shutdown), sharded by address ----
  static constexpr std::size_t kLiveShards = 32;
  struct alignas(64) LiveShard {
    std::mutex mutex;
    TaskHeader* head = nullptr;
    bool closed = false;
  };
  LiveShard& shard_of(const TaskHeader* task) noexcept {
    return live_[(reinterpret_cast<std::uintptr_t>(task) >> 6) % kLiveShards];
  }
  void unlink(TaskHeader* task) noexcept {
    LiveShard& shard = shard_of(task);
    std::lock_guard<std::mutex> lock(shard.mutex);
    (task->prev ? task->prev->next : shard.head) = task->next;
    if (task->next) task->next->prev = task->prev;
    task->prev = task->next = nullptr;
  }

  // ---- queues ----
  // Queues a task on `w`'s own queue; when that is full, half of it (and the
  // task) goes to the injection queue.
  void push_local(Worker* w, TaskHeader* task) noexcept {
    for (;;) {
      if (w->queue.try_push(task)) return;
      w->overflow.clear();
      if (w->queue.take_half_for_overflow(w->overflow)) {
        w->overflow.push_back(task);
        push_inject_batch(w->overflow);
        return;
      }
      // A thief is copying: this one task goes to the injection queue.
      if (w->queue.room() == 0) {
        w->overflow.clear();
        w->overflow.push_back(task);
        push_inject_batch(w->overflow);
        return;
      }
    }
  }

  void push_inject_batch(const std::vector<TaskHeader*>& tasks) noexcept {
    {
      std::lock_guard<std::mutex> lock(inject_mutex_);
      if (!inject_closed_) {
        inject_.insert(inject_.end(), tasks.begin(), tasks.end());
        inject_length_.fetch_add(tasks.size(), std::memory_order_seq_cst);
        return;
      }
    }
    for (TaskHeader* task : tasks) task->release();
  }

  bool push_inject(TaskHeader* task) noexcept {
    {
      std::lock_guard<std::mutex> lock(inject_mutex_);
      if (!inject_closed_) {
        inject_.push_back(task);
        inject_length_.fetch_add(1, std::memory_order_seq_cst);
        return true;
      }
    }
    task->release();  // the runtime is gone; so is the task's future
    return false;
  }

  // Takes a batch from the injection queue: one to run, the rest to `w`'s queue.
  TaskHeader* pop_inject(Worker* w) {
    if (inject_length_.load(std::memory_order_relaxed) == 0) return nullptr;
    w->batch.clear();
    {
      std::lock_guard<std::mutex> lock(inject_mutex_);
      std::size_t n = inject_.size();
      if (n == 0) return nullptr;
      n = std::min(kInjectBatch, std::max<std::size_t>(1, n / workers_.size()));
      n = std::min<std::size_t>(n, w->queue.room() + 1);
      w->batch.insert(w->batch.end(), inject_.begin(), inject_.begin() + static_cast<std::ptrdiff_t>(n));
      inject_.erase(inject_.begin(), inject_.begin() + static_cast<std::ptrdiff_t>(n));
      inject_length_.fetch_sub(n, std::memory_order_seq_cst);
    }
    for (std::size_t i = 1; i < w->batch.size(); ++i) push_local(w, w->batch[i]);
    if (w->batch.size() > 1) notify_parked();
    return w->batch.front();
  }

  TaskHeader* next_task(Worker* w) {
    if (w->tick % kGlobalQueueInterval == 0) {
      if (TaskHeader* task = pop_inject(w)) return task;
    }
    if (w->lifo) {
      if (w->lifo_polls < kMaxLifoPolls) {
        ++w->lifo_polls;
        return std::exchange(w->lifo, nullptr);
      }
      push_local(w, std::exchange(w->lifo, nullptr));
      notify_parked();
    }
    w->lifo_polls = 0;
    if (TaskHeader* task = w->queue.pop()) return task;
    return pop_inject(w);
  }

  TaskHeader* steal_work(Worker* w) {
    if (!w->searching) {
      // At most half the workers search at once.
      if (2 * num_searching_.load(std::memory_order_seq_cst) >= workers_.size()) return nullptr;
      w->searching = true;
      num_searching_.fetch_add(1, std::memory_order_seq_cst);
    }
    const std::size_t n = workers_.size();
    const std::size_t start = w->next_random() % n;
    for (std::size_t i = 0; i < n; ++i) {
      Worker* victim = workers_[(start + i) % n].get();
      if (victim == w) continue;
      if (TaskHeader* task = victim->queue.steal_into(w->queue)) return task;
    }
    return pop_inject(w);
  }

  // A searching worker found work: if it was the last one searching, wake
  // another to look for more.
  void stop_searching(Worker* w) {
    w->searching = false;
    if (num_searching_.fetch_sub(1, std::memory_order_seq_cst) == 1) notify_parked();
  }

  // Wakes one parked worker, unless one is already searching.
  void notify_parked() noexcept {
    if (num_searching_.load(std::memory_order_seq_cst) != 0 || num_idle_.load(std::memory_order_seq_cst) == 0)
      return;
    Worker* w = nullptr;
    {
      std::lock_guard<std::mutex> lock(idle_mutex_);
      if (num_searching_.load(std::memory_order_seq_cst) != 0 || sleepers_.empty()) return;
      w = sleepers_.back();
      sleepers_.pop_back();
      num_idle_.fetch_sub(1, std::memory_order_seq_cst);
      // It wakes up searching.
      num_searching_.fetch_add(1, std::memory_order_seq_cst);
    }
    w->parker.unpark(*driver_);
  }

  bool has_work(Worker* w) const noexcept {
    if (w->lifo || inject_length_.load(std::memory_order_seq_cst) != 0) return true;
    for (const auto& worker : workers_)
      if (worker->queue.length() != 0) return true;
    return false;
  }

  void park(Worker* w) {
    {
      std::lock_guard<std::mutex> lock(idle_mutex_);
      sleepers_.push_back(w);
      num_idle_.fetch_add(1, std::memory_order_seq_cst);
      if (w->searching) {
        w->searching = false;
        num_searching_.fetch_sub(1, std::memory_order_seq_cst);
      }
    }
    // Look once more: work queued before this worker counted as idle was
    // queued by a producer that may not have seen it idle.
    if (!has_work(w) && !shutdown_.load(std::memory_order_seq_cst)) w->parker.park(driver_mutex_, *driver_);
    std::lock_guard<std::mutex> lock(idle_mutex_);
    auto it = std::find(sleepers_.begin(), sleepers_.end(), w);
    if (it != sleepers_.end()) {
      sleepers_.erase(it);
      num_idle_.fetch_sub(1, std::memory_order_seq_cst);
    } else {
      w->searching = true;  // woken by notify_parked, which counted it searching
    }
  }

  // Polls the driver without waiting, if no other worker has it.
  void poll_driver() {
    if (!driver_mutex_.try_lock()) return;
    try {
      ReactorAccess::turn(*driver_, false);
    } catch (...) {
    }
    driver_mutex_.unlock();
  }

  void run_task(Worker* w, TaskHeader* task) {
    if (w->searching) stop_searching(w);
    // The queue's reference becomes the waker's for this poll.
    const Waker waker = task->adopt_as_waker();
    TaskState queued = TaskState::Scheduled;
    if (!task->state.compare_exchange_strong(queued, TaskState::Running, std::memory_order_acq_rel)) return;
    Context cx(waker);
    if (task->poll_or_abort(cx)) {
      unlink(task);
      task->finish(true);
      task->release();  // the live list's reference
      return;
    }
    TaskState expected = TaskState::Running;
    if (!task->state.compare_exchange_strong(expected, TaskState::Idle, std::memory_order_acq_rel)) {
      // Woken during its own poll (a yield): set aside, so that a task that
      // yields in a loop does not take turns with every task woken or
      // spawned meanwhile, which run first.
      task->state.store(TaskState::Scheduled, std::memory_order_release);
      task->retain();
      w->deferred.push_back(task);
    }
  }

  // Queues the tasks set aside by yields, behind the tasks already queued.
  bool requeue_deferred(Worker* w) {
    if (w->deferred.empty()) return false;
    for (TaskHeader* task : w->deferred) push_local(w, task);
    w->deferred.clear();
    notify_parked();
    return true;
  }

  void worker_main(Worker* w) {
    current_worker = w;
    current_pool = blocking_;
    EnterScheduler enter(this);
    ReactorAccess::enter(driver_.get());
    while (!shutdown_.load(std::memory_order_acquire)) {
      ++w->tick;
      if (w->tick % kDriverInterval == 0) {
        poll_driver();
        requeue_deferred(w);
      }
      TaskHeader* task = next_task(w);
      if (!task) task = steal_work(w);
      if (!task && requeue_deferred(w)) continue;
      if (task) {
        run_task(w, task);
        continue;
      }
      park(w);
    }
    if (exited_.fetch_add(1, std::memory_order_acq_rel) + 1 == workers_.size()) drop_all_tasks();
    ReactorAccess::enter(nullptr);
    current_pool = nullptr;
    current_worker = nullptr;
  }

  // On the last worker to stop: every unfinished task's future is dropped,
  // then what the queues still hold, then the blocking calls not started.
  void drop_all_tasks() noexcept {
    std::deque<TaskHeader*> injected;
    {
      std::lock_guard<std::mutex> lock(inject_mutex_);
      inject_closed_ = true;
      injected.swap(inject_);
      inject_length_.store(0, std::memory_order_seq_cst);
    }
    for (TaskHeader* task : injected) task->release();
    for (LiveShard& shard : live_) {
      std::lock_guard<std::mutex> lock(shard.mutex);
      shard.closed = true;
    }
    for (LiveShard& shard : live_) {
      for (;;) {
        TaskHeader* task;
        {
          std::lock_guard<std::mutex> lock(shard.mutex);
          task = shard.head;
          if (!task) break;
          shard.head = task->next;
          if (shard.head) shard.head->prev = nullptr;
          task->prev = task->next = nullptr;
        }
        // The futures dropped here may wake or spawn tasks: a wake queues a
        // task on this worker (dropped below), a spawn is refused.
        task->state.exchange(TaskState::Complete, std::memory_order_acq_rel);
        task->cancel();
        task->finish(true);
        task->release();  // the live list's reference
      }
    }
    for (auto& worker : workers_) {
      if (TaskHeader* task = std::exchange(worker->lifo, nullptr)) task->release();
      while (TaskHeader* task = worker->queue.pop()) task->release();
      for (TaskHeader* task : worker->deferred) task->release();
      worker->deferred.clear();
    }
    blocking_->close();
  }

  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<Reactor> driver_;
  std::mutex driver_mutex_;  // held by the worker parked in, or polling, the driver
  BlockingPool* blocking_;
  TaskFailureHandler on_task_exception_;

  std::mutex inject_mutex_;
  std::deque<TaskHeader*> inject_;
  std::atomic<std::size_t> inject_length_{0};
  bool inject_closed_ = false;  // guarded by inject_mutex_

  std::mutex idle_mutex_;
  std::vector<Worker*> sleepers_;
  std::atomic<std::size_t> num_idle_{0};
  std::atomic<std::size_t> num_searching_{0};

  LiveShard live_[kLiveShards];

  std::atomic<bool> shutdown_{false};
  std::atomic<std::size_t> exited_{0};
};

RuntimeCore* create_runtime(const RuntimeConfig& config) {
  auto* core = new RuntimeCore(config);
  try {
    core->start();
  } catch (...) {
    destroy_runtime(core);
    throw;
  }
  return core;
}

void destroy_runtime(RuntimeCore* core) noexcept {
  core->shut_down();
  core->release();
}

SchedulerBase* runtime_scheduler(RuntimeCore* core) noexcept { return core; }

std::size_t runtime_worker_count(const RuntimeCore* core) noexcept { return core->worker_count(); }

RuntimeEnter::RuntimeEnter(RuntimeCore* core) : scheduler_(core) {
  if (current_worker)
    contract_violation(
        "Runtime::block_on was called on a worker of a Runtime (it would block the worker; await the future "
        "instead)");
  previous_reactor_ = ReactorAccess::enter(nullptr);
  own_ = &Reactor::current();
  ReactorAccess::enter(core->driver());
  previous_pool_ = std::exchange(current_pool, core->blocking_pool());
}

RuntimeEnter::~RuntimeEnter() {
  ReactorAccess::enter(previous_reactor_);
  current_pool = previous_pool_;
}

SchedulerBase* current_blocking_pool() {
  if (current_pool) return current_pool;
  // Outside any Runtime: a process-wide pool whose idle threads exit after
  // ten seconds. Never destroyed: a detached thread may still be using it.
  static BlockingPool* global = new BlockingPool(512, false, nullptr);
  return global;
}

}  // namespace asyncc::detail
