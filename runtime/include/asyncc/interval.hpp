// interval(period): a periodic timer, in the manner of Tokio's
// tokio::time::interval. Each tick() completes at the next multiple of the
// period after the start and yields the instant it was scheduled for; the
// first tick completes at once.
//
//   asyncc::Interval every = asyncc::interval(1s);
//   for (;;) {
//     co_await every.tick();       // now, then 1s, 2s, 3s ... after the start
//     report();
//   }
//
// Missed ticks (the task was busy past a deadline by more than 5 ms, Tokio's
// tolerance) follow set_missed_tick_behavior():
//   Burst (default)  the missed ticks complete at once, one after another,
//                    until the interval is back on its schedule;
//   Delay            the next tick is one period after the late one
//                    completed: the schedule shifts;
//   Skip             the missed ticks are dropped: the next is the next
//                    multiple of the period on the original schedule.
//
// The timer is registered with the calling thread's reactor (a Runtime's
// shared reactor on its workers) while a tick waits; the Interval is pinned
// then (moving it is a contract violation). Dropping it removes the timer.
// A Tick future may be dropped at any time: no tick is lost, the next
// tick() completes for the same deadline.
#pragma once

#include <asyncc/future.hpp>
#include <asyncc/reactor.hpp>

#include <chrono>
#include <cstdint>

namespace asyncc {

enum class MissedTickBehavior : std::uint8_t { Burst, Delay, Skip };

class Interval {
 public:
  class Tick;

  // Ticks at start, start + period, start + 2 * period, ...
  Interval(Clock::time_point start, Clock::duration period) : period_(period) {
    if (period <= Clock::duration::zero()) detail::contract_violation("an Interval's period must be positive");
    entry_.deadline = start;
  }
  Interval(Interval&& other) noexcept : period_(other.period_), behavior_(other.behavior_) {
    if (other.reactor_) detail::contract_violation("an Interval was moved while a tick waited (it is pinned)");
    entry_.deadline = other.entry_.deadline;
  }
  Interval& operator=(Interval&&) = delete;
  ~Interval() { disarm(); }

  // A future of the next tick: the instant it was scheduled for. The
  // Interval must outlive it.
  Tick tick() noexcept;

  // Ready with the scheduled instant once the next tick is due.
  Poll<Clock::time_point> poll_tick(Context& cx) {
    const Clock::time_point deadline = entry_.deadline;
    if (reactor_) {
      if (!reactor_->poll_timer(entry_, cx.waker())) return Poll<Clock::time_point>::pending();
      reactor_ = nullptr;  // fired: no longer queued
    } else if (Clock::now() < deadline) {
      reactor_ = &Reactor::current();
      reactor_->add_timer(entry_, deadline, cx.waker());
      return Poll<Clock::time_point>::pending();
    }
    const Clock::time_point now = Clock::now();
    entry_.deadline = now > deadline + std::chrono::milliseconds(5) ? next_after_missed(deadline, now)
                                                                     : deadline + period_;
    entry_.fired = false;
    return Poll<Clock::time_point>::ready(deadline);
  }

  // The next tick one period from now.
  void reset() { reset_at(Clock::now() + period_); }
  // The next tick now.
  void reset_immediately() { reset_at(Clock::now()); }
  // The next tick at `deadline`, then every period after it.
  void reset_at(Clock::time_point deadline) {
    disarm();
    entry_.deadline = deadline;
    entry_.fired = false;
  }

  MissedTickBehavior missed_tick_behavior() const noexcept { return behavior_; }
  void set_missed_tick_behavior(MissedTickBehavior behavior) noexcept { behavior_ = behavior; }
  Clock::duration period() const noexcept { return period_; }

 private:
  Clock::time_point next_after_missed(Clock::time_point deadline, Clock::time_point now) const noexcept {
    switch (behavior_) {
      case MissedTickBehavior::Delay:
        return now + period_;
      case MissedTickBehavior::Skip:
        return now + period_ - (now - deadline) % period_;
      case MissedTickBehavior::Burst:
        break;
    }
    return deadline + period_;
  }

  void disarm() noexcept {
    if (reactor_) reactor_->remove_timer(entry_);
    reactor_ = nullptr;
  }

  detail::TimerEntry entry_;  // its deadline is the next tick's
  Reactor* reactor_ = nullptr;  // where the timer is registered, while it is
  Clock::duration period_;
  MissedTickBehavior behavior_ = MissedTickBehavior::Burst;
};

class Interval::Tick {
 public:
  using Output = Clock::time_point;
  explicit Tick(Interval& interval) noexcept : interval_(&interval) {}
  Poll<Clock::time_point> poll(Context& cx) { return interval_->poll_tick(cx); }

 private:
  Interval* interval_;
};

inline Interval::Tick Interval::tick() noexcept { return Tick(*this); }

// Ticks now, then every `period`.
template <class Rep, class Period>
Interval interval(std::chrono::duration<Rep, Period> period) {
  return Interval(Clock::now(), std::chrono::ceil<Clock::duration>(period));
}

// Ticks at `start`, then every `period`.
template <class Rep, class Period>
Interval interval_at(Clock::time_point start, std::chrono::duration<Rep, Period> period) {
  return Interval(start, std::chrono::ceil<Clock::duration>(period));
}

}  // namespace asyncc
