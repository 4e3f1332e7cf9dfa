// The reactor: one per thread, built on epoll. It owns the thread's timers
// (a binary heap whose earliest deadline is epoll_wait's timeout) and an
// eventfd through which any thread can wake it while it is parked.
#pragma once

#include <asyncc/future.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <vector>

namespace asyncc {

using Clock = std::chrono::steady_clock;

class Reactor;

namespace detail {

// Wakes a thread that is parked in its reactor. Reference-counted, because
// wakers that point at it may outlive the reactor (and the thread).
class Notifier {
 public:
  static Notifier* create();

  void retain() noexcept { refs_.fetch_add(1, std::memory_order_relaxed); }
  void release() noexcept;

  // Marks the thread as notified; writes the eventfd only if it is parked.
  void notify() noexcept;

 private:
  friend class ::asyncc::Reactor;
  explicit Notifier(int event_fd) noexcept : event_fd_(event_fd) {}
  ~Notifier();

  std::atomic<std::uint32_t> refs_{1};
  // notified_ and parked_ form a Dekker pair (both seq_cst): either the
  // notifier sees parked_ and writes the eventfd, or the parking thread sees
  // notified_ and does not block.
  std::atomic<bool> notified_{false};
  std::atomic<bool> parked_{false};
  int event_fd_;
};

// A timer, embedded in the future that waits for it so that registering one
// allocates nothing. The future is pinned while the timer is registered.
struct TimerEntry {
  static constexpr std::size_t kNotQueued = static_cast<std::size_t>(-1);

  Clock::time_point deadline{};
  std::size_t heap_index = kNotQueued;
  std::optional<Waker> waker;
  bool fired = false;
};

}  // namespace detail

class Reactor {
 public:
  // The calling thread's reactor, created on first use.
  static Reactor& current();

  Reactor();
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Queues `entry` to fire at `deadline`, then wake `waker`.
  void add_timer(detail::TimerEntry& entry, Clock::time_point deadline, const Waker& waker);
  // Removes a queued timer; a no-op for one that fired or was never queued.
  void remove_timer(detail::TimerEntry& entry) noexcept;
  std::size_t timer_count() const noexcept { return heap_.size(); }

  // Waits for the next event: an expired timer, a notification. Returns at
  // once if a notification arrived since the last call. Fires every timer
  // whose deadline has passed before returning.
  void park();

  // Handle for waking this reactor's thread from any thread; retained by the
  // caller (release it when done).
  detail::Notifier* notifier() const noexcept { return notifier_; }

 private:
  struct HeapSlot {
    Clock::time_point deadline;
    std::uint64_t sequence;  // keeps timers with equal deadlines in FIFO order
    detail::TimerEntry* entry;
  };
  static bool earlier(const HeapSlot& a, const HeapSlot& b) noexcept {
    return a.deadline < b.deadline || (a.deadline == b.deadline && a.sequence < b.sequence);
  }
  void place(std::size_t index, const HeapSlot& slot) noexcept;
  void sift_up(std::size_t index, HeapSlot slot) noexcept;
  void sift_down(std::size_t index, HeapSlot slot) noexcept;
  void remove_at(std::size_t index) noexcept;
  int timeout_ms(Clock::time_point now) const noexcept;
  void fire_expired_timers();

  int epoll_fd_;
  detail::Notifier* notifier_;
  std::vector<HeapSlot> heap_;
  std::uint64_t next_sequence_ = 0;
};

}  // namespace asyncc
