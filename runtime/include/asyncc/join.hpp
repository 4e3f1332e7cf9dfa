// join: runs two or more futures concurrently, in one task, until all are
// done; its output is the tuple of their outputs.
#pragma once

#include <asyncc/completed_value.hpp>
#include <asyncc/future.hpp>

#include <cstddef>
#include <tuple>
#include <type_traits>
#include <utility>
#include <variant>

namespace asyncc {

namespace detail {

// A future until it completes, then its output until that is taken.
template <class F>
class MaybeDone {
 public:
  using Value = completed_value_t<output_of<F>>;

  explicit MaybeDone(F future) : state_(std::in_place_index<0>, std::move(future)) {}

  // True once the future has completed; it is destroyed as soon as it does.
  bool poll(Context& cx) {
    if (state_.index() != 0) return true;
    auto result = std::get<0>(state_).poll(cx);
    if (result.is_pending()) return false;
    Value value = take_completed<output_of<F>>(std::move(result));
    state_.template emplace<1>(std::move(value));
    return true;
  }

  Value take() {
    Value value = std::move(std::get<1>(state_));
    state_.template emplace<2>();
    return value;
  }

 private:
  std::variant<F, Value, std::monostate> state_;
};

}  // namespace detail

// Polls every unfinished future at each poll, in argument order; each is
// destroyed as soon as it completes. An exception from one propagates and
// leaves the others to be dropped with the Join.
template <class... F>
class Join {
  static_assert(sizeof...(F) >= 2, "join needs two or more futures");
  static_assert((is_future_v<F> && ...), "join needs futures: `using Output = ...;` and `Poll<Output> poll(Context&)`");

 public:
  using Output = std::tuple<detail::completed_value_t<output_of<F>>...>;

  explicit Join(F... futures) : parts_(detail::MaybeDone<F>(std::move(futures))...) {}

  Poll<Output> poll(Context& cx) {
    if (done_) detail::contract_violation("a Join was polled after it completed");
    bool all_done = true;
    std::apply([&](auto&... part) { ((all_done &= part.poll(cx)), ...); }, parts_);
    if (!all_done) return Poll<Output>::pending();
    done_ = true;
    return Poll<Output>::ready(std::apply([](auto&... part) { return Output(part.take()...); }, parts_));
  }

 private:
  std::tuple<detail::MaybeDone<F>...> parts_;
  bool done_ = false;
};

template <class... F>
Join<std::decay_t<F>...> join(F&&... futures) {
  return Join<std::decay_t<F>...>(std::forward<F>(futures)...);
}

}  // namespace asyncc
