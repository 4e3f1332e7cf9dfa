// The lecture's example: read foo.txt, and bar.txt too if foo.txt is short.
#include <asyncc/async.hpp>
#include <asyncc/executor.hpp>

#include "read_file.hpp"

#include <cstdio>
#include <string>

ASYNC asyncc::Async<std::string> example(std::size_t min_len, std::string dir) {
  std::string content = co_await read_file(dir + "/foo.txt");
  if (content.size() < min_len)
    content += co_await read_file(dir + "/bar.txt");
  co_return content;
}

int main(int argc, char** argv) {
  std::string dir = argc > 1 ? argv[1] : ".";
  std::string text = asyncc::block_on(example(100, dir));
  std::printf("%s", text.c_str());
}
