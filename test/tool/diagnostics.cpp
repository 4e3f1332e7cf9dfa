// What asyncc v1 cannot lower faithfully is refused with a diagnostic that
// names the construct and a rewrite; nothing is written.
//
// RUN: rm -f %t.cpp
// RUN: %expect_exit 1 %asyncc %s -o %t.cpp -- -I %asyncc_include -ferror-limit=0 2> %t.err
// RUN: FileCheck %s < %t.err
// RUN: test ! -e %t.cpp

#include <asyncc/async.hpp>

#include <initializer_list>
#include <string>
#include <utility>

struct One {
  using Output = int;
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(1); }
};
struct Traced {
  Traced();
  Traced(const Traced&);
  ~Traced();
};
Traced traced();
int sum(Traced, int);
void take_ref(const std::string&);
struct Takes {
  using Output = void;
  asyncc::Poll<void> poll(asyncc::Context&) { return asyncc::Poll<void>::ready(); }
};
Takes takes(const std::string&);
Takes takes_by_value(Traced);

// A call between a declaration and the definition, whose body names a type
// declared after the declaration: the struct stays with the body.
ASYNC asyncc::Async<int> later(int id);
struct DeclaredAfter {
  int value = 1;
};
void calls_early() {
  auto future = later(1);
  // CHECK: diagnostics.cpp:[[@LINE-1]]:17: error: 'later' is called before its future's struct is defined{{.*}}; move the definition of 'later' above this call
  (void)future;
}
ASYNC asyncc::Async<int> later(int id) {
  DeclaredAfter after;
  co_return after.value + id + co_await One{};
}

ASYNC asyncc::Async<int> case_in_awaiting_loop(int x) {
  switch (x) {
  // CHECK: diagnostics.cpp:[[@LINE-1]]:3: error: a 'case' label inside a loop whose condition awaits is not supported with 'co_await' or 'co_return' in the switch; await in the loop's body, or put the label outside the loop
  case 1:
    while (co_await One{} > x) {
    case 2:
      ++x;
    }
  }
  co_return x;
}

ASYNC asyncc::Async<int> order() {
  int x = sum(traced(), co_await One{});
  // CHECK: diagnostics.cpp:[[@LINE-1]]:15: error: this is evaluated before a 'co_await' of the same expression
  co_return x;
}

ASYNC asyncc::Async<void> temporary() {
  co_await takes_by_value(traced());
  // CHECK: diagnostics.cpp:[[@LINE-1]]:27: error: this argument's destructor would run before the await ends instead of after it: only an ASYNC function's future can be made from an argument kept in the frame; make the future in a local variable first
}

// The future keeps the std::initializer_list, whose array C++ keeps to the
// end of the full-expression.
ASYNC asyncc::Async<int> count(std::initializer_list<int> values) { co_return static_cast<int>(values.size()); }

ASYNC asyncc::Async<int> braced_list() {
  co_return co_await count({1, 2, 3});
  // CHECK: diagnostics.cpp:[[@LINE-1]]:28: error: the array of this braced list must live until the await ends, which asyncc cannot keep; make what the list initializes in a local variable first
}

// The string made for the default argument must outlive the await, as the
// reference the future keeps to it; its text calls an overloaded function,
// whose overloads the call might see otherwise.
std::string default_path();
std::string default_path(int);
ASYNC asyncc::Async<std::size_t> read_file(const std::string& path = default_path()) { co_return path.size(); }

ASYNC asyncc::Async<std::size_t> default_argument() {
  std::size_t n = co_await read_file();
  // CHECK: diagnostics.cpp:[[@LINE-1]]:{{[0-9]+}}: error: a default argument of this call makes a temporary that must live until the await ends
  // CHECK-SAME: pass the argument explicitly
  co_return n + co_await read_file("given");
}

// A future whose constructor keeps a reference to its default argument's
// temporary, made with braces: passed in them, the argument could choose the
// initializer-list constructor.
struct Lines {
  using Output = int;
  Lines(std::initializer_list<int> numbers) : path_(nullptr), count_(static_cast<int>(numbers.size())) {}
  explicit Lines(const std::string& path = "lines.txt") : path_(&path), count_(0) {}
  asyncc::Poll<int> poll(asyncc::Context&) { return asyncc::Poll<int>::ready(count_); }
  const std::string* path_;
  int count_;
};
ASYNC asyncc::Async<int> constructor_default() { co_return co_await Lines{}; }
// CHECK: diagnostics.cpp:[[@LINE-1]]:{{[0-9]+}}: error: a default argument of the constructor that makes this object makes a temporary that must live until the await ends, and asyncc can pass it only in the parentheses or braces written
// CHECK-SAME: pass the argument explicitly

// Methods that await each other: each future would contain the other.
class PingPong {
 public:
  ASYNC asyncc::Async<int> ping(int n) { co_return n > 0 ? co_await pong(n - 1) : 0; }
  ASYNC asyncc::Async<int> pong(int n) { co_return n > 0 ? co_await ping(n - 1) : 1; }
  // CHECK: diagnostics.cpp:[[@LINE-1]]:{{[0-9]+}}: error: asyncc needs the definition of the awaited async function 'ping' before this function
  // CHECK-SAME: await asyncc::boxed(...) of the call
};

ASYNC asyncc::Async<int> itself(int n) {
  int r = co_await itself(n - 1);
  // CHECK: diagnostics.cpp:[[@LINE-1]]:20: error: an async function cannot await itself directly: {{.*}} await asyncc::boxed(...) of the call
  // CHECK: asyncc::boxed( )
  co_return r;
}

ASYNC int not_async() { return 1; }
// CHECK: diagnostics.cpp:[[@LINE-1]]:7: error: an ASYNC function must return asyncc::Async<T>

struct Holder {
  int kept = 1;
  struct Nested {
    int kept = 2;
    ASYNC asyncc::Async<int> lambda_across_await() {
      auto get = [&] { return kept; };
      // CHECK: diagnostics.cpp:[[@LINE-1]]:12: error: this variable has a type that cannot be named outside the function (a lambda
      co_await One{};
      co_return get();
    }
  };
};

ASYNC asyncc::Async<int> jump_into_loop(int n) {
  if (n > 5) goto inside;
  // CHECK: diagnostics.cpp:[[@LINE-1]]:14: error: this 'goto' enters a 'switch', or a loop whose condition awaits, across a 'co_await' or a variable stored in the async frame, which asyncc does not support; jump to a label outside that statement
  while (co_await One{} < n) {
    n -= co_await One{};
  inside:
    --n;
  }
  co_return n;
}

struct Befriends {
  friend ASYNC asyncc::Async<int> befriended(Befriends b);
  // CHECK: diagnostics.cpp:[[@LINE-1]]:35: error: asyncc rewrites a separate declaration of an ASYNC function only at namespace scope
};
ASYNC asyncc::Async<int> befriended(Befriends) { co_return co_await One{}; }

struct Templated {
  template <class T>
  ASYNC asyncc::Async<T> get(T value) {
    co_return value + co_await One{};
  }
  ASYNC asyncc::Async<int> awaits_member_template() { co_return co_await get(1); }
};

struct Outer {
  struct Inner {
    template <class T>
    ASYNC asyncc::Async<T> get(T value) {
      // CHECK: diagnostics.cpp:[[@LINE-1]]:28: error: asyncc supports an ASYNC member template of a class at namespace scope that is not a template, defined in the class or after it, and awaited only by ASYNC functions defined after its specializations
      co_return value + co_await One{};
    }
  };
};
ASYNC asyncc::Async<int> awaits_nested_member_template() { co_return co_await Outer::Inner().get(1); }

// Defined outside its class: its specializations stand at its definition.
struct DeclaredFirst {
  template <class T>
  asyncc::Async<T> get(T value);
};
ASYNC asyncc::Async<int> awaits_before_definition(DeclaredFirst& d) { co_return co_await d.get(1); }
// CHECK: diagnostics.cpp:[[@LINE-1]]:90: error: asyncc supports an ASYNC member template of a class at namespace scope
// CHECK-SAME: await it from a function defined after the class and the member template's definition
template <class T>
ASYNC asyncc::Async<T> DeclaredFirst::get(T value) {
  co_return value + co_await One{};
}

auto pack_auto = [](int y, auto... rest) ASYNC -> asyncc::Async<int> { co_return y + sizeof...(rest) + co_await One{}; };
// CHECK: diagnostics.cpp:[[@LINE-1]]:36: error: asyncc supports a generic ASYNC lambda whose 'auto' parameters are not packs
int use_pack_auto() {
  auto f = pack_auto(1, 2);
  return sizeof(f);
}

ASYNC asyncc::Async<int> static_lambda() {
  static auto inner = [] ASYNC () -> asyncc::Async<int> { co_return co_await One{}; };
  co_return co_await inner();
  // CHECK: diagnostics.cpp:[[@LINE-1]]:22: error: asyncc cannot name the type of this ASYNC lambda's future
}

struct Shape {
  virtual ~Shape() = default;
  virtual asyncc::Async<int> area();
};
ASYNC asyncc::Async<int> Shape::area() { co_return co_await One{}; }
// CHECK: diagnostics.cpp:[[@LINE-1]]:33: error: asyncc supports a virtual ASYNC method defined in its class, of a class that is not a template, whose future is defined there
// CHECK-SAME: ; define a virtual method that returns a non-virtual ASYNC method's future as asyncc::Async<T>, after the class
int local_job() {
  struct Job {
    int id;
    static ASYNC asyncc::Async<int> copy_of(Job job) { co_return job.id + co_await One{}; }
    // CHECK: diagnostics.cpp:[[@LINE-1]]:37: error: this ASYNC method holds a value of 'Job', which its future, a member struct, may keep; there 'Job' is not complete
    // CHECK-SAME: ; hold it through a pointer (std::unique_ptr), or make this a free ASYNC function
  };
  return 0;
}
struct Connection {
  int fd;
  ~Connection() {}
};
struct Handler {
  virtual ~Handler() = default;
  virtual ASYNC asyncc::Async<int> handle(Connection c) { co_return c.fd + co_await One{}; }
};
ASYNC asyncc::Async<int> serve_one(Handler& h) { co_return co_await h.handle(Connection{4}); }
// CHECK: diagnostics.cpp:[[@LINE-1]]:{{[0-9]+}}: error: this argument's destructor would run before the await ends
struct Square : Shape {
  int side = 2;
  ASYNC asyncc::Async<int> area() override {
    auto get = [&] { return side; };
    // CHECK: diagnostics.cpp:[[@LINE-2]]:28: error: asyncc supports a virtual ASYNC method defined in its class
    co_await One{};
    co_return get();
  }
};

std::pair<int, int> make_span();
ASYNC asyncc::Async<int> part_of_either(bool first) {
  const int& end = first ? make_span().first : make_span().second;
  // CHECK: diagnostics.cpp:[[@LINE-1]]:14: error: a reference that keeps a temporary alive through '?:', ',' or '.*', whose scope contains a 'co_await', is not supported by asyncc; declare the variable by value, or bind it to a member of one temporary
  co_await One{};
  co_return end;
}

ASYNC asyncc::Async<int> answer() { co_return 42; }
template <class T>
auto answer_as(T) { return answer(); }
ASYNC asyncc::Async<int> explicit_arguments() {
  co_return co_await answer_as<long>(1);
  // CHECK: diagnostics.cpp:[[@LINE-1]]:22: error: asyncc cannot spell the type of this value, which holds the future of an ASYNC function: it is made by a call through a pointer or a call with explicit template arguments; call a function with deduced arguments, or await the futures separately
}

struct Text {
  using Output = std::string;
  asyncc::Poll<std::string> poll(asyncc::Context&) { return asyncc::Poll<std::string>::ready("text"); }
};
template <class F>
ASYNC asyncc::Async<int> size_of_result(F make) {
  // CHECK: diagnostics.cpp:[[@LINE-1]]:26: error: asyncc makes one state machine of 'size_of_result' for all the lambdas (and local classes) passed to it with the same other arguments, and two of them need different ones (their calls return values of different types); pass one of them as a named function object, or wrap them in std::function
  auto value = co_await make();
  co_await One{};
  co_return static_cast<int>(sizeof(value));
}
int sizes() {
  auto a = size_of_result([] { return One{}; });
  auto b = size_of_result([] { return Text{}; });
  return static_cast<int>(sizeof(a) + sizeof(b));
}
