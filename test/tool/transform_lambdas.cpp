// An ASYNC lambda keeps its captures and parameters; its body declares the
// future's struct, whose first members refer to the closure's captures, and
// returns it. One inside an ASYNC function is lowered with it: kept in the
// frame, it is made by a factory whose return type names its closure, and
// its future is what that closure returns. A generic one has a version per
// instantiation, chosen by `if constexpr`; so has one in a class template's
// member function. Kept in an ASYNC method's frame, its factory goes before
// the class. One inside a plain lambda of an ASYNC function is lowered with
// the function too; one in a local class of it is refused.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// RUN: %expect_exit 1 %asyncc %s -o %t.bad.cpp -- -I %asyncc_include -DINSIDE 2> %t.err
// RUN: FileCheck --check-prefix=INSIDE %s < %t.err

#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

int make() {
  int k = 1;
  int total = 0;
  auto add = [k, &total] ASYNC (int y) -> asyncc::Async<int> {
    total += co_await Value{y};
    co_return k + total;
  };
  return sizeof(add(2));
}
// CHECK: auto add = [k, &total](int y) {
// CHECK-NEXT: // ASYNC lambda add
// CHECK-NEXT: struct add_future {
// CHECK: explicit add_future(const int& k, int& total, int y) : k(k), total(total), y(std::move(y)) {}
// CHECK: return add_future(k, total, std::move(y));
// CHECK-NEXT: };

ASYNC asyncc::Async<int> leaf(int y) { co_return y + co_await Value{1}; }

ASYNC asyncc::Async<int> outer(int k) {
  auto inner = [k](int y) ASYNC -> asyncc::Async<int> { co_return k + co_await leaf(y); };
  int a = co_await inner(2);
  co_return a + co_await [&]() ASYNC -> asyncc::Async<int> { co_return a + co_await inner(3); }();
}
// CHECK: // The lambda inner of outer, made where the frame can name its type.
// CHECK-NEXT: inline auto outer_future_make_inner(int k) {
// CHECK-NEXT: return [k = std::move(k)](int y) {
// CHECK-NEXT: // ASYNC lambda inner
// CHECK-NEXT: struct inner_future {
// CHECK: return inner_future(k, std::move(y));
// CHECK-NEXT: };
// CHECK-NEXT: }
// CHECK: inline auto outer_future_make_lambda_2(int& a, decltype(outer_future_make_inner(std::declval<int>()))& inner) {
// CHECK-NEXT: return [&a, &inner]() {
// CHECK: struct outer_future {
// CHECK: ::new (static_cast<void*>(&inner.value)) decltype(outer_future_make_inner(std::declval<int>()))(outer_future_make_inner(k));
// CHECK: ::new (static_cast<void*>(&await1.value)) decltype(std::declval<decltype(outer_future_make_inner(std::declval<int>()))&>()(std::declval<int>()))(inner.value(2));
// CHECK: asyncc::detail::Lifetime<decltype(outer_future_make_inner(std::declval<int>())), {{[0-9]+}}, {{[0-9]+}}>,  // inner
// CHECK: the closure of the lambda called here

auto twice = [](auto v) ASYNC -> asyncc::Async<int> { co_return static_cast<int>(v) * 2 + co_await Value{0}; };
int use_twice() {
  auto a = twice(1);
  auto b = twice('a');
  return sizeof(a) + sizeof(b);
}
// CHECK: auto twice = [](auto v) {
// CHECK-NEXT: if constexpr (std::is_same_v<decltype(v), int>) {
// CHECK-NEXT: // ASYNC lambda twice
// CHECK: } else if constexpr (std::is_same_v<decltype(v), char>) {

template <class T, int N>
struct Scaled {
  T get(T x) {
    auto by = [x] ASYNC () -> asyncc::Async<T> { co_return x * N + co_await Value{0}; };
    return sizeof(by());
  }
};
int use_scaled() { return Scaled<int, 2>{}.get(1) + static_cast<int>(Scaled<long, 3>{}.get(1)); }
// CHECK: auto by = [x]() {
// CHECK-NEXT: if constexpr (std::is_same_v<T, int> && N == 2) {
// CHECK: using Output = int;
// CHECK: } else if constexpr (std::is_same_v<T, long> && N == 3) {
// CHECK: using Output = long;

// A method's factories go before its class; a function template's
// specialization's before its struct, with the template's parameters.
// CHECK: inline auto Counter_total_future_make_step(int b) {
// CHECK: struct Counter {
struct Counter {
  int base;
  ASYNC asyncc::Async<int> total(int n) {
    int b = base;
    auto step = [b](int i) ASYNC -> asyncc::Async<int> { co_return b + i + co_await Value{0}; };
    int sum = 0;
    for (int i = 0; i < n; ++i) sum += co_await step(i);
    co_return sum;
  }
};
int use_counter() { return sizeof(Counter{1}.total(2)); }

// One that uses `this` or a member, kept across an await, is made by a
// private static member defined after the class, with the method's struct.
// CHECK: class Session {
// CHECK: private:
// CHECK-NEXT: static auto read_future_make_on_line(Session*);
// CHECK-NEXT: public:
// CHECK-NEXT: struct read_future;
// CHECK-NEXT: read_future read();
// CHECK: inline auto Session::read_future_make_on_line(Session* self) {
// CHECK-NEXT: return [self](int v) { self->total_ += v * kScale; };
// CHECK: struct Session::read_future {
// CHECK: ::new (static_cast<void*>(&on_line.value)) decltype(read_future_make_on_line(std::declval<Session*>()))(read_future_make_on_line(self));
class Session {
 public:
  ASYNC asyncc::Async<int> read() {
    auto on_line = [&](int v) { total_ += v * kScale; };
    on_line(co_await Value{1});
    on_line(co_await Value{2});
    co_return total_;
  }

 private:
  static constexpr int kScale = 10;
  int total_ = 0;
};
int use_session() { return sizeof(Session{}.read()); }

template <class T>
ASYNC asyncc::Async<T> scaled(T a) {
  auto scale = [](auto v) ASYNC -> asyncc::Async<T> { co_return static_cast<T>(v * 2) + co_await Value{0}; };
  co_return co_await scale(a) + co_await scale(1);
}
int use_scaled_sum() {
  auto f = scaled(1L);
  return sizeof(f);
}
// CHECK: inline auto scaled_future_long_make_scale() {
// CHECK-NEXT: using T {{\[\[}}maybe_unused]] = long;
// CHECK-NEXT: return [](auto v) {
// CHECK-NEXT: if constexpr (std::is_same_v<decltype(v), long>) {
// CHECK: } else if constexpr (std::is_same_v<decltype(v), int>) {
// CHECK: template <>
// CHECK-NEXT: struct scaled_future<long> {

// One capturing `this` (or `*this`) is as a method: its future's `self` is
// the lambda's `this`, which the body's members are reached through. It may
// await a method of its class declared after it, as the method holding it
// may call one. `[=, this]` is C++20: it becomes `[=]`. Lowered with an
// ASYNC method, its `this` is the method's self, captured as `self`.
class Room {
 public:
  auto reader() const {
    return [=, this]() ASYNC -> asyncc::Async<int> { co_return size_ + co_await this->count(); };
  }
  auto copy() {
    return [*this]() ASYNC -> asyncc::Async<int> { co_return size_ + co_await Value{0}; };
  }
  ASYNC asyncc::Async<int> count() const { co_return size_ + co_await Value{0}; }
  ASYNC asyncc::Async<int> blocking() {
    int a = co_await Value{1};
    co_return a + asyncc::block_on([this, a]() ASYNC -> asyncc::Async<int> { co_return size_ + a + co_await Value{0}; }());
  }

 private:
  int size_ = 2;
};
int use_room() { return sizeof(Room{}.reader()()) + sizeof(Room{}.copy()()); }
// CHECK: return [=]() {
// CHECK-NEXT: // ASYNC lambda
// CHECK-NEXT: struct lambda_future {
// CHECK: explicit lambda_future(const Room* self) : self(self) {}
// CHECK: tmp1.value = self->size_;
// CHECK: ::new (static_cast<void*>(&await1.value)) Room::count_future(self->count());
// CHECK: const Room* self;  // the lambda's `this`
// CHECK: return lambda_future(this);
// CHECK: return [*this]() {
// CHECK: explicit lambda_future(const Room* self) : self(self) {}
// CHECK: asyncc::block_on([self = self, a]() {
// CHECK: explicit lambda_future(Room* self, const int& a) : self(self), a(a) {}
// CHECK: return lambda_future(self, a);

// In a plain lambda of an ASYNC function, or deeper in plain lambdas, an
// ASYNC lambda is lowered with the function too: its text in the plain
// lambda's is its lowering (in poll, or in the factory of a plain lambda
// kept across an await).
ASYNC asyncc::Async<int> spawner() {
  int sum = 0;
  auto add = [&sum](int k) {
    auto inner = [&](int j) { return asyncc::block_on([k, j]() ASYNC -> asyncc::Async<int> { co_return k * j + co_await Value{0}; }()); };
    sum += inner(2);
  };
  add(1);
  co_await Value{0};
  add(2);
  co_return sum;
}
// CHECK: inline auto spawner_future_make_add(int& sum) {
// CHECK-NEXT: return [&sum](int k) {
// CHECK-NEXT: auto inner = [&](int j) { return asyncc::block_on([k, j]() {
// CHECK-NEXT: // ASYNC lambda
// CHECK-NEXT: struct lambda_future {

// A plain lambda capturing `*this` in a method captures a copy of the object
// as self, reached as `this` was; kept across an await, its factory takes
// the object's address.
struct Snapshot {
  int kept = 1;
  ASYNC asyncc::Async<int> copies() {
    auto now = [*this] { return kept; };
    int later = co_await Value{2};
    co_return now() + [*this] { return this->kept; }() + later;
  }
};
// CHECK: static auto copies_future_make_now(Snapshot*);
// CHECK: inline auto Snapshot::copies_future_make_now(Snapshot* self) {
// CHECK-NEXT: return [self = asyncc::detail::copy_of(*self)] { return self->kept; };
// CHECK: [self = asyncc::detail::copy_of(*self)] { return self->kept; }()

// Unnamed parameters get names in the lowered head: a generic lambda's
// version is chosen by their types, and one with a destructor is kept.
auto ignores = [](auto, std::string) ASYNC -> asyncc::Async<int> { co_return co_await Value{1}; };
inline int use_ignores() {
  auto future = ignores(1, std::string("x"));
  return sizeof(future);
}
// CHECK: auto ignores = [](auto unnamed1, std::string unnamed2) {
// CHECK: if constexpr (std::is_same_v<decltype(unnamed1), int>) {
// CHECK: return ignores_future(std::move(unnamed2));

#ifdef INSIDE
ASYNC asyncc::Async<int> deeper() {
  struct Local {
    static int get() { return asyncc::block_on([] ASYNC () -> asyncc::Async<int> { co_return 1; }()); }
  };
  // INSIDE: transform_lambdas.cpp:[[@LINE-2]]:{{[0-9]+}}: error: an ASYNC lambda inside a lambda or a local class of an ASYNC function is not supported
  co_return Local::get() + co_await Value{0};
}
// A lambda made by a plain lambda, awaited: its closure is a temporary of a
// type the frame cannot name.
ASYNC asyncc::Async<int> made_by_a_lambda() {
  auto make = [] { return [] ASYNC () -> asyncc::Async<int> { co_return 1; }; };
  co_return co_await make()();
  // INSIDE: transform_lambdas.cpp:[[@LINE-1]]:{{[0-9]+}}: error: this temporary has a type that cannot be named outside the function
}
#endif
