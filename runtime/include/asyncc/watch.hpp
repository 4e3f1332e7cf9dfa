// watch<T>(init): one value that changes, seen by many receivers, in the
// manner of Tokio's tokio::sync::watch. Receivers see the latest value, not
// every value; changed() waits until there is a value they have not seen.
//
//   auto [tx, rx] = asyncc::watch<Config>(initial);
//   tx.send(updated);                          // replaces the value, wakes receivers
//   while (co_await rx.changed())              // false once the sender is gone
//     apply(*rx.borrow_and_update());
//
// The initial value counts as seen by the first receiver; a receiver made
// by subscribe() (or copied) has seen what was current then (a copy shares
// its original's view). borrow() gives a guard that reads the value under a
// shared lock: keep it short and never across an await, since send() waits
// for it. Sender (movable) and receivers (copyable) may be used from any
// thread; a receiver must outlive its changed() futures.
#pragma once

#include <asyncc/channel.hpp>
#include <asyncc/expected.hpp>
#include <asyncc/future.hpp>
#include <asyncc/wait_list.hpp>

#include <cstddef>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <utility>

namespace asyncc {

template <class T>
class WatchSender;
template <class T>
class WatchReceiver;

namespace detail {

template <class T>
struct WatchState {
  template <class U>
  explicit WatchState(U&& init) : value(std::forward<U>(init)) {}

  std::shared_mutex value_mutex;  // guards value; version changes under it too
  T value;
  std::mutex mutex;  // guards the rest; taken after value_mutex, never before
  std::uint64_t version = 0;
  bool sender_alive = true;
  std::size_t receivers = 1;
  WaitList waiters;  // changed() futures
};

}  // namespace detail

// Read access to the current value; holds a shared lock until dropped.
template <class T>
class WatchRef {
 public:
  const T& operator*() const noexcept { return *value_; }
  const T* operator->() const noexcept { return value_; }
  // True when the value was new to the receiver that borrowed it (before
  // borrow_and_update marked it seen; always false after borrow()).
  bool has_changed() const noexcept { return changed_; }

 private:
  friend class WatchSender<T>;
  friend class WatchReceiver<T>;
  WatchRef(std::shared_lock<std::shared_mutex> lock, const T* value, bool changed) noexcept
      : lock_(std::move(lock)), value_(value), changed_(changed) {}
  std::shared_lock<std::shared_mutex> lock_;
  const T* value_;
  bool changed_;
};

template <class T>
class WatchSender {
 public:
  WatchSender(WatchSender&& other) noexcept = default;
  WatchSender& operator=(WatchSender&& other) noexcept {
    if (this != &other) {
      release();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~WatchSender() { release(); }

  // Replaces the value and wakes the receivers' changed(); if no receiver
  // is left, the value is not stored and is handed back.
  Expected<void, SendError<T>> send(T value) {
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (state_->receivers == 0) return {unexpect, SendError<T>{std::move(value)}};
    }
    T old = send_replace(std::move(value));
    (void)old;
    return {};
  }

  // Replaces the value whether or not anyone watches; returns the old one.
  T send_replace(T value) {
    using std::swap;
    modify([&](T& current) { swap(current, value); });
    return value;
  }

  // Changes the value in place with `f(T&)` and notifies the receivers.
  template <class F>
  void send_modify(F&& f) {
    modify(std::forward<F>(f));
  }

  WatchRef<T> borrow() const {
    std::shared_lock<std::shared_mutex> lock(state_->value_mutex);
    return WatchRef<T>(std::move(lock), &state_->value, false);
  }

  // A receiver that has seen the current value.
  WatchReceiver<T> subscribe() const;

  std::size_t receiver_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->receivers;
  }
  // True once every receiver is gone.
  bool is_closed() const { return receiver_count() == 0; }

 private:
  template <class U>
  friend std::pair<WatchSender<U>, WatchReceiver<U>> watch(U init);
  explicit WatchSender(std::shared_ptr<detail::WatchState<T>> state) noexcept : state_(std::move(state)) {}

  template <class F>
  void modify(F&& f) {
    detail::WakeBatch wakes;
    {
      std::unique_lock<std::shared_mutex> write(state_->value_mutex);
      f(state_->value);
      std::lock_guard<std::mutex> lock(state_->mutex);
      ++state_->version;
      while (detail::WaitNode* node = state_->waiters.pop_front()) wakes.take_from(*node);
    }
  }

  void release() noexcept {
    if (!state_) return;
    detail::WakeBatch wakes;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->sender_alive = false;
      while (detail::WaitNode* node = state_->waiters.pop_front()) wakes.take_from(*node);
    }
    state_.reset();
  }

  std::shared_ptr<detail::WatchState<T>> state_;
};

template <class T>
class WatchReceiver {
 public:
  class Changed;

  WatchReceiver(const WatchReceiver& other) : state_(other.state_), seen_(other.seen_) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->receivers;
  }
  WatchReceiver(WatchReceiver&& other) noexcept : state_(std::move(other.state_)), seen_(other.seen_) {}
  WatchReceiver& operator=(WatchReceiver other) noexcept {
    std::swap(state_, other.state_);
    std::swap(seen_, other.seen_);
    return *this;
  }
  ~WatchReceiver() { release(); }

  // The current value, without marking it seen.
  WatchRef<T> borrow() const {
    std::shared_lock<std::shared_mutex> lock(state_->value_mutex);
    const bool changed = current_version() != seen_;
    return WatchRef<T>(std::move(lock), &state_->value, changed);
  }

  // The current value, marked seen: changed() then waits for a newer one.
  WatchRef<T> borrow_and_update() {
    std::shared_lock<std::shared_mutex> lock(state_->value_mutex);
    const std::uint64_t version = current_version();
    const bool changed = version != seen_;
    seen_ = version;
    return WatchRef<T>(std::move(lock), &state_->value, changed);
  }

  // True when there is a value this receiver has not seen.
  bool has_changed() const { return current_version() != seen_; }

  // A future: true once there is a value this receiver has not seen (which
  // it then counts as seen), false if the sender is gone and there is none.
  Changed changed() noexcept { return Changed(*this); }

 private:
  friend class WatchSender<T>;
  template <class U>
  friend std::pair<WatchSender<U>, WatchReceiver<U>> watch(U init);
  WatchReceiver(std::shared_ptr<detail::WatchState<T>> state, std::uint64_t seen) noexcept
      : state_(std::move(state)), seen_(seen) {}

  std::uint64_t current_version() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->version;
  }

  void release() noexcept {
    if (!state_) return;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      --state_->receivers;
    }
    state_.reset();
  }

  std::shared_ptr<detail::WatchState<T>> state_;
  std::uint64_t seen_;  // the version this receiver has seen
};

template <class T>
class WatchReceiver<T>::Changed {
 public:
  using Output = bool;

  explicit Changed(WatchReceiver& receiver) noexcept : receiver_(&receiver) {}
  Changed(Changed&& other) noexcept : receiver_(other.receiver_) {
    if (other.node_.linked) detail::contract_violation("a watch Changed was moved while it waited (it is pinned)");
  }
  Changed& operator=(Changed&&) = delete;
  ~Changed() {
    if (!receiver_->state_) return;
    std::optional<Waker> mine;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(receiver_->state_->mutex);
    if (node_.linked) receiver_->state_->waiters.remove(&node_);
    mine = std::move(node_.waker);
    node_.waker.reset();
  }

  Poll<bool> poll(Context& cx) {
    std::optional<Waker> old;  // dropped after unlocking
    auto& state = *receiver_->state_;
    std::lock_guard<std::mutex> lock(state.mutex);
    if (state.version != receiver_->seen_ || !state.sender_alive) {
      const bool changed = state.version != receiver_->seen_;
      receiver_->seen_ = state.version;
      if (node_.linked) state.waiters.remove(&node_);
      old = std::move(node_.waker);
      node_.waker.reset();
      return Poll<bool>::ready(changed);
    }
    old = node_.set_waker(cx);
    if (!node_.linked) state.waiters.push_back(&node_);
    return Poll<bool>::pending();
  }

 private:
  WatchReceiver* receiver_;
  detail::WaitNode node_;
};

template <class T>
WatchReceiver<T> WatchSender<T>::subscribe() const {
  std::lock_guard<std::mutex> lock(state_->mutex);
  ++state_->receivers;
  return WatchReceiver<T>(state_, state_->version);
}

// A watch channel holding `init`.
template <class T>
std::pair<WatchSender<T>, WatchReceiver<T>> watch(T init) {
  auto state = std::make_shared<detail::WatchState<T>>(std::move(init));
  return {WatchSender<T>(state), WatchReceiver<T>(state, 0)};
}

}  // namespace asyncc
