// ASYNC member templates declared in their class and defined after it, as a
// header declares them and the definitions follow: the definition names its
// parameters its own way (U), the declaration keeps the default argument, a
// static one has explicit template arguments; cancellation.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;
using e2e::Traced;

class Client {
 public:
  explicit Client(int base) : base_(base) {}

  template <class T>
  asyncc::Async<T> echo(T value) const;

  template <class T>
  asyncc::Async<T> twice(T value, Traced tag = Traced("default tag"));

  template <class T, int Scale>
  static asyncc::Async<T> scaled(T value);

  int calls() const { return calls_ + base_; }

 private:
  int base_;
  int calls_ = 0;
};

template <class T>
ASYNC asyncc::Async<T> Client::echo(T value) const {
  co_await e2e::Yield(1);
  std::printf("echo from %d\n", base_);
  co_return value;
}

template <class U>
ASYNC asyncc::Async<U> Client::twice(U value, Traced tag) {
  Traced call("twice " + tag.name());
  U first = co_await PendingFor<U>(1, value);
  ++calls_;
  co_return first + co_await PendingFor<U>(2, value);
}

template <class T, int Scale>
ASYNC asyncc::Async<T> Client::scaled(T value) {
  co_return co_await PendingFor<T>(1, value * Scale);
}

ASYNC asyncc::Async<int> use_client(Client& client) {
  int echoed = co_await client.echo(3);
  Client* remote = &client;
  long scaled = co_await Client::scaled<long, 2>(4);
  scaled += co_await remote->twice<long>(5, Traced("long"));
  scaled += co_await remote->twice(6L);
  std::printf("use_client %d %ld\n", echoed, scaled);
  co_return echoed + static_cast<int>(scaled);
}

int main() {
  Client client(100);
  std::printf("echo %d\n", asyncc::block_on(client.echo(7)));
  std::printf("echo %s\n", asyncc::block_on(client.echo(std::string("hi"))).c_str());
  std::printf("twice %d\n", asyncc::block_on(client.twice(21, Traced("int"))));
  std::printf("twice %s\n", asyncc::block_on(client.twice(std::string("ab"), Traced("string"))).c_str());
  std::printf("scaled %ld\n", asyncc::block_on(Client::scaled<long, 3>(5)));
  e2e::drop_after_each_poll("twice", [&] { return client.twice(1, Traced("dropped")); }, 2);
  std::printf("use_client -> %d\n", asyncc::block_on(use_client(client)));
  e2e::drop_after_each_poll("use_client", [&] { return use_client(client); }, 8);
  std::printf("calls %d, live %d\n", client.calls(), Traced::live_count());
}
