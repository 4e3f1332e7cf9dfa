// Unix signals as futures, on signalfd and the reactor, in the manner of
// Tokio's signal::unix:
//
//   Result<Signal> terminate = asyncc::signal(SIGTERM);
//   co_await terminate->recv();              // each SIGTERM from now on
//   co_await asyncc::ctrl_c();               // the next SIGINT
//
// Delivery. Every listener of a signal is woken by each delivery: several
// tasks (on one executor or on several threads) may wait for the same
// signal. Deliveries that arrive while a listener is not waiting are
// coalesced: its next recv() completes once for all of them, as the kernel
// coalesces a standard signal that is already pending. A listener sees the
// deliveries that arrive after it was created.
//
// Masks (what signalfd needs). A signal is read from signalfd only if no
// thread takes it first, so it must be blocked in every thread. The first
// listener of a signal blocks it in the calling thread (threads created
// afterwards from that thread inherit the mask) and installs a handler for
// it. A thread that still has the signal unblocked (one created earlier: a
// Runtime's worker, a blocking-pool thread, a library's thread) may receive
// it: the handler then blocks the signal in that thread and sends it to the
// process again, so it ends up pending for signalfd. Nothing is lost and no
// thread needs to be told, at the cost of one extra kill(2) per such thread.
// The runtime's own threads (reactors, Runtime workers, the blocking pool)
// also block every listened signal before they next wait. Under
// ThreadSanitizer, which runs handlers outside the signal's frame, passing a
// signal on cannot block it in the thread it passed through: there, a thread
// of the program's own that may receive the signal should block it itself.
// From then on, for the life of the process, the signal's default action
// (terminating it, for SIGINT and SIGTERM) no longer happens: the program
// decides, as with Tokio. A handler the program had installed is replaced.
//
// Child processes inherit the mask (not the handler: exec resets it): one
// started with the signal still blocked would never receive it. Unblock
// every signal in the child before exec (posix_spawnattr_setsigmask with an
// empty set, POSIX_SPAWN_SETSIGMASK).
//
// Send signals to the process (kill(getpid(), sig), or from outside), not to
// a thread: raise() and pthread_kill() make a signal pending for one thread,
// and only a listener polled on that same thread can read it.
//
// SIGKILL, SIGSTOP and the signals of faults (SIGILL, SIGFPE, SIGSEGV,
// SIGBUS, SIGTRAP) cannot be listened to: invalid_argument.
#pragma once

#include <asyncc/async_fd.hpp>
#include <asyncc/future.hpp>
#include <asyncc/result.hpp>

#include <csignal>
#include <optional>
#include <utility>

namespace asyncc {

namespace detail {
struct SignalListener;
}

// A listener of one signal. Movable; the recv() future borrows it.
class Signal {
 public:
  class Recv;

  Signal(Signal&& other) noexcept;
  Signal& operator=(Signal&& other) noexcept;
  Signal(const Signal&) = delete;
  Signal& operator=(const Signal&) = delete;
  ~Signal();

  // Ready at the next delivery of the signal (or at once, for deliveries
  // since the last recv() completed). Errors only if signalfd fails.
  Recv recv() noexcept;
  Poll<Result<void>> poll_recv(Context& cx);

  int number() const noexcept;

 private:
  friend Result<Signal> signal(int number);
  Signal(FileDescriptor fd, detail::SignalListener* listener) noexcept : io_(std::move(fd)), listener_(listener) {}

  AsyncFd io_;  // this listener's signalfd
  detail::SignalListener* listener_;  // in the signal's list of listeners
};

// Listens to signal `number` from now on.
Result<Signal> signal(int number);

class Signal::Recv {
 public:
  using Output = Result<void>;
  explicit Recv(Signal& signal) noexcept : signal_(&signal) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a Signal::Recv was polled after it completed");
    auto result = signal_->poll_recv(cx);
    done_ = result.is_ready();
    return result;
  }

 private:
  Signal* signal_;
  bool done_ = false;
};

inline Signal::Recv Signal::recv() noexcept { return Recv(*this); }

// The future of ctrl_c(): ready at the first SIGINT after it was made.
class CtrlC {
 public:
  using Output = Result<void>;
  CtrlC() : signal_(signal(SIGINT)) {}
  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a CtrlC was polled after it completed");
    if (!signal_) {
      done_ = true;
      return Poll<Output>::ready(signal_.error());
    }
    auto result = signal_->poll_recv(cx);
    done_ = result.is_ready();
    return result;
  }

 private:
  Result<Signal> signal_;
  bool done_ = false;
};

// Ready at the next SIGINT (Ctrl-C at a terminal). It listens from the
// moment it is made, not from its first poll: make it early.
inline CtrlC ctrl_c() { return CtrlC(); }

}  // namespace asyncc
