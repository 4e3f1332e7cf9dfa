// ASYNC methods: the future is a member struct of the class (it may use
// private members), keeps `self`, and the body's implicit and explicit
// `this` become `self`. An out-of-line definition also rewrites the
// declaration in the class. Overloads get futures of their own.
//
// RUN: %asyncc %s -o %t.cpp -- -I %asyncc_include
// RUN: grep -v -e CHECK -e '^#line' %t.cpp | FileCheck %s
// RUN: %clangxx -std=c++17 -fsyntax-only -Wall -Wextra -Werror -I %asyncc_include %t.cpp
// The output is a fixed point: asyncc finds nothing left to transform.
// RUN: %asyncc %t.cpp -o %t.again.cpp -- -I %asyncc_include
// RUN: diff %t.cpp %t.again.cpp

#include <asyncc/async.hpp>

#include <string>
#include <utility>

struct Value {
  using Output = int;
  int value;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(value); }
};

class Counter {
 public:
  ASYNC asyncc::Async<int> add(int n) const {
    co_return count_ + this->step_ * co_await Value{n};
  }
  ASYNC static asyncc::Async<int> zero() { co_return co_await Value{0}; }
  ASYNC asyncc::Async<int> bump();

 private:
  int count_ = 0;
  int step_ = 1;
};

ASYNC asyncc::Async<int> Counter::bump() {
  count_ += co_await add(1);
  co_return count_;
}

ASYNC asyncc::Async<int> twice(int x) { co_return 2 * co_await Value{x}; }
ASYNC asyncc::Async<long> twice(long x) { co_return 2 * co_await Value{static_cast<int>(x)}; }

// CHECK-LABEL: class Counter {
// CHECK: struct add_future {
// CHECK: explicit add_future(const Counter* self, int n) : self(self), n(std::move(n)) {}
// CHECK: tmp1.value = self->count_;
// CHECK-NEXT: tmp2.value = self->step_;
// CHECK: return asyncc::detail::ready<Output>(unwind.armed, tmp1.value + tmp2.value * asyncc::detail::take(ready1));
// CHECK: const Counter* self;  // the object the method was called on
// CHECK: add_future add(int n) const {
// CHECK-NEXT: return add_future(this, std::move(n));
// CHECK: struct zero_future {
// CHECK: explicit zero_future() {}
// CHECK: static zero_future zero() {
// Its body names only what the class declares before it: its struct is
// defined in the class, where calls before the definition find it.
// CHECK: struct bump_future {
// CHECK: ::new (static_cast<void*>(&await1.value)) Counter::add_future(self->add(1));
// CHECK: bump_future bump();
// CHECK: Counter::bump_future Counter::bump() {
// CHECK: struct twice_future {
// CHECK: inline twice_future twice(int x) {
// CHECK: struct twice_future_2 {
// CHECK: inline twice_future_2 twice(long x) {

// A method awaiting methods of its class defined after it: its struct is
// defined at the end of the class, with the method's access, after theirs
// (a struct needing another deferred one after it); the method stays where
// it is, returning the struct declared there.
class Shelf {
 public:
  ASYNC asyncc::Async<int> report(int item) { co_return co_await restock(item) + 1; }
  ASYNC asyncc::Async<int> restock(int item) { co_return co_await count(item) * 2; }

 private:
  ASYNC asyncc::Async<int> count(int item) { co_return item + base_; }
  int base_ = 1;
};
// CHECK:      class Shelf {
// CHECK:        struct report_future;
// CHECK-NEXT: report_future report(int item) {
// CHECK-NEXT:   return report_future(this, std::move(item));
// CHECK:        struct restock_future;
// CHECK-NEXT: restock_future restock(int item) {
// CHECK:        struct count_future {
// CHECK:        int base_ = 1;
// CHECK:      public:
// CHECK-NEXT:   // ASYNC restock, transform_methods.cpp:[[@LINE-15]], as a state machine (asyncc)
// CHECK-NEXT:   struct restock_future {
// CHECK:          asyncc::detail::Lifetime<Shelf::count_future, 1, 2>,  // await1
// CHECK:      public:
// CHECK-NEXT:   // ASYNC report, transform_methods.cpp:[[@LINE-20]], as a state machine (asyncc)
// CHECK-NEXT:   struct report_future {
// CHECK:          asyncc::detail::Lifetime<Shelf::restock_future, 1, 2>,  // await1
// CHECK:      };

// Ref-qualified methods keep their qualifiers, each overload its future; in
// a class template too, declared in the class and defined after it.
class Message {
public:
  explicit Message(std::string body) : body_(std::move(body)) {}
  ASYNC asyncc::Async<std::string> body() const& {
    co_await Value{1};
    co_return body_;
  }
  ASYNC asyncc::Async<std::string> body() && {
    co_await Value{1};
    co_return std::move(body_);
  }

private:
  std::string body_;
};
// CHECK-LABEL: class Message {
// CHECK:        body_future body() const& {
// CHECK-NEXT:     return body_future(this);
// CHECK:        body_future_2 body() && {
// CHECK-NEXT:     return body_future_2(this);

template <class T>
struct Box {
  T value;
  ASYNC asyncc::Async<T> get() const& {
    co_await Value{1};
    co_return value;
  }
  ASYNC asyncc::Async<T> get() && {
    co_await Value{1};
    co_return std::move(value);
  }
};

ASYNC asyncc::Async<int> unbox() {
  Box<int> b{7};
  int kept = co_await b.get();
  co_return kept + co_await Box<int>{8}.get();
}
// CHECK-LABEL: struct Box {
// CHECK:        struct get_future;
// CHECK-NEXT:   get_future get() const &;
// CHECK-NEXT:   struct get_future_2;
// CHECK-NEXT:   get_future_2 get() &&;
// CHECK:        struct Box<int>::get_future {
// CHECK:        typename Box<T>::get_future Box<T>::get() const & {
// CHECK-NEXT:     return get_future(this);
// CHECK:        struct Box<int>::get_future_2 {
// CHECK:        typename Box<T>::get_future_2 Box<T>::get() && {
// CHECK-NEXT:     return get_future_2(this);

// A virtual ASYNC method returns its future boxed, as the asyncc::Async<T>
// it is declared to return: each override's future has its own type. An
// await of one, or of any function declared to return asyncc::Async<T>,
// keeps that type in the frame. `Base::member` through the implicit `this`
// is `self->Base::member`.
class Shape {
 public:
  virtual ~Shape() = default;
  virtual asyncc::Async<int> area() const = 0;
  virtual ASYNC asyncc::Async<int> sides() const { co_return co_await Value{0}; }
};
class Square final : public Shape {
 public:
  ASYNC asyncc::Async<int> area() const override { co_return side_ * side_ + co_await Shape::sides(); }

 private:
  int side_ = 2;
};
ASYNC asyncc::Async<int> total(const Shape& shape) { co_return co_await shape.area() + co_await shape.sides(); }
// CHECK-LABEL: class Shape {
// CHECK:        struct sides_future {
// CHECK:        virtual asyncc::Async<int> sides() const {
// CHECK-NEXT:     return asyncc::Async<int>(sides_future(this));
// CHECK-LABEL: class Square final : public Shape {
// CHECK:        ::new (static_cast<void*>(&await1.value)) asyncc::Async<int>(self->Shape::sides());
// CHECK:        asyncc::Async<int> area() const override {
// CHECK-NEXT:     return asyncc::Async<int>(area_future(this));
// CHECK:        struct total_future {
// CHECK:        asyncc::detail::Lifetime<asyncc::Async<int>, 1, 3>,

// A method holding a value of its own class (a local, a parameter by value)
// has its struct after the class, where the class is complete.
struct Job {
  int id;
  ASYNC asyncc::Async<int> run() const { co_return id + co_await Value{1}; }
  static ASYNC asyncc::Async<int> copy_and_run(Job job) {
    Job twin = job;
    co_return co_await twin.run() + co_await job.run();
  }
};
// CHECK-LABEL: struct Job {
// CHECK:        struct copy_and_run_future;
// CHECK-NEXT:   static copy_and_run_future copy_and_run(Job job);
// CHECK:        struct Job::copy_and_run_future {
// CHECK:        inline Job::copy_and_run_future Job::copy_and_run(Job job) {
