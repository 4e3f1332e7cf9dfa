// Where the values of a generated future's frame are: each at an offset
// that no value alive at the same time uses. asyncc knows when each value is
// alive; the compiler knows the sizes. The offsets are computed at compile
// time, first fit, the most aligned and largest values first (as LLVM's
// coroutine frame builder and rustc's generator layout share bytes between
// values that never coexist).
#pragma once

#include <cstddef>
#include <utility>

namespace asyncc::detail {

// A value of a frame: its type, and the points of the generated code where
// it begins and ends being alive, numbered in the order of the code
// (From < To). Two values whose ranges do not overlap may share bytes.
template <class T, unsigned From, unsigned To>
struct Lifetime {
  static_assert(From < To, "a value ends after it begins");
  using type = T;
  static constexpr std::size_t size = sizeof(T);
  static constexpr std::size_t align = alignof(T);
  static constexpr unsigned from = From;
  static constexpr unsigned to = To;
};

// The I-th of a pack of types, found by overload resolution over bases
// rather than by recursion: a frame may have hundreds of values.
template <std::size_t I, class T>
struct Indexed {
  using type = T;
};
template <class Indices, class... Ts>
struct IndexedTypes;
template <std::size_t... Is, class... Ts>
struct IndexedTypes<std::index_sequence<Is...>, Ts...> : Indexed<Is, Ts>... {};
template <std::size_t I, class T>
Indexed<I, T> indexed(const Indexed<I, T>&);

// The frame of Values (Lifetimes): offsets[i] is where the i-th one is.
template <class... Values>
struct Frame {
  static constexpr std::size_t count = sizeof...(Values);
  using Types = IndexedTypes<std::make_index_sequence<count>, typename Values::type...>;
  template <std::size_t I>
  using type = typename decltype(indexed<I>(std::declval<Types>()))::type;

  struct Offsets {
    std::size_t at[count];
  };

  static constexpr Offsets place() {
    constexpr std::size_t size[] = {Values::size...};
    constexpr std::size_t align[] = {Values::align...};
    constexpr unsigned from[] = {Values::from...};
    constexpr unsigned to[] = {Values::to...};
    // The order of placement: alignment, then size, descending; ties in
    // the order of the code.
    std::size_t order[count] = {};
    for (std::size_t i = 0; i != count; ++i) {
      std::size_t j = i;
      for (; j != 0; --j) {
        std::size_t k = order[j - 1];
        if (align[k] > align[i] || (align[k] == align[i] && size[k] >= size[i]))
          break;
        order[j] = k;
      }
      order[j] = i;
    }
    // Placed values by increasing offset, so that one sweep finds the first
    // gap that fits among those alive at the same time.
    Offsets result = {};
    std::size_t placed[count] = {};
    std::size_t placed_count = 0;
    for (std::size_t n = 0; n != count; ++n) {
      std::size_t i = order[n];
      std::size_t offset = 0;
      for (std::size_t p = 0; p != placed_count; ++p) {
        std::size_t j = placed[p];
        bool coexist = from[i] < to[j] && from[j] < to[i];
        if (!coexist)
          continue;
        if (result.at[j] >= offset + size[i])
          break;
        std::size_t end = result.at[j] + size[j];
        if (end > offset)
          offset = (end + align[i] - 1) / align[i] * align[i];
      }
      result.at[i] = offset;
      std::size_t p = placed_count++;
      for (; p != 0 && result.at[placed[p - 1]] > offset; --p)
        placed[p] = placed[p - 1];
      placed[p] = i;
    }
    return result;
  }
  static constexpr Offsets offsets = place();
};

// The I-th value of frame F, a member of the frame's union: `value` is at
// its offset, after as many bytes. (No empty base for offset 0: the values
// of nested frames would have the same base at the same address, which C++
// forbids, and the compiler would move them.) Only the state machine
// constructs and destroys `value`.
template <class F, std::size_t I, std::size_t Offset = F::offsets.at[I]>
struct Slot {
  unsigned char before[Offset];
  typename F::template type<I> value;
};
template <class F, std::size_t I>
struct Slot<F, I, 0> {
  typename F::template type<I> value;
};

// The state of the state machine, the last value of frame F, alive
// throughout: read and assigned as the enum it holds.
template <class F, std::size_t I>
struct StateSlot : Slot<F, I> {
  using State = typename F::template type<I>;
  StateSlot(State state) noexcept { this->value = state; }
  constexpr operator State() const noexcept { return this->value; }
  StateSlot& operator=(State state) noexcept {
    this->value = state;
    return *this;
  }
};

}  // namespace asyncc::detail
