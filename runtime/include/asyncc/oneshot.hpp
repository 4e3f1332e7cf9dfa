// oneshot<T>(): a channel for one value, between any two threads.
//
//   auto [tx, rx] = asyncc::oneshot<int>();
//   spawn(producer(std::move(tx)));          // tx.send(42)
//   std::optional<int> v = co_await std::move(rx);   // empty if tx was dropped
#pragma once

#include <asyncc/future.hpp>

#include <memory>
#include <mutex>
#include <optional>
#include <utility>

namespace asyncc {

template <class T>
class OneshotSender;
template <class T>
class OneshotReceiver;

namespace detail {
template <class T>
struct OneshotState {
  std::mutex mutex;
  std::optional<T> value;
  bool sender_alive = true;
  bool receiver_alive = true;
  std::optional<Waker> waker;
};
}  // namespace detail

template <class T>
std::pair<OneshotSender<T>, OneshotReceiver<T>> oneshot();

// Sends one value. Dropping it unsent tells the receiver no value will come.
template <class T>
class OneshotSender {
 public:
  OneshotSender(OneshotSender&&) noexcept = default;
  OneshotSender& operator=(OneshotSender&& other) noexcept {
    if (this != &other) {
      close();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~OneshotSender() { close(); }

  // Sends `value`, waking the receiver; false if the receiver is gone (the
  // value is then dropped). A sender sends once: sending again is a
  // contract violation.
  bool send(T value) {
    if (!state_) detail::contract_violation("a OneshotSender sent twice (or after it was moved from)");
    auto state = std::move(state_);
    std::optional<Waker> waker;
    {
      std::lock_guard<std::mutex> lock(state->mutex);
      state->sender_alive = false;
      if (!state->receiver_alive) return false;
      state->value.emplace(std::move(value));
      waker = std::move(state->waker);
      state->waker.reset();
    }
    if (waker) std::move(*waker).wake();
    return true;
  }

  // True once the receiver is gone: a value sent now would be dropped.
  bool is_closed() const {
    if (!state_) return true;
    std::lock_guard<std::mutex> lock(state_->mutex);
    return !state_->receiver_alive;
  }

 private:
  friend std::pair<OneshotSender<T>, OneshotReceiver<T>> oneshot<T>();
  explicit OneshotSender(std::shared_ptr<detail::OneshotState<T>> s) noexcept : state_(std::move(s)) {}
  void close() noexcept {
    if (!state_) return;
    std::optional<Waker> waker;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->sender_alive = false;
      waker = std::move(state_->waker);
      state_->waker.reset();
    }
    state_.reset();
    if (waker) std::move(*waker).wake();
  }

  std::shared_ptr<detail::OneshotState<T>> state_;
};

// A future of the value: std::optional<T>, empty if the sender was dropped
// without sending.
template <class T>
class OneshotReceiver {
 public:
  using Output = std::optional<T>;

  OneshotReceiver(OneshotReceiver&&) noexcept = default;
  OneshotReceiver& operator=(OneshotReceiver&& other) noexcept {
    if (this != &other) {
      close();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~OneshotReceiver() { close(); }

  Poll<Output> poll(Context& cx) {
    if (!state_) detail::contract_violation("a OneshotReceiver was polled after it completed");
    std::optional<Waker> old;  // dropped after unlocking
    std::unique_lock<std::mutex> lock(state_->mutex);
    if (state_->value || !state_->sender_alive) {
      Output out = std::move(state_->value);
      state_->value.reset();
      lock.unlock();
      state_.reset();
      return Poll<Output>::ready(std::move(out));
    }
    if (!state_->waker || !state_->waker->will_wake(cx.waker())) {
      old = std::move(state_->waker);
      state_->waker = cx.waker();
    }
    return Poll<Output>::pending();
  }

 private:
  friend std::pair<OneshotSender<T>, OneshotReceiver<T>> oneshot<T>();
  explicit OneshotReceiver(std::shared_ptr<detail::OneshotState<T>> s) noexcept : state_(std::move(s)) {}
  void close() noexcept {
    if (!state_) return;
    std::optional<T> dropped;  // a value sent but never received dies here, unlocked
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->receiver_alive = false;
      dropped = std::move(state_->value);
      state_->value.reset();
      state_->waker.reset();
    }
    state_.reset();
  }

  std::shared_ptr<detail::OneshotState<T>> state_;
};

template <class T>
std::pair<OneshotSender<T>, OneshotReceiver<T>> oneshot() {
  auto state = std::make_shared<detail::OneshotState<T>>();
  return {OneshotSender<T>(state), OneshotReceiver<T>(state)};
}

}  // namespace asyncc
