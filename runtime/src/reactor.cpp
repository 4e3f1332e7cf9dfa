#include <asyncc/reactor.hpp>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <system_error>

namespace asyncc {

namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::system_error(errno, std::generic_category(), what);
}

// A 4-ary heap: half the depth of a binary one, and the children of a node
// share a cache line or two.
constexpr std::size_t kArity = 4;

// epoll_event.data.ptr of the eventfd; every other registration points at a
// live object, so null is free to mean "the notifier".
constexpr void* kNotifierToken = nullptr;

}  // namespace

namespace detail {

Notifier* Notifier::create() {
  int fd = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (fd < 0) throw_errno("asyncc: eventfd");
  return new Notifier(fd);
}

Notifier::~Notifier() { ::close(event_fd_); }

void Notifier::release() noexcept {
  if (refs_.fetch_sub(1, std::memory_order_acq_rel) == 1) delete this;
}

void Notifier::notify() noexcept {
  notified_.store(true, std::memory_order_seq_cst);
  if (parked_.load(std::memory_order_seq_cst)) {
    std::uint64_t one = 1;
    // EAGAIN means the counter is saturated: the reactor is woken anyway.
    [[maybe_unused]] ssize_t n = ::write(event_fd_, &one, sizeof one);
  }
}

}  // namespace detail

Reactor& Reactor::current() {
  static thread_local Reactor reactor;
  return reactor;
}

Reactor::Reactor() : epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), notifier_(nullptr) {
  if (epoll_fd_ < 0) throw_errno("asyncc: epoll_create1");
  to_wake_.reserve(64);
  try {
    notifier_ = detail::Notifier::create();
  } catch (...) {
    ::close(epoll_fd_);
    throw;
  }
  epoll_event ev{};
  ev.events = EPOLLIN;
  ev.data.ptr = kNotifierToken;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, notifier_->event_fd_, &ev) < 0) {
    int saved = errno;
    notifier_->release();
    ::close(epoll_fd_);
    errno = saved;
    throw_errno("asyncc: epoll_ctl");
  }
}

Reactor::~Reactor() {
  // Timers still queued belong to futures that outlive the reactor; they
  // will never fire, so make their removal a no-op.
  for (HeapSlot& slot : heap_) slot.entry->heap_index = detail::TimerEntry::kNotQueued;
  // Likewise for registrations: they drop their wakers but no longer touch epoll.
  for (detail::IoSlot* slot = io_head_; slot; slot = slot->next) slot->reactor = nullptr;
  ::close(epoll_fd_);
  notifier_->release();
}

void Reactor::place(std::size_t index, const HeapSlot& slot) noexcept {
  heap_[index] = slot;
  slot.entry->heap_index = index;
}

void Reactor::sift_up(std::size_t index, HeapSlot slot) noexcept {
  while (index > 0) {
    std::size_t parent = (index - 1) / kArity;
    if (!earlier(slot, heap_[parent])) break;
    place(index, heap_[parent]);
    index = parent;
  }
  place(index, slot);
}

void Reactor::sift_down(std::size_t index, HeapSlot slot) noexcept {
  const std::size_t size = heap_.size();
  for (;;) {
    std::size_t first = kArity * index + 1;
    if (first >= size) break;
    std::size_t last = first + kArity < size ? first + kArity : size;
    std::size_t child = first;
    for (std::size_t c = first + 1; c < last; ++c)
      if (earlier(heap_[c], heap_[child])) child = c;
    if (!earlier(heap_[child], slot)) break;
    place(index, heap_[child]);
    index = child;
  }
  place(index, slot);
}

void Reactor::add_timer(detail::TimerEntry& entry, Clock::time_point deadline, const Waker& waker) {
  if (entry.heap_index != detail::TimerEntry::kNotQueued) remove_timer(entry);
  entry.deadline = deadline;
  entry.fired = false;
  entry.waker = waker;
  heap_.push_back(HeapSlot{});
  sift_up(heap_.size() - 1, HeapSlot{deadline, next_sequence_++, &entry});
}

void Reactor::remove_at(std::size_t index) noexcept {
  heap_[index].entry->heap_index = detail::TimerEntry::kNotQueued;
  HeapSlot last = heap_.back();
  heap_.pop_back();
  if (index == heap_.size()) return;
  if (index > 0 && earlier(last, heap_[(index - 1) / kArity]))
    sift_up(index, last);
  else
    sift_down(index, last);
}

void Reactor::remove_timer(detail::TimerEntry& entry) noexcept {
  if (entry.heap_index == detail::TimerEntry::kNotQueued) return;
  remove_at(entry.heap_index);
  entry.waker.reset();
}

int Reactor::timeout_ms(Clock::time_point now) const noexcept {
  if (heap_.empty()) return -1;
  Clock::time_point deadline = heap_.front().deadline;
  if (deadline <= now) return 0;
  // Round up: waking a little late is fine, waking early only costs a loop.
  auto ms = std::chrono::ceil<std::chrono::milliseconds>(deadline - now).count();
  return ms > INT_MAX ? INT_MAX : static_cast<int>(ms);
}

void Reactor::fire_expired_timers() {
  if (heap_.empty()) return;
  const Clock::time_point now = Clock::now();
  while (!heap_.empty() && heap_.front().deadline <= now) {
    detail::TimerEntry* entry = heap_.front().entry;
    remove_at(0);
    entry->fired = true;
    // Wake last: the waker may run code that adds or removes timers.
    std::optional<Waker> waker = std::move(entry->waker);
    entry->waker.reset();
    if (waker) std::move(*waker).wake();
  }
}

std::error_code Reactor::add_io(detail::IoSlot& slot) noexcept {
  epoll_event ev{};
  // Both directions at once, edge-triggered: one epoll_ctl per descriptor's
  // life, none per operation. EPOLLRDHUP reports a peer's shutdown as
  // readability, so a reader sees the end of the stream.
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &slot;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, slot.fd, &ev) < 0) return last_os_error();
  slot.reactor = this;
  slot.prev = nullptr;
  slot.next = io_head_;
  if (io_head_) io_head_->prev = &slot;
  io_head_ = &slot;
  ++io_count_;
  return {};
}

void Reactor::remove_io(detail::IoSlot& slot) noexcept {
  // Fails only if the descriptor was closed first, which removed it anyway.
  ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, slot.fd, nullptr);
  (slot.prev ? slot.prev->next : io_head_) = slot.next;
  if (slot.next) slot.next->prev = slot.prev;
  slot.prev = slot.next = nullptr;
  slot.reactor = nullptr;
  --io_count_;
}

void Reactor::mark_ready(detail::IoSlot::Direction& direction, bool closed) {
  direction.ready = true;
  direction.closed = direction.closed || closed;
  if (direction.waker) {
    to_wake_.push_back(std::move(*direction.waker));
    direction.waker.reset();
  }
}

void Reactor::park() {
  notifier_->parked_.store(true, std::memory_order_seq_cst);
  int timeout = notifier_->notified_.exchange(false, std::memory_order_seq_cst)
                    ? 0
                    : timeout_ms(Clock::now());
  epoll_event events[256];
  int n = ::epoll_wait(epoll_fd_, events, 256, timeout);
  notifier_->parked_.store(false, std::memory_order_relaxed);
  if (n < 0 && errno != EINTR) throw_errno("asyncc: epoll_wait");
  for (int i = 0; i < n; ++i) {
    if (events[i].data.ptr == kNotifierToken) {
      std::uint64_t count;
      // The notification itself stays in notified_ until the next park takes
      // it; clearing it here could lose one that raced with this wake-up.
      [[maybe_unused]] ssize_t r = ::read(notifier_->event_fd_, &count, sizeof count);
      continue;
    }
    auto* slot = static_cast<detail::IoSlot*>(events[i].data.ptr);
    const std::uint32_t flags = events[i].events;
    // Errors and hang-ups wake both directions: the next operation reports them.
    const bool hung_up = flags & (EPOLLHUP | EPOLLERR);
    if (flags & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) mark_ready(slot->read, hung_up || (flags & EPOLLRDHUP));
    if (flags & (EPOLLOUT | EPOLLHUP | EPOLLERR)) mark_ready(slot->write, hung_up);
  }
  for (Waker& waker : to_wake_) std::move(waker).wake();
  to_wake_.clear();
  fire_expired_timers();
}

std::error_code Registration::register_fd(int fd) {
  if (slot_ || always_ready_) return {};
  auto* slot = new detail::IoSlot;
  slot->fd = fd;
  std::error_code ec = Reactor::current().add_io(*slot);
  if (!ec) {
    slot_ = slot;
    return {};
  }
  delete slot;
  if (is_os_error(ec, EPERM)) {
    always_ready_ = true;
    return {};
  }
  return ec;
}

Poll<void> Registration::poll_ready(Interest interest, Context& cx) {
  if (always_ready_) return Poll<void>::ready();
  if (!slot_) detail::contract_violation("Registration::poll_ready before register_fd");
  detail::IoSlot::Direction& d = direction(interest);
  if (d.ready) return Poll<void>::ready();
  if (!d.waker || !d.waker->will_wake(cx.waker())) d.waker = cx.waker();
  return Poll<void>::pending();
}

void Registration::clear_ready(Interest interest) noexcept {
  if (!slot_) return;
  detail::IoSlot::Direction& d = direction(interest);
  if (!d.closed) d.ready = false;
}

void Registration::reset() noexcept {
  always_ready_ = false;
  detail::IoSlot* slot = std::exchange(slot_, nullptr);
  if (!slot) return;
  if (slot->reactor) slot->reactor->remove_io(*slot);
  delete slot;
}

}  // namespace asyncc
