// Default arguments that make a temporary for a reference parameter of an
// awaited ASYNC call: C++ makes it at the call and destroys it at the end of
// the full-expression, after the await, as the future keeps the reference.
// Literals converted to std::string, classes named in the
// default (a Traced whose construction and destruction print), defaults
// passed after written arguments and after defaults that make nothing, in a
// method, and in calls given to join and timeout, whose futures keep them;
// each dropped after every number of polls.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>
#include <asyncc/join.hpp>
#include <asyncc/time.hpp>

#include "e2e_support.hpp"

#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

using e2e::Traced;

namespace files {

ASYNC asyncc::Async<std::size_t> read_file(const std::string& path = "foo.txt") {
  co_await e2e::Yield(1);
  std::printf("read %s\n", path.c_str());
  co_return path.size();
}

ASYNC asyncc::Async<int> log(const std::string& message, int level = 2, const std::string& prefix = "info") {
  co_await e2e::Yield(1);
  std::printf("[%s:%d] %s\n", prefix.c_str(), level, message.c_str());
  co_return level;
}

ASYNC asyncc::Async<int> sum(const std::vector<int>& values = std::vector<int>(3, 2)) {
  co_await e2e::Yield(1);
  int total = 0;
  for (int v : values) total += v;
  co_return total;
}

ASYNC asyncc::Async<int> traced(int n, const Traced& tag = Traced("default tag", 7)) {
  std::printf("traced %d with %s\n", n, tag.name().c_str());
  co_await e2e::Yield(1);
  co_return n + tag.value();
}

}  // namespace files

class Server {
 public:
  ASYNC asyncc::Async<int> greet(const std::string& who = "world") {
    co_await e2e::Yield(1);
    std::printf("hello, %s (%d)\n", who.c_str(), ++greeted_);
    co_return greeted_;
  }

 private:
  int greeted_ = 0;
};

ASYNC asyncc::Async<int> run(Server& server) {
  std::size_t n = co_await files::read_file();
  int level = co_await files::log("starting");
  level += co_await files::log("warning", 3);
  int total = co_await files::sum();
  Traced local("local");
  int t = co_await files::traced(1) + co_await files::traced(2, local);
  int g = co_await server.greet();
  std::printf("n=%zu level=%d total=%d t=%d g=%d\n", n, level, total, t, g);
  co_return static_cast<int>(n) + level + total + t + g;
}

ASYNC asyncc::Async<int> one_traced() { co_return co_await files::traced(5); }

ASYNC asyncc::Async<int> combined() {
  auto [a, b] = co_await asyncc::join(files::traced(3), files::read_file());
  auto in_time = co_await asyncc::timeout(files::log("in time"), std::chrono::seconds(5));
  std::printf("a=%d b=%zu in_time=%d\n", a, b, in_time ? *in_time : -1);
  co_return a + static_cast<int>(b);
}

int main() {
  Server server;
  std::printf("result %d\n", asyncc::block_on(run(server)));
  std::printf("combined %d\n", asyncc::block_on(combined()));
  e2e::drop_after_each_poll("traced default", [] { return one_traced(); }, 2);
  e2e::drop_after_each_poll("combined", [] { return combined(); }, 3);
  e2e::drop_after_each_poll("run", [&server] { return run(server); }, 3);
}
