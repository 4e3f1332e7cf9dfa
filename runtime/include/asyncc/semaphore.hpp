// Semaphore: an async counting semaphore, fair (first come, first served),
// in the manner of Tokio's tokio::sync::Semaphore; also the core of Mutex
// and RwLock.
//
//   asyncc::Semaphore limit(10);
//   std::optional<asyncc::SemaphorePermit> permit = co_await limit.acquire();
//   // ... at most 10 tasks here; the permit returns when it is dropped
//
// Fairness: waiters are served in the order they first waited. A waiter
// asking for several permits takes them as they come back and blocks those
// behind it until it has all it asked for, so a large request is never
// starved by small ones. A new acquire() does not overtake waiters already
// queued, even when enough permits are free.
//
// Cancellation: dropping a pending acquire future gives back the permits it
// had been assigned; one that was granted all its permits but not yet
// polled passes them on to the next waiters. No permit is ever lost.
//
// Threads: any of its functions may be called from any thread; wakers are
// woken after its lock is released. The semaphore must outlive its permits
// and acquire futures.
#pragma once

#include <asyncc/expected.hpp>
#include <asyncc/future.hpp>
#include <asyncc/wait_list.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace asyncc {

namespace detail {

struct SemaphoreWaiter : WaitNode {
  enum class State : std::uint8_t {
    Idle,     // not yet polled
    Queued,   // linked, collecting permits
    Granted,  // unlinked with every permit it asked for; not yet claimed
    Done,     // the permits went to a guard (or back, on close)
    Closed,   // refused: the semaphore was closed
  };
  State state = State::Idle;  // guarded by the semaphore's mutex once queued
  // Whether the owner saw it pending and not yet ready: read and written
  // by the owning future only, so its destructor knows without locking
  // whether it must leave the queue (other threads change `state`).
  bool waiting = false;
  std::size_t requested = 0;  // permits asked for
  std::size_t missing = 0;    // permits still to be assigned while Queued
};

// The permit count and the queue of waiters, under one mutex.
class SemaphoreCore {
 public:
  explicit SemaphoreCore(std::size_t permits) noexcept : permits_(permits) {}
  SemaphoreCore(const SemaphoreCore&) = delete;
  SemaphoreCore& operator=(const SemaphoreCore&) = delete;

  std::size_t available() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return permits_;
  }
  bool is_closed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return closed_;
  }

  enum class TryResult : std::uint8_t { Acquired, NoPermits, Closed };

  // Takes `n` permits at once if they are free and nobody waits for any.
  TryResult try_acquire(std::size_t n) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (closed_) return TryResult::Closed;
    if (!waiters_.empty() || permits_ < n) return TryResult::NoPermits;
    permits_ -= n;
    return TryResult::Acquired;
  }

  // Ready (true: acquired, false: closed) or pending, with the waker stored.
  Poll<bool> poll_acquire(SemaphoreWaiter& w, std::size_t n, Context& cx) {
    std::optional<Waker> old;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(mutex_);
    switch (w.state) {
      case SemaphoreWaiter::State::Idle:
        if (closed_) {
          w.state = SemaphoreWaiter::State::Closed;
          return Poll<bool>::ready(false);
        }
        if (waiters_.empty() && permits_ >= n) {
          permits_ -= n;
          w.state = SemaphoreWaiter::State::Done;
          return Poll<bool>::ready(true);
        }
        // Queue, taking what is free only if nobody is ahead.
        w.requested = n;
        w.missing = n;
        if (waiters_.empty()) {
          w.missing -= permits_;
          permits_ = 0;
        }
        w.state = SemaphoreWaiter::State::Queued;
        w.waiting = true;
        w.waker = cx.waker();
        waiters_.push_back(&w);
        return Poll<bool>::pending();
      case SemaphoreWaiter::State::Queued:
        old = w.set_waker(cx);
        return Poll<bool>::pending();
      case SemaphoreWaiter::State::Granted:
        w.state = SemaphoreWaiter::State::Done;
        w.waiting = false;
        return Poll<bool>::ready(true);
      case SemaphoreWaiter::State::Closed:
        w.waiting = false;
        return Poll<bool>::ready(false);
      case SemaphoreWaiter::State::Done:
        break;
    }
    contract_violation("a semaphore acquire future was polled after it completed");
  }

  // The acquire future of `w` (asking for `n`) is dropped: what it was
  // assigned goes back, to the next waiters first.
  void cancel(SemaphoreWaiter& w, std::size_t n) noexcept {
    if (!w.waiting) return;
    w.waiting = false;
    WakeBatch wakes;
    std::optional<Waker> mine;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(mutex_);
    if (w.state != SemaphoreWaiter::State::Queued && w.state != SemaphoreWaiter::State::Granted) return;
    std::size_t assigned = n;
    if (w.state == SemaphoreWaiter::State::Queued) {
      waiters_.remove(&w);
      assigned = n - w.missing;
    }
    mine = std::move(w.waker);
    w.waker.reset();
    w.state = SemaphoreWaiter::State::Done;
    release_locked(assigned, wakes);
  }

  void release(std::size_t n) {
    if (n == 0) return;
    WakeBatch wakes;
    std::lock_guard<std::mutex> lock(mutex_);
    release_locked(n, wakes);
  }

  void close() {
    WakeBatch wakes;
    std::lock_guard<std::mutex> lock(mutex_);
    closed_ = true;
    while (WaitNode* node = waiters_.pop_front()) {
      auto& w = static_cast<SemaphoreWaiter&>(*node);
      w.state = SemaphoreWaiter::State::Closed;
      permits_ += w.requested - w.missing;  // what it had collected comes back
      wakes.take_from(w);
    }
  }

 private:
  // Adds `n` permits and hands them to the waiters in order. Invariant
  // afterwards: either nobody waits, or no permit is free.
  void release_locked(std::size_t n, WakeBatch& wakes) {
    permits_ += n;
    while (permits_ > 0 && !waiters_.empty()) {
      auto& w = static_cast<SemaphoreWaiter&>(*waiters_.front());
      const std::size_t take = w.missing < permits_ ? w.missing : permits_;
      w.missing -= take;
      permits_ -= take;
      if (w.missing != 0) break;
      waiters_.pop_front();
      w.state = SemaphoreWaiter::State::Granted;
      wakes.take_from(w);
    }
  }

  mutable std::mutex mutex_;
  std::size_t permits_;
  bool closed_ = false;
  WaitList waiters_;
};

// A pending acquisition of `n` permits, embedded in the futures of
// Semaphore, Mutex and RwLock. Pinned once queued.
class Acquisition {
 public:
  Acquisition(SemaphoreCore& core, std::size_t n) noexcept : core_(&core), n_(n) {}
  Acquisition(Acquisition&& other) noexcept : core_(other.core_), n_(other.n_) {
    if (other.waiter_.waiting) contract_violation("a lock or acquire future was moved while it waited (it is pinned)");
    waiter_.state = other.waiter_.state;
    other.waiter_.state = SemaphoreWaiter::State::Done;
  }
  Acquisition& operator=(Acquisition&&) = delete;
  ~Acquisition() { core_->cancel(waiter_, n_); }

  Poll<bool> poll(Context& cx) { return core_->poll_acquire(waiter_, n_, cx); }

 private:
  SemaphoreCore* core_;
  std::size_t n_;
  SemaphoreWaiter waiter_;
};

}  // namespace detail

class Semaphore;

// Permits held; they return to the semaphore when the permit is dropped.
class SemaphorePermit {
 public:
  SemaphorePermit(SemaphorePermit&& other) noexcept
      : semaphore_(std::exchange(other.semaphore_, nullptr)), permits_(std::exchange(other.permits_, 0)) {}
  SemaphorePermit& operator=(SemaphorePermit&& other) noexcept {
    if (this != &other) {
      release();
      semaphore_ = std::exchange(other.semaphore_, nullptr);
      permits_ = std::exchange(other.permits_, 0);
    }
    return *this;
  }
  ~SemaphorePermit() { release(); }

  std::size_t num_permits() const noexcept { return permits_; }

  // Keeps the permits from returning: the semaphore has that many fewer.
  void forget() noexcept {
    semaphore_ = nullptr;
    permits_ = 0;
  }

  // Takes over the permits of `other` (of the same semaphore).
  void merge(SemaphorePermit&& other) noexcept;

 private:
  friend class Semaphore;
  SemaphorePermit(Semaphore& semaphore, std::size_t permits) noexcept : semaphore_(&semaphore), permits_(permits) {}
  void release() noexcept;

  Semaphore* semaphore_;
  std::size_t permits_;
};

// Permits held through a shared_ptr to their semaphore, which they keep
// alive: what a spawned task can own, as Tokio's OwnedSemaphorePermit.
class OwnedSemaphorePermit {
 public:
  OwnedSemaphorePermit(OwnedSemaphorePermit&& other) noexcept
      : semaphore_(std::move(other.semaphore_)), permits_(std::exchange(other.permits_, 0)) {}
  OwnedSemaphorePermit& operator=(OwnedSemaphorePermit&& other) noexcept {
    if (this != &other) {
      release();
      semaphore_ = std::move(other.semaphore_);
      permits_ = std::exchange(other.permits_, 0);
    }
    return *this;
  }
  ~OwnedSemaphorePermit() { release(); }

  std::size_t num_permits() const noexcept { return permits_; }
  const std::shared_ptr<Semaphore>& semaphore() const noexcept { return semaphore_; }
  void forget() noexcept {
    semaphore_.reset();
    permits_ = 0;
  }

 private:
  friend class Semaphore;
  OwnedSemaphorePermit(std::shared_ptr<Semaphore> semaphore, std::size_t permits) noexcept
      : semaphore_(std::move(semaphore)), permits_(permits) {}
  void release() noexcept;

  std::shared_ptr<Semaphore> semaphore_;
  std::size_t permits_;
};

// Why try_acquire() gave no permit.
enum class TryAcquireError : std::uint8_t {
  Closed,     // the semaphore was closed
  NoPermits,  // not enough permits free now (or others are waiting)
};

class Semaphore {
 public:
  // The most permits a semaphore holds, as in Tokio.
  static constexpr std::size_t MAX_PERMITS = static_cast<std::size_t>(-1) >> 3;

  class Acquire;
  class AcquireOwned;

  explicit Semaphore(std::size_t permits) : core_(checked(permits)) {}
  Semaphore(const Semaphore&) = delete;
  Semaphore& operator=(const Semaphore&) = delete;

  std::size_t available_permits() const { return core_.available(); }

  // Adds `n` permits, handing them to waiters first (in order).
  void add_permits(std::size_t n) { core_.release(n); }

  // Refuses every waiting and future acquisition (they yield nullopt, and
  // try_acquire Closed). Permits already held still return when dropped.
  void close() { core_.close(); }
  bool is_closed() const { return core_.is_closed(); }

  // A future of one permit: std::optional<SemaphorePermit>, empty if the
  // semaphore was closed.
  Acquire acquire() noexcept;
  // A future of `n` permits at once.
  Acquire acquire_many(std::size_t n) noexcept;

  // The same through a shared_ptr: the permit keeps the semaphore alive.
  static AcquireOwned acquire_owned(std::shared_ptr<Semaphore> self) noexcept;
  static AcquireOwned acquire_many_owned(std::shared_ptr<Semaphore> self, std::size_t n) noexcept;
  static Expected<OwnedSemaphorePermit, TryAcquireError> try_acquire_owned(std::shared_ptr<Semaphore> self) {
    return try_acquire_many_owned(std::move(self), 1);
  }
  static Expected<OwnedSemaphorePermit, TryAcquireError> try_acquire_many_owned(std::shared_ptr<Semaphore> self,
                                                                               std::size_t n) {
    switch (self->core_.try_acquire(n)) {
      case detail::SemaphoreCore::TryResult::Acquired: return OwnedSemaphorePermit(std::move(self), n);
      case detail::SemaphoreCore::TryResult::Closed: return {unexpect, TryAcquireError::Closed};
      case detail::SemaphoreCore::TryResult::NoPermits: break;
    }
    return {unexpect, TryAcquireError::NoPermits};
  }

  Expected<SemaphorePermit, TryAcquireError> try_acquire() { return try_acquire_many(1); }
  Expected<SemaphorePermit, TryAcquireError> try_acquire_many(std::size_t n) {
    switch (core_.try_acquire(n)) {
      case detail::SemaphoreCore::TryResult::Acquired: return SemaphorePermit(*this, n);
      case detail::SemaphoreCore::TryResult::Closed: return {unexpect, TryAcquireError::Closed};
      case detail::SemaphoreCore::TryResult::NoPermits: break;
    }
    return {unexpect, TryAcquireError::NoPermits};
  }

 private:
  friend class SemaphorePermit;
  friend class OwnedSemaphorePermit;
  static std::size_t checked(std::size_t permits) {
    if (permits > MAX_PERMITS) detail::contract_violation("a Semaphore was given more than MAX_PERMITS permits");
    return permits;
  }

  detail::SemaphoreCore core_;
};

class Semaphore::Acquire {
 public:
  using Output = std::optional<SemaphorePermit>;

  Acquire(Semaphore& semaphore, std::size_t n) noexcept : semaphore_(&semaphore), acquisition_(semaphore.core_, n), n_(n) {}

  Poll<Output> poll(Context& cx) {
    Poll<bool> acquired = acquisition_.poll(cx);
    if (acquired.is_pending()) return Poll<Output>::pending();
    if (!acquired.value()) return Poll<Output>::ready(Output());
    return Poll<Output>::ready(Output(SemaphorePermit(*semaphore_, n_)));
  }

 private:
  Semaphore* semaphore_;
  detail::Acquisition acquisition_;
  std::size_t n_;
};

// Output: std::optional<OwnedSemaphorePermit>, empty if the semaphore was
// closed. Keeps the semaphore alive.
class Semaphore::AcquireOwned {
 public:
  using Output = std::optional<OwnedSemaphorePermit>;

  AcquireOwned(std::shared_ptr<Semaphore> semaphore, std::size_t n) noexcept
      : semaphore_(std::move(semaphore)), acquisition_(semaphore_->core_, n), n_(n) {}

  Poll<Output> poll(Context& cx) {
    Poll<bool> acquired = acquisition_.poll(cx);
    if (acquired.is_pending()) return Poll<Output>::pending();
    if (!acquired.value()) return Poll<Output>::ready(Output());
    return Poll<Output>::ready(Output(OwnedSemaphorePermit(semaphore_, n_)));
  }

 private:
  std::shared_ptr<Semaphore> semaphore_;  // outlives the acquisition
  detail::Acquisition acquisition_;
  std::size_t n_;
};

inline Semaphore::AcquireOwned Semaphore::acquire_owned(std::shared_ptr<Semaphore> self) noexcept {
  return AcquireOwned(std::move(self), 1);
}
inline Semaphore::AcquireOwned Semaphore::acquire_many_owned(std::shared_ptr<Semaphore> self, std::size_t n) noexcept {
  return AcquireOwned(std::move(self), n);
}

inline void OwnedSemaphorePermit::release() noexcept {
  if (semaphore_ && permits_ > 0) semaphore_->core_.release(permits_);
  semaphore_.reset();
  permits_ = 0;
}

inline Semaphore::Acquire Semaphore::acquire() noexcept { return Acquire(*this, 1); }
inline Semaphore::Acquire Semaphore::acquire_many(std::size_t n) noexcept { return Acquire(*this, n); }

inline void SemaphorePermit::release() noexcept {
  if (semaphore_ && permits_ > 0) semaphore_->core_.release(permits_);
  semaphore_ = nullptr;
  permits_ = 0;
}

inline void SemaphorePermit::merge(SemaphorePermit&& other) noexcept {
  if (other.semaphore_ && semaphore_ && other.semaphore_ != semaphore_)
    detail::contract_violation("SemaphorePermit::merge of permits of another semaphore");
  if (!semaphore_) semaphore_ = other.semaphore_;
  permits_ += std::exchange(other.permits_, 0);
  other.semaphore_ = nullptr;
}

}  // namespace asyncc
