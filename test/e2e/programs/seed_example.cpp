// The lecture's example: read foo.txt, and bar.txt too when foo.txt is short.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "e2e_support.hpp"

#include <cstdio>
#include <string>

using e2e::PendingFor;

// A file read that takes a few polls.
PendingFor<std::string> read_file(const char* name) {
  return PendingFor<std::string>(2, std::string("<") + name + ">", name);
}

ASYNC asyncc::Async<std::string> example(std::size_t min_len) {
  std::string content = co_await read_file("foo.txt");
  if (content.size() < min_len)
    content += co_await read_file("bar.txt");
  co_return content;
}

int main() {
  std::printf("%s\n", asyncc::block_on(example(100)).c_str());
  std::printf("%s\n", asyncc::block_on(example(3)).c_str());
  std::printf("%s\n", e2e::run_to_completion("example", example(100)).c_str());
}
