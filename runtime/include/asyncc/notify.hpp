// Notify: wakes tasks that wait for an event, in the manner of Tokio's
// tokio::sync::Notify. No data is sent; a task awaits notified() and another
// calls notify_one() or notify_waiters().
//
//   asyncc::Notify ready;
//   co_await ready.notified();       // task A waits
//   ready.notify_one();              // task B, or any thread
//
// notify_one() wakes the longest-waiting task; if none waits, it stores one
// permit (at most one), which the next notified() consumes at once, so a
// notification sent just before the wait is not lost. notify_waiters()
// wakes every task waiting now, including the Notified futures already
// created by notified() but not yet polled, and stores no permit.
//
// Cancellation: a Notified dropped while it waits leaves the queue; one
// dropped after notify_one() picked it but before it was polled passes the
// notification on (to the next waiter, or as the stored permit), so a
// notify_one() is never lost.
//
// Threads: any function may be called from any thread; the Notify must
// outlive its Notified futures.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/wait_list.hpp>

#include <cstdint>
#include <mutex>
#include <optional>
#include <utility>

namespace asyncc {

class Notify {
 public:
  class Notified;

  Notify() = default;
  Notify(const Notify&) = delete;
  Notify& operator=(const Notify&) = delete;

  // A future completed by a notification sent after this call (or by the
  // stored permit).
  Notified notified();

  // Wakes the longest waiter, or stores the permit if nobody waits.
  void notify_one() {
    detail::WakeBatch wakes;
    std::lock_guard<std::mutex> lock(mutex_);
    notify_one_locked(wakes);
  }

  // Wakes every task waiting now; stores no permit.
  void notify_waiters() {
    detail::WakeBatch wakes;
    std::lock_guard<std::mutex> lock(mutex_);
    ++waiters_calls_;
    while (detail::WaitNode* node = waiters_.pop_front()) {
      auto& w = static_cast<Waiter&>(*node);
      w.state = Waiter::State::Notified;
      wakes.take_from(w);
    }
  }

 private:
  struct Waiter : detail::WaitNode {
    enum class State : std::uint8_t {
      Idle,          // not yet polled
      Waiting,       // linked
      NotifiedOne,   // picked by notify_one, not yet polled
      Notified,      // picked by notify_waiters, not yet polled
      Done,
    };
    State state = State::Idle;  // guarded by the Notify's mutex once linked
    // Whether the owner saw it pending and not yet ready; touched by the
    // owning future only (other threads change `state`).
    bool waiting = false;
  };

  void notify_one_locked(detail::WakeBatch& wakes) {
    if (detail::WaitNode* node = waiters_.pop_front()) {
      auto& w = static_cast<Waiter&>(*node);
      w.state = Waiter::State::NotifiedOne;
      wakes.take_from(w);
    } else {
      permit_ = true;
    }
  }

  std::mutex mutex_;
  bool permit_ = false;
  std::uint64_t waiters_calls_ = 0;  // how many notify_waiters() so far
  detail::WaitList waiters_;
};

class Notify::Notified {
 public:
  using Output = void;

  Notified(Notify& notify, std::uint64_t calls) noexcept : notify_(&notify), calls_(calls) {}
  Notified(Notified&& other) noexcept : notify_(other.notify_), calls_(other.calls_) {
    if (other.waiter_.waiting) detail::contract_violation("a Notified was moved while it waited (it is pinned)");
    waiter_.state = other.waiter_.state;
    other.waiter_.state = Waiter::State::Done;
  }
  Notified& operator=(Notified&&) = delete;

  ~Notified() {
    if (!waiter_.waiting) return;
    detail::WakeBatch wakes;
    std::optional<Waker> mine;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(notify_->mutex_);
    if (waiter_.state == Waiter::State::Waiting) {
      notify_->waiters_.remove(&waiter_);
    } else if (waiter_.state == Waiter::State::NotifiedOne) {
      notify_->notify_one_locked(wakes);  // pass it on
    }
    mine = std::move(waiter_.waker);
    waiter_.waker.reset();
  }

  Poll<void> poll(Context& cx) {
    std::optional<Waker> old;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(notify_->mutex_);
    switch (waiter_.state) {
      case Waiter::State::Idle:
        if (notify_->waiters_calls_ != calls_) {
          waiter_.state = Waiter::State::Done;
          return Poll<void>::ready();
        }
        if (notify_->permit_) {
          notify_->permit_ = false;
          waiter_.state = Waiter::State::Done;
          return Poll<void>::ready();
        }
        waiter_.state = Waiter::State::Waiting;
        waiter_.waiting = true;
        waiter_.waker = cx.waker();
        notify_->waiters_.push_back(&waiter_);
        return Poll<void>::pending();
      case Waiter::State::Waiting:
        old = waiter_.set_waker(cx);
        return Poll<void>::pending();
      case Waiter::State::NotifiedOne:
      case Waiter::State::Notified:
        waiter_.state = Waiter::State::Done;
        waiter_.waiting = false;
        return Poll<void>::ready();
      case Waiter::State::Done:
        break;
    }
    detail::contract_violation("a Notified was polled after it completed");
  }

 private:
  Notify* notify_;
  std::uint64_t calls_;  // notify_waiters() calls when it was created
  Waiter waiter_;
};

inline Notify::Notified Notify::notified() {
  std::lock_guard<std::mutex> lock(mutex_);
  return Notified(*this, waiters_calls_);
}

}  // namespace asyncc
