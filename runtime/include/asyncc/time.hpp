// Timers: sleep, sleep_until and timeout, on the thread's reactor.
#pragma once

#include <asyncc/completed_value.hpp>
#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>

#include <chrono>
#include <functional>
#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace asyncc {

// Completes once its deadline has passed; never earlier. The first poll
// registers a timer with the calling thread's reactor, which pins the
// future: it must then stay where it is, and be polled and dropped on that
// thread (on a Runtime's workers: on any of them, as they share a reactor).
// Dropping a pending Sleep removes its timer.
class Sleep {
 public:
  using Output = void;

  explicit Sleep(Clock::time_point deadline) noexcept { entry_.deadline = deadline; }
  Sleep(Sleep&& other) noexcept : Sleep(other.entry_.deadline) {
    if (other.reactor_) detail::contract_violation("a Sleep was moved after its first poll (it is pinned)");
  }
  Sleep& operator=(Sleep&&) = delete;
  ~Sleep() {
    if (reactor_) reactor_->remove_timer(entry_);
  }

  Clock::time_point deadline() const noexcept { return entry_.deadline; }

  Poll<void> poll(Context& cx) {
    if (reactor_) return reactor_->poll_timer(entry_, cx.waker()) ? Poll<void>::ready() : Poll<void>::pending();
    if (entry_.fired || Clock::now() >= entry_.deadline) {
      entry_.fired = true;
      return Poll<void>::ready();
    }
    reactor_ = &Reactor::current();
    reactor_->add_timer(entry_, entry_.deadline, cx.waker());
    return Poll<void>::pending();
  }

 private:
  detail::TimerEntry entry_;
  Reactor* reactor_ = nullptr;
};

inline Sleep sleep_until(Clock::time_point deadline) noexcept { return Sleep(deadline); }

// The deadline is taken when sleep() is called, as in Tokio.
template <class Rep, class Period>
Sleep sleep(std::chrono::duration<Rep, Period> duration) {
  return Sleep(Clock::now() + std::chrono::ceil<Clock::duration>(duration));
}

// Runs `future` until it completes or the deadline passes. Its output is an
// optional: the future's value if it finished first, empty if time ran out
// (the future is then dropped along with the Timeout).
template <class F>
class Timeout {
 public:
  using Inner = output_of<F>;
  using Output = std::optional<typename detail::completed_value<Inner>::type>;

  Timeout(F future, Clock::time_point deadline) : future_(std::move(future)), sleep_(deadline) {}

  Poll<Output> poll(Context& cx) {
    auto inner = future_.poll(cx);
    if (inner.is_ready()) {
      if constexpr (std::is_void_v<Inner>)
        return Poll<Output>::ready(Output(std::in_place));
      else
        return Poll<Output>::ready(Output(std::in_place, std::move(inner).value()));
    }
    if (sleep_.poll(cx).is_ready()) return Poll<Output>::ready(Output());
    return Poll<Output>::pending();
  }

 private:
  F future_;
  Sleep sleep_;
};

template <class F, class Rep, class Period>
Timeout<std::decay_t<F>> timeout(F&& future, std::chrono::duration<Rep, Period> duration) {
  return Timeout<std::decay_t<F>>(std::forward<F>(future),
                                  Clock::now() + std::chrono::ceil<Clock::duration>(duration));
}

}  // namespace asyncc
