// select: runs two futures until the first completes; the other is dropped.
// The output says which finished, and with what: a variant whose index is
// the winner's position.
#pragma once

#include <asyncc/completed_value.hpp>
#include <asyncc/future.hpp>

#include <optional>
#include <type_traits>
#include <utility>
#include <variant>

namespace asyncc {

// Biased: the first future is polled first, so if both are ready it wins.
// Both futures are destroyed as soon as one completes.
template <class A, class B>
class Select {
  static_assert(is_future_v<A> && is_future_v<B>, "select needs futures: `using Output = ...;` and `Poll<Output> poll(Context&)`");

 public:
  using Output = std::variant<detail::completed_value_t<output_of<A>>, detail::completed_value_t<output_of<B>>>;

  Select(A first, B second) : first_(std::move(first)), second_(std::move(second)) {}

  Poll<Output> poll(Context& cx) {
    if (!first_) detail::contract_violation("a Select was polled after it completed");
    {
      auto result = first_->poll(cx);
      if (result.is_ready()) return finish(Output(std::in_place_index<0>, detail::take_completed<output_of<A>>(std::move(result))));
    }
    auto result = second_->poll(cx);
    if (result.is_ready()) return finish(Output(std::in_place_index<1>, detail::take_completed<output_of<B>>(std::move(result))));
    return Poll<Output>::pending();
  }

 private:
  Poll<Output> finish(Output out) {
    first_.reset();
    second_.reset();
    return Poll<Output>::ready(std::move(out));
  }

  std::optional<A> first_;
  std::optional<B> second_;
};

template <class A, class B>
Select<std::decay_t<A>, std::decay_t<B>> select(A&& first, B&& second) {
  return Select<std::decay_t<A>, std::decay_t<B>>(std::forward<A>(first), std::forward<B>(second));
}

}  // namespace asyncc
