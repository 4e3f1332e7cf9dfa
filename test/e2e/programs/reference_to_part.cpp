// A reference bound to a part of a temporary keeps the whole temporary alive
// as long as the reference (C++'s lifetime extension), across awaits: a
// field of a returned struct or pair, a field of an awaited value, a base
// class's member, a member of a member. The temporaries are traced, so their
// destruction shows when it happens: at the end of the reference's block, in
// reverse order of construction, and on cancellation after each poll.
#include <asyncc/asyncc.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>
#include <utility>

using e2e::PendingFor;
using e2e::Traced;

struct User {
  std::string name;
  int id;
  Traced trace;
};

User load_user(int id) { return User{"user" + std::to_string(id), id, Traced("user " + std::to_string(id))}; }

std::pair<std::string, Traced> header(const char* key) { return {std::string(key) + ": value", Traced(key)}; }

struct Base {
  Traced base_trace{"base"};
  int code = 7;
};
struct Response : Base {
  Traced body{"body"};
};

struct Envelope {
  User from;
  std::string subject;
};

ASYNC asyncc::Async<User> fetch_user(int id) {
  co_await PendingFor<int>(1, 0, "fetch");
  co_return load_user(id);
}

ASYNC asyncc::Async<int> greet(int id) {
  const std::string& name = load_user(id).name;
  std::printf("hello %s\n", name.c_str());
  co_await PendingFor<int>(1, 0, "greet");
  std::printf("bye %s\n", name.c_str());
  co_return static_cast<int>(name.size());
}

ASYNC asyncc::Async<std::string> headers() {
  const auto& host = header("host").first;
  Traced between("between");
  auto&& agent = header("agent").second;
  co_await PendingFor<int>(2, 0, "headers");
  co_return host + " / " + agent.name();
}

ASYNC asyncc::Async<int> awaited_part() {
  const std::string& name = (co_await fetch_user(3)).name;
  co_await PendingFor<int>(1, 0, "after fetch");
  co_return static_cast<int>(name.size());
}

ASYNC asyncc::Async<int> base_member() {
  const int& code = Response().code;
  co_await PendingFor<int>(1, 0, "code");
  co_return code;
}

ASYNC asyncc::Async<std::string> nested_member() {
  int total = 0;
  {
    const std::string& who = Envelope{load_user(5), "hi"}.from.name;
    total += co_await PendingFor<int>(1, 1, "nested");
    std::printf("from %s\n", who.c_str());
  }
  std::printf("after the block\n");
  co_return std::to_string(total);
}

int main() {
  std::printf("greet: %d\n", e2e::run_to_completion("greet", greet(12)));
  std::printf("headers: %s\n", e2e::run_to_completion("headers", headers()).c_str());
  std::printf("awaited_part: %d\n", e2e::run_to_completion("awaited_part", awaited_part()));
  std::printf("base_member: %d\n", e2e::run_to_completion("base_member", base_member()));
  std::printf("nested_member: %s\n", e2e::run_to_completion("nested_member", nested_member()).c_str());
  e2e::drop_after_each_poll("greet", [] { return greet(4); }, 3);
  e2e::drop_after_each_poll("headers", [] { return headers(); }, 4);
  e2e::drop_after_each_poll("awaited_part", [] { return awaited_part(); }, 4);
  e2e::drop_after_each_poll("nested_member", [] { return nested_member(); }, 3);
  std::printf("live Traced: %d\n", Traced::live_count());
}
