// Futures made by something other than an ASYNC function's name: a lambda
// kept in a variable (`auto make = [](int v) { return fetch(v); };`), a
// functor whose operator() returns auto, a non-ASYNC method that returns an
// ASYNC method's future, and such a future given to join (a template's `F f`
// called as `f()` is in lambda_arguments). Each awaited type is the
// generated future the callable returns.
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

struct Fetcher {
  int id;
  auto operator()() const { return fetch(id); }
};

class Client {
 public:
  ASYNC asyncc::Async<std::string> get(std::string path) {
    co_await PendingFor<int>(1, 0);
    co_return base_ + path;
  }
  auto home() { return get("/"); }

 private:
  std::string base_ = "http://example";
};

ASYNC asyncc::Async<int> lambdas() {
  int offset = 1;
  auto make = [&offset](int v) { return fetch(v + offset); };
  int a = co_await make(1);
  offset = 2;
  int b = co_await make(1);
  co_return a + b;
}

ASYNC asyncc::Async<int> functors() {
  Fetcher three{3};
  int a = co_await three();
  int b = co_await Fetcher{4}();
  co_return a + b;
}

ASYNC asyncc::Async<std::string> methods(Client& client) {
  std::string page = co_await client.home();
  auto [x, y] = co_await asyncc::join(client.home(), Fetcher{5}());
  co_return page + " " + x + " " + std::to_string(y);
}

int main() {
  std::printf("lambdas %d\n", e2e::run_to_completion("lambdas", lambdas()));
  std::printf("functors %d\n", e2e::run_to_completion("functors", functors()));
  Client client;
  std::printf("methods %s\n", e2e::run_to_completion("methods", methods(client)).c_str());
  e2e::drop_after_each_poll("lambdas", [] { return lambdas(); }, 3);
  std::printf("live Traced: %d\n", Traced::live_count());
}
