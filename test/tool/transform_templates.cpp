// An ASYNC function template: the future is a struct template with an
// explicit specialization per instantiation this file uses, each lowered like
// a function and naming the template's parameters first; the function
// template that makes the future comes after them.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp

#include <asyncc/async.hpp>

#include <string>

template <class T>
struct Ready {
  using Output = T;
  T value;
  asyncc::Poll<T> poll(asyncc::Context&) { return asyncc::Poll<T>::ready(value); }
};

template <class T, int N>
ASYNC asyncc::Async<T> scaled(T x) {
  T v = co_await Ready<T>{x};
  co_return v * N;
}

ASYNC asyncc::Async<long> both() {
  int a = co_await scaled<int, 2>(1);
  long b = co_await scaled<long, 3>(2);
  co_return a + b;
}
// CHECK: template <class T, int N>
// CHECK-NEXT: struct scaled_future;
// CHECK-NEXT: template <class T, int N>
// CHECK-NEXT: inline scaled_future<T, N> scaled(T x);
// CHECK: template <>
// CHECK-NEXT: struct scaled_future<int, static_cast<int>(2)> {
// CHECK-NEXT: using T = int;
// CHECK-NEXT: static constexpr int N = 2;
// CHECK-NEXT: using Output = T;
// CHECK: template <>
// CHECK-NEXT: struct scaled_future<long, static_cast<int>(3)> {
// CHECK: template <class T, int N>
// CHECK-NEXT: inline scaled_future<T, N> scaled(T x) {
// CHECK-NEXT: return scaled_future<T, N>(std::move(x));
// CHECK: struct both_future {
// CHECK: asyncc::detail::Lifetime<scaled_future<int, static_cast<int>(2)>, {{[0-9]+}}, {{[0-9]+}}>,  // await1

// A method of a class template, defined in the class body.
template <class T>
class Cell {
 public:
  ASYNC asyncc::Async<T> get() const { co_return value + co_await Ready<T>{T{}}; }
  T value{};
};

ASYNC asyncc::Async<int> read_cell() {
  Cell<int> c;
  co_return co_await c.get();
}
// CHECK: class Cell {
// CHECK: struct get_future;
// CHECK-NEXT: get_future get() const;
// CHECK: template <>
// CHECK-NEXT: struct Cell<int>::get_future {
// CHECK-NEXT: using T = int;
// CHECK: const Cell<int>* self;
// CHECK: template <class T>
// CHECK-NEXT: typename Cell<T>::get_future Cell<T>::get() const {
// CHECK-NEXT: return get_future(this);
// CHECK: asyncc::detail::Lifetime<Cell<int>::get_future, {{[0-9]+}}, {{[0-9]+}}>,  // await1

// Methods of a class template defined after the class: the declarations in
// the class declare the structs; the definition's place gets the member
// specializations (under the definition's names of the parameters) and the
// method.
template <class T>
class Slot {
 public:
  ASYNC asyncc::Async<T> take(int times = 1);
  T value{};
};

template <class U>
ASYNC asyncc::Async<U> Slot<U>::take(int times) {
  U total{};
  for (int i = 0; i < times; ++i) total += co_await Ready<U>{value};
  co_return total;
}

ASYNC asyncc::Async<long> read_slot() {
  Slot<long> s;
  co_return co_await s.take();
}
// CHECK: class Slot {
// CHECK: struct take_future;
// CHECK-NEXT: take_future take(int times = 1);
// CHECK: template <>
// CHECK-NEXT: struct Slot<long>::take_future {
// CHECK-NEXT: using U = long;
// CHECK-NEXT: using Output = U;
// CHECK: Slot<long>* self;
// CHECK: template <class U>
// CHECK-NEXT: typename Slot<U>::take_future Slot<U>::take(int times) {
// CHECK-NEXT: return take_future(this, std::move(times));
// CHECK: asyncc::detail::Lifetime<Slot<long>::take_future, {{[0-9]+}}, {{[0-9]+}}>,  // await1

// A member template of a class, defined in the class: the class declares the
// struct template and the method template; after the class, each
// instantiation gets an explicit specialization of the struct, and the
// method is defined once.
class Reader {
 public:
  template <class T>
  ASYNC asyncc::Async<T> read(T fallback) const {
    co_return fallback + co_await Ready<T>{T{}} + static_cast<T>(offset);
  }
  int offset = 1;
};

long read_both() {
  Reader r;
  auto a = r.read(1);
  auto b = r.read(2L);
  return sizeof(a) + sizeof(b);
}
// CHECK: class Reader {
// CHECK: template <class T>
// CHECK-NEXT: struct read_future;
// CHECK-NEXT: template <class T>
// CHECK-NEXT: read_future<T> read(T fallback) const;
// CHECK: template <>
// CHECK-NEXT: struct Reader::read_future<int> {
// CHECK-NEXT: using T = int;
// CHECK: const Reader* self;
// CHECK: template <>
// CHECK-NEXT: struct Reader::read_future<long> {
// CHECK: template <class T>
// CHECK-NEXT: Reader::read_future<T> Reader::read(T fallback) const {
// CHECK-NEXT: return read_future<T>(this, std::move(fallback));

// An ASYNC function after the class awaits a member template's future by
// its specialization.
ASYNC asyncc::Async<long> read_later(const Reader& r) { co_return co_await r.read(3L) + co_await r.read<long>(4); }
// CHECK: struct read_later_future {
// CHECK: asyncc::detail::Lifetime<Reader::read_future<long>, {{[0-9]+}}, {{[0-9]+}}>,  // await1
// CHECK: asyncc::detail::Lifetime<Reader::read_future<long>, {{[0-9]+}}, {{[0-9]+}}>,  // await2

// A member template declared in its class and defined after it: the
// declaration declares the struct template and the method, its default
// argument kept; the definition's place gets the specializations, with the
// definition's names of the parameters, and the method.
class Writer {
 public:
  template <class T>
  asyncc::Async<T> write(T value, int times = 2) const;
  int offset = 1;
};
// CHECK: class Writer {
// CHECK: template <class T>
// CHECK-NEXT: struct write_future;
// CHECK-NEXT: template <class T>
// CHECK-NEXT: write_future<T> write(T value, int times = 2) const;


template <class U>
ASYNC asyncc::Async<U> Writer::write(U value, int times) const {
  co_return value * times + co_await Ready<U>{U{}} + static_cast<U>(offset);
}
// CHECK: template <>
// CHECK-NEXT: struct Writer::write_future<int> {
// CHECK-NEXT: using U = int;
// CHECK: const Writer* self;
// CHECK: template <class U>
// CHECK-NEXT: Writer::write_future<U> Writer::write(U value, int times) const {
// CHECK-NEXT: return write_future<U>(this, std::move(value), std::move(times));

long write_one() {
  Writer w;
  return sizeof(w.write(1));
}

ASYNC asyncc::Async<long> write_later(const Writer& w) { co_return co_await w.write(3L); }
// CHECK: asyncc::detail::Lifetime<Writer::write_future<long>, {{[0-9]+}}, {{[0-9]+}}>,  // await1

// Lambdas passed to a function template: C++ cannot name their types where
// the specializations are, so the struct stays a template on them (its
// definition, or a partial specialization on the other arguments), and a
// lambda written as an argument is made by a factory that names its type.
template <class F>
ASYNC asyncc::Async<int> call_twice(F make) {
  int a = co_await make();
  co_return a + co_await make();
}
template <class T, class Callback>
ASYNC asyncc::Async<T> visit(T value, Callback on_value) {
  co_await Ready<int>{0};
  on_value(value);
  co_return value;
}
ASYNC asyncc::Async<long> lambdas_given(int k) {
  int seen = co_await call_twice([] { return Ready<int>{1}; });
  co_return co_await visit(2L, [&seen, k](long v) { seen += static_cast<int>(v) + k; }) + seen;
}
// CHECK-LABEL: // ASYNC call_twice, transform_templates.cpp:{{[0-9]+}}, as a state machine (asyncc)
// CHECK-NEXT:  template <class F>
// CHECK-NEXT:  struct call_twice_future {
// CHECK:       union { F make; };  // destroyed on completion
// CHECK:       asyncc::detail::Lifetime<decltype(std::declval<F&>()()), {{[0-9]+}}, {{[0-9]+}}>,  // await1
// CHECK:       template <class Callback>
// CHECK-NEXT:  struct visit_future<long, Callback> {
// CHECK:       inline auto lambdas_given_future_make_on_value_2(int& seen, int k) {
// CHECK:       decltype(visit(std::declval<long>(), std::declval<decltype(lambdas_given_future_make_on_value_2(std::declval<int&>(), std::declval<int>()))>()))(visit(2L, lambdas_given_future_make_on_value_2(seen.value, k)))

// A local copy of a lambda given to the template is a frame value whether or
// not the lambda has a destructor: one struct serves both.
template <class F>
ASYNC asyncc::Async<int> copy_then_call(F make) {
  int n = co_await Ready<int>{1};
  F local = make;
  co_return n + local();
}
int copies(std::string s) {
  auto a = copy_then_call([] { return 1; });
  auto b = copy_then_call([s] { return static_cast<int>(s.size()); });
  return static_cast<int>(sizeof(a) + sizeof(b));
}
// CHECK-LABEL: struct copy_then_call_future {
// CHECK:       asyncc::detail::Lifetime<F, {{[0-9]+}}, {{[0-9]+}}>,  // local
