// What the state machines asyncc generates name from the runtime, beside
// Poll and Context (future.hpp): the whole contract between the tool's output
// and the runtime is here. Names in asyncc::detail are for generated code.
#pragma once

#include <asyncc/frame_layout.hpp>
#include <asyncc/future.hpp>

#include <cstddef>
#include <cstdint>  // the State and Live enums
#include <cstdio>
#include <cstdlib>
#include <memory>  // std::destroy_at, std::addressof
#include <new>     // placement new
#include <type_traits>
#include <utility>

namespace asyncc {

namespace detail {

// The Poll a future of type F returns.
template <class F>
using poll_result_t = Poll<output_of<F>>;

// T itself: lets a member of array type be declared `type_t<int[3]> name;`.
template <class T>
using type_t = T;

// The value of `co_await f`, taken from f's ready Poll: by value, moved out,
// as the native co_await yields it.
template <class T>
T take(Poll<T>& ready) {
  return std::move(ready).value();
}

// The value of an await kept across later awaits of its full-expression,
// without the Poll's flag: polls `future` and, once it is ready, makes its
// value in `slot` (frame storage holding no object yet).
template <class F>
bool poll_into(output_of<F>* slot, F& future, Context& cx) {
  auto ready = future.poll(cx);
  if (ready.is_pending()) return false;
  ::new (static_cast<void*>(slot)) output_of<F>(std::move(ready).value());
  return true;
}

// Passed to the poll of a generated future that has not completed: how an
// ASYNC function polls the futures it made itself, without the check of a
// poll after completion.
struct Resume {
  explicit Resume() = default;
};
inline constexpr Resume resume{};

// poll_into for a generated future made by the awaiting function.
template <class F>
bool resume_into(output_of<F>* slot, F& future, Context& cx) {
  auto ready = future.poll(cx, resume);
  if (ready.is_pending()) return false;
  ::new (static_cast<void*>(slot)) output_of<F>(std::move(ready).value());
  return true;
}

// The one place where a poll calls the futures of several awaits of type F
// (`co_await f() + co_await f() + co_await f()`): each await names its
// future here and jumps to the site, which polls it, destroys it once ready
// and jumps back; the code after the await reads the ready Poll. One call, so that the compiler
// inlines F's poll, as it does not when the same poll is called at three
// places a level. A local of poll, for a Poll that is trivially copyable.
// Resume... is Resume for a future the function made itself (resume_into).
template <class F, class... Resume>
class SharedPoll {
 public:
  using Ready = decltype(std::declval<F&>().poll(std::declval<Context&>(), Resume{}...));
  static_assert(std::is_trivially_copyable_v<Ready> && std::is_trivially_destructible_v<Ready>,
                "a shared polling site carries a trivial Poll");

  SharedPoll() noexcept {}
  void await(F& future) noexcept { future_ = &future; }
  // Whether it is ready: a pending await leaves poll from the site.
  bool poll(Context& cx) {
    ::new (static_cast<void*>(&ready_)) Ready(future_->poll(cx, Resume{}...));
    return ready_.is_ready();
  }
  // Once ready: destroyed here, once for all the awaits.
  void destroy() noexcept { std::destroy_at(future_); }
  Ready ready() const noexcept { return ready_; }

 private:
  F* future_ = nullptr;
  union {
    Ready ready_;
  };
};

// The ready result of a generated poll, made where poll returns it (a named
// return value) and not moved again, as a parameter returned would be: a
// move, or the copy of a class without one, that native co_return does not
// make. `armed`, the poll's guard, is disarmed once the result is made.
template <class T, class U = T>
Poll<T> ready(bool& armed, U&& value) {
  Poll<T> result = Poll<T>::ready(std::forward<U>(value));
  armed = false;
  return result;
}

// The value poll_into kept, as the prvalue the await is: moved out.
template <class T>
T moved(T& kept) {
  return std::move(kept);
}

// The end of the full-expression of a co_await: its Poll (holding the
// moved-from value) dies here, as the native awaiter does.
template <class T>
void discard(Poll<T>& ready) noexcept {
  PollAccess::reset(ready);
}

// A temporary of an await's operand, made in the frame by the placement new
// `value` so that it lives, as the native one does, to the end of the
// full-expression: the rvalue the temporary is. `live` counts it once made,
// if what was made before it is alive; a call's arguments may be made in any
// order, and one made early is counted when the await's future is.
template <class T, class Live>
T&& made(T* value, Live& live, Live before, Live now) noexcept {
  if (live == before)
    live = now;
  return static_cast<T&&>(*value);
}

// The same, for a temporary with nothing to destroy.
template <class T>
T&& made(T* value) noexcept {
  return static_cast<T&&>(*value);
}

// A generated future that the awaiting frame made and keeps to the end of
// the full-expression, given to join, select or timeout: the combinator
// polls it where it is, rather than moving it in (a move of a generated
// future moves or copies its parameters; native C++ moves a handle). When
// the combinator drops it, it is cancelled in place, as the combinator drops
// a future it owns: it destroys what it holds and completes; the frame then
// destroys the completed husk.
template <class F>
class Pinned {
 public:
  using Output = output_of<F>;

  explicit Pinned(F* future) noexcept : future_(future) {}
  Pinned(Pinned&& other) noexcept : future_(std::exchange(other.future_, nullptr)) {}
  Pinned& operator=(Pinned&&) = delete;
  ~Pinned() {
    if (future_) future_->cancel();
  }

  Poll<Output> poll(Context& cx) { return future_->poll(cx); }

 private:
  F* future_;
};

// Pinned, from the frame's rvalue (made).
template <class F>
Pinned<F> pinned(F&& future) noexcept {
  static_assert(!std::is_reference_v<F>, "pinned takes the future made in the frame");
  return Pinned<F>(&future);
}

// Destroys an array in the frame as C++ destroys one: the last element first.
template <class T, std::size_t N>
void destroy_array(T (&array)[N]) noexcept {
  for (std::size_t i = N; i != 0; --i)
    std::destroy_at(&array[i - 1]);
}

// The address of a glvalue computed before an await, lvalue or xvalue.
template <class T>
std::remove_reference_t<T>* address(T&& value) noexcept {
  return std::addressof(value);
}

// `T t = value;` as an expression: copy-initialization, which C++ uses for
// a temporary made by an implicit conversion.
template <class T, class U>
T implicitly(U&& value) {
  return static_cast<U&&>(value);
}

[[noreturn]] inline void polled_after_completion(const char* function) noexcept {
  std::fprintf(stderr, "asyncc: the future of async function '%s' was polled after it completed\n", function);
  std::fflush(stderr);
  std::abort();
}

[[noreturn]] inline void moved_after_first_poll(const char* function) noexcept {
  std::fprintf(stderr, "asyncc: the future of async function '%s' was moved after its first poll (it is pinned)\n",
               function);
  std::fflush(stderr);
  std::abort();
}

// What a lambda's `[*this]` in a lowered method captures: a copy of the
// object, reached as the lambda's `this` was (`self->member`, `*self`, or
// the pointer itself). Const unless the lambda is mutable, as `this` is.
template <class T>
struct ThisCopy {
  T object;
  T* operator->() noexcept { return std::addressof(object); }
  const T* operator->() const noexcept { return std::addressof(object); }
  T& operator*() noexcept { return object; }
  const T& operator*() const noexcept { return object; }
  operator T*() noexcept { return std::addressof(object); }
  operator const T*() const noexcept { return std::addressof(object); }
};
template <class T>
ThisCopy<T> copy_of(const T& object) {
  return ThisCopy<T>{object};
}

// Flowing off the end of an async function whose output is not void is
// undefined in a C++20 coroutine: the state machine stops there.
[[noreturn]] inline void flowed_off_end(const char* function) noexcept {
  std::fprintf(stderr, "asyncc: async function '%s' flowed off its end without co_return\n", function);
  std::fflush(stderr);
  std::abort();
}

}  // namespace detail

}  // namespace asyncc
