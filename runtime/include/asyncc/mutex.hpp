// Mutex<T>: an async mutual-exclusion lock around a T, in the manner of
// Tokio's tokio::sync::Mutex. lock() is a future of a MutexGuard, which
// gives access to the T and unlocks when dropped; the guard may be held
// across awaits (the point of an async mutex; std::mutex may not be).
//
//   asyncc::Mutex<std::vector<int>> shared;
//   asyncc::MutexGuard<std::vector<int>> guard = co_await shared.lock();
//   guard->push_back(1);
//
// Fair: the lock goes to waiters in the order they first waited. A lock
// future dropped while it waits leaves the queue; one dropped after it was
// granted the lock (woken, not yet polled) passes it to the next waiter.
// Built on the semaphore of semaphore.hpp with one permit. Usable from any
// thread; the Mutex must outlive its guards and lock futures.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/semaphore.hpp>

#include <memory>
#include <optional>
#include <type_traits>
#include <utility>

namespace asyncc {

template <class T>
class Mutex;

// Holds the lock of a Mutex<T>; unlocks when dropped. Movable.
template <class T>
class MutexGuard {
 public:
  MutexGuard(MutexGuard&& other) noexcept : mutex_(std::exchange(other.mutex_, nullptr)) {}
  MutexGuard& operator=(MutexGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::exchange(other.mutex_, nullptr);
    }
    return *this;
  }
  ~MutexGuard() { unlock(); }

  T& operator*() const noexcept { return mutex_->value_; }
  T* operator->() const noexcept { return &mutex_->value_; }

  // The mutex this guard locks.
  Mutex<T>& mutex() const noexcept { return *mutex_; }

 private:
  friend class Mutex<T>;
  explicit MutexGuard(Mutex<T>& mutex) noexcept : mutex_(&mutex) {}
  void unlock() noexcept {
    if (mutex_) std::exchange(mutex_, nullptr)->core_.release(1);
  }

  Mutex<T>* mutex_;
};

// A guard through a shared_ptr to its Mutex, which it keeps alive: what a
// spawned task can own, as Tokio's OwnedMutexGuard.
template <class T>
class OwnedMutexGuard {
 public:
  OwnedMutexGuard(OwnedMutexGuard&& other) noexcept = default;
  OwnedMutexGuard& operator=(OwnedMutexGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      mutex_ = std::move(other.mutex_);
    }
    return *this;
  }
  ~OwnedMutexGuard() { unlock(); }

  T& operator*() const noexcept { return mutex_->value_; }
  T* operator->() const noexcept { return &mutex_->value_; }
  const std::shared_ptr<Mutex<T>>& mutex() const noexcept { return mutex_; }

 private:
  friend class Mutex<T>;
  explicit OwnedMutexGuard(std::shared_ptr<Mutex<T>> mutex) noexcept : mutex_(std::move(mutex)) {}
  void unlock() noexcept {
    if (mutex_) {
      mutex_->core_.release(1);
      mutex_.reset();
    }
  }

  std::shared_ptr<Mutex<T>> mutex_;
};

template <class T>
class Mutex {
 public:
  class Lock;
  class LockOwned;

  template <class... A, std::enable_if_t<std::is_constructible_v<T, A&&...>, int> = 0>
  explicit Mutex(A&&... args) : core_(1), value_(std::forward<A>(args)...) {}
  Mutex(const Mutex&) = delete;
  Mutex& operator=(const Mutex&) = delete;

  // A future of the guard; the Mutex must outlive it.
  Lock lock() noexcept { return Lock(*this); }

  // The guard if the lock is free now and nobody waits for it.
  std::optional<MutexGuard<T>> try_lock() {
    if (core_.try_acquire(1) != detail::SemaphoreCore::TryResult::Acquired) return std::nullopt;
    return MutexGuard<T>(*this);
  }

  // The same through a shared_ptr: the guard (and the future) keep the
  // Mutex alive.
  static LockOwned lock_owned(std::shared_ptr<Mutex> self) noexcept { return LockOwned(std::move(self)); }
  static std::optional<OwnedMutexGuard<T>> try_lock_owned(std::shared_ptr<Mutex> self) {
    if (self->core_.try_acquire(1) != detail::SemaphoreCore::TryResult::Acquired) return std::nullopt;
    return OwnedMutexGuard<T>(std::move(self));
  }

  // The value, without locking: the caller has the only reference.
  T& get_mut() noexcept { return value_; }

  class Lock {
   public:
    using Output = MutexGuard<T>;
    explicit Lock(Mutex& mutex) noexcept : mutex_(&mutex), acquisition_(mutex.core_, 1) {}

    Poll<Output> poll(Context& cx) {
      if (acquisition_.poll(cx).is_pending()) return Poll<Output>::pending();
      return Poll<Output>::ready(MutexGuard<T>(*mutex_));
    }

   private:
    Mutex* mutex_;
    detail::Acquisition acquisition_;
  };

  class LockOwned {
   public:
    using Output = OwnedMutexGuard<T>;
    explicit LockOwned(std::shared_ptr<Mutex> mutex) noexcept
        : mutex_(std::move(mutex)), acquisition_(mutex_->core_, 1) {}

    Poll<Output> poll(Context& cx) {
      if (acquisition_.poll(cx).is_pending()) return Poll<Output>::pending();
      return Poll<Output>::ready(OwnedMutexGuard<T>(mutex_));
    }

   private:
    std::shared_ptr<Mutex> mutex_;  // outlives the acquisition
    detail::Acquisition acquisition_;
  };

 private:
  friend class MutexGuard<T>;
  friend class OwnedMutexGuard<T>;
  detail::SemaphoreCore core_;
  T value_;
};

}  // namespace asyncc
