// The reactor: one per thread, built on epoll. It owns the thread's timers
// (a 4-ary heap whose earliest deadline is epoll_wait's timeout), the
// readiness of the file descriptors registered with it, and an eventfd
// through which any thread can wake it while it is parked.
//
// A Runtime (runtime.hpp) has one more reactor, shared by its worker threads:
// on those threads Reactor::current() is the shared one. Its timers and
// readiness are guarded by a mutex, so futures may register on one worker and
// be polled or dropped on another; one idle worker at a time parks in it.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/result.hpp>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <mutex>
#include <optional>
#include <system_error>
#include <type_traits>
#include <utility>
#include <vector>

namespace asyncc {

using Clock = std::chrono::steady_clock;

class Reactor;

namespace detail {
struct ReactorAccess;

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

// The readiness of one registered file descriptor, per direction. It is
// allocated once per registration, so that the pointer epoll holds stays
// valid while the I/O object that owns it moves; readiness events then
// allocate nothing.
struct IoSlot {
  struct Direction {
    // Optimistic at first: an operation is tried before anything waits, and
    // only a would-block result clears this. epoll is edge-triggered, so the
    // next edge sets it again.
    bool ready = true;
    // Set by a hang-up or an error: final, so readiness is never cleared
    // again. A read that drained the data must still see the end of the
    // stream that arrived with it, and no further edge will announce it.
    bool closed = false;
    // Counts readiness events: an operation that would block clears
    // readiness only if no event came since it saw the descriptor ready (on
    // a shared reactor, the driver may record one meanwhile).
    std::uint32_t tick = 0;
    std::optional<Waker> waker;
  };

  int fd = -1;
  Reactor* reactor = nullptr;  // null once the reactor is gone
  Direction read;
  Direction write;
  // The reactor's list of live slots, so it can orphan them when it dies.
  IoSlot* prev = nullptr;
  IoSlot* next = nullptr;
};

}  // namespace detail

// A direction of readiness to wait for.
enum class Interest : std::uint8_t { readable, writable };

class Reactor {
 public:
  // The calling thread's reactor, created on first use; on a thread of a
  // Runtime (a worker, or a thread inside Runtime::block_on), the Runtime's.
  static Reactor& current();

  Reactor();
  ~Reactor();
  Reactor(const Reactor&) = delete;
  Reactor& operator=(const Reactor&) = delete;

  // Queues `entry` to fire at `deadline`, then wake `waker`.
  void add_timer(detail::TimerEntry& entry, Clock::time_point deadline, const Waker& waker);
  // Removes a queued timer; a no-op for one that fired or was never queued.
  void remove_timer(detail::TimerEntry& entry) noexcept;
  std::size_t timer_count() const noexcept;
  // Ready (true) once `entry` fired or its deadline passed, removing it if it
  // is still queued; otherwise makes `waker` the one its firing wakes.
  bool poll_timer(detail::TimerEntry& entry, const Waker& waker);

  // Adds `slot.fd` to epoll, edge-triggered, for both directions; the error
  // of epoll_ctl otherwise (EPERM for regular files, which are always ready).
  std::error_code add_io(detail::IoSlot& slot) noexcept;
  // Removes the descriptor from epoll; call it before closing the descriptor.
  void remove_io(detail::IoSlot& slot) noexcept;
  std::size_t io_count() const noexcept;

  // Waits for the next event: an expired timer, a ready descriptor, a
  // notification. Returns at once if a notification arrived since the last
  // call. Wakes the tasks waiting for the descriptors that became ready and
  // fires every timer whose deadline has passed before returning.
  // The reactor of a Runtime is parked by its workers only: calling this on
  // it (block_on or LocalExecutor::run inside a Runtime) is a contract
  // violation.
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
  void mark_ready(detail::IoSlot::Direction& direction, bool closed);
  friend class Registration;
  friend struct detail::ReactorAccess;
  explicit Reactor(bool shared);
  // Locks the reactor if it is shared; a no-op lock otherwise.
  std::unique_lock<std::mutex> lock() const {
    return shared_ ? std::unique_lock<std::mutex>(mutex_) : std::unique_lock<std::mutex>();
  }
  // One wait for events (blocking or not), then the wake-ups.
  void turn(bool block);
  void release_io(detail::IoSlot* slot) noexcept;
  Poll<void> poll_io_ready(detail::IoSlot& slot, Interest interest, Context& cx, std::uint32_t& tick);
  void clear_io_ready(detail::IoSlot& slot, Interest interest, std::uint32_t tick) noexcept;

  const bool shared_;
  mutable std::mutex mutex_;  // used only when shared_
  // Slots dropped while shared: an event already taken from epoll may still
  // point at them, so they are freed by the next turn, before it waits.
  std::vector<detail::IoSlot*> released_;
  std::vector<Waker> timers_to_wake_;
  int epoll_fd_;
  detail::Notifier* notifier_;
  std::vector<HeapSlot> heap_;
  std::uint64_t next_sequence_ = 0;
  detail::IoSlot* io_head_ = nullptr;
  std::size_t io_count_ = 0;
  // Wakers of ready descriptors, woken only after every event of a wait has
  // been recorded: a woken task may drop a registration. Its capacity is
  // kept, so waking allocates nothing in the steady state.
  std::vector<Waker> to_wake_;
};

namespace detail {
// Blocks, in the calling thread, the signals that asyncc::signal listens to
// (signal.hpp) and that this thread has not blocked yet; one atomic load when
// there are none. Called by the runtime's threads before they wait, so that
// a signal reaches signalfd without passing through them first (under
// ThreadSanitizer, which runs handlers outside the signal's frame, passing
// a signal on cannot block it in the thread it passed through).
void block_listened_signals() noexcept;

// For the Runtime: its shared reactor, and making it the current one.
struct ReactorAccess {
  static Reactor* create_shared() { return new Reactor(true); }
  static void turn(Reactor& reactor, bool block) { reactor.turn(block); }
  // Makes `reactor` what Reactor::current() returns on the calling thread
  // (null: the thread's own again); returns the previous one.
  static Reactor* enter(Reactor* reactor) noexcept;
};
}  // namespace detail

// A file descriptor's registration with the calling thread's reactor: its
// readiness in both directions and the wakers waiting for it. Registered
// lazily, by the first operation, so an I/O object may be created on one
// thread and used on another; from then on, use and drop it on that thread
// (or, registered by a task of a Runtime, on any of the Runtime's threads).
// Dropping it removes the descriptor from epoll (before its owner closes it).
class Registration {
 public:
  Registration() noexcept = default;
  Registration(Registration&& other) noexcept
      : slot_(std::exchange(other.slot_, nullptr)),
        always_ready_(other.always_ready_),
        read_tick_(other.read_tick_),
        write_tick_(other.write_tick_) {}
  Registration& operator=(Registration&& other) noexcept {
    if (this != &other) {
      reset();
      slot_ = std::exchange(other.slot_, nullptr);
      always_ready_ = other.always_ready_;
      read_tick_ = other.read_tick_;
      write_tick_ = other.write_tick_;
    }
    return *this;
  }
  Registration(const Registration&) = delete;
  Registration& operator=(const Registration&) = delete;
  ~Registration() { reset(); }

  // Registers `fd` with the calling thread's reactor unless it already is.
  // A descriptor epoll refuses with EPERM (a regular file, /dev/null) never
  // blocks: it is then treated as always ready.
  std::error_code register_fd(int fd);
  bool is_registered() const noexcept { return slot_ != nullptr || always_ready_; }

  // Ready when an operation in this direction may make progress; otherwise
  // stores the waker, to be woken by the next readiness event.
  Poll<void> poll_ready(Interest interest, Context& cx);
  // Records that an operation would block (or drained the descriptor): wait
  // for the next edge. A no-op once the direction is closed.
  void clear_ready(Interest interest) noexcept;

  // Runs `op` (returning a Result) once the descriptor is ready for
  // `interest`, again after each would-block result, until it returns
  // anything else. Registers `fd` first if need be.
  template <class Op>
  auto poll_io(int fd, Interest interest, Context& cx, Op&& op) -> Poll<std::invoke_result_t<Op&>> {
    using R = std::invoke_result_t<Op&>;
    // One Poll, returned from every path, with the result made in place.
    Poll<R> out = Poll<R>::pending();
    if (std::error_code ec = register_fd(fd)) {
      detail::PollAccess::emplace(out, ec);
      return out;
    }
    for (;;) {
      if (poll_ready(interest, cx).is_pending()) return out;
      detail::PollAccess::emplace(out, op());
      // always_ready_: nothing to wait for, so a would-block result is final.
      if (out.value() || !is_would_block(out.value().error()) || always_ready_) return out;
      detail::PollAccess::reset(out);
      clear_ready(interest);
    }
  }

  // Removes the descriptor from epoll and drops the wakers.
  void reset() noexcept;

 private:
  detail::IoSlot::Direction& direction(Interest interest) noexcept {
    return interest == Interest::readable ? slot_->read : slot_->write;
  }

  std::uint32_t& tick(Interest interest) noexcept { return interest == Interest::readable ? read_tick_ : write_tick_; }

  detail::IoSlot* slot_ = nullptr;
  bool always_ready_ = false;
  // The readiness event each direction last saw (see IoSlot::Direction::tick).
  std::uint32_t read_tick_ = 0;
  std::uint32_t write_tick_ = 0;
};

}  // namespace asyncc
