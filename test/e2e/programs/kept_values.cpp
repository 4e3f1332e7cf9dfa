// The value of an await kept across later awaits of the same expression:
// scalars, strings, optionals and a user's traced class, with references
// bound to them, void awaits between, and the future dropped after every
// number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;
using e2e::Yield;

ASYNC asyncc::Async<std::uint8_t> byte(std::uint8_t v) {
  co_await Yield(1);
  co_return v;
}

ASYNC asyncc::Async<std::string> word(std::string w) {
  co_await Yield(1);
  co_return w + "!";
}

ASYNC asyncc::Async<Traced> traced(const char* name, int value) {
  co_await Yield(1);
  co_return Traced(name, value);
}

int add_rvalues(int&& a, int&& b) { return a * 10 + b; }
std::string join_words(const std::string& a, std::string&& b) { return a + " " + b; }
int total(const Traced& a, Traced b) { return a.value() + b.value(); }

ASYNC asyncc::Async<int> sums() {
  // rustc's await3: u8 values promoted to int.
  int s = co_await byte(1) + co_await byte(2) + co_await byte(3);
  std::printf("sum %d\n", s);
  // Scalars passed to rvalue references and bound to a const reference.
  int r = add_rvalues(co_await byte(4), co_await byte(5));
  int c = std::max<int>(co_await byte(7), co_await byte(6));
  std::printf("rvalues %d max %d\n", r, c);
  // A void await between two kept values.
  int v = (co_await byte(8), co_await Yield(2), co_await byte(9));
  std::printf("comma %d\n", v);
  co_return s + r + c + v;
}

ASYNC asyncc::Async<std::size_t> strings() {
  std::string both = join_words(co_await word("hello"), co_await word("world"));
  std::printf("%s\n", both.c_str());
  std::optional<std::string> maybe = co_await PendingFor<std::optional<std::string>>(1, std::string("opt"));
  std::size_t n = (co_await word("a")).size() + maybe->size() + (co_await word("bcd")).size();
  std::printf("sizes %zu\n", n);
  co_return both.size() + n;
}

ASYNC asyncc::Async<int> objects() {
  int t = total(co_await traced("first", 1), co_await traced("second", 2));
  std::printf("total %d\n", t);
  std::optional<Traced> kept =
      co_await PendingFor<std::optional<Traced>>(1, std::optional<Traced>(std::in_place, "opt", 3));
  int u = kept->value() + (co_await traced("third", 4)).value();
  std::printf("then %d\n", u);
  co_return t + u;
}

int main() {
  std::printf("sums -> %d\n", asyncc::block_on(sums()));
  std::printf("strings -> %zu\n", asyncc::block_on(strings()));
  std::printf("objects -> %d\n", asyncc::block_on(objects()));
  e2e::drop_after_each_poll("sums", [] { return sums(); }, 30);
  e2e::drop_after_each_poll("strings", [] { return strings(); }, 30);
  e2e::drop_after_each_poll("objects", [] { return objects(); }, 30);
  std::printf("live %d\n", Traced::live_count());
}
