#include <asyncc/signal.hpp>

#include <pthread.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdint>
#include <mutex>
#include <vector>

namespace asyncc {

namespace detail {
struct SignalListener {
  int number = 0;
  std::uint64_t seen = 0;  // the deliveries this listener has reported
  std::optional<Waker> waker;
  SignalListener* prev = nullptr;
  SignalListener* next = nullptr;
};
}  // namespace detail

namespace {

using detail::SignalListener;

// What the process knows of one signal, shared by its listeners.
struct SignalState {
  std::mutex mutex;
  std::uint64_t deliveries = 0;  // reads of the signal that found it delivered
  bool handler_installed = false;
  SignalListener* head = nullptr;
};

SignalState& state_of(int number) {
  // Never destroyed: listeners in static objects may outlive it otherwise.
  static SignalState* states = new SignalState[_NSIG];
  return states[number];
}

// Runs in a thread that has the signal unblocked. The signal must end up
// pending for signalfd, so: block it in this thread (in the mask restored
// when the handler returns; also now, for sanitizer runtimes that call
// handlers outside the signal's frame), and send it to the process again,
// where it goes to another thread that has it unblocked or stays pending.
extern "C" void pass_signal_on(int number, siginfo_t*, void* context) {
  const int saved_errno = errno;
  sigaddset(&static_cast<ucontext_t*>(context)->uc_sigmask, number);
  sigset_t just;
  sigemptyset(&just);
  sigaddset(&just, number);
  pthread_sigmask(SIG_BLOCK, &just, nullptr);
  ::kill(::getpid(), number);
  errno = saved_errno;
}

// The signals listened to, bit n-1 for signal n (Linux has 64).
std::atomic<std::uint64_t> listened_bits{0};

bool can_listen(int number) {
  if (number <= 0 || number >= _NSIG) return false;
  switch (number) {
    case SIGKILL:
    case SIGSTOP:
    case SIGILL:
    case SIGFPE:
    case SIGSEGV:
    case SIGBUS:
    case SIGTRAP:
      return false;
    default:
      return true;
  }
}

// Reads every delivery queued on the signalfd: how many, or EAGAIN if none.
Result<std::size_t> drain(int fd) {
  std::size_t count = 0;
  for (;;) {
    signalfd_siginfo info[4];
    ssize_t n = ::read(fd, info, sizeof info);
    if (n > 0) {
      count += static_cast<std::size_t>(n) / sizeof(signalfd_siginfo);
      continue;
    }
    if (n < 0 && errno == EINTR) continue;
    if (count > 0) return count;
    return n < 0 ? last_os_error() : os_error(EAGAIN);
  }
}

// Records a delivery found by `reader` (null: found by a new listener, for
// the listeners already there) and takes the wakers of the others, to be
// woken after unlocking.
void record_delivery(SignalState& state, SignalListener* reader, std::vector<Waker>& to_wake) {
  ++state.deliveries;
  for (SignalListener* each = state.head; each; each = each->next) {
    if (each == reader) continue;
    if (each->waker) {
      to_wake.push_back(std::move(*each->waker));
      each->waker.reset();
    }
  }
}

}  // namespace

void detail::block_listened_signals() noexcept {
  thread_local std::uint64_t blocked_here = 0;
  const std::uint64_t listened = listened_bits.load(std::memory_order_acquire);
  if ((listened & ~blocked_here) == 0) return;
  sigset_t set;
  sigemptyset(&set);
  for (int number = 1; number < _NSIG && number <= 64; ++number)
    if (listened & (std::uint64_t{1} << (number - 1))) sigaddset(&set, number);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  blocked_here = listened;
}

Result<Signal> signal(int number) {
  if (!can_listen(number)) return std::make_error_code(std::errc::invalid_argument);
  SignalState& state = state_of(number);
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (!state.handler_installed) {
      struct sigaction action {};
      action.sa_sigaction = pass_signal_on;
      action.sa_flags = SA_SIGINFO | SA_RESTART;
      sigemptyset(&action.sa_mask);
      if (::sigaction(number, &action, nullptr) < 0) return last_os_error();
      state.handler_installed = true;
      if (number <= 64) listened_bits.fetch_or(std::uint64_t{1} << (number - 1), std::memory_order_acq_rel);
    }
  }
  sigset_t just;
  sigemptyset(&just);
  sigaddset(&just, number);
  if (int rc = pthread_sigmask(SIG_BLOCK, &just, nullptr)) return os_error(rc);
  int fd = ::signalfd(-1, &just, SFD_NONBLOCK | SFD_CLOEXEC);
  if (fd < 0) return last_os_error();
  FileDescriptor owned(fd);

  // A delivery still pending came before this listener: it is the others'.
  Result<std::size_t> earlier = drain(fd);
  auto* listener = new SignalListener();
  listener->number = number;
  std::vector<Waker> to_wake;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (earlier) record_delivery(state, nullptr, to_wake);
    listener->seen = state.deliveries;
    listener->next = state.head;
    if (state.head) state.head->prev = listener;
    state.head = listener;
  }
  for (Waker& waker : to_wake) std::move(waker).wake();
  return Signal(std::move(owned), listener);
}

Signal::Signal(Signal&& other) noexcept
    : io_(std::move(other.io_)), listener_(std::exchange(other.listener_, nullptr)) {}

Signal& Signal::operator=(Signal&& other) noexcept {
  if (this != &other) {
    Signal dropped(std::move(*this));
    io_ = std::move(other.io_);
    listener_ = std::exchange(other.listener_, nullptr);
  }
  return *this;
}

Signal::~Signal() {
  if (!listener_) return;
  SignalState& state = state_of(listener_->number);
  std::optional<Waker> waker;  // dropped after unlocking
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    (listener_->prev ? listener_->prev->next : state.head) = listener_->next;
    if (listener_->next) listener_->next->prev = listener_->prev;
    waker = std::move(listener_->waker);
  }
  delete listener_;
  listener_ = nullptr;
}

int Signal::number() const noexcept {
  if (!listener_) detail::contract_violation("Signal::number() on a moved-from Signal");
  return listener_->number;
}

Poll<Result<void>> Signal::poll_recv(Context& cx) {
  using P = Poll<Result<void>>;
  if (!listener_) detail::contract_violation("Signal::recv() on a moved-from Signal");
  SignalState& state = state_of(listener_->number);
  std::optional<Waker> replaced;  // dropped after unlocking: a drop may run a task's destructors
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    if (listener_->seen != state.deliveries) {
      listener_->seen = state.deliveries;
      replaced = std::move(listener_->waker);
      listener_->waker.reset();
      return P::ready(Result<void>());
    }
    // Woken by the listener that reads the next delivery, if not this one.
    if (!listener_->waker || !listener_->waker->will_wake(cx.waker())) {
      replaced = std::move(listener_->waker);
      listener_->waker = cx.waker();
    }
  }
  const int fd = io_.fd();
  Poll<Result<std::size_t>> read = io_.poll_io(Interest::readable, cx, [fd] { return drain(fd); });
  if (read.is_pending()) return P::pending();
  if (!read.value()) return P::ready(read.value().error());
  // drain() ended on EAGAIN: wait for the next edge without another read.
  io_.clear_ready(Interest::readable);
  std::vector<Waker> to_wake;
  std::optional<Waker> own;
  {
    std::lock_guard<std::mutex> lock(state.mutex);
    record_delivery(state, listener_, to_wake);
    listener_->seen = state.deliveries;
    own = std::move(listener_->waker);
    listener_->waker.reset();
  }
  for (Waker& waker : to_wake) std::move(waker).wake();
  return P::ready(Result<void>());
}

}  // namespace asyncc
