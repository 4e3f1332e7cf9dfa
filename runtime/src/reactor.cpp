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

namespace {
thread_local Reactor* entered_reactor = nullptr;
}  // namespace

Reactor* detail::ReactorAccess::enter(Reactor* reactor) noexcept {
  return std::exchange(entered_reactor, reactor);
}

Reactor& Reactor::current() {
  if (entered_reactor) return *entered_reactor;
  static thread_local Reactor reactor;
  return reactor;
}

Reactor::Reactor() : Reactor(false) {}

Reactor::Reactor(bool shared) : shared_(shared), epoll_fd_(::epoll_create1(EPOLL_CLOEXEC)), notifier_(nullptr) {
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
  for (detail::IoSlot* slot : released_) delete slot;
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
  std::optional<Waker> old;  // dropped after unlocking
  bool earliest;
  {
    auto guard = lock();
    if (entry.heap_index != detail::TimerEntry::kNotQueued) remove_at(entry.heap_index);
    old = std::move(entry.waker);
    entry.deadline = deadline;
    entry.fired = false;
    entry.waker = waker;
    heap_.push_back(HeapSlot{});
    sift_up(heap_.size() - 1, HeapSlot{deadline, next_sequence_++, &entry});
    earliest = heap_.front().entry == &entry;
  }
  // A worker parked in a shared reactor waits for the earliest deadline it
  // knew: wake it to wait for this one instead.
  if (shared_ && earliest) notifier_->notify();
}

std::size_t Reactor::timer_count() const noexcept {
  auto guard = lock();
  return heap_.size();
}

std::size_t Reactor::io_count() const noexcept {
  auto guard = lock();
  return io_count_;
}

bool Reactor::poll_timer(detail::TimerEntry& entry, const Waker& waker) {
  std::optional<Waker> old;  // dropped after unlocking
  auto guard = lock();
  if (entry.fired || Clock::now() >= entry.deadline) {
    if (entry.heap_index != detail::TimerEntry::kNotQueued) remove_at(entry.heap_index);
    old = std::move(entry.waker);
    entry.waker.reset();
    entry.fired = true;
    guard = {};
    return true;
  }
  if (!entry.waker || !entry.waker->will_wake(waker)) {
    old = std::move(entry.waker);
    entry.waker = waker;
  }
  guard = {};
  return false;
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
  std::optional<Waker> old;  // dropped after unlocking
  auto guard = lock();
  if (entry.heap_index == detail::TimerEntry::kNotQueued) return;
  remove_at(entry.heap_index);
  old = std::move(entry.waker);
  entry.waker.reset();
  guard = {};
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
  if (!shared_) {
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
    return;
  }
  // Shared: collect the wakers under the lock, wake them after it.
  {
    auto guard = lock();
    if (heap_.empty()) return;
    const Clock::time_point now = Clock::now();
    while (!heap_.empty() && heap_.front().deadline <= now) {
      detail::TimerEntry* entry = heap_.front().entry;
      remove_at(0);
      entry->fired = true;
      if (entry->waker) timers_to_wake_.push_back(std::move(*entry->waker));
      entry->waker.reset();
    }
  }
  for (Waker& waker : timers_to_wake_) std::move(waker).wake();
  timers_to_wake_.clear();
}

std::error_code Reactor::add_io(detail::IoSlot& slot) noexcept {
  epoll_event ev{};
  // Both directions at once, edge-triggered: one epoll_ctl per descriptor's
  // life, none per operation. EPOLLRDHUP reports a peer's shutdown as
  // readability, so a reader sees the end of the stream.
  ev.events = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
  ev.data.ptr = &slot;
  auto guard = lock();
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
  auto guard = lock();
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
  ++direction.tick;
  direction.closed = direction.closed || closed;
  if (direction.waker) {
    to_wake_.push_back(std::move(*direction.waker));
    direction.waker.reset();
  }
}

void Reactor::park() {
  if (shared_)
    detail::contract_violation(
        "a Runtime's thread would block: block_on, or LocalExecutor::run or block_on, was called "
        "inside a Runtime (await the future instead, or use spawn_blocking)");
  turn(true);
}

void Reactor::release_io(detail::IoSlot* slot) noexcept {
  remove_io(*slot);
  if (!shared_) {
    delete slot;
    return;
  }
  auto guard = lock();
  released_.push_back(slot);
}

void Reactor::turn(bool block) {
  detail::block_listened_signals();
  std::vector<detail::IoSlot*> released;
  int timeout = 0;
  if (block) notifier_->parked_.store(true, std::memory_order_seq_cst);
  {
    auto guard = lock();
    // Dropped before this wait began, so no event of it can point at them.
    released.swap(released_);
    if (block && !notifier_->notified_.exchange(false, std::memory_order_seq_cst))
      timeout = timeout_ms(Clock::now());
  }
  for (detail::IoSlot* slot : released) delete slot;
  epoll_event events[256];
  int n = ::epoll_wait(epoll_fd_, events, 256, timeout);
  notifier_->parked_.store(false, std::memory_order_relaxed);
  if (n < 0 && errno != EINTR) throw_errno("asyncc: epoll_wait");
  auto guard = lock();
  for (int i = 0; i < n; ++i) {
    if (events[i].data.ptr == kNotifierToken) {
      std::uint64_t count;
      // The notification itself stays in notified_ until the next park takes
      // it; clearing it here could lose one that raced with this wake-up.
      [[maybe_unused]] ssize_t r = ::read(notifier_->event_fd_, &count, sizeof count);
      continue;
    }
    auto* slot = static_cast<detail::IoSlot*>(events[i].data.ptr);
    if (!slot->reactor) continue;  // dropped since the wait returned
    const std::uint32_t flags = events[i].events;
    // Errors and hang-ups wake both directions: the next operation reports
    // them. Only a hang-up is final: an error alone (a connected UDP
    // socket's ICMP "port unreachable") is consumed by the operation that
    // reports it, and the socket may block again afterwards.
    const bool hung_up = flags & EPOLLHUP;
    if (flags & (EPOLLIN | EPOLLRDHUP | EPOLLHUP | EPOLLERR)) mark_ready(slot->read, hung_up || (flags & EPOLLRDHUP));
    if (flags & (EPOLLOUT | EPOLLHUP | EPOLLERR)) mark_ready(slot->write, hung_up);
  }
  guard = {};
  for (Waker& waker : to_wake_) std::move(waker).wake();
  to_wake_.clear();
  fire_expired_timers();
}

std::error_code Registration::register_fd(int fd) {
  if (slot_ || always_ready_) return {};
  auto* slot = new detail::IoSlot;
  slot->fd = fd;
  // On a Runtime's thread, the Runtime's shared reactor.
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

Poll<void> Reactor::poll_io_ready(detail::IoSlot& slot, Interest interest, Context& cx, std::uint32_t& tick) {
  std::optional<Waker> old;  // dropped after unlocking
  auto guard = lock();
  detail::IoSlot::Direction& d = interest == Interest::readable ? slot.read : slot.write;
  if (d.ready) {
    tick = d.tick;
    return Poll<void>::ready();
  }
  if (!d.waker || !d.waker->will_wake(cx.waker())) {
    old = std::move(d.waker);
    d.waker = cx.waker();
  }
  guard = {};
  return Poll<void>::pending();
}

void Reactor::clear_io_ready(detail::IoSlot& slot, Interest interest, std::uint32_t tick) noexcept {
  auto guard = lock();
  detail::IoSlot::Direction& d = interest == Interest::readable ? slot.read : slot.write;
  if (!d.closed && d.tick == tick) d.ready = false;
}

Poll<void> Registration::poll_ready(Interest interest, Context& cx) {
  if (always_ready_) return Poll<void>::ready();
  if (!slot_) detail::contract_violation("Registration::poll_ready before register_fd");
  if (slot_->reactor) return slot_->reactor->poll_io_ready(*slot_, interest, cx, tick(interest));
  // The reactor is gone: the slot is the registration's alone.
  detail::IoSlot::Direction& d = direction(interest);
  if (d.ready) return Poll<void>::ready();
  if (!d.waker || !d.waker->will_wake(cx.waker())) d.waker = cx.waker();
  return Poll<void>::pending();
}

void Registration::clear_ready(Interest interest) noexcept {
  if (!slot_) return;
  if (slot_->reactor) return slot_->reactor->clear_io_ready(*slot_, interest, tick(interest));
  detail::IoSlot::Direction& d = direction(interest);
  if (!d.closed) d.ready = false;
}

void Registration::reset() noexcept {
  always_ready_ = false;
  detail::IoSlot* slot = std::exchange(slot_, nullptr);
  if (!slot) return;
  if (slot->reactor)
    slot->reactor->release_io(slot);
  else
    delete slot;
}

}  // namespace asyncc
