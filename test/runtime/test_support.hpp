// Hand-written futures and wakers shared by the runtime tests.
#pragma once

#include <asyncc/executor.hpp>
#include <asyncc/future.hpp>

#include <atomic>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace asyncc::testing {

// A waker that counts what is done to it. `live()` is the number of handles
// not yet dropped or consumed; it returns to zero when clones balance drops.
class CountingWaker {
 public:
  Waker waker() {
    live_.fetch_add(1);
    return Waker(RawWaker{this, &kVTable});
  }
  int clones() const { return clones_.load(); }
  int drops() const { return drops_.load(); }
  int wakes() const { return wakes_.load(); }
  int wakes_by_ref() const { return wakes_by_ref_.load(); }
  int live() const { return live_.load(); }

 private:
  static CountingWaker* self(const void* p) { return static_cast<CountingWaker*>(const_cast<void*>(p)); }
  static const RawWakerVTable kVTable;

  std::atomic<int> clones_{0}, drops_{0}, wakes_{0}, wakes_by_ref_{0}, live_{0};
};

inline const RawWakerVTable CountingWaker::kVTable{
    [](const void* p) {
      self(p)->clones_++;
      self(p)->live_++;
      return RawWaker{p, &kVTable};
    },
    [](const void* p) {
      self(p)->wakes_++;
      self(p)->live_--;
    },
    [](const void* p) { self(p)->wakes_by_ref_++; },
    [](const void* p) {
      self(p)->drops_++;
      self(p)->live_--;
    },
};

// Pending `times` times, waking itself each time (as a yield would), then
// ready with `value`.
template <class T>
class PendingFor {
 public:
  using Output = T;
  PendingFor(int times, T value) : remaining_(times), value_(std::move(value)) {}
  Poll<T> poll(Context& cx) {
    if (remaining_ == 0) return Poll<T>::ready(std::move(value_));
    --remaining_;
    cx.waker().wake_by_ref();
    return Poll<T>::pending();
  }

 private:
  int remaining_;
  T value_;
};

// A one-shot event: a future that is pending until `set()` is called, from
// any thread. The shared state outlives both sides.
class Event {
  struct State {
    std::atomic<bool> set{false};
    std::mutex mutex;
    std::optional<Waker> waker;
  };

 public:
  Event() : state_(std::make_shared<State>()) {}

  void set() const {
    std::optional<Waker> waker;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->set = true;
      waker = std::move(state_->waker);
    }
    if (waker) std::move(*waker).wake();
  }

  class Wait {
   public:
    using Output = void;
    explicit Wait(std::shared_ptr<State> s) : state_(std::move(s)) {}
    Poll<void> poll(Context& cx) {
      ++polls;
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (state_->set) return Poll<void>::ready();
      state_->waker = cx.waker();
      return Poll<void>::pending();
    }
    int polls = 0;

   private:
    std::shared_ptr<State> state_;
  };

  Wait wait() const { return Wait(state_); }

 private:
  std::shared_ptr<State> state_;
};

// Wraps a future and counts its polls into a shared counter.
template <class F>
class Counted {
 public:
  using Output = output_of<F>;
  Counted(F future, std::shared_ptr<int> polls) : future_(std::move(future)), polls_(std::move(polls)) {}
  Poll<Output> poll(Context& cx) {
    ++*polls_;
    return future_.poll(cx);
  }

 private:
  F future_;
  std::shared_ptr<int> polls_;
};

// Increments a counter when destroyed; lets tests see that a future was dropped.
class DropCounter {
 public:
  explicit DropCounter(std::shared_ptr<int> counter) : counter_(std::move(counter)) {}
  DropCounter(DropCounter&& other) noexcept : counter_(std::move(other.counter_)) {}
  ~DropCounter() {
    if (counter_) ++*counter_;
  }

 private:
  std::shared_ptr<int> counter_;
};

// Never ready; holds a DropCounter so its destruction is visible.
class Forever {
 public:
  using Output = void;
  explicit Forever(std::shared_ptr<int> drops) : guard_(std::move(drops)) {}
  Poll<void> poll(Context&) { return Poll<void>::pending(); }

 private:
  DropCounter guard_;
};

// Ready on first poll with `value`.
template <class T>
class Ready {
 public:
  using Output = T;
  explicit Ready(T value) : value_(std::move(value)) {}
  Poll<T> poll(Context&) { return Poll<T>::ready(std::move(value_)); }

 private:
  T value_;
};

}  // namespace asyncc::testing
