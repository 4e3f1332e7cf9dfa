// ASYNC and Async<T>: what users write.
//
// The asyncc tool rewrites every function annotated ASYNC into a
// state-machine struct (C++17). Untransformed, under C++20, Async<T> is a lazy
// coroutine driven by poll(Context&), so the same source runs as it is.
#pragma once

#include <asyncc/boxed.hpp>
#include <asyncc/future.hpp>
#include <asyncc/state_machine.hpp>

#include <cstdint>
#include <exception>
#include <memory>
#include <new>
#include <optional>
#include <type_traits>
#include <utility>

// ASYNC marks a function to transform. It expands to nothing, so it may stand
// wherever a user writes it: among the specifiers (`static ASYNC`,
// `ASYNC inline`), after a lambda's captures (`[k] ASYNC (int y) -> ...`) or
// its parameters (`[&]() mutable ASYNC -> ...`); the tool finds it by its
// expansions. Untransformed, the function is the coroutine it is written as.
#define ASYNC

#if defined(__cpp_impl_coroutine)
#include <coroutine>
#endif

namespace asyncc {

#if defined(__cpp_impl_coroutine)

template <class T>
class Async;

#else

// Transformed (C++17), an ASYNC function returns its own state machine, but
// each override of a virtual ASYNC method has its own: the method returns it
// boxed, as the Async<T> it is declared to return (one allocation per call,
// as Rust's #[async_trait]). Any future of T converts to it, as a coroutine's
// `return f();` would need.
template <class T>
class Async : public Boxed<T> {
 public:
  template <class F, class = std::enable_if_t<is_future_v<std::decay_t<F>> &&
                                              !std::is_base_of_v<Boxed<T>, std::decay_t<F>> &&
                                              std::is_same_v<output_of<std::decay_t<F>>, T>>>
  Async(F&& future) : Boxed<T>(std::forward<F>(future)) {}  // NOLINT: implicit, as a conversion
};

#endif

#if defined(__cpp_impl_coroutine)

namespace detail {

struct PromiseCore {
  Context* cx = nullptr;
  // The future the coroutine is suspended on, polled by Async::poll before
  // the coroutine is resumed: true when it is ready.
  void* awaited = nullptr;
  bool (*poll_awaited)(void* awaiter, Context& cx) = nullptr;
  std::exception_ptr error;

  std::suspend_always initial_suspend() noexcept { return {}; }  // lazy
  std::suspend_always final_suspend() noexcept { return {}; }
  void unhandled_exception() noexcept { error = std::current_exception(); }
};

// co_return constructs its value directly in the Poll that Async::poll
// returns: one object, as in `Poll<T>::ready(expr)`.
template <class T>
struct Promise : PromiseCore {
  Poll<T>* out = nullptr;
  template <class U = T>
  void return_value(U&& v) { PollAccess::emplace(*out, std::forward<U>(v)); }
};
template <>
struct Promise<void> : PromiseCore {
  Poll<void>* out = nullptr;
  void return_void() noexcept { PollAccess::emplace(*out); }
};

// What `co_await f` does inside an Async coroutine (contract 3): polls f with
// the current Context and suspends while it is pending; when f is ready it
// destroys f and yields its output. An exception from f is rethrown inside
// the coroutine, at the co_await.
// F is a value (a temporary future, moved into the awaiter so that it can be
// destroyed as soon as it is ready) or an lvalue reference (a named future,
// polled where it is and left alone).
template <class F>
class FutureAwaiter {
  using Fut = std::remove_reference_t<F>;
  using Out = output_of<Fut>;
  static constexpr bool kOwned = !std::is_lvalue_reference_v<F>;

 public:
  FutureAwaiter(F&& future, PromiseCore* promise) : promise_(promise) {
    if constexpr (kOwned)
      ::new (static_cast<void*>(&owned_)) Fut(std::move(future));
    else
      borrowed_ = &future;
  }
  FutureAwaiter(const FutureAwaiter&) = delete;
  FutureAwaiter& operator=(const FutureAwaiter&) = delete;
  ~FutureAwaiter() {
    if (has_result_) result_.~Poll<Out>();
    if constexpr (kOwned) {
      if (!has_result_) owned_.~Fut();
    }
  }

  bool await_ready() { return poll_now(*promise_->cx); }

  template <class P>
  void await_suspend(std::coroutine_handle<P>) noexcept {
    promise_->awaited = this;
    promise_->poll_awaited = [](void* self, Context& cx) {
      auto* awaiter = static_cast<FutureAwaiter*>(self);
      try {
        return awaiter->poll_now(cx);
      } catch (...) {
        awaiter->error_ = std::current_exception();
        return true;
      }
    };
  }

  // The output by value, moved out of the Poll; the Poll itself lives until
  // the end of the full-expression, with the awaiter.
  Out await_resume() {
    if (error_) std::rethrow_exception(error_);
    return std::move(result_).value();
  }

 private:
  Fut& future() noexcept {
    if constexpr (kOwned)
      return owned_;
    else
      return *borrowed_;
  }

  bool poll_now(Context& cx) {
    ::new (static_cast<void*>(&result_)) Poll<Out>(future().poll(cx));
    if (result_.is_pending()) {
      result_.~Poll<Out>();
      return false;
    }
    has_result_ = true;
    if constexpr (kOwned) owned_.~Fut();
    return true;
  }

  union {
    Fut owned_;
    Fut* borrowed_;
  };
  union {
    Poll<Out> result_;
  };
  bool has_result_ = false;
  PromiseCore* promise_;
  std::exception_ptr error_;
};

}  // namespace detail

// A lazy coroutine: nothing runs before the first poll; poll resumes it
// until its next pending co_await or its co_return.
template <class T>
class [[nodiscard]] Async {
 public:
  using Output = T;

  struct promise_type : detail::Promise<T> {
    Async get_return_object() noexcept {
      return Async(std::coroutine_handle<promise_type>::from_promise(*this));
    }

    template <class F, std::enable_if_t<is_future_v<std::remove_reference_t<F>>, int> = 0>
    detail::FutureAwaiter<F> await_transform(F&& future) {
      return detail::FutureAwaiter<F>(std::forward<F>(future), this);
    }
  };

  // Any other future of T converts to Async<T>: a coroutine awaiting it
  // (transformed, the same conversion boxes it).
  template <class F, class = std::enable_if_t<is_future_v<std::decay_t<F>> && !std::is_same_v<std::decay_t<F>, Async> &&
                                              std::is_same_v<output_of<std::decay_t<F>>, T>>>
  Async(F&& future) : Async(awaiting(std::decay_t<F>(std::forward<F>(future)))) {}  // NOLINT: implicit, as a conversion

  Async(Async&& other) noexcept : handle_(std::exchange(other.handle_, nullptr)), polled_(other.polled_) {
    if (polled_) detail::contract_violation("an async function's future was moved after its first poll (it is pinned)");
  }
  Async& operator=(Async&&) = delete;
  ~Async() {
    if (handle_) handle_.destroy();
  }

  Poll<T> poll(Context& cx) {
    if (!handle_ || handle_.done())
      detail::contract_violation("an async function's future was polled after it completed");
    polled_ = true;
    auto& promise = handle_.promise();
    // Every return returns `out`, so that it is the caller's object (NRVO)
    // and co_return's value is made once, where the caller receives it.
    Poll<T> out = Poll<T>::pending();
    if (promise.poll_awaited) {
      if (!promise.poll_awaited(promise.awaited, cx)) return out;
      promise.poll_awaited = nullptr;
      promise.awaited = nullptr;
    }
    promise.cx = &cx;
    promise.out = &out;
    handle_.resume();
    if (!handle_.done()) return out;
    std::exception_ptr error = std::move(promise.error);
    handle_.destroy();
    handle_ = nullptr;
    if (error) std::rethrow_exception(error);
    return out;
  }

 private:
  explicit Async(std::coroutine_handle<promise_type> h) noexcept : handle_(h) {}

  template <class F>
  static Async awaiting(F future) {
    if constexpr (std::is_void_v<T>)
      co_await std::move(future);
    else
      co_return co_await std::move(future);
  }

  std::coroutine_handle<promise_type> handle_;
  bool polled_ = false;
};

#endif  // __cpp_impl_coroutine

}  // namespace asyncc
