// E2E: skip=native-gcc g++ 12.2 frees a std::string member of an aggregate temporary in a co_await operand wrongly (abort)
// Ref-qualified ASYNC methods, as a builder or a message type writes them:
// `body() const&` reads a kept object, `body() &&` takes from an rvalue;
// overloads by ref-qualifier, an out-of-line definition, a class template
// and a member template. As in a C++20 coroutine, the future refers to the
// object (a temporary one lives to the end of the full-expression that
// awaits it). A virtual interface returns a boxed future of a non-virtual
// ASYNC method.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;

class Message {
 public:
  explicit Message(std::string body) : body_(std::move(body)), tag_("message " + body_) {}
  ASYNC asyncc::Async<std::string> body() const& {
    Traced reading("reading " + body_);
    co_await PendingFor<int>(1, 0, "read");
    co_return body_;
  }
  ASYNC asyncc::Async<std::string> body() && {
    co_await PendingFor<int>(1, 0, "take");
    co_return std::move(body_) + " (taken)";
  }
  ASYNC asyncc::Async<int> length() const&;

 private:
  std::string body_;
  Traced tag_;
};

ASYNC asyncc::Async<int> Message::length() const& {
  co_await PendingFor<int>(1, 0, "length");
  co_return static_cast<int>(body_.size());
}

template <class T>
struct Box {
  T value;
  ASYNC asyncc::Async<T> get() const& {
    co_await PendingFor<int>(1, 0, "get");
    co_return value;
  }
  ASYNC asyncc::Async<T> get() && {
    co_await PendingFor<int>(1, 0, "get moved");
    co_return std::move(value);
  }
};

struct Number {
  int v = 5;
  template <class U>
  ASYNC asyncc::Async<U> as() const& {
    co_await PendingFor<int>(1, 0, "as");
    co_return static_cast<U>(v);
  }
  template <class U>
  ASYNC asyncc::Async<U> as() && {
    co_await PendingFor<int>(1, 0, "as moved");
    co_return static_cast<U>(v * 2);
  }
};

struct Shape {
  virtual ~Shape() = default;
  virtual asyncc::Boxed<int> area() = 0;
};

struct Square : Shape {
  int side = 3;
  ASYNC asyncc::Async<int> area_now() {
    co_await PendingFor<int>(1, 0, "area");
    co_return side * side;
  }
  asyncc::Boxed<int> area() override { return asyncc::boxed(area_now()); }
};

ASYNC asyncc::Async<int> run() {
  Message m("hello");
  std::string kept = co_await m.body();
  std::string taken = co_await std::move(m).body();
  int length = co_await Message("four").length();
  std::printf("%s / %s / %d\n", kept.c_str(), taken.c_str(), length);
  Box<std::string> box{"boxed"};
  std::string a = co_await box.get();
  std::string b = co_await Box<std::string>{"temporary"}.get();
  Number n;
  double x = co_await n.as<double>();
  long y = co_await Number{}.as<long>();
  Square square;
  Shape& shape = square;
  int area = co_await shape.area();
  std::printf("%s %s %.1f %ld %d\n", a.c_str(), b.c_str(), x, y, area);
  co_return length + area;
}

int main() {
  std::printf("run %d\n", asyncc::block_on(run()));
  e2e::drop_after_each_poll("run", [] { return run(); }, 9);
  std::printf("live %d\n", Traced::live_count());
}
