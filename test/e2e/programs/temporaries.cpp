// E2E: skip=native-gcc g++ 12.2 frees a std::string member of an aggregate temporary in a co_await operand wrongly (abort); clang++ is the oracle
// Temporaries in an awaited call and values C++ computes before an await of
// the same expression, written as users write them: a temporary lives to the
// end of its full-expression, across the await, and temporaries die in the
// reverse order of their construction, when the future is dropped at any
// poll and when an exception leaves the expression too.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

using e2e::PendingFor;
using e2e::Traced;
using e2e::Yield;

ASYNC asyncc::Async<int> f() { co_return 1; }
ASYNC asyncc::Async<int> g() {
  co_await asyncc::yield_now();
  co_return 2;
}
ASYNC asyncc::Async<std::string> read_file(const std::string& name) {
  co_await asyncc::yield_now();
  co_return "contents of " + name;
}
ASYNC asyncc::Async<void> write_line(std::string line) {
  co_await asyncc::yield_now();
  std::cout << line << "\n";
}

// The lecture's example and a server's greeting, as written.
ASYNC asyncc::Async<int> user_code(int id) {
  co_await asyncc::sleep(std::chrono::milliseconds(10));
  std::string content = co_await read_file("foo.txt");
  std::cout << "read " << content << " and " << co_await f() << "\n";
  co_await write_line("welcome " + std::to_string(id));
  auto [a, b] = co_await asyncc::join(f(), g());
  co_return a + b;
}

ASYNC asyncc::Async<int> length(const Traced& t) {
  co_await Yield(1, "length");
  co_return static_cast<int>(t.name().size());
}

int tail(const char* what) {
  std::printf("tail %s\n", what);
  return 0;
}

// A traced temporary bound to a reference parameter of an awaited call.
ASYNC asyncc::Async<int> bound_to_reference() {
  int n = co_await length(Traced("first")) + co_await length(Traced("second")) + tail("sum");
  std::printf("after the statement: %d\n", n);
  co_return n;
}

// An object whose member is awaited, and an awaited object with a destructor
// of its own: both die at the end of the full-expression.
struct Holder {
  Traced t;
  PendingFor<int> pending;
};
ASYNC asyncc::Async<int> member_of_temporary() {
  int v = co_await Holder{Traced("holder"), PendingFor<int>(1, 7, "holder.pending")}.pending + tail("member");
  int w = co_await PendingFor<int>(1, 8, "direct") + tail("direct");
  co_return v + w;
}

// Values computed before an await of the same expression: a call's result,
// a stream, a comma's left side; and a call whose temporary must outlive it.
int counter = 0;
int next() { return ++counter; }
const Traced& same(const Traced& t) { return t; }
ASYNC asyncc::Async<int> values_before() {
  int r = next() * 10 + co_await PendingFor<int>(1, 5, "after next");
  std::cout << "r " << r << " then " << co_await PendingFor<int>(1, 6, "in stream") << "\n";
  int k = (next(), co_await PendingFor<int>(1, 9, "after comma"));
  int n = same(Traced("kept")).name().size() + co_await length(Traced("argument"));
  co_return r + k + n;
}

// An exception leaves the expression after a temporary was made.
ASYNC asyncc::Async<int> throws_after(const Traced& t, bool fail) {
  co_await Yield(1, "throws_after");
  e2e::fail_if(fail, "failed after the temporary");
  co_return static_cast<int>(t.name().size());
}
ASYNC asyncc::Async<int> exception_in_expression(bool fail) {
  Traced local("local");
  int n = co_await throws_after(Traced("doomed"), fail) + tail("never when failing");
  co_return n;
}

// An exception while the operand is made, after its temporary was.
const Traced& checked(const Traced& t, bool fail) {
  e2e::fail_if(fail, "failed making the operand");
  return t;
}
ASYNC asyncc::Async<int> operand_throws(bool fail) {
  Traced local("local2");
  co_await Yield(1, "before");
  int n = co_await length(checked(Traced("made"), fail));
  co_return n;
}

int main() {
  std::printf("user_code %d\n", asyncc::block_on(user_code(3)));
  std::printf("bound_to_reference %d\n", e2e::run_to_completion("bound_to_reference", bound_to_reference()));
  std::printf("member_of_temporary %d\n", e2e::run_to_completion("member_of_temporary", member_of_temporary()));
  std::printf("values_before %d\n", e2e::run_to_completion("values_before", values_before()));
  e2e::drop_after_each_poll("bound_to_reference", [] { return bound_to_reference(); }, 3);
  e2e::drop_after_each_poll("member_of_temporary", [] { return member_of_temporary(); }, 3);
  e2e::drop_after_each_poll("exception_in_expression", [] { return exception_in_expression(true); }, 2);
  std::printf("exception_in_expression %d\n",
              e2e::run_to_completion("exception_in_expression", exception_in_expression(false)));
  e2e::drop_after_each_poll("operand_throws", [] { return operand_throws(true); }, 2);
  std::printf("live %d\n", Traced::live_count());
}
