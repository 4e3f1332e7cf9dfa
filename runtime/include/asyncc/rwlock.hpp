// RwLock<T>: an async reader-writer lock around a T, in the manner of
// Tokio's tokio::sync::RwLock: many readers at once, or one writer.
//
//   asyncc::RwLock<Config> config;
//   { auto r = co_await config.read();  use(r->port); }   // shared
//   { auto w = co_await config.write(); w->port = 80; }   // exclusive
//
// Fair: readers and writers are served in the order they first waited. A
// writer that waits blocks the readers that come after it (no writer
// starvation), and gets the lock as soon as the readers before it are done.
// Built on the semaphore of semaphore.hpp: a reader takes one permit, a
// writer all of them. Dropping a pending read() or write() future gives
// back what it had collected; one granted but not yet polled passes the
// lock on. Usable from any thread; the RwLock must outlive its guards and
// futures.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/semaphore.hpp>

#include <cstddef>
#include <optional>
#include <type_traits>
#include <utility>

namespace asyncc {

template <class T>
class RwLock;

// Shared access; the read lock is released when the guard is dropped.
template <class T>
class RwLockReadGuard {
 public:
  RwLockReadGuard(RwLockReadGuard&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
  RwLockReadGuard& operator=(RwLockReadGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      lock_ = std::exchange(other.lock_, nullptr);
    }
    return *this;
  }
  ~RwLockReadGuard() { unlock(); }

  const T& operator*() const noexcept { return lock_->value_; }
  const T* operator->() const noexcept { return &lock_->value_; }

 private:
  friend class RwLock<T>;
  explicit RwLockReadGuard(RwLock<T>& lock) noexcept : lock_(&lock) {}
  void unlock() noexcept {
    if (lock_) std::exchange(lock_, nullptr)->core_.release(1);
  }
  RwLock<T>* lock_;
};

// Exclusive access; the write lock is released when the guard is dropped.
template <class T>
class RwLockWriteGuard {
 public:
  RwLockWriteGuard(RwLockWriteGuard&& other) noexcept : lock_(std::exchange(other.lock_, nullptr)) {}
  RwLockWriteGuard& operator=(RwLockWriteGuard&& other) noexcept {
    if (this != &other) {
      unlock();
      lock_ = std::exchange(other.lock_, nullptr);
    }
    return *this;
  }
  ~RwLockWriteGuard() { unlock(); }

  T& operator*() const noexcept { return lock_->value_; }
  T* operator->() const noexcept { return &lock_->value_; }

 private:
  friend class RwLock<T>;
  explicit RwLockWriteGuard(RwLock<T>& lock) noexcept : lock_(&lock) {}
  void unlock() noexcept {
    if (lock_) std::exchange(lock_, nullptr)->core_.release(RwLock<T>::MAX_READS);
  }
  RwLock<T>* lock_;
};

template <class T>
class RwLock {
 public:
  // How many readers may hold the lock at once, as in Tokio.
  static constexpr std::size_t MAX_READS = static_cast<std::size_t>(static_cast<std::uint32_t>(-1) >> 3);

  class Read;
  class Write;

  template <class... A, std::enable_if_t<std::is_constructible_v<T, A&&...>, int> = 0>
  explicit RwLock(A&&... args) : core_(MAX_READS), value_(std::forward<A>(args)...) {}
  RwLock(const RwLock&) = delete;
  RwLock& operator=(const RwLock&) = delete;

  Read read() noexcept { return Read(*this); }
  Write write() noexcept { return Write(*this); }

  // A guard if the lock can be had now without waiting behind anyone.
  std::optional<RwLockReadGuard<T>> try_read() {
    if (core_.try_acquire(1) != detail::SemaphoreCore::TryResult::Acquired) return std::nullopt;
    return RwLockReadGuard<T>(*this);
  }
  std::optional<RwLockWriteGuard<T>> try_write() {
    if (core_.try_acquire(MAX_READS) != detail::SemaphoreCore::TryResult::Acquired) return std::nullopt;
    return RwLockWriteGuard<T>(*this);
  }

  T& get_mut() noexcept { return value_; }

  class Read {
   public:
    using Output = RwLockReadGuard<T>;
    explicit Read(RwLock& lock) noexcept : lock_(&lock), acquisition_(lock.core_, 1) {}
    Poll<Output> poll(Context& cx) {
      if (acquisition_.poll(cx).is_pending()) return Poll<Output>::pending();
      return Poll<Output>::ready(RwLockReadGuard<T>(*lock_));
    }

   private:
    RwLock* lock_;
    detail::Acquisition acquisition_;
  };

  class Write {
   public:
    using Output = RwLockWriteGuard<T>;
    explicit Write(RwLock& lock) noexcept : lock_(&lock), acquisition_(lock.core_, MAX_READS) {}
    Poll<Output> poll(Context& cx) {
      if (acquisition_.poll(cx).is_pending()) return Poll<Output>::pending();
      return Poll<Output>::ready(RwLockWriteGuard<T>(*lock_));
    }

   private:
    RwLock* lock_;
    detail::Acquisition acquisition_;
  };

 private:
  friend class RwLockReadGuard<T>;
  friend class RwLockWriteGuard<T>;
  detail::SemaphoreCore core_;
  T value_;
};

}  // namespace asyncc
