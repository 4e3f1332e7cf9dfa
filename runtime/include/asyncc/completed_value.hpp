// What a combinator (timeout, join, select) yields for a future whose output
// is T: T itself; std::monostate stands for void, std::reference_wrapper for T&.
#pragma once

#include <functional>
#include <type_traits>
#include <utility>
#include <variant>

namespace asyncc::detail {

template <class T>
struct completed_value {
  using type = T;
};
template <>
struct completed_value<void> {
  using type = std::monostate;
};
template <class T>
struct completed_value<T&> {
  using type = std::reference_wrapper<T>;
};

template <class T>
using completed_value_t = typename completed_value<T>::type;

// The value of a ready Poll<T>, as completed_value_t<T>.
template <class T, class P>
completed_value_t<T> take_completed(P&& ready) {
  if constexpr (std::is_void_v<T>)
    return std::monostate();
  else if constexpr (std::is_reference_v<T>)
    return std::ref(ready.value());
  else
    return std::forward<P>(ready).value();
}

}  // namespace asyncc::detail
