// Internal to the sync primitives: the intrusive FIFO list of waiting
// futures, and the batch of wakers woken once a lock is released.
//
// A waiting future embeds its node, so that waiting allocates nothing; a
// future whose node is linked is pinned (moving it is a contract violation).
// The list is guarded by the primitive's mutex; a future dropped while
// linked unlinks itself under that mutex, so no thread ever touches a node
// whose future is gone.
#pragma once

#include <asyncc/future.hpp>

#include <cstddef>
#include <optional>
#include <utility>
#include <vector>

namespace asyncc::detail {

struct WaitNode {
  WaitNode* prev = nullptr;
  WaitNode* next = nullptr;
  bool linked = false;
  std::optional<Waker> waker;

  // Stores the waker of `cx` unless the stored one wakes the same task.
  // Returns the waker it replaced, to be dropped after unlocking.
  std::optional<Waker> set_waker(const Context& cx) {
    std::optional<Waker> old;
    if (!waker || !waker->will_wake(cx.waker())) {
      old = std::move(waker);
      waker = cx.waker();
    }
    return old;
  }
};

// First in, first out. Not thread-safe: the owner's mutex guards it.
class WaitList {
 public:
  WaitList() = default;
  WaitList(const WaitList&) = delete;
  WaitList& operator=(const WaitList&) = delete;

  bool empty() const noexcept { return head_ == nullptr; }
  WaitNode* front() const noexcept { return head_; }

  void push_back(WaitNode* node) noexcept {
    node->prev = tail_;
    node->next = nullptr;
    (tail_ ? tail_->next : head_) = node;
    tail_ = node;
    node->linked = true;
  }

  void remove(WaitNode* node) noexcept {
    (node->prev ? node->prev->next : head_) = node->next;
    (node->next ? node->next->prev : tail_) = node->prev;
    node->prev = node->next = nullptr;
    node->linked = false;
  }

  WaitNode* pop_front() noexcept {
    WaitNode* node = head_;
    if (node) remove(node);
    return node;
  }

 private:
  WaitNode* head_ = nullptr;
  WaitNode* tail_ = nullptr;
};

// Wakers taken out of nodes under a lock, woken after it is released (a
// waker may run arbitrary code, take other locks, or free the task). Holds
// a few inline, so releasing a lock to one waiter allocates nothing.
class WakeBatch {
 public:
  WakeBatch() = default;
  WakeBatch(const WakeBatch&) = delete;
  WakeBatch& operator=(const WakeBatch&) = delete;
  ~WakeBatch() { wake_all(); }

  void take_from(WaitNode& node) {
    if (!node.waker) return;
    Waker w = std::move(*node.waker);
    node.waker.reset();
    if (count_ < kInline) {
      inline_[count_++].emplace(std::move(w));
    } else {
      more_.push_back(std::move(w));
    }
  }

  void wake_all() noexcept {
    for (std::size_t i = 0; i < count_; ++i) {
      std::move(*inline_[i]).wake();
      inline_[i].reset();
    }
    count_ = 0;
    for (Waker& w : more_) std::move(w).wake();
    more_.clear();
  }

 private:
  static constexpr std::size_t kInline = 4;
  std::optional<Waker> inline_[kInline];
  std::size_t count_ = 0;
  std::vector<Waker> more_;
};

}  // namespace asyncc::detail
