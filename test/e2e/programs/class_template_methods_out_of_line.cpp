// ASYNC methods of a class template declared in the class and defined after
// it, as headers lay them out: each specialization the program uses gets a
// state machine of its own; a definition that names the class's parameter
// differently; default arguments written in the class; a const method; a
// method awaiting another; a parameter with a destructor; cancellation.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

template <class T>
class Store {
 public:
  explicit Store(T initial) : value_(std::move(initial)) {}

  ASYNC asyncc::Async<T> load() const;
  ASYNC asyncc::Async<T> load_times(int times = 2);
  ASYNC asyncc::Async<int> save(Traced tag, T value);
  int writes() const { return writes_; }

 private:
  T value_;
  int writes_ = 0;
};

template <class T>
ASYNC asyncc::Async<T> Store<T>::load() const {
  co_await e2e::Yield(1);
  co_return value_;
}

template <class U>
ASYNC asyncc::Async<U> Store<U>::load_times(int times) {
  Traced reading("reading");
  U total{};
  for (int i = 0; i < times; ++i) total = total + co_await load();
  co_return total;
}

template <class T>
ASYNC asyncc::Async<int> Store<T>::save(Traced tag, T value) {
  Traced saving("saving " + tag.name());
  co_await e2e::Yield(1);
  value_ = std::move(value);
  co_return ++writes_;
}

int main() {
  Store<int> numbers(21);
  Store<std::string> words("ab");
  std::printf("load %d\n", asyncc::block_on(numbers.load()));
  std::printf("load_times %d\n", asyncc::block_on(numbers.load_times()));
  std::printf("load_times %s\n", asyncc::block_on(words.load_times(3)).c_str());
  std::printf("save %d\n", asyncc::block_on(words.save(Traced("w"), "cd")));
  std::printf("now %s, writes %d\n", asyncc::block_on(words.load()).c_str(), words.writes());
  e2e::drop_after_each_poll("save", [&] { return numbers.save(Traced("n"), 5); }, 2);
  std::printf("numbers %d, writes %d, live %d\n", asyncc::block_on(numbers.load()), numbers.writes(),
              Traced::live_count());
}
