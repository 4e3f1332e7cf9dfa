// boxed(f): a future moved to the heap behind a type-erased handle of one
// pointer. What a recursive async function awaits: its own future would
// otherwise contain itself and have infinite size.
#pragma once

#include <asyncc/future.hpp>

#include <memory>
#include <type_traits>
#include <utility>

namespace asyncc {

template <class T>
class Boxed {
 public:
  using Output = T;

  template <class F, class = std::enable_if_t<is_future_v<std::decay_t<F>> &&
                                              !std::is_same_v<std::decay_t<F>, Boxed>>>
  explicit Boxed(F&& future) : inner_(new Holder<std::decay_t<F>>(std::forward<F>(future))) {}

  // Moving the handle moves the pointer: the future itself stays where it
  // is, so a boxed future may move even after it has been polled.
  Boxed(Boxed&&) noexcept = default;
  Boxed& operator=(Boxed&&) noexcept = default;

  Poll<T> poll(Context& cx) { return inner_->poll(cx); }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual Poll<T> poll(Context& cx) = 0;
  };
  template <class F>
  struct Holder final : Base {
    template <class G>
    explicit Holder(G&& f) : future(std::forward<G>(f)) {}
    Poll<T> poll(Context& cx) override { return future.poll(cx); }
    F future;
  };
  std::unique_ptr<Base> inner_;
};

// One allocation; the future is constructed on the heap from `future`.
template <class F, class = std::enable_if_t<is_future_v<std::decay_t<F>>>>
Boxed<output_of<std::decay_t<F>>> boxed(F&& future) {
  return Boxed<output_of<std::decay_t<F>>>(std::forward<F>(future));
}

}  // namespace asyncc
