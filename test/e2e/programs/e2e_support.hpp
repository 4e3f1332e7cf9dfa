// Shared by the end-to-end programs: a lifetime-tracing type, hand-written
// leaf futures and a polling helper.
//
// The programs are compiled natively (C++20) and, after asyncc rewrote their
// ASYNC functions, as C++17: this header is never transformed, so it must be
// plain C++17 with no coroutines.
#pragma once

#include <asyncc/future.hpp>

#include <cstdio>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <utility>

namespace e2e {

// A value with an identity (its name) whose lifetime is printed: "+name" on
// construction, "copy a -> a'" on copy (a copy is a new identity), "-name"
// when a live identity ends. A move hands the identity over and is silent by
// default: native coroutines and generated state machines move values a
// different number of times, and both are correct. Set print_moves to see them.
class Traced {
 public:
  static inline bool print_moves = false;

  explicit Traced(std::string name, int value = 0) : name_(std::move(name)), value_(value), live_(true) {
    ++live_count_;
    std::printf("+%s\n", name_.c_str());
  }
  Traced(const Traced& other) : name_(other.name_ + "'"), value_(other.value_), live_(true) {
    ++live_count_;
    std::printf("copy %s -> %s\n", other.name_.c_str(), name_.c_str());
  }
  Traced(Traced&& other) noexcept
      : name_(std::move(other.name_)), value_(other.value_), live_(std::exchange(other.live_, false)) {
    if (print_moves && live_) std::printf("move %s\n", name_.c_str());
  }
  // Assignment keeps the target's identity and takes the source's value.
  Traced& operator=(const Traced& other) {
    value_ = other.value_;
    std::printf("%s = copy of %s\n", name_.c_str(), other.name_.c_str());
    return *this;
  }
  Traced& operator=(Traced&& other) noexcept {
    value_ = other.value_;
    if (print_moves) std::printf("%s = move of %s\n", name_.c_str(), other.name_.c_str());
    return *this;
  }
  ~Traced() {
    if (!live_) return;
    --live_count_;
    std::printf("-%s\n", name_.c_str());
  }

  const std::string& name() const noexcept { return name_; }
  int value() const noexcept { return value_; }
  // Identities alive right now: 0 at the end of a program that neither
  // leaks nor destroys twice.
  static int live_count() noexcept { return live_count_; }

 private:
  static inline int live_count_ = 0;
  std::string name_;
  int value_;
  bool live_;
};

// A label that prints "<label>: dropped" when a live leaf future is destroyed
// (moved-from ones stay silent), so cancellation shows which leaf was pending.
class DropLabel {
 public:
  explicit DropLabel(const char* label) noexcept : label_(label) {}
  DropLabel(DropLabel&& other) noexcept : label_(std::exchange(other.label_, nullptr)) {}
  DropLabel& operator=(DropLabel&&) = delete;
  ~DropLabel() {
    if (label_) std::printf("%s: dropped\n", label_);
  }
  const char* get() const noexcept { return label_; }

 private:
  const char* label_;
};

// Pending `times` times, waking itself each time (as a yield would), then
// ready with `value`. With a label, prints each poll's outcome and its drop.
template <class T>
class PendingFor {
 public:
  using Output = T;
  PendingFor(int times, T value, const char* label = nullptr)
      : remaining_(times), value_(std::move(value)), label_(label) {}

  asyncc::Poll<T> poll(asyncc::Context& cx) {
    if (remaining_ == 0) {
      if (label_.get()) std::printf("%s: ready\n", label_.get());
      return asyncc::Poll<T>::ready(std::move(value_));
    }
    --remaining_;
    if (label_.get()) std::printf("%s: pending\n", label_.get());
    cx.waker().wake_by_ref();
    return asyncc::Poll<T>::pending();
  }

 private:
  int remaining_;
  T value_;
  DropLabel label_;
};

// PendingFor without a value.
class Yield {
 public:
  using Output = void;
  explicit Yield(int times = 1, const char* label = nullptr) : remaining_(times), label_(label) {}

  asyncc::Poll<void> poll(asyncc::Context& cx) {
    if (remaining_ == 0) {
      if (label_.get()) std::printf("%s: ready\n", label_.get());
      return asyncc::Poll<void>::ready();
    }
    --remaining_;
    if (label_.get()) std::printf("%s: pending\n", label_.get());
    cx.waker().wake_by_ref();
    return asyncc::Poll<void>::pending();
  }

 private:
  int remaining_;
  DropLabel label_;
};

// Ready on its first poll.
template <class T>
class Ready {
 public:
  using Output = T;
  explicit Ready(T value) : value_(std::move(value)) {}
  asyncc::Poll<T> poll(asyncc::Context&) { return asyncc::Poll<T>::ready(std::move(value_)); }

 private:
  T value_;
};

// Pending `times` times, then yields the referred object itself (Output T&).
template <class T>
class RefAfter {
 public:
  using Output = T&;
  RefAfter(int times, T& target) : remaining_(times), target_(&target) {}
  asyncc::Poll<T&> poll(asyncc::Context& cx) {
    if (remaining_ == 0) return asyncc::Poll<T&>::ready(*target_);
    --remaining_;
    cx.waker().wake_by_ref();
    return asyncc::Poll<T&>::pending();
  }

 private:
  int remaining_;
  T* target_;
};

// Pending `times` times, then throws std::runtime_error(message) from poll.
template <class T>
class FailAfter {
 public:
  using Output = T;
  FailAfter(int times, const char* message) : remaining_(times), message_(message) {}
  asyncc::Poll<T> poll(asyncc::Context& cx) {
    if (remaining_ == 0) throw std::runtime_error(message_);
    --remaining_;
    cx.waker().wake_by_ref();
    return asyncc::Poll<T>::pending();
  }

 private:
  int remaining_;
  const char* message_;
};

// Throws from ordinary code called by an async body.
inline void fail_if(bool condition, const char* message) {
  if (condition) throw std::runtime_error(message);
}

// Polls `future` with a no-op waker until it is ready (for futures that need
// no reactor) and prints how many polls it took.
template <class F>
asyncc::output_of<F> run_to_completion(const char* label, F future) {
  static_assert(asyncc::is_future_v<F>, "run_to_completion needs a future");
  asyncc::Context cx(asyncc::noop_waker());
  for (int polls = 1;; ++polls) {
    auto result = future.poll(cx);
    if (result.is_ready()) {
      std::printf("[%s: ready after %d polls]\n", label, polls);
      if constexpr (std::is_void_v<asyncc::output_of<F>>)
        return;
      else
        return std::move(result).value();
    }
  }
}

// Makes a future with make() and drops it after 0, 1, ... max_polls polls
// (or when it finishes or throws first), printing what happens: the traces
// show what each state destroys.
template <class Make>
void drop_after_each_poll(const char* label, Make make, int max_polls) {
  for (int polls = 0; polls <= max_polls; ++polls) {
    std::printf("-- %s: dropped after %d polls\n", label, polls);
    try {
      auto future = make();
      asyncc::Context cx(asyncc::noop_waker());
      for (int p = 0; p < polls; ++p)
        if (future.poll(cx).is_ready()) {
          std::printf("ready after %d polls\n", p + 1);
          break;
        }
    } catch (const std::exception& e) {
      std::printf("exception: %s\n", e.what());
    }
  }
}

}  // namespace e2e
