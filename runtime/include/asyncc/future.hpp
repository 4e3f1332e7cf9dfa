// The future protocol: Poll, the waker (Rust's std::task in C++), Context and
// the Future concept.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

#if __cplusplus >= 202002L
#include <concepts>
#endif

namespace asyncc {

namespace detail {
struct PollAccess;

[[noreturn]] inline void contract_violation(const char* what) noexcept {
  std::fprintf(stderr, "asyncc: %s\n", what);
  std::fflush(stderr);
  std::abort();
}
}  // namespace detail

namespace detail {

// The flag and the value of a Poll. Of a trivial T (an integer, a plain
// struct), trivially copyable itself, so that a Poll is returned in
// registers. (Of a std::optional<int>, g++ would warn of the copy of an
// uninitialized value.)
template <class T, bool = std::is_trivial_v<T>>
struct PollStorage {
  PollStorage() noexcept : ready_(false) {}
  PollStorage(const PollStorage& other) : ready_(other.ready_) {
    if (ready_) ::new (static_cast<void*>(&value_)) T(other.value_);
  }
  PollStorage(PollStorage&& other) noexcept(std::is_nothrow_move_constructible_v<T>) : ready_(other.ready_) {
    if (ready_) ::new (static_cast<void*>(&value_)) T(std::move(other.value_));
  }
  PollStorage& operator=(const PollStorage&) = delete;
  PollStorage& operator=(PollStorage&&) = delete;
  ~PollStorage() {
    if (ready_) value_.~T();
  }

  bool ready_;
  union {
    T value_;
  };
};

template <class T>
struct PollStorage<T, true> {
  PollStorage() noexcept : ready_(false) {}
  PollStorage(const PollStorage&) = default;
  PollStorage(PollStorage&&) = default;
  PollStorage& operator=(const PollStorage&) = delete;
  PollStorage& operator=(PollStorage&&) = delete;
  ~PollStorage() = default;

  bool ready_;
  union {
    T value_;
  };
};

}  // namespace detail

// The result of polling a future: ready with a value, or pending. A pending
// result promises that the waker of the Context will be woken when polling
// again can make progress.
template <class T>
class Poll : private detail::PollStorage<T> {
 public:
  using value_type = T;

  // Constructs the value in place: `Poll<T>::ready(expr)` makes exactly the
  // one T that `T v = expr;` would.
  template <class U = T>
  static Poll ready(U&& value) {
    return Poll(std::in_place, std::forward<U>(value));
  }
  static Poll pending() { return Poll(); }

  bool is_ready() const noexcept { return this->ready_; }
  bool is_pending() const noexcept { return !this->ready_; }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Poll*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }

 private:
  Poll() noexcept = default;
  template <class U>
  Poll(std::in_place_t, U&& value) {
    ::new (static_cast<void*>(&this->value_)) T(std::forward<U>(value));
    this->ready_ = true;
  }
  T& checked() {
    if (!this->ready_) detail::contract_violation("Poll::value() called on a pending Poll");
    return this->value_;
  }

  friend struct detail::PollAccess;
};

// A future whose output is a reference yields the referred object itself.
template <class T>
class Poll<T&> {
 public:
  using value_type = T&;

  static Poll ready(T& value) noexcept { return Poll(std::addressof(value)); }
  static Poll pending() noexcept { return Poll(nullptr); }

  bool is_ready() const noexcept { return ptr_ != nullptr; }
  bool is_pending() const noexcept { return ptr_ == nullptr; }
  T& value() const {
    if (!ptr_) detail::contract_violation("Poll::value() called on a pending Poll");
    return *ptr_;
  }

 private:
  explicit Poll(T* ptr) noexcept : ptr_(ptr) {}
  friend struct detail::PollAccess;
  T* ptr_;
};

template <>
class Poll<void> {
 public:
  using value_type = void;

  static Poll ready() noexcept { return Poll(true); }
  static Poll pending() noexcept { return Poll(false); }

  bool is_ready() const noexcept { return ready_; }
  bool is_pending() const noexcept { return !ready_; }
  void value() const {
    if (!ready_) detail::contract_violation("Poll::value() called on a pending Poll");
  }

 private:
  explicit Poll(bool ready) noexcept : ready_(ready) {}
  friend struct detail::PollAccess;
  bool ready_;
};

namespace detail {
// Turns a pending Poll ready in place, or a ready one pending (destroying its
// value): for the runtime and for generated code, which need a Poll's value
// to begin and end exactly where C++ would begin and end the same object.
struct PollAccess {
  template <class T, class... U>
  static void emplace(Poll<T>& p, U&&... value) {
    if constexpr (std::is_void_v<T>) {
      p.ready_ = true;
    } else if constexpr (std::is_reference_v<T>) {
      p.ptr_ = std::addressof(value...);
    } else {
      ::new (static_cast<void*>(&p.value_)) T(std::forward<U>(value)...);
      p.ready_ = true;
    }
  }
  template <class T>
  static void reset(Poll<T>& p) noexcept {
    if constexpr (std::is_void_v<T>) {
      p.ready_ = false;
    } else if constexpr (std::is_reference_v<T>) {
      p.ptr_ = nullptr;
    } else if (p.ready_) {
      p.value_.~T();
      p.ready_ = false;
    }
  }
};
}  // namespace detail

struct RawWakerVTable;

// A type-erased handle to whatever wakes a task: a data pointer and the
// functions that act on it.
struct RawWaker {
  const void* data;
  const RawWakerVTable* vtable;
};

// The four operations on a RawWaker, in the order of Rust's std::task:
// clone makes a new handle; wake wakes and consumes the handle; wake_by_ref
// wakes and keeps it; drop releases it.
struct RawWakerVTable {
  RawWaker (*clone)(const void* data);
  void (*wake)(const void* data);
  void (*wake_by_ref)(const void* data);
  void (*drop)(const void* data);
};

// An owned handle that wakes a task. Copying clones it, destroying drops it,
// `std::move(w).wake()` wakes and consumes it.
class Waker {
 public:
  explicit Waker(RawWaker raw) noexcept : raw_(raw) {}

  Waker(const Waker& other) : raw_(other.raw_.vtable->clone(other.raw_.data)) {}
  Waker(Waker&& other) noexcept : raw_(other.raw_) { other.raw_.vtable = nullptr; }
  Waker& operator=(const Waker& other) {
    if (this != &other && !will_wake(other)) *this = other.clone();
    return *this;
  }
  Waker& operator=(Waker&& other) noexcept {
    if (this != &other) {
      release();
      raw_ = other.raw_;
      other.raw_.vtable = nullptr;
    }
    return *this;
  }
  ~Waker() { release(); }

  Waker clone() const { return Waker(*this); }

  // Wakes the task and consumes this handle.
  void wake() && {
    const RawWakerVTable* vtable = checked_vtable();
    raw_.vtable = nullptr;
    vtable->wake(raw_.data);
  }

  void wake_by_ref() const { checked_vtable()->wake_by_ref(raw_.data); }

  // True when both handles wake the same task, so a stored waker need not be
  // replaced by a fresh clone.
  bool will_wake(const Waker& other) const noexcept {
    return raw_.data == other.raw_.data && raw_.vtable == other.raw_.vtable;
  }

  const RawWaker& as_raw() const noexcept { return raw_; }

 private:
  const RawWakerVTable* checked_vtable() const {
    if (!raw_.vtable) detail::contract_violation("use of a moved-from or consumed Waker");
    return raw_.vtable;
  }
  void release() noexcept {
    if (raw_.vtable) raw_.vtable->drop(raw_.data);
    raw_.vtable = nullptr;
  }

  RawWaker raw_;
};

// A waker that does nothing; for polling a future without an executor.
inline const Waker& noop_waker() noexcept {
  static constexpr RawWakerVTable vtable{
      [](const void*) { return RawWaker{nullptr, &vtable}; },
      [](const void*) {},
      [](const void*) {},
      [](const void*) {},
  };
  static const Waker waker{RawWaker{nullptr, &vtable}};
  return waker;
}

// What a future's poll receives from whoever polls it.
class Context {
 public:
  explicit Context(const Waker& waker) noexcept : waker_(&waker) {}
  const Waker& waker() const noexcept { return *waker_; }

 private:
  const Waker* waker_;
};

namespace detail {
template <class F, class = void>
struct is_future : std::false_type {};

template <class F>
struct is_future<F, std::void_t<typename F::Output,
                                decltype(std::declval<F&>().poll(std::declval<Context&>()))>>
    : std::is_same<decltype(std::declval<F&>().poll(std::declval<Context&>())),
                   Poll<typename F::Output>> {};
}  // namespace detail

// A future is any type with `using Output = ...;` and
// `Poll<Output> poll(Context&)`.
template <class F>
inline constexpr bool is_future_v = detail::is_future<std::remove_cv_t<F>>::value;

#if __cplusplus >= 202002L
template <class F>
concept Future = requires(F& f, Context& cx) {
  typename F::Output;
  { f.poll(cx) } -> std::same_as<Poll<typename F::Output>>;
};
#endif

template <class F>
using output_of = typename F::Output;

}  // namespace asyncc
