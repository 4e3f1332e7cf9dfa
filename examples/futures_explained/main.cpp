// The finished example of "Futures Explained in 200 Lines of Rust", on the
// asyncc runtime: two timer events (2 s and 1 s) awaited by two tasks that
// run concurrently and report in the order they complete.
//
// The futures here are written by hand, as enum state machines: exactly the
// shape the asyncc tool generates from an ASYNC function such as
//
//   ASYNC asyncc::Async<void> report(Clock::time_point start, int id, int secs) {
//     int value = co_await timer_event(id, std::chrono::seconds(secs));
//     std::printf("Got %d at time: %.2f.\n", value, seconds_since(start));
//   }
#include <asyncc/executor.hpp>
#include <asyncc/time.hpp>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <new>
#include <utility>

namespace {

using asyncc::Clock;

double seconds_since(Clock::time_point start) {
  return std::chrono::duration<double>(Clock::now() - start).count();
}

// A leaf future: the reactor's timer, yielding the event's id when it fires.
// The reactor wakes the task that polled it through the waker in the Context.
class TimerEvent {
 public:
  using Output = int;
  TimerEvent(int id, Clock::duration after) : id_(id), sleep_(asyncc::sleep(after)) {}
  asyncc::Poll<int> poll(asyncc::Context& cx) {
    if (sleep_.poll(cx).is_pending()) return asyncc::Poll<int>::pending();
    return asyncc::Poll<int>::ready(id_);
  }

 private:
  int id_;
  asyncc::Sleep sleep_;
};

// A non-leaf future: the state machine of `report` above.
class Report {
 public:
  using Output = void;
  Report(Clock::time_point start, int id, int secs) : start_(start), id_(id), secs_(secs) {}
  Report(Report&& other) noexcept : start_(other.start_), id_(other.id_), secs_(other.secs_) {
    if (other.state_ != State::Start) std::abort();  // pinned after the first poll
  }
  ~Report() {
    if (state_ == State::AwaitTimer) timer_.~TimerEvent();
  }

  asyncc::Poll<void> poll(asyncc::Context& cx) {
    switch (state_) {
      case State::Start:
        ::new (static_cast<void*>(&timer_)) TimerEvent(id_, std::chrono::seconds(secs_));
        state_ = State::AwaitTimer;
        [[fallthrough]];
      case State::AwaitTimer: {
        auto event = timer_.poll(cx);
        if (event.is_pending()) return asyncc::Poll<void>::pending();
        int value = event.value();
        timer_.~TimerEvent();
        state_ = State::Done;
        std::printf("Got %d at time: %.2f.\n", value, seconds_since(start_));
        return asyncc::Poll<void>::ready();
      }
      case State::Done:
        break;
    }
    std::fprintf(stderr, "Report polled after completion\n");
    std::abort();
  }

 private:
  enum class State : std::uint8_t { Start, AwaitTimer, Done };
  Clock::time_point start_;
  int id_;
  int secs_;
  State state_ = State::Start;
  union {
    TimerEvent timer_;  // alive in AwaitTimer
  };
};

}  // namespace

int main() {
  const Clock::time_point start = Clock::now();
  asyncc::LocalExecutor executor;
  executor.spawn(Report(start, 2, 2));
  executor.spawn(Report(start, 1, 1));
  // Both tasks wait on the reactor's timers; the executor parks in epoll_wait
  // until a timer fires and its waker queues the task again.
  executor.run();
  std::printf("Both events arrived after %.2f s.\n", seconds_since(start));
}
