// broadcast<T>(capacity): a multi-producer, multi-consumer channel where
// every receiver sees every value, in the manner of Tokio's
// tokio::sync::broadcast.
//
//   auto [tx, rx] = asyncc::broadcast<std::string>(16);
//   auto rx2 = tx.subscribe();                   // sees values sent from now on
//   tx.send("hello");                            // never waits
//   auto got = co_await rx.recv();               // Expected<std::string, BroadcastRecvError>
//   if (!got && got.error().is_lagged()) skipped += got.error().skipped();
//
// The channel keeps the last `capacity` values. Sending never waits: when
// the buffer is full the oldest value is overwritten, and a receiver that
// had not read it yet is lagging: its next recv() yields the error Lagged
// with the number of values it missed, and the recv() after that the oldest
// value still kept. recv() yields Closed once every sender is gone and the
// receiver has read everything. A value is copied to each receiver and
// dropped once every receiver that was subscribed when it was sent has read
// it (or was dropped). T must be copyable.
//
// Senders are copyable; receivers are movable (resubscribe() makes another,
// starting at the newest value). Everything may be used from any thread.
// A receiver must outlive its recv() futures.
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
#include <utility>
#include <vector>

namespace asyncc {

// Why a broadcast receiver got no value.
class BroadcastRecvError {
 public:
  enum class Kind : std::uint8_t {
    Closed,  // every sender is gone and nothing is left to read
    Lagged,  // values were overwritten before this receiver read them
    Empty,   // try_recv only: nothing new yet
  };

  static BroadcastRecvError closed() noexcept { return BroadcastRecvError(Kind::Closed, 0); }
  static BroadcastRecvError lagged(std::uint64_t skipped) noexcept { return BroadcastRecvError(Kind::Lagged, skipped); }
  static BroadcastRecvError empty() noexcept { return BroadcastRecvError(Kind::Empty, 0); }

  Kind kind() const noexcept { return kind_; }
  bool is_closed() const noexcept { return kind_ == Kind::Closed; }
  bool is_lagged() const noexcept { return kind_ == Kind::Lagged; }
  bool is_empty() const noexcept { return kind_ == Kind::Empty; }
  // How many values a lagging receiver missed (0 for the other kinds).
  std::uint64_t skipped() const noexcept { return skipped_; }

  friend bool operator==(const BroadcastRecvError& a, const BroadcastRecvError& b) noexcept {
    return a.kind_ == b.kind_ && a.skipped_ == b.skipped_;
  }
  friend bool operator!=(const BroadcastRecvError& a, const BroadcastRecvError& b) noexcept { return !(a == b); }

 private:
  BroadcastRecvError(Kind kind, std::uint64_t skipped) noexcept : kind_(kind), skipped_(skipped) {}
  Kind kind_;
  std::uint64_t skipped_;
};

template <class T>
class BroadcastSender;
template <class T>
class BroadcastReceiver;

namespace detail {

template <class T>
struct BroadcastState {
  struct Slot {
    std::uint64_t pos = 0;
    std::size_t unread = 0;  // receivers that still have to read it
    std::optional<T> value;
  };

  explicit BroadcastState(std::size_t capacity) : slots(capacity) {}

  std::mutex mutex;
  std::vector<Slot> slots;  // slot of position p: slots[p % capacity]
  std::uint64_t tail = 0;   // position of the next value sent
  std::size_t senders = 1;
  std::size_t receivers = 1;
  WaitList waiters;  // recv() futures waiting for the next value

  std::uint64_t oldest() const noexcept { return tail > slots.size() ? tail - slots.size() : 0; }
  Slot& slot(std::uint64_t pos) noexcept { return slots[pos % slots.size()]; }

  // The receiver at `next` leaves: it will read none of what it has not read.
  void forget_unread(std::uint64_t next, std::vector<std::optional<T>>& dropped) {
    for (std::uint64_t p = next > oldest() ? next : oldest(); p < tail; ++p) {
      Slot& s = slot(p);
      if (s.unread > 0 && --s.unread == 0) {
        dropped.push_back(std::move(s.value));
        s.value.reset();
      }
    }
  }
};

}  // namespace detail

// Sends to every receiver subscribed at the time. Copyable.
template <class T>
class BroadcastSender {
 public:
  BroadcastSender(const BroadcastSender& other) : state_(other.state_) {
    std::lock_guard<std::mutex> lock(state_->mutex);
    ++state_->senders;
  }
  BroadcastSender(BroadcastSender&& other) noexcept = default;
  BroadcastSender& operator=(BroadcastSender other) noexcept {
    std::swap(state_, other.state_);
    return *this;
  }
  ~BroadcastSender() { release(); }

  // Sends `value` to every receiver, overwriting the oldest value if the
  // buffer is full; never waits. Yields how many receivers will see it, or
  // hands the value back if there is none.
  Expected<std::size_t, SendError<T>> send(T value) {
    detail::WakeBatch wakes;
    std::optional<T> overwritten;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(state_->mutex);
    if (state_->receivers == 0) return {unexpect, SendError<T>{std::move(value)}};
    auto& slot = state_->slot(state_->tail);
    overwritten = std::move(slot.value);
    slot.pos = state_->tail;
    slot.unread = state_->receivers;
    slot.value.emplace(std::move(value));
    ++state_->tail;
    while (detail::WaitNode* node = state_->waiters.pop_front()) wakes.take_from(*node);
    return state_->receivers;
  }

  // A new receiver, which sees the values sent from now on.
  BroadcastReceiver<T> subscribe() const;

  std::size_t receiver_count() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return state_->receivers;
  }

 private:
  template <class U>
  friend std::pair<BroadcastSender<U>, BroadcastReceiver<U>> broadcast(std::size_t capacity);
  explicit BroadcastSender(std::shared_ptr<detail::BroadcastState<T>> state) noexcept : state_(std::move(state)) {}

  void release() noexcept {
    if (!state_) return;
    detail::WakeBatch wakes;
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      if (--state_->senders == 0)
        while (detail::WaitNode* node = state_->waiters.pop_front()) wakes.take_from(*node);
    }
    state_.reset();
  }

  std::shared_ptr<detail::BroadcastState<T>> state_;
};

template <class T>
class BroadcastReceiver {
 public:
  class Recv;
  using Result = Expected<T, BroadcastRecvError>;

  BroadcastReceiver(BroadcastReceiver&& other) noexcept
      : state_(std::move(other.state_)), next_(other.next_) {}
  BroadcastReceiver& operator=(BroadcastReceiver&& other) noexcept {
    if (this != &other) {
      release();
      state_ = std::move(other.state_);
      next_ = other.next_;
    }
    return *this;
  }
  ~BroadcastReceiver() { release(); }

  // A future of the next value (or Lagged, or Closed).
  Recv recv() noexcept { return Recv(*this); }

  // The next value if there is one now; Empty, Lagged or Closed otherwise.
  Result try_recv() {
    std::optional<T> dropped;  // the last copy, dropped after unlocking
    std::lock_guard<std::mutex> lock(state_->mutex);
    return take_locked(dropped);
  }

  // Another receiver, starting at the newest value, as if it had just
  // subscribed.
  BroadcastReceiver resubscribe() const { return subscribe(state_); }

  // Values sent that this receiver has not read yet (missed ones included).
  std::size_t len() const {
    std::lock_guard<std::mutex> lock(state_->mutex);
    return static_cast<std::size_t>(state_->tail - next_);
  }

 private:
  friend class BroadcastSender<T>;
  template <class U>
  friend std::pair<BroadcastSender<U>, BroadcastReceiver<U>> broadcast(std::size_t capacity);

  BroadcastReceiver(std::shared_ptr<detail::BroadcastState<T>> state, std::uint64_t next) noexcept
      : state_(std::move(state)), next_(next) {}

  static BroadcastReceiver subscribe(const std::shared_ptr<detail::BroadcastState<T>>& state) {
    std::lock_guard<std::mutex> lock(state->mutex);
    ++state->receivers;
    return BroadcastReceiver(state, state->tail);
  }

  // A value, Lagged, Closed, or Empty (nothing to read yet). Moves out the
  // value when this receiver is its last reader.
  Result take_locked(std::optional<T>& dropped) {
    auto& s = *state_;
    if (next_ < s.oldest()) {
      const std::uint64_t skipped = s.oldest() - next_;
      next_ = s.oldest();
      return {unexpect, BroadcastRecvError::lagged(skipped)};
    }
    if (next_ == s.tail)
      return {unexpect, s.senders == 0 ? BroadcastRecvError::closed() : BroadcastRecvError::empty()};
    auto& slot = s.slot(next_);
    ++next_;
    if (--slot.unread == 0) {
      Result out(std::move(*slot.value));
      dropped = std::move(slot.value);
      slot.value.reset();
      return out;
    }
    return Result(*slot.value);
  }

  void release() noexcept {
    if (!state_) return;
    std::vector<std::optional<T>> dropped;  // destroyed after unlocking
    {
      std::lock_guard<std::mutex> lock(state_->mutex);
      --state_->receivers;
      state_->forget_unread(next_, dropped);
    }
    state_.reset();
  }

  std::shared_ptr<detail::BroadcastState<T>> state_;
  std::uint64_t next_;  // position of the next value to read
};

template <class T>
class BroadcastReceiver<T>::Recv {
 public:
  using Output = Result;

  explicit Recv(BroadcastReceiver& receiver) noexcept : receiver_(&receiver) {}
  Recv(Recv&& other) noexcept : receiver_(other.receiver_) {
    if (other.node_.linked) detail::contract_violation("a broadcast Recv was moved while it waited (it is pinned)");
  }
  Recv& operator=(Recv&&) = delete;
  ~Recv() {
    if (!receiver_->state_) return;
    std::optional<Waker> mine;  // dropped after unlocking
    std::lock_guard<std::mutex> lock(receiver_->state_->mutex);
    if (node_.linked) receiver_->state_->waiters.remove(&node_);
    mine = std::move(node_.waker);
    node_.waker.reset();
  }

  Poll<Output> poll(Context& cx) {
    std::optional<T> dropped;  // dropped after unlocking
    std::optional<Waker> old;
    std::lock_guard<std::mutex> lock(receiver_->state_->mutex);
    Result got = receiver_->take_locked(dropped);
    if (got || !got.error().is_empty()) {
      if (node_.linked) receiver_->state_->waiters.remove(&node_);
      old = std::move(node_.waker);
      node_.waker.reset();
      return Poll<Output>::ready(std::move(got));
    }
    old = node_.set_waker(cx);
    if (!node_.linked) receiver_->state_->waiters.push_back(&node_);
    return Poll<Output>::pending();
  }

 private:
  BroadcastReceiver* receiver_;
  detail::WaitNode node_;
};

template <class T>
BroadcastReceiver<T> BroadcastSender<T>::subscribe() const {
  return BroadcastReceiver<T>::subscribe(state_);
}

// A broadcast channel keeping the last `capacity` values (at least one).
template <class T>
std::pair<BroadcastSender<T>, BroadcastReceiver<T>> broadcast(std::size_t capacity) {
  auto state = std::make_shared<detail::BroadcastState<T>>(capacity == 0 ? 1 : capacity);
  return {BroadcastSender<T>(state), BroadcastReceiver<T>(state, 0)};
}

}  // namespace asyncc
