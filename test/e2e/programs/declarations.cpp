// Declarations users write around awaits: a reference bound to an awaited
// temporary (`const std::string& s = co_await read()`, which lives as long
// as the reference), rvalue-reference parameters, condition variables of a
// switch and of a for initialized by an await, an ASYNC operator(), unnamed
// parameters, types of an unnamed namespace in the frame, declarations of
// several variables with awaits.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<std::string> read_text(std::string text) { co_return co_await PendingFor<std::string>(1, text); }

ASYNC asyncc::Async<Traced> make(std::string name, int value) {
  co_await e2e::Yield(1);
  co_return Traced(name, value);
}

// Destructors print for the live object only (not for moved-from ones).
struct Base {
  int id = 1;
  bool live = true;
  Base() = default;
  Base(Base&& other) noexcept : id(other.id), live(std::exchange(other.live, false)) {}
  virtual ~Base() {
    if (live) std::printf("~Base %d\n", id);
  }
};
struct Derived : Base {
  Derived() { id = 2; }
  Derived(Derived&&) = default;
  ~Derived() override {
    if (live) std::printf("~Derived\n");
  }
};

ASYNC asyncc::Async<Derived> derived() {
  co_await e2e::Yield(1);
  co_return Derived();
}

ASYNC asyncc::Async<int> bound_temporaries() {
  const std::string& text = co_await read_text("hello");
  Traced before("before");
  const Traced& t = co_await make("kept", 3);
  Traced&& moved = co_await make("rvalue", 4);
  const int& small = co_await PendingFor<int>(1, 10);
  const Base& base = co_await derived();
  co_await e2e::Yield(1);
  std::printf("%s %s %d %s %d %d base %d\n", text.c_str(), t.name().c_str(), t.value(), moved.name().c_str(),
              moved.value(), small, base.id);
  Traced after("after");
  co_return static_cast<int>(text.size()) + t.value() + moved.value() + small;
}

ASYNC asyncc::Async<int> take_rvalues(int&& n, std::string&& s, Traced&& t) {
  co_await e2e::Yield(1);
  std::string mine = std::move(s);
  Traced kept = std::move(t);
  co_return n + static_cast<int>(mine.size()) + kept.value();
}

namespace {
// A type of an unnamed namespace, kept in the frame and awaited.
struct Local {
  int v;
};
ASYNC asyncc::Async<Local> local(int v) { co_return Local{co_await PendingFor<int>(1, v)}; }
}  // namespace

ASYNC asyncc::Async<int> unnamed_namespace() {
  Local first = co_await local(1);
  Local second = co_await local(2);
  co_return first.v + second.v;
}

// A traced value that tests as its value.
struct Ticket : Traced {
  using Traced::Traced;
  explicit operator bool() const { return value() != 0; }
};

ASYNC asyncc::Async<Ticket> ticket(int round) {
  co_await e2e::Yield(1);
  co_return Ticket("round" + std::to_string(round), 2 - round);
}

ASYNC asyncc::Async<int> next_value(int i) { co_return co_await PendingFor<int>(1, i); }

ASYNC asyncc::Async<int> condition_variables() {
  int total = 0;
  switch (int v = co_await next_value(2)) {
    case 2:
      total += v * 100;
      co_await e2e::Yield(1);
      total += v;
      break;
    default:
      total = -1;
  }
  switch (Traced t = co_await make("switched", 5); t.value()) {
    case 5:
      co_await e2e::Yield(1);
      total += t.value();
      break;
  }
  int i = 0;
  for (; int v = co_await next_value(3 - i); ++i) total += v * 10;
  for (int round = 0; Ticket t = co_await ticket(round); ++round) {
    co_await e2e::Yield(1);
    total += t.value() * 1000;
  }
  co_return total;
}

ASYNC asyncc::Async<int> several() {
  int a = co_await next_value(1), *p = &a, b = co_await next_value(2);
  Traced first("first"), second("second");
  co_await e2e::Yield(1);
  int c = a + b, d = c * 2;
  co_return *p * 1000 + b * 100 + c * 10 + d;
}

struct Adder {
  int base;
  ASYNC asyncc::Async<int> operator()(int x) const { co_return base + co_await PendingFor<int>(1, x); }
};

ASYNC asyncc::Async<int> unnamed(int, const std::string&, int used) { co_return co_await PendingFor<int>(1, used); }

int main() {
  std::printf("bound_temporaries %d\n", asyncc::block_on(bound_temporaries()));
  std::string s = "four";
  std::printf("take_rvalues %d\n", asyncc::block_on(take_rvalues(1, std::move(s), Traced("given", 7))));
  std::printf("condition_variables %d\n", asyncc::block_on(condition_variables()));
  std::printf("several %d\n", asyncc::block_on(several()));
  Adder add{10};
  std::printf("operator() %d\n", asyncc::block_on(add(5)));
  std::printf("unnamed %d\n", asyncc::block_on(unnamed(1, "x", 3)));
  std::printf("unnamed_namespace %d\n", asyncc::block_on(unnamed_namespace()));
  e2e::drop_after_each_poll("bound_temporaries", [] { return bound_temporaries(); }, 7);
  e2e::drop_after_each_poll("condition_variables", [] { return condition_variables(); }, 12);
  e2e::drop_after_each_poll("several", [] { return several(); }, 4);
  std::printf("live %d\n", Traced::live_count());
}
