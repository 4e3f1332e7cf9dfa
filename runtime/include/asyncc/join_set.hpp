// JoinSet<T>: a set of spawned tasks, awaited in the order they finish.
#pragma once

#include <asyncc/completed_value.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/future.hpp>

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <memory>
#include <mutex>
#include <optional>
#include <type_traits>
#include <utility>
#include <vector>

namespace asyncc {

namespace detail {

struct JoinSetEntryBase;

// What a set's tasks share with it: the entries whose tasks have news, and
// the waker of whoever awaits join_next().
struct JoinSetShared {
  std::mutex mutex;
  std::vector<JoinSetEntryBase*> ready;  // each holds a reference
  std::optional<Waker> waker;
  bool closed = false;
};

// One task of a set. Its waker, given to the task's JoinHandle, queues the
// entry on the set's ready list: join_next() polls only the tasks that
// finished (or were never polled), not every task.
struct JoinSetEntryBase {
  explicit JoinSetEntryBase(std::shared_ptr<JoinSetShared> s) : shared(std::move(s)) {}
  virtual ~JoinSetEntryBase() = default;
  JoinSetEntryBase(const JoinSetEntryBase&) = delete;
  JoinSetEntryBase& operator=(const JoinSetEntryBase&) = delete;

  void retain() noexcept { refs.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept {
    if (refs.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
  }
  Waker waker() noexcept {
    retain();
    return Waker(RawWaker{this, &kVTable});
  }
  // Queues this entry on the ready list (once), then wakes the set's waker.
  void notify() {
    std::optional<Waker> set_waker;
    {
      std::lock_guard<std::mutex> lock(shared->mutex);
      if (shared->closed || queued) return;
      queued = true;
      retain();
      shared->ready.push_back(this);
      set_waker = std::move(shared->waker);
      shared->waker.reset();
    }
    if (set_waker) std::move(*set_waker).wake();
  }

  static JoinSetEntryBase* self(const void* data) noexcept {
    return static_cast<JoinSetEntryBase*>(const_cast<void*>(data));
  }
  static RawWaker clone(const void* data) noexcept {
    self(data)->retain();
    return RawWaker{data, &kVTable};
  }
  static void wake(const void* data) noexcept {
    self(data)->notify();
    self(data)->release();
  }
  static void wake_by_ref(const void* data) noexcept { self(data)->notify(); }
  static void drop(const void* data) noexcept { self(data)->release(); }
  static constexpr RawWakerVTable kVTable{&clone, &wake, &wake_by_ref, &drop};

  std::atomic<std::uint32_t> refs{1};  // the set's
  std::shared_ptr<JoinSetShared> shared;
  bool queued = false;  // guarded by shared->mutex
  // The set's list of entries; touched by the set's owner only.
  JoinSetEntryBase* prev = nullptr;
  JoinSetEntryBase* next = nullptr;
};

template <class T>
struct JoinSetEntry final : JoinSetEntryBase {
  JoinSetEntry(std::shared_ptr<JoinSetShared> s, JoinHandle<T> h)
      : JoinSetEntryBase(std::move(s)), handle(std::move(h)) {}
  std::optional<JoinHandle<T>> handle;  // reset when the entry leaves the set
};

}  // namespace detail

// Tasks spawned together and awaited in the order they finish, as Tokio's
// JoinSet. Dropping the set aborts every task still in it. Use the set (spawn,
// join_next) from one task at a time; its tasks run wherever they were spawned.
template <class T>
class JoinSet {
 public:
  class JoinNext;

  JoinSet() : shared_(std::make_shared<detail::JoinSetShared>()) {}
  // Moving a set moves its tasks; a JoinNext of the set must not be alive.
  JoinSet(JoinSet&& other)
      : shared_(std::exchange(other.shared_, std::make_shared<detail::JoinSetShared>())),
        head_(std::exchange(other.head_, nullptr)),
        size_(std::exchange(other.size_, 0)) {}
  JoinSet& operator=(JoinSet&& other) {
    if (this != &other) {
      clear();
      std::swap(shared_, other.shared_);
      head_ = std::exchange(other.head_, nullptr);
      size_ = std::exchange(other.size_, 0);
    }
    return *this;
  }
  JoinSet(const JoinSet&) = delete;
  JoinSet& operator=(const JoinSet&) = delete;
  ~JoinSet() { clear(); }

  // Spawns `f` (a future, or a callable returning one) on the executor
  // running the current task, as asyncc::spawn, and adds it to the set.
  template <class F>
  void spawn(F&& f, SpawnSite site = SpawnSite::current()) {
    insert(asyncc::spawn(std::forward<F>(f), site));
  }

  // Adds a task spawned elsewhere (Runtime::spawn, LocalExecutor::spawn).
  void insert(JoinHandle<T> handle) {
    auto* entry = new detail::JoinSetEntry<T>(shared_, std::move(handle));
    entry->prev = nullptr;
    entry->next = head_;
    if (head_) head_->prev = entry;
    head_ = entry;
    ++size_;
    // Polled once by join_next, which gives the task the entry's waker (or
    // finds it finished already).
    entry->notify();
  }

  std::size_t size() const noexcept { return size_; }
  bool is_empty() const noexcept { return size_ == 0; }

  // Aborts every task in the set; they stay in it, and join_next() yields
  // each of them (throwing task_cancelled for those the abort reached).
  void abort_all() noexcept {
    for (detail::JoinSetEntryBase* e = head_; e; e = e->next) static_cast<Entry*>(e)->handle->abort();
  }

  // Aborts every task and empties the set.
  void clear() noexcept {
    std::vector<detail::JoinSetEntryBase*> ready;
    {
      std::lock_guard<std::mutex> lock(shared_->mutex);
      shared_->closed = true;
      ready.swap(shared_->ready);
    }
    for (detail::JoinSetEntryBase* e : ready) e->release();
    while (head_) {
      auto* e = static_cast<Entry*>(head_);
      head_ = e->next;
      e->handle->abort();
      e->handle.reset();
      e->release();
    }
    size_ = 0;
    std::optional<Waker> waker;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(shared_->mutex);
    shared_->closed = false;
    waker.swap(shared_->waker);
  }

  // A future of the output of the next task to finish: empty once the set
  // is empty. A task that threw (or was aborted) leaves the set, and its
  // exception (or task_cancelled) is thrown from the poll. The set must
  // outlive the future.
  JoinNext join_next() noexcept { return JoinNext(*this); }

  class JoinNext {
   public:
    using Output = std::optional<detail::completed_value_t<T>>;
    explicit JoinNext(JoinSet& set) noexcept : set_(&set) {}
    Poll<Output> poll(Context& cx) { return set_->poll_join_next(cx); }

   private:
    JoinSet* set_;
  };

 private:
  using Entry = detail::JoinSetEntry<T>;

  void remove(Entry* e) noexcept {
    (e->prev ? e->prev->next : head_) = e->next;
    if (e->next) e->next->prev = e->prev;
    e->prev = e->next = nullptr;
    --size_;
    e->handle.reset();
    e->release();  // the set's reference
  }

  using Output = typename JoinNext::Output;

  Poll<Output> poll_join_next(Context& cx) {
    for (;;) {
      Entry* e = nullptr;
      {
        std::lock_guard<std::mutex> lock(shared_->mutex);
        if (shared_->ready.empty()) {
          if (size_ == 0) return Poll<Output>::ready(Output());
          if (!shared_->waker || !shared_->waker->will_wake(cx.waker())) shared_->waker = cx.waker();
          return Poll<Output>::pending();
        }
        e = static_cast<Entry*>(shared_->ready.back());
        shared_->ready.pop_back();
        e->queued = false;
      }
      // The ready list's reference, until this poll is done.
      struct Release {
        Entry* e;
        ~Release() { e->release(); }
      } release{e};
      if (!e->handle) continue;  // already left the set
      const Waker waker = e->waker();
      Context entry_cx(waker);
      std::optional<Poll<T>> result;
      try {
        result.emplace(e->handle->poll(entry_cx));
      } catch (...) {
        remove(e);
        throw;
      }
      if (result->is_pending()) continue;
      Output out(std::in_place, detail::take_completed<T>(std::move(*result)));
      remove(e);
      return Poll<Output>::ready(std::move(out));
    }
  }

  std::shared_ptr<detail::JoinSetShared> shared_;
  detail::JoinSetEntryBase* head_ = nullptr;
  std::size_t size_ = 0;
};

}  // namespace asyncc
