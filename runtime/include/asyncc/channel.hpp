// A bounded multi-producer, single-consumer channel. Senders and the receiver
// may live on different threads; send() waits while the channel is full,
// recv() while it is empty. Either side sees when the other is gone: recv()
// yields nullopt once every Sender is dropped and the queue is drained;
// send() yields false once the Receiver is dropped.
//
// Without waiting: try_send() queues a value or hands it back with the
// reason (Full, Closed), so a server can drop a slow client's message
// instead of stalling on it; try_recv() takes a value or says why there is
// none (Empty, Disconnected).
//
// unbounded_channel<T>() makes a channel without a limit: its send() never
// waits (UnboundedSender, UnboundedReceiver).
#pragma once

#include <asyncc/expected.hpp>
#include <asyncc/future.hpp>

#include <cstddef>
#include <cstdint>
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
template <class T>
class UnboundedSender;
template <class T>
class UnboundedReceiver;

// A send refused because the receiving side is gone; the value comes back.
template <class T>
struct SendError {
  T value;
};

// Why try_send() did not queue its value, and the value, handed back.
template <class T>
class TrySendError {
 public:
  enum class Kind : std::uint8_t {
    Full,    // the channel holds `capacity` values
    Closed,  // the receiver is gone
  };
  TrySendError(Kind kind, T value) : kind_(kind), value_(std::move(value)) {}

  Kind kind() const noexcept { return kind_; }
  bool is_full() const noexcept { return kind_ == Kind::Full; }
  bool is_closed() const noexcept { return kind_ == Kind::Closed; }
  T& value() & noexcept { return value_; }
  T into_inner() && { return std::move(value_); }

 private:
  Kind kind_;
  T value_;
};

// Why try_recv() gave no value.
enum class TryRecvError : std::uint8_t {
  Empty,         // nothing queued now; senders remain
  Disconnected,  // nothing queued, and every sender is gone
};

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

  // Queues `value` now if there is room; otherwise hands it back, with
  // Full or Closed.
  Expected<void, TrySendError<T>> try_send(T value) {
    std::optional<Waker> receiver;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (!state_->receiver_alive)
        return {unexpect, TrySendError<T>::Kind::Closed, std::move(value)};
      if (state_->queue.size() >= state_->capacity)
        return {unexpect, TrySendError<T>::Kind::Full, std::move(value)};
      state_->queue.push_back(std::move(value));
      receiver = std::move(state_->receiver_waker);
      state_->receiver_waker.reset();
    }
    if (receiver) std::move(*receiver).wake();
    return {};
  }

  // True once the receiver is gone.
  bool is_closed() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return !state_->receiver_alive;
  }

 private:
  template <class U>
  friend std::pair<Sender<U>, Receiver<U>> channel(std::size_t capacity);
  friend class UnboundedSender<T>;
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

  // The next value if one is queued now; otherwise Empty, or Disconnected
  // once every sender is gone.
  Expected<T, TryRecvError> try_recv() {
    std::vector<Waker> senders;
    std::optional<T> value;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (state_->queue.empty())
        return {unexpect, state_->senders == 0 ? TryRecvError::Disconnected : TryRecvError::Empty};
      value.emplace(std::move(state_->queue.front()));
      state_->queue.pop_front();
      senders.swap(state_->waiting_senders);
    }
    detail::wake_all(senders);
    return std::move(*value);
  }

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
  friend class UnboundedReceiver<T>;
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

// The sending side of an unbounded channel: copyable, and send() never
// waits. The queue grows as long as the receiver falls behind.
template <class T>
class UnboundedSender {
 public:
  // Queues `value`; hands it back if the receiver is gone.
  Expected<void, SendError<T>> send(T value) {
    auto sent = sender_.try_send(std::move(value));
    if (sent) return {};
    return {unexpect, SendError<T>{std::move(sent.error()).into_inner()}};
  }
  bool is_closed() const { return sender_.is_closed(); }

 private:
  template <class U>
  friend std::pair<UnboundedSender<U>, UnboundedReceiver<U>> unbounded_channel();
  explicit UnboundedSender(std::shared_ptr<detail::ChannelState<T>> state) : sender_(std::move(state)) {}
  Sender<T> sender_;
};

// The receiving side of an unbounded channel; as Receiver.
template <class T>
class UnboundedReceiver {
 public:
  using Recv = typename Receiver<T>::Recv;

  // The next value; nullopt once every sender is gone and the queue is
  // empty. The receiver must outlive the future.
  Recv recv() noexcept { return receiver_.recv(); }
  Expected<T, TryRecvError> try_recv() { return receiver_.try_recv(); }
  Poll<std::optional<T>> poll_recv(Context& cx) { return receiver_.poll_recv(cx); }

 private:
  template <class U>
  friend std::pair<UnboundedSender<U>, UnboundedReceiver<U>> unbounded_channel();
  explicit UnboundedReceiver(std::shared_ptr<detail::ChannelState<T>> state) : receiver_(std::move(state)) {}
  Receiver<T> receiver_;
};

// A channel without a limit on what it holds.
template <class T>
std::pair<UnboundedSender<T>, UnboundedReceiver<T>> unbounded_channel() {
  auto state = std::make_shared<detail::ChannelState<T>>(static_cast<std::size_t>(-1));
  return {UnboundedSender<T>(state), UnboundedReceiver<T>(state)};
}

}  // namespace asyncc
