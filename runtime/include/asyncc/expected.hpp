// Expected<T, E>: a value, or the error that explains its absence, in the
// manner of C++23's std::expected (and Rust's Result). The sync primitives
// report their refusals this way: try_send's Full or Closed (with the value
// handed back), try_recv's Empty or Disconnected, a broadcast receiver's
// Lagged(n). I/O reports std::error_code values through Result<T> instead.
#pragma once

#include <asyncc/future.hpp>

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace asyncc {

// Tags the error alternative: `Expected<int, E>(unexpect, e)`.
struct unexpect_t {
  explicit unexpect_t() = default;
};
inline constexpr unexpect_t unexpect{};

template <class T, class E>
class [[nodiscard]] Expected {
  static_assert(!std::is_reference_v<T> && !std::is_reference_v<E>, "Expected holds values");

 public:
  using value_type = T;
  using error_type = E;

  template <class U = T, std::enable_if_t<std::is_constructible_v<T, U&&> &&
                                              !std::is_same_v<std::decay_t<U>, Expected> &&
                                              !std::is_same_v<std::decay_t<U>, unexpect_t>,
                                          int> = 0>
  Expected(U&& value) : storage_(std::in_place_index<0>, std::forward<U>(value)) {}
  template <class... A>
  Expected(unexpect_t, A&&... error) : storage_(std::in_place_index<1>, std::forward<A>(error)...) {}

  bool has_value() const noexcept { return storage_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }

  T& value() & { return checked(); }
  const T& value() const& { return const_cast<Expected*>(this)->checked(); }
  T&& value() && { return std::move(checked()); }
  T& operator*() & { return checked(); }
  const T& operator*() const& { return const_cast<Expected*>(this)->checked(); }
  T&& operator*() && { return std::move(checked()); }
  T* operator->() { return &checked(); }
  const T* operator->() const { return &const_cast<Expected*>(this)->checked(); }

  // The error; calling it on a value is a contract violation.
  E& error() & { return checked_error(); }
  const E& error() const& { return const_cast<Expected*>(this)->checked_error(); }
  E&& error() && { return std::move(checked_error()); }

 private:
  T& checked() {
    if (!has_value()) detail::contract_violation("Expected::value() called on an error");
    return std::get<0>(storage_);
  }
  E& checked_error() {
    if (has_value()) detail::contract_violation("Expected::error() called on a value");
    return std::get<1>(storage_);
  }

  std::variant<T, E> storage_;
};

// Success, or an error.
template <class E>
class [[nodiscard]] Expected<void, E> {
 public:
  using value_type = void;
  using error_type = E;

  Expected() noexcept = default;
  template <class... A>
  Expected(unexpect_t, A&&... error) : error_(std::in_place, std::forward<A>(error)...) {}

  bool has_value() const noexcept { return !error_; }
  explicit operator bool() const noexcept { return has_value(); }
  void value() const {
    if (error_) detail::contract_violation("Expected::value() called on an error");
  }

  E& error() & { return checked_error(); }
  const E& error() const& { return const_cast<Expected*>(this)->checked_error(); }
  E&& error() && { return std::move(checked_error()); }

 private:
  E& checked_error() {
    if (!error_) detail::contract_violation("Expected::error() called on a value");
    return *error_;
  }

  std::optional<E> error_;
};

}  // namespace asyncc
