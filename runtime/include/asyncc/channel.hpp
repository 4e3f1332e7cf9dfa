// A bounded multi-producer, single-consumer channel. Senders and the receiver
// may live on different threads; send() waits while the channel is full,
// recv() while it is empty. Either side sees when the other is gone: recv()
// yields nullopt once every Sender is dropped and the queue is drained;
// send() yields false once the Receiver is dropped.
#pragma once

#include <asyncc/future.hpp>

#include <cstddef>
#include <deque>
#include <memory>
#include <mutex>
#include <optional>
#include <utility>
#include <vector>

namespace asyncc {

template <class T>
class Sender;
template <class T>
class Receiver;

namespace detail {

template <class T>
struct ChannelState {
  explicit ChannelState(std::size_t cap) : capacity(cap) {}

  std::mutex mutex;
  std::deque<T> queue;
  const std::size_t capacity;
  std::size_t senders = 1;
  bool receiver_alive = true;
  std::optional<Waker> receiver_waker;
  // Senders waiting for room. All are woken when room appears: a waiting
  // send may have been dropped, and a wake-up given to it alone would be lost.
  std::vector<Waker> waiting_senders;
};

inline void wake_all(std::vector<Waker>& wakers) {
  for (Waker& waker : wakers) std::move(waker).wake();
  wakers.clear();
}

}  // namespace detail

// Copyable: each copy is one more sender. The channel closes for the
// receiver when the last copy is dropped.
template <class T>
class Sender {
 public:
  class Send;

  Sender(const Sender& other) : state_(other.state_) {
    if (state_) {
      std::lock_guard<std::mutex> lock(state_->mutex);
      ++state_->senders;
    }
  }
  Sender(Sender&& other) noexcept = default;
  Sender& operator=(Sender other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~Sender() { release(); }

  // Sends `value`, waiting for room. The Sender must outlive the future.
  Send send(T value) { return Send(*state_, std::move(value)); }

  // True once the receiver is gone.
  bool is_closed() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return !state_->receiver_alive;
  }

 private:
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
  explicit Sender(std::shared_ptr<detail::ChannelState<T>> state) noexcept : state_(std::move(state)) {}

  void release() noexcept {
    if (!state_) return;
    std::optional<Waker> receiver;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (--state_->senders == 0) {
        receiver = std::move(state_->receiver_waker);
        state_->receiver_waker.reset();
      }
    }
    if (receiver) std::move(*receiver).wake();
    state_.reset();
  }

  std::shared_ptr<detail::ChannelState<T>> state_;
};

// Output: true once the value is queued; false if the receiver is gone (the
// value is then dropped).
template <class T>
class Sender<T>::Send {
 public:
  using Output = bool;

  Send(detail::ChannelState<T>& state, T value) : state_(&state), value_(std::move(value)) {}

  Poll<bool> poll(Context& cx) {
    if (!value_) detail::contract_violation("a Sender::Send was polled after it completed");
    std::optional<Waker> receiver;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (!state_->receiver_alive) {
        value_.reset();
        return Poll<bool>::ready(false);
      }
      if (state_->queue.size() >= state_->capacity) {
        auto& waiting = state_->waiting_senders;
        bool known = false;
        for (const Waker& w : waiting) known = known || w.will_wake(cx.waker());
        if (!known) waiting.push_back(cx.waker());
        return Poll<bool>::pending();
      }
      state_->queue.push_back(std::move(*value_));
      receiver = std::move(state_->receiver_waker);
      state_->receiver_waker.reset();
    }
    value_.reset();
    if (receiver) std::move(*receiver).wake();
    return Poll<bool>::ready(true);
  }

 private:
  detail::ChannelState<T>* state_;
  std::optional<T> value_;  // empty once sent or refused
};

template <class T>
class Receiver {
 public:
  class Recv;

  Receiver(Receiver&& other) noexcept = default;
  Receiver& operator=(Receiver&& other) noexcept {
    if (this != &other) {
      close();
      state_ = std::move(other.state_);
    }
    return *this;
  }
  ~Receiver() { close(); }

  // The next value; nullopt once every sender is gone and the queue is empty.
  // The Receiver must outlive the future.
  Recv recv() noexcept { return Recv(*this); }

  Poll<std::optional<T>> poll_recv(Context& cx) {
    std::vector<Waker> senders;
    Poll<std::optional<T>> out = Poll<std::optional<T>>::pending();
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (!state_->queue.empty()) {
        detail::PollAccess::emplace(out, std::move(state_->queue.front()));
        state_->queue.pop_front();
        senders.swap(state_->waiting_senders);
      } else if (state_->senders == 0) {
        detail::PollAccess::emplace(out, std::nullopt);
      } else if (!state_->receiver_waker || !state_->receiver_waker->will_wake(cx.waker())) {
        state_->receiver_waker = cx.waker();
      }
    }
    detail::wake_all(senders);
    return out;
  }

 private:
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
  explicit Receiver(std::shared_ptr<detail::ChannelState<T>> state) noexcept : state_(std::move(state)) {}

  // Refuses further sends and drops what is queued.
  void close() noexcept {
    if (!state_) return;
    std::vector<Waker> senders;
    std::deque<T> dropped;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      state_->receiver_alive = false;
      state_->receiver_waker.reset();
      senders.swap(state_->waiting_senders);
      dropped.swap(state_->queue);
    }
    detail::wake_all(senders);
    state_.reset();
  }

  std::shared_ptr<detail::ChannelState<T>> state_;
};

template <class T>
class Receiver<T>::Recv {
 public:
  using Output = std::optional<T>;

  explicit Recv(Receiver& receiver) noexcept : receiver_(&receiver) {}

  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a Receiver::Recv was polled after it completed");
    Poll<Output> out = receiver_->poll_recv(cx);
    done_ = out.is_ready();
    return out;
  }

 private:
  Receiver* receiver_;
  bool done_ = false;
};

// A channel holding at most `capacity` values (at least one).
template <class T>
std::pair<Sender<T>, Receiver<T>> channel(std::size_t capacity) {
  auto state = std::make_shared<detail::ChannelState<T>>(capacity == 0 ? 1 : capacity);
  return {Sender<T>(state), Receiver<T>(state)};
}

}  // namespace asyncc
