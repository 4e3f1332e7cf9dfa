// yield_now: lets the executor run other tasks before this one goes on.
#pragma once

#include <asyncc/future.hpp>

#include <cstdint>

namespace asyncc {

// Pending once (waking its own task, so it is queued behind the tasks
// already ready), then ready.
class YieldNow {
 public:
  using Output = void;

  Poll<void> poll(Context& cx) {
    switch (state_) {
      case State::start:
        state_ = State::yielded;
        cx.waker().wake_by_ref();
        return Poll<void>::pending();
      case State::yielded:
        state_ = State::done;
        return Poll<void>::ready();
      case State::done:
        break;
    }
    detail::contract_violation("a YieldNow was polled after it completed");
  }

 private:
  enum class State : std::uint8_t { start, yielded, done };
  State state_ = State::start;
};

inline YieldNow yield_now() noexcept { return YieldNow(); }

}  // namespace asyncc
