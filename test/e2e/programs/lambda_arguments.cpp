// E2E: skip=native-gcc g++ 12.2 frees the std::string a lambda captures by copy in a co_await operand wrongly (munmap_chunk abort)
// Lambdas passed to ASYNC function templates, as Tokio-style code passes
// closures: `retry([&] { return fetch(id); }, 3)`, a callback called between
// awaits, lambdas capturing a string and a traced object by value (one
// struct serves them all: each is destroyed with the future), a template
// with a second parameter of a type C++ can name, a function object
// declared after the template, and a member template given lambdas. The struct cannot name those types where it
// is defined, so it stays a template on them.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;

ASYNC asyncc::Async<int> fetch(int id) {
  Traced request("fetch " + std::to_string(id));
  co_await PendingFor<int>(1, 0);
  co_return id * 10;
}

template <class F>
ASYNC asyncc::Async<int> retry(F make, int attempts) {
  int last = 0;
  for (int i = 0; i < attempts; ++i) {
    last = co_await make();
    if (last > 25) break;
  }
  co_return last;
}

template <class T, class Callback>
ASYNC asyncc::Async<T> each(T first, T last, Callback on_item) {
  T sum{};
  for (T i = first; i != last; ++i) {
    co_await PendingFor<int>(1, 0);
    on_item(i);
    sum += i;
  }
  co_return sum;
}

// A member template given lambdas: its struct is a member template of the
// class, defined after it.
class Pool {
 public:
  template <class Job>
  ASYNC asyncc::Async<int> run(Job job) {
    ++runs_;
    Traced running("running " + std::to_string(runs_));
    int result = co_await job();
    co_return result + runs_;
  }
  int runs() const { return runs_; }

 private:
  int runs_ = 0;
};

ASYNC asyncc::Async<int> pooled(Pool& pool) {
  int first = co_await pool.run([] { return fetch(1); });
  std::string label = "abc";
  co_return first + co_await pool.run([label] { return fetch(static_cast<int>(label.size())); });
}

struct FetchFive {
  auto operator()() const { return fetch(5); }
};

ASYNC asyncc::Async<std::string> labelled(std::string label) {
  int seen = 0;
  long total = co_await each(1L, 4L, [&seen](long i) { seen += static_cast<int>(i); });
  int again = co_await each(0, 2, [&label](int i) { label += std::to_string(i); });
  co_return label + " " + std::to_string(seen) + " " + std::to_string(total + again);
}

int main() {
  int id = 2;
  std::printf("retry %d\n", e2e::run_to_completion("retry", retry([&id] { return fetch(id); }, 3)));
  id = 3;
  std::printf("retry %d\n", e2e::run_to_completion("retry", retry([&id] { return fetch(id++); }, 3)));
  std::printf("retry %d\n", e2e::run_to_completion("retry", retry(FetchFive{}, 2)));
  std::string name = "abcd";
  std::printf("retry %d\n", e2e::run_to_completion("retry", retry([name] { return fetch(static_cast<int>(name.size())); }, 2)));
  std::printf("retry %d\n",
              e2e::run_to_completion("retry", retry([t = Traced("captured", 6)] { return fetch(t.value()); }, 1)));
  std::printf("labelled %s\n", e2e::run_to_completion("labelled", labelled("items")).c_str());
  Pool pool;
  std::printf("pooled %d\n", e2e::run_to_completion("pooled", pooled(pool)));
  std::printf("runs %d\n", pool.runs());
  e2e::drop_after_each_poll("pooled", [&pool] { return pooled(pool); }, 4);
  e2e::drop_after_each_poll("retry", [] { return retry([] { return fetch(1); }, 2); }, 3);
  e2e::drop_after_each_poll("retry", [] { return retry([t = Traced("kept", 7)] { return fetch(t.value()); }, 2); }, 3);
  e2e::drop_after_each_poll("labelled", [] { return labelled("x"); }, 4);
  std::printf("live Traced: %d\n", Traced::live_count());
}
